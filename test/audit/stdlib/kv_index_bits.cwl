// std::kv::index_bits at depth 4: the key's low bits with the canonical-split check.
use std::field::Bn254Fr;
use std::hash::poseidon;
use std::kv;

circuit KvIndexBits(pub key: Bn254Fr) -> Bn254Fr {
    let bits = kv::index_bits::<4>(key);
    poseidon::hash4(bits[0], bits[1], bits[2], bits[3])
}

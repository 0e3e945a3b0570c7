// std::kv's gadgets: num2bits, assert_bits (with a partial top byte), is_zero, assert_u128, leaf_hash,
// storage_key; the results are hashed into one output, so it is determined only if each of them is.
use std::field::Bn254Fr;
use std::hash::poseidon;
use std::kv;

circuit KvGadgets(priv x: Bn254Fr, priv y: Bn254Fr, pub hi: Bn254Fr, pub lo: Bn254Fr) -> Bn254Fr {
    let bits = kv::num2bits::<8>(x);
    kv::assert_bits::<12, 2>(y);
    kv::assert_u128(hi);
    kv::assert_u128(lo);
    poseidon::hash4(bits[7], kv::is_zero(y), kv::leaf_hash(x, hi, lo), kv::storage_key(x, y, hi))
}

// std::merkle::root_from_path at depth 2 (the swap, booleanity of the index bits, Poseidon).
use std::field::Bn254Fr;
use std::merkle;

circuit MerkleRoot(priv leaf: Bn254Fr, priv path: [Bn254Fr; 2], priv bits: [Bn254Fr; 2]) -> Bn254Fr {
    merkle::root_from_path::<2>(leaf, path, bits)
}

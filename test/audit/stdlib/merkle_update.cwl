// std::merkle::verify_path and update at depth 2: the new root is determined by the old root's path.
use std::field::Bn254Fr;
use std::merkle;

circuit MerkleUpdate(
    pub old_root: Bn254Fr,
    priv old_leaf: Bn254Fr,
    priv new_leaf: Bn254Fr,
    priv path: [Bn254Fr; 2],
    priv bits: [Bn254Fr; 2],
) -> Bn254Fr {
    merkle::verify_path::<2>(old_root, old_leaf, path, bits);
    merkle::update::<2>(old_root, old_leaf, new_leaf, path, bits)
}

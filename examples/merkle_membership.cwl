// Shows: Merkle membership in a depth-20 Poseidon tree (public root; private leaf, siblings and path bits).
use std::field::Bn254Fr;
use std::merkle;

const DEPTH: u32 = 20;

circuit MerkleMembership(
    pub root: Bn254Fr,
    priv leaf: Bn254Fr,
    priv path: [Bn254Fr; DEPTH],
    priv index_bits: [Bn254Fr; DEPTH],
) {
    assert_eq(
        merkle::root_from_path(leaf, path, index_bits),
        root,
        "leaf is not in the tree with this root"
    );
}

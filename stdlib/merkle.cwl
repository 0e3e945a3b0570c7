//! std::merkle — binary Merkle trees hashed with Poseidon (circomlib `Poseidon(2)`), as in
//! Tornado Cash / Semaphore style membership proofs: node = hash2(left, right), a leaf's path lists
//! its siblings from the bottom, and index_bits[i] = 1 when the path node is the right child at level i.

use std::field::Bn254Fr;
use std::hash::poseidon;

/// Constrains b to 0 or 1.
pub fn assert_bit(b: Bn254Fr) {
    assert_eq(b * (b - 1), 0, "index bit must be 0 or 1");
}

/// The root reached from `leaf` by hashing with each sibling in `path` (bottom first); `index_bits[i]`
/// (0 or 1, constrained) says whether the current node is the left (0) or right (1) child.
pub fn root_from_path<const D: u32>(
    leaf: Bn254Fr,
    path: [Bn254Fr; D],
    index_bits: [Bn254Fr; D],
) -> Bn254Fr {
    let mut node = leaf;
    for i in 0..D {
        let bit = index_bits[i];
        assert_bit(bit);
        // Branch-free swap (circomlib's DualMux): bit = 0 -> (node, sibling), bit = 1 -> (sibling, node).
        let left = node + bit * (path[i] - node);
        let right = path[i] + node - left;
        node = poseidon::hash2(left, right);
    }
    node
}

/// Asserts that `leaf` is in the tree with root `root`.
pub fn verify_path<const D: u32>(
    root: Bn254Fr,
    leaf: Bn254Fr,
    path: [Bn254Fr; D],
    index_bits: [Bn254Fr; D],
) {
    assert_eq(
        root_from_path(leaf, path, index_bits),
        root,
        "Merkle path does not lead to the root"
    );
}

/// Replaces the leaf at a position: checks that `old_leaf` is in the tree with `old_root` and returns
/// the root after writing `new_leaf` there (same siblings, same path) — the step of an accumulator update.
pub fn update<const D: u32>(
    old_root: Bn254Fr,
    old_leaf: Bn254Fr,
    new_leaf: Bn254Fr,
    path: [Bn254Fr; D],
    index_bits: [Bn254Fr; D],
) -> Bn254Fr {
    assert_eq(
        root_from_path(old_leaf, path, index_bits),
        old_root,
        "old leaf is not in the tree with the old root"
    );
    root_from_path(new_leaf, path, index_bits)
}

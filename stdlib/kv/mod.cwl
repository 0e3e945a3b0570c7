//! std::kv — the KV storage accumulator's circuits: a sparse Merkle tree over Poseidon whose leaves
//! are EVM storage slots (spec/kv.md). Off-circuit twin: runtime/kv (smt.ts), which produces the witnesses.
//!
//! - key   = Poseidon(address, slot_hi, slot_lo)   (slot split in 128-bit halves to fit Fr)
//! - index = the low D bits of key (D = tree depth, default 64)
//! - leaf  = 0 for an absent value, else Poseidon(key, value_hi, value_lo)
//! - node  = Poseidon(left, right); an empty subtree hashes to the constant of its height.

use std::field::Bn254Fr;
use std::hash::poseidon;
use std::merkle;

/// The low 64 bits of BN254 Fr's modulus p, used to make the key split canonical.
const P_LO64: u64 = 0x43e1f593f0000001;

/// Unconstrained: the key's low D bits as a field element, and the rest (key >> D).
hint fn split_key<const D: u32>(key: Bn254Fr) -> [Bn254Fr; 2] {
    let bits = key.to_bits(254);
    let mut low: Bn254Fr = 0;
    let mut high: Bn254Fr = 0;
    let mut pow: Bn254Fr = 1;
    for i in 0..D {
        if bits[i] { low = low + pow; }
        pow = pow * 2;
    }
    pow = 1;
    for i in D..254 {
        if bits[i] { high = high + pow; }
        pow = pow * 2;
    }
    [low, high]
}

/// Unconstrained: the N little-endian bits of x as field elements.
hint fn bits_hint<const N: u32>(x: Bn254Fr) -> [Bn254Fr; N] {
    let bits = x.to_bits(254);
    let mut out: [Bn254Fr; N] = [0; N];
    for i in 0..N {
        if bits[i] { out[i] = 1; }
    }
    out
}

/// The N little-endian bits of x (N < 254), constrained as circomlib's Num2Bits: each bit is 0 or 1
/// and they recompose x, which therefore is < 2^N.
pub fn num2bits<const N: u32>(x: Bn254Fr) -> [Bn254Fr; N] {
    let bits = bits_hint::<N>(x);
    let mut acc: Bn254Fr = 0;
    let mut pow: Bn254Fr = 1;
    for i in 0..N {
        merkle::assert_bit(bits[i]);
        acc = acc + bits[i] * pow;
        pow = pow + pow;
    }
    assert_eq(acc, x, "value does not fit in the bit width");
    bits
}

/// Bytes for range checks: a limb is range-checked by one lookup instead of eight bit constraints.
table range8: u8 = 0..256;

/// Unconstrained: the N little-endian bytes of x as field elements.
hint fn bytes_hint<const N: u32>(x: Bn254Fr) -> [Bn254Fr; N] {
    let bits = x.to_bits(254);
    let mut out: [Bn254Fr; N] = [0; N];
    for i in 0..N {
        let mut b: Bn254Fr = 0;
        let mut pow: Bn254Fr = 1;
        for j in 0..8 {
            if 8 * i + j < 254 {
                if bits[8 * i + j] { b = b + pow; }
            }
            pow = pow + pow;
        }
        out[i] = b;
    }
    out
}

/// Constrains x < 2^NB with N = ceil(NB / 8) byte lookups (NB ≤ 248): every limb is a byte, the top
/// one shifted so that it is below 2^(NB mod 8), and the limbs recompose x exactly (their sum is below
/// 2^NB < p, so no wrap-around mod p can fake it).
pub fn assert_bits<const NB: u32, const N: u32>(x: Bn254Fr) {
    let limbs = bytes_hint::<N>(x);
    let mut acc: Bn254Fr = 0;
    let mut pow: Bn254Fr = 1;
    for i in 0..N {
        lookup limbs[i] in range8;
        acc = acc + limbs[i] * pow;
        pow = pow * 256;
    }
    if NB % 8 != 0 {
        let shift: Bn254Fr = 2 ** (8 - NB % 8);
        lookup limbs[N - 1] * shift in range8;
    }
    assert_eq(acc, x, "value does not fit in its bit width");
}

/// Unconstrained: 1 / x, or 0 when x = 0.
hint fn inv_or_zero(x: Bn254Fr) -> Bn254Fr {
    if x == 0 { 0 } else { x.inv() }
}

/// 1 when x = 0, else 0 (the standard is-zero gadget: out = 1 - x·inv, x·out = 0).
pub fn is_zero(x: Bn254Fr) -> Bn254Fr {
    let inv = inv_or_zero(x);
    let out = 1 - x * inv;
    assert_eq(x * out, 0, "is_zero: inconsistent inverse witness");
    out
}

pub fn storage_key(address: Bn254Fr, slot_hi: Bn254Fr, slot_lo: Bn254Fr) -> Bn254Fr {
    poseidon::hash3(address, slot_hi, slot_lo)
}

/// Constrains a 128-bit half-word.
pub fn assert_u128(x: Bn254Fr) {
    assert_bits::<128, 16>(x);
}

/// The leaf of (key, value): 0 when the value is 0 (absent), else Poseidon(key, hi, lo).
pub fn leaf_hash(key: Bn254Fr, hi: Bn254Fr, lo: Bn254Fr) -> Bn254Fr {
    let absent = is_zero(hi) * is_zero(lo);
    (1 - absent) * poseidon::hash3(key, hi, lo)
}

/// The key's leaf index bits (little-endian, D of them), canonically: key = high·2^D + low with
/// low < 2^D and high < p >> D, so no second decomposition (key + p) exists.
/// Keys with high = p >> D exactly (probability 2^-(254-D)) are refused by the tree as well.
pub fn index_bits<const D: u32>(key: Bn254Fr) -> [Bn254Fr; D] {
    let parts = split_key::<D>(key);
    let low_bits = num2bits::<D>(parts[0]);
    // high < P_HI  ⇔  high + (2^(254-D) - P_HI) < 2^(254-D), where P_HI = p >> D. Since p ≡ 0 in the
    // field, P_HI = -(p mod 2^D) / 2^D there (D ≤ 64).
    let p_lo = ((P_LO64 as u128) & ((1u128 << D) - 1)) as Bn254Fr;
    let two_d: Bn254Fr = 2 ** D;
    let p_hi = (0 - p_lo) / two_d;
    let shifted = parts[1] + (2 ** (254 - D)) - p_hi;
    assert_bits::<{ 254 - D }, { (254 - D + 7) / 8 }>(shifted);
    assert_eq(parts[1] * two_d + parts[0], key, "key split does not recompose the key");
    low_bits
}

/// The root reached from `leaf` along `path` (bottom first). `bits` must already be constrained to 0/1
/// (they come from `index_bits`), so unlike `merkle::root_from_path` this does not re-check them, and the
/// swap takes 4 gates a level: d = bit·(sibling − node), left = node + d, right = sibling − d.
pub fn path_root<const B: u32>(leaf: Bn254Fr, path: [Bn254Fr; B], bits: [Bn254Fr; B]) -> Bn254Fr {
    let mut node = leaf;
    for i in 0..B {
        let d = bits[i] * (path[i] - node);
        node = poseidon::hash2(node + d, path[i] - d);
    }
    node
}

/// `merkle::update` over bits that are already constrained: checks `old_leaf` leads to `old_root`
/// and returns the root with `new_leaf` at the same position.
pub fn path_update<const B: u32>(old_root: Bn254Fr, old_leaf: Bn254Fr, new_leaf: Bn254Fr, path: [Bn254Fr; B], bits: [Bn254Fr; B]) -> Bn254Fr {
    assert_eq(path_root::<B>(old_leaf, path, bits), old_root, "old leaf is not in the tree with the old root");
    path_root::<B>(new_leaf, path, bits)
}

/// The leaf hashes before and after one access of `key` (whose D index bits are `bits`), with the
/// occupant rules: `has_occupant = 1` proves non-membership — another present key (occ_*) sits at this
/// index, so the key reads 0 and the access cannot write. Returns [leaf_before, leaf_after].
pub fn access_leaves<const D: u32>(
    key: Bn254Fr, bits: [Bn254Fr; D],
    before_hi: Bn254Fr, before_lo: Bn254Fr, after_hi: Bn254Fr, after_lo: Bn254Fr,
    has_occupant: Bn254Fr, occ_key: Bn254Fr, occ_hi: Bn254Fr, occ_lo: Bn254Fr,
) -> [Bn254Fr; 2] {
    assert_u128(before_hi); assert_u128(before_lo); assert_u128(after_hi); assert_u128(after_lo);
    merkle::assert_bit(has_occupant);
    let own_before = leaf_hash(key, before_hi, before_lo);
    let own_after = leaf_hash(key, after_hi, after_lo);
    let occ_leaf = poseidon::hash3(occ_key, occ_hi, occ_lo);
    let occ_bits = index_bits::<D>(occ_key + (1 - has_occupant) * (key - occ_key));
    for i in 0..D {
        assert_eq(occ_bits[i], bits[i], "occupant lives at another index");
    }
    assert_eq(has_occupant * is_zero(occ_key - key), 0, "occupant must be another key");
    assert_eq(has_occupant * is_zero(occ_hi) * is_zero(occ_lo), 0, "occupant must be present");
    assert_eq(has_occupant * (before_hi + before_lo + after_hi + after_lo), 0, "an absent key reads 0 and cannot be written");
    [own_before + has_occupant * (occ_leaf - own_before), own_after + has_occupant * (occ_leaf - own_after)]
}

/// One access (read or write) to the accumulator: proves the key's value goes from `before` to `after`
/// (equal for reads) and the root from `root_before` to the returned root, with the same D siblings.
/// `has_occupant = 1` proves non-membership (see `access_leaves`).
pub fn access<const D: u32>(
    root_before: Bn254Fr,
    address: Bn254Fr, slot_hi: Bn254Fr, slot_lo: Bn254Fr,
    before_hi: Bn254Fr, before_lo: Bn254Fr, after_hi: Bn254Fr, after_lo: Bn254Fr,
    has_occupant: Bn254Fr, occ_key: Bn254Fr, occ_hi: Bn254Fr, occ_lo: Bn254Fr,
    siblings: [Bn254Fr; D],
) -> Bn254Fr {
    let key = storage_key(address, slot_hi, slot_lo);
    let bits = index_bits::<D>(key);
    let leaves = access_leaves::<D>(key, bits, before_hi, before_lo, after_hi, after_lo, has_occupant, occ_key, occ_hi, occ_lo);
    path_update::<D>(root_before, leaves[0], leaves[1], siblings, bits)
}

/// The root over N = 2^T subtree roots (index order), 2^T − 1 hashes. M = 2N: the tree is laid out
/// as a heap (node v has children 2v and 2v + 1, the subtree roots at N..2N − 1).
pub fn root_of_subtrees<const N: u32, const M: u32>(subroots: [Bn254Fr; N]) -> Bn254Fr {
    let mut heap: [Bn254Fr; M] = [0; M];
    for j in 0..N {
        heap[N + j] = subroots[j];
    }
    for r in 1..N {
        let v = N - r;
        heap[v] = poseidon::hash2(heap[2 * v], heap[2 * v + 1]);
    }
    heap[1]
}

/// A block of K accesses with shared upper paths (spec/kv.md, "Batch circuit"). The tree of depth D
/// is split into N = 2^T subtrees of height B = D − T. The circuit keeps the N subtree roots in
/// registers (`subroots`, the pre-block values, hashed once to `root_before`); op i — in trace order,
/// which is its op_counter within the block — selects its subtree by the top T bits of its index
/// (one-hot), proves its access against that register on the B-level path, and writes the new subtree
/// root back. The registers are hashed once more to the returned root. Hashes: 2B per op (+ the leaf
/// and key hashes) and 2(2^T − 1) per block; the one-hot select/read/write costs O(2^T) gates per op.
/// Ops are processed in array order, so op i sees exactly the effects of ops 0..i−1.
/// `siblings[i·B + h]` is op i's sibling at height h (0 = leaf level) inside its subtree.
pub fn batch<const D: u32, const T: u32, const B: u32, const N: u32, const M: u32, const K: u32, const KB: u32>(
    root_before: Bn254Fr,
    address: [Bn254Fr; K], slot_hi: [Bn254Fr; K], slot_lo: [Bn254Fr; K],
    before_hi: [Bn254Fr; K], before_lo: [Bn254Fr; K], after_hi: [Bn254Fr; K], after_lo: [Bn254Fr; K],
    has_occupant: [Bn254Fr; K], occ_key: [Bn254Fr; K], occ_hi: [Bn254Fr; K], occ_lo: [Bn254Fr; K],
    siblings: [Bn254Fr; KB],
    subroots: [Bn254Fr; N],
) -> Bn254Fr {
    assert_eq(root_of_subtrees::<N, M>(subroots), root_before, "subtree roots do not hash to the root before the block");
    let mut regs = subroots;
    for i in 0..K {
        let key = storage_key(address[i], slot_hi[i], slot_lo[i]);
        let bits = index_bits::<D>(key);
        let leaves = access_leaves::<D>(key, bits, before_hi[i], before_lo[i], after_hi[i], after_lo[i],
            has_occupant[i], occ_key[i], occ_hi[i], occ_lo[i]);
        // One-hot selector of the subtree, as a heap over the top T bits (most significant first):
        // sel[N + s] = 1 exactly when s = the index's top T bits.
        let mut sel: [Bn254Fr; M] = [0; M];
        sel[1] = 1;
        for j in 0..T {
            for v in 1..N {
                if v >= (1 << j) {
                    if v < (2 << j) {
                        let hi = sel[v] * bits[D - 1 - j];
                        sel[2 * v + 1] = hi;
                        sel[2 * v] = sel[v] - hi;
                    }
                }
            }
        }
        let mut current: Bn254Fr = 0;
        for s in 0..N {
            current = current + sel[N + s] * regs[s];
        }
        let mut low: [Bn254Fr; B] = [0; B];
        let mut path: [Bn254Fr; B] = [0; B];
        for h in 0..B {
            low[h] = bits[h];
            path[h] = siblings[i * B + h];
        }
        let delta = path_update::<B>(current, leaves[0], leaves[1], path, low) - current;
        for s in 0..N {
            regs[s] = regs[s] + sel[N + s] * delta;
        }
    }
    root_of_subtrees::<N, M>(regs)
}

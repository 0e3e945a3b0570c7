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
        if bits[i] {
            low = low + pow;
        }
        pow = pow * 2;
    }
    pow = 1;
    for i in D..254 {
        if bits[i] {
            high = high + pow;
        }
        pow = pow * 2;
    }
    [low, high]
}

/// Unconstrained: the N little-endian bits of x as field elements.
hint fn bits_hint<const N: u32>(x: Bn254Fr) -> [Bn254Fr; N] {
    let bits = x.to_bits(254);
    let mut out: [Bn254Fr; N] = [0; N];
    for i in 0..N {
        if bits[i] {
            out[i] = 1;
        }
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
                if bits[8 * i + j] {
                    b = b + pow;
                }
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
    if x == 0 {
        0
    } else {
        x.inv()
    }
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
    // 0 ≤ high: without this bound a wrapped high = p − t (t ≤ 2^(254-D) − P_HI) passes the check below,
    // and about a third of all keys get a second split, so a second leaf index (cwl audit finds it).
    assert_bits::<{ 254 - D }, { (254 - D + 7) / 8 }>(parts[1]);
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
pub fn path_update<const B: u32>(
    old_root: Bn254Fr,
    old_leaf: Bn254Fr,
    new_leaf: Bn254Fr,
    path: [Bn254Fr; B],
    bits: [Bn254Fr; B],
) -> Bn254Fr {
    assert_eq(
        path_root::<B>(old_leaf, path, bits),
        old_root,
        "old leaf is not in the tree with the old root"
    );
    path_root::<B>(new_leaf, path, bits)
}

/// The leaf hashes before and after one access of `key` (whose D index bits are `bits`), with the
/// occupant rules: `has_occupant = 1` proves non-membership — another present key (occ_*) sits at this
/// index, so the key reads 0 and the access cannot write. Returns [leaf_before, leaf_after].
pub fn access_leaves<const D: u32>(
    key: Bn254Fr,
    bits: [Bn254Fr; D],
    before_hi: Bn254Fr,
    before_lo: Bn254Fr,
    after_hi: Bn254Fr,
    after_lo: Bn254Fr,
    has_occupant: Bn254Fr,
    occ_key: Bn254Fr,
    occ_hi: Bn254Fr,
    occ_lo: Bn254Fr,
) -> [Bn254Fr; 2] {
    assert_u128(before_hi);
    assert_u128(before_lo);
    assert_u128(after_hi);
    assert_u128(after_lo);
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
    assert_eq(
        has_occupant * (before_hi + before_lo + after_hi + after_lo),
        0,
        "an absent key reads 0 and cannot be written"
    );
    [
        own_before + has_occupant * (occ_leaf - own_before),
        own_after + has_occupant * (occ_leaf - own_after),
    ]
}

/// One access (read or write) to the accumulator: proves the key's value goes from `before` to `after`
/// (equal for reads) and the root from `root_before` to the returned root, with the same D siblings.
/// `has_occupant = 1` proves non-membership (see `access_leaves`).
pub fn access<const D: u32>(
    root_before: Bn254Fr,
    address: Bn254Fr,
    slot_hi: Bn254Fr,
    slot_lo: Bn254Fr,
    before_hi: Bn254Fr,
    before_lo: Bn254Fr,
    after_hi: Bn254Fr,
    after_lo: Bn254Fr,
    has_occupant: Bn254Fr,
    occ_key: Bn254Fr,
    occ_hi: Bn254Fr,
    occ_lo: Bn254Fr,
    siblings: [Bn254Fr; D],
) -> Bn254Fr {
    let key = storage_key(address, slot_hi, slot_lo);
    let bits = index_bits::<D>(key);
    let leaves = access_leaves::<D>(
        key,
        bits,
        before_hi,
        before_lo,
        after_hi,
        after_lo,
        has_occupant,
        occ_key,
        occ_hi,
        occ_lo,
    );
    path_update::<D>(root_before, leaves[0], leaves[1], siblings, bits)
}

/// get: proves `key`'s value under `root` — membership (value ≠ 0) or non-membership (value 0: an empty
/// leaf, or another present key at its index when `has_occupant = 1`). One D-level path.
pub fn get<const D: u32>(
    root: Bn254Fr,
    address: Bn254Fr,
    slot_hi: Bn254Fr,
    slot_lo: Bn254Fr,
    value_hi: Bn254Fr,
    value_lo: Bn254Fr,
    has_occupant: Bn254Fr,
    occ_key: Bn254Fr,
    occ_hi: Bn254Fr,
    occ_lo: Bn254Fr,
    siblings: [Bn254Fr; D],
) {
    let key = storage_key(address, slot_hi, slot_lo);
    let bits = index_bits::<D>(key);
    let leaves = access_leaves::<D>(
        key,
        bits,
        value_hi,
        value_lo,
        value_hi,
        value_lo,
        has_occupant,
        occ_key,
        occ_hi,
        occ_lo,
    );
    assert_eq(
        path_root::<D>(leaves[0], siblings, bits),
        root,
        "the value is not the key's under this root"
    );
}

/// insert: an absent key (empty leaf) gets a non-zero value; returns the new root.
pub fn insert<const D: u32>(
    root_before: Bn254Fr,
    address: Bn254Fr,
    slot_hi: Bn254Fr,
    slot_lo: Bn254Fr,
    value_hi: Bn254Fr,
    value_lo: Bn254Fr,
    siblings: [Bn254Fr; D],
) -> Bn254Fr {
    assert_eq(
        is_zero(value_hi) * is_zero(value_lo),
        0,
        "insert writes a non-zero value (writing 0 is delete)"
    );
    access::<D>(
        root_before,
        address,
        slot_hi,
        slot_lo,
        0,
        0,
        value_hi,
        value_lo,
        0,
        0,
        0,
        0,
        siblings,
    )
}

/// update: a present key's value changes to another non-zero value; returns the new root.
pub fn update<const D: u32>(
    root_before: Bn254Fr,
    address: Bn254Fr,
    slot_hi: Bn254Fr,
    slot_lo: Bn254Fr,
    old_hi: Bn254Fr,
    old_lo: Bn254Fr,
    new_hi: Bn254Fr,
    new_lo: Bn254Fr,
    siblings: [Bn254Fr; D],
) -> Bn254Fr {
    assert_eq(is_zero(old_hi) * is_zero(old_lo), 0, "update needs a present key (use insert)");
    assert_eq(
        is_zero(new_hi) * is_zero(new_lo),
        0,
        "update writes a non-zero value (writing 0 is delete)"
    );
    access::<D>(
        root_before,
        address,
        slot_hi,
        slot_lo,
        old_hi,
        old_lo,
        new_hi,
        new_lo,
        0,
        0,
        0,
        0,
        siblings,
    )
}

/// delete: a present key's leaf returns to empty (the path to its empty constants); returns the new root.
pub fn delete<const D: u32>(
    root_before: Bn254Fr,
    address: Bn254Fr,
    slot_hi: Bn254Fr,
    slot_lo: Bn254Fr,
    old_hi: Bn254Fr,
    old_lo: Bn254Fr,
    siblings: [Bn254Fr; D],
) -> Bn254Fr {
    assert_eq(is_zero(old_hi) * is_zero(old_lo), 0, "delete needs a present key");
    access::<D>(root_before, address, slot_hi, slot_lo, old_hi, old_lo, 0, 0, 0, 0, 0, 0, siblings)
}

/// A batch's key slots, for its op rows to look up (spec/kv.md, "Batch circuit"): per key slot j, the
/// row (1, j, address, slot_hi, slot_lo, old_hi, old_lo) for the first op of its group, which reads the
/// value the tree held before the block, and (0, j, address, slot_hi, slot_lo, 0, 0) for its other ops.
table kv_first: (Bn254Fr, Bn254Fr, Bn254Fr, Bn254Fr, Bn254Fr, Bn254Fr, Bn254Fr) = dynamic;
/// Per key slot j: (1, j, new_hi, new_lo) for the last op of its group, which leaves the value the tree
/// holds after the block, and (0, j, 0, 0) for its other ops.
table kv_last: (Bn254Fr, Bn254Fr, Bn254Fr, Bn254Fr) = dynamic;
/// The batch's ops grouped by key, in the prover's order: (op_counter, address, slot_hi, slot_lo,
/// before_hi, before_lo, after_hi, after_lo). Every trace op looks its own row up here.
table kv_grouped: (
    Bn254Fr,
    Bn254Fr,
    Bn254Fr,
    Bn254Fr,
    Bn254Fr,
    Bn254Fr,
    Bn254Fr,
    Bn254Fr,
) = dynamic;

/// A block of K accesses proven by key (spec/kv.md, "Batch circuit"): one Merkle update per distinct
/// key, however often the block touches it, plus a few gates per op.
///
/// - Key slots (U of them, `used` ones first, sorted by strictly increasing leaf index): slot j proves
///   its key's value goes from `old` (before the block) to `new` (after it) with one D-level
///   `path_update`, chained from `root_before`; the returned root is the chain's end. Unused slots must
///   not change their leaf (old = new) and take any key.
/// - Grouped op rows (`g_*`, K of them): the block's ops again, grouped by key in key-slot order and
///   by strictly increasing op_counter inside a group; `g_start[i] = 1` opens the next group. A row's
///   key is its slot's (lookup into `kv_first`), the first row of a group reads the slot's `old`, each
///   later row reads what the row before it left, and the last row leaves the slot's `new`
///   (`kv_last`). The groups cover exactly the used slots.
/// - The trace (public, op i has op_counter i) is bound to the grouped rows by one lookup per op into
///   `kv_grouped`: K distinct trace rows (distinct counters) inside a table of K pushed rows make the
///   grouped rows a permutation of the trace, so no permutation argument is needed.
///
/// Every op therefore reads what the previous op on its key wrote (or the tree's value before the
/// block) and the tree ends with each key's last write: the block's sequential semantics.
/// `siblings[j·D + h]` is key slot j's sibling at height h (0 = leaf level), in the tree as the slots
/// before j left it.
pub fn batch<const D: u32, const K: u32, const U: u32, const UD: u32>(
    root_before: Bn254Fr,
    address: [Bn254Fr; K],
    slot_hi: [Bn254Fr; K],
    slot_lo: [Bn254Fr; K],
    before_hi: [Bn254Fr; K],
    before_lo: [Bn254Fr; K],
    after_hi: [Bn254Fr; K],
    after_lo: [Bn254Fr; K],
    used: [Bn254Fr; U],
    k_address: [Bn254Fr; U],
    k_slot_hi: [Bn254Fr; U],
    k_slot_lo: [Bn254Fr; U],
    old_hi: [Bn254Fr; U],
    old_lo: [Bn254Fr; U],
    new_hi: [Bn254Fr; U],
    new_lo: [Bn254Fr; U],
    has_occupant: [Bn254Fr; U],
    occ_key: [Bn254Fr; U],
    occ_hi: [Bn254Fr; U],
    occ_lo: [Bn254Fr; U],
    siblings: [Bn254Fr; UD],
    g_counter: [Bn254Fr; K],
    g_start: [Bn254Fr; K],
    g_address: [Bn254Fr; K],
    g_slot_hi: [Bn254Fr; K],
    g_slot_lo: [Bn254Fr; K],
    g_before_hi: [Bn254Fr; K],
    g_before_lo: [Bn254Fr; K],
    g_after_hi: [Bn254Fr; K],
    g_after_lo: [Bn254Fr; K],
) -> Bn254Fr {
    // Key slots: one Merkle update each, in strictly increasing leaf-index order.
    let mut root = root_before;
    let mut prev_index: Bn254Fr = 0;
    let mut used_count: Bn254Fr = 0;
    for j in 0..U {
        let key = storage_key(k_address[j], k_slot_hi[j], k_slot_lo[j]);
        let bits = index_bits::<D>(key);
        let leaves = access_leaves::<D>(
            key,
            bits,
            old_hi[j],
            old_lo[j],
            new_hi[j],
            new_lo[j],
            has_occupant[j],
            occ_key[j],
            occ_hi[j],
            occ_lo[j],
        );
        let mut path: [Bn254Fr; D] = [0; D];
        for h in 0..D {
            path[h] = siblings[j * D + h];
        }
        root = path_update::<D>(root, leaves[0], leaves[1], path, bits);
        let mut index: Bn254Fr = 0;
        let mut pow: Bn254Fr = 1;
        for h in 0..D {
            index = index + bits[h] * pow;
            pow = pow + pow;
        }
        if j == 0 {
            assert_eq(used[0], 1, "the first key slot must be used");
        } else {
            merkle::assert_bit(used[j]);
            assert_eq(used[j] * (1 - used[j - 1]), 0, "used key slots come first");
            // Distinct keys: a used slot's index exceeds the previous slot's (the difference − 1 fits D bits).
            assert_bits::<D, { (D + 7) / 8 }>(used[j] * (index - prev_index - 1));
        }
        assert_eq(
            (1 - used[j]) * (new_hi[j] - old_hi[j]),
            0,
            "an unused key slot cannot change its leaf"
        );
        assert_eq(
            (1 - used[j]) * (new_lo[j] - old_lo[j]),
            0,
            "an unused key slot cannot change its leaf"
        );
        prev_index = index;
        used_count = used_count + used[j];
        let slot_no = j as Bn254Fr;
        push (
            1,
            slot_no,
            k_address[j],
            k_slot_hi[j],
            k_slot_lo[j],
            old_hi[j],
            old_lo[j]
        ) into kv_first;
        push (0, slot_no, k_address[j], k_slot_hi[j], k_slot_lo[j], 0, 0) into kv_first;
        push (1, slot_no, new_hi[j], new_lo[j]) into kv_last;
        push (0, slot_no, 0, 0) into kv_last;
    }
    // Grouped op rows.
    assert_eq(g_start[0], 1, "the first grouped op opens a group");
    let mut group: Bn254Fr = 0;
    for i in 0..K {
        let start = g_start[i];
        if i > 0 {
            merkle::assert_bit(start);
            group = group + start;
            let same = 1 - start;
            assert_eq(
                same * (g_before_hi[i] - g_after_hi[i - 1]),
                0,
                "an op does not read what the previous op on its key left"
            );
            assert_eq(
                same * (g_before_lo[i] - g_after_lo[i - 1]),
                0,
                "an op does not read what the previous op on its key left"
            );
            // Inside a group, op counters strictly increase (K ≤ 2^16).
            assert_bits::<16, 2>(same * (g_counter[i] - g_counter[i - 1] - 1));
        }
        let end = if i + 1 < K {
            g_start[i + 1]
        } else {
            1
        };
        lookup (
            start,
            group,
            g_address[i],
            g_slot_hi[i],
            g_slot_lo[i],
            start * g_before_hi[i],
            start * g_before_lo[i]
        ) in kv_first;
        lookup (end, group, end * g_after_hi[i], end * g_after_lo[i]) in kv_last;
        push (
            g_counter[i],
            g_address[i],
            g_slot_hi[i],
            g_slot_lo[i],
            g_before_hi[i],
            g_before_lo[i],
            g_after_hi[i],
            g_after_lo[i]
        ) into kv_grouped;
    }
    assert_eq(group + 1, used_count, "the groups do not cover exactly the used key slots");
    // The trace: op i (op_counter i) is one of the grouped rows.
    for i in 0..K {
        lookup (
            (i as Bn254Fr),
            address[i],
            slot_hi[i],
            slot_lo[i],
            before_hi[i],
            before_lo[i],
            after_hi[i],
            after_lo[i]
        ) in kv_grouped;
    }
    root
}

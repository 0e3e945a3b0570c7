//! std::evm::storage — a minimal EVM storage circuit fed by the KV accumulator through a lookup table,
//! the way a zkEVM's state circuit consumes its storage proofs (spec/kv.md, "Lookup table").
//!
//! The accumulator side (`publish_block`) proves a block of K accesses with `std::kv::batch` and pushes
//! one row per access into the dynamic table `kv_ops`:
//!   (op_counter, address, slot_hi, slot_lo, before_hi, before_lo, after_hi, after_lo)
//! — the issue's 7-tuple (op_counter, address, slot, value_before, value_after, root_before, root_after)
//! with the 256-bit slot and values as 128-bit halves. root_before and root_after are the block's
//! (the batch proves the block's transition, not one root per access): the same for every row of the
//! table, they are the circuit's public roots instead of two more table columns (dynamic tables have at
//! most 8 columns).
//! The storage side (`check_trace`) takes a trace of SLOAD/SSTORE and looks every access up in the table:
//! op_counter strictly increasing, a read (SLOAD) has before = after = the loaded value, a write
//! (SSTORE) has after = the stored value and whatever value the slot held before.

use std::field::Bn254Fr;
use std::kv;
use std::merkle;

/// The accumulator's table of storage accesses, filled at proving time by `publish_block`.
table kv_ops: (Bn254Fr, Bn254Fr, Bn254Fr, Bn254Fr, Bn254Fr, Bn254Fr, Bn254Fr, Bn254Fr) = dynamic;

/// Proves the block with `std::kv::batch` (same parameters) and pushes its K table rows; op i of the
/// block has op_counter `first_counter + i`. Returns the root after the block.
pub fn publish_block<const D: u32, const K: u32, const U: u32, const UD: u32>(
    first_counter: Bn254Fr,
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
    let root_after = kv::batch::<D, K, U, UD>(
        root_before,
        address,
        slot_hi,
        slot_lo,
        before_hi,
        before_lo,
        after_hi,
        after_lo,
        used,
        k_address,
        k_slot_hi,
        k_slot_lo,
        old_hi,
        old_lo,
        new_hi,
        new_lo,
        has_occupant,
        occ_key,
        occ_hi,
        occ_lo,
        siblings,
        g_counter,
        g_start,
        g_address,
        g_slot_hi,
        g_slot_lo,
        g_before_hi,
        g_before_lo,
        g_after_hi,
        g_after_lo,
    );
    for i in 0..K {
        push (
            first_counter + (i as Bn254Fr),
            address[i],
            slot_hi[i],
            slot_lo[i],
            before_hi[i],
            before_lo[i],
            after_hi[i],
            after_lo[i]
        ) into kv_ops;
    }
    root_after
}

/// Checks a storage trace of S accesses against the accumulator's table. `is_write[j]` is 1 for an
/// SSTORE; `value_*` is the loaded (SLOAD) or stored (SSTORE) word; `prev_*` is a write's previous
/// value (ignored for reads, whose previous value is the loaded one).
pub fn check_trace<const S: u32>(
    counter: [Bn254Fr; S],
    is_write: [Bn254Fr; S],
    address: [Bn254Fr; S],
    slot_hi: [Bn254Fr; S],
    slot_lo: [Bn254Fr; S],
    value_hi: [Bn254Fr; S],
    value_lo: [Bn254Fr; S],
    prev_hi: [Bn254Fr; S],
    prev_lo: [Bn254Fr; S],
) {
    for j in 0..S {
        merkle::assert_bit(is_write[j]);
        if j > 0 {
            // Strictly increasing: counter[j] − counter[j − 1] − 1 fits in 32 bits.
            kv::assert_bits::<32, 4>(counter[j] - counter[j - 1] - 1);
        }
        let before_hi = value_hi[j] + is_write[j] * (prev_hi[j] - value_hi[j]);
        let before_lo = value_lo[j] + is_write[j] * (prev_lo[j] - value_lo[j]);
        lookup (
            counter[j],
            address[j],
            slot_hi[j],
            slot_lo[j],
            before_hi,
            before_lo,
            value_hi[j],
            value_lo[j]
        ) in kv_ops;
    }
}

// std::kv::batch end to end: a block of accesses proven in one circuit, one Merkle update per distinct
// key. Witnesses come from the off-circuit accumulator; MockProver and the KZG prover/verifier accept
// them and reject a wrong old value, wrong roots, a reordered batch and forged groupings.
import { describe, it, expect } from "vitest";
import { KvStore, checkWitness, storageKey, type StorageOp } from "../../runtime/kv/index.ts";
import { applyBatch, batchCircuit, batchInputs, batchPublic, batchStats, mockBatch, mockBatchInputs, OP_FIELDS, type BatchShape, type BatchWitness } from "../../tooling/kv/batch.ts";
import { accessCircuitStats } from "../../tooling/kv/circuit.ts";
import { keygen, prove, verify, insecureDevSrs, minimumK } from "../../runtime/plonk/index.ts";
import { witnessFor } from "../../backends/plonkish/index.ts";

const DEPTH = 8;

/** A store with some history, then a block: insert, read-after-write, update, delete, absent read. */
async function block(shape: BatchShape, ops: StorageOp[]): Promise<{ kv: KvStore; w: BatchWitness }> {
  const kv = KvStore.memory({ depth: DEPTH });
  await kv.applyBlock([
    { kind: "write", address: 7n, slot: 1n, value: 11n },
    { kind: "write", address: 8n, slot: 3n << 200n, value: (1n << 255n) + 5n },
  ]);
  return { kv, w: await applyBatch(kv, ops, shape) };
}

/** Insert, read-after-write, delete, update, and a second write to the first key: 5 ops over 3 keys. */
const FIVE: StorageOp[] = [
  { kind: "write", address: 9n, slot: 4n, value: 123n },
  { kind: "read", address: 9n, slot: 4n },
  { kind: "write", address: 7n, slot: 1n, value: 0n },
  { kind: "write", address: 8n, slot: 3n << 200n, value: 2n ** 200n },
  { kind: "write", address: 9n, slot: 4n, value: 5n },
];

/** Swaps two ops' public fields (the proof's claims) and leaves the private witness as it was. */
function swapOps(inputs: Record<string, unknown>, i: number, j: number): Record<string, unknown> {
  const out = { ...inputs };
  for (const f of OP_FIELDS) [out[`${f}_${i}`], out[`${f}_${j}`]] = [inputs[`${f}_${j}`], inputs[`${f}_${i}`]];
  return out;
}

describe("std::kv::batch (one update per distinct key)", () => {
  const shape: BatchShape = { depth: DEPTH, k: 5, keys: 4 };

  it("a block of insert, read-after-write, delete, update and rewrite satisfies MockProver", async () => {
    const { w, kv } = await block(shape, FIVE);
    for (const a of w.accesses) expect(checkWitness(a, DEPTH)).toBeUndefined();
    expect(w.accesses[1].valueBefore).toBe(123n); // the read sees the write before it in the block
    expect(w.rootAfter).toBe(kv.root);
    expect(w.keys.map((k) => k.used)).toEqual([true, true, true, false]); // 3 distinct keys, one pad slot
    const key94 = w.keys.findIndex((k) => k.access.address === 9n);
    expect(w.keys[key94].access.valueBefore).toBe(0n); // the slot spans the block: 0 → 5
    expect(w.keys[key94].access.valueAfter).toBe(5n);
    expect(mockBatch(w)).toEqual([]);
  });

  it("pads a short block with reads, and proves a non-membership read through an occupant", async () => {
    const idx = storageKey(7n, 1n) & BigInt((1 << DEPTH) - 1);
    let s = 100n;
    while ((storageKey(7n, s) & BigInt((1 << DEPTH) - 1)) !== idx) s++;
    const { w } = await block(shape, [{ kind: "read", address: 7n, slot: s }, { kind: "write", address: 1n, slot: 1n, value: 1n }]);
    expect(w.accesses[0].occupant).toBeDefined();
    expect(w.accesses.length).toBe(5);
    expect(mockBatch(w)).toEqual([]);
  });

  it("refuses, with a reason, a block whose distinct keys share a leaf index", async () => {
    const idx = storageKey(7n, 1n) & BigInt((1 << DEPTH) - 1);
    let s = 100n;
    while ((storageKey(7n, s) & BigInt((1 << DEPTH) - 1)) !== idx) s++;
    await expect(block(shape, [{ kind: "read", address: 7n, slot: s }, { kind: "read", address: 7n, slot: 1n }])).rejects.toThrow(/share leaf index/);
  });

  it("rejects a wrong old value, wrong roots, a reordered batch and forged groupings (MockProver)", async () => {
    const { w } = await block(shape, FIVE);
    const good = batchInputs(w);
    expect(mockBatchInputs(shape, { ...good, before_lo_2: "12" })).not.toEqual([]); // (7,1) held 11
    expect(mockBatchInputs(shape, { ...good, after_lo_1: "124" })).not.toEqual([]); // a read that writes
    expect(mockBatchInputs(shape, { ...good, root_after: (w.rootAfter + 1n).toString() })).not.toEqual([]);
    expect(mockBatchInputs(shape, { ...good, root_before: (w.rootBefore + 1n).toString() })).not.toEqual([]);
    // Reordered: the read (op 1) claimed before the write (op 0) — it would have read 0, not 123.
    expect(mockBatchInputs(shape, swapOps(good, 0, 1))).not.toEqual([]);
    // The same public ops, with the private grouping forged:
    const g = (name: string) => good[name] as string[];
    const perm = (rows: number[]) => Object.fromEntries(["g_counter", "g_address", "g_slot_hi", "g_slot_lo", "g_before_hi", "g_before_lo", "g_after_hi", "g_after_lo"].map((f) => [f, rows.map((r) => g(f)[r])]));
    const rowOf = (counter: number) => g("g_counter").indexOf(String(counter));
    // ... a group's ops out of counter order (the rewrite of (9,4) placed before the read),
    const [r0, r1, r4] = [rowOf(0), rowOf(1), rowOf(4)];
    expect([r1, r4]).toEqual([r0 + 1, r0 + 2]);
    const order = [0, 1, 2, 3, 4];
    [order[r1], order[r4]] = [r4, r1];
    expect(mockBatchInputs(shape, { ...good, ...perm(order) })).not.toEqual([]);
    // ... one op dropped and another duplicated in its place (the trace lookup finds no row for it),
    const dup = [0, 1, 2, 3, 4];
    dup[rowOf(3)] = rowOf(2);
    expect(mockBatchInputs(shape, { ...good, ...perm(dup) })).not.toEqual([]);
    // ... a key slot marked unused while ops use it, and the pad slot changing its leaf,
    expect(mockBatchInputs(shape, { ...good, used: ["1", "1", "0", "0"] })).not.toEqual([]);
    expect(mockBatchInputs(shape, { ...good, new_lo: g("new_lo").map((x, j) => (j === 3 ? "77" : x)) })).not.toEqual([]);
    // ... a group split in two (the read of (9,4) starting a group of its own).
    const starts = g("g_start").slice();
    starts[r1] = "1";
    expect(mockBatchInputs(shape, { ...good, g_start: starts })).not.toEqual([]);
    // Two ops on different keys commute: swapped in the trace, with their counters relabelled in the
    // grouping, they are a different statement that is just as true (spec/kv.md, "Reordered batch").
    const swapped = swapOps(good, 2, 3);
    swapped.g_counter = g("g_counter").map((c) => (c === "2" ? "3" : c === "3" ? "2" : c));
    expect(mockBatchInputs(shape, swapped)).toEqual([]);
  });

  it("per-op rows fall with the batch size when ops share keys", () => {
    const single = accessCircuitStats(DEPTH).rows;
    const one = batchStats({ depth: DEPTH, k: 1, keys: 1 }).rows;
    const twoKeys = batchStats({ depth: DEPTH, k: 2, keys: 2 }).rows / 2;
    const eight = batchStats({ depth: DEPTH, k: 8, keys: 2 }).rows / 8;
    expect(one).toBeLessThanOrEqual(single + 40); // one op, one key: the access circuit and its grouping
    expect(twoKeys).toBeLessThan(one + 40); // distinct keys: about one access circuit per op
    expect(eight).toBeLessThan(one / 3); // 8 ops on 2 keys: two updates and eight cheap rows
    console.log(`kv batch depth ${DEPTH}: rows/op k=1 ${one}, k=2 over 2 keys ${twoKeys}, k=8 over 2 keys ${eight}; access circuit ${single}`);
  });

  it("proves and verifies with KZG; a wrong old value, a wrong root and a reordered batch are rejected", async () => {
    const small: BatchShape = { depth: DEPTH, k: 2, keys: 1 };
    const { w } = await block(small, FIVE.slice(0, 2));
    const c = batchCircuit(small);
    const { witness } = witnessFor(c, batchInputs(w));
    expect(witness!.instance[0].slice(0, 2 + 7 * 2)).toEqual(batchPublic(w));
    const pk = await keygen(insecureDevSrs(1 << minimumK(c.program.circuit)), c.program.circuit);
    const proof = await prove(pk, witness!);
    expect(await verify(pk.vk, witness!.instance, proof)).toBe(true);
    const edit = (f: (pub: bigint[]) => void) => {
      const col = witness!.instance[0].slice();
      f(col);
      return [col];
    };
    expect(await verify(pk.vk, edit((p) => (p[1] ^= 1n)), proof)).toBe(false); // root after
    expect(await verify(pk.vk, edit((p) => (p[2 + 4] = 12n)), proof)).toBe(false); // op 0's old value (lo)
    expect(await verify(pk.vk, edit((p) => p.splice(2, 14, ...p.slice(9, 16), ...p.slice(2, 9))), proof)).toBe(false); // reordered
    // And the prover cannot produce a proof for the reordered claims: its witness fails the constraints.
    const { witness: bad, run } = witnessFor(c, swapOps(batchInputs(w), 0, 1));
    expect(run.ok).toBe(false);
    if (bad) {
      let accepted: boolean;
      try {
        accepted = await verify(pk.vk, bad.instance, await prove(pk, bad));
      } catch {
        accepted = false;
      }
      expect(accepted).toBe(false);
    }
  }, 60_000);
});

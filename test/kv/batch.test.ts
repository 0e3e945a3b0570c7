// std::kv::batch end to end: a block of accesses proven in one circuit with shared upper paths.
// Witnesses come from the off-circuit accumulator; MockProver and the KZG prover/verifier accept them
// and reject a wrong old value, wrong roots and a reordered batch.
import { describe, it, expect } from "vitest";
import { KvStore, checkWitness, storageKey, type StorageOp } from "../../runtime/kv/index.ts";
import { applyBatch, batchCircuit, batchInputs, batchPublic, batchStats, mockBatch, mockBatchInputs, bestTop, OP_FIELDS, type BatchShape, type BatchWitness } from "../../runtime/kv/batch.ts";
import { accessCircuitStats } from "../../runtime/kv/circuit.ts";
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

const FOUR: StorageOp[] = [
  { kind: "write", address: 9n, slot: 4n, value: 123n },
  { kind: "read", address: 9n, slot: 4n },
  { kind: "write", address: 7n, slot: 1n, value: 0n },
  { kind: "write", address: 8n, slot: 3n << 200n, value: 2n ** 200n },
];

/** Swaps two ops' public fields (the proof's claims) and leaves the private witness as it was. */
function swapOps(inputs: Record<string, unknown>, i: number, j: number): Record<string, unknown> {
  const out = { ...inputs };
  for (const f of OP_FIELDS) [out[`${f}_${i}`], out[`${f}_${j}`]] = [inputs[`${f}_${j}`], inputs[`${f}_${i}`]];
  return out;
}

describe("std::kv::batch (shared upper paths)", () => {
  const shape: BatchShape = { depth: DEPTH, top: 2, k: 4 };

  it("a block of insert, read-after-write, delete and update satisfies MockProver", async () => {
    const { w, kv } = await block(shape, FOUR);
    for (const a of w.accesses) expect(checkWitness(a, DEPTH)).toBeUndefined();
    expect(w.accesses[1].valueBefore).toBe(123n); // the read sees the write before it in the block
    expect(w.rootAfter).toBe(kv.root);
    expect(mockBatch(w)).toEqual([]);
  });

  it("pads a short block with reads, and proves a non-membership read through an occupant", async () => {
    const idx = storageKey(7n, 1n) & BigInt((1 << DEPTH) - 1);
    let s = 100n;
    while ((storageKey(7n, s) & BigInt((1 << DEPTH) - 1)) !== idx) s++;
    const { w } = await block(shape, [{ kind: "read", address: 7n, slot: s }, { kind: "write", address: 1n, slot: 1n, value: 1n }]);
    expect(w.accesses[0].occupant).toBeDefined();
    expect(w.accesses.length).toBe(4);
    expect(mockBatch(w)).toEqual([]);
  });

  it("rejects a wrong old value, wrong roots, a wrong subtree root and a reordered batch (MockProver)", async () => {
    const { w } = await block(shape, FOUR);
    const good = batchInputs(w);
    expect(mockBatchInputs(shape, { ...good, before_lo_2: "12" })).not.toEqual([]); // (7,1) held 11
    expect(mockBatchInputs(shape, { ...good, after_lo_1: "124" })).not.toEqual([]); // a read that writes
    expect(mockBatchInputs(shape, { ...good, root_after: (w.rootAfter + 1n).toString() })).not.toEqual([]);
    expect(mockBatchInputs(shape, { ...good, root_before: (w.rootBefore + 1n).toString() })).not.toEqual([]);
    const subroots = (good.subroots as string[]).map((x, i) => (i === 3 ? (BigInt(x) + 1n).toString() : x));
    expect(mockBatchInputs(shape, { ...good, subroots })).not.toEqual([]);
    // Reordered: the read (op 1) claimed before the write (op 0) — it would have read 0, not 123.
    expect(mockBatchInputs(shape, swapOps(good, 0, 1))).not.toEqual([]);
    // Two writes to keys in different subtrees commute: swapped together with their paths they are a
    // different statement that is just as true (spec/kv.md, "Reordered batch"), so it is accepted.
    const swapped = swapOps(good, 2, 3) as Record<string, string[] | string>;
    const sib = good.siblings as string[];
    const b = DEPTH - shape.top;
    swapped.siblings = [...sib.slice(0, 2 * b), ...sib.slice(3 * b, 4 * b), ...sib.slice(2 * b, 3 * b)];
    const subtree = (a: bigint, s: bigint) => (storageKey(a, s) & BigInt((1 << DEPTH) - 1)) >> BigInt(b);
    expect(subtree(7n, 1n)).not.toBe(subtree(8n, 3n << 200n));
    expect(mockBatchInputs(shape, swapped)).toEqual([]);
  });

  it("per-op rows fall with the batch size", () => {
    const single = accessCircuitStats(DEPTH).rows;
    const one = batchStats({ depth: DEPTH, top: 0, k: 1 }).rows;
    const four = batchStats(shape).rows / 4;
    expect(one).toBeLessThanOrEqual(single + 32); // K = 1 without top levels is the access circuit
    expect(four).toBeLessThan(one);
    expect(bestTop(64, 1)).toBe(0);
    expect(bestTop(64, 256)).toBeGreaterThan(bestTop(64, 4));
    console.log(`kv batch depth ${DEPTH}: rows/op k=1 ${one}, k=4 (top 2) ${four}; access circuit ${single}`);
  });

  it("proves and verifies with KZG; a wrong old value, a wrong root and a reordered batch are rejected", async () => {
    const small: BatchShape = { depth: DEPTH, top: 1, k: 2 };
    const { w } = await block(small, FOUR.slice(0, 2));
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

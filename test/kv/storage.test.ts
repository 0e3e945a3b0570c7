// std::evm::storage: a real ERC-20 storage trace (SLOAD/SSTORE from @ethereumjs/evm) checked against
// the KV accumulator's table (dynamic lookup table filled by the batch circuit). A trace whose SLOAD
// disagrees with the accumulator, a wrong stored value and out-of-order counters are rejected by
// MockProver and by the KZG prover/verifier. A storage circuit the compiler cannot build fails the
// suite with the compiler's diagnostics.
import { describe, it, expect } from "vitest";
import { KvStore, accessesToOps, erc20TransferTrace, storageLoopTrace, type StorageAccess } from "../../runtime/kv/index.ts";
import { applyBatch, batchShapeFor, type BatchShape, type BatchWitness } from "../../tooling/kv/batch.ts";
import { tryStorageCircuit, storageInputs, mockStorage } from "../../tooling/kv/storage.ts";
import { witnessFor } from "../../backends/plonkish/index.ts";
import { keygen, prove, verify, insecureDevSrs, minimumK } from "../../runtime/plonk/index.ts";

const DEPTH = 8;

async function setup(): Promise<{ shape: BatchShape; w: BatchWitness; trace: StorageAccess[] }> {
  const { genesis, trace } = await erc20TransferTrace(1);
  const kv = KvStore.memory({ depth: DEPTH });
  await kv.applyBlock(accessesToOps(genesis));
  const ops = accessesToOps(trace);
  const shape: BatchShape = batchShapeFor(DEPTH, ops);
  return { shape, w: await applyBatch(kv, ops, shape), trace };
}

const { shape, w, trace } = await setup();
const probe = tryStorageCircuit(shape, trace.length);

/** The trace with access j changed. */
const edit = (j: number, f: (a: StorageAccess) => Partial<StorageAccess>) => trace.map((a, i) => (i === j ? { ...a, ...f(a) } : a));

describe("std::evm::storage against the KV accumulator table", () => {
  it("the storage circuit compiles", () => {
    expect(typeof probe === "string" ? probe : "compiled").toBe("compiled");
  });

  const loads = trace.flatMap((a, i) => (a.kind === "SLOAD" ? [i] : []));
  const stores = trace.flatMap((a, i) => (a.kind === "SSTORE" ? [i] : []));

  it("a real ERC-20 transfer's storage trace is consistent with the accumulator", () => {
    expect(loads.length).toBeGreaterThan(0);
    expect(stores.length).toBeGreaterThan(0);
    expect(mockStorage(shape, trace.length, storageInputs(w, 0, trace))).toEqual([]);
  });

  it("rejects an SLOAD that disagrees, a wrong stored value and out-of-order counters (MockProver)", () => {
    const j = loads[0];
    expect(mockStorage(shape, trace.length, storageInputs(w, 0, edit(j, (a) => ({ before: a.before + 1n, after: a.after + 1n }))))).not.toEqual([]);
    const s = stores[0];
    expect(mockStorage(shape, trace.length, storageInputs(w, 0, edit(s, (a) => ({ after: a.after ^ 1n }))))).not.toEqual([]);
    // Swapping two accesses of the trace: counters are no longer increasing.
    const swapped = trace.slice();
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    expect(mockStorage(shape, trace.length, storageInputs(w, 0, swapped))).not.toEqual([]);
    // The accumulator's rows are bound to their counters: shifting the block's numbering fails.
    expect(mockStorage(shape, trace.length, storageInputs(w, 1, trace))).not.toEqual([]);
  });

  it("a storage-heavy loop (two passes over the same slots) is consistent; a stale SLOAD is rejected", async () => {
    const { trace: loop } = await storageLoopTrace(2);
    const kv = KvStore.memory({ depth: DEPTH });
    const ops = accessesToOps(loop);
    const sh: BatchShape = batchShapeFor(DEPTH, ops);
    const lw = await applyBatch(kv, ops, sh);
    expect(mockStorage(sh, loop.length, storageInputs(lw, 0, loop))).toEqual([]);
    // The second pass's first SLOAD claims the value from before the first pass's SSTORE.
    const second = loop.findIndex((a, i) => i >= loop.length / 2 && a.kind === "SLOAD");
    expect(loop[second].before).not.toBe(0n);
    const stale = loop.map((a, i) => (i === second ? { ...a, before: 0n, after: 0n } : a));
    expect(mockStorage(sh, loop.length, storageInputs(lw, 0, stale))).not.toEqual([]);
  });

  it("proves and verifies with KZG; a disagreeing SLOAD yields no valid proof", async () => {
    if (typeof probe === "string") throw new Error(probe);
    const c = probe;
    const { witness } = witnessFor(c, storageInputs(w, 0, trace));
    const pk = await keygen(insecureDevSrs(1 << minimumK(c.program.circuit)), c.program.circuit);
    const proof = await prove(pk, witness!);
    expect(await verify(pk.vk, witness!.instance, proof)).toBe(true);
    const bad = witnessFor(c, storageInputs(w, 0, edit(loads[0], (a) => ({ before: a.before + 1n, after: a.after + 1n }))));
    let accepted = false;
    if (bad.witness) {
      try {
        accepted = await verify(pk.vk, bad.witness.instance, await prove(pk, bad.witness));
      } catch {
        accepted = false;
      }
    }
    expect(accepted).toBe(false);
  }, 300_000);
});

// The pool-driven prover gives the same proof, byte for byte, as the one-thread prover, with chips large
// enough for every step (LDE, Merkle leaves, LogUp, quotient, DEEP) to run in ranges on two workers.
import { describe, it, expect } from "vitest";
import { encodeProof, keygen, prove, proveParallel, verify } from "../../runtime/stark/index.ts";
import { syntheticAir, syntheticTrace } from "../../runtime/stark/workload.ts";
import { checkAir } from "../../runtime/air/check.ts";

describe("proveParallel", () => {
  it("runs on a synthetic trace that satisfies its AIR (the benchmark proves it unchecked)", () => {
    for (const w of [12, 40]) expect(checkAir(syntheticAir(w), [syntheticTrace(w, 64)])).toEqual([]);
  });

  it("equals prove on 2^12 rows over two workers (every step in ranges), and verifies", async () => {
    const params = { logBlowup: 2, numQueries: 8, powBits: 2, logFinalLen: 2 };
    const { pk, vk } = keygen(syntheticAir(12), { params });
    const trace = syntheticTrace(12, 1 << 12);
    const a = prove(pk, [trace], []);
    const b = await proveParallel(pk, [trace], [], { threads: 2 });
    expect(encodeProof(b)).toEqual(encodeProof(a));
    expect(verify(vk, b, [])).toEqual({ ok: true });
  });
});

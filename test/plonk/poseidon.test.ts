// The Poseidon round gate's parameters (generated with the reference Grain procedure) reproduce
// circomlib's Poseidon: cross-checked against circomlibjs for widths t = 2..6, and the chip's
// layout satisfies its gates on a witness from the reference permutation.
import { describe, it, expect } from "vitest";
import { buildPoseidonReference } from "circomlibjs";
import { poseidonHash, poseidonParams } from "../../backends/plonkish/index.ts";
import { MockProver } from "../../runtime/plonk/index.ts";
import { poseidonChain } from "./circuits.ts";

describe("Poseidon parameters", () => {
  it("match circomlibjs for 1..5 inputs", async () => {
    const ref = await buildPoseidonReference();
    for (let n = 1; n <= 5; n++) {
      const inputs = Array.from({ length: n }, (_, i) => BigInt(i * 1000003 + 17));
      expect(poseidonHash(inputs)).toBe(ref.F.toObject(ref(inputs)) as bigint);
    }
    expect(poseidonHash([1n, 2n])).toBe(7853200120776062878684798364095072458815029376092732009249414926327459813530n);
  });

  it("has circomlib's round counts for t = 3", () => {
    const p = poseidonParams(3);
    expect([p.fullRounds, p.partialRounds, p.constants.length, p.mds.length]).toEqual([8, 57, 65, 3]);
  });

  it("the chip's chain circuit is satisfied, and a flipped state cell is caught at its round", () => {
    const { circuit, witness } = poseidonChain(2);
    expect(MockProver.run(circuit, witness).messages()).toEqual([]);
    witness.advice[1][10] += 1n;
    const msgs = MockProver.run(circuit, witness).messages();
    expect(msgs.some((m) => /gate "poseidon-(full|partial)-round" \(state\[\d\]\) is not satisfied at row 9/.test(m))).toBe(true);
  });
});

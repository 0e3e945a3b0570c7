import { describe, it, expect, beforeAll } from "vitest";
import { buildPoseidonReference } from "circomlibjs";
import { poseidon, BN254_R } from "../../runtime/hash/poseidon.ts";

// Outside reference: circomlibjs (the JS twin of circomlib's Poseidon circuit).
describe("runtime Poseidon equals circomlibjs", () => {
  let ref: ((xs: bigint[]) => unknown) & { F: { toObject(x: unknown): bigint } };
  beforeAll(async () => {
    ref = await buildPoseidonReference();
  });
  let seed = 12345n;
  const rnd = () => {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
    return (seed * 0x9e3779b97f4a7c15n * seed) % BN254_R;
  };
  for (let n = 1; n <= 5; n++) {
    it(`t=${n + 1}`, () => {
      for (const xs of [Array(n).fill(0n), Array(n).fill(BN254_R - 1n), Array.from({ length: n }, rnd)]) {
        expect(poseidon(xs)).toBe(ref.F.toObject(ref(xs)));
      }
    });
  }
  it("known vector: poseidon([1, 2]) from circomlib's test suite", () => {
    expect(poseidon([1n, 2n])).toBe(0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189an);
  });
});

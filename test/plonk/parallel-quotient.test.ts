// The quotient program on the worker pool: the same words as the single-thread evaluator for every split
// of the extended domain (and the BigInt reference at sample points), the single-thread fallback for small
// domains, and proofs that do not depend on the thread count nor on the packed (WASM) opening arithmetic.
import { createHash } from "node:crypto";
import { describe, it, expect, beforeAll } from "vitest";
import { keygen, prove, verify, insecureDevSrs, minimumK, encodeProofBinary, type ProvingKey } from "../../runtime/plonk/index.ts";
import { BN254_FR, FieldVec } from "../../runtime/field/index.ts";
import { Domain, fr } from "../../runtime/poly/index.ts";
import { Expression, type Column } from "../../runtime/plonk/cs.ts";
import {
  CHUNK,
  PARALLEL_QUOTIENT_FROM,
  compileCombined,
  evaluateCombinedParallel,
  evaluateCombinedVec,
} from "../../runtime/plonk/evaluator.ts";
import { allConstraints } from "../../runtime/plonk/constraints.ts";
import { quotientCoeffs, quotientCoeffsParallel } from "../../runtime/plonk/vanishing/prover.ts";
import { mulberry32 } from "../util/prng.ts";
import { poseidonChain, range8 } from "./circuits.ts";

let poseidonPk: ProvingKey;
let rangePk: ProvingKey;

beforeAll(async () => {
  const chain = poseidonChain(2);
  poseidonPk = await keygen(insecureDevSrs(1 << minimumK(chain.circuit)), chain.circuit);
  const range = range8([1n, 2n]);
  rangePk = await keygen(insecureDevSrs(1 << minimumK(range.circuit)), range.circuit);
});

/** Random extended columns for every column the constraints read, as BigInt arrays and packed vectors. */
function randomColumns(extN: number, seed: number) {
  const next = mulberry32(seed);
  const rnd = () => fr.mod((BigInt(Math.floor(next() * 2 ** 32)) << 224n) ^ (BigInt(Math.floor(next() * 2 ** 32)) << 96n) ^ BigInt(Math.floor(next() * 2 ** 32)));
  const cols = new Map<string, bigint[]>();
  const vecs = new Map<string, FieldVec>();
  const key = (c: Column) => {
    const k = `${c.kind}:${c.index}`;
    if (!cols.has(k)) {
      const v = Array.from({ length: extN }, rnd);
      cols.set(k, v);
      vecs.set(k, FieldVec.fromBigints(BN254_FR, v));
    }
    return k;
  };
  return { rnd, big: (c: Column) => cols.get(key(c))!, vec: (c: Column) => vecs.get(key(c))! };
}

describe("parallel quotient evaluation", () => {
  // 2^13 extended points = 8 chunks: 2 and 3 threads give even and uneven splits (4 and 6 jobs).
  const d = new Domain(10, 9);
  it("the domain spans several chunks", () => {
    expect(d.extN / CHUNK).toBe(8);
  });

  for (const threads of [2, 3]) {
    it(`${threads} threads give the single-thread words, bit for bit, and the BigInt reference`, async () => {
      const cols = randomColumns(d.extN, 1000 + threads);
      const ch = { theta: cols.rnd(), beta: cols.rnd(), gamma: cols.rnd() };
      const exprs = [...allConstraints(poseidonPk.vk.shape, ch), ...allConstraints(rangePk.vk.shape, ch)];
      // Rotations that wrap around the coset at both ends, constants, negation, scaling.
      const a = (rot: number) => Expression.query({ kind: "advice", index: 0 }, rot);
      exprs.push(Expression.constant(5).sub(a(-1).mul(7n)).add(a(2).mul(a(-3))));
      const y = cols.rnd();
      const zhInv = d.extendedVanishingInverse();
      const single = evaluateCombinedVec(exprs, y, cols.vec, d.extN, d.extK, zhInv);
      const par = await evaluateCombinedParallel(exprs, y, cols.vec, d.extN, d.extK, zhInv, { threads, minSize: 0 });
      expect(par.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Buffer.from(par.data.buffer, par.data.byteOffset, par.data.byteLength).equals(Buffer.from(single.data.buffer, single.data.byteOffset, single.data.byteLength))).toBe(true);
      const ref = compileCombined(exprs, y, cols.big, d.extN, d.extK);
      const mask = zhInv.length - 1;
      // Points at the start, the end, and both sides of every job boundary.
      for (const i of [0, 1, CHUNK - 1, CHUNK, 3 * CHUNK - 1, 3 * CHUNK, 4 * CHUNK, 5 * CHUNK + 17, d.extN - 1])
        expect(par.get(i), `point ${i}`).toBe(fr.mul(ref(i), zhInv[i & mask]));
    });
  }

  it("small domains stay on the calling thread with the same result", async () => {
    const small = new Domain(6, 5);
    expect(small.extN).toBeLessThan(PARALLEL_QUOTIENT_FROM);
    const cols = randomColumns(small.extN, 7);
    const exprs = allConstraints(rangePk.vk.shape, { theta: 3n, beta: 5n, gamma: 11n });
    const zhInv = small.extendedVanishingInverse();
    const single = evaluateCombinedVec(exprs, 13n, cols.vec, small.extN, small.extK, zhInv);
    const par = await evaluateCombinedParallel(exprs, 13n, cols.vec, small.extN, small.extK, zhInv, { threads: 2 });
    expect(par.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(par.toBigints()).toEqual(single.toBigints());
  });

  it("the quotient coefficients match across thread counts", async () => {
    const cols = randomColumns(d.extN, 99);
    const exprs = allConstraints(poseidonPk.vk.shape, { theta: 2n, beta: 3n, gamma: 4n });
    const one = quotientCoeffs(d, exprs, cols.vec, 17n);
    const two = await quotientCoeffsParallel(d, exprs, cols.vec, 17n, { threads: 2, minSize: 0 });
    expect(two.toBigints()).toEqual(one);
  });

  it("a proof at the parallel threshold is the same with 1 and 2 threads, and verifies", async () => {
    const chain = poseidonChain(50);
    const pk = await keygen(insecureDevSrs(1 << minimumK(chain.circuit)), chain.circuit);
    expect(pk.domain.extN).toBeGreaterThanOrEqual(PARALLEL_QUOTIENT_FROM);
    const fixed = () => {
      let i = 0n;
      return () => fr.mod(0x9e3779b97f4a7c15n * ++i + 0x1234n);
    };
    const p1 = await prove(pk, chain.witness, { random: fixed(), threads: 1 });
    const p2 = await prove(pk, chain.witness, { random: fixed(), threads: 2 });
    expect(Buffer.from(encodeProofBinary(p2)).equals(Buffer.from(encodeProofBinary(p1)))).toBe(true);
    expect(await verify(pk.vk, chain.witness.instance, p2)).toBe(true);
  });

  // sha256 of the binary proofs the BigInt-era prover (commit b7c7c50) emitted for these witnesses and this
  // randomness: the packed polynomials, the pool and the WASM opening must not change a single byte.
  const HEAD_PROOFS: Array<[string, () => ReturnType<typeof range8>, string]> = [
    ["poseidonChain(3)", () => poseidonChain(3), "c459563d1e326d4c051be1e4b7f7c9f61377ee8316f6fc57291cc7f647f3045a"],
    ["range8", () => range8([3n, 200n, 17n, 255n, 0n]), "1c78d6a32c2cd122671d641d51d93a41fb78216753140f25695e98df8e2e0f74"],
  ];
  for (const [name, make, digest] of HEAD_PROOFS)
    it(`${name}: the proof is byte for byte the one of the BigInt prover`, async () => {
      const c = make();
      const pk = await keygen(insecureDevSrs(1 << minimumK(c.circuit)), c.circuit);
      let i = 0n;
      const proof = await prove(pk, c.witness, { random: () => fr.mod(0x9e3779b97f4a7c15f39cc0605cedc834n * ++i + 12345n) });
      expect(createHash("sha256").update(encodeProofBinary(proof)).digest("hex")).toBe(digest);
      expect(await verify(pk.vk, c.witness.instance, proof)).toBe(true);
    });
});

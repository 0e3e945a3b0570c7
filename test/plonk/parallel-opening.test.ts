// The packed (WASM) arithmetic of the evaluations phase and the batched opening against BigInt references:
// evaluations equal Horner, linear combinations and synthetic division equal the BigInt loops, and the
// opening witnesses equal those of the BigInt openBatch, for packed and BigInt inputs of unequal lengths.
import { describe, it, expect } from "vitest";
import { insecureDevSrs, type G1 } from "../../runtime/plonk/index.ts";
import { BN254_FR, FieldVec } from "../../runtime/field/index.ts";
import { divideByLinear, evalPoly, fr } from "../../runtime/poly/index.ts";
import {
  commit,
  commitVec,
  divideByLinearVec,
  evaluateAt,
  linearCombination,
  openBatch,
  openBatchReference,
  type ProverQuery,
} from "../../runtime/plonk/kzg.ts";
import { mulberry32 } from "../util/prng.ts";

const next = mulberry32(4242);
const word = () => BigInt(Math.floor(next() * 2 ** 32));
const rnd = () => fr.mod((word() << 224n) | (word() << 160n) | (word() << 96n) | (word() << 32n) | word());
const poly = (n: number) => Array.from({ length: n }, rnd);
const same = (a: G1, b: G1) => a.infinity === b.infinity && a.x === b.x && a.y === b.y;

describe("packed opening arithmetic", () => {
  const polys = [poly(300), poly(257), poly(1), [], poly(300)];
  polys[4][299] = 0n; // a trailing zero

  it("evaluateAt equals Horner for BigInt and packed inputs", () => {
    for (const z of [0n, 1n, fr.R - 1n, rnd()]) {
      const want = polys.map((p) => evalPoly(p, z));
      expect(evaluateAt(polys, z)).toEqual(want);
      expect(evaluateAt(polys.map((p) => FieldVec.fromBigints(BN254_FR, p)), z)).toEqual(want);
    }
  });

  it("linearCombination and divideByLinearVec equal the BigInt loops", () => {
    const sc = polys.map(rnd);
    const lc = linearCombination(polys, sc).toBigints();
    const want = new Array<bigint>(300).fill(0n);
    polys.forEach((p, j) => p.forEach((c, i) => (want[i] = fr.add(want[i], fr.mul(sc[j], c)))));
    expect(lc).toEqual(want);
    const z = rnd();
    expect(divideByLinearVec(FieldVec.fromBigints(BN254_FR, want), z).toBigints()).toEqual(divideByLinear(want, z));
    expect(divideByLinearVec(FieldVec.fromBigints(BN254_FR, [5n]), z).length).toBe(0);
  });

  it("openBatch gives the BigInt reference's witnesses; commitVec equals commit", async () => {
    const srs = insecureDevSrs(512);
    for (const p of polys) expect(same(await commitVec(srs, FieldVec.fromBigints(BN254_FR, p)), await commit(srs, p))).toBe(true);
    const [x, w] = [rnd(), rnd()];
    const queries: ProverQuery[] = polys.map((p, i) => ({
      point: i % 2 ? x : w,
      poly: i === 1 ? FieldVec.fromBigints(BN254_FR, p) : p,
      commitment: srs.g1[0],
      eval: evalPoly(p, i % 2 ? x : w),
    }));
    const v = rnd();
    const got = await openBatch(srs, queries, v);
    const want = await openBatchReference(srs, queries, v);
    expect(got.length).toBe(2);
    got.forEach((g, i) => expect(same(g, want[i]), `point ${i}`).toBe(true));
    // Another challenge gives other witnesses (the comparison can fail).
    const other = await openBatchReference(srs, queries, fr.add(v, 1n));
    expect(same(got[0], other[0])).toBe(false);
  });
});

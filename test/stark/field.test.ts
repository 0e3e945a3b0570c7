// BabyBear and its quartic extension against BigInt reference arithmetic; the NTTs and the coset LDE
// against direct polynomial evaluation.
import { describe, it, expect } from "vitest";
import { mulberry32 } from "../../base/prng/index.ts";
import * as F from "../../runtime/stark/field.ts";
import { BABYBEAR } from "../../runtime/air/check.ts";
import {
  bitReverse,
  cosetPointsBitrev,
  evaluateCosetBitrev,
  interpolateCosetBitrev,
  interpolateNatural,
  lde,
  nttDifBitrevOut,
  nttDifBitrevOutTs,
  nttDitBitrevIn,
  nttDitBitrevInTs,
} from "../../runtime/stark/ntt.ts";
import { wasmNttAvailable } from "../../runtime/stark/ntt-wasm.ts";

const p = 2013265921n;
const rnd = mulberry32(17);
const r32 = () => Math.floor(rnd() * 4294967296) >>> 0;
const rf = () => r32() % F.P;
const edge = [0, 1, 2, F.P - 1, F.P - 2, (F.P - 1) / 2, (F.P + 1) / 2, 1 << 30, 2 ** 31 - 1 - 2 ** 27, 65535, 65536];

// reference: polynomials over F_p[X]/(X^4 − 11) in BigInt
function refMul(a: bigint[], b: bigint[]): bigint[] {
  const t = new Array<bigint>(7).fill(0n);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) t[i + j] += a[i] * b[j];
  return [0, 1, 2, 3].map((i) => (t[i] + (i + 4 < 7 ? 11n * t[i + 4] : 0n)) % p);
}
const big = (e: F.Ext) => e.map(BigInt);
const rext = (): F.Ext => [rf(), rf(), rf(), rf()];

function evalPoly(coeffs: Uint32Array | number[], x: number): number {
  let acc = 0;
  for (let i = coeffs.length - 1; i >= 0; i--) acc = F.add(F.mul(acc, x), coeffs[i]);
  return acc;
}

describe("BabyBear", () => {
  it("is the modulus of the AIR checker", () => expect(BigInt(F.P)).toBe(BABYBEAR));
  it("multiplies, adds and subtracts like BigInt on edge and random values", () => {
    const xs = [...edge, ...Array.from({ length: 300 }, rf)];
    for (const a of xs)
      for (const b of xs.slice(0, 60)) {
        expect(F.mul(a, b)).toBe(Number((BigInt(a) * BigInt(b)) % p));
        expect(F.add(a, b)).toBe(Number((BigInt(a) + BigInt(b)) % p));
        expect(F.sub(a, b)).toBe(Number((((BigInt(a) - BigInt(b)) % p) + p) % p));
      }
  });
  it("multiplies correctly near every multiple-of-p boundary (a·b just above k·p)", () => {
    // products b·a ≡ small (mod p): a = k·p/b rounded, where the double estimate of ⌊ab/p⌋ is most fragile
    for (let t = 0; t < 20000; t++) {
      const b = rf() | 1;
      const k = BigInt(r32() % b);
      const a = Number(((k * p) / BigInt(b) + BigInt(t % 3)) % p);
      expect(F.mul(a, b)).toBe(Number((BigInt(a) * BigInt(b)) % p));
    }
  });
  it("inverts, and the 2-adic roots have exact order", () => {
    for (const a of [1, 2, F.P - 1, ...Array.from({ length: 50 }, () => rf() || 1)]) expect(F.mul(a, F.inv(a))).toBe(1);
    const w = F.rootOfUnity(27);
    expect(F.pow(w, 1 << 26)).toBe(F.P - 1);
    expect(F.pow(w, 1 << 27)).toBe(1);
    expect(() => F.rootOfUnity(28)).toThrow();
    const xs = Uint32Array.from([3, 5, F.P - 1, 12345]);
    F.batchInv(xs);
    expect([...xs]).toEqual([3, 5, F.P - 1, 12345].map(F.inv));
  });
  it("reduces negative and large BigInts", () => {
    expect(F.fromBig(-1n)).toBe(F.P - 1);
    expect(F.fromBig(p * 5n + 7n)).toBe(7);
  });
});

describe("BabyBear^4 = F[X]/(X^4 − 11)", () => {
  it("X^4 − 11 has no root in F (11 is not a square, so no linear factor; the extension is a field: checked by inverses)", () => {
    expect(F.pow(11, (F.P - 1) / 2)).toBe(F.P - 1);
  });
  it("multiplies like the BigInt reference and inverts", () => {
    for (let t = 0; t < 300; t++) {
      const a = rext();
      const b = rext();
      expect(big(F.emul(a, b))).toEqual(refMul(big(a), big(b)));
      expect(F.emul(a, F.einv(a))).toEqual(F.EXT_ONE);
    }
    expect(F.emul([0, 1, 0, 0], F.epow([0, 1, 0, 0], 3))).toEqual([11, 0, 0, 0]);
    const cols = [0, 1, 2, 3].map(() => Uint32Array.from({ length: 9 }, rf));
    const orig = cols.map((c) => c.slice());
    F.eBatchInvCols(cols);
    for (let i = 0; i < 9; i++) {
      const a: F.Ext = [orig[0][i], orig[1][i], orig[2][i], orig[3][i]];
      expect(F.emul(a, [cols[0][i], cols[1][i], cols[2][i], cols[3][i]])).toEqual(F.EXT_ONE);
    }
  });
});

describe("NTT and coset LDE", () => {
  it("the WebAssembly butterflies equal the TypeScript ones, both directions, forward and inverse", () => {
    expect(wasmNttAvailable()).toBe(true);
    for (const logN of [6, 7, 12]) {
      const a = Uint32Array.from({ length: 1 << logN }, (_, i) => (i % 17 === 0 ? F.P - 1 : rf()));
      const [w, t] = [a.slice(), a.slice()];
      nttDifBitrevOut(w);
      nttDifBitrevOutTs(t);
      expect(w).toEqual(t);
      for (const inverse of [false, true]) {
        const [w2, t2] = [a.slice(), a.slice()];
        nttDitBitrevIn(w2, inverse);
        nttDitBitrevInTs(t2, inverse);
        expect(w2).toEqual(t2);
      }
    }
  });
  it("DIF output is the evaluations at ω^bitrev(i)", () => {
    for (const logN of [0, 1, 3, 6]) {
      const n = 1 << logN;
      const c = Uint32Array.from({ length: n }, rf);
      const e = c.slice();
      nttDifBitrevOut(e);
      const w = F.rootOfUnity(logN);
      for (let i = 0; i < n; i++) expect(e[i]).toBe(evalPoly(c, F.pow(w, bitReverse(i, logN))));
    }
  });
  it("interpolation inverts evaluation, and the LDE agrees with the trace on the subgroup's polynomial", () => {
    const logN = 5;
    const col = Uint32Array.from({ length: 1 << logN }, rf);
    const coeffs = interpolateNatural(col);
    const w = F.rootOfUnity(logN);
    for (let i = 0; i < col.length; i++) expect(evalPoly(coeffs, F.pow(w, i))).toBe(col[i]);
    const { evals } = lde(col, 2);
    const pts = cosetPointsBitrev(logN + 2, F.GENERATOR);
    for (let i = 0; i < evals.length; i += 7) expect(evals[i]).toBe(evalPoly(coeffs, pts[i]));
    const back = interpolateCosetBitrev(evals, F.GENERATOR);
    expect([...back.subarray(0, col.length)]).toEqual([...coeffs]);
    expect(back.subarray(col.length).every((x) => x === 0)).toBe(true);
    expect(evaluateCosetBitrev(coeffs, logN + 2, F.GENERATOR)).toEqual(evals);
  });
});

describe("LinearCombiner", () => {
  it("equals Σ e_k·col_k computed with modular products, at the largest values and past its reduction period", async () => {
    const { LinearCombiner } = await import("../../runtime/stark/vec.ts");
    const n = 5;
    const cols = Array.from({ length: 100 }, (_, k) => Uint32Array.from({ length: n }, (_, i) => (k + i) % 3 === 0 ? F.P - 1 : rf()));
    const es: F.Ext[] = cols.map((_, k) => (k % 4 === 0 ? [F.P - 1, F.P - 1, F.P - 1, F.P - 1] : rext()));
    const out = [0, 1, 2, 3].map(() => Uint32Array.from({ length: n }, rf));
    const expected = out.map((c) => c.slice());
    for (let k = 0; k < cols.length; k++)
      for (let i = 0; i < n; i++) for (let j = 0; j < 4; j++) expected[j][i] = F.add(expected[j][i], F.mul(es[k][j], cols[k][i]));
    const lc = new LinearCombiner(n);
    cols.forEach((c, k) => lc.add(es[k], c));
    lc.addInto(out);
    expect(out).toEqual(expected);
  });
});

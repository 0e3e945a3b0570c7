import { describe, expect, it } from "vitest";
import { Field } from "@noble/curves/abstract/modular.js";
import { bn254_Fr, bn254 } from "@noble/curves/bn254.js";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { FieldVec, NAMED_FIELDS, BN254_FR, BN254_FQ, BLS12_381_FR, GOLDILOCKS, BABYBEAR, fieldByName, type PrimeField } from "../../../runtime/field/index.ts";

const fields = Object.values(NAMED_FIELDS);

function samples(F: PrimeField, n: number): bigint[] {
  const edge = [0n, 1n, 2n, F.p - 1n, F.p - 2n, (F.p - 1n) / 2n];
  return [...edge, ...Array.from({ length: n }, () => F.random())];
}

describe("named field moduli agree with @noble/curves and published values", () => {
  it("bn254 / bls12-381", () => {
    expect(BN254_FR.p).toBe(bn254_Fr.ORDER);
    expect(BN254_FQ.p).toBe(bn254.G1.Point.Fp.ORDER);
    expect(BLS12_381_FR.p).toBe(bls12_381.fields.Fr.ORDER);
  });
  it("two-adicities", () => {
    expect(BN254_FR.twoAdicity).toBe(28);
    expect(BLS12_381_FR.twoAdicity).toBe(32);
    expect(NAMED_FIELDS.pallas.twoAdicity).toBe(32);
    expect(NAMED_FIELDS.vesta.twoAdicity).toBe(32);
    expect(GOLDILOCKS.twoAdicity).toBe(32);
    expect(BABYBEAR.twoAdicity).toBe(27);
  });
  it("fieldByName", () => {
    expect(fieldByName("BN254")).toBe(BN254_FR);
    expect(fieldByName("bls12-381-fr")).toBe(BLS12_381_FR);
    expect(fieldByName("nope")).toBeUndefined();
  });
});

describe.each(fields.map((f) => [f.name, f] as const))("%s against noble Field(p)", (_name, F) => {
  const N = Field(F.p);
  const xs = samples(F, 40);
  const ys = [...xs].reverse();
  it("add, sub, mul, neg, square, pow, div", () => {
    for (let i = 0; i < xs.length; i++) {
      const [a, b] = [xs[i], ys[i]];
      expect(F.add(a, b)).toBe(N.add(a, b));
      expect(F.sub(a, b)).toBe(N.sub(a, b));
      expect(F.mul(a, b)).toBe(N.mul(a, b));
      expect(F.neg(a)).toBe(N.neg(a));
      expect(F.square(a)).toBe(N.sqr(a));
      expect(F.pow(a, b)).toBe(N.pow(a, b));
      if (b !== 0n) expect(F.div(a, b)).toBe(N.div(a, b));
    }
  });
  it("inv and batchInverse; inverse of zero throws", () => {
    const nz = xs.filter((x) => x !== 0n);
    for (const a of nz) expect(F.inv(a)).toBe(N.inv(a));
    expect(F.batchInverse(nz)).toEqual(nz.map((a) => N.inv(a)));
    expect(() => F.inv(0n)).toThrow(RangeError);
  });
  it("sqrt (Tonelli–Shanks) finds roots of squares and rejects non-squares", () => {
    for (const a of xs) {
      const sq = F.square(a);
      const r = F.sqrt(sq);
      expect(r).toBeDefined();
      expect(F.square(r!)).toBe(sq);
    }
    const z = F.nonResidue();
    expect(F.sqrt(z)).toBeUndefined();
    expect(N.isValid(z) && F.legendre(z)).toBe(-1);
  });
  it("roots of unity have exact order 2^k", () => {
    for (const k of new Set([0, 1, Math.min(2, F.twoAdicity), Math.min(5, F.twoAdicity), F.twoAdicity])) {
      const w = F.rootOfUnity(k);
      expect(F.pow(w, 1n << BigInt(k))).toBe(1n);
      if (k > 0) expect(F.pow(w, 1n << BigInt(k - 1))).toBe(F.p - 1n);
    }
    expect(() => F.rootOfUnity(F.twoAdicity + 1)).toThrow(RangeError);
  });
  it("byte encodings round-trip and reject non-canonical values", () => {
    for (const a of xs) {
      expect(F.fromBytesLE(F.toBytesLE(a))).toBe(a);
      expect(F.fromBytesBE(F.toBytesBE(a))).toBe(a);
      expect(F.toBytesBE(a)).toEqual(N.toBytes(a).slice(-F.byteLength));
    }
    const big = new Uint8Array(F.byteLength).fill(0xff);
    expect(() => F.fromBytesLE(big)).toThrow(RangeError);
    expect(() => F.fromBytesLE(new Uint8Array(F.byteLength + 1))).toThrow(RangeError);
  });
  it("FieldVec (current kernels) matches the reference elementwise", () => {
    const a = FieldVec.fromBigints(F, xs);
    const b = FieldVec.fromBigints(F, ys);
    expect(a.toBigints()).toEqual(xs);
    expect(a.add(b).toBigints()).toEqual(xs.map((x, i) => F.add(x, ys[i])));
    expect(a.sub(b).toBigints()).toEqual(xs.map((x, i) => F.sub(x, ys[i])));
    expect(a.mul(b).toBigints()).toEqual(xs.map((x, i) => F.mul(x, ys[i])));
    expect(a.scale(ys[7]).toBigints()).toEqual(xs.map((x) => F.mul(x, ys[7])));
    expect(a.batchInverse().toBigints()).toEqual(xs.map((x) => (x === 0n ? 0n : F.inv(x))));
    expect(a.innerProduct(b)).toBe(xs.reduce((s, x, i) => F.add(s, F.mul(x, ys[i])), 0n));
  });
});

import { describe, expect, it } from "vitest";
import { FieldVec, NAMED_FIELDS, GOLDILOCKS, enableFastField, hasWasmField, montParams, referenceKernels, wasmKernels, PrimeField } from "../../../runtime/field/index.ts";

const fields = Object.values(NAMED_FIELDS);

function edgeValues(F: PrimeField): bigint[] {
  const e = [0n, 1n, 2n, F.p - 1n, F.p - 2n, (F.p - 1n) / 2n, (F.p + 1n) / 2n];
  for (let k = 31; k < F.bits; k += 32) e.push((1n << BigInt(k)) % F.p, ((1n << BigInt(k + 1)) - 1n) % F.p);
  return e;
}

describe.each(fields.map((f) => [f.name, f] as const))("WASM kernels of %s equal the BigInt reference", (_n, F) => {
  it("is covered by the generator", () => expect(hasWasmField(F)).toBe(true));
  it("add, sub, mul, scale, batchInverse, innerProduct on edge and random values", () => {
    const edge = edgeValues(F);
    const xs: bigint[] = [];
    const ys: bigint[] = [];
    for (const a of edge) for (const b of edge) xs.push(a), ys.push(b);
    for (let i = 0; i < 300; i++) xs.push(F.random()), ys.push(F.random());
    const a = FieldVec.fromBigints(F, xs);
    const b = FieldVec.fromBigints(F, ys);
    const n = xs.length;
    const W = wasmKernels(F);
    const R = referenceKernels(montParams(F));
    for (const op of ["add", "sub", "mul"] as const) {
      const o1 = new Uint32Array(a.data.length);
      const o2 = new Uint32Array(a.data.length);
      W[op](a.data, b.data, o1, n);
      R[op](a.data, b.data, o2, n);
      expect(o1, op).toEqual(o2);
    }
    for (const c of [0n, 1n, F.p - 1n, F.random()]) {
      const cv = FieldVec.fromBigints(F, [c]).data;
      const o1 = new Uint32Array(a.data.length);
      const o2 = new Uint32Array(a.data.length);
      W.scale(a.data, cv, o1, n);
      R.scale(a.data, cv, o2, n);
      expect(o1).toEqual(o2);
    }
    const i1 = new Uint32Array(a.data.length);
    const i2 = new Uint32Array(a.data.length);
    W.batchInverse(a.data, i1, n);
    R.batchInverse(a.data, i2, n);
    expect(i1).toEqual(i2);
    expect(W.innerProduct(a.data, b.data, n)).toEqual(R.innerProduct(a.data, b.data, n));
  });
  it("bulk conversion (WASM) equals the BigInt conversion, unreduced inputs included", () => {
    const xs: (bigint | number)[] = Array.from({ length: 500 }, (_, i) => (i % 5 ? F.random() : F.p - 1n));
    xs.push(-1n, F.p, F.p + 5n, 3, 0);
    const fast = FieldVec.fromBigints(F, xs);
    enableFastField(false);
    try {
      const slow = FieldVec.fromBigints(F, xs);
      expect(fast.data).toEqual(slow.data);
      expect(slow.toBigints()).toEqual(xs.map((x) => F.fromBigint(x)));
    } finally {
      enableFastField(true);
    }
    expect(fast.toBigints()).toEqual(xs.map((x) => F.fromBigint(x)));
  });
  it("empty vectors and all-zero batch inversion", () => {
    const z = FieldVec.zeros(F, 5);
    expect(z.batchInverse().toBigints()).toEqual([0n, 0n, 0n, 0n, 0n]);
    expect(FieldVec.zeros(F, 0).innerProduct(FieldVec.zeros(F, 0))).toBe(0n);
  });
});

describe("Goldilocks specialised reduction", () => {
  it("multiplies values around 2^32 and 2^64 − 2^32 correctly", () => {
    const F = GOLDILOCKS;
    const xs = [1n << 32n, (1n << 32n) - 1n, (1n << 32n) + 1n, F.p - (1n << 32n), (1n << 63n) % F.p, F.p - 1n];
    const a = FieldVec.fromBigints(F, xs.flatMap((x) => xs.map(() => x)));
    const b = FieldVec.fromBigints(F, xs.flatMap(() => xs));
    const got = a.mul(b).toBigints();
    const want = xs.flatMap((x) => xs.map((y) => F.mul(x, y)));
    expect(got).toEqual(want);
  });
});

describe("fields without WASM kernels fall back to the reference", () => {
  it("a prime with a full top limb still computes correctly", () => {
    const F = new PrimeField((1n << 61n) - 1n, "m61"); // top limb 0x1fffffff → covered
    expect(hasWasmField(F)).toBe(true);
    const G = new PrimeField(0xffffffffffffffc5n, "p64"); // top limb 0xffffffff → reference kernels
    expect(hasWasmField(G)).toBe(false);
    for (const K of [F, G]) {
      const xs = Array.from({ length: 20 }, () => K.random());
      expect(FieldVec.fromBigints(K, xs).mul(FieldVec.fromBigints(K, xs)).toBigints()).toEqual(xs.map((x) => K.mul(x, x)));
    }
  });
});

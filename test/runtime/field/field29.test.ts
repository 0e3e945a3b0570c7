// The 29-bit-limb Fq kernels (runtime/field/wasm/field29-wat.ts) and the G1 functions over them (h1_*,
// the MSM's bucket arithmetic) against BigInt and against the 32-bit-limb g1_* functions.
import { describe, expect, it } from "vitest";
import { BN254_FQ, BN254_FR, compileModule, E29, field29Part, montParams, readLimbs, WasmInstance } from "../../../runtime/field/index.ts";
import { G1, packG1, unpackG1, type G1Affine } from "../../../runtime/curve/index.ts";
import { bn254Instance } from "../../../runtime/curve/wasm/modules.ts";

const F = BN254_FQ;
const p = F.p;
const R29 = 1n << 261n;
const EDGES = [0n, 1n, 2n, p - 1n, p - 2n, (p - 1n) / 2n, (1n << 232n) - 1n, 1n << 253n, R29 % p];

describe("Fq in nine 29-bit limbs", () => {
  const { module, constEnd } = compileModule("field29-test", [(a) => field29Part("q", F, a)]);
  const w = new WasmInstance(module, constEnd);
  const ex = w.exports;
  const put = (x: bigint) => {
    const at = w.alloc(E29);
    const v = w.u32(at, 9);
    const m = (x * R29) % p;
    for (let i = 0; i < 9; i++) v[i] = Number((m >> BigInt(29 * i)) & ((1n << 29n) - 1n));
    return at;
  };
  const rawOf = (at: number) => {
    const v = w.u32(at, 9);
    let m = 0n;
    for (let i = 8; i >= 0; i--) {
      expect(v[i] < 1 << 29).toBe(true);
      m = (m << 29n) | BigInt(v[i]);
    }
    return m;
  };
  const get = (at: number) => {
    const v = w.u32(at, 9);
    let m = 0n;
    for (let i = 8; i >= 0; i--) {
      expect(v[i] < 1 << 29).toBe(true); // limbs stay normalised
      m = (m << 29n) | BigInt(v[i]);
    }
    expect(m < p).toBe(true); // canonical
    return (m * F.inv(R29 % p)) % p;
  };
  it("mul, sqr, add, sub, neg, subl, inv, eq, iszero on edge and random values", () => {
    const xs = [...EDGES, ...Array.from({ length: 200 }, () => F.random())];
    w.reset();
    const o = w.alloc(E29);
    for (let i = 0; i < xs.length; i++) {
      const a = xs[i];
      const b = xs[(i * 7 + 3) % xs.length];
      const pa = put(a);
      const pb = put(b);
      ex.q_mul(o, pa, pb);
      expect(get(o)).toBe(F.mul(a, b));
      ex.q_sqr(o, pa);
      expect(get(o)).toBe(F.mul(a, a));
      ex.q_add(o, pa, pb);
      expect(get(o)).toBe(F.add(a, b));
      ex.q_sub(o, pa, pb);
      expect(get(o)).toBe(F.sub(a, b));
      ex.q_neg(o, pa);
      expect(get(o)).toBe(F.neg(a));
      // subl: a − b + 2p, normalised limbs, below 3p; as a multiplication operand it gives canonical results.
      ex.q_subl(o, pa, pb);
      const raw = rawOf(o);
      expect(raw).toBe(((a * R29) % p) - ((b * R29) % p) + 2n * p);
      expect(raw < 3n * p).toBe(true);
      ex.q_mul(o, o, pb);
      expect(get(o)).toBe(F.mul(F.sub(a, b), b));
      ex.q_inv(o, pa);
      expect(get(o)).toBe(a === 0n ? 0n : F.inv(a));
      expect(ex.q_eq(pa, pb)).toBe(a === b ? 1 : 0);
      expect(ex.q_iszero(pa)).toBe(a === 0n ? 1 : 0);
    }
  });
  it("from32 / to32 convert from and to the 8 × 32-bit Montgomery form", () => {
    const xs = [...EDGES, ...Array.from({ length: 50 }, () => F.random())];
    const m = montParams(F);
    w.reset();
    const src = w.alloc(32 * xs.length);
    const mid = w.alloc(E29 * xs.length);
    const back = w.alloc(32 * xs.length);
    const v = w.u32(src, 8 * xs.length);
    xs.forEach((x, i) => {
      const mx = (x * m.r) % p;
      for (let k = 0; k < 8; k++) v[8 * i + k] = Number((mx >> BigInt(32 * k)) & 0xffffffffn);
    });
    ex.q_vfrom32(mid, src, xs.length);
    xs.forEach((x, i) => expect(get(mid + E29 * i)).toBe(x));
    ex.q_vto32(back, mid, xs.length);
    expect(w.u32(back, 8 * xs.length)).toEqual(w.u32(src, 8 * xs.length));
  });
});

describe("h1_* (G1 over the 29-bit field) against BigInt", () => {
  const rnd = () => G1.mulAffine(G1.generator, BN254_FR.random());
  it("h1_batch_add: generic, doubling, cancellation, identity operands, negated operands", () => {
    const P = rnd();
    const Q = rnd();
    const pairs: Array<[G1Affine, G1Affine, number]> = [
      [P, Q, 0],
      [P, P, 0],
      [Q, G1.negAffine(Q), 0],
      [G1.infinityAffine, P, 0],
      [Q, G1.infinityAffine, 1],
      [P, Q, 2], // P + (−Q)
      [P, P, 3], // (−P) + (−P)
      [Q, Q, 1], // (−Q) + Q
    ];
    const w = bn254Instance();
    w.reset();
    const pts = packG1(pairs.flatMap(([a, b]) => [a, b]));
    const stage = w.put(pts.data);
    const p29 = w.alloc(pts.n * 2 * E29);
    w.exports.fq29_vfrom32(p29, stage, 2 * pts.n);
    // Garbage in the destinations: every kind must write all of its result.
    const dst = w.alloc(pairs.length * 2 * E29);
    w.u32(dst, (pairs.length * 2 * E29) / 4).fill(0xdeadbeef);
    const ops = w.alloc(pairs.length * 12);
    const o = w.i32(ops, pairs.length * 3);
    pairs.forEach(([, , neg], k) => {
      o[3 * k] = dst + 2 * E29 * k;
      o[3 * k + 1] = (p29 + 2 * E29 * 2 * k) | (neg & 1);
      o[3 * k + 2] = (p29 + 2 * E29 * (2 * k + 1)) | (neg >> 1);
    });
    w.exports.h1_batch_add(ops, pairs.length, w.alloc(pairs.length * (2 * E29 + 1)));
    const back = w.alloc(pairs.length * 64);
    w.exports.fq29_vto32(back, dst, 2 * pairs.length);
    const got = { n: pairs.length, data: w.u32(back, pairs.length * 16).slice() };
    pairs.forEach(([a, b, neg], k) => {
      const want = G1.addAffine(neg & 1 ? G1.negAffine(a) : a, neg & 2 ? G1.negAffine(b) : b);
      expect(unpackG1(got, k), `pair ${k}`).toEqual(want);
    });
  });
  it("h1_bucket_reduce equals g1_bucket_reduce (Σ (b + 1)·B_b), repeated and opposite buckets included", () => {
    const P = rnd();
    const m = montParams(F);
    const affineOf = (v: Uint32Array) => {
      const f = (k: number) => (readLimbs(v, 8 * k, 8) * m.rInv) % p;
      const Z = f(2);
      return Z === 0n ? G1.infinityAffine : G1.toAffine({ X: f(0), Y: f(1), Z });
    };
    for (const buckets of [[P, P], [G1.infinityAffine, P], [P, G1.negAffine(P)], [rnd(), rnd(), G1.infinityAffine, rnd()], [G1.addAffine(P, P), P, P]]) {
      const w = bn254Instance();
      w.reset();
      const st = w.put(packG1(buckets).data);
      const b29 = w.alloc(buckets.length * 2 * E29);
      w.exports.fq29_vfrom32(b29, st, 2 * buckets.length);
      const out = w.alloc(3 * E29);
      w.exports.h1_bucket_reduce(out, b29, buckets.length);
      const o32 = w.alloc(96);
      w.exports.fq29_vto32(o32, out, 3);
      let want = G1.ZERO;
      buckets.forEach((b, i) => (want = G1.add(want, G1.mul(G1.fromAffine(b), BigInt(i + 1)))));
      expect(affineOf(w.u32(o32, 24))).toEqual(G1.toAffine(want));
    }
  });
});

import { describe, expect, it } from "vitest";
import { bn254 } from "@noble/curves/bn254.js";
import { BN254_FQ, BN254_FR, readLimbs, writeLimbs } from "../../../runtime/field/index.ts";
import { G1, msmG1, packG1, packScalars, unpackG1, type G1Affine } from "../../../runtime/curve/index.ts";
import { GLV, glvDecompose } from "../../../runtime/curve/glv.ts";
import { glvSplit } from "../../../runtime/curve/msm.ts";
import { bn254Instance } from "../../../runtime/curve/wasm/modules.ts";

const r = BN254_FR.p;
const NP = bn254.G1.Point;
const abs = (x: bigint) => (x < 0n ? -x : x);
const EDGES = [0n, 1n, 2n, r - 1n, r - 2n, GLV.lambda, r - GLV.lambda, GLV.lambda + 1n, (r - 1n) / 2n, 1n << 127n, (1n << 128n) - 1n, 1n << 128n, 1n << 253n, GLV.g1, GLV.a1, GLV.b2];

describe("GLV constants (BN254)", () => {
  it("λ and β are cube roots of unity and φ(P) = λ·P (noble)", () => {
    expect(BN254_FR.pow(GLV.lambda, 3n)).toBe(1n);
    expect(GLV.lambda).not.toBe(1n);
    expect(BN254_FQ.pow(GLV.beta, 3n)).toBe(1n);
    expect(GLV.beta).not.toBe(1n);
    for (const k of [1n, 7n, BN254_FR.random()]) {
      const p = NP.BASE.multiply(k).toAffine();
      const lp = NP.BASE.multiply(k).multiply(GLV.lambda).toAffine();
      expect(lp.x).toBe(BN254_FQ.mul(GLV.beta, p.x));
      expect(lp.y).toBe(p.y);
    }
  });
  it("the basis vectors lie in the lattice and are ≈ 2^127 short", () => {
    expect(BN254_FR.fromBigint(GLV.a1 + GLV.lambda * GLV.b1)).toBe(0n);
    expect(BN254_FR.fromBigint(GLV.a2 + GLV.lambda * GLV.b2)).toBe(0n);
    for (const v of [GLV.a1, GLV.b1, GLV.a2, GLV.b2]) expect(abs(v) < 1n << 128n).toBe(true);
    // Linearly independent with determinant ±r: a basis of the whole lattice.
    expect(abs(GLV.a1 * GLV.b2 - GLV.a2 * GLV.b1)).toBe(r);
  });
});

describe("glvDecompose (BigInt definition)", () => {
  it("k = k1 + λ·k2 (mod r) with |k1|, |k2| < 2^128, random and edge scalars", () => {
    const ks = [...EDGES, ...Array.from({ length: 2000 }, () => BN254_FR.random())];
    for (const k of ks) {
      const { k1, k2 } = glvDecompose(k);
      expect(BN254_FR.fromBigint(k1 + GLV.lambda * k2), `k=${k}`).toBe(BN254_FR.fromBigint(k));
      expect(abs(k1) < 1n << 128n && abs(k2) < 1n << 128n, `k=${k}`).toBe(true);
    }
  });
});

describe("WASM glv_split and g1_endo", () => {
  it("glv_split gives glvDecompose's magnitudes and signs, scalars in [r, 2^254) included", () => {
    const big = [r, r + 1n, (1n << 254n) - 1n, r + GLV.lambda];
    const ks = [...EDGES, ...big, ...Array.from({ length: 500 }, () => BN254_FR.random())];
    const packed = new Uint32Array(ks.length * 8);
    ks.forEach((k, i) => writeLimbs(packed, i * 8, 8, k));
    const { halves, signs } = glvSplit(packed);
    ks.forEach((k, i) => {
      // For k ≥ r the WASM split works on k itself; the BigInt definition's formulas on the unreduced k agree.
      const C1 = (k * GLV.g1) >> 256n;
      const C2 = (k * GLV.g2) >> 256n;
      const k1 = k + C1 * GLV.e11 + C2 * GLV.e12;
      const k2 = C1 * GLV.e21 + C2 * GLV.e22;
      if (k < r) expect({ k1, k2 }).toEqual(glvDecompose(k));
      expect(BN254_FR.fromBigint(k1 + GLV.lambda * k2)).toBe(BN254_FR.fromBigint(k));
      expect(readLimbs(halves, i * 8, 4), `k1 of ${k}`).toBe(abs(k1));
      expect(readLimbs(halves, i * 8 + 4, 4), `k2 of ${k}`).toBe(abs(k2));
      expect(signs[i], `signs of ${k}`).toBe((k1 < 0n ? 1 : 0) | (k2 < 0n ? 2 : 0));
    });
  });
  it("g1_endo maps P to λ·P and keeps the identity", () => {
    const pts: G1Affine[] = [G1.generator, G1.fromNoble(NP.BASE.multiply(BN254_FR.random())), G1.infinityAffine];
    const packed = packG1(pts);
    const w = bn254Instance();
    w.reset();
    const src = w.put(packed.data);
    const dst = w.alloc(pts.length * 64);
    w.exports.g1_endo(dst, src, pts.length);
    const images = { n: pts.length, data: w.u32(dst, pts.length * 16).slice() };
    pts.forEach((p, i) => expect(unpackG1(images, i)).toEqual(G1.mulAffine(p, GLV.lambda)));
  });
});

describe("msmG1 with the GLV split, edge scalars", () => {
  const pts = Array.from({ length: 12 }, (_, i) => G1.fromNoble(NP.BASE.multiply(BigInt(1000 + 37 * i))));
  const naive = (ks: bigint[]) => {
    let acc = NP.ZERO;
    ks.forEach((k, i) => {
      const kk = BN254_FR.fromBigint(k);
      if (kk !== 0n) acc = acc.add(G1.toNoble(pts[i]).multiplyUnsafe(kk));
    });
    return G1.fromNoble(acc);
  };
  it("λ, −λ, halves of r and 128-bit boundaries, one point at a time and all together", async () => {
    const ks = [GLV.lambda, r - GLV.lambda, (r - 1n) / 2n, (r + 1n) / 2n, 1n << 128n, (1n << 128n) - 1n, r - 1n, 1n, 0n, GLV.lambda + 1n, 1n << 253n, r - (1n << 127n)];
    for (let i = 0; i < ks.length; i++) expect(await msmG1([pts[i]], [ks[i]], { threads: 1 }), `k=${ks[i]}`).toEqual(naive(ks.map((k, j) => (j === i ? k : 0n))));
    expect(await msmG1(pts, ks, { threads: 1 })).toEqual(naive(ks));
  });
  it("packed scalars in [r, 2^254) act as their residues", async () => {
    const ks = pts.map((_, i) => r + BigInt(i) * 12345n);
    ks[0] = (1n << 254n) - 1n;
    const packed = new Uint32Array(ks.length * 8);
    ks.forEach((k, i) => writeLimbs(packed, i * 8, 8, k));
    expect(await msmG1(pts, packed, { threads: 1 })).toEqual(naive(ks));
    expect(await msmG1(pts, packScalars(ks.map((k) => k % r)), { threads: 1 })).toEqual(naive(ks));
  });
});

import { describe, expect, it } from "vitest";
import { bn254 } from "@noble/curves/bn254.js";
import { BN254_FR } from "../../../runtime/field/index.ts";
import { G1, type G1Affine } from "../../../runtime/curve/index.ts";

const NP = bn254.G1.Point;
const rand = () => BN254_FR.random();
const randomPoint = (): G1Affine => G1.fromNoble(NP.BASE.multiply(rand() || 1n));

describe("BN254 G1 against @noble/curves", () => {
  const pts = Array.from({ length: 12 }, randomPoint);
  it("generator and identity conversions", () => {
    expect(G1.eqAffine(G1.fromNoble(NP.BASE), G1.generator)).toBe(true);
    expect(G1.fromNoble(NP.ZERO).infinity).toBe(true);
    expect(G1.toNoble(G1.infinityAffine).is0()).toBe(true);
    expect(G1.isOnCurve(G1.generator)).toBe(true);
    expect(G1.isOnCurve({ x: 1n, y: 3n, infinity: false })).toBe(false);
  });
  it("add, addMixed, double, neg match noble", () => {
    for (let i = 0; i + 1 < pts.length; i++) {
      const [a, b] = [pts[i], pts[i + 1]];
      const want = G1.fromNoble(G1.toNoble(a).add(G1.toNoble(b)));
      expect(G1.toAffine(G1.add(G1.fromAffine(a), G1.fromAffine(b)))).toEqual(want);
      const j = G1.double(G1.fromAffine(a)); // non-trivial Z
      expect(G1.toAffine(G1.addMixed(j, b))).toEqual(G1.fromNoble(G1.toNoble(a).double().add(G1.toNoble(b))));
      expect(G1.toAffine(G1.double(G1.fromAffine(a)))).toEqual(G1.fromNoble(G1.toNoble(a).double()));
      expect(G1.negAffine(a)).toEqual(G1.fromNoble(G1.toNoble(a).negate()));
    }
  });
  it("edge cases: P + P, P + (−P), P + ∞, ∞ + ∞", () => {
    const a = G1.fromAffine(pts[0]);
    const aa = G1.fromAffine(pts[0]);
    expect(G1.eq(G1.add(a, aa), G1.double(a))).toBe(true);
    expect(G1.eq(G1.addMixed(G1.double(a), G1.toAffine(G1.double(a))), G1.double(G1.double(a)))).toBe(true);
    expect(G1.add(a, G1.neg(a)).Z).toBe(0n);
    expect(G1.addMixed(a, G1.negAffine(pts[0])).Z).toBe(0n);
    expect(G1.eq(G1.add(a, G1.ZERO), a)).toBe(true);
    expect(G1.eq(G1.addMixed(G1.ZERO, pts[0]), a)).toBe(true);
    expect(G1.add(G1.ZERO, G1.ZERO).Z).toBe(0n);
    expect(G1.double(G1.ZERO).Z).toBe(0n);
  });
  it("scalar multiplication matches noble, including 0, 1, r−1 and r", () => {
    const ks = [0n, 1n, 2n, BN254_FR.p - 1n, BN254_FR.p, rand(), rand(), -5n];
    for (const k of ks) {
      const want = G1.fromNoble(NP.BASE.multiplyUnsafe(BN254_FR.fromBigint(k)));
      expect(G1.mulAffine(G1.generator, k)).toEqual(want);
    }
  });
  it("encodings round-trip; malformed ones are rejected", () => {
    for (const a of [...pts, G1.infinityAffine, G1.negAffine(pts[1])]) {
      expect(G1.fromBytes(G1.toBytes(a, true))).toEqual(a);
      expect(G1.fromBytes(G1.toBytes(a, false))).toEqual(a);
    }
    const gen = G1.toBytes(G1.generator, false);
    expect(gen[31]).toBe(1);
    expect(gen[63]).toBe(2);
    const bad = G1.toBytes(G1.generator, false);
    bad[63] = 3;
    expect(() => G1.fromBytes(bad)).toThrow(RangeError);
    expect(() => G1.fromBytes(new Uint8Array(31))).toThrow(RangeError);
    expect(() => G1.fromBytes(new Uint8Array(32))).toThrow(RangeError); // no flag
  });
});

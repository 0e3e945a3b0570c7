import { describe, expect, it } from "vitest";
import { bn254 } from "@noble/curves/bn254.js";
import { BN254_FR } from "../../../runtime/field/index.ts";
import { G1, unpackG1 } from "../../../runtime/curve/index.ts";
import { fixedBaseMul } from "../../../runtime/curve/fixed-base.ts";

const r = BN254_FR.p;

describe("fixedBaseMul (batched fixed-base multiplication)", () => {
  it("equals noble on edge and random scalars, for the generator and another base", () => {
    const ks = [0n, 1n, 2n, 127n, 128n, 129n, 255n, 256n, r - 1n, r - 2n, r, r + 5n, (1n << 253n) + 1n, ...Array.from({ length: 60 }, () => BN254_FR.random())];
    const other = G1.fromNoble(bn254.G1.Point.BASE.multiply(BN254_FR.random()));
    for (const base of [G1.generator, other]) {
      const out = fixedBaseMul(base, ks);
      expect(out.n).toBe(ks.length);
      const B = G1.toNoble(base);
      ks.forEach((k, i) => {
        const kk = k % r;
        expect(unpackG1(out, i), `k=${k}`).toEqual(kk === 0n ? G1.infinityAffine : G1.fromNoble(B.multiply(kk)));
      });
    }
  });
  it("each table width (4, 6, 8 bits: few, some, many scalars) gives the same multiples", () => {
    const ks = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? r - BigInt(i) : BN254_FR.random()));
    for (const n of [300, 3000, 5000]) {
      const out = fixedBaseMul(G1.generator, ks.slice(0, n));
      for (const i of [0, 1, 2, n - 1]) expect(unpackG1(out, i), `n=${n} i=${i}`).toEqual(G1.mulAffine(G1.generator, ks[i]));
    }
  });
  it("more scalars than one chunk, the identity base and no scalars", () => {
    const ks = Array.from({ length: (1 << 12) + 3 }, (_, i) => BigInt(i) * 1000003n);
    const out = fixedBaseMul(G1.generator, ks);
    for (const i of [0, 1, 4095, 4096, 4097, 4098]) expect(unpackG1(out, i)).toEqual(G1.mulAffine(G1.generator, ks[i]));
    expect(unpackG1(fixedBaseMul(G1.infinityAffine, [5n]), 0)).toEqual(G1.infinityAffine);
    expect(fixedBaseMul(G1.generator, []).n).toBe(0);
  });
});

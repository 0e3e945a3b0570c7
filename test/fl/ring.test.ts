// The ring kernels of the vertical-FL products against BigInt arithmetic, and the two-party product
// (runtime/fl/cross) against the product in the clear.
import { describe, it, expect } from "vitest";
import * as ring from "../../runtime/fl/ring.ts";
import { CrossActive, CrossPassive, CrossDealer, dealSeeds } from "../../runtime/fl/cross.ts";
import { Prg } from "../../runtime/fl/codec.ts";

const big = (k: number, v: Uint32Array, i: number) => (k === 64 ? BigInt(v[2 * i]) | (BigInt(v[2 * i + 1]) << 32n) : BigInt(v[i]));

describe("Z_2^k matrices", () => {
  for (const k of [64, 32, 12])
    it(`k = ${k}: Lᵀ·R over chosen rows, sums and differences equal BigInt arithmetic mod 2^k`, () => {
      const prg = new Prg(Buffer.from(`ring-${k}`));
      const n = 7;
      const D = 5;
      const K = 3;
      const rows = [6, 0, 3, 3];
      const L = ring.random(k, n * D, prg);
      const R = ring.random(k, rows.length * K, prg);
      // Extremes too: all ones in every word.
      L.fill(0xffffffff, 0, k === 64 ? 2 * D : D);
      if (k < 32) for (let i = 0; i < L.length; i++) L[i] &= 2 ** k - 1;
      const out = ring.matTmul(k, L, D, rows, R, K);
      const mod = 1n << BigInt(k);
      for (let j = 0; j < D; j++)
        for (let c = 0; c < K; c++) {
          let want = 0n;
          rows.forEach((r, i) => (want += big(k, L, r * D + j) * big(k, R, i * K + c)));
          expect(big(k, out, j * K + c)).toBe(want % mod);
        }
      const a = ring.random(k, 9, prg);
      const b = ring.random(k, 9, prg);
      const s = ring.addSub(k, a, b, 1);
      const d = ring.addSub(k, a, b, -1);
      for (let i = 0; i < 9; i++) {
        expect(big(k, s, i)).toBe((big(k, a, i) + big(k, b, i)) % mod);
        expect(big(k, d, i)).toBe((big(k, a, i) - big(k, b, i) + mod) % mod);
      }
      expect(Array.from(ring.toInts(k, ring.fromInts(k, [-3, 0, 5])))).toEqual([-3, 0, 5]);
      expect(ring.fromBytes(k, ring.toBytes(k, a), 9)).toEqual(a);
    });

  it("truncated shares open x / 2^f within one unit, unbiased, and never wrap", () => {
    const prg = new Prg(Buffer.from("trunc"));
    const k = 12;
    const f = 4;
    const m = 8;
    // Within the opened range: |x / 2^f| below 2^(m−1) − 1.
    const xs = [-2000, -17, -16, -1, 0, 1, 15, 16, 2000, 2015];
    for (const x of xs) {
      let sum = 0;
      const N = 2000;
      for (let t = 0; t < N; t++) {
        const s0 = ring.random(k, 1, prg);
        const s1 = ring.addSub(k, ring.fromInts(k, [x]), s0, -1);
        const a = ring.truncShare(k, s0, f, m, false);
        const b = ring.truncShare(k, s1, f, m, true);
        const v = ring.toInts(m, ring.addSub(m, a, b, 1))[0];
        expect(Math.abs(v - x / 16)).toBeLessThan(1);
        sum += v;
      }
      expect(Math.abs(sum / N - x / 16), `x = ${x}`).toBeLessThan(0.04);
    }
  });
});

describe("two-party product X_Rᵀ·Y with a dealer", () => {
  for (const k of [64, 12])
    it(`k = ${k}: the shares add up to the product; a share or a message alone is not it`, () => {
      const prg = new Prg(Buffer.from(`cross-${k}`));
      const n = 20;
      const D = 6;
      const K = 2;
      const Xi = Array.from({ length: n * D }, (_, i) => (i % 7) - 3);
      const X = ring.fromInts(k, Xi);
      const seeds = dealSeeds();
      const passive = new CrossPassive(k, n, D, seeds.passive);
      const dealer = new CrossDealer(k, n, D, seeds);
      const active = new CrossActive(k, D, passive.masked(X), seeds.active);
      const shapes = [
        { rows: [1, 4, 9], K },
        { rows: [0, 19, 4, 7], K },
      ];
      const want = new Float64Array(D * K);
      for (const sh of shapes) {
        const Yi = Array.from({ length: sh.rows.length * K }, () => (prg.bytes(1)[0] % 9) - 4);
        sh.rows.forEach((r, i) => {
          for (let j = 0; j < D; j++) for (let c = 0; c < K; c++) want[j * K + c] += Xi[r * D + j] * Yi[i * K + c];
        });
        const F = active.product(sh, ring.fromInts(k, Yi));
        expect(Array.from(ring.toInts(k, F))).not.toEqual(Yi);
        passive.product(sh, F);
      }
      const a = active.take(dealer.block(shapes));
      const p = passive.take();
      expect(Array.from(ring.toInts(k, ring.addSub(k, a, p, 1)))).toEqual(Array.from(want));
      expect(Array.from(ring.toInts(k, a))).not.toEqual(Array.from(want));
      expect(Array.from(ring.toInts(k, p))).not.toEqual(Array.from(want));
      // A dealer that deals a different c0 (wrong seeds) breaks the sum.
      const other = new CrossDealer(k, n, D, { passive: seeds.passive, active: dealSeeds().active });
      const a2 = new CrossActive(k, D, passive.masked(X), seeds.active);
      expect(other.block(shapes)).not.toEqual(a2.take(ring.zeros(k, D * K)));
    });
});

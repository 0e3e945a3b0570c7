import { describe, it, expect } from "vitest";
import { runLrLocal, trainCentral, partialFormat, DEFAULT_LOGIT_RANGE, type LrOptions } from "../../runtime/fl/lr/index.ts";
import { fromFixed, fixedFrom, toFixed, fixedBytes, unpackBits, dequantise } from "../../runtime/fl/codec.ts";
import { mnist, cifar, vertical } from "./fixtures.ts";

const opts: LrOptions = { protocol: "baseline", classes: 10, epochs: 10, batch: 50, learningRate: 0.05, seed: Buffer.from("fl-test"), coins: Buffer.from("fl-test-coins") };

describe("vertical federated logistic regression", () => {
  it("MNIST halves: both protocols learn, the baseline matches the centralised model, the improved one sends ≥ 10× fewer bytes", async () => {
    const { parties, central } = vertical(mnist(), "halves");
    const c = trainCentral(central, opts);
    const base = await runLrLocal(parties, opts);
    const impr = await runLrLocal(parties, { ...opts, protocol: "improved" });
    expect(c.accuracy).toBeGreaterThan(0.8);
    // 64-bit fixed point with 24 fractional bits: the same model as in the clear.
    expect(Math.abs(base[0].accuracy! - c.accuracy)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(base[0].loss! - c.loss)).toBeLessThan(1e-4);
    expect(impr[0].accuracy!).toBeGreaterThan(c.accuracy - 0.05);
    const bytes = (r: typeof base, phase: string) => r[1].stats.perPhase[phase].sent + r[1].stats.perPhase[phase].received;
    // 800 rows × 10 classes × 10 epochs each way, 16 batches per epoch, a 5-byte frame header each.
    expect(bytes(base, "train")).toBe(2 * (800 * 10 * 10 * 8 + 160 * 5));
    expect(bytes(base, "train") / bytes(impr, "train")).toBeGreaterThanOrEqual(10);
    expect(bytes(base, "predict") / bytes(impr, "predict")).toBeGreaterThanOrEqual(10);
    // The counters agree across the link: what party 1 sent, party 0 received.
    expect(base[0].stats.perPeer[1].received).toBe(base[1].stats.perPeer[0].sent);
  });

  it("CIFAR-10 halves: above chance, improved within 5 points of centralised", async () => {
    const { parties, central } = vertical(cifar(), "halves");
    const o = { ...opts, learningRate: 0.01, epochs: 6 };
    const c = trainCentral(central, o);
    const impr = await runLrLocal(parties, { ...o, protocol: "improved" });
    expect(c.accuracy).toBeGreaterThan(0.17);
    expect(impr[0].accuracy!).toBeGreaterThan(0.17);
    expect(impr[0].accuracy!).toBeGreaterThan(c.accuracy - 0.05);
  });

  for (const protocol of ["baseline", "improved"] as const)
    it(`quadrants, ${protocol}: a passive party's messages are masked; only their sum opens`, async () => {
      const { parties } = vertical(mnist(), "quadrants");
      const o = { ...opts, protocol, epochs: 1 };
      const plain = new Map<string, Float64Array>();
      const got = new Map<string, Buffer>();
      await runLrLocal(parties, o, undefined, {
        partial: (p, phase, step, z) => plain.set(`${p}/${phase}/${step}`, z.slice()),
        received: (p, phase, step, b) => got.set(`${p}/${phase}/${step}`, Buffer.from(b)),
      });
      const keys = ["train/0", "train/7", "predict/0"];
      for (const k of keys) {
        const z = [1, 2, 3].map((p) => plain.get(`${p}/${k}`)!);
        const msg = [1, 2, 3].map((p) => got.get(`${p}/${k}`)!);
        const n = z[0].length;
        let opened: Float64Array;
        if (protocol === "baseline") {
          for (let p = 0; p < 3; p++) {
            // Not the plaintext encoding, and decoding it alone gives noise of order 2^63 / 2^24.
            expect(msg[p].equals(fixedBytes(toFixed(z[p])))).toBe(false);
            const alone = fromFixed(fixedFrom(msg[p], n));
            const err = alone.reduce((a, v, i) => a + Math.abs(v - z[p][i]), 0) / n;
            expect(err).toBeGreaterThan(1e9);
          }
          const acc = msg.map((m) => fixedFrom(m, n)).reduce((a, v) => a.map((x, i) => BigInt.asUintN(64, x + v[i])));
          opened = fromFixed(acc);
          for (let i = 0; i < n; i++) expect(opened[i]).toBeCloseTo(z[0][i] + z[1][i] + z[2][i], 5);
        } else {
          // Training: 6-bit values summed in an 8-bit ring (3 passive parties); inference: a 6-bit
          // ring whose 31 levels each side the 3 parties share. Each message alone is uniform in it.
          const { ring, levels } = partialFormat(o, 3, k.split("/")[0]);
          const mod = 2 ** ring;
          for (let p = 0; p < 3; p++) {
            const v = unpackBits(msg[p], n, ring);
            expect(new Set(v).size).toBeGreaterThan(mod * 0.75);
            const alone = dequantise(v, DEFAULT_LOGIT_RANGE, levels, ring);
            const err = alone.reduce((a, x, i) => a + Math.abs(x - z[p][i]), 0) / n;
            expect(err).toBeGreaterThan(5);
          }
          const acc = msg.map((m) => unpackBits(m, n, ring)).reduce((a, v) => a.map((x, i) => (x + v[i]) % mod));
          opened = dequantise(acc, DEFAULT_LOGIT_RANGE, levels, ring);
          // Stochastic rounding: each party's value is within one step (8/levels) of its clipped partial logit.
          for (let i = 0; i < n; i++) {
            const want = z.reduce((a, zp) => a + Math.max(-DEFAULT_LOGIT_RANGE, Math.min(DEFAULT_LOGIT_RANGE, zp[i])), 0);
            expect(Math.abs(opened[i] - want)).toBeLessThanOrEqual((3 * DEFAULT_LOGIT_RANGE) / levels + 1e-9);
          }
        }
      }
    });

  it("a passive party reads every training label off the residuals (the leak spec/fl.md states)", async () => {
    const { parties } = vertical(mnist(), "halves");
    const labels = parties[0].trainLabels!;
    let rows = 0;
    let right = 0;
    await runLrLocal(parties, { ...opts, protocol: "improved", epochs: 1 }, undefined, {
      residuals: (_p, _step, batch, r) => {
        // softmax − onehot: the label's entry is the only negative one (the most negative even after 4-bit rounding).
        for (let i = 0; i < batch.length; i++) {
          let min = 0;
          for (let k = 1; k < 10; k++) if (r[i * 10 + k] < r[i * 10 + min]) min = k;
          rows++;
          right += Number(min === labels[batch[i]]);
        }
      },
    });
    expect(rows).toBe(800);
    expect(right / rows).toBeGreaterThan(0.95);
  });
});

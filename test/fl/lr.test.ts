import { describe, it, expect } from "vitest";
import { runLrLocal, trainCentral, partialFormat, gradientFormat, schedule, batches, DEFAULT_LOGIT_RANGE, type LrOptions } from "../../runtime/fl/lr/index.ts";
import * as ring from "../../runtime/fl/ring.ts";
import { fromFixed, fixedFrom, toFixed, fixedBytes, unpackBits, dequantise } from "../../runtime/fl/codec.ts";
import { mnist, cifar, vertical } from "./fixtures.ts";

const opts: LrOptions = { protocol: "baseline", classes: 10, epochs: 10, batch: 50, learningRate: 0.05, seed: Buffer.from("fl-test"), coins: Buffer.from("fl-test-coins") };

describe("vertical federated logistic regression", () => {
  it("MNIST halves: both protocols learn, the baseline matches the centralised model, the improved one with opened gradients sends ≥ 10× fewer bytes", async () => {
    const { parties, central } = vertical(mnist(), "halves");
    const c = trainCentral(central, opts);
    const base = await runLrLocal(parties, opts);
    const impr = await runLrLocal(parties, { ...opts, protocol: "improved", sharedWeights: false });
    expect(c.accuracy).toBeGreaterThan(0.8);
    // 64-bit fixed point with 24 fractional bits: the same model as in the clear.
    expect(Math.abs(base[0].accuracy! - c.accuracy)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(base[0].loss! - c.loss)).toBeLessThan(1e-4);
    expect(impr[0].accuracy!).toBeGreaterThan(c.accuracy - 0.05);
    const bytes = (r: typeof base, phase: string) => r[1].stats.perPhase[phase].sent + r[1].stats.perPhase[phase].received;
    // Party 1 sends its masked columns once (a 4-byte column count, 800 × 392 words) and 160 steps of
    // masked partial logits (50 rows × 10 classes); it receives 160 masked residual batches and 160
    // gradient shares (392 × 10); 64-bit words, a 5-byte header per frame. (The dealer's seeds came before.)
    expect(bytes(base, "train")).toBe(4 + 800 * 392 * 8 + 5 + 160 * (500 * 8 + 5) + 160 * (500 * 8 + 5) + 160 * (3920 * 8 + 5));
    // Improved: 11-bit ring words bit-packed, 6-bit partial logits, 40 gradient openings of 7 bits.
    expect(bytes(impr, "train")).toBe(4 + (800 * 392 * 11) / 8 + 5 + 160 * ((500 * 6) / 8 + 5) + 160 * (Math.ceil((500 * 11) / 8) + 5) + 40 * ((3920 * 7) / 8 + 5));
    expect(bytes(base, "train") / bytes(impr, "train")).toBeGreaterThanOrEqual(10);
    expect(bytes(base, "predict") / bytes(impr, "predict")).toBeGreaterThanOrEqual(10);
    // The counters agree across the link: what party 1 sent, party 0 received.
    expect(base[0].stats.perPeer[1].received).toBe(base[1].stats.perPeer[0].sent);
  });

  it("MNIST halves, shared passive weights: accuracy within 1 point of the baseline, bytes as counted", async () => {
    const { parties } = vertical(mnist(), "halves");
    const o: LrOptions = { ...opts, protocol: "improved" };
    const g = gradientFormat(o);
    expect(g.k).toBe(17);
    const base = await runLrLocal(parties, opts);
    const sh = await runLrLocal(parties, o);
    expect(Math.abs(sh[0].accuracy! - base[0].accuracy!)).toBeLessThanOrEqual(0.01);
    const bytes = (r: typeof base, phase: string) => r[1].stats.perPhase[phase].sent + r[1].stats.perPhase[phase].received;
    const kb = (n: number) => Math.ceil((n * 17) / 8) + 5;
    // E once (17-bit words); per step the 8-bit top of its share of the partial logits and F; per
    // 4-step block the masked change of party 0's weight share; at the end party 0's share, once.
    expect(bytes(sh, "train")).toBe(4 + Math.ceil((800 * 392 * 17) / 8) + 5 + 160 * (500 + 5) + 160 * kb(500) + 40 * kb(3920) + kb(3920));
    // Not 10× below the baseline: E and the weight changes are 17-bit ring words, not 11 or 7 bits.
    expect(bytes(base, "train") / bytes(sh, "train")).toBeGreaterThan(6.5);
    expect(bytes(base, "predict") / bytes(sh, "predict")).toBeGreaterThanOrEqual(10);
  });

  it("halves, shared passive weights: a least-squares attack on everything the passive party receives in training reads the labels at chance", async () => {
    const { parties } = vertical(mnist(), "halves");
    const labels = parties[0].trainLabels!;
    const x = parties[1].train;
    const d = parties[1].d;
    const o: LrOptions = { ...opts, protocol: "improved", epochs: 1 };
    const g = gradientFormat(o);
    const steps = schedule(800, o);
    let rows = 0;
    let right = 0;
    let fRight = 0;
    let fRows = 0;
    const top: number[] = [];
    await runLrLocal(parties, o, undefined, {
      passiveReceived: (_p, phase, step, b) => {
        if (phase === "train") {
          // F decoded as residuals: the label would be the most negative entry.
          const batch = steps[step].rows;
          const F = ring.toInts(g.k, ring.fromBytes(g.k, b, batch.length * 10));
          for (let i = 0; i < batch.length; i++) {
            let min = 0;
            for (let k = 1; k < 10; k++) if (F[i * 10 + k] < F[i * 10 + min]) min = k;
            fRows++;
            fRight += Number(min === labels[batch[i]]);
          }
          return;
        }
        if (phase !== "weights") return;
        // The block's weight change, decoded as the gradient it would be (−ΔW⁰ is party 0's share):
        // the attack that read > 90 % off the opened gradient. Block: 4 steps, 200 rows < 392 columns.
        const G = ring.toInts(g.k, ring.fromBytes(g.k, b, d * 10)).map((v) => -v);
        for (const v of G) top.push(Math.abs(v) > 2 ** (g.k - 2) ? 1 : 0);
        const batch = steps.slice(step - 3, step + 1).flatMap((s) => Array.from(s.rows));
        const B = batch.length;
        const gram = new Float64Array(B * B);
        for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) for (let c = 0; c < d; c++) gram[i * B + j] += x[batch[i] * d + c] * x[batch[j] * d + c];
        const rhs = new Float64Array(B * 10);
        for (let i = 0; i < B; i++) for (let k = 0; k < 10; k++) for (let c = 0; c < d; c++) rhs[i * 10 + k] += x[batch[i] * d + c] * G[c * 10 + k];
        const R = solve(gram, rhs, B, 10);
        for (let i = 0; i < B; i++) {
          let min = 0;
          for (let k = 1; k < 10; k++) if (R[i * 10 + k] < R[i * 10 + min]) min = k;
          rows++;
          right += Number(min === labels[batch[i]]);
        }
      },
    });
    expect(rows).toBe(800);
    expect(fRows).toBe(800);
    // Chance is 10 % (the same attack on the opened gradient: > 90 %).
    expect(right / rows).toBeLessThan(0.2);
    expect(fRight / fRows).toBeLessThan(0.2);
    // The weight changes are uniform in the ring: the top two bits are not both equal about half the time.
    expect(top.reduce((a, v) => a + v, 0) / top.length).toBeGreaterThan(0.4);
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
      const o = { ...opts, protocol, epochs: 1, sharedWeights: false };
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

  for (const protocol of ["baseline", "improved"] as const)
    it(`halves, ${protocol}: the residuals stay with party 0; what the passive party receives reads as noise`, async () => {
      const { parties } = vertical(mnist(), "halves");
      const labels = parties[0].trainLabels!;
      const o = { ...opts, protocol, epochs: 1 };
      const g = gradientFormat(o);
      const got: Buffer[] = [];
      let rows = 0;
      let right = 0;
      await runLrLocal(parties, o, undefined, {
        passiveReceived: (_p, phase, step, b) => {
          if (phase !== "train") return;
          got.push(Buffer.from(b));
          // The attack that read the labels off the plain residuals: the label's entry of softmax −
          // onehot is the only negative one. Here F = r − b, decoded as the residuals would be.
          const batch = batches(800, 50, o.seed, 0)[step];
          const F = ring.toInts(g.k, ring.fromBytes(g.k, b, batch.length * 10));
          for (let i = 0; i < batch.length; i++) {
            let min = 0;
            for (let k = 1; k < 10; k++) if (F[i * 10 + k] < F[i * 10 + min]) min = k;
            rows++;
            right += Number(min === labels[batch[i]]);
          }
        },
      });
      expect(rows).toBe(800);
      // Chance is 10 %; the plain residuals gave 100 %.
      expect(right / rows).toBeLessThan(0.2);
      // Uniform over the ring: the top bit of an element is set about half the time, small residual
      // encodings (|r| ≤ 1: at most 2^24 in the baseline, 7 in the improved ring) never do.
      const all = got.flatMap((b) => Array.from(ring.toInts(g.k, ring.fromBytes(g.k, b, 500))));
      const big = all.filter((v) => Math.abs(v) > 2 ** (g.k - 2)).length / all.length;
      expect(big).toBeGreaterThan(0.4);
    });

  it("the passive party's columns reach party 0 only masked (E = X − A is uniform)", async () => {
    const { parties } = vertical(mnist(), "halves");
    let E: Buffer | undefined;
    await runLrLocal(parties, { ...opts, protocol: "improved", epochs: 1, sharedWeights: false }, undefined, { received: (_p, phase, _s, b) => phase === "setup" && (E = Buffer.from(b)) });
    const k = gradientFormat({ ...opts, protocol: "improved", sharedWeights: false }).k;
    const e = ring.fromBytes(k, E!, 800 * 392);
    // The columns are standardised and rounded to integers in ±8: most encodings are 0 (about a third
    // of the top rows' pixels are constant). Masked, each of the 2,048 ring values shows up about
    // equally often.
    const counts = new Uint32Array(2 ** k);
    for (const v of e) counts[v]++;
    expect(Math.max(...counts) / (e.length / 2 ** k)).toBeLessThan(1.5);
  });

  it("a passive party's opened gradient still determines the batch's residuals when a block has fewer rows than it has columns (the stated leak)", async () => {
    const { parties } = vertical(mnist(), "halves");
    const labels = parties[0].trainLabels!;
    const x = parties[1].train;
    const d = parties[1].d;
    const o = { ...opts, protocol: "baseline" as const, epochs: 1 };
    const steps = schedule(800, o);
    let rows = 0;
    let right = 0;
    await runLrLocal(parties, o, undefined, {
      gradient: (_p, step, G) => {
        if (step % 4) return;
        // G = X_Bᵀ·R with X_B (50 × 392) of full row rank: R = (X_B X_Bᵀ)⁻¹ X_B G.
        const batch = steps[step].rows;
        const B = batch.length;
        const gram = new Float64Array(B * B);
        for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) for (let c = 0; c < d; c++) gram[i * B + j] += x[batch[i] * d + c] * x[batch[j] * d + c];
        const rhs = new Float64Array(B * 10);
        for (let i = 0; i < B; i++) for (let k = 0; k < 10; k++) for (let c = 0; c < d; c++) rhs[i * 10 + k] += x[batch[i] * d + c] * G[c * 10 + k];
        const R = solve(gram, rhs, B, 10);
        for (let i = 0; i < B; i++) {
          let min = 0;
          for (let k = 1; k < 10; k++) if (R[i * 10 + k] < R[i * 10 + min]) min = k;
          rows++;
          right += Number(min === labels[batch[i]]);
        }
      },
    });
    expect(rows).toBe(200);
    expect(right / rows).toBeGreaterThan(0.9);
  });
});

/** Solves A·X = B (A n × n, B n × m) by Gaussian elimination with partial pivoting (small, dense). */
function solve(A: Float64Array, B: Float64Array, n: number, m: number): Float64Array {
  const a = A.slice();
  const b = B.slice();
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    for (let j = 0; j < n; j++) [a[c * n + j], a[p * n + j]] = [a[p * n + j], a[c * n + j]];
    for (let j = 0; j < m; j++) [b[c * m + j], b[p * m + j]] = [b[p * m + j], b[c * m + j]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let j = c; j < n; j++) a[r * n + j] -= f * a[c * n + j];
      for (let j = 0; j < m; j++) b[r * m + j] -= f * b[c * m + j];
    }
  }
  for (let c = n - 1; c >= 0; c--)
    for (let j = 0; j < m; j++) {
      let v = b[c * m + j];
      for (let k = c + 1; k < n; k++) v -= a[c * n + k] * b[k * m + j];
      b[c * m + j] = v / a[c * n + c];
    }
  return b;
}

// Vertical GBDT (runtime/fl/gbdt/vertical): the baseline grows the centralised trees, the improved
// protocol stays close with fewer bytes, a passive party sees only uniform ring elements and split
// requests, and both inference protocols give the same scores for one model.
import { describe, it, expect } from "vitest";
import { runVGbdtLocal, runVGbdtPredictLocal, histFormat, type VGbdtOptions, type ActiveModel, type PassiveModel } from "../../runtime/fl/gbdt/vertical.ts";
import { trainGbdt, predictGbdt, makeBins, applyBins, GBDT_DEFAULTS } from "../../runtime/fl/gbdt/index.ts";
import { argmaxAccuracy } from "../../runtime/fl/lr/index.ts";
import { verticalSplit } from "../../runtime/fl/data/index.ts";
import * as ring from "../../runtime/fl/ring.ts";
import { mnist } from "./fixtures.ts";

// 300 training and 100 test rows, 2 rounds of depth-3 trees, 8 bins (the improved protocol's 4): seconds, not minutes.
const { parties, central } = verticalSplit(mnist(), "halves", 300, 100);
const opts: VGbdtOptions = { ...GBDT_DEFAULTS, classes: 10, rounds: 2, depth: 3, bins: 8, protocol: "baseline", coins: Buffer.from("vgbdt") };

describe("vertical GBDT", () => {
  it("baseline: party 0 opens the passive party's exact histograms; improved within 5 points with fewer bytes; passive messages are uniform", async () => {
    const c = trainGbdt(central.train, central.d, central.trainLabels!, opts);
    const cAcc = argmaxAccuracy(predictGbdt(c.model, central.test, 10), 10, central.testLabels!);
    const fs: Buffer[] = [];
    let order: readonly number[] = [];
    let nbins: readonly number[] = [];
    const binned = applyBins(parties[1].train, makeBins(parties[1].train, parties[1].d, opts.bins));
    let checked = 0;
    let worst = 0;
    const base = await runVGbdtLocal(parties, opts, undefined, {
      passiveReceived: (_p, phase, b) => phase === "histogram" && fs.push(Buffer.from(b)),
      layout: (_p, o, b) => ((order = o), (nbins = b)),
      opened: (_p, rows, g, h, G, H) => {
        // Indicator column (t, b): rows whose bin of real feature order[t] is b, for b below the last bin.
        let col = 0;
        order.forEach((f, t) => {
          for (let b = 0; b < nbins[t] - 1; b++, col++) {
            let gs = 0;
            let hs = 0;
            for (const i of rows) if (binned[i * parties[1].d + f] === b) (gs += g[i]), (hs += h[i]);
            worst = Math.max(worst, Math.abs(G[col] - gs), Math.abs(H[col] - hs));
          }
        });
        expect(col).toBe(G.length);
        checked++;
      },
    });
    const impr = await runVGbdtLocal(parties, { ...opts, protocol: "improved" });
    expect(cAcc).toBeGreaterThan(0.5);
    // 24 fractional bits: each sum within rows · 2^-25 of the clear one.
    expect(checked).toBeGreaterThan(20);
    expect(worst).toBeLessThan(300 * 2 ** -24);
    // The splits match the centralised trees' up to ties that the rounding breaks the other way
    // (different columns that cut a node's rows alike): the loss and accuracy stay close.
    expect(Math.abs(base[0].loss! - c.loss)).toBeLessThan(0.03);
    expect(Math.abs(base[0].accuracy! - cAcc)).toBeLessThanOrEqual(0.03);
    expect(impr[0].accuracy!).toBeGreaterThan(cAcc - 0.05);
    const bytes = (r: typeof base) => r[1].stats.perPhase.train.sent + r[1].stats.perPhase.train.received;
    // The ring, 64 bits against 12 (300 rows × 3 levels, a sign bit), and half the bins.
    expect(bytes(base) / bytes(impr)).toBeGreaterThan(7);
    // Party 1 receives F = Y − b over all rows: uniform 64-bit words, although Y is mostly zero
    // (rows outside the node) and otherwise below 2^24 in magnitude.
    const words = fs.flatMap((b) => Array.from(ring.toInts(64, ring.fromBytes(64, b, b.length / 8))));
    expect(words.filter((v) => Math.abs(v) < 2 ** 40).length).toBe(0);
    expect(fs.length).toBe(2 * 10 * 3);
  }, 60_000);

  it("both inference protocols give party 0 the same scores for one model; improved sends fewer bytes", async () => {
    const r = await runVGbdtLocal(parties, { ...opts, protocol: "improved" });
    const models = r.map((x) => x.model!) as [ActiveModel, PassiveModel];
    const tests = parties.map((p) => p.test);
    const a = await runVGbdtPredictLocal(models, tests, { ...opts, protocol: "baseline" });
    const b = await runVGbdtPredictLocal(models, tests, { ...opts, protocol: "improved" });
    expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
    expect(argmaxAccuracy(a.scores, 10, parties[0].testLabels!)).toBe(r[0].accuracy);
    const pb = (s: typeof a) => s.stats[1].perPhase.predict.sent + s.stats[1].perPhase.predict.received;
    expect(pb(a) / pb(b)).toBeGreaterThan(10);
    // A passive party that answers a lookup number it never handed out is an error, not a wrong score.
    const broken: PassiveModel = { ...models[1], lookup: models[1].lookup.slice(0, 1) };
    await expect(runVGbdtPredictLocal([models[0], broken], tests, { ...opts, protocol: "baseline" })).rejects.toThrow();
  }, 60_000);

  it("the improved ring holds the sums of every row's quantised gradients", () => {
    expect(histFormat({ ...opts, protocol: "improved" }, 300).k).toBe(Math.ceil(Math.log2(300 * 3 + 1)) + 1);
    expect(histFormat({ ...opts, protocol: "baseline" }, 300).k).toBe(64);
  });
});

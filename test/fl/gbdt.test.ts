import { describe, it, expect } from "vitest";
import { trainGbdt, predictGbdt, makeBins, applyBins, histograms, bestSplit, GBDT_DEFAULTS } from "../../runtime/fl/gbdt/index.ts";
import { argmaxAccuracy } from "../../runtime/fl/lr/index.ts";
import { mnist, vertical } from "./fixtures.ts";

describe("histogram gradient-boosted trees (centralised reference)", () => {
  it("bins at quantiles: a value equal to a cut goes to that cut's bin", () => {
    const x = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const b = makeBins(x, 1, 4);
    expect(Array.from(b.cuts[0])).toEqual([1, 3, 5]);
    expect(Array.from(applyBins(x, b))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    // A constant column has no cut: one bin.
    expect(makeBins(Float64Array.from([3, 3, 3]), 1, 4).cuts[0].length).toBe(0);
  });

  it("histograms sum to the node totals and the best split is the one that separates the gradients", () => {
    // Two features; feature 1 separates positive from negative gradients, feature 0 is noise.
    const x = Float64Array.from([0, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1]);
    const b = makeBins(x, 2, 2);
    const binned = applyBins(x, b);
    const g = Float64Array.from([1, 1, -1, -1, 1, 1, -1, -1]);
    const h = new Float64Array(8).fill(1);
    const rows = [0, 1, 2, 3, 4, 5, 6, 7];
    const { G, H } = histograms(binned, 2, 2, rows, g, h);
    expect(G[0] + G[1]).toBe(0);
    expect(H[2] + H[3]).toBe(8);
    const s = bestSplit(G, H, 2, 2, 0, 8, { ...GBDT_DEFAULTS, classes: 2, lambda: 1 })!;
    expect(s.feature).toBe(1);
    // G_L = 4, G_R = −4, H = 4 each: 16/5 + 16/5 − 0.
    expect(s.gain).toBeCloseTo(6.4, 10);
  });

  it("learns MNIST (800 train / 200 test) far above chance", () => {
    const { central } = vertical(mnist(), "halves");
    const { model, loss } = trainGbdt(central.train, central.d, central.trainLabels!, { ...GBDT_DEFAULTS, classes: 10, rounds: 10, depth: 3 });
    expect(loss).toBeLessThan(0.5);
    const acc = argmaxAccuracy(predictGbdt(model, central.test, 10), 10, central.testLabels!);
    expect(acc).toBeGreaterThan(0.7);
  });
});

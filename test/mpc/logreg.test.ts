// examples/mpc_logreg.cwl: one training step on 16 committed MNIST images by two parties equals the
// clear fixed-point run up to the probabilistic truncation's last places, and the images are opened
// once for the step's four matrix products (the mask is reused, transposed and across iterations).
import { describe, expect, it } from "vitest";
import { trainLogReg } from "../../tooling/cli/mpc-logreg.ts";

describe("MPC logistic regression (examples/mpc_logreg.cwl)", () => {
  it("one step: MPC weights equal the clear fixed-point weights to 2^-9; the images are opened once", async () => {
    const r = await trainLogReg({ train: 16, test: 100, epochs: 1, learningRate: 0.1 });
    expect(r.steps).toBe(1);
    expect(r.maxWeightDiff).toBeLessThan(2 ** -9);
    // Values opened in the step: the images once (16·784), per iteration W − B (784·10) for x @ w,
    // R − B (16·10) for x.T @ r, and the truncations (3·16·10 + 784·10); 8 bytes each.
    const opened = 16 * 784 + 2 * (784 * 10 + 16 * 10 + 3 * 16 * 10 + 784 * 10);
    expect(r.mpc.bytesPerParty.online).toBeGreaterThanOrEqual(opened * 8);
    expect(r.mpc.bytesPerParty.online).toBeLessThan(opened * 8 + 1000);
    // (Accuracies after one step of 16 images are noise; bench/mpc.ts compares them after training.)
  }, 120_000);
});

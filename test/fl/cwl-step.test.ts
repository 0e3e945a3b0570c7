// examples/fl_lr_step.cwl, the shared-weights step of vertical LR as a .cwl protocol compiled by the
// SPDZ backend and run by `cwl mpc run`, against runtime/fl's protocol on the same batch: the partial
// logits of the updated weights that party 0 opens in runtime/fl equal those the protocol reveals.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { REPO_ROOT } from "../../base/files/index.ts";
import { runLrLocal, gradientFormat, schedule, type LrOptions } from "../../runtime/fl/lr/index.ts";
import type { PartyColumns } from "../../runtime/fl/data/index.ts";
import { spawnCwl } from "../util/cli.ts";

const B = 4;
const D = 6;
const K = 3;

describe("examples/fl_lr_step.cwl", () => {
  it("cwl mpc run reveals the partial logits runtime/fl opens after one shared update (within the fixed point's error)", async () => {
    const example = JSON.parse(readFileSync(join(REPO_ROOT, "examples/fl_lr_step.json"), "utf8")) as { x: number[][]; rate: number };
    // Party 1's columns: even integers in ±8, which the shared protocol's features (unit 2) encode exactly.
    const x = Float64Array.from(example.x.flat());
    const passive: PartyColumns = { d: D, train: x, test: x.slice(0, 2 * D) };
    const active: PartyColumns = { d: 1, train: new Float64Array(B), test: new Float64Array(2), trainLabels: Uint8Array.from([0, 1, 2, 1]), testLabels: Uint8Array.from([0, 1]) };
    // One row block per step, two steps: step 1's partial logits use the weights after step 0's update.
    // lr/batch = the example's rate; 9 opened bits cover the ring, so the opening is exact.
    const opts: LrOptions = { protocol: "improved", classes: K, epochs: 2, batch: B, learningRate: example.rate * B, localSteps: 1, bits: 7, seed: Buffer.from("fl-cwl"), coins: Buffer.from("fl-cwl-coins") };
    const g = gradientFormat(opts);
    expect(g.shared!.zDrop).toBe(0);
    const opened: Float64Array[] = [];
    const resid: Float64Array[] = [];
    await runLrLocal([active, passive], opts, undefined, { opened: (s, z) => (opened[s] = z), residuals: (s, r) => (resid[s] = r) });
    // Rows in the order the schedule took them at step 0 and step 1: the .cwl gets the batch in step 0's
    // order; the opened logits of step 1 are permuted back by matching rows.
    const steps = schedule(B, opts);
    const order0 = Array.from(steps[0].rows);
    const order1 = Array.from(steps[1].rows);
    const xRows = order0.map((i) => example.x[i]);
    const rRows = order0.map((_, j) => Array.from(resid[0].subarray(j * K, (j + 1) * K)));
    // Weights zero before step 0, as shares that are not: w0 arbitrary, w1 = −w0.
    const w0 = Array.from({ length: D }, (_, f) => Array.from({ length: K }, (_, c) => ((f * 7 + c * 3) % 9) / 4 - 1));
    const w1 = w0.map((row) => row.map((v) => -v));
    const dir = mkdtempSync(join(tmpdir(), "cwl-fl-step-"));
    try {
      const inputs = join(dir, "inputs.json");
      writeFileSync(inputs, JSON.stringify({ x: xRows, r: rRows, w0, w1, rate: example.rate }));
      const r = await spawnCwl(["mpc", "run", "examples/fl_lr_step.cwl", "--input", inputs], { sources: true });
      expect(r.status, r.stderr).toBe(0);
      const revealed = (JSON.parse(r.stdout) as { revealed: string[] }).revealed.map(Number);
      expect(revealed.length).toBe(B * K);
      let largest = 0;
      for (let j = 0; j < B; j++) {
        const at = order1.indexOf(order0[j]);
        for (let c = 0; c < K; c++) {
          const want = opened[1][at * K + c];
          largest = Math.max(largest, Math.abs(want));
          // Residuals are sevenths (rounded to 2^−16 on input) and each product truncates once.
          expect(Math.abs(revealed[j * K + c] - want)).toBeLessThan(2e-3);
        }
      }
      // The step moved the weights: the logits are far from the zero of the first step.
      expect(largest).toBeGreaterThan(1);
      for (const v of opened[0]) expect(v).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

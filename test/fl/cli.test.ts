// `cwl fl train`: parties as separate processes over loopback TCP, progress on stderr, a JSON summary.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnCwl } from "../util/cli.ts";

const cwl = (args: string[]) => spawnCwl(args, { sources: true });

describe("cwl fl train", () => {
  it("trains LR with 4 party processes (quadrants) over a shaped link and reports accuracy and bytes", async () => {
    const r = await cwl(["fl", "train", "--model", "lr", "--data", "mnist", "--parties", "4", "--epochs", "10", "--link", "10MB/s"]);
    // Progress through the one renderer (a pipe: a line when the phase starts, at most one a second, one at the end).
    expect(r.stderr).toMatch(/\[baseline party 0\] epochs 1\/10 \(10%\), loss [\d.]+, \d+ bytes, ETA [\d.]+ s/);
    expect(r.stderr).toMatch(/\[baseline party 0\] epochs 10\/10 \(100%\), loss [\d.]+, \d+ bytes, ETA 0\.0 s/);
    expect(r.stderr).not.toMatch(/progress\t/);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.parties).toBe(4);
    for (const p of ["baseline", "improved"]) {
      expect(s[p].accuracy).toBeGreaterThan(0.6);
      expect(s[p].trainBytesPerPassiveParty).toHaveLength(3);
    }
    // Per passive party: its masked columns once (a 4-byte count, 800 rows × 196 columns), 160 steps of
    // masked partial logits (50 rows × 10 classes) and of masked residuals, the gradient openings
    // (196 × 10); a 5-byte header per frame. Baseline: 64-bit words, an opening per step.
    expect(s.baseline.trainBytesPerPassiveParty[0]).toBe(4 + 800 * 196 * 8 + 5 + 160 * (500 * 8 + 5) + 160 * (500 * 8 + 5) + 160 * (1960 * 8 + 5));
    // Improved (shared weights): a 17-bit ring, the 8-bit tops of its partial-logit shares in an 8-bit
    // masking ring, 40 masked weight changes and at the end party 0's share of its weights.
    const k = (n: number) => Math.ceil((n * 17) / 8) + 5;
    expect(s.improved.trainBytesPerPassiveParty[0]).toBe(4 + k(800 * 196) + 160 * (500 + 5) + 160 * k(500) + 41 * k(1960));
    expect(s.baseline.dealerBytes).toBeGreaterThan(0);
    // Not 10×: the shared weights cost 17-bit words (spec/fl.md).
    expect(s.baseline.trainBytesPerPassiveParty[0] / s.improved.trainBytesPerPassiveParty[0]).toBeGreaterThanOrEqual(6);
    expect(s.baseline.predictBytesPerPassiveParty[0] / s.improved.predictBytesPerPassiveParty[0]).toBeGreaterThanOrEqual(10);
  }, 180_000);
});

describe("cwl fl train --out, cwl fl predict --in", () => {
  it("GBDT: trains with 2 party processes and a dealer, writes each party's part, and both inference protocols predict the same from the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-fl-"));
    try {
      const model = join(dir, "m.json");
      const common = ["--model", "gbdt", "--train", "300", "--test", "100", "--rounds", "2", "--depth", "2", "--bins", "8"];
      const t = await cwl(["fl", "train", ...common, "--protocol", "improved", "--out", model]);
      expect(t.stderr).toMatch(/\[improved party 0\] rounds 2\/2 \(100%\), loss [\d.]+, \d+ bytes, ETA 0\.0 s/);
      expect(t.status).toBe(0);
      const s = JSON.parse(t.stdout);
      expect(s.improved.accuracy).toBeGreaterThan(0.4);
      const f = JSON.parse(readFileSync(model, "utf8"));
      expect(f.parts).toHaveLength(2);
      // Party 1's part: its cuts and its lookup table; party 0's trees name party 1's splits only by number.
      expect(f.parts[1].lookup.length).toBeGreaterThan(0);
      expect(JSON.stringify(f.parts[0])).not.toMatch(/lookup/);
      for (const protocol of ["baseline", "improved"]) {
        const p = await cwl(["fl", "predict", ...common, "--protocol", protocol, "--in", model]);
        expect(p.status).toBe(0);
        expect(JSON.parse(p.stdout)[protocol].accuracy).toBe(s.improved.accuracy);
        expect(p.stderr).toMatch(new RegExp(`\\[${protocol} party 0\\] inference: \\d+ bytes in \\d+ ms`));
      }
      // A model file for another party count is a diagnostic.
      const bad = await cwl(["fl", "predict", ...common, "--parties", "4", "--in", model]);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/a model for --parties 2, not 4/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  }, 90_000);
});

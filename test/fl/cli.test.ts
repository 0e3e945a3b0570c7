// `cwl fl train`: parties as separate processes over loopback TCP, progress on stderr, a JSON summary.
import { describe, expect, it } from "vitest";
import { spawnCwl } from "../util/cli.ts";

const cwl = (args: string[]) => spawnCwl(args, { sources: true });

describe("cwl fl train", () => {
  it("trains LR with 4 party processes (quadrants) over a shaped link and reports accuracy and bytes", async () => {
    const r = await cwl(["fl", "train", "--model", "lr", "--data", "mnist", "--parties", "4", "--epochs", "10", "--link", "10MB/s"]);
    expect(r.stderr).toMatch(/\[baseline party 0\] epoch 10\/10 loss [\d.]+ bytes \d+ ETA/);
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
    // Improved: an 11-bit ring, 6-bit partial logits in an 8-bit masking ring (3 passive parties),
    // 40 openings of 7 bits.
    expect(s.improved.trainBytesPerPassiveParty[0]).toBe(4 + (800 * 196 * 11) / 8 + 5 + 160 * (500 + 5) + 160 * (Math.ceil((500 * 11) / 8) + 5) + 40 * ((1960 * 7) / 8 + 5));
    expect(s.baseline.dealerBytes).toBeGreaterThan(0);
    expect(s.baseline.trainBytesPerPassiveParty[0] / s.improved.trainBytesPerPassiveParty[0]).toBeGreaterThanOrEqual(10);
    expect(s.baseline.predictBytesPerPassiveParty[0] / s.improved.predictBytesPerPassiveParty[0]).toBeGreaterThanOrEqual(10);
  }, 60_000);
});

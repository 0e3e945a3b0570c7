// `cwl fl train`: parties as separate processes over loopback TCP, progress on stderr, a JSON summary.
import { describe, expect, it } from "vitest";
import { spawnCwl } from "../util/cli.ts";

const cwl = (args: string[]) => spawnCwl(args, { sources: true });

describe("cwl fl train", () => {
  it("trains LR with 4 party processes (quadrants) over a shaped link and reports accuracy and bytes", async () => {
    const r = await cwl(["fl", "train", "--model", "lr", "--data", "mnist", "--parties", "4", "--epochs", "2", "--link", "10MB/s"]);
    expect(r.stderr).toMatch(/\[baseline party 0\] epoch 2\/2 loss [\d.]+ bytes \d+ ETA/);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.parties).toBe(4);
    for (const p of ["baseline", "improved"]) {
      expect(s[p].accuracy).toBeGreaterThan(0.6);
      expect(s[p].trainBytesPerPassiveParty).toHaveLength(3);
    }
    // 800 rows × 10 classes × 2 epochs × 8 bytes each way, plus 16 five-byte headers per epoch and way.
    expect(s.baseline.trainBytesPerPassiveParty[0]).toBe(2 * (800 * 10 * 2 * 8 + 32 * 5));
    // 6-bit partial logits in an 8-bit masking ring (3 passive parties), 4-bit residuals.
    expect(s.improved.trainBytesPerPassiveParty[0]).toBe(2 * (800 * 10 + 16 * 5) + 2 * (800 * 10 * 4 / 8 + 16 * 5));
    expect(s.baseline.trainBytesPerPassiveParty[0] / s.improved.trainBytesPerPassiveParty[0]).toBeGreaterThanOrEqual(10);
    expect(s.baseline.predictBytesPerPassiveParty[0] / s.improved.predictBytesPerPassiveParty[0]).toBeGreaterThanOrEqual(10);
  }, 60_000);
});

// tooling/progress: what a long command prints while the runtime reports progress, on a terminal and
// into a log, with a fake clock.
import { describe, it, expect } from "vitest";
import { progressRenderer } from "../../tooling/progress/index.ts";

function run(tty: boolean, steps: [number, string, number, number][], everyMs?: number): string {
  let out = "";
  let t = 0;
  const r = progressRenderer({ out: { isTTY: tty, write: (s: string) => (out += s) }, prefix: "x: ", everyMs, now: () => t });
  for (const [at, phase, done, total] of steps) {
    t = at;
    r.progress(phase, done, total);
  }
  r.end();
  return out;
}

// Phase "a" runs 0..10 over 2.5 s (a report every 50 ms), then "b" reports twice, 50 ms apart (the
// second is dropped: too soon), and never completes.
const steps: [number, string, number, number][] = [
  ...Array.from({ length: 51 }, (_, i) => [i * 50, "a", Math.floor(i / 5), 10] as [number, string, number, number]),
  [2600, "b", 1, 4],
  [2650, "b", 2, 4],
];

describe("tooling/progress", () => {
  it("into a log: a line at each phase start, at most one a second, one at completion; no carriage return", () => {
    const out = run(false, steps);
    expect(out).not.toContain("\r");
    expect(out.split("\n")).toEqual(["x: a 0/10 (0%)", "x: a 4/10 (40%)", "x: a 8/10 (80%)", "x: a 10/10 (100%)", "x: b 1/4 (25%)", ""]);
  });

  it("on a terminal: one line per phase rewritten in place, closed at completion and at the end", () => {
    const out = run(true, steps);
    const lines = out.split("\n");
    // Phase a's line, completed; phase b's line, closed by end() though it never completed.
    expect(lines).toHaveLength(3);
    expect(lines[0].split("\r").pop()).toBe("x: a 10/10 (100%)\x1b[K");
    expect(lines[1].split("\r").pop()).toBe("x: b 1/4 (25%)\x1b[K");
    // Throttled to one redraw per 100 ms: 2.5 s of phase a gives at most 26 redraws plus the completion.
    expect(lines[0].split("\r").length - 1).toBeLessThanOrEqual(27);
    expect(lines[2]).toBe("");
  });

  it("an unknown total (0) prints the count alone", () => {
    expect(run(false, [[0, "states", 5, 0]])).toBe("x: states 5\n");
  });

  it("a detail follows the count; a phase reported once complete (1 of 1) reads as its name and detail", () => {
    let out = "";
    const r = progressRenderer({ out: { isTTY: false, write: (s: string) => (out += s) }, prefix: "  ", now: () => 0 });
    r.progress("explored", 10, 100, "5 states/s");
    r.progress("quotient", 1, 1, "37 ms");
    r.progress("commit", 1, 1);
    expect(out).toBe("  explored 10/100 (10%), 5 states/s\n  quotient: 37 ms\n  commit: done\n");
  });
});

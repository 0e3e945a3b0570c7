// The protocol in the discrete-event simulator: each quorum mode commits, runs are reproducible,
// faults within the bounds keep safety and liveness resumes once they heal, every run's trace replays
// as allowed steps of stdlib/specs/bft.cwl, and a quorum below the intersection bound is caught both
// by the safety checker and by the spec replay.
import { describe, expect, it } from "vitest";
import { simulate, simDefaults, type SimConfig } from "../../runtime/consensus/sim/sim.ts";
import { QUORUM_MODES } from "../../runtime/consensus/types.ts";
import { cfgOf, replayFor } from "./helpers.ts";

function run(c: SimConfig, byz: number[] = []) {
  const replay = replayFor(c.consensus, byz);
  const r = simulate({ ...c, onTrace: (e) => replay.onEvent(e) });
  replay.finish();
  return { r, replay };
}

describe("simulated consensus", () => {
  for (const mode of QUORUM_MODES) {
    it(`${mode}: 7 nodes commit, safe, and every step is a Bft spec action`, () => {
      const { r, replay } = run(simDefaults(cfgOf(7, mode), { durationMs: 3000 }));
      expect(r.safety).toEqual([]);
      expect(r.blocks).toBeGreaterThan(5);
      expect(replay.violations).toEqual([]);
      expect(replay.steps).toBeGreaterThan(50);
    });
  }

  it("same seed, same run; another seed, another run", () => {
    const c = simDefaults(cfgOf(10, "committee-2/3"), { durationMs: 2000, faults: [{ kind: "loss", rate: 0.05, at: 0, until: 2000 }] });
    const a = simulate(c);
    const b = simulate(c);
    const d = simulate({ ...c, seed: 2 });
    expect(b.digest).toBe(a.digest);
    expect(b.blocks).toBe(a.blocks);
    expect(b.latencyMs).toEqual(a.latencyMs);
    expect(d.digest).not.toBe(a.digest);
  });

  it("f byzantine nodes (an equivocating leader and a silent one) out of 7: safe, live, spec-conformant", () => {
    const byz = [1, 4];
    const { r, replay } = run(
      simDefaults(cfgOf(7, "all-2/3"), {
        durationMs: 15_000,
        byzantine: [
          { node: 1, behaviour: "equivocate" },
          { node: 4, behaviour: "silent" },
        ],
      }),
      byz,
    );
    expect(r.safety).toEqual([]);
    expect(replay.violations).toEqual([]);
    expect(r.blocks).toBeGreaterThan(3);
    expect(r.viewChanges).toBeGreaterThan(0);
  });

  it("committee modes within their bounds: committee-2/3 with 2 byzantine of 10 (c = 7), committee-all with c - 1 equivocators", () => {
    const a = run(
      simDefaults(cfgOf(10, "committee-2/3", { committeeSize: 7, epochLength: 5 }), {
        durationMs: 15_000,
        byzantine: [
          { node: 2, behaviour: "equivocate" },
          { node: 5, behaviour: "silent" },
        ],
      }),
      [2, 5],
    );
    expect(a.r.safety).toEqual([]);
    expect(a.replay.violations).toEqual([]);
    expect(a.r.blocks).toBeGreaterThan(3);
    // committee-all stays safe with all but one member byzantine (it need not make progress).
    const eq = [0, 1, 2, 3, 4, 5].map((node) => ({ node, behaviour: "equivocate" as const }));
    const b = run(simDefaults(cfgOf(7, "committee-all", { committeeSize: 7 }), { durationMs: 8000, byzantine: eq }), eq.map((x) => x.node));
    expect(b.r.safety).toEqual([]);
    expect(b.replay.violations).toEqual([]);
  });

  it("crashes, a partition, delays and loss: safe throughout, commits resume after they heal", () => {
    const c = cfgOf(7, "all-2/3");
    const during = simulate(
      simDefaults(c, {
        durationMs: 4000,
        faults: [
          { kind: "crash", nodes: [2], at: 500, until: 6000 },
          { kind: "partition", groups: [[0, 1, 2, 3], [4, 5, 6]], at: 1000, until: 6000 },
        ],
      }),
    );
    const healed = simulate(
      simDefaults(c, {
        // Views time out with a doubling timer (up to 16 s) while the faults last, so recovery after
        // the last fault (loss until 9 s) may wait for one long timer.
        durationMs: 40_000,
        faults: [
          { kind: "crash", nodes: [2], at: 500, until: 6000 },
          { kind: "partition", groups: [[0, 1, 2, 3], [4, 5, 6]], at: 1000, until: 6000 },
          { kind: "delay", extraMs: 200, at: 7000, until: 8000 },
          { kind: "loss", rate: 0.1, at: 8000, until: 9000 },
        ],
      }),
    );
    expect(during.safety).toEqual([]);
    expect(healed.safety).toEqual([]);
    // While 4 of 7 are cut off from the rest and one of them is down, no quorum of 5 exists.
    expect(healed.blocks).toBeGreaterThan(during.heights.max + 10);
    expect(healed.heights.max - healed.heights.min).toBeLessThan(3);
  });

  it("a quorum of half the nodes: a partition makes both halves commit, the checker and the spec replay report it", () => {
    const c = cfgOf(8, "broken-half", { viewTimeoutMs: 300 });
    // Leaders rotate 0..7, so a half commits once four of its nodes lead consecutive views again
    // (view 8 on), after the view timeouts of the other half's views: about 13 s simulated.
    const split = { kind: "partition" as const, groups: [[0, 1, 2, 3], [4, 5, 6, 7]], at: 0, until: 20_000 };
    const { r, replay } = run(simDefaults(c, { durationMs: 20_000, faults: [split] }));
    expect(r.safety.some((v) => v.startsWith("conflicting commits at height"))).toBe(true);
    expect(replay.violations.some((v) => /commits .* is step decide\(\d+, \d\), which the spec does not allow/.test(v))).toBe(true);
    // The same partition under the correct rule commits nothing and conflicts with nothing.
    const ok = simulate(simDefaults(cfgOf(8, "all-2/3", { viewTimeoutMs: 300 }), { durationMs: 20_000, faults: [split] }));
    expect(ok.safety).toEqual([]);
    expect(ok.blocks).toBe(0);
  });

  it("a node restarted with only its safety state fetches the committed chain by range and rejoins", () => {
    const c = cfgOf(7, "all-2/3");
    const { r, replay } = run(simDefaults(c, { durationMs: 12_000, faults: [{ kind: "crash", nodes: [3], at: 1000, until: 8000, amnesia: true }] }));
    expect(r.safety).toEqual([]);
    expect(replay.violations).toEqual([]);
    // Node 3 lost every block; it is back at the others' height, and most of its chain came by state sync.
    expect(r.heights.max - r.heights.min).toBeLessThan(3);
    expect(r.blocks).toBeGreaterThan(15);
    expect(r.stateSync.requests).toBeGreaterThan(0);
    expect(r.stateSync.blocks).toBeGreaterThan(8);
  });

  it("n = 1,000 in all-2/3 with a 1 s view timeout: views fail until the doubling timer covers a block's spread, each failed view costing n messages, not n²", () => {
    const r = simulate(simDefaults(cfgOf(1000, "all-2/3", { committeeSize: 1000, epochLength: 100, viewTimeoutMs: 1000, maxBatch: 1000, checkHashes: false }), { durationMs: 20_000 }));
    expect(r.safety).toEqual([]);
    expect(r.viewChanges).toBeGreaterThan(2);
    expect(r.blocks).toBeGreaterThan(0);
    // A quadratic view change would send 10⁶ timeouts per failed view.
    expect(r.messages).toBeLessThan(200_000);
  });

  it("n = 1,000 in committee-2/3 runs in seconds", () => {
    const r = simulate(simDefaults(cfgOf(1000, "committee-2/3", { committeeSize: 100, checkHashes: false }), { durationMs: 4000 }));
    expect(r.safety).toEqual([]);
    expect(r.blocks).toBeGreaterThan(3);
  });
});

// Every stdlib spec on its documented bounds: correct specs hold; each flawed variant is refuted
// with a counterexample that violates the named property, and the repair hint, pasted into the
// source and re-parsed, makes every property hold.
import { describe, expect, it } from "vitest";
import { instantiate, checkInstance, suggestRepair } from "../../runtime/spec/index.ts";
import { applyEdit, modelOf, stdlibText } from "./helpers.ts";

interface Case {
  file: string;
  spec: string;
  params?: Record<string, number>;
  /** Property/invariant the counterexample breaks; undefined = everything holds. */
  violates?: string;
}

const cases: Case[] = [
  { file: "bft.cwl", spec: "Bft", params: { mode: 0 } },
  { file: "bft.cwl", spec: "Bft", params: { mode: 1 } },
  { file: "bft.cwl", spec: "Bft", params: { mode: 2 } },
  { file: "bft.cwl", spec: "Bft", params: { n: 5, c: 4, mode: 1 } },
  { file: "bft.cwl", spec: "Bft", params: { n: 4, f: 2, mode: 0 }, violates: "agreement" },
  { file: "bft.cwl", spec: "BftHalfQuorum", violates: "agreement" },
  { file: "bft.cwl", spec: "BftCommitteeWithoutAll", violates: "agreement" },
  { file: "crosschain.cwl", spec: "Htlc" },
  { file: "crosschain.cwl", spec: "HtlcEqualTimeouts", violates: "atomic_for_bob" },
  { file: "crosschain.cwl", spec: "Relay" },
  { file: "crosschain.cwl", spec: "RelayNoReplayCheck", violates: "no_double_mint" },
  { file: "rollup.cwl", spec: "Rollup" },
  { file: "rollup.cwl", spec: "RollupNoWindow", violates: "no_fraudulent_finality" },
  { file: "ledger.cwl", spec: "Ledger" },
  { file: "ledger.cwl", spec: "LedgerDeepReorg", violates: "immutability" },
  { file: "mixer.cwl", spec: "Mixer" },
  { file: "mixer.cwl", spec: "MixerLeaky", violates: "unlinkable" },
];

describe("stdlib specs", () => {
  for (const c of cases) {
    const label = `${c.spec}${c.params ? " " + JSON.stringify(c.params) : ""}`;
    it(`${label}: ${c.violates ? `refutes ${c.violates}` : "all properties hold"}`, () => {
      const text = stdlibText(c.file);
      const model = modelOf(text, c.spec, c.file);
      const r = checkInstance(instantiate(model, c.params ?? {}));
      expect(r.truncated).toBe(false);
      if (!c.violates) {
        expect(r.violations.map((v) => v.message)).toEqual([]);
        expect(r.ok).toBe(true);
        return;
      }
      expect(r.ok).toBe(false);
      const v = r.violations[0];
      expect(v.property).toBe(c.violates);
      expect(v.trace[0].n).toBe(0);
      expect(v.trace.length).toBeGreaterThan(1);
      // Every step names an action with the span of its declaration in the file.
      for (const s of v.trace.slice(1)) {
        expect(s.action).toMatch(/^\w+\(.*\)$/);
        if (!s.adversarial) expect(text.slice(s.span!.start, s.span!.end)).toMatch(new RegExp(`^${s.action!.split("(")[0]}\\(`));
      }
    });
  }

  const flawed = cases.filter((c) => c.violates && !c.params);
  for (const c of flawed) {
    it(`${c.spec}: the repair hint, applied to the source, makes every property hold`, () => {
      const text = stdlibText(c.file);
      const model = modelOf(text, c.spec, c.file);
      const v = checkInstance(instantiate(model)).violations[0];
      const focus = [...v.trace].reverse().map((s) => s.action?.split("(")[0]).filter((x): x is string => !!x);
      const search = suggestRepair(model, {}, { focus, sourceOf: (sp) => text.slice(sp.start, sp.end) });
      expect(search.edit, `no repair among ${search.tried} candidates`).toBeDefined();
      const e = search.edit!;
      expect(e.span).toBeDefined();
      const fixed = applyEdit(text, e.span!, e.replacement);
      const repaired = modelOf(fixed, c.spec, c.file);
      const r = checkInstance(instantiate(repaired));
      expect(r.ok, `${e.description}: ${r.violations[0]?.message}`).toBe(true);
      // The fix keeps every action of the original alive (no "do nothing" repairs).
      const before = checkInstance(instantiate(model)).coverage;
      expect(before.filter((a) => !r.coverage.includes(a))).toEqual([]);
    });
  }
});

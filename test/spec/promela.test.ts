// Outside cross-check: every stdlib spec emitted as Promela and run through spin (spin -a, gcc,
// pan) must give the checker's verdict on the invariants, and on noninterference through the
// emitted self-composition. Skips visibly when spin or gcc is missing.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { instantiate, checkInstance } from "../../runtime/spec/index.ts";
import { emitPromela, haveSpin, runSpin } from "../../backends/promela/index.ts";
import { FileManager } from "../../base/files/index.ts";
import { loadSpecs } from "../../compiler/spec/index.ts";
import { STDLIB_SPECS, modelOf } from "./helpers.ts";
import { join } from "node:path";

const have = haveSpin();
if (!have) console.warn("skipped: spin or gcc not found (run `npm run setup:toolchains`)");

const specs: { file: string; name: string }[] = [];
for (const f of readdirSync(STDLIB_SPECS).filter((f) => f.endsWith(".cwl"))) {
  const fm = new FileManager();
  const r = loadSpecs(fm, fm.load(join(STDLIB_SPECS, f))!);
  for (const name of r.models.keys()) specs.push({ file: f, name });
}

describe("promela emission", () => {
  it("emits a single proctype with one atomic branch per transition", () => {
    const m = modelOf(`spec T { params n = 2; type N = 0..n; state x: Map<N, i32> = [0; n];
      action inc(p: N) when x[p] < 2 { x[p] = x[p] + 1; } invariant small: forall p: N. x[p] <= 2; }`, "T");
    const inst = instantiate(m);
    const pm = emitPromela(inst);
    expect(pm.text).toContain("active proctype main()");
    expect(pm.text.match(/:: atomic \{/g)).toHaveLength(inst.transitions.length);
    expect(pm.text).toContain("assert(");
    expect(pm.checks).toEqual(["small"]);
  });
});

describe.skipIf(!have)("spin agrees with the checker on every stdlib spec", () => {
  for (const { file, name } of specs) {
    it(`${file} ${name}`, () => {
      const fm = new FileManager();
      const model = loadSpecs(fm, fm.load(join(STDLIB_SPECS, file))!, name).models.get(name)!;
      const inst = instantiate(model);
      const ours = checkInstance(inst, { only: model.invariants.map((i) => i.name), symmetry: false });
      const spin = runSpin(emitPromela(inst).text);
      expect(spin.ok, spin.output.slice(-1500)).toBe(ours.ok);
      // Same state space when nothing fails: spin counts one extra start state.
      if (ours.ok) expect(spin.states).toBe(ours.states + 1);
      for (const p of model.properties.filter((p) => p.kind === "noninterference")) {
        const o = checkInstance(inst, { only: [p.name] });
        const s = runSpin(emitPromela(inst, { property: p.name }).text);
        expect(s.ok, `noninterference ${p.name}`).toBe(o.ok);
      }
    });
  }
});

describe.skipIf(!have)("spin on a tuple-typed channel with symmetric ids", () => {
  it("agrees with the unreduced state space; symmetry folds it", () => {
    const text = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "fixtures", "echo.cwl"), "utf8");
    const m = modelOf(text, "Echo");
    for (const LIM of [2, 4]) {
      const inst = instantiate(m, { LIM });
      const full = checkInstance(inst, { symmetry: false });
      const reduced = checkInstance(inst);
      const spin = runSpin(emitPromela(inst).text);
      expect(spin.ok).toBe(full.ok);
      expect(reduced.ok).toBe(full.ok);
      if (full.ok) {
        expect(spin.states).toBe(full.states + 1);
        expect(reduced.states * 4).toBeLessThan(full.states);
      }
    }
  });
});

// The `spec` dialect as the interface between the compiler and the model checker: every stdlib spec
// lowers to CWIR that verifies, the checker's reader gets back exactly the model the compiler resolved
// (spans included), and the IR *text* alone — printed, parsed, read — gives the checker the same
// verdict, state count and counterexample locations as the source.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../base/diagnostics/index.ts";
import { FileManager, REPO_ROOT, lineColOf } from "../../base/files/index.ts";
import { Module, parseText, printModule, verifyModule } from "../../compiler/ir/index.ts";
import { lowerSpec, specFromText, specItems, specToIr } from "../../compiler/spec/index.ts";
import { parse } from "../../compiler/syntax/index.ts";
import { checkInstance, instantiate, typecheck, type SpecModel } from "../../runtime/spec/index.ts";
import { specFromIr } from "../../runtime/spec/from-ir.ts";

const SPECS = join(REPO_ROOT, "stdlib", "specs");
const sources = [
  ...readdirSync(SPECS).filter((f) => f.endsWith(".cwl")).map((f) => join("stdlib", "specs", f)),
  join("test", "spec", "fixtures", "echo.cwl"),
];

/** The resolved, type-checked models of a file, before any IR exists. */
function resolved(fm: FileManager, path: string): SpecModel[] {
  const file = fm.add(path, readFileSync(join(REPO_ROOT, path), "utf8"));
  return specItems(parse(file).module.items).map((item) => {
    const bag = new DiagnosticBag();
    const model = lowerSpec(item, bag);
    expect(bag.items).toEqual([]);
    expect(typecheck(model)).toEqual([]);
    return model;
  });
}

/** Array lengths inside types are attributes in the IR: their spans (and the literal `arr` length's missing `ty`) are not kept. */
function withoutLengthSpans(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, function (this: Record<string, unknown>, k, v) {
    if (k === "len" && this.k === "array") return JSON.parse(JSON.stringify(v, (k2, v2) => (k2 === "span" || k2 === "ty" ? undefined : v2)));
    return v;
  }));
}

describe("spec items in CWIR", () => {
  for (const path of sources)
    it(`${path}: verified IR that reads back as the resolved model`, () => {
      const fm = new FileManager();
      const models = resolved(fm, path);
      expect(models.length).toBeGreaterThan(0);
      for (const model of models) {
        const m = new Module();
        const f = specToIr(model, m);
        expect(verifyModule(m)).toEqual([]);
        const back = specFromIr(f);
        // The item's own span is not an op location; everything inside keeps its span.
        expect(withoutLengthSpans(back)).toEqual(withoutLengthSpans({ ...model, span: undefined }));
      }
    });

  it("the IR text alone gives the same verdicts, state counts and trace locations", () => {
    for (const [path, names] of [
      ["stdlib/specs/rollup.cwl", ["Rollup", "RollupNoWindow"]],
      ["stdlib/specs/mixer.cwl", ["MixerLeaky"]],
      ["stdlib/specs/crosschain.cwl", ["RelayNoReplayCheck"]],
    ] as const) {
      const fm = new FileManager();
      const models = resolved(fm, path).filter((m) => (names as readonly string[]).includes(m.name));
      const m = new Module();
      for (const model of models) specToIr(model, m);
      const text = printModule(m, { fileOf: (id) => fm.get(id) });
      expect(text).toContain("spec.action");
      // Parsed against the same files, `loc(...)` becomes a span into the `.cwl` source again.
      const parsed = parseText(text, "specs.cwir", fm);
      expect(parsed.diagnostics).toEqual([]);
      expect(verifyModule(parsed.module)).toEqual([]);
      expect(printModule(parsed.module, { fileOf: (id) => fm.get(id) })).toBe(text);
      const where = (span?: { file: number; start: number }) => {
        if (!span) return "?";
        const { line, col } = lineColOf(fm.get(span.file), span.start);
        return `${line}:${col}`;
      };
      for (const model of models) {
        const fromText = specFromIr(parsed.module.func(model.name)!);
        const a = checkInstance(instantiate(model), { symmetry: false });
        const b = checkInstance(instantiate(fromText), { symmetry: false });
        expect(b.ok, model.name).toBe(a.ok);
        expect(b.states, model.name).toBe(a.states);
        expect(b.violations.map((v) => [v.kind, v.message, v.trace.map((s) => `${s.action} @${where(s.span)}`)]), model.name).toEqual(
          a.violations.map((v) => [v.kind, v.message, v.trace.map((s) => `${s.action} @${where(s.span)}`)]),
        );
        if (!a.ok) expect(a.violations[0].trace.length).toBeGreaterThan(0);
      }
    }
  });

  it("a length that is not constant is E0705 (a type is fixed once the params are), not a lowering crash", () => {
    for (const [text, at] of [
      ["spec E { state s: i32 = 1; state a: [i32; s] = [0; 1]; action go() { s = s; } }", "s]"],
      ["spec E { state s: i32 = 1; state a: [i32; 2] = [0; 2]; action go() { a = [0; s]; } }", "s]; }"],
      ["spec E { params n: u32 = 2; state a: [i32; n + 1] = [0; max(n, 1) + 1]; action go() { a[0] = 1; } }", undefined],
    ] as const) {
      const r = specFromText(new FileManager(), "e.cwl", text, "E");
      if (at === undefined) {
        expect(r.diagnostics).toEqual([]);
        continue;
      }
      expect(r.diagnostics.map((d) => [d.code, d.span?.start])).toEqual([["E0705", text.indexOf(at)]]);
    }
  });
});

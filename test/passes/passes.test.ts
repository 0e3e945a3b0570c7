// One generic harness for every pass fixture (test/passes/fixtures/<pass>/*.cwir):
//   // RUN: <pipeline>            passes to run (the verifier runs before and after each one)
//   // CHECK / CHECK-NEXT / CHECK-NOT / CHECK-COUNT-n: FileCheck directives on the printed output
//   // WARN: W0944                 a diagnostic code the pipeline must report (none other allowed)
//   // INPUT: {"x": "3"}           run the interpreter on the input before and after the pipeline:
//                                  success and outputs must be identical (a pass may change which
//                                  constraint reports a failure, e.g. c.range → c.lookup)
// Adding a regression test = adding a file.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parseText, printModule, verifyModule } from "../../compiler/ir/index.ts";
import { runPipeline } from "../../compiler/passes/index.ts";
import { run } from "../../compiler/interp/index.ts";
import { fileCheck, parseDirectives } from "./filecheck.ts";

const root = join(import.meta.dirname, "fixtures");
const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".cwir")).sort();

function directive(text: string, name: string): string[] {
  const re = new RegExp(`//\\s*${name}:\\s?(.*)$`, "gm");
  return [...text.matchAll(re)].map((m) => m[1].trim());
}

describe("pass fixtures", () => {
  it("has fixtures for every pass", () => {
    const dirs = new Set(files.map((f) => f.split(/[\\/]/)[0]));
    for (const p of ["inline", "unroll", "const-fold", "cse", "dce", "if-to-select", "range-lookup", "strip-unused"]) expect(dirs.has(p), p).toBe(true);
  });
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(root, file), "utf8");
      const [pipeline] = directive(text, "RUN");
      expect(pipeline, "missing // RUN:").toBeTruthy();
      const parsed = parseText(text, relative(process.cwd(), join(root, file)));
      expect(parsed.diagnostics).toEqual([]);
      expect(verifyModule(parsed.module).map((d) => d.message)).toEqual([]);
      const inputs = directive(text, "INPUT").map((j) => JSON.parse(j) as Record<string, unknown>);
      const before = inputs.map((inp) => run(parsed.module, { inputs: inp }));

      const diags = runPipeline(parsed.module, pipeline, { verifyEach: true });
      expect(diags.map((d) => d.code).sort()).toEqual(directive(text, "WARN").sort());
      const out = printModule(parsed.module);
      const failure = fileCheck(out, parseDirectives(text));
      expect(failure, `${failure}\n--- output ---\n${out}`).toBeUndefined();

      // The output is itself valid, round-tripping IR.
      const again = parseText(out, "out.cwir");
      expect(again.diagnostics).toEqual([]);
      expect(printModule(again.module)).toBe(out);

      inputs.forEach((inp, k) => {
        const after = run(parsed.module, { inputs: inp });
        const summary = (r: typeof after) => ({ ok: r.ok, outputs: r.outputsJson, revealed: r.revealed.map((x) => x.json) });
        expect(summary(after), `input ${JSON.stringify(inp)}`).toEqual(summary(before[k]));
      });
    });
  }
});

// One file's share of `cwl test`: compile it (with its project), run its tests, and render what the
// command prints. Returned as text so that a worker thread (test-task.ts) can do it as well as the
// command's own thread; the command prints the reports in file order.
import { type Diagnostic, renderAll } from "../../base/diagnostics/index.ts";
import { FileManager } from "../../base/files/index.ts";
import { hasErrors } from "../../compiler/pipeline/index.ts";
import { type ProjectCache, compileInProject } from "./index.ts";
import { collectTests, runTest } from "./test-runner.ts";

export interface FileTestOptions {
  field?: string;
  filter?: string;
  seed: number;
  runs: number;
  color: boolean;
  /** The manifest's own diagnostics were printed already: leave them out (E080x). */
  manifestReported?: boolean;
}

export interface FileTestReport {
  passed: number;
  failed: number;
  /** The file did not compile: none of its tests ran. */
  broken: boolean;
  /** Per-test result lines, then (stderr) the failures' details. */
  out: string;
  err: string;
  failures: string[];
}

export function testFile(file: string, opts: FileTestOptions, cache?: ProjectCache): FileTestReport {
  const fm = new FileManager();
  const render = (ds: Diagnostic[]) => renderAll(ds, (id) => fm.get(id), { color: opts.color }) + "\n";
  const rep: FileTestReport = { passed: 0, failed: 0, broken: false, out: "", err: "", failures: [] };
  const r = compileInProject(file, { fm, field: opts.field, cache });
  const ds = opts.manifestReported ? r.diagnostics.filter((d) => !d.code.startsWith("E080")) : r.diagnostics;
  if (ds.length) rep.err += render(ds);
  if (hasErrors(r.diagnostics) || !r.ir || !r.checked) {
    rep.broken = true;
    rep.err += `${file}: does not compile; its tests were not run\n`;
    return rep;
  }
  const { tests, errors } = collectTests(r.checked.entries, opts.filter);
  for (const e of errors) {
    rep.err += render([e.diagnostic]);
    rep.failed++;
    rep.failures.push(`${file}::${e.name}`);
  }
  for (const t of tests) {
    const o = runTest(r.ir, t, { runs: opts.runs, seed: opts.seed });
    if (o.status === "passed") {
      rep.passed++;
      rep.out += `test ${file}::${t.name} ... ok${o.runs > 1 ? ` (${o.runs} fuzz runs)` : ""}\n`;
      continue;
    }
    rep.failed++;
    rep.failures.push(`${file}::${t.name}`);
    rep.out += `test ${file}::${t.name} ... FAILED\n`;
    rep.err += `---- ${file}::${t.name} ----\n${o.reason}\n`;
    if (o.input) rep.err += `failing input (shrunk): ${JSON.stringify(o.input)}\nreproduce: cwl test ${t.name} --seed ${o.seed}\n`;
    if (o.diagnostics.length) rep.err += render(o.diagnostics);
    else rep.err += render([{ severity: "note", code: "E0811", message: `test \`${t.name}\` is declared here`, span: t.inst.item.name.span }]);
  }
  return rep;
}

// Shared helpers for the stdlib and examples suites.
import { join } from "node:path";
import { FileManager, REPO_ROOT, STDLIB_ROOT, type SourceFile } from "../../base/files/index.ts";
import { parse, type ParseResult } from "../../compiler/syntax/index.ts";
import { renderDiagnostic, type Diagnostic } from "../../base/diagnostics/index.ts";

/** Parses a stdlib file given relative to stdlib/. */
export function parseStdlib(rel: string): ParseResult & { file: SourceFile; fm: FileManager } {
  const fm = new FileManager();
  const file = fm.load(join(STDLIB_ROOT, rel));
  if (!file) throw new Error(`stdlib/${rel} is missing`);
  return { ...parse(file), file, fm };
}

export function render(ds: readonly Diagnostic[], fm: FileManager): string {
  return ds.map((d) => renderDiagnostic(d, (id) => fm.get(id))).join("\n");
}

import { compileFile, compileSource, hasErrors, type CompileResult } from "../../compiler/pipeline/index.ts";
import { run, type RunResult } from "../../compiler/interp/index.ts";

export interface Compiled extends CompileResult {
  /** Runs the item `name` (circuit/protocol/kernel) with JSON-style inputs by parameter name. */
  runEntry(name: string | undefined, inputs: Record<string, unknown>, opts?: { dispatch?: number }): RunResult;
  render(ds: readonly Diagnostic[]): string;
}

function wrap(r: CompileResult): Compiled {
  const rend = (ds: readonly Diagnostic[]) => render(ds, r.fm);
  if (hasErrors(r.diagnostics) || !r.ir || !r.checked) throw new Error(`compile failed:\n${rend(r.diagnostics)}`);
  const ir = r.ir;
  const checked = r.checked;
  return {
    ...r,
    render: rend,
    runEntry(name, inputs, opts = {}) {
      let entry: string | undefined;
      if (name !== undefined) {
        const inst = checked.entries.find((i) => i.item.name.name === name && i.concrete);
        if (!inst) throw new Error(`no entry ${name}`);
        entry = inst.irName;
      }
      // compileFile already ran the CWIR verifier on this module; skip re-verifying it on every run.
      return run(ir, { entry, inputs, dispatch: opts.dispatch, verify: false });
    },
  };
}

/** Compiles a file (path relative to the repository root) or fails the test with rendered diagnostics. */
export function compileOk(path: string): Compiled {
  return wrap(compileFile(join(REPO_ROOT, path)));
}

/** Compiles in-memory source placed at `path` (relative to the repository root). */
export function compileTextOk(path: string, text: string): Compiled {
  return wrap(compileSource(join(REPO_ROOT, path), text));
}

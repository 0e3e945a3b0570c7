// Shared helpers for the fixture-driven sema/lowering tests: compile a fixture, read its
// `// expect: E0xxx @ line:col` lines, run it with the interpreter.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import { type FileManager, lineColOf } from "../../base/files/index.ts";

export const FIXTURES = join(import.meta.dirname, "fixtures");

export function fixtures(kind: string): string[] {
  const dir = join(FIXTURES, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cwl"))
    .sort()
    .map((f) => join(dir, f));
}

export interface Expectation {
  code: string;
  line: number;
  col: number;
}

export function expectations(path: string): Expectation[] {
  const out: Expectation[] = [];
  for (const m of readFileSync(path, "utf8").matchAll(/\/\/ expect: (E\d{4}) @ (\d+):(\d+)/g))
    out.push({ code: m[1], line: Number(m[2]), col: Number(m[3]) });
  return out;
}

/** Diagnostics as `E0101 @ 3:17` strings, sorted, for one file (others are reported with their path). */
export function located(ds: readonly Diagnostic[], fm: FileManager, fileId?: number): string[] {
  return ds
    .map((d) => {
      if (!d.span) return `${d.code} @ ?`;
      const f = fm.get(d.span.file);
      const { line, col } = lineColOf(f, d.span.start);
      return d.span.file === fileId ? `${d.code} @ ${line}:${col}` : `${d.code} @ ${f.path}:${line}:${col}`;
    })
    .sort();
}

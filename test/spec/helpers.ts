// Shared by the spec suites: load a spec model from a stdlib file or inline text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FileManager, REPO_ROOT } from "../../base/files/index.ts";
import { specFromText } from "../../compiler/spec/index.ts";
import { renderAll } from "../../base/diagnostics/index.ts";
import type { SpecModel } from "../../runtime/spec/index.ts";

export const STDLIB_SPECS = join(REPO_ROOT, "stdlib", "specs");

export function stdlibText(file: string): string {
  return readFileSync(join(STDLIB_SPECS, file), "utf8");
}

/** The checked model of spec `name` in `text`; throws with rendered diagnostics otherwise. */
export function modelOf(text: string, name: string, path = "test.cwl"): SpecModel {
  const fm = new FileManager();
  const r = specFromText(fm, path, text, name);
  if (!r.model) throw new Error(renderAll(r.diagnostics, (id) => fm.get(id)));
  return r.model;
}

/** Error codes reported for spec `name` in `text`. */
export function codesOf(text: string, name: string): string[] {
  const fm = new FileManager();
  return specFromText(fm, "bad.cwl", text, name).diagnostics.map((d) => d.code);
}

export function applyEdit(text: string, span: { start: number; end: number }, replacement: string): string {
  return text.slice(0, span.start) + replacement + text.slice(span.end);
}

// Public face of compiler/spec: checks `spec` items (names, types) and lowers them to the
// SpecModel that runtime/spec checks and backends/promela emits.
import * as A from "../syntax/index.ts";
import { parse } from "../syntax/index.ts";
import { DiagnosticBag, type Diagnostic, type Span } from "../../base/diagnostics/index.ts";
import type { FileManager, SourceFile } from "../../base/files/index.ts";
import { typecheck, type SpecModel } from "../../runtime/spec/index.ts";
import { lowerSpec } from "./lower.ts";

export { lowerSpec };

/** Every `spec` item of a module, inline `mod`s included. */
export function specItems(items: readonly A.Item[]): A.SpecItem[] {
  const out: A.SpecItem[] = [];
  for (const it of items) {
    if (it.kind === "Spec") out.push(it);
    if (it.kind === "Mod" && it.items) out.push(...specItems(it.items));
  }
  return out;
}

/** Lowers and type-checks one spec item; the model is undefined when there are errors. */
export function checkSpecItem(item: A.SpecItem): { model?: SpecModel; diagnostics: Diagnostic[] } {
  const bag = new DiagnosticBag();
  const model = lowerSpec(item, bag);
  if (!bag.hasErrors)
    for (const p of typecheck(model)) bag.error(p.code, p.message, p.span as Span | undefined, p.hint);
  return { model: bag.hasErrors ? undefined : model, diagnostics: bag.items };
}

export interface LoadedSpecs {
  file: SourceFile;
  /** Successfully checked models by spec name. */
  models: Map<string, SpecModel>;
  names: string[];
  diagnostics: Diagnostic[];
}

/** Parses a file and checks every spec in it (or only `only`). */
export function loadSpecs(fm: FileManager, file: SourceFile, only?: string): LoadedSpecs {
  const parsed = parse(file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const items = specItems(parsed.module.items);
  const models = new Map<string, SpecModel>();
  for (const it of items) {
    if (only !== undefined && it.name.name !== only) continue;
    const r = checkSpecItem(it);
    diagnostics.push(...r.diagnostics);
    if (r.model) models.set(it.name.name, r.model);
  }
  void fm;
  return { file, models, names: items.map((i) => i.name.name), diagnostics };
}

/** Convenience for tests and tools: the model of spec `name` in `text`, or the diagnostics. */
export function specFromText(fm: FileManager, path: string, text: string, name: string): { model?: SpecModel; diagnostics: Diagnostic[]; file: SourceFile } {
  const file = fm.add(path, text);
  const r = loadSpecs(fm, file, name);
  const model = r.models.get(name);
  const diagnostics = r.diagnostics.filter((d) => d.severity === "error");
  if (!model && !diagnostics.length)
    diagnostics.push({ severity: "error", code: "E0711", message: `no spec named \`${name}\` in ${path}`, hint: r.names.length ? `specs here: ${r.names.join(", ")}` : "this file declares no spec" });
  return { model: diagnostics.length ? undefined : model, diagnostics, file };
}

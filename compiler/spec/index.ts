// Public face of compiler/spec: checks `spec` items (names, types) and lowers them to CWIR's `spec`
// dialect. The AST is first resolved into a SpecModel (lower.ts) that the type checker annotates, then
// lowered to CWIR (ir.ts); the model that runtime/spec checks and backends/promela emits is the one
// read back from that IR (runtime/spec/from-ir.ts), so the IR is the one interface between them.
import * as A from "../syntax/index.ts";
import { parse } from "../syntax/index.ts";
import { DiagnosticBag, type Diagnostic, type Span } from "../../base/diagnostics/index.ts";
import type { FileManager, SourceFile } from "../../base/files/index.ts";
import { type Func, Module, verifyModule } from "../ir/index.ts";
import { typecheck, type SpecModel } from "../../runtime/spec/index.ts";
import { specFromIr } from "../../runtime/spec/from-ir.ts";
import { lowerSpec } from "./lower.ts";
import { specToIr } from "./ir.ts";

export { lowerSpec, specToIr };

/** Every `spec` item of a module, inline `mod`s included. */
export function specItems(items: readonly A.Item[]): A.SpecItem[] {
  const out: A.SpecItem[] = [];
  for (const it of items) {
    if (it.kind === "Spec") out.push(it);
    if (it.kind === "Mod" && it.items) out.push(...specItems(it.items));
  }
  return out;
}

/**
 * Resolves and type-checks one spec item and lowers it to CWIR (`ir`, alone in its own module); `model`
 * is read back from that IR. Both are undefined when there are errors.
 */
export function checkSpecItem(item: A.SpecItem): { model?: SpecModel; ir?: Func; diagnostics: Diagnostic[] } {
  const bag = new DiagnosticBag();
  const resolved = lowerSpec(item, bag);
  if (!bag.hasErrors)
    for (const p of typecheck(resolved)) bag.error(p.code, p.message, p.span as Span | undefined, p.hint);
  if (bag.hasErrors) return { diagnostics: bag.items };
  const ir = lowerSpecToIr(resolved);
  return { model: specFromIr(ir), ir, diagnostics: bag.items };
}

/** A type-checked model as a verified CWIR `spec` item of `m`; invalid IR is a compiler bug (throws). */
export function lowerSpecToIr(model: SpecModel, m: Module = new Module()): Func {
  const f = specToIr(model, m);
  const ds = verifyModule(m);
  if (ds.length) throw new Error(`spec lowering produced invalid CWIR: ${ds.map((d) => d.message).join("; ")}`);
  return f;
}

export interface LoadedSpecs {
  file: SourceFile;
  /** Successfully checked models by spec name, as read back from `ir`. */
  models: Map<string, SpecModel>;
  /** The checked specs as CWIR `spec` items (the first of two specs with one name). */
  ir: Module;
  names: string[];
  diagnostics: Diagnostic[];
}

/** Parses a file and checks every spec in it (or only `only`). */
export function loadSpecs(fm: FileManager, file: SourceFile, only?: string): LoadedSpecs {
  const parsed = parse(file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const items = specItems(parsed.module.items);
  const models = new Map<string, SpecModel>();
  const ir = new Module();
  for (const it of items) {
    if (only !== undefined && it.name.name !== only) continue;
    const r = checkSpecItem(it);
    diagnostics.push(...r.diagnostics);
    if (r.model) models.set(it.name.name, r.model);
    if (r.ir && !ir.has(r.ir.name)) ir.addFunc(r.ir);
  }
  void fm;
  return { file, models, ir, names: items.map((i) => i.name.name), diagnostics };
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

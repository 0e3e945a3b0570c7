// Public face of compiler/sema: `analyze` checks parsed root modules (loading `mod` files and the
// stdlib on demand) and returns a CheckedProgram — per-instance types and resolutions for lowering,
// and a symbol table for the language server (symbolAt / references / typeOf).
import type { Diagnostic, Span } from "../../base/diagnostics/index.ts";
import type { FileId, FileManager } from "../../base/files/index.ts";
import type { Expr, Module as AstModule, SpecItem } from "../syntax/index.ts";
import { Checker, type Instance, type TableInfo, ctxOfItem, emptySubst } from "./check.ts";
import { FIELD_CHOICES, KNOWN_FIELDS, fieldInfo } from "./fields.ts";
import { type ModScope, ModuleLoader, type PackageRef, type ParseFn } from "./scope.ts";
import { type SymbolInfo, SymbolTable } from "./symbols.ts";
import type { FieldInfo, Ty } from "./types.ts";

export type { CtxKind, Instance, Local, Resolution, CallTarget, TableInfo, FnLike } from "./check.ts";
export { shorthandOf } from "./check.ts";
export type { Ty, FieldInfo, StructInfo } from "./types.ts";
export { tyToString, tyEq, FIX_FRAC } from "./types.ts";
export type { SymbolInfo, SymbolKind } from "./symbols.ts";
export type { CV } from "./consteval.ts";
export type { ParseFn, ModScope, PackageRef } from "./scope.ts";
export { FIELD_CHOICES, KNOWN_FIELDS, type FieldChoice } from "./fields.ts";
export { editDistance, closest } from "./scope.ts";

export interface AnalyzeOptions {
  fm: FileManager;
  /** The parser (compiler/syntax `parse`); injected so sema does not depend on parser internals. */
  parse: ParseFn;
  /** `--field`: bn254 (default), bls12_381, goldilocks, babybear, pallas, vesta. */
  field?: string;
  /** Override the stdlib folder (tests). */
  stdRoot?: string;
  /** Dependencies of the roots' package (from its manifest): `use name::...` loads them. */
  deps?: ReadonlyMap<string, PackageRef>;
  /** The roots' syntax diagnostics, so sema does not pile consequential errors on recovered code. */
  syntaxDiagnostics?: Diagnostic[];
}

export interface CheckedProgram {
  roots: ModScope[];
  /** Every instance checked, callees included, in creation order. */
  instances: Instance[];
  /** Instances of items declared in the root files (and their non-std submodules). */
  entries: Instance[];
  tables: TableInfo[];
  /** Prime fields the program uses, by CWIR name. */
  fields: FieldInfo[];
  defaultField: FieldInfo;
  /** `spec` items, left to compiler/spec. */
  specs: { item: SpecItem; module: ModScope }[];
  symbols: SymbolTable;
  /** The symbol whose name covers `offset` in file `file` (definitions and references). */
  symbolAt(file: FileId, offset: number): SymbolInfo | undefined;
  /** All occurrences of a symbol, definition first. */
  references(sym: SymbolInfo): Span[];
  /** Locals and parameters in scope at `offset` (completion). */
  localsAt(file: FileId, offset: number): SymbolInfo[];
  /** Printed type of an expression (first instantiation for generic code). */
  typeOf(e: Expr): string | undefined;
  /** The semantic type of an expression. */
  tyOf(e: Expr): Ty | undefined;
}

export function analyze(modules: AstModule[], opts: AnalyzeOptions): { program: CheckedProgram; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const syms = new SymbolTable();
  const loader = new ModuleLoader(opts.fm, opts.parse, syms, (d) => diagnostics.push(d), opts.stdRoot);
  const choice = opts.field ?? "bn254";
  const known = KNOWN_FIELDS[choice];
  if (!known)
    diagnostics.push({
      severity: "error",
      code: "E0220",
      message: `unknown field \`${choice}\``,
      hint: `choose one of ${FIELD_CHOICES.join(", ")}`,
    });
  const k = known ?? KNOWN_FIELDS.bn254;
  const roots = modules.map((m) => loader.addRoot(m, opts.fm.get(m.file), opts.deps));
  const checker = new Checker(loader, syms, fieldInfo(k.decl, k.modulus), diagnostics);
  checker.syntaxErrors = (opts.syntaxDiagnostics ?? []).flatMap((d) => (d.span ? [d.span] : []));
  // Prefer std::field's declaration of the selected field so hovers show its declared name.
  const stdField = loader.stdModule(["field"]);
  for (const e of stdField?.entries.values() ?? []) {
    if (e.item?.kind !== "PrimeField") continue;
    const f = checker.fieldOf(e.item, e.owner);
    if (f && f.modulus === k.modulus) (checker as { defaultField: FieldInfo }).defaultField = f;
  }

  const specs: CheckedProgram["specs"] = [];
  // Dependency packages are libraries: checked where used, like the stdlib, so their items are no entries.
  const userModules = loader.all.filter((m) => !m.isStd && !m.isDep);
  const entries: Instance[] = [];
  for (const m of userModules) {
    for (const [, imp] of m.imports) loader.resolveModulePath(m, imp.path, true);
    for (const g of m.globs) loader.resolveModulePath(m, g.path, true);
    for (const it of m.items) {
      switch (it.kind) {
        case "Const":
          checker.constOf(it, m);
          break;
        case "PrimeField":
          checker.fieldOf(it, m);
          break;
        case "Table":
          checker.tableOf(it, m);
          break;
        case "Struct":
          checker.instantiateStruct(it, m, [], it.name.span, emptySubst());
          break;
        case "TypeAlias":
          if (!it.generics.length) checker.resolveType(it.type, m, emptySubst(), "fn");
          break;
        case "Spec":
          specs.push({ item: it, module: m });
          break;
        case "Fn":
        case "Circuit":
        case "Program":
        case "Protocol":
        case "Kernel": {
          const { subst, concrete } = checker.bindGenerics(it.generics, [], m, it.name.span, emptySubst(), undefined, true);
          entries.push(checker.instance(it, m, subst, ctxOfItem(it), concrete));
          break;
        }
        default:
          break;
      }
    }
  }
  checker.drain();
  checker.checkRecursion();
  checker.checkConditionalPushes();
  for (const inst of checker.instances) {
    const sym = syms.definedAt(inst.item.name.span);
    if (sym && !sym.type)
      sym.type = `${inst.item.name.name}(${inst.params.map((p) => `${p.name}: ${tyString(p.ty)}`).join(", ")})${inst.ret.k === "tuple" && inst.ret.elems.length === 0 ? "" : ` -> ${tyString(inst.ret)}`}`;
  }
  const tables = [...checker.tables.values()].filter((t): t is TableInfo => t !== undefined);
  const program: CheckedProgram = {
    roots,
    instances: checker.instances,
    entries,
    tables,
    fields: [...checker.fieldsUsed.values()],
    defaultField: checker.defaultField,
    specs,
    symbols: syms,
    symbolAt: (file, offset) => syms.symbolAt(file, offset),
    references: (s) => syms.references(s),
    typeOf: (e) => syms.typeOf(e),
    localsAt: (file, offset) => syms.localsAt(file, offset),
    tyOf: (e) => syms.exprTypes.get(e),
  };
  return { program, diagnostics };
}

import { tyToString as tyString } from "./types.ts";

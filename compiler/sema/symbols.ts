// The resolved-symbol table the language server reads: every definition and every reference, with
// spans, kinds and printed types, plus the type of every checked expression.
import type { Span } from "../../base/diagnostics/index.ts";
import type { FileId } from "../../base/files/index.ts";
import type { Expr } from "../syntax/index.ts";
import { type Ty, tyToString } from "./types.ts";

export type SymbolKind =
  | "module"
  | "fn"
  | "hint"
  | "struct"
  | "field-decl"
  | "struct-field"
  | "const"
  | "prime-field"
  | "table"
  | "type-alias"
  | "circuit"
  | "program"
  | "protocol"
  | "kernel"
  | "spec"
  | "local"
  | "param"
  | "generic"
  | "builtin";

export interface SymbolInfo {
  id: number;
  name: string;
  kind: SymbolKind;
  /** Span of the defining name; undefined for builtins. */
  def?: Span;
  /** Printed type (locals, params, consts) or signature (functions). */
  type?: string;
  doc?: string;
  mutable?: boolean;
}

export class SymbolTable {
  private nextId = 0;
  readonly symbols: SymbolInfo[] = [];
  /** Every occurrence (definitions included), by file. */
  private occ = new Map<FileId, { span: Span; sym: SymbolInfo }[]>();
  private refsOf = new Map<SymbolInfo, Span[]>();
  /** Symbols already recorded at each position (file · 2^32 + start); usually one. */
  private seenAt = new Map<number, SymbolInfo | SymbolInfo[]>();
  readonly exprTypes = new Map<Expr, Ty>();
  /** Symbols by where their defining name starts (file · 2^32 + start); the rare second one at a start is in byDefSpan. */
  private byDefPos = new Map<number, SymbolInfo>();
  private byDefSpan = new Map<string, SymbolInfo>();

  /** Where each local/param is visible (from just after its definition to the end of its block). */
  private visibility: { sym: SymbolInfo; range: Span }[] = [];
  scoped(sym: SymbolInfo, range: Span): void {
    this.visibility.push({ sym, range });
  }

  /**
   * Locals and parameters visible at `offset` (innermost shadowing wins), for completion. Items of
   * the module are in CheckedProgram.roots (ModScope.entries / imports).
   */
  localsAt(file: FileId, offset: number): SymbolInfo[] {
    const byName = new Map<string, { sym: SymbolInfo; start: number }>();
    for (const v of this.visibility) {
      if (v.range.file !== file || offset < v.range.start || offset > v.range.end) continue;
      const prev = byName.get(v.sym.name);
      if (!prev || v.range.start > prev.start) byName.set(v.sym.name, { sym: v.sym, start: v.range.start });
    }
    return [...byName.values()].map((x) => x.sym);
  }

  /** The symbol defined at exactly this span (items, fields, locals). */
  definedAt(span: Span): SymbolInfo | undefined {
    const s = this.byDefPos.get(span.file * 2 ** 32 + span.start);
    if (s?.def?.end === span.end) return s;
    return this.byDefSpan.size ? this.byDefSpan.get(`${span.file}:${span.start}:${span.end}`) : undefined;
  }

  define(name: string, kind: SymbolKind, def: Span | undefined, extra: Partial<SymbolInfo> = {}): SymbolInfo {
    const s: SymbolInfo = { id: this.nextId++, name, kind, def, ...extra };
    this.symbols.push(s);
    if (def) {
      this.reference(s, def);
      // The first symbol defined at a span keeps it (numeric keys: a string per definition was a
      // measurable part of checking large files).
      const pos = def.file * 2 ** 32 + def.start;
      const there = this.byDefPos.get(pos);
      if (!there) this.byDefPos.set(pos, s);
      else if (there.def!.end !== def.end) {
        const k = `${def.file}:${def.start}:${def.end}`;
        if (!this.byDefSpan.has(k)) this.byDefSpan.set(k, s);
      }
    }
    return s;
  }

  reference(sym: SymbolInfo, span: Span): void {
    // Generic bodies are checked once per instantiation; record each occurrence once. An occurrence
    // is a symbol and where its name starts (a numeric key: one string per reference was a tenth of
    // the checker's allocation on large files).
    const pos = span.file * 2 ** 32 + span.start;
    const prev = this.seenAt.get(pos);
    if (prev === sym || (Array.isArray(prev) && prev.includes(sym))) return;
    this.seenAt.set(pos, prev === undefined ? sym : Array.isArray(prev) ? [...prev, sym] : [prev, sym]);
    let list = this.occ.get(span.file);
    if (!list) this.occ.set(span.file, (list = []));
    list.push({ span, sym });
    const refs = this.refsOf.get(sym);
    if (refs) refs.push(span);
    else this.refsOf.set(sym, [span]);
  }

  recordType(e: Expr, t: Ty): void {
    const prev = this.exprTypes.get(e);
    if (!prev || prev.k === "lit") this.exprTypes.set(e, t);
  }

  /** The symbol whose name occurrence covers `offset` (innermost). */
  symbolAt(file: FileId, offset: number): SymbolInfo | undefined {
    let best: { span: Span; sym: SymbolInfo } | undefined;
    for (const o of this.occ.get(file) ?? [])
      if (o.span.start <= offset && offset <= o.span.end && (!best || o.span.end - o.span.start < best.span.end - best.span.start))
        best = o;
    return best?.sym;
  }

  /** Every occurrence of `sym`, its definition first. */
  references(sym: SymbolInfo): Span[] {
    return [...(this.refsOf.get(sym) ?? [])];
  }

  typeOf(e: Expr): string | undefined {
    const t = this.exprTypes.get(e);
    return t ? tyToString(t) : undefined;
  }
}

// The language features, each a pure function of an Analysis (or two: the current one and the last
// one that type-checked, for completion while the buffer is mid-edit).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  CompletionItemKind,
  type CompletionItem,
  type DocumentSymbol,
  type Hover,
  type Location,
  MarkupKind,
  type Position,
  type SignatureHelp,
  SymbolKind,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import type { Span } from "../../base/diagnostics/index.ts";
import { FileManager, STDLIB_ROOT } from "../../base/files/index.ts";
import type { SymbolInfo, SymbolKind as CwlSymbolKind } from "../../compiler/sema/index.ts";
import {
  type Item,
  KEYWORDS,
  RESERVED_WORDS,
  type Node,
  type SpecMember,
  findAll,
  isExpr,
  nodePathAt,
  parse,
  tokenize,
} from "../../compiler/syntax/index.ts";
import { type Analysis, locationOf, symbolAt, toOffset, toRange, uriOf } from "./analysis.ts";

// ------------------------------------------------------------------------------------------ hover

const KIND_LABEL: Record<CwlSymbolKind, string> = {
  module: "module",
  fn: "fn",
  hint: "hint fn",
  struct: "struct",
  "field-decl": "field",
  "struct-field": "field",
  const: "const",
  "prime-field": "field type",
  table: "table",
  "type-alias": "type",
  circuit: "circuit",
  program: "program",
  protocol: "protocol",
  kernel: "kernel",
  spec: "spec",
  local: "let",
  param: "param",
  generic: "generic",
  builtin: "builtin",
};

const CALLABLE = new Set<CwlSymbolKind>(["fn", "hint", "circuit", "program", "protocol", "kernel"]);

function signatureLine(s: SymbolInfo): string {
  const label = KIND_LABEL[s.kind];
  if (CALLABLE.has(s.kind) && s.type) return `${label} ${s.type}`;
  if (s.kind === "local") return `let ${s.mutable ? "mut " : ""}${s.name}${s.type ? `: ${s.type}` : ""}`;
  return `${label} ${s.name}${s.type ? `: ${s.type}` : ""}`;
}

export function hover(a: Analysis, pos: Position): Hover | null {
  const off = toOffset(a.file, pos);
  const sym = symbolAt(a, off);
  if (sym) {
    const occ = a.result.checked!.references(sym).find((s) => s.file === a.file.id && s.start <= off && off <= s.end);
    const value = "```chainweave\n" + signatureLine(sym) + "\n```" + (sym.doc ? "\n\n" + sym.doc : "");
    return { contents: { kind: MarkupKind.Markdown, value }, range: occ ? toRange(a.file, occ) : undefined };
  }
  // No name here: show the type of the innermost expression.
  const path = nodePathAt(a.ast, off);
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i];
    if (!isExpr(n)) continue;
    const t = a.result.checked?.typeOf(n);
    if (t) return { contents: { kind: MarkupKind.Markdown, value: "```chainweave\n" + t + "\n```" }, range: toRange(a.file, n.span) };
  }
  return null;
}

// ------------------------------------------------------------------ definition / references / rename

export function definition(a: Analysis, pos: Position): Location | null {
  const sym = symbolAt(a, toOffset(a.file, pos));
  return sym?.def ? locationOf(a, sym.def) : null;
}

export function references(a: Analysis, pos: Position, includeDeclaration: boolean): Location[] {
  const sym = symbolAt(a, toOffset(a.file, pos));
  if (!sym) return [];
  const spans = a.result.checked!.references(sym);
  return (includeDeclaration || !sym.def ? spans : spans.filter((s) => !sameSpan(s, sym.def!))).map((s) => locationOf(a, s));
}

function sameSpan(x: Span, y: Span): boolean {
  return x.file === y.file && x.start === y.start && x.end === y.end;
}

export class RenameError extends Error {}

export function prepareRename(a: Analysis, pos: Position): { range: ReturnType<typeof toRange>; placeholder: string } {
  const off = toOffset(a.file, pos);
  const sym = renamable(a, off);
  const occ = a.result.checked!.references(sym).find((s) => s.file === a.file.id && s.start <= off && off <= s.end)!;
  return { range: toRange(a.file, occ), placeholder: sym.name };
}

function renamable(a: Analysis, off: number): SymbolInfo {
  const sym = symbolAt(a, off);
  if (!sym) throw new RenameError("nothing to rename here");
  if (!sym.def || sym.kind === "builtin") throw new RenameError(`\`${sym.name}\` is built in and cannot be renamed`);
  const defPath = a.result.fm.get(sym.def.file).path;
  if (defPath.startsWith(STDLIB_ROOT) && !a.path.startsWith(STDLIB_ROOT))
    throw new RenameError(`\`${sym.name}\` is defined in the standard library and cannot be renamed`);
  return sym;
}

export function rename(a: Analysis, pos: Position, newName: string): WorkspaceEdit {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName) || newName === "_")
    throw new RenameError(`\`${newName}\` is not a valid name`);
  if (RESERVED_WORDS.includes(newName)) throw new RenameError(`\`${newName}\` is a reserved word`);
  const sym = renamable(a, toOffset(a.file, pos));
  const changes: Record<string, TextEdit[]> = {};
  for (const s of a.result.checked!.references(sym)) {
    const f = a.result.fm.get(s.file);
    // Occurrences of a shorthand field init (`Leaf { value }`) cover the name only; replacing it is enough.
    (changes[uriOf(a, s.file)] ??= []).push({ range: toRange(f, s), newText: newName });
  }
  return { changes };
}

// ------------------------------------------------------------------------------------ completion

const SYMBOL_COMPLETION: Partial<Record<CwlSymbolKind, CompletionItemKind>> = {
  module: CompletionItemKind.Module,
  fn: CompletionItemKind.Function,
  hint: CompletionItemKind.Function,
  struct: CompletionItemKind.Struct,
  const: CompletionItemKind.Constant,
  "prime-field": CompletionItemKind.TypeParameter,
  table: CompletionItemKind.Constant,
  "type-alias": CompletionItemKind.TypeParameter,
  circuit: CompletionItemKind.Class,
  program: CompletionItemKind.Class,
  protocol: CompletionItemKind.Class,
  kernel: CompletionItemKind.Function,
  spec: CompletionItemKind.Class,
  local: CompletionItemKind.Variable,
  param: CompletionItemKind.Variable,
  generic: CompletionItemKind.TypeParameter,
};

function linePrefix(a: { text: string }, lineStarts: number[], pos: Position): string {
  const start = lineStarts[pos.line] ?? a.text.length;
  return a.text.slice(start, start + pos.character);
}

function lineStartsOf(text: string): number[] {
  const s = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) s.push(i + 1);
  return s;
}

/**
 * `text` is the buffer as it is now (maybe mid-edit, not parsing); `a` the freshest analysis;
 * `good` the last one that type-checked (its symbols and types fill in for a broken buffer).
 */
export function complete(text: string, pos: Position, a: Analysis, good: Analysis | undefined): CompletionItem[] {
  const prefix = linePrefix({ text }, lineStartsOf(text), pos);
  const use = /\buse\s+std((?:::[A-Za-z_][A-Za-z0-9_]*)*)::([A-Za-z_0-9]*)$/.exec(prefix);
  if (use) return stdlibCompletions(use[1].split("::").filter(Boolean));
  const dot = /([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*([A-Za-z_0-9]*)$/.exec(prefix);
  if (dot && !/^\d/.test(dot[1])) return fieldCompletions(good ?? a, dot[1]);
  return scopeCompletions(good ?? a, text, pos);
}

/** Folders and files under stdlib/<segments>, then the `pub` items of the module itself. */
function stdlibCompletions(segments: string[]): CompletionItem[] {
  const out: CompletionItem[] = [];
  const dir = join(STDLIB_ROOT, ...segments);
  let entries: string[] = [];
  try {
    entries = statSync(dir).isDirectory() ? readdirSync(dir) : [];
  } catch {
    entries = [];
  }
  for (const e of entries.sort()) {
    if (e === "mod.cwl") continue;
    if (e.endsWith(".cwl")) out.push({ label: e.slice(0, -4), kind: CompletionItemKind.Module, detail: `std::${[...segments, e.slice(0, -4)].join("::")}` });
    else if (statSync(join(dir, e)).isDirectory()) out.push({ label: e, kind: CompletionItemKind.Module, detail: `std::${[...segments, e].join("::")}` });
  }
  const candidates = [join(STDLIB_ROOT, ...segments) + ".cwl", join(dir, "mod.cwl")];
  for (const p of candidates) {
    const fm = new FileManager();
    const f = segments.length ? fm.load(p) : undefined;
    if (!f) continue;
    for (const it of parse(f).module.items) {
      if (!it.isPub || !("name" in it)) continue;
      out.push({ label: it.name.name, kind: itemCompletionKind(it), detail: it.kind.toLowerCase(), documentation: it.doc });
    }
  }
  return out;
}

function itemCompletionKind(it: Item): CompletionItemKind {
  switch (it.kind) {
    case "Fn":
      return CompletionItemKind.Function;
    case "Struct":
      return CompletionItemKind.Struct;
    case "Const":
    case "Table":
      return CompletionItemKind.Constant;
    case "Mod":
      return CompletionItemKind.Module;
    default:
      return CompletionItemKind.Class;
  }
}

/** Fields of the struct type of the local/param/const named `receiver`. */
function fieldCompletions(a: Analysis, receiver: string): CompletionItem[] {
  const checked = a.result.checked;
  if (!checked) return [];
  const sym = checked.symbols.symbols.find(
    (s) => s.name === receiver && s.def?.file === a.file.id && (s.kind === "local" || s.kind === "param" || s.kind === "const"),
  );
  const typeName = sym?.type?.replace(/<.*$/, "").trim();
  if (!typeName) return [];
  const structSym = checked.symbols.symbols.find((s) => s.kind === "struct" && s.name === typeName && s.def);
  if (!structSym?.def) return [];
  const f = a.result.fm.get(structSym.def.file);
  const decl = findAll(parse(f).module, "Struct").find((s) => s.name.span.start === structSym.def!.start);
  if (!decl) return [];
  return decl.fields.map((fd) => ({
    label: fd.name.name,
    kind: CompletionItemKind.Field,
    detail: f.text.slice(fd.type.span.start, fd.type.span.end),
    documentation: fd.doc,
  }));
}

function scopeCompletions(a: Analysis, text: string, pos: Position): CompletionItem[] {
  const out = new Map<string, CompletionItem>();
  for (const k of KEYWORDS) out.set(k, { label: k, kind: CompletionItemKind.Keyword });
  const checked = a.result.checked;
  if (checked) {
    // Positions in `a` may lag the buffer by a few characters; scope by the enclosing top-level item.
    const off = Math.min(toOffset(a.file, pos), a.file.text.length);
    const item = a.ast.items.find((it) => it.span.start <= off && off <= it.span.end);
    for (const s of checked.symbols.symbols) {
      const kind = SYMBOL_COMPLETION[s.kind];
      if (kind === undefined || !s.def) continue;
      const inFile = s.def.file === a.file.id;
      if (s.kind === "local" || s.kind === "param" || s.kind === "generic") {
        if (!inFile || !item || s.def.start < item.span.start || s.def.start > off) continue;
      } else if (!inFile && !checked.references(s).some((r) => r.file === a.file.id)) continue;
      out.set(s.name, { label: s.name, kind, detail: s.type, documentation: s.doc });
    }
  }
  void text;
  return [...out.values()];
}

// -------------------------------------------------------------------------------- signature help

export function signatureHelp(text: string, pos: Position, a: Analysis): SignatureHelp | null {
  const starts = lineStartsOf(text);
  let i = (starts[pos.line] ?? text.length) + pos.character - 1;
  let depth = 0;
  let commas = 0;
  for (; i >= 0; i--) {
    const c = text[i];
    if (c === ")" || c === "]") depth++;
    else if (c === "[") depth--;
    else if (c === "(") {
      if (depth === 0) break;
      depth--;
    } else if (c === "," && depth === 0) commas++;
    else if ((c === ";" || c === "{" || c === "}") && depth === 0) return null;
  }
  if (i < 0) return null;
  const callee = /([A-Za-z_][A-Za-z0-9_]*)\s*(?:::<[^>]*>)?\s*$/.exec(text.slice(Math.max(0, i - 200), i));
  if (!callee) return null;
  const name = callee[1];
  const checked = a.result.checked;
  const sym = checked?.symbols.symbols.find((s) => s.name === name && CALLABLE.has(s.kind) && s.type);
  if (!sym?.type) return null;
  const m = /^[^(]*\((.*)\)(?:\s*->\s*.*)?$/.exec(sym.type);
  const params = m ? splitTop(m[1]) : [];
  return {
    signatures: [{ label: sym.type, documentation: sym.doc, parameters: params.map((p) => ({ label: p })) }],
    activeSignature: 0,
    activeParameter: Math.min(commas, Math.max(0, params.length - 1)),
  };
}

/** Splits `a: T, b: [U; 2]` at top-level commas. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of s) {
    if ("([<".includes(c)) depth++;
    if (")]>".includes(c)) depth--;
    if (c === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

// ----------------------------------------------------------------------------- document symbols

const ITEM_SYMBOL: Record<string, SymbolKind> = {
  Use: SymbolKind.Namespace,
  Mod: SymbolKind.Module,
  Const: SymbolKind.Constant,
  Struct: SymbolKind.Struct,
  Fn: SymbolKind.Function,
  PrimeField: SymbolKind.TypeParameter,
  Table: SymbolKind.Constant,
  TypeAlias: SymbolKind.TypeParameter,
  Circuit: SymbolKind.Class,
  Program: SymbolKind.Class,
  Protocol: SymbolKind.Class,
  Kernel: SymbolKind.Function,
  Spec: SymbolKind.Class,
  SpecState: SymbolKind.Variable,
  SpecAction: SymbolKind.Method,
  SpecInvariant: SymbolKind.Boolean,
  SpecProperty: SymbolKind.Boolean,
  SpecAdversary: SymbolKind.Event,
  SpecParams: SymbolKind.Constant,
  FieldDecl: SymbolKind.Field,
};

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const sym = (n: Item | SpecMember | Node): DocumentSymbol | undefined => {
    if (n.kind === "Use") return undefined;
    const named = n as { name?: { name: string; span: Span } };
    const name = named.name?.name ?? (n.kind === "SpecParams" ? "params" : undefined);
    if (!name) return undefined;
    const kids: Node[] =
      n.kind === "Struct" ? n.fields : n.kind === "Spec" ? n.members : n.kind === "Mod" ? (n.items ?? []) : [];
    const children = kids.map(sym).filter((x): x is DocumentSymbol => !!x);
    return {
      name,
      detail: n.kind === "Fn" && n.hint ? "hint fn" : n.kind.replace(/^Spec/, "").toLowerCase(),
      kind: ITEM_SYMBOL[n.kind] ?? SymbolKind.Object,
      range: toRange(a.file, n.span),
      selectionRange: toRange(a.file, named.name?.span ?? n.span),
      children: children.length ? children : undefined,
    };
  };
  return a.ast.items.map(sym).filter((x): x is DocumentSymbol => !!x);
}

// ------------------------------------------------------------------------------- semantic tokens

export const SEMANTIC_LEGEND = {
  tokenTypes: ["keyword", "number", "string", "comment", "function", "struct", "parameter", "variable", "property", "type", "namespace", "decorator", "enumMember"],
  tokenModifiers: ["declaration", "readonly", "defaultLibrary"],
};

const TT = Object.fromEntries(SEMANTIC_LEGEND.tokenTypes.map((t, i) => [t, i])) as Record<string, number>;
const PRIMITIVES = new Set(["u8", "u16", "u32", "u64", "u128", "i32", "i64", "bool", "Field", "Set", "Map", "fix", "sfix", "sint"]);

function symbolTokenType(k: CwlSymbolKind): number {
  switch (k) {
    case "fn":
    case "hint":
    case "kernel":
    case "circuit":
    case "program":
    case "protocol":
      return TT.function;
    case "struct":
    case "spec":
      return TT.struct;
    case "param":
      return TT.parameter;
    case "field-decl":
    case "struct-field":
      return TT.property;
    case "prime-field":
    case "type-alias":
    case "generic":
      return TT.type;
    case "module":
      return TT.namespace;
    case "table":
    case "const":
      return TT.enumMember;
    default:
      return TT.variable;
  }
}

/** LSP's relative encoding: [deltaLine, deltaStart, length, type, modifiers] per token. */
export function semanticTokens(a: Analysis): number[] {
  const toks: [number, number, number, number, number][] = [];
  const push = (start: number, end: number, type: number, mods = 0) => {
    // Tokens may not span lines: split block comments at newlines.
    let s = start;
    while (s < end) {
      const nl = a.file.text.indexOf("\n", s);
      const e = nl < 0 || nl >= end ? end : nl;
      if (e > s) {
        const p = toRange(a.file, { start: s, end: e }).start;
        toks.push([p.line, p.character, e - s, type, mods]);
      }
      s = e + 1;
    }
  };
  const checked = a.result.checked;
  let prevAt = -1;
  for (const t of tokenize(a.file.text)) {
    if (t.type.endsWith("Comment")) push(t.start, t.end, TT.comment);
    else if (t.type === "IntLit") push(t.start, t.end, TT.number);
    else if (t.type === "StrLit") push(t.start, t.end, TT.string);
    else if (t.type === "Ident" || t.type.startsWith("Kw_")) {
      const sym = t.type === "Ident" || !RESERVED_WORDS.includes(t.text) ? checked?.symbolAt(a.file.id, t.start) : undefined;
      if (prevAt === t.start) push(t.start, t.end, TT.decorator);
      else if (sym) {
        let mods = 0;
        if (sym.def && sym.def.file === a.file.id && sym.def.start === t.start) mods |= 1;
        if (sym.kind === "const" || (sym.kind === "local" && !sym.mutable)) mods |= 2;
        if (sym.def && a.result.fm.get(sym.def.file).path.startsWith(STDLIB_ROOT)) mods |= 4;
        push(t.start, t.end, symbolTokenType(sym.kind), mods);
      } else if (t.type.startsWith("Kw_")) push(t.start, t.end, TT.keyword);
      else if (PRIMITIVES.has(t.text)) push(t.start, t.end, TT.type, 4);
    }
    if (t.type === "At") prevAt = t.end;
  }
  const data: number[] = [];
  let line = 0;
  let ch = 0;
  for (const [l, c, len, type, mods] of toks) {
    data.push(l - line, l === line ? c - ch : c, len, type, mods);
    line = l;
    ch = c;
  }
  return data;
}

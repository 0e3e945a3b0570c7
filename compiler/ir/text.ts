// CWIR text form: an MLIR-like printer and parser that round-trip exactly
// (print(parse(print(m))) === print(m)). Grammar and error codes: spec/ir.md, spec/errors.md (E09xx).
//
// One generic op syntax serves every dialect, so a new op needs no parser change:
//   [%r0, %r1 =] dialect.op [%a, %b] [{key = attr, ...}] [: T0, T1] [{region} ...] [loc("file":line:col)]
import { type Diagnostic, type Span, error } from "../../base/diagnostics/index.ts";
import { FileManager, type SourceFile, lineColOf, offsetOf } from "../../base/files/index.ts";
import {
  type Attr,
  type Attrs,
  Block,
  FUNC_KINDS,
  Func,
  type FuncKind,
  type Loc,
  Module,
  Op,
  Region,
  T,
  type TableDecl,
  type Type,
  type Value,
  MAX_INT_WIDTH,
  isSymRef,
  isTypeAttr,
  typeToString,
} from "./ir.ts";

// =============================================================================================
// Printer

export interface PrintOptions {
  /** Resolve a Span's file to print `loc(...)` for locations that carry no path/line/col. */
  fileOf?: (id: number) => SourceFile | undefined;
  /** Print `loc(...)` suffixes (default true). */
  locs?: boolean;
}

export function printModule(m: Module, opts: PrintOptions = {}): string {
  const out: string[] = [];
  for (const item of m.items) {
    if (item.kind === "field") out.push(`field @${item.decl.name} = 0x${item.decl.modulus.toString(16)}`);
    else if (item.kind === "table") out.push(printTable(item.decl));
    else out.push(printFunc(item.decl, opts));
  }
  return out.join("\n\n") + "\n";
}

function printTable(t: TableDecl): string {
  const cols = `(${t.columns.map(typeToString).join(", ")})`;
  const body = t.dynamic
    ? "dynamic"
    : t.range
    ? `range ${printInt(t.range.lo)}..${printInt(t.range.hi)}`
    : `rows [${(t.rows ?? []).map((r) => `[${r.map(printInt).join(", ")}]`).join(", ")}]`;
  return `table @${t.name} : ${cols} = ${body}`;
}

export function printFunc(f: Func, opts: PrintOptions = {}): string {
  const p = new FuncPrinter(opts);
  p.number(f.body);
  const params = f.args
    .map((a, i) => `${p.name(a)}: ${typeToString(a.type)}${printAttrDict(f.paramAttrs[i] ?? {}, " ")}`)
    .join(", ");
  let head = `${f.kind} @${f.name}(${params})`;
  if (f.results.length) head += ` -> (${f.results.map(typeToString).join(", ")})`;
  if (Object.keys(f.attrs).length) head += ` attributes${printAttrDict(f.attrs, " ")}`;
  const lines = [head + " {"];
  // The entry block's arguments are the parameters printed above, so it never gets a label.
  f.body.blocks.forEach((b, i) => p.block(b, 1, lines, i === 0 ? "never" : "force"));
  lines.push("}");
  return lines.join("\n");
}

/** Print one op (for debugging and diagnostics); values are numbered locally. */
export function printOp(op: Op, opts: PrintOptions = {}): string {
  const p = new FuncPrinter(opts);
  const lines: string[] = [];
  p.op(op, 0, lines);
  return lines.join("\n");
}

class FuncPrinter {
  private names = new Map<Value, string>();
  private blocks = new Map<Block, string>();
  private nextBlock = 0;
  constructor(private opts: PrintOptions) {}

  /** Number values in print order first so that even ill-formed IR (forward uses) prints. */
  number(r: Region): void {
    for (const b of r.blocks) {
      for (const a of b.args) this.assign(a);
      for (const op of b.ops) {
        for (const res of op.results) this.assign(res);
        for (const sub of op.regions) this.number(sub);
      }
    }
  }
  private assign(v: Value): void {
    if (!this.names.has(v)) this.names.set(v, `%${this.names.size}`);
  }
  name(v: Value): string {
    let n = this.names.get(v);
    if (n === undefined) {
      n = `%${this.names.size}`;
      this.names.set(v, n);
    }
    return n;
  }
  private label(b: Block): string {
    let l = this.blocks.get(b);
    if (l === undefined) {
      l = `^bb${this.nextBlock++}`;
      this.blocks.set(b, l);
    }
    return l;
  }

  block(b: Block, depth: number, lines: string[], label: "never" | "auto" | "force"): void {
    if (label === "force" || (label === "auto" && b.args.length)) {
      const args = b.args.map((a) => `${this.name(a)}: ${typeToString(a.type)}`).join(", ");
      lines.push(`${"  ".repeat(Math.max(0, depth - 1))}${this.label(b)}${args ? `(${args})` : ""}:`);
    }
    for (const op of b.ops) this.op(op, depth, lines);
  }

  op(op: Op, depth: number, lines: string[]): void {
    const ind = "  ".repeat(depth);
    let s = ind;
    if (op.results.length) s += op.results.map((r) => this.name(r)).join(", ") + " = ";
    s += op.name;
    if (op.operands.length) s += " " + op.operands.map((v) => this.name(v)).join(", ");
    s += printAttrDict(op.attrs, " ");
    if (op.results.length) s += " : " + op.results.map((r) => typeToString(r.type)).join(", ");
    const loc = this.loc(op.loc);
    if (!op.regions.length) {
      lines.push(s + loc);
      return;
    }
    for (let i = 0; i < op.regions.length; i++) {
      const r = op.regions[i];
      lines.push(`${i === 0 ? s : `${ind}}`} {`);
      for (let j = 0; j < r.blocks.length; j++) this.block(r.blocks[j], depth + 1, lines, j > 0 ? "force" : "auto");
    }
    lines.push(`${ind}}${loc}`);
  }

  private loc(l: Loc | undefined): string {
    if (!l || this.opts.locs === false) return "";
    if (l.path !== undefined && l.line !== undefined && l.col !== undefined)
      return ` loc(${JSON.stringify(l.path)}:${l.line}:${l.col})`;
    const file = l.file >= 0 ? this.opts.fileOf?.(l.file) : undefined;
    if (!file) return "";
    const { line, col } = lineColOf(file, l.start);
    return ` loc(${JSON.stringify(file.path)}:${line}:${col})`;
  }
}

const DECIMAL_LIMIT = 1n << 64n;

/** Integers below 2^64 print in decimal, larger ones (field constants) in hex. */
function printInt(v: bigint): string {
  const a = v < 0n ? -v : v;
  if (a < DECIMAL_LIMIT) return v.toString();
  return (v < 0n ? "-0x" : "0x") + a.toString(16);
}

export function printAttr(a: Attr): string {
  if (typeof a === "bigint") return printInt(a);
  if (typeof a === "string") return JSON.stringify(a);
  if (typeof a === "boolean") return a ? "true" : "false";
  if (Array.isArray(a)) return `[${a.map(printAttr).join(", ")}]`;
  if (isSymRef(a as Attr)) return `@${(a as { sym: string }).sym}`;
  if (isTypeAttr(a as Attr)) return typeToString((a as { type: Type }).type);
  return JSON.stringify(String(a));
}

/** `{a = 1, b = "x"}` with keys sorted (so equal attributes always print equally), or "" when empty. */
export function printAttrDict(attrs: Attrs, lead = ""): string {
  const keys = Object.keys(attrs).sort();
  if (!keys.length) return "";
  return `${lead}{${keys.map((k) => `${k} = ${printAttr(attrs[k])}`).join(", ")}}`;
}

// =============================================================================================
// Lexer

type TokKind = "id" | "val" | "blk" | "sym" | "int" | "str" | "punct" | "eof";
interface Tok {
  kind: TokKind;
  text: string;
  start: number;
  end: number;
}

const PUNCT2 = ["->", ".."];
const PUNCT1 = "(){}[]<>,:=!-";

function isIdStart(c: string): boolean {
  return /[A-Za-z_]/.test(c);
}
function isIdChar(c: string): boolean {
  return /[A-Za-z0-9_.$]/.test(c);
}

class ParseError extends Error {
  constructor(readonly diag: Diagnostic) {
    super(diag.message);
  }
}

function lex(file: SourceFile): Tok[] {
  const s = file.text;
  const toks: Tok[] = [];
  let i = 0;
  const fail = (code: string, msg: string, start: number, end: number): never => {
    throw new ParseError(error(code, msg, { file: file.id, start, end }));
  };
  while (i < s.length) {
    const c = s[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === "/" && s[i + 1] === "/") {
      while (i < s.length && s[i] !== "\n") i++;
      continue;
    }
    const start = i;
    if (c === "%" || c === "^" || c === "@") {
      i++;
      while (i < s.length && isIdChar(s[i])) i++;
      if (i === start + 1) fail("E0901", `expected a name after '${c}'`, start, i + 1);
      toks.push({ kind: c === "%" ? "val" : c === "^" ? "blk" : "sym", text: s.slice(start + 1, i), start, end: i });
      continue;
    }
    if (/[0-9]/.test(c)) {
      if (c === "0" && (s[i + 1] === "x" || s[i + 1] === "X")) {
        i += 2;
        while (i < s.length && /[0-9a-fA-F_]/.test(s[i])) i++;
        if (i === start + 2) fail("E0901", "malformed hex integer", start, i);
      } else {
        while (i < s.length && /[0-9_]/.test(s[i])) i++;
      }
      if (i < s.length && isIdStart(s[i])) fail("E0901", "malformed integer literal", start, i + 1);
      toks.push({ kind: "int", text: s.slice(start, i).replace(/_/g, ""), start, end: i });
      continue;
    }
    if (isIdStart(c)) {
      while (i < s.length && isIdChar(s[i])) i++;
      // `0..256` style ranges never start with a letter; but `a..b` would — split identifier at "..".
      let text = s.slice(start, i);
      const dd = text.indexOf("..");
      if (dd > 0) {
        text = text.slice(0, dd);
        i = start + dd;
      }
      toks.push({ kind: "id", text, start, end: start + text.length });
      continue;
    }
    if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"' && s[i] !== "\n") i += s[i] === "\\" ? 2 : 1;
      if (i >= s.length || s[i] !== '"') fail("E0901", "unterminated string", start, Math.min(i, s.length));
      i++;
      toks.push({ kind: "str", text: s.slice(start, i), start, end: i });
      continue;
    }
    const two = s.slice(i, i + 2);
    if (PUNCT2.includes(two)) {
      toks.push({ kind: "punct", text: two, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (PUNCT1.includes(c)) {
      toks.push({ kind: "punct", text: c, start, end: i + 1 });
      i++;
      continue;
    }
    fail("E0901", `unexpected character ${JSON.stringify(c)}`, start, start + 1);
  }
  toks.push({ kind: "eof", text: "", start: s.length, end: s.length });
  return toks;
}

// =============================================================================================
// Parser

export interface ParseResult {
  module: Module;
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  /** Where `loc("path":l:c)` files are looked up so that op locations become real Spans. */
  files?: FileManager;
}

/** Parse CWIR text held in a SourceFile. Never throws: problems come back as E09xx diagnostics. */
export function parseModule(file: SourceFile, opts: ParseOptions = {}): ParseResult {
  const module = new Module();
  try {
    const p = new Parser(file, lex(file), module, opts.files);
    p.parseModule();
    return { module, diagnostics: [] };
  } catch (e) {
    if (e instanceof ParseError) return { module, diagnostics: [e.diag] };
    throw e;
  }
}

/** Convenience: parse a string (registered in `files`, or a private FileManager, under `path`). */
export function parseText(text: string, path = "<cwir>", files: FileManager = new FileManager()): ParseResult & { file: SourceFile } {
  const file = files.add(path, text);
  return { ...parseModule(file, { files }), file };
}

const INT_TYPE_RE = /^i([0-9]+)$/;

class Parser {
  private pos = 0;
  private values = new Map<string, Value>();

  constructor(
    private file: SourceFile,
    private toks: Tok[],
    private module: Module,
    private files?: FileManager,
  ) {}

  // --- token helpers ---
  private get tok(): Tok {
    return this.toks[this.pos];
  }
  private peek(k = 1): Tok {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)];
  }
  private next(): Tok {
    const t = this.toks[this.pos];
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }
  private isP(text: string): boolean {
    return this.tok.kind === "punct" && this.tok.text === text;
  }
  private isId(text: string): boolean {
    return this.tok.kind === "id" && this.tok.text === text;
  }
  private span(t: Tok): Span {
    return { file: this.file.id, start: t.start, end: Math.max(t.end, t.start + 1) };
  }
  private fail(code: string, msg: string, t: Tok = this.tok, hint?: string): never {
    throw new ParseError(error(code, msg, this.span(t), hint));
  }
  private describe(t: Tok): string {
    if (t.kind === "eof") return "end of input";
    const prefix = t.kind === "val" ? "%" : t.kind === "blk" ? "^" : t.kind === "sym" ? "@" : "";
    return `'${prefix}${t.text}'`;
  }
  private expectP(text: string, what?: string): Tok {
    if (!this.isP(text)) this.fail("E0902", `expected '${text}'${what ? ` ${what}` : ""}, found ${this.describe(this.tok)}`);
    return this.next();
  }
  private expectKind(kind: TokKind, what: string): Tok {
    if (this.tok.kind !== kind) this.fail("E0902", `expected ${what}, found ${this.describe(this.tok)}`);
    return this.next();
  }
  private int(): bigint {
    let neg = false;
    if (this.isP("-")) {
      this.next();
      neg = true;
    }
    const t = this.expectKind("int", "an integer");
    const v = BigInt(t.text);
    return neg ? -v : v;
  }
  private smallInt(what: string, max: number): number {
    const t = this.tok;
    const v = this.int();
    if (v < 0n || v > BigInt(max)) this.fail("E0905", `${what} must be between 0 and ${max}`, t);
    return Number(v);
  }

  // --- module ---
  parseModule(): void {
    while (this.tok.kind !== "eof") this.item();
  }

  private item(): void {
    const t = this.tok;
    if (t.kind !== "id") this.fail("E0902", `expected an item (field, table, ${FUNC_KINDS.join(", ")}), found ${this.describe(t)}`);
    if (t.text === "field") return this.fieldItem();
    if (t.text === "table") return this.tableItem();
    if ((FUNC_KINDS as readonly string[]).includes(t.text)) return this.funcItem();
    this.fail("E0902", `expected an item (field, table, ${FUNC_KINDS.join(", ")}), found ${this.describe(t)}`);
  }

  private symbolName(): Tok {
    const t = this.expectKind("sym", "a symbol name '@name'");
    if (this.module.has(t.text)) this.fail("E0906", `symbol @${t.text} is already defined`, t);
    return t;
  }

  private fieldItem(): void {
    this.next();
    const name = this.symbolName();
    this.expectP("=");
    const mt = this.tok;
    const modulus = this.int();
    if (modulus < 2n) this.fail("E0905", "a field modulus must be at least 2", mt);
    this.module.addField(name.text, modulus);
  }

  private tableItem(): void {
    this.next();
    const name = this.symbolName();
    this.expectP(":");
    this.expectP("(");
    const columns: Type[] = [];
    if (!this.isP(")")) {
      columns.push(this.type());
      while (this.isP(",")) {
        this.next();
        columns.push(this.type());
      }
    }
    this.expectP(")");
    this.expectP("=");
    const decl: TableDecl = { name: name.text, columns };
    if (this.isId("range")) {
      this.next();
      const lo = this.int();
      this.expectP("..");
      const hi = this.int();
      decl.range = { lo, hi };
    } else if (this.isId("rows")) {
      this.next();
      this.expectP("[");
      const rows: bigint[][] = [];
      while (!this.isP("]")) {
        const rt = this.tok;
        this.expectP("[");
        const row: bigint[] = [];
        if (!this.isP("]")) {
          row.push(this.int());
          while (this.isP(",")) {
            this.next();
            row.push(this.int());
          }
        }
        this.expectP("]");
        if (row.length !== columns.length)
          this.fail("E0907", `table row has ${row.length} entries but the table has ${columns.length} columns`, rt);
        rows.push(row);
        if (!this.isP(",")) break;
        this.next();
      }
      this.expectP("]");
      decl.rows = rows;
    } else if (this.isId("dynamic")) {
      this.next();
      decl.dynamic = true;
    } else {
      this.fail("E0902", `expected 'range', 'rows' or 'dynamic', found ${this.describe(this.tok)}`);
    }
    this.module.addTable(decl);
  }

  private funcItem(): void {
    const kind = this.next().text as FuncKind;
    const name = this.symbolName();
    this.values = new Map();
    const f = new Func(kind, name.text, [], []);
    this.expectP("(");
    if (!this.isP(")")) {
      for (;;) {
        const vt = this.expectKind("val", "a parameter '%name'");
        this.expectP(":");
        const type = this.type();
        const attrs = this.isP("{") ? this.attrDict() : {};
        this.define(vt, f.addParam(type, attrs));
        if (!this.isP(",")) break;
        this.next();
      }
    }
    this.expectP(")");
    if (this.isP("->")) {
      this.next();
      this.expectP("(");
      if (!this.isP(")")) f.results.push(...this.typeList());
      this.expectP(")");
    }
    if (this.isId("attributes")) {
      this.next();
      f.attrs = this.attrDict();
    }
    this.expectP("{", "to open the body");
    this.blocks(f.body, f.body.entry);
    this.expectP("}", "to close the body");
    this.module.addFunc(f);
  }

  private define(t: Tok, v: Value): void {
    if (this.values.has(t.text)) this.fail("E0904", `value %${t.text} is defined twice`, t, "SSA values are defined once per item");
    this.values.set(t.text, v);
  }

  /**
   * Blocks of a region up to (not including) the closing '}'. `entry` is a func body's entry block
   * (its arguments are the parameters, so it has no label); in op regions the first label is optional.
   */
  private blocks(region: Region, entry?: Block): void {
    let block = entry;
    while (!this.isP("}") && this.tok.kind !== "eof") {
      if (this.tok.kind === "blk") {
        this.next();
        block = region.addBlock(new Block());
        if (this.isP("(")) {
          this.next();
          if (!this.isP(")")) {
            for (;;) {
              const vt = this.expectKind("val", "a block argument '%name'");
              this.expectP(":");
              this.define(vt, block.addArg(this.type()));
              if (!this.isP(",")) break;
              this.next();
            }
          }
          this.expectP(")");
        }
        this.expectP(":", "after the block label");
        continue;
      }
      if (!block) block = region.addBlock(new Block());
      block.append(this.op());
    }
  }

  private op(): Op {
    const resultToks: Tok[] = [];
    if (this.tok.kind === "val") {
      resultToks.push(this.next());
      while (this.isP(",")) {
        this.next();
        resultToks.push(this.expectKind("val", "a result name '%name'"));
      }
      this.expectP("=");
    }
    const nameTok = this.tok;
    if (nameTok.kind !== "id" || !nameTok.text.includes(".") || nameTok.text.startsWith(".") || nameTok.text.endsWith("."))
      this.fail("E0902", `expected an op name 'dialect.op', found ${this.describe(nameTok)}`);
    this.next();
    const operands: Value[] = [];
    if (this.tok.kind === "val" && !this.atResultList()) {
      operands.push(this.use());
      while (this.isP(",")) {
        this.next();
        operands.push(this.use());
      }
    }
    let attrs: Attrs = {};
    if (this.isP("{") && this.atAttrDict()) attrs = this.attrDict();
    const types: Type[] = [];
    if (this.isP(":")) {
      this.next();
      types.push(...this.typeList());
    }
    if (types.length !== resultToks.length)
      this.fail(
        "E0907",
        `${nameTok.text} names ${resultToks.length} result(s) but lists ${types.length} result type(s)`,
        nameTok,
        "write the result types after ':'",
      );
    const regions: Region[] = [];
    while (this.isP("{")) {
      this.next();
      const r = new Region();
      this.blocks(r);
      this.expectP("}", "to close the region");
      regions.push(r);
    }
    const loc = this.isId("loc") ? this.loc() : undefined;
    const op = new Op(nameTok.text, operands, types, attrs, regions, loc);
    resultToks.forEach((t, i) => this.define(t, op.results[i]));
    return op;
  }

  /** At `%a, %b =`: the results of the next op, not operands of the current one (`k.barrier` then `%5 = ...`). */
  private atResultList(): boolean {
    let k = 0;
    for (;;) {
      if (this.peek(k).kind !== "val") return false;
      const sep = this.peek(k + 1);
      if (sep.kind === "punct" && sep.text === "=") return true;
      if (!(sep.kind === "punct" && sep.text === ",")) return false;
      k += 2;
    }
  }

  /** After '{': an attribute dictionary starts with `key =`; anything else is a region. */
  private atAttrDict(): boolean {
    const a = this.peek(1);
    const b = this.peek(2);
    return a.kind === "id" && !a.text.includes(".") && b.kind === "punct" && b.text === "=";
  }

  private use(): Value {
    const t = this.expectKind("val", "a value '%name'");
    const v = this.values.get(t.text);
    if (!v) this.fail("E0903", `use of undefined value %${t.text}`, t, "values must be defined before they are used");
    return v;
  }

  private loc(): Loc {
    this.next();
    this.expectP("(");
    const pt = this.expectKind("str", "a file path string");
    const path = this.str(pt);
    this.expectP(":");
    const line = this.smallInt("line", 1e9);
    this.expectP(":");
    const col = this.smallInt("column", 1e9);
    this.expectP(")");
    const src = this.files ? (this.files.lookup(path) ?? this.files.load(path)) : undefined;
    if (src) {
      const start = offsetOf(src, { line, col });
      return { file: src.id, start, end: Math.min(src.text.length, start + 1), path, line, col };
    }
    return { file: -1, start: 0, end: 0, path, line, col };
  }

  private str(t: Tok): string {
    try {
      const v: unknown = JSON.parse(t.text);
      if (typeof v === "string") return v;
    } catch {
      // fall through to the diagnostic
    }
    return this.fail("E0901", "malformed string literal", t);
  }

  private attrDict(): Attrs {
    this.expectP("{");
    const attrs: Attrs = {};
    if (!this.isP("}")) {
      for (;;) {
        const k = this.expectKind("id", "an attribute name");
        if (Object.hasOwn(attrs, k.text)) this.fail("E0904", `attribute '${k.text}' is given twice`, k);
        this.expectP("=");
        attrs[k.text] = this.attr();
        if (!this.isP(",")) break;
        this.next();
      }
    }
    this.expectP("}", "to close the attributes");
    return attrs;
  }

  private attr(): Attr {
    const t = this.tok;
    if (t.kind === "int" || this.isP("-")) return this.int();
    if (t.kind === "str") {
      this.next();
      return this.str(t);
    }
    if (t.kind === "sym") {
      this.next();
      return { sym: t.text };
    }
    if (this.isP("[")) {
      this.next();
      const xs: Attr[] = [];
      if (!this.isP("]")) {
        xs.push(this.attr());
        while (this.isP(",")) {
          this.next();
          xs.push(this.attr());
        }
      }
      this.expectP("]");
      return xs;
    }
    if (this.isId("true") || this.isId("false")) return this.next().text === "true";
    if (this.isP("!") || (t.kind === "id" && INT_TYPE_RE.test(t.text))) return { type: this.type() };
    return this.fail("E0902", `expected an attribute value, found ${this.describe(t)}`);
  }

  private typeList(): Type[] {
    const ts = [this.type()];
    while (this.isP(",")) {
      this.next();
      ts.push(this.type());
    }
    return ts;
  }

  private type(): Type {
    const t = this.tok;
    if (t.kind === "id") {
      const m = INT_TYPE_RE.exec(t.text);
      if (m) {
        const w = Number(m[1]);
        if (w < 1 || w > MAX_INT_WIDTH) this.fail("E0905", `integer width must be between 1 and ${MAX_INT_WIDTH}`, t);
        this.next();
        return T.int(w);
      }
      this.fail("E0905", `unknown type '${t.text}'`, t, "types: !f<field>, i1..i256, !array<T, N>, !tuple<...>, !mem<T>, !sint<field>, !sfix<field, f>, !fix<field, f>");
    }
    if (!this.isP("!")) this.fail("E0905", `expected a type, found ${this.describe(t)}`);
    this.next();
    const kt = this.expectKind("id", "a type name after '!'");
    this.expectP("<");
    let ty: Type;
    switch (kt.text) {
      case "f":
        ty = T.field(this.fieldName());
        break;
      case "sint":
        ty = T.sint(this.fieldName());
        break;
      case "sfix":
      case "fix": {
        const field = this.fieldName();
        this.expectP(",");
        const frac = this.smallInt("fractional bits", 1024);
        ty = kt.text === "sfix" ? T.sfix(field, frac) : T.fix(field, frac);
        break;
      }
      case "array": {
        const elem = this.type();
        this.expectP(",");
        ty = T.array(elem, this.smallInt("array length", 2 ** 32));
        break;
      }
      case "mem":
        ty = T.mem(this.type());
        break;
      case "tuple": {
        const elems = this.isP(">") ? [] : this.typeList();
        ty = T.tuple(elems);
        break;
      }
      default:
        return this.fail("E0905", `unknown type '!${kt.text}'`, kt);
    }
    this.expectP(">", "to close the type");
    return ty;
  }

  private fieldName(): string {
    return this.expectKind("id", "a field name").text;
  }
}

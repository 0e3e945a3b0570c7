// CWIR — ChainWeave's region-based SSA IR. Every backend starts from it, so this file is the contract.
//
// Usage (lowering side; see builder.ts and spec/ir.md for every op):
//
//   import { Module, Builder, T } from "../ir/index.ts";
//   const m = new Module();
//   m.addField("bn254_fr", 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n);
//   const F = T.field("bn254_fr");
//   const b = new Builder(m);
//   const fn = b.func("circuit", "Square", [{ type: F, vis: "pub", name: "y" }, { type: F, vis: "priv", name: "x" }]);
//   const [y, x] = fn.args;               // entry-block arguments = parameters; insertion point is fn's body
//   b.loc = someSpan;                     // every op created from now on carries this source Span
//   const xx = b.f.mul(x, x);
//   b.c.assertEq(xx, y, "y must be x^2");
//   const [acc] = b.cf.for(0, 8, [xx], (i, [a]) => [b.f.add(a, b.i.toF(i, F))]);
//   const [r] = b.cf.if(b.f.eq(acc, y), [F], () => [acc], () => [y]);
//   b.cf.return([]);                      // every item body ends with cf.return (values = declared results)
//
//   printModule(m, { fileOf }) / parseText(text, path, fm)  text form (text.ts), exact round trip
//   verifyModule(m): Diagnostic[]                           verifier (verify.ts), never throws
//   runPipeline(m, "inline,unroll,const-fold", { verifyEach: true })   compiler/passes
//   run(m, { inputs: { x: "3" } })                          interpreter (compiler/interp): witness, outputs
//
// Other dialect helpers: b.i (signless ints), b.c (constraints), b.cf (for/if/while/call/return),
// b.array / b.tuple (SSA aggregates), b.mem (buffers), b.mpc, b.k (kernels); b.op(name, ...)
// builds any registered op generically.
//
// Conventions (documented in spec/ir.md):
// - Integers are signless `i<N>` (1 ≤ N ≤ 256; i1 is the boolean). Signedness lives in the op
//   (`i.divu`/`i.divs`, `i.cmp {pred = "ult"}` vs `"slt"`), as in MLIR/LLVM: one type per width keeps
//   the type system small and the kernel backends (u32 everywhere) simple.
// - Arrays are SSA values (`!array<T, N>`, `array.make/get/set`) in circuits and protocols: they are
//   wires, not memory, and copy semantics keep dominance and CSE trivial. Mutable memory exists only as
//   `!mem<T>` buffers (`mem.alloc/load/store/len`), used by kernels, programs and hints.
// - Regions hold exactly one block (structured control flow only: cf.for / cf.if / cf.while); Block
//   keeps an args list so loop induction variables and loop-carried values are block arguments.
// - Op locations are Spans from base/diagnostics; a Loc parsed from text also carries path/line/col
//   so it prints back identically even when the source file is not available.
import type { Span } from "../../base/diagnostics/index.ts";

// ---------------------------------------------------------------------------------------------
// Types

export type Type =
  | { readonly kind: "field"; readonly field: string }
  | { readonly kind: "int"; readonly width: number }
  | { readonly kind: "array"; readonly elem: Type; readonly len: number }
  | { readonly kind: "tuple"; readonly elems: readonly Type[] }
  | { readonly kind: "mem"; readonly elem: Type }
  | { readonly kind: "sint"; readonly field: string }
  | { readonly kind: "sfix"; readonly field: string; readonly frac: number }
  | { readonly kind: "fix"; readonly field: string; readonly frac: number };

/** Type constructors. */
export const T = {
  field: (field: string): Type => ({ kind: "field", field }),
  int: (width: number): Type => ({ kind: "int", width }),
  i1: { kind: "int", width: 1 } as Type,
  i8: { kind: "int", width: 8 } as Type,
  i16: { kind: "int", width: 16 } as Type,
  i32: { kind: "int", width: 32 } as Type,
  i64: { kind: "int", width: 64 } as Type,
  array: (elem: Type, len: number): Type => ({ kind: "array", elem, len }),
  tuple: (elems: readonly Type[]): Type => ({ kind: "tuple", elems }),
  mem: (elem: Type): Type => ({ kind: "mem", elem }),
  sint: (field: string): Type => ({ kind: "sint", field }),
  sfix: (field: string, frac: number): Type => ({ kind: "sfix", field, frac }),
  fix: (field: string, frac: number): Type => ({ kind: "fix", field, frac }),
};

/** Widest integer type `i256` (enough for 256-bit limbs and field-sized scalars). */
export const MAX_INT_WIDTH = 256;

/** Induction variables, indices, lengths and kernel ids are i32 (the kernels' u32). */
export const INDEX_TYPE: Type = T.i32;

export function typeToString(t: Type): string {
  switch (t.kind) {
    case "field":
      return `!f<${t.field}>`;
    case "int":
      return `i${t.width}`;
    case "array":
      return `!array<${typeToString(t.elem)}, ${t.len}>`;
    case "tuple":
      return `!tuple<${t.elems.map(typeToString).join(", ")}>`;
    case "mem":
      return `!mem<${typeToString(t.elem)}>`;
    case "sint":
      return `!sint<${t.field}>`;
    case "sfix":
      return `!sfix<${t.field}, ${t.frac}>`;
    case "fix":
      return `!fix<${t.field}, ${t.frac}>`;
  }
}

export function typeEq(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "field":
    case "sint":
      return a.field === (b as typeof a).field;
    case "int":
      return a.width === (b as typeof a).width;
    case "array":
      return a.len === (b as typeof a).len && typeEq(a.elem, (b as typeof a).elem);
    case "tuple": {
      const bb = b as typeof a;
      return a.elems.length === bb.elems.length && a.elems.every((t, i) => typeEq(t, bb.elems[i]));
    }
    case "mem":
      return typeEq(a.elem, (b as typeof a).elem);
    case "sfix":
    case "fix":
      return a.field === (b as typeof a).field && a.frac === (b as typeof a).frac;
  }
}

export function isField(t: Type): t is Extract<Type, { kind: "field" }> {
  return t.kind === "field";
}
export function isInt(t: Type, width?: number): t is Extract<Type, { kind: "int" }> {
  return t.kind === "int" && (width === undefined || t.width === width);
}
export function isSecret(t: Type): boolean {
  return t.kind === "sint" || t.kind === "sfix";
}
/** The prime field a scalar type lives in (field, sint, sfix, fix), if any. */
export function fieldOf(t: Type): string | undefined {
  return t.kind === "field" || t.kind === "sint" || t.kind === "sfix" || t.kind === "fix" ? t.field : undefined;
}

// ---------------------------------------------------------------------------------------------
// Attributes

/** A reference to a module-level symbol (func, table, field), printed `@name`. */
export interface SymRef {
  readonly sym: string;
}
export interface TypeAttr {
  readonly type: Type;
}
/** Integers are always bigint (field constants exceed 2^53); strings print quoted. */
export type Attr = bigint | string | boolean | SymRef | TypeAttr | readonly Attr[];
export type Attrs = Record<string, Attr>;

export const sym = (name: string): SymRef => ({ sym: name });
export function isSymRef(a: Attr | undefined): a is SymRef {
  return typeof a === "object" && a !== null && !Array.isArray(a) && "sym" in a;
}
export function isTypeAttr(a: Attr | undefined): a is TypeAttr {
  return typeof a === "object" && a !== null && !Array.isArray(a) && "type" in a;
}

// ---------------------------------------------------------------------------------------------
// Locations

/** A source Span, plus (when it came from IR text) the printed path/line/col it was parsed from. */
export interface Loc extends Span {
  path?: string;
  line?: number;
  col?: number;
}

// ---------------------------------------------------------------------------------------------
// Values, ops, blocks, regions

let nextValueId = 0;

/** An SSA value: either an op result or a block argument. `id` is unique per process (for maps). */
export class Value {
  readonly id = nextValueId++;
  constructor(
    public type: Type,
    /** Defining op (result) or owning block (argument). */
    public owner: Op | Block,
    public index: number,
    /** Optional readable name hint (parameter names); not part of semantics. */
    public name?: string,
  ) {}
  get definingOp(): Op | undefined {
    return this.owner instanceof Op ? this.owner : undefined;
  }
  get isBlockArg(): boolean {
    return this.owner instanceof Block;
  }
}

export class Op {
  readonly results: Value[];
  parent?: Block;
  constructor(
    public name: string,
    public operands: Value[],
    resultTypes: readonly Type[],
    public attrs: Attrs = {},
    public regions: Region[] = [],
    public loc?: Loc,
  ) {
    this.results = resultTypes.map((t, i) => new Value(t, this, i));
    for (const r of regions) r.parent = this;
  }
  get dialect(): string {
    const dot = this.name.indexOf(".");
    return dot < 0 ? "" : this.name.slice(0, dot);
  }
  get result(): Value {
    if (this.results.length !== 1) throw new Error(`${this.name} has ${this.results.length} results, not 1`);
    return this.results[0];
  }
  /** Integer attribute as a number (bounds, widths, indices); undefined when absent or not an integer. */
  intAttr(key: string): number | undefined {
    const a = this.attrs[key];
    return typeof a === "bigint" ? Number(a) : undefined;
  }
  bigAttr(key: string): bigint | undefined {
    const a = this.attrs[key];
    return typeof a === "bigint" ? a : undefined;
  }
  strAttr(key: string): string | undefined {
    const a = this.attrs[key];
    return typeof a === "string" ? a : undefined;
  }
  symAttr(key: string): string | undefined {
    const a = this.attrs[key];
    return isSymRef(a) ? a.sym : undefined;
  }
  addRegion(r: Region): Region {
    r.parent = this;
    this.regions.push(r);
    return r;
  }
  /** Detach from the parent block. */
  erase(): void {
    this.parent?.remove(this);
  }
  /** The enclosing item (func/circuit/...) if this op is attached. */
  get func(): Func | undefined {
    return this.parent?.parent?.func;
  }
}

export class Block {
  readonly args: Value[] = [];
  readonly ops: Op[] = [];
  parent?: Region;
  constructor(argTypes: readonly Type[] = []) {
    for (const t of argTypes) this.addArg(t);
  }
  addArg(t: Type, name?: string): Value {
    const v = new Value(t, this, this.args.length, name);
    this.args.push(v);
    return v;
  }
  append(op: Op): Op {
    op.parent = this;
    this.ops.push(op);
    return op;
  }
  insert(index: number, op: Op): Op {
    op.parent = this;
    this.ops.splice(index, 0, op);
    return op;
  }
  insertBefore(anchor: Op, op: Op): Op {
    const i = this.ops.indexOf(anchor);
    if (i < 0) throw new Error("insertBefore: anchor not in block");
    return this.insert(i, op);
  }
  /** Replace all ops at once (O(n); passes rebuild blocks instead of splicing op by op). */
  setOps(ops: readonly Op[]): void {
    this.ops.length = 0;
    for (const op of ops) {
      op.parent = this;
      this.ops.push(op);
    }
  }
  remove(op: Op): void {
    const i = this.ops.indexOf(op);
    if (i >= 0) this.ops.splice(i, 1);
    if (op.parent === this) op.parent = undefined;
  }
  /** The terminator (cf.yield / cf.return / cf.condition / cf.br / cf.br_table / cf.trap) if the last op is one. */
  get terminator(): Op | undefined {
    const last = this.ops[this.ops.length - 1];
    return last && TERMINATORS.has(last.name) ? last : undefined;
  }
}

export const TERMINATORS = new Set(["cf.yield", "cf.return", "cf.condition", "cf.br", "cf.br_table", "cf.trap"]);

export class Region {
  readonly blocks: Block[] = [];
  /** The op owning this region, or undefined for a Func body (see `func`). */
  parent?: Op;
  /** Set on a Func's body region. */
  owner?: Func;
  constructor(blocks: Block[] = []) {
    for (const b of blocks) this.addBlock(b);
  }
  addBlock(b: Block): Block {
    b.parent = this;
    this.blocks.push(b);
    return b;
  }
  /** The (single) block of a structured region. */
  get entry(): Block {
    if (this.blocks.length === 0) this.addBlock(new Block());
    return this.blocks[0];
  }
  get func(): Func | undefined {
    if (this.owner) return this.owner;
    return this.parent?.func;
  }
}

// ---------------------------------------------------------------------------------------------
// Module items

export type FuncKind = "circuit" | "fn" | "hint" | "program" | "protocol" | "kernel" | "spec";
export const FUNC_KINDS: readonly FuncKind[] = ["circuit", "fn", "hint", "program", "protocol", "kernel", "spec"];

/**
 * Parameter attributes. `vis`: circuits use "pub" (instance column) / "priv" (advice); protocols use
 * "secret" / "public"; `party` names the MPC party that supplies a secret input; kernels mark buffers
 * they write with `access = "read_write"` (default "read").
 */
export interface ParamInfo {
  type: Type;
  name?: string;
  vis?: "pub" | "priv" | "secret" | "public";
  party?: number;
  attrs?: Attrs;
}

/** A func-like item: its body's entry-block arguments are its parameters. */
export class Func {
  readonly body: Region;
  /** Item attributes, e.g. `workgroup = [256, 1, 1]` on kernels. */
  attrs: Attrs;
  /** Per-parameter attributes (vis, party, access, ...), parallel to `args`. */
  paramAttrs: Attrs[];
  constructor(
    public kind: FuncKind,
    public name: string,
    params: readonly ParamInfo[],
    public results: Type[],
    attrs: Attrs = {},
  ) {
    this.attrs = attrs;
    this.body = new Region();
    this.body.owner = this;
    const entry = this.body.entry;
    this.paramAttrs = params.map((p) => {
      entry.addArg(p.type, p.name);
      const a: Attrs = { ...(p.attrs ?? {}) };
      if (p.vis !== undefined) a.vis = p.vis;
      if (p.party !== undefined) a.party = BigInt(p.party);
      if (p.name !== undefined) a.name = p.name;
      return a;
    });
  }
  get args(): Value[] {
    return this.body.entry.args;
  }
  get paramTypes(): Type[] {
    return this.args.map((a) => a.type);
  }
  /** Add a parameter (parsers and passes); keeps paramAttrs in step. */
  addParam(t: Type, attrs: Attrs = {}): Value {
    this.paramAttrs.push(attrs);
    return this.body.entry.addArg(t, typeof attrs.name === "string" ? attrs.name : undefined);
  }
  /** Visibility of parameter i ("pub", "priv", "secret", "public") if set. */
  vis(i: number): string | undefined {
    const v = this.paramAttrs[i]?.vis;
    return typeof v === "string" ? v : undefined;
  }
}

/** `field @name = modulus`: a prime field that `!f<name>` (and sint/sfix/fix) refer to. */
export interface FieldDecl {
  name: string;
  modulus: bigint;
}

/**
 * `table @name : (T1, ..., Tk) = ...`: a lookup table of k columns. Either a contiguous range of one
 * column (`range lo..hi`, e.g. range8 = 0..256), explicit rows, or `dynamic`: field columns whose rows
 * are the tuples every `c.table_push` of the circuit adds while it runs (known only at proving time).
 */
export interface TableDecl {
  name: string;
  columns: Type[];
  range?: { lo: bigint; hi: bigint };
  rows?: bigint[][];
  dynamic?: boolean;
}

export type Item = { kind: "field"; decl: FieldDecl } | { kind: "table"; decl: TableDecl } | { kind: "func"; decl: Func };

/** A CWIR module: ordered items with unique symbol names. */
export class Module {
  readonly items: Item[] = [];
  private symbols = new Map<string, Item>();

  addField(name: string, modulus: bigint): FieldDecl {
    const decl = { name, modulus };
    this.addItem({ kind: "field", decl });
    return decl;
  }
  addTable(decl: TableDecl): TableDecl {
    this.addItem({ kind: "table", decl });
    return decl;
  }
  addFunc(f: Func): Func {
    this.addItem({ kind: "func", decl: f });
    return f;
  }
  private addItem(item: Item): void {
    const name = item.decl.name;
    if (this.symbols.has(name)) throw new Error(`duplicate symbol @${name}`);
    this.symbols.set(name, item);
    this.items.push(item);
  }
  has(name: string): boolean {
    return this.symbols.has(name);
  }
  removeItem(name: string): void {
    const item = this.symbols.get(name);
    if (!item) return;
    this.symbols.delete(name);
    this.items.splice(this.items.indexOf(item), 1);
  }
  field(name: string): FieldDecl | undefined {
    const it = this.symbols.get(name);
    return it?.kind === "field" ? it.decl : undefined;
  }
  table(name: string): TableDecl | undefined {
    const it = this.symbols.get(name);
    return it?.kind === "table" ? it.decl : undefined;
  }
  func(name: string): Func | undefined {
    const it = this.symbols.get(name);
    return it?.kind === "func" ? it.decl : undefined;
  }
  get fields(): FieldDecl[] {
    return this.items.flatMap((i) => (i.kind === "field" ? [i.decl] : []));
  }
  get tables(): TableDecl[] {
    return this.items.flatMap((i) => (i.kind === "table" ? [i.decl] : []));
  }
  get funcs(): Func[] {
    return this.items.flatMap((i) => (i.kind === "func" ? [i.decl] : []));
  }
  /** Modulus of a field by name; throws for an undeclared field (the verifier reports it first). */
  modulus(field: string): bigint {
    const f = this.field(field);
    if (!f) throw new Error(`undeclared field @${field}`);
    return f.modulus;
  }
}

// ---------------------------------------------------------------------------------------------
// Walking

/** Pre-order walk of every op in a region (nested regions included). Safe against erasing `op` itself. */
export function walkRegion(region: Region, fn: (op: Op) => void): void {
  for (const block of region.blocks) {
    for (const op of [...block.ops]) {
      fn(op);
      for (const r of op.regions) walkRegion(r, fn);
    }
  }
}

export function walkFunc(f: Func, fn: (op: Op) => void): void {
  walkRegion(f.body, fn);
}

export function walkModule(m: Module, fn: (op: Op, f: Func) => void): void {
  for (const f of m.funcs) walkFunc(f, (op) => fn(op, f));
}

/** Replace every use of `from` by `to` inside `region` (and its nested regions). */
export function replaceAllUses(region: Region, from: Value, to: Value): void {
  walkRegion(region, (op) => {
    for (let i = 0; i < op.operands.length; i++) if (op.operands[i] === from) op.operands[i] = to;
  });
}

/** Replace uses of several values at once (one walk). */
export function replaceUses(region: Region, map: Map<Value, Value>): void {
  if (map.size === 0) return;
  walkRegion(region, (op) => {
    for (let i = 0; i < op.operands.length; i++) {
      const to = map.get(op.operands[i]);
      if (to) op.operands[i] = to;
    }
  });
}

/** Count uses of every value in a region. */
export function useCounts(region: Region): Map<Value, number> {
  const counts = new Map<Value, number>();
  walkRegion(region, (op) => {
    for (const v of op.operands) counts.set(v, (counts.get(v) ?? 0) + 1);
  });
  return counts;
}

/**
 * Deep-copy an op (and its regions) with operands remapped through `map`; results and block
 * arguments of the copy are added to `map`, so a sequence of clones keeps SSA links.
 */
export function cloneOp(op: Op, map: Map<Value, Value>): Op {
  const regions = op.regions.map((r) => cloneRegion(r, map));
  const c = new Op(
    op.name,
    op.operands.map((v) => map.get(v) ?? v),
    op.results.map((r) => r.type),
    { ...op.attrs },
    regions,
    op.loc,
  );
  op.results.forEach((r, i) => map.set(r, c.results[i]));
  return c;
}

export function cloneRegion(r: Region, map: Map<Value, Value>): Region {
  const out = new Region();
  for (const b of r.blocks) {
    const nb = new Block();
    for (const a of b.args) map.set(a, nb.addArg(a.type, a.name));
    out.addBlock(nb);
    for (const op of b.ops) nb.append(cloneOp(op, map));
  }
  return out;
}

// The type checker. Generic items are checked per instantiation (like templates): an entry item
// generic over `F: Field` is instantiated with the field chosen by `--field`, a call instantiates its
// callee with the argument types. Each Instance records what lowering needs: the type of every
// expression, what every path resolves to, call targets, loop bounds and table contents.
import type { Diagnostic, Span } from "../../base/diagnostics/index.ts";
import type {
  Block,
  CallExpr,
  CircuitItem,
  ConstItem,
  Expr,
  FieldDecl,
  FieldItem,
  FnItem,
  GenericArg,
  GenericParam,
  Item,
  KernelItem,
  LookupStmt,
  PushStmt,
  MethodCallExpr,
  Param,
  PathExpr,
  Pattern,
  ProgramItem,
  ProtocolItem,
  Stmt,
  StructItem,
  StructLit,
  TableItem,
  Type as AstType,
  TypeAliasItem,
} from "../syntax/index.ts";
import { walk } from "../syntax/index.ts";
import { ConstEvalError, type CV, evalConst } from "./consteval.ts";
import { fieldInfo, isProbablePrime } from "./fields.ts";
import { MAX_DYNAMIC_COLUMNS } from "../ir/index.ts";
import { type Entry, type ModScope, type ModuleLoader, suggestHint } from "./scope.ts";
import type { SymbolInfo, SymbolTable } from "./symbols.ts";
import {
  BOOL,
  ERR,
  FIX_FRAC,
  type FieldInfo,
  INT_TYPES,
  LIT,
  STR,
  type StructInfo,
  type Ty,
  U32,
  UNIT,
  containsSecret,
  intRange,
  isSecretTy,
  scalarOf,
  tyEq,
  tyToString,
} from "./types.ts";

export type FnLike = FnItem | CircuitItem | ProgramItem | ProtocolItem | KernelItem;
/** Where code runs: decides which statements and operators are allowed (E04xx). */
export type CtxKind = "circuit" | "fn" | "hint" | "program" | "protocol" | "kernel";

export interface Local {
  id: number;
  name: string;
  ty: Ty;
  mutable: boolean;
  sym: SymbolInfo;
  /** Value when the local is immutable and initialised with a constant. */
  cv?: CV;
  /** Set while the type still holds an unfixed integer literal (`let mut acc = 0;`): the first typed use fixes it. */
  pending?: { init?: Expr; uses: Expr[] };
}

export type Resolution =
  | { k: "local"; local: Local }
  | { k: "const"; value: CV; ty: Ty }
  | { k: "fn"; inst: Instance };

export type CallTarget =
  | { k: "fn"; inst: Instance }
  | { k: "builtin"; name: "global_id" | "local_id" | "workgroup_id" | "num_workgroups" | "barrier"; dim: number }
  | { k: "to_bits"; bits: number }
  | { k: "from_bits"; ty: Ty }
  | { k: "len" }
  | { k: "inv" };

export interface TableInfo {
  name: string;
  irName: string;
  columns: Ty[];
  range?: { lo: bigint; hi: bigint };
  rows?: bigint[][];
  /** `= dynamic`: no contents; rows come from `push` statements when the circuit runs. */
  dynamic?: boolean;
}


export interface Subst {
  types: Map<string, Ty>;
  /** undefined value: an uninstantiated const generic (only while checking unreachable generic code). */
  consts: Map<string, CV | undefined>;
}

export class Instance {
  readonly types = new Map<Expr, Ty>();
  readonly res = new Map<Expr, Resolution>();
  readonly locals = new Map<Pattern | Param, Local>();
  readonly calls = new Map<Expr, CallTarget>();
  readonly structs = new Map<StructLit, StructInfo>();
  /** Constant values the lowering needs: loop bounds, exponents, const indices, array lengths. */
  readonly consts = new Map<Expr, CV>();
  readonly lookups = new Map<LookupStmt, TableInfo>();
  readonly pushes = new Map<PushStmt, TableInfo>();
  readonly callees = new Set<Instance>();
  params: { name: string; ty: Ty; param: Param }[] = [];
  ret: Ty = UNIT;
  /** False for instances checked with unknown const generics: they are never lowered. */
  concrete = true;
  constructor(
    readonly item: FnLike,
    readonly module: ModScope,
    readonly subst: Subst,
    readonly ctx: CtxKind,
    readonly key: string,
    public irName: string,
  ) {}
  typeOf(e: Expr): Ty {
    return this.types.get(e) ?? ERR;
  }
}

class UnknownConst extends Error {}

const BUILTIN_FNS = ["global_id", "local_id", "workgroup_id", "num_workgroups", "barrier"] as const;
const BUILTIN_TYPES = ["u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "bool", "Field", "Bytes", "sint", "sfix", "fix"];

let itemIds = new WeakMap<object, number>();
let nextItemId = 0;
function itemId(it: object): number {
  let id = itemIds.get(it);
  if (id === undefined) itemIds.set(it, (id = nextItemId++));
  return id;
}

export class Checker {
  readonly instances: Instance[] = [];
  private byKey = new Map<string, Instance>();
  private queue: Instance[] = [];
  private usedIrNames = new Set<string>();
  private consts = new Map<ConstItem, { ty: Ty; value?: CV } | "busy">();
  private fields = new Map<FieldItem, FieldInfo | undefined>();
  private structs = new Map<string, StructInfo>();
  readonly tables = new Map<TableItem, TableInfo | undefined>();
  readonly fieldsUsed = new Map<string, FieldInfo>();
  /** Calls made under a run-time `if` condition: a callee that pushes rows there is an error (E0413). */
  readonly conditionalCalls: { inst: Instance; span: Span }[] = [];
  private seenDiag = new Set<string>();

  constructor(
    readonly loader: ModuleLoader,
    readonly syms: SymbolTable,
    readonly defaultField: FieldInfo,
    readonly diags: Diagnostic[],
  ) {}

  /** Spans of syntax errors (from the parser): a construct the parser dropped must not look like a semantic error. */
  syntaxErrors: Span[] = [];
  syntaxErrorIn(span: Span): boolean {
    return this.syntaxErrors.some((e) => e.file === span.file && e.start >= span.start && e.start <= span.end);
  }

  err(code: string, message: string, span: Span | undefined, hint?: string): void {
    // One report per code and place (a constant out of range is found by both the checker and the evaluator).
    const key = `${code}:${span?.file}:${span?.start}:${span?.end}`;
    if (this.seenDiag.has(key)) return;
    this.seenDiag.add(key);
    this.diags.push({ severity: "error", code, message, span, hint });
  }

  useField(f: FieldInfo): FieldInfo {
    if (!this.fieldsUsed.has(f.ir)) this.fieldsUsed.set(f.ir, f);
    return f;
  }

  // --- items -------------------------------------------------------------------------------------

  fieldOf(item: FieldItem, m: ModScope): FieldInfo | undefined {
    if (this.fields.has(item)) return this.fields.get(item);
    this.fields.set(item, undefined);
    let info: FieldInfo | undefined;
    try {
      const v = evalConst(item.modulus, this.constEnv(m, emptySubst()));
      if (typeof v !== "bigint") this.err("E0217", "a field modulus must be an integer", item.modulus.span);
      else if (v < 2n) this.err("E0217", `field modulus ${v} is not a prime`, item.modulus.span);
      else if (!isProbablePrime(v))
        this.err("E0217", `field modulus 0x${v.toString(16)} is not a prime`, item.modulus.span, "check the constant; a prime field needs a prime modulus");
      else info = fieldInfo(item.name.name, v);
    } catch (e) {
      this.constFail(e);
    }
    this.fields.set(item, info);
    return info;
  }

  private constFail(e: unknown): void {
    if (e instanceof ConstEvalError) this.err(e.code, e.message, e.span, e.hint);
    else if (!(e instanceof UnknownConst)) throw e;
  }

  constOf(item: ConstItem, m: ModScope): { ty: Ty; value?: CV } {
    const c = this.consts.get(item);
    if (c === "busy") {
      this.err("E0305", `constant \`${item.name.name}\` depends on itself`, item.name.span);
      return { ty: ERR };
    }
    if (c) return c;
    this.consts.set(item, "busy");
    const declared = item.type ? this.resolveType(item.type, m, emptySubst(), "fn") : undefined;
    const fc = new FnChecker(this, undefined, m, emptySubst(), "fn");
    let ty = fc.expr(item.value, declared);
    if (declared) ty = fc.expectType(item.value, ty, declared);
    if (ty.k === "lit") ty = U32;
    let value: CV | undefined;
    try {
      value = evalConst(item.value, this.constEnv(m, emptySubst()));
      if (ty.k === "field" && typeof value === "bigint") value = ((value % ty.f.modulus) + ty.f.modulus) % ty.f.modulus;
      else value = this.fitConst(value, ty, item.value.span);
    } catch (e) {
      this.constFail(e);
    }
    const r = { ty, value };
    this.consts.set(item, r);
    const sym = this.syms.definedAt(item.name.span);
    if (sym) sym.type = tyToString(ty);
    return r;
  }

  /** Check an integer constant against its type; wraps nothing, reports overflow (E0204). */
  fitConst(v: CV, ty: Ty, span: Span): CV {
    if (typeof v === "bigint" && ty.k === "int") {
      const { min, max } = intRange(ty);
      if (v < min || v > max) this.err("E0204", `constant ${v} does not fit in ${tyToString(ty)}`, span);
    }
    return v;
  }

  constEnv(m: ModScope, subst: Subst) {
    return {
      resolve: (e: PathExpr): CV | undefined => {
        const segs = e.path.segments;
        if (segs.length === 1 && subst.consts.has(segs[0].name.name)) {
          const v = subst.consts.get(segs[0].name.name);
          if (v === undefined) throw new UnknownConst();
          return v;
        }
        const entry =
          segs.length === 1
            ? this.loader.lookupIn(m, segs[0].name.name, m)
            : this.loader.resolveModulePath(m, segs.map((s) => ({ name: s.name.name, span: s.name.span })), false);
        if (entry?.item?.kind === "Const") {
          this.syms.reference(entry.sym, segs[segs.length - 1].name.span);
          const v = this.constOf(entry.item, entry.owner).value;
          // No value: its own error was reported already; do not add "not a constant" on top.
          if (v === undefined) throw new UnknownConst();
          return v;
        }
        return undefined;
      },
    };
  }

  tableOf(item: TableItem, m: ModScope): TableInfo | undefined {
    if (this.tables.has(item)) return this.tables.get(item);
    this.tables.set(item, undefined);
    const colTy = this.resolveType(item.type, m, emptySubst(), "fn");
    const columns = colTy.k === "tuple" ? colTy.elems : [colTy];
    for (const c of columns)
      if (c.k !== "int" && c.k !== "field" && c.k !== "bool" && c.k !== "error")
        this.err("E0201", `table columns must be integers, booleans or field elements, not ${tyToString(c)}`, item.type.span);
    const irName = this.mangle(m, item.name.name);
    let info: TableInfo | undefined;
    if (!item.value) {
      info = this.dynamicTable(item, columns, irName);
      this.tables.set(item, info);
      return info;
    }
    try {
      const v = item.value;
      if (v.kind === "Range" && v.start && v.end && columns.length === 1) {
        const lo = evalConst(v.start, this.constEnv(m, emptySubst()));
        const hi = evalConst(v.end, this.constEnv(m, emptySubst()));
        if (typeof lo === "bigint" && typeof hi === "bigint") {
          const top = hi + (v.inclusive ? 1n : 0n);
          this.checkColumnValue(columns[0], lo, v.start.span);
          this.checkColumnValue(columns[0], top - 1n, v.end.span);
          info = { name: item.name.name, irName, columns, range: { lo, hi: top } };
        }
      } else {
        const rowsCv = evalConst(v, this.constEnv(m, emptySubst()));
        if (!Array.isArray(rowsCv)) this.err("E0201", "a table is a range or an array of rows", v.span);
        else {
          const rows: bigint[][] = [];
          for (const r of rowsCv) {
            const cells = Array.isArray(r) && columns.length > 1 ? r : [r];
            if (cells.length !== columns.length) {
              this.err("E0216", `table row has ${cells.length} values but the table has ${columns.length} columns`, v.span);
              break;
            }
            const row = cells.map((c, i) => {
              const n = typeof c === "boolean" ? (c ? 1n : 0n) : typeof c === "bigint" ? c : 0n;
              this.checkColumnValue(columns[i], n, v.span);
              return n;
            });
            rows.push(row);
          }
          info = { name: item.name.name, irName, columns, rows };
        }
      }
    } catch (e) {
      this.constFail(e);
    }
    this.tables.set(item, info);
    return info;
  }

  private dynamicTable(item: TableItem, columns: Ty[], irName: string): TableInfo | undefined {
    let ok = true;
    if (columns.length < 1 || columns.length > MAX_DYNAMIC_COLUMNS) {
      this.err("E0222", `a dynamic table has 1 to ${MAX_DYNAMIC_COLUMNS} columns, \`${item.name.name}\` has ${columns.length}`, item.type.span, "split the row over two tables joined by a shared counter column");
      ok = false;
    }
    for (const c of columns)
      if (c.k !== "field" && c.k !== "error") {
        this.err("E0222", `the columns of a dynamic table must be field elements, not ${tyToString(c)}`, item.type.span, "declare the column as a field (`Field`, `Bn254Fr`) and push `x as Field`");
        ok = false;
      }
    return ok && columns.every((c) => c.k === "field") ? { name: item.name.name, irName, columns, dynamic: true } : undefined;
  }

  /** A call made under a run-time condition must not reach a `push` (the row would be added unconditionally). */
  checkConditionalPushes(): void {
    const memo = new Map<Instance, boolean>();
    const pushes = (i: Instance): boolean => {
      const hit = memo.get(i);
      if (hit !== undefined) return hit;
      memo.set(i, false);
      const r = i.pushes.size > 0 || [...i.callees].some(pushes);
      memo.set(i, r);
      return r;
    };
    for (const c of this.conditionalCalls)
      if (pushes(c.inst))
        this.err("E0413", `\`${c.inst.item.name.name}\` pushes rows into a dynamic table, so it cannot be called under a condition known only at run time`, c.span, "call it unconditionally, or push the row in every case and give it a marker column");
  }

  private checkColumnValue(t: Ty, v: bigint, span: Span): void {
    if (t.k === "int") {
      const { min, max } = intRange(t);
      if (v < min || v > max) this.err("E0204", `table value ${v} does not fit in ${tyToString(t)}`, span);
    } else if (t.k === "field" && (v < 0n || v >= t.f.modulus)) this.err("E0204", `table value ${v} is not below the field modulus`, span);
  }

  /** CWIR symbol for an item: bare in root modules, module-qualified (`std.hash.poseidon.hash2`) elsewhere. */
  mangle(m: ModScope, name: string): string {
    return m.path.length ? [...m.path, name].join(".") : name;
  }

  // --- types -------------------------------------------------------------------------------------

  resolveType(t: AstType, m: ModScope, subst: Subst, ctx: CtxKind): Ty {
    switch (t.kind) {
      case "ErrorType":
        return ERR;
      case "InferType":
        this.err("E0201", "`_` is not allowed here; write the type", t.span);
        return ERR;
      case "TupleType":
        return { k: "tuple", elems: t.elems.map((e) => this.resolveType(e, m, subst, ctx)) };
      case "SliceType":
        return { k: "slice", elem: this.resolveType(t.elem, m, subst, ctx) };
      case "RefType":
        return { k: "ref", mut: t.mutable, inner: this.resolveType(t.inner, m, subst, ctx) };
      case "RangeType":
        return U32;
      case "ArrayType": {
        const elem = this.resolveType(t.elem, m, subst, ctx);
        let len: number | undefined;
        try {
          const v = evalConst(t.len, this.constEnv(m, subst));
          if (typeof v !== "bigint" || v < 0n || v > 1n << 24n)
            this.err("E0303", `array length must be an integer in 0..=${1 << 24}`, t.len.span);
          else len = Number(v);
        } catch (e) {
          if (e instanceof ConstEvalError)
            this.err("E0301", `array length is not a compile-time constant: ${e.message}`, e.span, "use a literal, a `const` item or a const generic parameter");
          else if (!(e instanceof UnknownConst)) throw e;
        }
        return { k: "array", elem, len };
      }
      case "QualifiedType": {
        const inner = this.resolveType(t.inner, m, subst, ctx);
        if (t.qualifier === "public") return inner;
        return this.secretOf(inner, t.span);
      }
      case "PathType":
        return this.resolvePathType(t, m, subst, ctx);
    }
  }

  secretOf(t: Ty, span: Span): Ty {
    switch (t.k) {
      case "int":
      case "field":
      case "bool":
        return { k: "sint", f: this.useField(t.k === "field" ? t.f : this.defaultField) };
      case "fix":
        return { k: "sfix", f: t.f, frac: t.frac };
      case "sint":
      case "sfix":
      case "error":
        return t;
      case "array":
        return { k: "array", elem: this.secretOf(t.elem, span), len: t.len };
      default:
        this.err("E0201", `\`secret\` applies to numbers and arrays of numbers, not ${tyToString(t)}`, span);
        return ERR;
    }
  }

  private resolvePathType(t: Extract<AstType, { kind: "PathType" }>, m: ModScope, subst: Subst, ctx: CtxKind): Ty {
    const segs = t.path.segments;
    if (segs.length === 0 || segs.some((x) => !x.name.name)) return ERR;
    const last = segs[segs.length - 1];
    const name = last.name.name;
    if (segs.length === 1) {
      const g = subst.types.get(name);
      if (g) return g;
      if (name in INT_TYPES) return INT_TYPES[name];
      switch (name) {
        case "bool":
          return BOOL;
        case "Field":
          return { k: "field", f: this.useField(this.defaultField) };
        case "Bytes":
          return { k: "bytes" };
        case "sint":
          return { k: "sint", f: this.useField(this.defaultField) };
        case "sfix":
          return { k: "sfix", f: this.useField(this.defaultField), frac: FIX_FRAC };
        case "fix":
          return { k: "fix", f: this.useField(this.defaultField), frac: FIX_FRAC };
      }
    }
    const entry =
      segs.length === 1
        ? this.loader.lookupIn(m, name, m)
        : this.loader.resolveModulePath(m, segs.map((s) => ({ name: s.name.name, span: s.name.span })), true);
    if (!entry) {
      if (segs.length > 1) return ERR;
      if (name === "F") return { k: "field", f: this.useField(this.defaultField) };
      this.err("E0102", `unknown type \`${name}\``, last.name.span, suggestHint(name, [...BUILTIN_TYPES, ...this.loader.namesIn(m), ...subst.types.keys()]));
      return ERR;
    }
    if (segs.length === 1) this.syms.reference(entry.sym, last.name.span);
    const it = entry.item;
    switch (it?.kind) {
      case "PrimeField": {
        const f = this.fieldOf(it, entry.owner);
        return f ? { k: "field", f: this.useField(f) } : ERR;
      }
      case "Struct": {
        const args = (last.args ?? []).map((a) => this.genericArgValue(a, m, subst, ctx));
        return this.instantiateStruct(it, entry.owner, args, last.span, subst);
      }
      case "TypeAlias":
        return this.resolveAlias(it, entry.owner, (last.args ?? []).map((a) => this.genericArgValue(a, m, subst, ctx)), last.span, ctx);
      default:
        this.err("E0107", `\`${name}\` is not a type`, last.name.span);
        return ERR;
    }
  }

  genericArgValue(a: GenericArg, m: ModScope, subst: Subst, ctx: CtxKind): Ty | CV | undefined {
    if (a.kind === "TypeArg") {
      // `Foo<N>` parses as a type argument even when N is a const: try it as a constant first.
      if (a.type.kind === "PathType" && a.type.path.segments.length === 1) {
        const n = a.type.path.segments[0].name.name;
        if (subst.consts.has(n)) return subst.consts.get(n);
        const e = this.loader.lookupIn(m, n, m);
        if (e?.item?.kind === "Const") return this.constOf(e.item, e.owner).value;
      }
      return this.resolveType(a.type, m, subst, ctx);
    }
    try {
      return evalConst(a.value, this.constEnv(m, subst));
    } catch (e) {
      this.constFail(e);
      return undefined;
    }
  }

  /** Bind generic params to explicit args; missing ones: `F: Field` → the selected field (or a same-named type in scope), const → default. */
  bindGenerics(
    generics: GenericParam[],
    args: (Ty | CV | undefined)[],
    m: ModScope,
    span: Span,
    outer: Subst,
    inferred?: Subst,
    /** Entry items nobody instantiates: an unbound type parameter stays abstract instead of an error. */
    lenient = false,
  ): { subst: Subst; concrete: boolean } {
    const subst = emptySubst();
    let concrete = true;
    if (args.length > generics.length)
      this.err("E0215", `expected at most ${generics.length} generic argument(s), found ${args.length}`, span);
    generics.forEach((g, i) => {
      const a = args[i];
      const name = g.name.name;
      if (g.kind === "TypeParam") {
        let t: Ty | undefined = a !== undefined && isTy(a) ? a : inferred?.types.get(name);
        if (a !== undefined && !isTy(a)) this.err("E0215", `generic parameter \`${name}\` takes a type, not a constant`, span);
        if (!t) {
          const isField = g.bounds.some((b) => b.segments[b.segments.length - 1].name.name === "Field");
          if (isField) t = outer.types.get(name) ?? { k: "field", f: this.useField(this.defaultField) };
          else {
            t = outer.types.get(name);
            if (!t && lenient) {
              t = { k: "param", name };
              concrete = false;
            }
            if (!t) {
              this.err("E0205", `cannot infer generic parameter \`${name}\``, span, `write it explicitly: \`::<${name}>\``);
              t = ERR;
            }
          }
        }
        if (g.bounds.some((b) => b.segments[b.segments.length - 1].name.name === "Field") && t.k !== "field" && t.k !== "error")
          this.err("E0214", `\`${tyToString(t)}\` is not a prime field, but \`${name}: Field\` requires one`, span);
        subst.types.set(name, t);
      } else {
        let v: CV | undefined = a !== undefined && !isTy(a) ? a : inferred?.consts.get(name);
        if (a !== undefined && isTy(a)) this.err("E0215", `generic parameter \`${name}\` takes a constant, not a type`, span);
        if (v === undefined && g.default) {
          try {
            v = evalConst(g.default, this.constEnv(m, subst));
          } catch (e) {
            this.constFail(e);
          }
        }
        if (v === undefined && outer.consts.has(name)) v = outer.consts.get(name);
        if (v === undefined) concrete = false;
        subst.consts.set(name, v);
      }
    });
    return { subst, concrete };
  }

  private fieldSyms = new Map<FieldDecl, SymbolInfo>();
  /** Symbol of a struct field declaration (defined on first use, so the LSP can find its references). */
  fieldSymbol(d: FieldDecl): SymbolInfo {
    let s = this.fieldSyms.get(d);
    if (!s) this.fieldSyms.set(d, (s = this.syms.define(d.name.name, "struct-field", d.name.span, { doc: d.doc })));
    return s;
  }

  instantiateStruct(it: StructItem, m: ModScope, args: (Ty | CV | undefined)[], span: Span, outer: Subst, inferred?: Subst): Ty {
    const { subst } = this.bindGenerics(it.generics, args, m, span, outer, inferred);
    const argText = it.generics.map((g) => {
      const n = g.name.name;
      return g.kind === "TypeParam" ? tyToString(subst.types.get(n) ?? ERR) : String(subst.consts.get(n) ?? "?");
    });
    const display = it.name.name + (argText.length ? `<${argText.join(", ")}>` : "");
    const key = `${itemId(it)}|${display}`;
    let s = this.structs.get(key);
    if (!s) {
      s = { name: it.name.name, item: it, fields: [], display };
      this.structs.set(key, s);
      s.fields = it.fields.map((f) => {
        const type = this.resolveType(f.type, m, subst, "fn");
        const sym = this.fieldSymbol(f);
        if (!sym.type) sym.type = tyToString(type);
        return { name: f.name.name, type };
      });
    }
    return { k: "struct", s };
  }

  private aliasDepth = 0;
  private resolveAlias(it: TypeAliasItem, m: ModScope, args: (Ty | CV | undefined)[], span: Span, ctx: CtxKind): Ty {
    if (this.aliasDepth > 32) {
      this.err("E0305", `type alias \`${it.name.name}\` refers to itself`, span);
      return ERR;
    }
    this.aliasDepth++;
    try {
      const { subst } = this.bindGenerics(it.generics, args, m, span, emptySubst());
      return this.resolveType(it.type, m, subst, ctx);
    } finally {
      this.aliasDepth--;
    }
  }

  // --- instances ---------------------------------------------------------------------------------

  instance(item: FnLike, m: ModScope, subst: Subst, ctx: CtxKind, concrete: boolean): Instance {
    const args = [...[...subst.types].map(([, t]) => tyToString(t)), ...[...subst.consts].map(([, v]) => String(v ?? "?"))];
    const key = `${itemId(item)}|${ctx}|${args.join(",")}`;
    const existing = this.byKey.get(key);
    if (existing) return existing;
    let irName = this.mangle(m, item.name.name);
    const irArgs = [...[...subst.types].map(([, t]) => irTypeName(t)), ...[...subst.consts].map(([, v]) => String(v ?? "N"))];
    if (irArgs.length) irName += "$" + irArgs.join("$");
    if (this.usedIrNames.has(irName)) irName += "$" + ctx;
    for (let i = 2; this.usedIrNames.has(irName); i++) irName = irName.replace(/\$\d+$/, "") + "$" + i;
    this.usedIrNames.add(irName);
    const inst = new Instance(item, m, subst, ctx, key, irName);
    // Lowerable iff every generic argument is known; the same instance may be reached from abstract
    // (unknown const generic) code first and from concrete code later.
    void concrete;
    inst.concrete = [...subst.consts.values()].every((v) => v !== undefined) && [...subst.types.values()].every((t) => !hasParam(t));
    this.byKey.set(key, inst);
    this.instances.push(inst);
    // Signature now (callers need it); body later (recursion-safe).
    inst.params = item.params.map((p) => ({ name: p.name.name, ty: this.resolveType(p.type, m, subst, ctx), param: p }));
    inst.ret = item.ret ? this.resolveType(item.ret, m, subst, ctx) : UNIT;
    this.queue.push(inst);
    return inst;
  }

  drain(): void {
    while (this.queue.length) {
      const inst = this.queue.shift()!;
      new FnChecker(this, inst, inst.module, inst.subst, inst.ctx).checkBody();
    }
  }

  /** Report calls that (transitively) reach themselves: every call is inlined, so recursion cannot lower. */
  checkRecursion(): void {
    const state = new Map<Instance, number>();
    const visit = (i: Instance, stack: Instance[]) => {
      state.set(i, 1);
      for (const c of i.callees) {
        const s = state.get(c);
        if (s === 1) {
          if (c.ctx !== "hint")
            this.err("E0407", `\`${c.item.name.name}\` calls itself (directly or through other functions)`, c.item.name.span, "constrained code is inlined; write the recursion as a bounded `for` loop");
        } else if (!s) visit(c, [...stack, c]);
      }
      state.set(i, 2);
    };
    for (const i of this.instances) if (!state.get(i)) visit(i, [i]);
  }
}

export function emptySubst(): Subst {
  return { types: new Map(), consts: new Map() };
}

function isTy(a: Ty | CV | undefined): a is Ty {
  return typeof a === "object" && a !== null && !Array.isArray(a) && "k" in a;
}

function irTypeName(t: Ty): string {
  switch (t.k) {
    case "field":
      return t.f.ir;
    case "array":
      return `${irTypeName(t.elem)}x${t.len ?? "N"}`;
    default:
      return tyToString(t).replace(/[^A-Za-z0-9_]/g, "_");
  }
}

function ctxOfItem(item: FnLike): CtxKind {
  switch (item.kind) {
    case "Fn":
      return item.hint ? "hint" : "fn";
    case "Circuit":
      return "circuit";
    case "Program":
      return "program";
    case "Protocol":
      return "protocol";
    case "Kernel":
      return "kernel";
  }
}
export { ctxOfItem };

const CTX_NAME: Record<CtxKind, string> = {
  circuit: "a circuit",
  fn: "a function",
  hint: "a hint fn",
  program: "a program",
  protocol: "a protocol",
  kernel: "a kernel",
};

/** Checks one instance body (or, with `inst` undefined, a const initialiser). */
export class FnChecker {
  private scopes: Map<string, Local>[] = [new Map()];
  /** Source extent of each scope in `scopes` (for `visibleAt` completion queries). */
  private scopeSpans: (Span | undefined)[] = [undefined];
  private nextLocal = 0;
  private loopDepth = 0;
  /** Nesting depth of `if`s whose condition is not a compile-time constant. */
  private runtimeIf = 0;
  private readonly syms: SymbolTable;

  constructor(
    readonly c: Checker,
    readonly inst: Instance | undefined,
    readonly m: ModScope,
    readonly subst: Subst,
    readonly ctx: CtxKind,
  ) {
    this.syms = c.syms;
  }

  private record(e: Expr, t: Ty): Ty {
    this.inst?.types.set(e, t);
    this.syms.recordType(e, t);
    return t;
  }

  private get constrained(): boolean {
    return this.ctx === "circuit" || this.ctx === "fn";
  }

  // --- bodies ------------------------------------------------------------------------------------

  checkBody(): void {
    const inst = this.inst!;
    const item = inst.item;
    const seen = new Map<string, Span>();
    inst.params.forEach((p, i) => {
      const prm = item.params[i];
      if (seen.has(p.name)) this.c.err("E0105", `parameter \`${p.name}\` is declared twice`, prm.name.span);
      seen.set(p.name, prm.name.span);
      this.checkTypeAllowed(p.ty, prm.type.span, true);
      this.checkQualifier(prm, p.ty);
      const local = this.bind(prm.name.name, prm.name.span, p.ty, prm.mutable, "param");
      inst.locals.set(prm, local);
    });
    this.checkTypeAllowed(inst.ret, item.ret?.span ?? item.name.span, false);
    const body = item.body;
    const t = this.block(body, inst.ret, true);
    const last = body.stmts[body.stmts.length - 1];
    const returns = !body.tail && last?.kind === "Return";
    if (!returns && inst.ret.k !== "error" && !(inst.ret.k === "tuple" && inst.ret.elems.length === 0)) {
      if (body.tail) this.expectType(body.tail, t, inst.ret);
      else if (!hasErrorNode(body) && !this.c.syntaxErrorIn(body.span))
        this.c.err("E0201", `\`${item.name.name}\` must return ${tyToString(inst.ret)}, but its body has no value`, item.body.span, "end the body with an expression (no `;`) or a `return`");
    } else if (body.tail && inst.ret.k === "tuple" && inst.ret.elems.length === 0 && t.k !== "error" && !(t.k === "tuple" && t.elems.length === 0))
      this.c.err("E0201", `\`${item.name.name}\` returns nothing, but its body ends with a value of type ${tyToString(t)}`, body.tail.span, `declare \`-> ${tyToString(t)}\` or add \`;\``);
  }

  private checkQualifier(p: Param, t: Ty): void {
    const q = p.qualifier;
    const kind = this.inst!.item.kind;
    if (q === "pub" || q === "priv") {
      if (kind !== "Circuit")
        this.c.err("E0404", `\`${q}\` marks circuit inputs; it is not allowed in ${CTX_NAME[this.ctx]}`, p.name.span, "remove the qualifier");
    } else if (q === "secret" || q === "public") {
      if (kind !== "Protocol")
        this.c.err("E0404", `\`${q}\` marks protocol inputs; it is not allowed in ${CTX_NAME[this.ctx]}`, p.name.span, "remove the qualifier");
      else if (q === "secret" && !containsSecret(t) && t.k !== "error")
        this.c.err("E0201", `secret input \`${p.name.name}\` has the clear type ${tyToString(t)}`, p.type.span, "use `sint`/`sfix` (or `secret T`)");
    }
  }

  /** Secret types only in protocols, Bytes only in programs, slices/references only in kernel signatures. */
  checkTypeAllowed(t: Ty, span: Span, isParam: boolean): void {
    const walk = (x: Ty, top: boolean): void => {
      switch (x.k) {
        case "sint":
        case "sfix":
          if (this.ctx !== "protocol" && this.ctx !== "fn")
            this.c.err("E0410", `secret type \`${tyToString(x)}\` is only allowed in protocols`, span);
          return;
        case "bytes":
          if (this.ctx !== "program" && this.ctx !== "hint" && this.ctx !== "fn")
            this.c.err("E0410", "`Bytes` is only allowed in programs", span);
          return;
        case "ref":
          if (!(isParam && top && (this.ctx === "kernel" || this.ctx === "fn")))
            this.c.err("E0411", "references are only allowed on kernel buffer parameters", span, "kernel buffers are written `buf: &mut [T]`");
          walk(x.inner, false);
          return;
        case "slice":
          if (!(isParam && (this.ctx === "kernel" || this.ctx === "fn")))
            this.c.err("E0411", "slices `[T]` are only allowed as kernel buffer parameters", span, "use a fixed-size array `[T; N]`");
          walk(x.elem, false);
          return;
        case "array":
          return walk(x.elem, false);
        case "tuple":
          return x.elems.forEach((e) => walk(e, false));
        default:
          return;
      }
    };
    walk(t, true);
  }

  private bind(name: string, span: Span, ty: Ty, mutable: boolean, kind: "local" | "param", cv?: CV): Local {
    const sym = this.syms.define(name, kind, span, { type: tyToString(ty), mutable });
    const l: Local = { id: this.nextLocal++, name, ty, mutable, sym, cv };
    this.scopes[this.scopes.length - 1].set(name, l);
    const extent = this.scopeSpans[this.scopeSpans.length - 1] ?? this.inst?.item.span;
    if (extent) this.syms.scoped(sym, { file: span.file, start: span.end, end: extent.end });
    return l;
  }

  private lookupLocal(name: string): Local | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const l = this.scopes[i].get(name);
      if (l) return l;
    }
    return undefined;
  }

  block(b: Block, expected: Ty | undefined, fnBody = false): Ty {
    this.scopes.push(new Map());
    this.scopeSpans.push(b.span);
    try {
      b.stmts.forEach((s, i) => this.stmt(s, fnBody && i === b.stmts.length - 1 && !b.tail));
      if (b.tail) return this.expr(b.tail, expected);
      const last = b.stmts[b.stmts.length - 1];
      if (last?.kind === "ExprStmt" && !last.semi && last.expr.kind === "If") return this.inst?.types.get(last.expr) ?? UNIT;
      return UNIT;
    } finally {
      // Settle while the scope is still visible: re-typing an initialiser may look its names up.
      this.settleScope(this.scopes[this.scopes.length - 1]);
      this.scopes.pop();
      this.scopeSpans.pop();
    }
  }

  // --- statements --------------------------------------------------------------------------------

  stmt(s: Stmt, isLastOfBody: boolean): void {
    switch (s.kind) {
      case "Let": {
        const declared = s.type ? this.c.resolveType(s.type, this.m, this.subst, this.ctx) : undefined;
        if (declared && s.type) this.checkTypeAllowed(declared, s.type.span, false);
        let t: Ty = declared ?? ERR;
        if (s.init) {
          const got = this.expr(s.init, declared);
          t = declared ? this.expectType(s.init, got, declared) : got;
        } else if (!declared) {
          this.c.err("E0201", "a `let` without an initial value needs a type", s.pattern.span, "write `let x: T;` or give it a value");
        }
        let cv: CV | undefined;
        if (s.init && s.pattern.kind === "IdentPattern" && !s.pattern.mutable) cv = this.tryConst(s.init);
        this.bindPattern(s.pattern, t, cv);
        if (s.pattern.kind === "IdentPattern" && hasLit(t)) {
          const l = this.inst?.locals.get(s.pattern) ?? this.lookupLocal(s.pattern.name.name);
          if (l) l.pending = { init: s.init, uses: [] };
        } else if (s.init && hasLit(t)) this.coerce(s.init, replaceLit(t, U32));
        return;
      }
      case "Assign":
        return this.assign(s);
      case "Assert": {
        this.needConstraints(s.span, "`assert`");
        const t = this.expr(s.cond, BOOL);
        this.expectType(s.cond, t, BOOL);
        if (s.message) this.message(s.message);
        return;
      }
      case "AssertEq": {
        this.needConstraints(s.span, "`assert_eq`");
        const l = this.expr(s.left);
        const r = this.expr(s.right, l.k === "lit" ? undefined : l);
        this.unify(s.left, l, s.right, r, "assert_eq");
        if (s.message) this.message(s.message);
        return;
      }
      case "Lookup":
        return this.lookup(s);
      case "Push":
        return this.push(s);
      case "Reveal": {
        if (this.ctx !== "protocol")
          this.c.err("E0402", `\`reveal\` is only allowed in protocols, not in ${CTX_NAME[this.ctx]}`, s.span, "circuits expose values as `pub` inputs or a return value");
        const t = this.expr(s.value);
        if (this.ctx === "protocol" && !containsSecret(t) && t.k !== "error")
          this.c.err("E0201", `\`reveal\` needs a secret value, found ${tyToString(t)}`, s.value.span);
        return;
      }
      case "Return": {
        if (!isLastOfBody || !this.inst)
          this.c.err("E0408", "`return` is only supported as the last statement of a function body", s.span, "make the returned value the block's final expression");
        const ret = this.inst?.ret ?? UNIT;
        if (s.value) this.expectType(s.value, this.expr(s.value, ret), ret);
        else if (!(ret.k === "tuple" && ret.elems.length === 0) && ret.k !== "error")
          this.c.err("E0201", `\`return\` needs a value of type ${tyToString(ret)}`, s.span);
        return;
      }
      case "Break":
      case "Continue":
        this.c.err("E0409", `\`${s.kind.toLowerCase()}\` is not supported outside spec actions yet`, s.span, "express the exit in the loop condition (`while`)");
        return;
      case "For":
        return this.forStmt(s);
      case "While": {
        if (this.ctx !== "program" && this.ctx !== "hint")
          this.c.err("E0404", `\`while\` is not allowed in ${CTX_NAME[this.ctx]}: loops there must have compile-time bounds`, s.span, "use `for i in 0..N` with a constant N");
        this.expectType(s.cond, this.expr(s.cond, BOOL), BOOL);
        this.loopDepth++;
        this.block(s.body, UNIT);
        this.loopDepth--;
        return;
      }
      case "ExprStmt":
        this.expr(s.expr);
        return;
    }
  }

  private message(e: Expr): void {
    if (e.kind !== "StrLit") this.c.err("E0201", "an assertion message must be a string literal", e.span);
    else this.record(e, STR);
  }

  private needConstraints(span: Span, what: string): void {
    if (this.ctx === "hint")
      this.c.err("E0401", `${what} is a constraint and is not allowed in a hint fn (hints are unconstrained)`, span, "check the hint's result in the calling circuit instead");
    else if (this.ctx === "protocol" || this.ctx === "kernel")
      this.c.err("E0401", `${what} is not allowed in ${CTX_NAME[this.ctx]}`, span);
  }

  /** Compile-time constant (or depends only on a not-yet-instantiated const generic)? */
  private isConst(e: Expr): boolean {
    try {
      evalConst(e, this.env());
      return true;
    } catch (err) {
      if (err instanceof UnknownConst) return true;
      if (err instanceof ConstEvalError) return false;
      throw err;
    }
  }

  private tryConst(e: Expr): CV | undefined {
    try {
      return evalConst(e, this.env());
    } catch (err) {
      if (err instanceof ConstEvalError || err instanceof UnknownConst) return undefined;
      throw err;
    }
  }

  /** Evaluate an expression the language requires to be constant (E0301 otherwise). */
  requireConst(e: Expr, what: string): CV | undefined {
    try {
      const v = evalConst(e, this.env());
      this.inst?.consts.set(e, v);
      return v;
    } catch (err) {
      if (err instanceof ConstEvalError) {
        this.c.err(err.code === "E0301" ? "E0301" : err.code, `${what} must be a compile-time constant: ${err.message}`, err.span, err.hint ?? "use a literal, a `const` item or a const generic parameter");
        return undefined;
      }
      if (err instanceof UnknownConst) return undefined;
      throw err;
    }
  }

  private env() {
    const base = this.c.constEnv(this.m, this.subst);
    return {
      resolve: (p: PathExpr): CV | undefined => {
        const r = this.inst?.res.get(p);
        if (r?.k === "local") return r.local.cv;
        if (r?.k === "const") return r.value;
        if (p.path.segments.length === 1) {
          const l = this.lookupLocal(p.path.segments[0].name.name);
          if (l) return l.cv;
        }
        return base.resolve(p);
      },
    };
  }

  private bindPattern(p: Pattern, t: Ty, cv?: CV): void {
    switch (p.kind) {
      case "WildcardPattern":
        return;
      case "IdentPattern": {
        const l = this.bind(p.name.name, p.name.span, t, p.mutable, "local", cv);
        this.inst?.locals.set(p, l);
        return;
      }
      case "TuplePattern": {
        const elems = t.k === "tuple" ? t.elems : undefined;
        if (!elems && t.k !== "error") this.c.err("E0219", `a tuple pattern needs a tuple value, found ${tyToString(t)}`, p.span);
        else if (elems && elems.length !== p.elems.length)
          this.c.err("E0219", `tuple pattern has ${p.elems.length} elements but the value has ${elems.length}`, p.span);
        p.elems.forEach((q, i) => this.bindPattern(q, elems?.[i] ?? ERR, Array.isArray(cv) ? cv[i] : undefined));
        return;
      }
    }
  }

  private assign(s: Extract<Stmt, { kind: "Assign" }>): void {
    let target = this.place(s.target);
    if (hasLit(target)) {
      const root = this.rootLocal(s.target);
      const vt = this.expr(s.value);
      const sc = scalarOf(vt);
      if (root?.pending && sc.k !== "lit" && sc.k !== "error" && sc.k !== "bool") this.fixLocal(root, sc);
      if (root && !root.pending) target = this.place(s.target);
    }
    let t: Ty;
    if (s.op === "=") t = this.expr(s.value, target);
    else {
      const op = s.op.slice(0, -1) as Parameters<FnChecker["binaryType"]>[0];
      const r = this.expr(s.value, target.k === "int" && (op === "<<" || op === ">>") ? undefined : target);
      t = this.binaryType(op, target, r, s.target, s.value, s.span);
    }
    this.expectType(s.value, t, target);
  }

  /** Type of an assignable place; reports immutable roots (E0206) and non-places (E0207). */
  private place(e: Expr): Ty {
    switch (e.kind) {
      case "PathExpr": {
        const t = this.expr(e);
        const r = this.inst?.res.get(e);
        if (r?.k !== "local") {
          if (t.k !== "error") this.c.err("E0207", "only variables, array elements and struct fields can be assigned", e.span);
          return ERR;
        }
        if (!r.local.mutable)
          this.c.err("E0206", `cannot assign twice to immutable variable \`${r.local.name}\``, e.span, `declare it \`let mut ${r.local.name}\``);
        return t;
      }
      case "Paren":
        return this.place(e.inner);
      case "Index": {
        const obj = e.object;
        const root = this.rootLocal(obj);
        const objTy = root && (root.ty.k === "ref" || root.ty.k === "slice" || root.ty.k === "bytes") && obj.kind === "PathExpr" ? this.expr(obj) : this.place(obj);
        if (objTy.k === "ref" && !objTy.mut)
          this.c.err("E0206", "cannot write through a read-only buffer", obj.span, "declare the parameter `&mut [T]`");
        return this.indexType(e, objTy);
      }
      case "FieldAccess":
      case "TupleIndex": {
        this.place(e.object);
        return this.expr(e);
      }
      default:
        this.expr(e);
        this.c.err("E0207", "this expression cannot be assigned to", e.span);
        return ERR;
    }
  }

  private rootLocal(e: Expr): Local | undefined {
    if (e.kind === "PathExpr" && e.path.segments.length === 1) return this.lookupLocal(e.path.segments[0].name.name);
    if (e.kind === "Index" || e.kind === "FieldAccess" || e.kind === "TupleIndex") return this.rootLocal(e.object);
    if (e.kind === "Paren") return this.rootLocal(e.inner);
    return undefined;
  }

  /** The table a `lookup … in t` / `push … into t` names (E0110/E0107 otherwise); records the reference. */
  private tableNamed(path: LookupStmt["table"], declareHint: string): TableInfo | undefined {
    const segs = path.segments;
    if (segs.length === 0 || segs.some((x) => !x.name.name)) return undefined;
    const entry =
      segs.length === 1
        ? this.c.loader.lookupIn(this.m, segs[0].name.name, this.m)
        : this.c.loader.resolveModulePath(this.m, segs.map((x) => ({ name: x.name.name, span: x.name.span })), true);
    if (!entry) {
      if (segs.length === 1) {
        const tables = [...this.m.entries.values()].filter((e) => e.item?.kind === "Table").map((e) => e.name);
        this.c.err("E0110", `unknown table \`${segs[0].name.name}\``, path.span, suggestHint(segs[0].name.name, tables) ?? declareHint);
      }
      return undefined;
    }
    this.syms.reference(entry.sym, segs[segs.length - 1].name.span);
    if (entry.item?.kind !== "Table") {
      this.c.err("E0107", `\`${entry.name}\` is not a table`, path.span);
      return undefined;
    }
    return this.c.tableOf(entry.item, entry.owner);
  }

  private lookup(s: LookupStmt): void {
    if (!this.constrained && this.ctx !== "program")
      this.c.err("E0401", `\`lookup\` is a constraint and is only allowed in circuits and the fns they call, not in ${CTX_NAME[this.ctx]}`, s.span);
    const tys = s.columns.map((c) => this.expr(c));
    const info = this.tableNamed(s.table, "declare it: `table range8: u8 = 0..256;`");
    if (!info) return;
    if (info.dynamic && this.ctx === "program") {
      this.c.err("E0412", `the dynamic table \`${info.name}\` can only be used in circuits and the fns they call, not in ${CTX_NAME[this.ctx]}`, s.span, "its rows exist only while a circuit is proven");
      return;
    }
    this.inst?.lookups.set(s, info);
    if (info.columns.length !== s.columns.length) {
      this.c.err("E0216", `table \`${info.name}\` has ${info.columns.length} column(s) but the lookup gives ${s.columns.length}`, s.span);
      return;
    }
    s.columns.forEach((c, i) => {
      const col = info.columns[i];
      // A field element may be looked up in an integer/bool column: the table holds those values as field elements.
      if (tys[i].k === "field" && (col.k === "int" || col.k === "bool")) return;
      this.expectType(c, tys[i], col);
    });
  }

  /** `push (a, b) into t;`: one row of a dynamic table, added unconditionally. */
  private push(s: PushStmt): void {
    const tys = s.columns.map((c) => this.expr(c));
    const info = this.tableNamed(s.table, "declare it: `table rows: (Field, Field) = dynamic;`");
    if (!info) return;
    if (!info.dynamic) {
      this.c.err("E0221", `\`${info.name}\` is a fixed table; only dynamic tables take \`push\``, s.table.span, `declare it \`table ${info.name}: ... = dynamic;\` to fill it at proving time`);
      return;
    }
    if (!this.constrained) {
      this.c.err("E0412", `\`push\` adds a row to a circuit's dynamic table and is only allowed in circuits and the fns they call, not in ${CTX_NAME[this.ctx]}`, s.span);
      return;
    }
    if (this.runtimeIf > 0)
      this.c.err("E0413", "`push` under a condition known only at run time", s.span, "push the row unconditionally (e.g. with a marker column that says whether it counts)");
    if (info.columns.length !== s.columns.length) {
      this.c.err("E0216", `table \`${info.name}\` has ${info.columns.length} column(s) but the push gives ${s.columns.length}`, s.span);
      return;
    }
    s.columns.forEach((c, i) => this.expectType(c, tys[i], info.columns[i]));
    this.inst?.pushes.set(s, info);
  }

  private forStmt(s: Extract<Stmt, { kind: "For" }>): void {
    const it = s.iter;
    let elem: Ty = ERR;
    const needConst = this.ctx !== "program" && this.ctx !== "hint";
    if (it.kind === "Range") {
      if (!it.start || !it.end) {
        this.c.err("E0203", "a `for` range needs both bounds", it.span);
      } else {
        const a = this.expr(it.start);
        const b = this.expr(it.end, a.k === "lit" ? undefined : a);
        elem = this.unify(it.start, a, it.end, b, "range bounds");
        if (elem.k === "lit") elem = this.coerce(it.start, this.coerce(it.end, U32));
        if (elem.k !== "int" && elem.k !== "error")
          this.c.err("E0201", `range bounds must be integers, found ${tyToString(elem)}`, it.span);
        this.record(it, { k: "range", elem });
        if (needConst) {
          this.requireConst(it.start, `in ${CTX_NAME[this.ctx]}, a loop bound`);
          this.requireConst(it.end, `in ${CTX_NAME[this.ctx]}, a loop bound`);
        } else {
          const lo = this.tryConst(it.start);
          const hi = this.tryConst(it.end);
          if (lo !== undefined) this.inst?.consts.set(it.start, lo);
          if (hi !== undefined) this.inst?.consts.set(it.end, hi);
        }
      }
    } else {
      const t = this.expr(it);
      if (t.k === "array") elem = t.elem;
      else if (t.k !== "error")
        this.c.err("E0201", `can only iterate over a range or an array, not ${tyToString(t)}`, it.span, "write `for i in 0..n`");
      if (t.k === "array" && t.len === undefined && this.inst?.concrete) this.c.err("E0301", "array length is not known at compile time", it.span);
    }
    this.scopes.push(new Map());
    this.scopeSpans.push(s.body.span);
    if (s.pattern.kind === "TuplePattern") this.c.err("E0219", "a `for` loop binds one variable", s.pattern.span);
    this.bindPattern(s.pattern, elem);
    this.loopDepth++;
    this.block(s.body, UNIT);
    this.loopDepth--;
    this.scopes.pop();
    this.scopeSpans.pop();
  }

  // --- expressions -------------------------------------------------------------------------------

  /** Report a mismatch (E0201) unless `got` fits `want`; integer literals take `want`. */
  expectType(e: Expr, got: Ty, want: Ty): Ty {
    if (got.k === "lit" && (want.k === "int" || want.k === "field" || want.k === "sint" || want.k === "sfix" || want.k === "fix"))
      return this.coerce(e, want);
    if (want.k === "sint" && (got.k === "field" || got.k === "int") && this.ctx === "protocol") return want;
    if (want.k === "sfix" && got.k === "fix") return want;
    if (want.k === "array" && got.k === "array" && got.elem.k === "lit") return this.coerce(e, want);
    // A kernel buffer `&mut [T]` may be passed where `&[T]` is expected (helpers that only read it).
    if (want.k === "ref" && !want.mut && got.k === "ref" && got.mut && tyEq(got.inner, want.inner)) return want;
    if (!tyEq(got, want)) {
      this.c.err("E0201", `expected ${tyToString(want)}, found ${tyToString(got)}`, e.span, castHint(got, want));
      return want;
    }
    return got;
  }

  /** Re-check a literal-typed expression against a concrete type. */
  coerce(e: Expr, want: Ty): Ty {
    const cur = this.inst?.types.get(e) ?? this.syms.exprTypes.get(e);
    if (cur && cur.k !== "lit" && !(cur.k === "array" && scalarOf(cur).k === "lit")) return cur;
    return this.expr(e, want);
  }

  private unify(l: Expr, lt: Ty, r: Expr, rt: Ty, what: string): Ty {
    if (lt.k === "lit" && rt.k !== "lit") return this.expectType(l, lt, rt);
    if (rt.k === "lit") return lt.k === "lit" ? LIT : this.expectType(r, rt, lt);
    if (!tyEq(lt, rt)) {
      this.c.err("E0201", `${what}: ${tyToString(lt)} and ${tyToString(rt)} differ`, r.span, castHint(rt, lt));
      return ERR;
    }
    return lt;
  }

  expr(e: Expr, expected?: Ty): Ty {
    return this.record(e, this.exprInner(e, expected));
  }

  private exprInner(e: Expr, expected?: Ty): Ty {
    switch (e.kind) {
      case "IntLit":
        return this.intLit(e.value, e.suffix, e.span, expected);
      case "BoolLit":
        return BOOL;
      case "StrLit":
        this.c.err("E0201", "strings are only allowed as assertion messages and attribute arguments", e.span);
        return ERR;
      case "ErrorExpr":
        return ERR;
      case "Paren":
        return this.expr(e.inner, expected);
      case "PathExpr":
        return this.pathExpr(e, expected);
      case "Unary":
        return this.unary(e, expected);
      case "Binary":
        return this.binary(e, expected);
      case "Cast":
        return this.cast(e);
      case "Call":
        return this.call(e, expected);
      case "MethodCall":
        return this.methodCall(e, expected);
      case "FieldAccess": {
        const t = this.expr(e.object);
        if (t.k === "struct") {
          const f = t.s.fields.find((x) => x.name === e.field.name);
          if (!f) {
            this.c.err("E0108", `struct \`${t.s.name}\` has no field \`${e.field.name}\``, e.field.span, suggestHint(e.field.name, t.s.fields.map((x) => x.name)));
            return ERR;
          }
          const decl = t.s.item.fields.find((x) => x.name.name === e.field.name);
          const sym = decl && this.c.fieldSymbol(decl);
          if (sym) this.syms.reference(sym, e.field.span);
          return f.type;
        }
        if (e.field.name === "T" && t.k === "array" && t.elem.k === "array") {
          if (this.ctx !== "protocol") this.c.err("E0403", "transpose `.T` is only available in protocols", e.field.span);
          return { k: "array", elem: { k: "array", elem: t.elem.elem, len: t.len }, len: t.elem.len };
        }
        if (t.k !== "error") this.c.err("E0108", `${tyToString(t)} has no field \`${e.field.name}\``, e.field.span);
        return ERR;
      }
      case "TupleIndex": {
        const t = this.expr(e.object);
        if (t.k === "tuple") {
          if (e.index >= t.elems.length) {
            this.c.err("E0209", `tuple index ${e.index} is out of range for ${tyToString(t)}`, e.indexSpan);
            return ERR;
          }
          return t.elems[e.index];
        }
        if (t.k !== "error") this.c.err("E0209", `${tyToString(t)} is not a tuple`, e.object.span);
        return ERR;
      }
      case "Index":
        return this.indexType(e, this.expr(e.object, expected && e.index.kind !== "Range" ? { k: "array", elem: expected, len: undefined } : undefined));
      case "Range": {
        this.c.err("E0203", "a range is only allowed in `for` loops, tables and slices `a[i..j]`", e.span);
        if (e.start) this.expr(e.start);
        if (e.end) this.expr(e.end);
        return ERR;
      }
      case "ArrayLit": {
        const want = expected?.k === "array" ? expected.elem : undefined;
        if (e.elems.length === 0) {
          if (!want) {
            this.c.err("E0213", "cannot infer the element type of an empty array", e.span, "annotate it: `let a: [u32; 0] = [];`");
            return ERR;
          }
          return { k: "array", elem: want, len: 0 };
        }
        let elem = this.expr(e.elems[0], want);
        for (const x of e.elems.slice(1)) {
          const t = this.expr(x, elem.k === "lit" ? want : elem);
          elem = this.unify(e.elems[0], elem, x, t, "array elements");
        }
        if (elem.k === "lit" && want) elem = want;
        if (elem.k !== "lit") for (const x of e.elems) this.coerce(x, elem);
        return { k: "array", elem, len: e.elems.length };
      }
      case "ArrayRepeat": {
        const want = expected?.k === "array" ? expected.elem : undefined;
        const elem = this.expr(e.value, want);
        this.expr(e.count, U32);
        const n = this.requireConst(e.count, "an array length");
        const len = typeof n === "bigint" ? Number(n) : undefined;
        if (typeof n === "bigint" && (n < 0n || n > 1n << 24n)) this.c.err("E0303", `array length ${n} is out of range`, e.count.span);
        return { k: "array", elem, len };
      }
      case "Tuple": {
        const want = expected?.k === "tuple" ? expected.elems : undefined;
        return { k: "tuple", elems: e.elems.map((x, i) => {
          const t = this.expr(x, want?.[i]);
          return t.k === "lit" ? this.coerce(x, U32) : t;
        }) };
      }
      case "StructLit":
        return this.structLit(e, expected);
      case "If": {
        const ct = this.expr(e.cond, BOOL);
        this.expectType(e.cond, ct, BOOL);
        const runtime = ct.k !== "error" && !this.isConst(e.cond) ? 1 : 0;
        this.runtimeIf += runtime;
        const tt = this.block(e.then, expected);
        if (!e.else) {
          this.runtimeIf -= runtime;
          return UNIT;
        }
        const et = e.else.kind === "If" ? this.expr(e.else, expected ?? (tt.k === "lit" ? undefined : tt)) : this.block(e.else, expected ?? (tt.k === "lit" ? undefined : tt));
        this.runtimeIf -= runtime;
        const thenExpr = e.then.tail ?? e;
        const elseExpr = e.else.kind === "If" ? e.else : e.else.tail ?? e;
        if (tt.k === "lit" && et.k === "lit") return expected ?? LIT;
        return this.unify(thenExpr, tt, elseExpr, et, "`if` and `else` branches");
      }
      case "BlockExpr":
        return this.block(e.block, expected);
      case "Quantifier":
      case "Count":
      case "Temporal":
        this.c.err("E0203", "quantifiers and temporal operators are only allowed in `spec` items", e.span);
        return ERR;
      case "Comprehension":
        this.c.err("E0203", "comprehensions are only allowed in `table` definitions", e.span);
        return ERR;
    }
  }

  private intLit(v: bigint, suffix: string | undefined, span: Span, expected?: Ty): Ty {
    if (suffix) {
      const t = INT_TYPES[suffix];
      this.checkLit(v, t, span);
      return t;
    }
    if (!expected) return LIT;
    switch (expected.k) {
      case "int":
      case "field":
        this.checkLit(v, expected, span);
        return expected;
      case "sint":
      case "sfix":
      case "fix":
        return expected;
      default:
        return LIT;
    }
  }

  private checkLit(v: bigint, t: Ty, span: Span): void {
    if (t.k === "int") {
      const { min, max } = intRange(t);
      if (v < min || v > max)
        this.c.err("E0204", `literal ${v} does not fit in ${tyToString(t)} (range ${min}..=${max})`, span, t.bits < 128 ? "use a wider integer type" : undefined);
    } else if (t.k === "field" && v >= t.f.modulus)
      this.c.err("E0204", `literal ${v} is not below the modulus of field ${t.f.name}`, span, "field literals must be canonical: reduce it mod p");
  }

  /** Give a pending local (`let mut acc = 0;`) its scalar type, re-typing its initialiser and earlier uses. */
  fixLocal(l: Local, scalar: Ty): void {
    const p = l.pending;
    if (!p) return;
    l.pending = undefined;
    l.ty = replaceLit(l.ty, scalar);
    l.sym.type = tyToString(l.ty);
    if (p.init) this.coerce(p.init, l.ty);
    for (const u of p.uses) this.record(u, l.ty);
  }

  /** Fix every local still pending in the current scope to u32 (Rust's default is i32; ours is the index type). */
  private settleScope(scope: Map<string, Local>): void {
    for (const l of scope.values()) if (l.pending) this.fixLocal(l, U32);
  }

  private pathExpr(e: PathExpr, expected?: Ty): Ty {
    const segs = e.path.segments;
    // The parser leaves empty names where it recovered from a syntax error: already reported.
    if (segs.length === 0 || segs.some((x) => !x.name.name)) return ERR;
    const name = segs[0].name.name;
    if (segs.length === 1) {
      const l = this.lookupLocal(name);
      if (l) {
        this.syms.reference(l.sym, segs[0].name.span);
        this.inst?.res.set(e, { k: "local", local: l });
        if (l.pending) {
          const s = expected ? scalarOf(expected) : undefined;
          if (s && (s.k === "int" || s.k === "field" || s.k === "sint" || s.k === "sfix" || s.k === "fix")) this.fixLocal(l, s);
          else l.pending.uses.push(e);
        }
        return l.ty;
      }
      if (this.subst.consts.has(name)) {
        const v = this.subst.consts.get(name);
        if (v !== undefined) this.inst?.res.set(e, { k: "const", value: v, ty: U32 });
        return U32;
      }
    }
    const entry =
      segs.length === 1
        ? this.c.loader.lookupIn(this.m, name, this.m)
        : this.c.loader.resolveModulePath(this.m, segs.map((s) => ({ name: s.name.name, span: s.name.span })), true);
    if (!entry) {
      if (segs.length === 1) {
        const cands = [...this.scopes.flatMap((s) => [...s.keys()]), ...this.c.loader.namesIn(this.m), ...this.subst.consts.keys()];
        this.c.err("E0101", `cannot find \`${name}\` in this scope`, segs[0].name.span, suggestHint(name, cands));
      }
      return ERR;
    }
    if (segs.length === 1) this.syms.reference(entry.sym, segs[0].name.span);
    const it = entry.item;
    if (it?.kind === "Const") {
      const c = this.c.constOf(it, entry.owner);
      if (c.value !== undefined) this.inst?.res.set(e, { k: "const", value: c.value, ty: c.ty });
      return c.ty;
    }
    const what = it ? itemWord(it) : "module";
    this.c.err("E0107", `expected a value, found ${what} \`${entry.name}\``, e.span, it?.kind === "Fn" ? "call it: `name(args)`" : undefined);
    return ERR;
  }

  private unary(e: Extract<Expr, { kind: "Unary" }>, expected?: Ty): Ty {
    if (e.op === "-" && e.operand.kind === "IntLit" && !e.operand.suffix && expected?.k === "int") {
      this.record(e.operand, expected);
      this.checkNeg(e.operand.value, expected, e.span);
      return expected;
    }
    const t = this.expr(e.operand, expected);
    switch (e.op) {
      case "-":
        if (t.k === "int" && !t.signed) {
          this.c.err("E0203", `cannot negate unsigned ${tyToString(t)}`, e.span, "use a signed type or subtract from a value");
          return ERR;
        }
        if (t.k === "field" || t.k === "int" || t.k === "lit" || t.k === "sint" || t.k === "sfix" || t.k === "fix" || t.k === "error") return t;
        if (t.k === "array" && containsSecret(t)) return t;
        break;
      case "!":
        if (t.k === "bool" || t.k === "int" || t.k === "error") return t;
        break;
      case "~":
        if (t.k === "int" || t.k === "error") return t;
        break;
    }
    this.c.err("E0203", `cannot apply \`${e.op}\` to ${tyToString(t)}`, e.span);
    return ERR;
  }

  private checkNeg(v: bigint, t: Extract<Ty, { k: "int" }>, span: Span): void {
    const { min } = intRange(t);
    if (!t.signed) this.c.err("E0203", `cannot negate unsigned ${tyToString(t)}`, span);
    else if (-v < min) this.c.err("E0204", `literal -${v} does not fit in ${tyToString(t)}`, span);
  }

  private binary(e: Extract<Expr, { kind: "Binary" }>, expected?: Ty): Ty {
    const op = e.op;
    if (op === "in" || op === "=>") {
      this.c.err("E0203", `\`${op}\` is only allowed in \`spec\` items`, e.span);
      return ERR;
    }
    if (op === "**") {
      const base = this.expr(e.left, expected);
      this.expr(e.right, U32);
      const n = this.requireConst(e.right, "an exponent");
      if (typeof n === "bigint" && n < 0n) this.c.err("E0302", "exponent must not be negative", e.right.span);
      if (base.k !== "field" && base.k !== "int" && base.k !== "lit" && base.k !== "error") {
        this.c.err("E0203", `cannot raise ${tyToString(base)} to a power`, e.span);
        return ERR;
      }
      return base;
    }
    const shift = op === "<<" || op === ">>";
    const cmpOrLogic = ["==", "!=", "<", "<=", ">", ">=", "&&", "||"].includes(op);
    const down = cmpOrLogic || shift ? undefined : expected;
    let l = this.expr(e.left, down);
    let r = this.expr(e.right, shift ? undefined : l.k === "lit" ? down : l);
    if (!shift && l.k === "lit" && r.k !== "lit") l = this.coerce(e.left, r.k === "array" ? r : r);
    if (shift && r.k === "lit") r = this.coerce(e.right, U32);
    return this.binaryType(op, l, r, e.left, e.right, e.span);
  }

  binaryType(op: string, l: Ty, r: Ty, le: Expr, re: Expr, span: Span): Ty {
    // An abstract type parameter (generic code nothing instantiates) is checked at each instantiation instead.
    if (l.k === "error" || r.k === "error" || l.k === "param" || r.k === "param")
      return ["==", "!=", "<", "<=", ">", ">="].includes(op) ? BOOL : ERR;
    const bad = (): Ty => {
      this.c.err("E0203", `cannot apply \`${op}\` to ${tyToString(l)} and ${tyToString(r)}`, span, castHint(r, l));
      return ERR;
    };
    const protocolMix = (): Ty | undefined => {
      // Secret ⊕ clear in protocols: the result is secret.
      const ls = scalarOf(l);
      const rs = scalarOf(r);
      if (!isSecretTy(ls) && !isSecretTy(rs)) return undefined;
      if (this.ctx !== "protocol") return undefined;
      const sec = isSecretTy(ls) ? l : r;
      const other = isSecretTy(ls) ? r : l;
      const os = scalarOf(other);
      if (os.k === "lit") this.coerce(isSecretTy(ls) ? re : le, isSecretTy(ls) ? scalarOf(l) : scalarOf(r));
      const ok = os.k === "lit" || os.k === "int" || os.k === "field" || os.k === "fix" || isSecretTy(os);
      if (!ok) return bad();
      // mpc ops are element-wise on equal shapes; there is no scalar broadcasting.
      if ((l.k === "array") !== (r.k === "array")) {
        this.c.err("E0203", `\`${op}\` needs operands of the same shape, found ${tyToString(l)} and ${tyToString(r)}`, span, "combine element by element in a `for` loop");
        return ERR;
      }
      if (l.k === "array" && r.k === "array" && l.len !== r.len && l.len !== undefined && r.len !== undefined) return bad();
      return sec;
    };
    switch (op) {
      case "+":
      case "-":
      case "*": {
        const mix = protocolMix();
        if (mix) return mix;
        if (l.k === "lit" && r.k === "lit") return LIT;
        if (!tyEq(l, r)) return bad();
        if (l.k === "field" || l.k === "int" || l.k === "fix") return l;
        if (l.k === "array" && this.ctx === "protocol") return l;
        return bad();
      }
      case "/":
      case "%": {
        if (l.k === "lit" && r.k === "lit") return LIT;
        if (!tyEq(l, r)) return bad();
        if (l.k === "field" && op === "/") return l;
        if (l.k === "int") {
          if (this.constrained && !(this.isConst(le) && this.isConst(re)))
            this.c.err("E0405", `integer \`${op}\` is not allowed in constrained code (${CTX_NAME[this.ctx]})`, span, "compute it in a `hint fn` and constrain the result, or use field division");
          return l;
        }
        return bad();
      }
      case "@": {
        if (this.ctx !== "protocol") {
          this.c.err("E0403", "matrix multiplication `@` is only available in protocols", span);
          return ERR;
        }
        if (l.k !== "array" || r.k !== "array") return bad();
        const ld = l.elem.k === "array";
        const rd = r.elem.k === "array";
        const inner = (t: Extract<Ty, { k: "array" }>) => (t.elem.k === "array" ? t.elem.len : t.len);
        const k1 = ld ? inner(l) : l.len;
        const k2 = r.len;
        if (k1 !== undefined && k2 !== undefined && k1 !== k2)
          this.c.err("E0201", `matrix shapes do not match: ${tyToString(l)} @ ${tyToString(r)} (inner dimensions ${k1} and ${k2})`, span);
        const sl = scalarOf(l);
        const elem = isSecretTy(sl) ? sl : scalarOf(r);
        if (ld && rd) return { k: "array", elem: { k: "array", elem, len: (r.elem as { len?: number }).len }, len: l.len };
        if (ld) return { k: "array", elem, len: l.len };
        if (rd) return { k: "array", elem, len: (r.elem as { len?: number }).len };
        return elem;
      }
      case "<<":
      case ">>":
        if ((l.k === "int" || l.k === "lit") && r.k === "int") return l.k === "lit" ? this.coerce(le, U32) : l;
        return bad();
      case "&":
      case "|":
      case "^":
        if (l.k === "lit" && r.k === "lit") return LIT;
        if (!tyEq(l, r)) return bad();
        if (l.k === "int" || l.k === "bool") return l;
        return bad();
      case "&&":
      case "||":
        if (l.k === "bool" && r.k === "bool") return BOOL;
        return bad();
      case "==":
      case "!=":
        if (l.k === "lit" && r.k === "lit") return BOOL;
        if (!tyEq(l, r)) return bad();
        if (isSecretTy(scalarOf(l))) {
          this.c.err("E0203", "secret values cannot be compared with `==`; reveal them first", span);
          return ERR;
        }
        if (l.k === "field" || l.k === "int" || l.k === "bool") return BOOL;
        return bad();
      case "<":
      case "<=":
      case ">":
      case ">=": {
        if (this.ctx === "protocol" && (isSecretTy(l) || isSecretTy(r))) {
          const mix = protocolMix();
          return mix ? { k: "sint", f: (mix as { f: FieldInfo }).f } : ERR;
        }
        if (l.k === "lit" && r.k === "lit") return BOOL;
        if (!tyEq(l, r)) return bad();
        if (l.k === "int") return BOOL;
        if (l.k === "field") {
          if (this.ctx !== "hint")
            this.c.err("E0406", `field elements have no order in ${CTX_NAME[this.ctx]}; \`${op}\` on fields is only allowed in hint fns`, span, "convert to bits (`x.to_bits(n)`) or to an integer (`x as u64`) first");
          return BOOL;
        }
        return bad();
      }
    }
    return bad();
  }

  private cast(e: Extract<Expr, { kind: "Cast" }>): Ty {
    const to = this.c.resolveType(e.type, this.m, this.subst, this.ctx);
    // Only a bare literal takes the target type; `(8 * k) as u64` keeps k's type inside.
    let from = this.expr(e.expr);
    if (from.k === "lit") from = this.coerce(e.expr, to.k === "int" || to.k === "field" ? to : U32);
    if (from.k === "error" || to.k === "error") return to;
    const ok =
      (from.k === "int" && (to.k === "int" || to.k === "field")) ||
      (from.k === "bool" && (to.k === "int" || to.k === "field")) ||
      (from.k === "field" && (to.k === "int" || to.k === "field")) ||
      (from.k === "fix" && to.k === "fix") ||
      ((from.k === "int" || from.k === "field") && to.k === "fix");
    if (!ok) this.c.err("E0211", `cannot cast ${tyToString(from)} to ${tyToString(to)}`, e.span);
    if (from.k === "field" && to.k === "field" && !tyEq(from, to))
      this.c.err("E0211", `cannot cast between different fields (${tyToString(from)} to ${tyToString(to)})`, e.span);
    return to;
  }

  private indexType(e: Extract<Expr, { kind: "Index" }>, t: Ty): Ty {
    const base = t.k === "ref" ? t.inner : t;
    if (e.index.kind === "Range") {
      // Constant slice a[i..j] of a fixed-size array.
      const r = e.index;
      if (base.k !== "array" || !r.start || !r.end) {
        this.c.err("E0209", "slicing needs a fixed-size array and both bounds", e.span);
        return ERR;
      }
      this.expr(r.start, U32);
      this.expr(r.end, U32);
      const lo = this.requireConst(r.start, "a slice bound");
      const hi = this.requireConst(r.end, "a slice bound");
      if (typeof lo !== "bigint" || typeof hi !== "bigint") return ERR;
      const top = hi + (r.inclusive ? 1n : 0n);
      if (lo < 0n || top < lo || (base.len !== undefined && top > BigInt(base.len))) {
        this.c.err("E0304", `slice ${lo}..${top} is out of bounds for length ${base.len}`, e.index.span);
        return ERR;
      }
      return { k: "array", elem: base.elem, len: Number(top - lo) };
    }
    let it = this.expr(e.index, U32);
    if (it.k === "lit") it = this.coerce(e.index, U32);
    if (it.k !== "int" && it.k !== "error") this.c.err("E0201", `an index must be an integer, found ${tyToString(it)}`, e.index.span, it.k === "field" ? "cast it: `i as u32`" : undefined);
    if (base.k === "array") {
      const v = this.tryConst(e.index);
      if (typeof v === "bigint" && base.len !== undefined && (v < 0n || v >= BigInt(base.len)))
        this.c.err("E0304", `index ${v} is out of bounds for an array of length ${base.len}`, e.index.span);
      return base.elem;
    }
    if (base.k === "slice") return base.elem;
    if (base.k === "bytes") return { k: "int", bits: 8, signed: false };
    if (base.k !== "error") this.c.err("E0209", `cannot index into ${tyToString(t)}`, e.object.span);
    return ERR;
  }

  private structLit(e: StructLit, expected?: Ty): Ty {
    const segs = e.path.segments;
    if (segs.length === 0 || segs.some((x) => !x.name.name)) return ERR;
    const entry =
      segs.length === 1
        ? this.c.loader.lookupIn(this.m, segs[0].name.name, this.m)
        : this.c.loader.resolveModulePath(this.m, segs.map((s) => ({ name: s.name.name, span: s.name.span })), true);
    if (!entry) {
      if (segs.length === 1)
        this.c.err("E0102", `unknown struct \`${segs[0].name.name}\``, segs[0].name.span, suggestHint(segs[0].name.name, this.c.loader.namesIn(this.m)));
      for (const f of e.fields) if (f.value) this.expr(f.value);
      return ERR;
    }
    if (segs.length === 1) this.syms.reference(entry.sym, segs[0].name.span);
    if (entry.item?.kind !== "Struct") {
      this.c.err("E0107", `\`${entry.name}\` is not a struct`, e.path.span);
      return ERR;
    }
    const item = entry.item;
    const last = segs[segs.length - 1];
    let t: Ty;
    if (expected?.k === "struct" && expected.s.item === item && !last.args) t = expected;
    else {
      const args = (last.args ?? []).map((a) => this.c.genericArgValue(a, this.m, this.subst, this.ctx));
      // Infer generic args from the field values when not given.
      const inferred = emptySubst();
      if (item.generics.length && !last.args)
        for (const f of e.fields) {
          const decl = item.fields.find((d) => d.name.name === f.name.name);
          if (!decl) continue;
          const vt = f.value ? this.expr(f.value) : this.lookupLocal(f.name.name)?.ty;
          if (vt) unifyAst(decl.type, vt, item.generics, inferred);
        }
      t = this.c.instantiateStruct(item, entry.owner, args, e.path.span, this.subst, inferred);
    }
    if (t.k !== "struct") return t;
    this.inst?.structs.set(e, t.s);
    const given = new Set<string>();
    for (const f of e.fields) {
      const decl = t.s.fields.find((x) => x.name === f.name.name);
      if (given.has(f.name.name)) this.c.err("E0210", `field \`${f.name.name}\` is given twice`, f.name.span);
      given.add(f.name.name);
      if (!decl) {
        this.c.err("E0108", `struct \`${t.s.name}\` has no field \`${f.name.name}\``, f.name.span, suggestHint(f.name.name, t.s.fields.map((x) => x.name)));
        if (f.value) this.expr(f.value);
        continue;
      }
      const fdecl = item.fields.find((d) => d.name.name === f.name.name);
      const sym = fdecl && this.c.fieldSymbol(fdecl);
      if (sym) this.syms.reference(sym, f.name.span);
      if (f.value) this.expectType(f.value, this.expr(f.value, decl.type), decl.type);
      else {
        // Shorthand `Leaf { value }` reads the local `value`.
        const fake: PathExpr = {
          kind: "PathExpr",
          path: { kind: "Path", segments: [{ kind: "PathSegment", name: f.name, span: f.name.span }], span: f.name.span },
          span: f.name.span,
        };
        (f as { value?: Expr }).value = undefined;
        const vt = this.expr(fake);
        this.shorthand.set(f, fake);
        this.expectType(fake, vt, decl.type);
      }
    }
    const missing = t.s.fields.filter((x) => !given.has(x.name)).map((x) => x.name);
    if (missing.length) this.c.err("E0210", `missing field(s) ${missing.map((m) => `\`${m}\``).join(", ")} in \`${t.s.name}\``, e.span);
    return t;
  }
  private get shorthand(): Map<object, PathExpr> {
    return shorthandOf(this.inst);
  }

  // --- calls -------------------------------------------------------------------------------------

  private call(e: CallExpr, expected?: Ty): Ty {
    const callee = e.callee;
    if (callee.kind !== "PathExpr") {
      this.expr(callee);
      this.c.err("E0208", "only named functions can be called", callee.span);
      e.args.forEach((a) => this.expr(a));
      return ERR;
    }
    const segs = callee.path.segments;
    if (segs.length === 0 || segs.some((x) => !x.name.name)) {
      e.args.forEach((a) => this.expr(a));
      return ERR;
    }
    const last = segs[segs.length - 1];
    const name = last.name.name;
    // Associated `T::from_bits(bits)`.
    if (segs.length >= 2 && name === "from_bits") {
      const tyPath: AstType = {
        kind: "PathType",
        path: { kind: "Path", segments: segs.slice(0, -1), span: callee.span },
        span: callee.span,
      };
      const to = this.c.resolveType(tyPath, this.m, this.subst, this.ctx);
      return this.fromBits(e, to, e.args);
    }
    if (segs.length === 1 && !this.lookupLocal(name) && (BUILTIN_FNS as readonly string[]).includes(name) && !this.c.loader.lookupIn(this.m, name, this.m)) {
      if (this.ctx !== "kernel")
        this.c.err("E0403", `\`${name}()\` is only available in kernels, not in ${CTX_NAME[this.ctx]}`, callee.span);
      let dim = 0;
      if (e.args.length > 1 || (name === "barrier" && e.args.length > 0))
        this.c.err("E0202", `\`${name}\` takes ${name === "barrier" ? "no arguments" : "at most one argument (the dimension)"}`, e.span);
      if (e.args.length === 1 && name !== "barrier") {
        this.expr(e.args[0], U32);
        const d = this.requireConst(e.args[0], "a dimension");
        if (typeof d === "bigint") {
          if (d < 0n || d > 2n) this.c.err("E0204", "dimension must be 0, 1 or 2", e.args[0].span);
          dim = Number(d);
        }
      }
      this.inst?.calls.set(e, { k: "builtin", name: name as (typeof BUILTIN_FNS)[number], dim });
      return name === "barrier" ? UNIT : U32;
    }
    const entry =
      segs.length === 1
        ? this.c.loader.lookupIn(this.m, name, this.m)
        : this.c.loader.resolveModulePath(this.m, segs.map((s) => ({ name: s.name.name, span: s.name.span })), true);
    if (!entry) {
      if (segs.length === 1) {
        const local = this.lookupLocal(name);
        if (local) this.c.err("E0208", `\`${name}\` is a variable, not a function`, callee.span);
        else {
          const cands = [...this.c.loader.namesIn(this.m), ...BUILTIN_FNS, ...this.scopes.flatMap((s) => [...s.keys()])];
          this.c.err("E0101", `cannot find function \`${name}\` in this scope`, last.name.span, suggestHint(name, cands));
        }
      }
      e.args.forEach((a) => this.expr(a));
      return ERR;
    }
    if (segs.length === 1) this.syms.reference(entry.sym, last.name.span);
    const it = entry.item;
    if (it?.kind !== "Fn") {
      const kind = it ? itemWord(it) : "module";
      this.c.err(
        "E0208",
        `${kind} \`${entry.name}\` cannot be called`,
        callee.span,
        it && ["Circuit", "Program", "Protocol", "Kernel"].includes(it.kind) ? "move the shared logic into a `fn` and call that" : undefined,
      );
      e.args.forEach((a) => this.expr(a));
      return ERR;
    }
    return this.callFn(e, it, entry, last.args, expected);
  }

  private callFn(e: CallExpr, it: FnItem, entry: Entry, gargs: GenericArg[] | undefined, expected?: Ty): Ty {
    if (it.params.length !== e.args.length) {
      this.c.err("E0202", `\`${it.name.name}\` takes ${it.params.length} argument(s) but ${e.args.length} were given`, e.span);
      e.args.forEach((a) => this.expr(a));
      return ERR;
    }
    const calleeCtx: CtxKind = it.hint ? "hint" : this.ctx === "circuit" ? "fn" : this.ctx;
    if (!it.hint && this.ctx === "hint") {
      // fns called from hints run unconstrained too.
    }
    const explicit = (gargs ?? []).map((a) => this.c.genericArgValue(a, this.m, this.subst, this.ctx));
    // Non-generic params give their type to the argument (literals take it).
    const generic = new Set(it.generics.map((g) => g.name.name));
    const argTys = e.args.map((a, i) => {
      const pt = it.params[i].type;
      const hint = !mentions(pt, generic) ? this.c.resolveType(pt, entry.owner, emptySubst(), calleeCtx) : undefined;
      return this.expr(a, hint);
    });
    const inferred = emptySubst();
    e.args.forEach((_, i) => unifyAst(it.params[i].type, argTys[i], it.generics, inferred));
    if (expected && it.ret) unifyAst(it.ret, expected, it.generics, inferred);
    const { subst, concrete } = this.c.bindGenerics(it.generics, explicit, entry.owner, e.span, this.subst, inferred);
    const inst = this.c.instance(it, entry.owner, subst, calleeCtx, concrete && (this.inst?.concrete ?? true));
    this.inst?.callees.add(inst);
    this.inst?.calls.set(e, { k: "fn", inst });
    if (this.runtimeIf > 0 && this.constrained) this.c.conditionalCalls.push({ inst, span: e.span });
    e.args.forEach((a, i) => this.expectType(a, argTys[i], inst.params[i].ty));
    return inst.ret;
  }

  private fromBits(e: Expr, to: Ty, args: Expr[]): Ty {
    if (args.length !== 1) {
      this.c.err("E0202", "`from_bits` takes one argument: an array of bools", e.span);
      args.forEach((a) => this.expr(a));
      return ERR;
    }
    const bt = this.expr(args[0]);
    if (bt.k !== "error" && !(bt.k === "array" && bt.elem.k === "bool"))
      this.c.err("E0201", `\`from_bits\` needs an array of bools, found ${tyToString(bt)}`, args[0].span);
    if (to.k !== "field" && to.k !== "int" && to.k !== "error") {
      this.c.err("E0203", `\`from_bits\` builds integers or field elements, not ${tyToString(to)}`, e.span);
      return ERR;
    }
    if (to.k === "int" && bt.k === "array" && bt.len !== undefined && bt.len > to.bits)
      this.c.err("E0201", `${bt.len} bits do not fit in ${tyToString(to)}`, args[0].span);
    this.inst?.calls.set(e, { k: "from_bits", ty: to });
    return to;
  }

  private methodCall(e: MethodCallExpr, expected?: Ty): Ty {
    const name = e.method.name;
    const rt = this.expr(e.receiver);
    const base = rt.k === "ref" ? rt.inner : rt;
    switch (name) {
      case "to_bits": {
        if (base.k !== "field" && base.k !== "int" && base.k !== "error") break;
        let bits = base.k === "int" ? base.bits : undefined;
        if (e.args.length > 1) this.c.err("E0202", "`to_bits` takes one argument: the number of bits", e.span);
        if (e.args.length === 1) {
          this.expr(e.args[0], U32);
          const n = this.requireConst(e.args[0], "the bit count of `to_bits`");
          if (typeof n === "bigint") {
            const max = base.k === "field" ? base.f.modulus.toString(2).length : base.k === "int" ? base.bits : 256;
            if (n < 1n || n > BigInt(max)) this.c.err("E0204", `bit count ${n} is out of range 1..=${max}`, e.args[0].span);
            else bits = Number(n);
          }
        } else if (base.k === "field") this.c.err("E0202", "`to_bits` on a field element needs the number of bits, e.g. `x.to_bits(254)`", e.span);
        if (bits === undefined) return ERR;
        this.inst?.calls.set(e, { k: "to_bits", bits });
        return { k: "array", elem: BOOL, len: bits };
      }
      case "from_bits": {
        if (base.k !== "array" && base.k !== "error") break;
        let to: Ty = expected && (expected.k === "field" || expected.k === "int") ? expected : { k: "field", f: this.c.useField(this.c.defaultField) };
        if (e.generics?.length === 1) {
          const g = this.c.genericArgValue(e.generics[0], this.m, this.subst, this.ctx);
          if (isTy(g)) to = g;
        }
        if (e.args.length) this.c.err("E0202", "`bits.from_bits()` takes no arguments", e.span);
        if (base.k === "array" && base.elem.k !== "bool") this.c.err("E0201", `\`from_bits\` needs an array of bools, found ${tyToString(base)}`, e.receiver.span);
        this.inst?.calls.set(e, { k: "from_bits", ty: to });
        return to;
      }
      case "len": {
        if (base.k !== "array" && base.k !== "slice" && base.k !== "bytes" && base.k !== "error") break;
        if (e.args.length) this.c.err("E0202", "`len` takes no arguments", e.span);
        this.inst?.calls.set(e, { k: "len" });
        if (base.k === "array" && base.len !== undefined) this.inst?.consts.set(e, BigInt(base.len));
        return U32;
      }
      case "inv": {
        if (base.k !== "field" && base.k !== "error") break;
        if (e.args.length) this.c.err("E0202", "`inv` takes no arguments", e.span);
        this.inst?.calls.set(e, { k: "inv" });
        return base;
      }
    }
    e.args.forEach((a) => this.expr(a));
    if (rt.k !== "error")
      this.c.err("E0109", `no method \`${name}\` on ${tyToString(rt)}`, e.method.span, suggestHint(name, ["to_bits", "from_bits", "len", "inv"]));
    return ERR;
  }
}

const shorthandMaps = new WeakMap<object, Map<object, PathExpr>>();
const globalShorthand = new Map<object, PathExpr>();
/** Synthetic path expressions standing for `Leaf { value }` shorthand fields, per instance. */
export function shorthandOf(inst: Instance | undefined): Map<object, PathExpr> {
  if (!inst) return globalShorthand;
  let m = shorthandMaps.get(inst);
  if (!m) shorthandMaps.set(inst, (m = new Map()));
  return m;
}

/** Did the parser recover inside this block (so a missing value may be its fault)? */
function hasErrorNode(b: Block): boolean {
  let found = false;
  walk(b, (n) => {
    if (n.kind === "ErrorExpr" || n.kind === "ErrorType") found = true;
    return !found;
  });
  return found;
}

function hasParam(t: Ty): boolean {
  switch (t.k) {
    case "param":
      return true;
    case "array":
    case "slice":
      return hasParam(t.elem);
    case "ref":
      return hasParam(t.inner);
    case "tuple":
      return t.elems.some(hasParam);
    default:
      return false;
  }
}

function hasLit(t: Ty): boolean {
  return scalarOf(t).k === "lit";
}

function replaceLit(t: Ty, s: Ty): Ty {
  if (t.k === "lit") return s;
  if (t.k === "array") return { k: "array", elem: replaceLit(t.elem, s), len: t.len };
  return t;
}

function itemWord(it: Item): string {
  switch (it.kind) {
    case "Fn":
      return it.hint ? "hint fn" : "function";
    case "PrimeField":
      return "field type";
    case "TypeAlias":
      return "type alias";
    case "Mod":
      return "module";
    default:
      return it.kind.toLowerCase();
  }
}

function castHint(got: Ty, want: Ty): string | undefined {
  if ((got.k === "int" || got.k === "field") && (want.k === "int" || want.k === "field") && !tyEq(got, want))
    return `convert with \`as ${tyToString(want)}\``;
  return undefined;
}

function mentions(t: AstType, names: Set<string>): boolean {
  if (names.size === 0) return false;
  switch (t.kind) {
    case "PathType":
      return t.path.segments.some((s) => names.has(s.name.name) || (s.args ?? []).some((a) => (a.kind === "TypeArg" ? mentions(a.type, names) : true)));
    case "ArrayType":
      return mentions(t.elem, names) || exprMentions(t.len, names);
    case "SliceType":
      return mentions(t.elem, names);
    case "RefType":
    case "QualifiedType":
      return mentions(t.inner, names);
    case "TupleType":
      return t.elems.some((e) => mentions(e, names));
    default:
      return false;
  }
}

function exprMentions(e: Expr, names: Set<string>): boolean {
  if (e.kind === "PathExpr") return e.path.segments.length === 1 && names.has(e.path.segments[0].name.name);
  if (e.kind === "Binary") return exprMentions(e.left, names) || exprMentions(e.right, names);
  if (e.kind === "Paren") return exprMentions(e.inner, names);
  return false;
}

/** Bind generic params by matching a declared (AST) type against a concrete one. */
function unifyAst(t: AstType, v: Ty, generics: GenericParam[], out: Subst): void {
  if (v.k === "error" || v.k === "lit") return;
  switch (t.kind) {
    case "PathType": {
      const segs = t.path.segments;
      if (segs.length === 1) {
        const g = generics.find((x) => x.name.name === segs[0].name.name);
        if (g?.kind === "TypeParam" && !out.types.has(g.name.name)) out.types.set(g.name.name, v);
        const args = segs[0].args;
        if (args && v.k === "struct") {
          const sg = v.s.item.generics;
          args.forEach((a, i) => {
            if (a.kind !== "TypeArg" || !sg[i]) return;
            if (sg[i].kind === "TypeParam") {
              // Recover the struct's instantiation from its field types is costly; match by name instead.
              const inner = a.type;
              if (inner.kind === "PathType" && inner.path.segments.length === 1) {
                const gp = generics.find((x) => x.name.name === inner.path.segments[0].name.name);
                const fieldWithParam = v.s.item.fields.findIndex((f) => f.type.kind === "PathType" && f.type.path.segments[0]?.name.name === sg[i].name.name);
                if (gp?.kind === "TypeParam" && fieldWithParam >= 0 && !out.types.has(gp.name.name)) out.types.set(gp.name.name, v.s.fields[fieldWithParam].type);
              }
            }
          });
        }
      }
      return;
    }
    case "ArrayType":
      if (v.k !== "array") return;
      unifyAst(t.elem, v.elem, generics, out);
      if (t.len.kind === "PathExpr" && t.len.path.segments.length === 1 && v.len !== undefined) {
        const g = generics.find((x) => x.name.name === t.len.kind && false) ?? generics.find((x) => x.kind === "ConstParam" && x.name.name === (t.len as PathExpr).path.segments[0].name.name);
        if (g && !out.consts.has(g.name.name)) out.consts.set(g.name.name, BigInt(v.len));
      }
      return;
    case "SliceType":
      if (v.k === "slice" || v.k === "array") unifyAst(t.elem, v.elem, generics, out);
      return;
    case "RefType":
      if (v.k === "ref") unifyAst(t.inner, v.inner, generics, out);
      else unifyAst(t.inner, v, generics, out);
      return;
    case "TupleType":
      if (v.k === "tuple") t.elems.forEach((e, i) => v.elems[i] && unifyAst(e, v.elems[i], generics, out));
      return;
    case "QualifiedType":
      unifyAst(t.inner, v, generics, out);
      return;
    default:
      return;
  }
}

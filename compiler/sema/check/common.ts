// What the checker's parts share: the records an Instance keeps for lowering, the kinds of body being
// checked, and small helpers over types and AST.
import type {
  Block,
  CircuitItem,
  Expr,
  FnItem,
  GenericParam,
  Item,
  KernelItem,
  LookupStmt,
  PushStmt,
  Param,
  PathExpr,
  Pattern,
  ProgramItem,
  ProtocolItem,
  StructLit,
  Type as AstType,
} from "../../syntax/index.ts";
import { walk } from "../../syntax/index.ts";
import { type CV } from "../consteval.ts";
import { type ModScope } from "../scope.ts";
import type { SymbolInfo } from "../symbols.ts";
import { ERR, type StructInfo, type Ty, UNIT, scalarOf, tyEq, tyToString } from "../types.ts";

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

export class UnknownConst extends Error {}

export const BUILTIN_FNS = ["global_id", "local_id", "workgroup_id", "num_workgroups", "barrier"] as const;
export const BUILTIN_TYPES = ["u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "bool", "Field", "Bytes", "sint", "sfix", "fix"];

// An item's number, kept on the item under a symbol key (a WeakMap of every item of a large file was
// slow to look up and to collect).
const ITEM_ID = Symbol("itemId");
let nextItemId = 0;
export function itemId(it: object): number {
  const o = it as { [ITEM_ID]?: number };
  return (o[ITEM_ID] ??= nextItemId++);
}

export function emptySubst(): Subst {
  return { types: new Map(), consts: new Map() };
}

export function isTy(a: Ty | CV | undefined): a is Ty {
  return typeof a === "object" && a !== null && !Array.isArray(a) && "k" in a;
}

export function irTypeName(t: Ty): string {
  switch (t.k) {
    case "field":
      return t.f.ir;
    case "array":
      return `${irTypeName(t.elem)}x${t.len ?? "N"}`;
    default:
      return tyToString(t).replace(/[^A-Za-z0-9_]/g, "_");
  }
}

export function ctxOfItem(item: FnLike): CtxKind {
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

export const CTX_NAME: Record<CtxKind, string> = {
  circuit: "a circuit",
  fn: "a function",
  hint: "a hint fn",
  program: "a program",
  protocol: "a protocol",
  kernel: "a kernel",
};


export const shorthandMaps = new WeakMap<object, Map<object, PathExpr>>();
export const globalShorthand = new Map<object, PathExpr>();
/** Synthetic path expressions standing for `Leaf { value }` shorthand fields, per instance. */
export function shorthandOf(inst: Instance | undefined): Map<object, PathExpr> {
  if (!inst) return globalShorthand;
  let m = shorthandMaps.get(inst);
  if (!m) shorthandMaps.set(inst, (m = new Map()));
  return m;
}

/** Did the parser recover inside this block (so a missing value may be its fault)? */
export function hasErrorNode(b: Block): boolean {
  let found = false;
  walk(b, (n) => {
    if (n.kind === "ErrorExpr" || n.kind === "ErrorType") found = true;
    return !found;
  });
  return found;
}

export function hasParam(t: Ty): boolean {
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

export function hasLit(t: Ty): boolean {
  return scalarOf(t).k === "lit";
}

export function replaceLit(t: Ty, s: Ty): Ty {
  if (t.k === "lit") return s;
  if (t.k === "array") return { k: "array", elem: replaceLit(t.elem, s), len: t.len };
  return t;
}

export function itemWord(it: Item): string {
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

export function castHint(got: Ty, want: Ty): string | undefined {
  if ((got.k === "int" || got.k === "field") && (want.k === "int" || want.k === "field") && !tyEq(got, want))
    return `convert with \`as ${tyToString(want)}\``;
  return undefined;
}

export function mentions(t: AstType, names: Set<string>): boolean {
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

export function exprMentions(e: Expr, names: Set<string>): boolean {
  if (e.kind === "PathExpr") return e.path.segments.length === 1 && names.has(e.path.segments[0].name.name);
  if (e.kind === "Binary") return exprMentions(e.left, names) || exprMentions(e.right, names);
  if (e.kind === "Paren") return exprMentions(e.inner, names);
  return false;
}

/** Bind generic params by matching a declared (AST) type against a concrete one. */
export function unifyAst(t: AstType, v: Ty, generics: GenericParam[], out: Subst): void {
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

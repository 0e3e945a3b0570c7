// CWIR `spec` item → SpecModel: how the checker takes a spec as data. The IR comes from the compiler
// (compiler/spec/ir.ts) or from CWIR text; the runtime must not import the compiler, so the shapes it
// reads are declared here structurally (compiler/ir's Func, Op, Block and Value satisfy them as they
// are): ops with a name, operands, results, attributes, regions and a location.
//
// Expression ops form terms: the SSA value of an op stands for its expression tree, which the checker
// evaluates where a statement, guard or predicate uses it (so `&&`, `||`, `=>` and spec.ite only
// evaluate the side they need, as in the source). Locations become the expressions' spans; a spec
// action's `when`-insertion point is the end of its location (the span runs from the action's name to
// its body).
import type {
  ActionDecl, AdversaryDecl, BinOp, Binder, DomainDecl, Expr, InvariantDecl, ParamDecl, PropertyDecl, SetMethod, Span, SpecModel, StateDecl, Stmt, TypeExpr,
} from "./model.ts";
import { typeFromAttr } from "./ir-attrs.ts";

/** An SSA value: only its identity and CWIR type (i1 or not) are read. */
export interface IrValue {
  readonly type: { readonly kind: string; readonly width?: number };
}
export interface IrOp {
  readonly name: string;
  readonly operands: readonly IrValue[];
  readonly results: readonly IrValue[];
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly regions: readonly IrRegion[];
  readonly loc?: Span;
}
export interface IrBlock {
  readonly args: readonly IrValue[];
  readonly ops: readonly IrOp[];
}
export interface IrRegion {
  readonly blocks: readonly IrBlock[];
}
export interface IrFunc {
  readonly kind: string;
  readonly name: string;
  readonly body: IrRegion;
}

/** Malformed spec IR (the verifier reports the same problems as E09xx before a reader sees them). */
export class SpecIrError extends Error {
  constructor(message: string, readonly span?: Span) {
    super(message);
    this.name = "SpecIrError";
  }
}

const isBool = (v: IrValue) => v.type.kind === "int" && v.type.width === 1;

/** The SpecModel of a CWIR `spec` item. */
export function specFromIr(f: IrFunc): SpecModel {
  if (f.kind !== "spec") throw new SpecIrError(`@${f.name} is a ${f.kind}, not a spec`);
  return new Reader().read(f);
}

class Reader {
  /** The expression tree each value stands for. */
  private exprs = new Map<IrValue, Expr>();
  /** Bound names: block arguments and spec.let results. */
  private names = new Map<IrValue, string>();

  read(f: IrFunc): SpecModel {
    const model: SpecModel = { name: f.name, params: [], domains: [], state: [], actions: [], invariants: [], properties: [], adversaries: [] };
    for (const op of entry(f.body, `@${f.name}`).ops) {
      const span = spanOf(op);
      const name = () => str(op, "name");
      switch (op.name) {
        case "spec.param":
          model.params.push(withSpan<ParamDecl>({ name: name(), def: Number(int(op, "default")) }, span));
          break;
        case "spec.domain": {
          const [lo, hi] = this.yields(op, 0, 2);
          const d: DomainDecl = { name: name(), lo, hi, symmetric: op.attrs.symmetric === true };
          if (op.attrs.labels !== undefined) d.labels = strs(op, "labels");
          model.domains.push(withSpan(d, span));
          break;
        }
        case "spec.state": {
          const [init] = this.yields(op, 0, 0, 1);
          const s: StateDecl = { name: name(), ty: type(op, "type"), ghost: op.attrs.ghost === true };
          if (init) s.init = init;
          model.state.push(withSpan(s, span));
          break;
        }
        case "spec.action":
          model.actions.push(this.action(op, span));
          break;
        case "spec.invariant": {
          const [e] = this.yields(op, 0, 1);
          model.invariants.push(withSpan<InvariantDecl>({ name: name(), e }, span));
          break;
        }
        case "spec.property":
          model.properties.push(this.property(op, span));
          break;
        case "spec.adversary":
          model.adversaries.push(this.adversary(op, span));
          break;
        default:
          throw new SpecIrError(`${op.name} cannot appear at the top of a spec`, span);
      }
    }
    return model;
  }

  private action(op: IrOp, span: Span | undefined): ActionDecl {
    const names = strs(op, "params");
    const tys = types(op, "param_types");
    if (names.length !== tys.length) throw new SpecIrError("spec.action: params and param_types differ in length", span);
    const params: Binder[] = names.map((name, i) => ({ name, ty: tys[i] }));
    const [guardBlock, effectBlock] = [0, 1].map((i) => region(op, i));
    for (const blk of [guardBlock, effectBlock]) this.bind(blk.args, names, op);
    const [guard] = this.exprBlock(guardBlock, 0, 1, op);
    const body = this.stmts(effectBlock);
    const a: ActionDecl = { name: str(op, "name"), params, guard, body, span, forgeable: op.attrs.byzantine === true };
    if (!guard) delete a.guard;
    // The source span runs from the action's name to its body, where a missing `when` goes.
    if (span) a.headSpan = { file: span.file, start: span.end, end: span.end };
    return withSpan(a, span);
  }

  private property(op: IrOp, span: Span | undefined): PropertyDecl {
    const name = str(op, "name");
    const kind = str(op, "kind");
    switch (kind) {
      case "always": {
        const [e] = this.yields(op, 0, 1);
        return withSpan<PropertyDecl>({ name, kind, e }, span);
      }
      case "within": {
        const [e, steps] = this.yields(op, 0, 2);
        return withSpan<PropertyDecl>({ name, kind, e, steps }, span);
      }
      case "eventually": {
        const [e] = this.yields(op, 0, 1);
        const fairness = str(op, "fairness");
        if (fairness !== "none" && fairness !== "weak") throw new SpecIrError(`spec.property: unknown fairness "${fairness}"`, span);
        const p: PropertyDecl = { name, kind, e, fairness };
        if (op.attrs.fair_actions !== undefined) p.fairActions = strs(op, "fair_actions");
        return withSpan(p, span);
      }
      case "noninterference":
        this.yields(op, 0, 0);
        return withSpan<PropertyDecl>({ name, kind, secret: strs(op, "secret"), observer: strs(op, "observer") }, span);
    }
    throw new SpecIrError(`spec.property: unknown kind "${kind}"`, span);
  }

  private adversary(op: IrOp, span: Span | undefined): AdversaryDecl {
    const kind = str(op, "kind");
    const channel = typeof op.attrs.channel === "string" ? op.attrs.channel : undefined;
    switch (kind) {
      case "byzantine": {
        const [f] = this.yields(op, 0, 1);
        const a: AdversaryDecl = { kind, f };
        if (op.attrs.actions !== undefined) a.actions = strs(op, "actions");
        return withSpan(a, span);
      }
      case "network": {
        this.yields(op, 0, 0);
        const flag = (k: string) => op.attrs[k] === true;
        const a: AdversaryDecl = { kind, channel, drop: flag("drop"), delay: flag("delay"), duplicate: flag("duplicate"), reorder: flag("reorder") };
        if (channel === undefined) delete a.channel;
        return withSpan(a, span);
      }
      case "flood": {
        const [k] = this.yields(op, 0, 1);
        const a: AdversaryDecl = { kind, k, channel };
        if (channel === undefined) delete a.channel;
        return withSpan(a, span);
      }
    }
    throw new SpecIrError(`spec.adversary: unknown kind "${kind}"`, span);
  }

  /** Expressions yielded by region `i` of `op` (between `min` and `max` of them). */
  private yields(op: IrOp, i: number, min: number, max = min): Expr[] {
    return this.exprBlock(region(op, i), min, max, op);
  }

  private exprBlock(blk: IrBlock, min: number, max: number, owner: IrOp): Expr[] {
    const ops = blk.ops;
    const term = ops[ops.length - 1];
    if (term?.name !== "cf.yield") throw new SpecIrError(`${owner.name}: a region must end with cf.yield`, spanOf(owner));
    for (const op of ops.slice(0, -1)) this.exprOp(op);
    if (term.operands.length < min || term.operands.length > max)
      throw new SpecIrError(`${owner.name}: expected ${min === max ? min : `${min} to ${max}`} yielded value(s), found ${term.operands.length}`, spanOf(owner));
    return term.operands.map((v) => this.use(v, owner));
  }

  private bind(args: readonly IrValue[], names: string[], owner: IrOp): void {
    if (args.length !== names.length) throw new SpecIrError(`${owner.name}: a region binds ${args.length} value(s) for ${names.length} name(s)`, spanOf(owner));
    args.forEach((a, i) => this.names.set(a, names[i]));
  }

  private use(v: IrValue, owner: IrOp): Expr {
    const e = this.exprs.get(v);
    if (e) return e;
    // A binder or a spec.let result used directly (without spec.local) is the same local.
    const name = this.names.get(v);
    if (name !== undefined) return { k: "local", name };
    throw new SpecIrError(`${owner.name}: an operand is not a spec expression`, spanOf(owner));
  }

  private stmts(blk: IrBlock): Stmt[] {
    const out: Stmt[] = [];
    for (const op of blk.ops) {
      const span = spanOf(op);
      const arg = (i: number) => this.use(op.operands[i], op);
      switch (op.name) {
        case "cf.yield":
          if (op.operands.length) throw new SpecIrError("an effect region yields no value", span);
          break;
        case "spec.let": {
          const name = str(op, "name");
          const s: Stmt = { k: "let", name, ty: op.attrs.type === undefined ? undefined : type(op, "type"), e: arg(0), span };
          if (!s.ty) delete s.ty;
          out.push(withSpan(s, span));
          this.names.set(op.results[0], name);
          break;
        }
        case "spec.assign":
          out.push(withSpan<Stmt>({ k: "assign", target: arg(0), e: arg(1), span }, span));
          break;
        case "spec.assert":
          out.push(withSpan<Stmt>({ k: "assert", e: arg(0), span }, span));
          break;
        case "spec.if": {
          const [then, els] = [0, 1].map((i) => this.stmts(region(op, i)));
          out.push(withSpan<Stmt>({ k: "if", c: arg(0), then, else: els, span }, span));
          break;
        }
        case "spec.for": {
          const blk = region(op, 0);
          const v = str(op, "var");
          this.bind(blk.args, [v], op);
          out.push(withSpan<Stmt>({ k: "for", v, ty: type(op, "type"), body: this.stmts(blk), span }, span));
          break;
        }
        default:
          this.exprOp(op);
      }
    }
    return out;
  }

  /** Records the expression an expression op stands for. */
  private exprOp(op: IrOp): void {
    const span = spanOf(op);
    const r = op.results[0];
    if (op.results.length !== 1) throw new SpecIrError(`${op.name} is not a spec expression`, span);
    const ty: TypeExpr = op.attrs.ty !== undefined ? type(op, "ty") : { k: isBool(r) ? "bool" : "int" };
    const arg = (i: number) => this.use(op.operands[i], op);
    const args = () => op.operands.map((_, i) => arg(i));
    let e: Expr;
    switch (op.name) {
      case "spec.const": {
        const v = op.attrs.value;
        if (typeof v === "boolean") e = { k: "bool", v };
        else if (typeof v === "bigint") e = { k: "num", v: Number(v) };
        else throw new SpecIrError("spec.const needs an integer or boolean 'value'", span);
        break;
      }
      case "spec.param_value":
        e = { k: "param", name: str(op, "name") };
        break;
      case "spec.read":
        e = { k: "state", name: str(op, "name") };
        break;
      case "spec.local": {
        const name = this.names.get(op.operands[0]);
        if (name === undefined) throw new SpecIrError("spec.local refers to a value that no spec binder or spec.let defines", span);
        e = { k: "local", name };
        break;
      }
      case "spec.un": {
        const o = str(op, "op");
        if (o !== "!" && o !== "-") throw new SpecIrError(`spec.un: unknown op "${o}"`, span);
        e = { k: "un", op: o, a: arg(0) };
        break;
      }
      case "spec.bin":
        e = { k: "bin", op: str(op, "op") as BinOp, a: arg(0), b: arg(1) };
        break;
      case "spec.min":
      case "spec.max":
        e = { k: op.name === "spec.min" ? "min" : "max", a: arg(0), b: arg(1) };
        break;
      case "spec.index":
        e = { k: "index", a: arg(0), i: arg(1) };
        break;
      case "spec.field":
        e = { k: "field", a: arg(0), i: Number(int(op, "index")) };
        break;
      case "spec.tuple":
        e = { k: "tuple", elems: args() };
        break;
      case "spec.in":
        e = { k: "in", a: arg(0), s: arg(1) };
        break;
      case "spec.method": {
        const [recv, ...rest] = args();
        e = { k: "call", m: str(op, "method") as SetMethod, recv, args: rest };
        break;
      }
      case "spec.set":
        e = { k: "setlit", elems: args() };
        break;
      case "spec.array":
        e = { k: "arr", elems: args() };
        break;
      case "spec.repeat":
        e = { k: "repeat", v: arg(0), n: arg(1) };
        break;
      case "spec.ite":
        e = { k: "ite", c: arg(0), a: arg(1), b: arg(2) };
        break;
      case "spec.honest":
      case "spec.byzantine":
        e = { k: "byz", negate: op.name === "spec.honest", a: arg(0) };
        break;
      case "spec.quant": {
        const q = str(op, "q");
        if (q !== "forall" && q !== "exists" && q !== "count") throw new SpecIrError(`spec.quant: unknown quantifier "${q}"`, span);
        const names = strs(op, "vars");
        const tys = types(op, "var_types");
        if (names.length !== tys.length) throw new SpecIrError("spec.quant: vars and var_types differ in length", span);
        const blk = region(op, 0);
        this.bind(blk.args, names, op);
        const [body] = this.exprBlock(blk, 1, 1, op);
        e = { k: "quant", q, vars: names.map((name, i) => ({ name, ty: tys[i] })), body };
        break;
      }
      default:
        throw new SpecIrError(`${op.name} is not a spec expression`, span);
    }
    if (span) e.span = span;
    e.ty = ty;
    this.exprs.set(r, e);
  }
}

function spanOf(op: IrOp): Span | undefined {
  const l = op.loc;
  // A location parsed from IR text whose file is not loaded has no offsets to point at.
  return l && l.file >= 0 ? l : undefined;
}

/** Sets `span` only when there is one (so a round trip adds no `span: undefined` keys). */
function withSpan<T extends { span?: Span }>(x: T, span: Span | undefined): T {
  if (span) x.span = span;
  else delete x.span;
  return x;
}

function entry(r: IrRegion, what: string): IrBlock {
  if (r.blocks.length !== 1) throw new SpecIrError(`${what}: expected one block, found ${r.blocks.length}`);
  return r.blocks[0];
}

function region(op: IrOp, i: number): IrBlock {
  const r = op.regions[i];
  if (!r) throw new SpecIrError(`${op.name} needs region ${i}`, spanOf(op));
  return entry(r, op.name);
}

function str(op: IrOp, key: string): string {
  const v = op.attrs[key];
  if (typeof v !== "string") throw new SpecIrError(`${op.name} needs a string attribute '${key}'`, spanOf(op));
  return v;
}

function int(op: IrOp, key: string): bigint {
  const v = op.attrs[key];
  if (typeof v !== "bigint") throw new SpecIrError(`${op.name} needs an integer attribute '${key}'`, spanOf(op));
  return v;
}

function strs(op: IrOp, key: string): string[] {
  const v = op.attrs[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw new SpecIrError(`${op.name} needs a list of strings '${key}'`, spanOf(op));
  return [...v] as string[];
}

function type(op: IrOp, key: string): TypeExpr {
  const t = typeFromAttr(op.attrs[key]);
  if (!t) throw new SpecIrError(`${op.name}: attribute '${key}' is not a spec type`, spanOf(op));
  return t;
}

function types(op: IrOp, key: string): TypeExpr[] {
  const v = op.attrs[key];
  if (!Array.isArray(v)) throw new SpecIrError(`${op.name} needs a list of spec types '${key}'`, spanOf(op));
  return v.map((a) => {
    const t = typeFromAttr(a);
    if (!t) throw new SpecIrError(`${op.name}: '${key}' holds something that is not a spec type`, spanOf(op));
    return t;
  });
}

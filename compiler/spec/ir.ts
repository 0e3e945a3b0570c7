// A checked SpecModel → one `spec` item of CWIR (the `spec` dialect, spec/ir.md). Declarations become
// top-level ops (spec.param, spec.domain, spec.state, spec.action, spec.invariant, spec.property,
// spec.adversary); every expression becomes an op whose location is the expression's `.cwl` span, so
// counterexample traces and repair hints point at the same source text as before the IR existed.
// Bound names (action parameters, quantifier and `for` variables, `let`s) are SSA values: block
// arguments of the region that binds them, or the result of spec.let.
//
// Values are typed i1 when the spec type is bool and i64 otherwise; the spec type itself rides in the
// `ty` attribute whenever it is not that default (bool for i1, int for i64), see runtime/spec/ir-attrs.ts.
import { Builder, Module, T, type Attrs, type Func, type Region, type Type, type Value } from "../ir/index.ts";
import type { Expr, SpecModel, Stmt, TypeExpr } from "../../runtime/spec/index.ts";
import { typeToAttr } from "../../runtime/spec/ir-attrs.ts";

/** CWIR type of a spec value: i1 for booleans, i64 for everything else (the spec type is an attribute). */
export function specValueType(t: TypeExpr | undefined): Type {
  return t?.k === "bool" ? T.i1 : T.i64;
}

type Scope = Map<string, Value>;

/** Lowers `model` (already type-checked: every expression has its `ty`) into `m` as `spec @Name`. */
export function specToIr(model: SpecModel, m: Module = new Module()): Func {
  const b = new Builder(m);
  const f = b.func("spec", model.name, []);

  /** `ty` attribute unless the CWIR type already says it (bool ↔ i1, int ↔ i64). */
  const tyAttr = (t: TypeExpr | undefined): Attrs => (!t || t.k === "bool" || t.k === "int" ? {} : { ty: typeToAttr(t) });
  const types = (ts: TypeExpr[]) => ts.map(typeToAttr);

  const value = (name: string, e: Expr, operands: Value[], attrs: Attrs = {}): Value =>
    b.at(e.span, () => b.op1(name, operands, specValueType(e.ty), { ...attrs, ...tyAttr(e.ty) }));

  function expr(e: Expr, scope: Scope): Value {
    const x = (a: Expr) => expr(a, scope);
    switch (e.k) {
      case "num":
        return value("spec.const", e, [], { value: BigInt(e.v) });
      case "bool":
        return value("spec.const", e, [], { value: e.v });
      case "param":
        return value("spec.param_value", e, [], { name: e.name });
      case "state":
        return value("spec.read", e, [], { name: e.name });
      case "local": {
        const v = scope.get(e.name);
        if (!v) throw new Error(`spec lowering: \`${e.name}\` is not bound`);
        return value("spec.local", e, [v]);
      }
      case "un":
        return value("spec.un", e, [x(e.a)], { op: e.op });
      case "bin":
        return value("spec.bin", e, [x(e.a), x(e.b)], { op: e.op });
      case "min":
      case "max":
        return value(`spec.${e.k}`, e, [x(e.a), x(e.b)]);
      case "index":
        return value("spec.index", e, [x(e.a), x(e.i)]);
      case "field":
        return value("spec.field", e, [x(e.a)], { index: BigInt(e.i) });
      case "tuple":
        return value("spec.tuple", e, e.elems.map(x));
      case "in":
        return value("spec.in", e, [x(e.a), x(e.s)]);
      case "call":
        return value("spec.method", e, [x(e.recv), ...e.args.map(x)], { method: e.m });
      case "setlit":
        return value("spec.set", e, e.elems.map(x));
      case "arr":
        return value("spec.array", e, e.elems.map(x));
      case "repeat":
        return value("spec.repeat", e, [x(e.v), x(e.n)]);
      case "ite":
        return value("spec.ite", e, [x(e.c), x(e.a), x(e.b)]);
      case "byz":
        return value(e.negate ? "spec.honest" : "spec.byzantine", e, [x(e.a)]);
      case "quant": {
        const body = b.region(e.vars.map((v) => specValueType(v.ty)), (args) => [expr(e.body, bind(scope, e.vars.map((v) => v.name), args))]);
        const attrs = { q: e.q, vars: e.vars.map((v) => v.name), var_types: types(e.vars.map((v) => v.ty)), ...tyAttr(e.ty) };
        return b.at(e.span, () => b.op("spec.quant", [], [specValueType(e.ty)], attrs, [body]).results[0]);
      }
    }
  }

  const bind = (scope: Scope, names: string[], vals: Value[]): Scope => {
    const s = new Map(scope);
    names.forEach((n, i) => s.set(n, vals[i]));
    return s;
  };

  function stmts(ss: Stmt[], scope: Scope): void {
    let sc = scope;
    for (const s of ss) {
      switch (s.k) {
        case "let": {
          const v = expr(s.e, sc);
          const attrs: Attrs = { name: s.name, ...(s.ty ? { type: typeToAttr(s.ty) } : {}) };
          const r = b.at(s.span, () => b.op1("spec.let", [v], specValueType(s.ty ?? s.e.ty), attrs));
          sc = bind(sc, [s.name], [r]);
          break;
        }
        case "assign": {
          const target = expr(s.target, sc);
          const v = expr(s.e, sc);
          b.at(s.span, () => b.op("spec.assign", [target, v]));
          break;
        }
        case "if": {
          const c = expr(s.c, sc);
          const inner = sc;
          const then = b.region([], () => (stmts(s.then, inner), []));
          const els = b.region([], () => (stmts(s.else, inner), []));
          b.at(s.span, () => b.op("spec.if", [c], [], {}, [then, els]));
          break;
        }
        case "for": {
          const inner = sc;
          const body = b.region([specValueType(s.ty)], (args) => (stmts(s.body, bind(inner, [s.v], args)), []));
          b.at(s.span, () => b.op("spec.for", [], [], { var: s.v, type: typeToAttr(s.ty) }, [body]));
          break;
        }
        case "assert": {
          const c = expr(s.e, sc);
          b.at(s.span, () => b.op("spec.assert", [c]));
          break;
        }
      }
    }
  }

  /** A region with no arguments yielding the given expressions (constants, predicates). */
  const yields = (es: (Expr | undefined)[]): Region => b.region([], () => es.filter((e): e is Expr => !!e).map((e) => expr(e, new Map())));

  for (const p of model.params) b.at(p.span, () => b.op("spec.param", [], [], { name: p.name, default: BigInt(p.def) }));
  for (const d of model.domains) {
    const attrs: Attrs = { name: d.name, ...(d.symmetric ? { symmetric: true } : {}), ...(d.labels ? { labels: d.labels } : {}) };
    b.at(d.span, () => b.op("spec.domain", [], [], attrs, [yields([d.lo, d.hi])]));
  }
  for (const s of model.state) {
    const attrs: Attrs = { name: s.name, type: typeToAttr(s.ty), ...(s.ghost ? { ghost: true } : {}) };
    b.at(s.span, () => b.op("spec.state", [], [], attrs, [yields([s.init])]));
  }
  for (const a of model.actions) {
    const argTypes = a.params.map((p) => specValueType(p.ty));
    const names = a.params.map((p) => p.name);
    const guard = b.region(argTypes, (args) => (a.guard ? [expr(a.guard, bind(new Map(), names, args))] : []));
    const effect = b.region(argTypes, (args) => (stmts(a.body, bind(new Map(), names, args)), []));
    const attrs: Attrs = { name: a.name, params: names, param_types: types(a.params.map((p) => p.ty)), ...(a.forgeable ? { byzantine: true } : {}) };
    b.at(a.span, () => b.op("spec.action", [], [], attrs, [guard, effect]));
  }
  for (const i of model.invariants) b.at(i.span, () => b.op("spec.invariant", [], [], { name: i.name }, [yields([i.e])]));
  for (const p of model.properties) {
    const attrs: Attrs = { name: p.name, kind: p.kind };
    let body: (Expr | undefined)[] = [];
    if (p.kind === "always") body = [p.e];
    if (p.kind === "within") body = [p.e, p.steps];
    if (p.kind === "eventually") {
      body = [p.e];
      attrs.fairness = p.fairness;
      if (p.fairActions) attrs.fair_actions = p.fairActions;
    }
    if (p.kind === "noninterference") Object.assign(attrs, { secret: p.secret, observer: p.observer });
    b.at(p.span, () => b.op("spec.property", [], [], attrs, [yields(body)]));
  }
  for (const a of model.adversaries) {
    const attrs: Attrs = { kind: a.kind };
    let body: Expr[] = [];
    if (a.kind === "byzantine") {
      body = [a.f];
      if (a.actions) attrs.actions = a.actions;
    } else if (a.kind === "network") {
      Object.assign(attrs, { drop: a.drop, delay: a.delay, duplicate: a.duplicate, reorder: a.reorder });
      if (a.channel !== undefined) attrs.channel = a.channel;
    } else {
      body = [a.k];
      if (a.channel !== undefined) attrs.channel = a.channel;
    }
    b.at(a.span, () => b.op("spec.adversary", [], [], attrs, [yields(body)]));
  }
  return f;
}

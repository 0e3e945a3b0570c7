// Type checking of a SpecModel: annotates every expression with its type and reports problems as
// (code, message, span) so that compiler/spec can turn them into diagnostics. Types stay symbolic
// (array lengths are param expressions); instantiate() resolves sizes.
import type { Binder, Expr, SpecModel, Stmt, TypeExpr, Span } from "./model.ts";

export interface SpecProblem {
  code: string;
  message: string;
  span?: Span;
  hint?: string;
}

export const INT: TypeExpr = { k: "int" };
export const BOOL: TypeExpr = { k: "bool" };

export function showType(t: TypeExpr): string {
  switch (t.k) {
    case "bool":
      return "bool";
    case "int":
      return "int";
    case "dom":
      return t.name;
    case "tuple":
      return `(${t.elems.map(showType).join(", ")})`;
    case "array":
      return `[${showType(t.elem)}; _]`;
    case "set":
      return `Set<${showType(t.elem)}>`;
    case "map":
      return `Map<${showType(t.key)}, ${showType(t.val)}>`;
    case "unknown":
      return "_";
  }
}

export const isIntLike = (t: TypeExpr) => t.k === "int" || t.k === "dom";
export const isFinite = (t: TypeExpr): boolean =>
  t.k === "bool" || t.k === "dom" || (t.k === "tuple" && t.elems.every(isFinite));

/** Whether a value of type b can flow where a is expected; fills in `set()` element types. */
export function compatible(a: TypeExpr, b: TypeExpr): boolean {
  if (a.k === "unknown" || b.k === "unknown") return true;
  if (isIntLike(a) && isIntLike(b)) return true;
  // `[v; n]` initialises a map keyed by a domain of n values (same slot layout).
  if (a.k === "map" && b.k === "array") return compatible(a.val, b.elem);
  if (a.k !== b.k) return false;
  switch (a.k) {
    case "tuple": {
      const bt = b as typeof a;
      return a.elems.length === bt.elems.length && a.elems.every((e, i) => compatible(e, bt.elems[i]));
    }
    case "array":
      return compatible(a.elem, (b as typeof a).elem);
    case "set": {
      const bs = b as typeof a;
      if (a.elem.k === "unknown") (a as { elem: TypeExpr }).elem = bs.elem;
      if (bs.elem.k === "unknown") (bs as { elem: TypeExpr }).elem = a.elem;
      return compatible(a.elem, bs.elem);
    }
    case "map": {
      const bm = b as typeof a;
      return compatible(a.key, bm.key) && compatible(a.val, bm.val);
    }
    default:
      return true;
  }
}

export function typecheck(model: SpecModel): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const err = (code: string, message: string, span?: Span, hint?: string) => problems.push({ code, message, span, hint });
  const stateTy = new Map(model.state.map((s) => [s.name, s.ty]));
  const params = new Set(model.params.map((p) => p.name));
  const doms = new Set(model.domains.map((d) => d.name));
  const hasByz = model.adversaries.some((a) => a.kind === "byzantine");

  const checkTypeExpr = (t: TypeExpr, span?: Span) => {
    if (t.k === "dom" && !doms.has(t.name)) err("E0701", `unknown domain \`${t.name}\``, span);
    if (t.k === "array") {
      checkTypeExpr(t.elem, span);
      expr(t.len, new Map());
    }
    if (t.k === "set") {
      checkTypeExpr(t.elem, span);
      if (!isFinite(t.elem))
        err("E0703", `set elements must range over a finite domain, found \`${showType(t.elem)}\``, span, "declare a domain such as `type Val = 0..3;`");
    }
    if (t.k === "map") {
      checkTypeExpr(t.key, span);
      checkTypeExpr(t.val, span);
      if (!isFinite(t.key)) err("E0703", `map keys must range over a finite domain, found \`${showType(t.key)}\``, span);
    }
    if (t.k === "tuple") t.elems.forEach((e) => checkTypeExpr(e, span));
  };

  const want = (e: Expr, t: TypeExpr, what: string) => {
    if (e.ty && !compatible(t, e.ty))
      err("E0702", `${what}: expected \`${showType(t)}\`, found \`${showType(e.ty)}\``, e.span);
  };
  const wantInt = (e: Expr, what: string) => {
    if (e.ty && e.ty.k !== "unknown" && !isIntLike(e.ty))
      err("E0702", `${what}: expected an integer, found \`${showType(e.ty)}\``, e.span);
  };
  const binders = (vars: Binder[], scope: Map<string, TypeExpr>, span?: Span) => {
    const inner = new Map(scope);
    for (const b of vars) {
      checkTypeExpr(b.ty, span);
      if (!isFinite(b.ty)) err("E0703", `\`${b.name}\` must range over a finite domain, found \`${showType(b.ty)}\``, span);
      inner.set(b.name, b.ty);
    }
    return inner;
  };

  function expr(e: Expr, scope: Map<string, TypeExpr>): TypeExpr {
    const t = exprInner(e, scope);
    e.ty = t;
    return t;
  }
  function exprInner(e: Expr, scope: Map<string, TypeExpr>): TypeExpr {
    switch (e.k) {
      case "num":
        return INT;
      case "bool":
        return BOOL;
      case "param":
        if (!params.has(e.name)) err("E0701", `unknown param \`${e.name}\``, e.span);
        return INT;
      case "state": {
        const t = stateTy.get(e.name);
        if (!t) err("E0701", `unknown state variable \`${e.name}\``, e.span);
        return t ?? INT;
      }
      case "local": {
        const t = scope.get(e.name);
        if (!t) err("E0701", `unknown name \`${e.name}\``, e.span);
        return t ?? INT;
      }
      case "un": {
        const a = expr(e.a, scope);
        if (e.op === "!") {
          want(e.a, BOOL, "operand of `!`");
          return BOOL;
        }
        wantInt(e.a, "operand of `-`");
        return a.k === "unknown" ? INT : INT;
      }
      case "bin": {
        expr(e.a, scope);
        expr(e.b, scope);
        switch (e.op) {
          case "&&":
          case "||":
          case "=>":
            want(e.a, BOOL, `left operand of \`${e.op}\``);
            want(e.b, BOOL, `right operand of \`${e.op}\``);
            return BOOL;
          case "==":
          case "!=":
            if (!compatible(e.a.ty!, e.b.ty!))
              err("E0702", `cannot compare \`${showType(e.a.ty!)}\` with \`${showType(e.b.ty!)}\``, e.span);
            return BOOL;
          case "<":
          case "<=":
          case ">":
          case ">=":
            wantInt(e.a, `left operand of \`${e.op}\``);
            wantInt(e.b, `right operand of \`${e.op}\``);
            return BOOL;
          default:
            wantInt(e.a, `left operand of \`${e.op}\``);
            wantInt(e.b, `right operand of \`${e.op}\``);
            return INT;
        }
      }
      case "index": {
        const a = expr(e.a, scope);
        expr(e.i, scope);
        if (a.k === "array") {
          wantInt(e.i, "array index");
          return a.elem;
        }
        if (a.k === "map") {
          want(e.i, a.key, "map key");
          return a.val;
        }
        err("E0702", `cannot index a value of type \`${showType(a)}\``, e.span, "only arrays and maps can be indexed");
        return INT;
      }
      case "field": {
        const a = expr(e.a, scope);
        if (a.k !== "tuple" || e.i >= a.elems.length) {
          err("E0702", `no field \`${e.i}\` on \`${showType(a)}\``, e.span);
          return INT;
        }
        return a.elems[e.i];
      }
      case "tuple":
        return { k: "tuple", elems: e.elems.map((x) => expr(x, scope)) };
      case "quant": {
        const inner = binders(e.vars, scope, e.span);
        expr(e.body, inner);
        want(e.body, BOOL, e.q === "count" ? "body of `count`" : `body of \`${e.q}\``);
        return e.q === "count" ? INT : BOOL;
      }
      case "in": {
        expr(e.a, scope);
        const s = expr(e.s, scope);
        if (s.k !== "set") err("E0702", `right side of \`in\` must be a set, found \`${showType(s)}\``, e.s.span);
        else want(e.a, s.elem, "element of `in`");
        return BOOL;
      }
      case "call": {
        const r = expr(e.recv, scope);
        e.args.forEach((a) => expr(a, scope));
        if (r.k !== "set") {
          err("E0706", `no method \`${e.m}\` on \`${showType(r)}\``, e.span, "spec methods are set methods: insert, remove, contains, len, union, inter, minus, is_empty");
          return INT;
        }
        const arity = e.m === "len" || e.m === "is_empty" ? 0 : 1;
        if (e.args.length !== arity) {
          err("E0706", `\`${e.m}\` takes ${arity} argument(s), found ${e.args.length}`, e.span);
          return INT;
        }
        switch (e.m) {
          case "len":
            return INT;
          case "is_empty":
            return BOOL;
          case "contains":
            want(e.args[0], r.elem, "argument of `contains`");
            return BOOL;
          case "insert":
          case "remove":
            want(e.args[0], r.elem, `argument of \`${e.m}\``);
            return r;
          default:
            want(e.args[0], r, `argument of \`${e.m}\``);
            return r;
        }
      }
      case "setlit": {
        const ts = e.elems.map((x) => expr(x, scope));
        let elem: TypeExpr = { k: "unknown" };
        for (const t of ts) {
          if (elem.k === "unknown" || (elem.k === "int" && t.k === "dom")) elem = t;
        }
        e.elems.forEach((x) => want(x, elem, "set element"));
        return { k: "set", elem };
      }
      case "arr": {
        const ts = e.elems.map((x) => expr(x, scope));
        const elem = ts[0] ?? INT;
        e.elems.forEach((x) => want(x, elem, "array element"));
        return { k: "array", elem, len: { k: "num", v: e.elems.length } };
      }
      case "repeat": {
        const v = expr(e.v, scope);
        expr(e.n, scope);
        wantInt(e.n, "array length");
        return { k: "array", elem: v, len: e.n };
      }
      case "ite": {
        expr(e.c, scope);
        want(e.c, BOOL, "condition");
        const a = expr(e.a, scope);
        const b = expr(e.b, scope);
        if (!compatible(a, b)) err("E0702", `branches have different types \`${showType(a)}\` and \`${showType(b)}\``, e.span);
        return a;
      }
      case "byz":
        expr(e.a, scope);
        wantInt(e.a, "node id");
        if (!hasByz)
          err("E0707", `\`${e.negate ? "honest" : "byzantine"}\` needs an \`adversary byzantine(f)\` declaration`, e.span);
        return BOOL;
      case "min":
      case "max":
        expr(e.a, scope);
        expr(e.b, scope);
        wantInt(e.a, e.k);
        wantInt(e.b, e.k);
        return INT;
    }
  }

  const isPlace = (e: Expr): boolean =>
    e.k === "state" || e.k === "local" || ((e.k === "index" || e.k === "field") && isPlace(e.a));

  function stmts(ss: Stmt[], scope: Map<string, TypeExpr>) {
    let sc = new Map(scope);
    for (const s of ss) {
      switch (s.k) {
        case "let": {
          const t = expr(s.e, sc);
          if (s.ty) {
            checkTypeExpr(s.ty, s.span);
            want(s.e, s.ty, `initialiser of \`${s.name}\``);
          }
          sc = new Map(sc);
          sc.set(s.name, s.ty ?? t);
          break;
        }
        case "assign": {
          if (!isPlace(s.target)) {
            err("E0704", "this expression cannot be assigned to", s.target.span, "assign to a state variable, an element `a[i]` or a field `t.0`");
            break;
          }
          const t = expr(s.target, sc);
          expr(s.e, sc);
          want(s.e, t, "assigned value");
          break;
        }
        case "if":
          expr(s.c, sc);
          want(s.c, BOOL, "condition");
          stmts(s.then, sc);
          stmts(s.else, sc);
          break;
        case "for": {
          const inner = binders([{ name: s.v, ty: s.ty }], sc, s.span);
          stmts(s.body, inner);
          break;
        }
        case "assert":
          expr(s.e, sc);
          want(s.e, BOOL, "assertion");
          break;
      }
    }
  }

  for (const d of model.domains) {
    expr(d.lo, new Map());
    expr(d.hi, new Map());
  }
  for (const s of model.state) {
    checkTypeExpr(s.ty, s.span);
    if (s.init) {
      expr(s.init, new Map());
      want(s.init, s.ty, `initial value of \`${s.name}\``);
    }
  }
  const actionNames = new Set<string>();
  for (const a of model.actions) {
    if (actionNames.has(a.name)) err("E0710", `action \`${a.name}\` is declared twice`, a.span);
    actionNames.add(a.name);
    const scope = binders(a.params, new Map(), a.span);
    if (a.guard) {
      expr(a.guard, scope);
      want(a.guard, BOOL, "guard");
    }
    stmts(a.body, scope);
    if (a.forgeable && (a.params.length === 0 || a.params[0].ty.k !== "dom"))
      err("E0707", `\`@byzantine\` action \`${a.name}\` needs a node-domain first parameter (the actor)`, a.span);
  }
  for (const inv of model.invariants) {
    expr(inv.e, new Map());
    want(inv.e, BOOL, `invariant \`${inv.name}\``);
  }
  for (const p of model.properties) {
    if (p.kind === "noninterference") {
      for (const v of [...p.secret, ...p.observer])
        if (!stateTy.has(v)) err("E0701", `unknown state variable \`${v}\` in noninterference`, p.span);
      for (const v of p.secret) {
        const t = stateTy.get(v);
        if (t && !isFinite(t)) err("E0703", `secret \`${v}\` must have a finite type so that every value can be tried`, p.span);
      }
      continue;
    }
    expr(p.e, new Map());
    want(p.e, BOOL, `property \`${p.name}\``);
    if (p.kind === "within") {
      expr(p.steps, new Map());
      wantInt(p.steps, "step bound");
    }
    if (p.kind === "eventually")
      for (const a of p.fairActions ?? [])
        if (!actionNames.has(a)) err("E0701", `unknown action \`${a}\` in fairness`, p.span);
  }
  for (const adv of model.adversaries) {
    if (adv.kind === "byzantine") {
      expr(adv.f, new Map());
      for (const a of adv.actions ?? []) if (!actionNames.has(a)) err("E0701", `unknown action \`${a}\``, adv.span);
    }
    if (adv.kind === "flood") expr(adv.k, new Map());
    if (adv.kind === "network" || adv.kind === "flood") {
      const ch = adv.channel ?? channelOf(model);
      if (!ch) err("E0707", "the network adversary needs a channel: a `Set<Msg>` state variable named `net` or `msgs`, or name one: `network(msgs, drop)`", adv.span);
      else {
        const t = stateTy.get(ch);
        if (!t || t.k !== "set") err("E0707", `channel \`${ch}\` must be a \`Set<Msg>\` state variable`, adv.span);
      }
    }
  }
  return problems;
}

/** The message channel the network adversaries act on when none is named. */
export function channelOf(model: SpecModel): string | undefined {
  for (const a of model.adversaries) if ((a.kind === "network" || a.kind === "flood") && a.channel) return a.channel;
  return model.state.find((s) => (s.name === "net" || s.name === "msgs" || s.name === "network") && s.ty.k === "set")?.name;
}

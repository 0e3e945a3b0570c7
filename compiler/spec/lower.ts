// AST `spec` item → SpecModel: resolves every name (local, state, param/const, domain, action) and
// desugars compound assignments, `else if` chains and `if` expressions. Constructs a spec cannot
// use are reported as E0708 instead of being silently dropped.
import * as A from "../syntax/index.ts";
import { DiagnosticBag, type Span } from "../../base/diagnostics/index.ts";
import type { ActionDecl, AdversaryDecl, BinOp, Binder, DomainDecl, Expr, PropertyDecl, SetMethod, SpecModel, Stmt, TypeExpr } from "../../runtime/spec/index.ts";

const INT_TYPES = new Set(["u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "i128", "int", "usize", "isize"]);
const SET_METHODS = new Set<SetMethod>(["insert", "remove", "len", "contains", "union", "inter", "minus", "is_empty"]);
const BIN_OPS = new Set(["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "=>"]);

export function lowerSpec(item: A.SpecItem, diags: DiagnosticBag): SpecModel {
  const model: SpecModel = { name: item.name.name, span: item.span, params: [], domains: [], state: [], actions: [], invariants: [], properties: [], adversaries: [] };
  const aliases = new Map<string, TypeExpr>();
  const paramNames = new Set<string>();
  const stateNames = new Set<string>();
  const actionNames = new Set<string>();
  const domNames = new Set<string>();
  const declared = new Map<string, Span>();
  const unsupported = (what: string, span: Span, hint?: string) => diags.error("E0708", `${what} is not supported in a spec`, span, hint);
  const declare = (name: A.Ident) => {
    const prev = declared.get(name.name);
    if (prev) diags.report({ severity: "error", code: "E0710", message: `\`${name.name}\` is declared twice in spec \`${model.name}\``, span: name.span, related: [{ span: prev, message: "first declared here" }] });
    else declared.set(name.name, name.span);
  };

  // Collect names first so that members can refer to ones declared later.
  for (const m of item.members) {
    if (m.kind === "SpecParams") for (const p of m.params) (declare(p.name), paramNames.add(p.name.name));
    if (m.kind === "Const") (declare(m.name), paramNames.add(m.name.name));
    if (m.kind === "SpecState") (declare(m.name), stateNames.add(m.name.name));
    if (m.kind === "SpecAction") actionNames.add(m.name.name);
    if (m.kind === "TypeAlias") {
      declare(m.name);
      if (m.type.kind === "RangeType") domNames.add(m.name.name);
    }
  }

  const constValue = (e: A.Expr): number | undefined => {
    const x = expr(e, new Map());
    const env = new Map(model.params.map((p) => [p.name, p.def]));
    const ev = (x: Expr): number | undefined => {
      if (x.k === "num") return x.v;
      if (x.k === "param") return env.get(x.name);
      if (x.k === "un" && x.op === "-") {
        const a = ev(x.a);
        return a === undefined ? undefined : -a;
      }
      if (x.k === "bin") {
        const a = ev(x.a);
        const b = ev(x.b);
        if (a === undefined || b === undefined) return undefined;
        switch (x.op) {
          case "+": return a + b;
          case "-": return a - b;
          case "*": return a * b;
          case "/": return b === 0 ? undefined : Math.trunc(a / b);
          case "%": return b === 0 ? undefined : a % b;
        }
      }
      return undefined;
    };
    const v = ev(x);
    if (v === undefined) diags.error("E0705", "expected a constant integer (literals, params and + - * / %)", e.span);
    return v;
  };

  function type(t: A.Type): TypeExpr {
    switch (t.kind) {
      case "PathType": {
        const seg = t.path.segments[t.path.segments.length - 1];
        const name = seg.name.name;
        const targs = (seg.args ?? []).map((a) => (a.kind === "TypeArg" ? type(a.type) : ({ k: "unknown" } as TypeExpr)));
        if (t.path.segments.length === 1) {
          if (name === "bool") return { k: "bool" };
          if (INT_TYPES.has(name)) return { k: "int" };
          if (name === "Set" && targs.length === 1) return { k: "set", elem: targs[0] };
          if (name === "Map" && targs.length === 2) return { k: "map", key: targs[0], val: targs[1] };
          if (domNames.has(name)) return { k: "dom", name };
          const al = aliases.get(name);
          if (al) return al;
        }
        diags.error("E0701", `unknown type \`${name}\` in spec`, t.span, "spec types: bool, integers, domains (`type Node = 0..n;`), tuples, arrays, Set<T>, Map<K, V>");
        return { k: "int" };
      }
      case "ArrayType":
        return { k: "array", elem: type(t.elem), len: size(t.len, new Map()) };
      case "TupleType":
        return { k: "tuple", elems: t.elems.map(type) };
      case "RangeType": {
        const name = `__range${model.domains.length}`;
        model.domains.push(rangeDomain(name, t, false));
        domNames.add(name);
        return { k: "dom", name };
      }
      default:
        unsupported(`type \`${t.kind}\``, t.span);
        return { k: "int" };
    }
  }

  const rangeDomain = (name: string, t: A.RangeType | A.RangeExpr, symmetric: boolean, span?: Span): DomainDecl => {
    const lo = t.start ? expr(t.start, new Map()) : ({ k: "num", v: 0 } as Expr);
    if (!t.end) diags.error("E0705", "a domain needs an upper bound", t.span);
    let hi = t.end ? expr(t.end, new Map()) : ({ k: "num", v: 1 } as Expr);
    if (t.inclusive) hi = { k: "bin", op: "+", a: hi, b: { k: "num", v: 1 }, span: hi.span };
    return { name, lo, hi, symmetric, span: span ?? t.span };
  };

  type Scope = Map<string, TypeExpr>;
  function binders(bs: A.Binder[]): Binder[] {
    return bs.map((b) => ({ name: b.name.name, ty: type(b.type) }));
  }
  const withBinders = (scope: Scope, bs: Binder[]) => {
    const s = new Map(scope);
    for (const b of bs) s.set(b.name, b.ty);
    return s;
  };

  function expr(e: A.Expr, scope: Scope): Expr {
    const span = e.span;
    switch (e.kind) {
      case "IntLit":
        return { k: "num", v: Number(e.value), span };
      case "BoolLit":
        return { k: "bool", v: e.value, span };
      case "Paren":
        return expr(e.inner, scope);
      case "PathExpr": {
        const name = e.path.segments.map((s) => s.name.name).join("::");
        if (scope.has(name)) return { k: "local", name, span };
        if (stateNames.has(name)) return { k: "state", name, span };
        if (paramNames.has(name)) return { k: "param", name, span };
        diags.error("E0701", `unknown name \`${name}\` in spec \`${model.name}\``, span);
        return { k: "num", v: 0, span };
      }
      case "Unary":
        if (e.op === "~") {
          unsupported("`~`", span);
          return expr(e.operand, scope);
        }
        return { k: "un", op: e.op, a: expr(e.operand, scope), span };
      case "Binary": {
        if (e.op === "in") {
          if (e.right.kind === "Range") {
            // `x in lo..hi` is a range test.
            const a = expr(e.left, scope);
            const lo = e.right.start ? expr(e.right.start, scope) : ({ k: "num", v: 0 } as Expr);
            const hiOp: BinOp = e.right.inclusive ? "<=" : "<";
            const lower: Expr = { k: "bin", op: ">=", a, b: lo, span };
            if (!e.right.end) return lower;
            return { k: "bin", op: "&&", a: lower, b: { k: "bin", op: hiOp, a: expr(e.left, scope), b: expr(e.right.end, scope), span }, span };
          }
          return { k: "in", a: expr(e.left, scope), s: expr(e.right, scope), span };
        }
        if (!BIN_OPS.has(e.op)) {
          unsupported(`operator \`${e.op}\``, span);
          return expr(e.left, scope);
        }
        return { k: "bin", op: e.op as BinOp, a: expr(e.left, scope), b: expr(e.right, scope), span };
      }
      case "Call": {
        const callee = e.callee.kind === "PathExpr" ? e.callee.path.segments.map((s) => s.name.name).join("::") : "";
        const args = e.args.map((a) => expr(a, scope));
        if (callee === "set") return { k: "setlit", elems: args, span };
        if ((callee === "honest" || callee === "byzantine") && args.length === 1) return { k: "byz", negate: callee === "honest", a: args[0], span };
        if ((callee === "min" || callee === "max") && args.length === 2) return { k: callee, a: args[0], b: args[1], span };
        unsupported(`call of \`${callee || "expression"}\``, span, "spec expressions may call set(...), honest(p), byzantine(p), min(a, b), max(a, b)");
        return { k: "num", v: 0, span };
      }
      case "MethodCall": {
        const m = e.method.name as SetMethod;
        if (!SET_METHODS.has(m)) {
          diags.error("E0706", `unknown method \`${e.method.name}\``, e.method.span, "set methods: insert, remove, contains, len, union, inter, minus, is_empty");
          return { k: "num", v: 0, span };
        }
        return { k: "call", m, recv: expr(e.receiver, scope), args: e.args.map((a) => expr(a, scope)), span };
      }
      case "TupleIndex":
        return { k: "field", a: expr(e.object, scope), i: e.index, span };
      case "Index":
        return { k: "index", a: expr(e.object, scope), i: expr(e.index, scope), span };
      case "ArrayLit":
        return { k: "arr", elems: e.elems.map((x) => expr(x, scope)), span };
      case "ArrayRepeat":
        return { k: "repeat", v: expr(e.value, scope), n: size(e.count, scope), span };
      case "Tuple":
        return { k: "tuple", elems: e.elems.map((x) => expr(x, scope)), span };
      case "If": {
        const tail = (b: A.Block | A.IfExpr | undefined): Expr => {
          if (!b) {
            diags.error("E0708", "an `if` used as a value needs an `else`", span);
            return { k: "num", v: 0, span };
          }
          if (b.kind === "If") return expr(b, scope);
          if (b.stmts.length || !b.tail) {
            unsupported("statements inside an `if` expression", b.span);
            return { k: "num", v: 0, span };
          }
          return expr(b.tail, scope);
        };
        return { k: "ite", c: expr(e.cond, scope), a: tail(e.then), b: tail(e.else), span };
      }
      case "Quantifier": {
        const vars = binders(e.binders);
        return { k: "quant", q: e.quantifier, vars, body: expr(e.body, withBinders(scope, vars)), span };
      }
      case "Count": {
        const vars = binders(e.binders);
        return { k: "quant", q: "count", vars, body: expr(e.body, withBinders(scope, vars)), span };
      }
      case "Temporal":
        diags.error("E0707", "temporal operators (`always`, `eventually`) belong at the top of a `property`", span);
        return expr(e.body, scope);
      case "ErrorExpr":
        return { k: "num", v: 0, span };
      default:
        unsupported(`expression \`${e.kind}\``, span);
        return { k: "num", v: 0, span };
    }
  }

  /** An array length: fixed once the params are (it is part of a type, which the state layout needs). */
  function size(e: A.Expr, scope: Scope): Expr {
    const x = expr(e, scope);
    const constant = (y: Expr): boolean =>
      y.k === "num" || y.k === "param" || (y.k === "un" && y.op === "-" && constant(y.a)) ||
      ((y.k === "bin" || y.k === "min" || y.k === "max") && constant(y.a) && constant(y.b));
    if (!constant(x)) diags.error("E0705", "an array length must be constant: literals, params and + - * / %, min, max", e.span, "state and locals change from step to step; a length may not");
    return x;
  }

  function block(b: A.Block, scope: Scope): Stmt[] {
    const out: Stmt[] = [];
    let sc = scope;
    for (const s of b.stmts) sc = stmt(s, sc, out);
    if (b.tail) sc = stmt({ kind: "ExprStmt", expr: b.tail, semi: false, span: b.tail.span }, sc, out);
    return out;
  }

  function stmt(s: A.Stmt, scope: Scope, out: Stmt[]): Scope {
    const span = s.span;
    switch (s.kind) {
      case "Let": {
        if (s.pattern.kind !== "IdentPattern" || !s.init) {
          unsupported(s.init ? "destructuring `let`" : "`let` without a value", span);
          return scope;
        }
        const ty = s.type && s.type.kind !== "InferType" ? type(s.type) : undefined;
        out.push({ k: "let", name: s.pattern.name.name, ty, e: expr(s.init, scope), span });
        const sc = new Map(scope);
        sc.set(s.pattern.name.name, ty ?? { k: "unknown" });
        return sc;
      }
      case "Assign": {
        const target = expr(s.target, scope);
        let e = expr(s.value, scope);
        if (s.op !== "=") {
          const op = s.op.slice(0, -1);
          if (!BIN_OPS.has(op)) {
            unsupported(`\`${s.op}\``, span);
            return scope;
          }
          e = { k: "bin", op: op as BinOp, a: expr(s.target, scope), b: e, span };
        }
        out.push({ k: "assign", target, e, span });
        return scope;
      }
      case "Assert":
        out.push({ k: "assert", e: expr(s.cond, scope), span });
        return scope;
      case "For": {
        if (s.pattern.kind !== "IdentPattern") {
          unsupported("a destructuring `for`", span);
          return scope;
        }
        let ty: TypeExpr | undefined;
        if (s.iter.kind === "PathExpr" && s.iter.path.segments.length === 1 && domNames.has(s.iter.path.segments[0].name.name))
          ty = { k: "dom", name: s.iter.path.segments[0].name.name };
        else if (s.iter.kind === "Range") {
          const name = `__range${model.domains.length}`;
          model.domains.push(rangeDomain(name, s.iter, false, s.iter.span));
          domNames.add(name);
          ty = { k: "dom", name };
        }
        if (!ty) {
          unsupported("`for` over anything but a domain or a constant range", s.iter.span);
          return scope;
        }
        const v = s.pattern.name.name;
        out.push({ k: "for", v, ty, body: block(s.body, withBinders(scope, [{ name: v, ty }])), span });
        return scope;
      }
      case "ExprStmt": {
        const e = s.expr;
        if (e.kind === "If") {
          out.push(ifStmt(e, scope));
          return scope;
        }
        if (e.kind === "BlockExpr") {
          out.push(...block(e.block, scope));
          return scope;
        }
        unsupported("an expression statement", span, "action bodies are let, assignments, if/else, for and assert");
        return scope;
      }
      default:
        unsupported(`\`${s.kind}\` statement`, span);
        return scope;
    }
  }

  function ifStmt(e: A.IfExpr, scope: Scope): Stmt {
    const els: Stmt[] = !e.else ? [] : e.else.kind === "If" ? [ifStmt(e.else, scope)] : block(e.else, scope);
    return { k: "if", c: expr(e.cond, scope), then: block(e.then, scope), else: els, span: e.span };
  }

  const hasAttr = (attrs: A.Attribute[], name: string) => attrs.some((a) => a.name.name === name);
  const identArgs = (args: A.Expr[]) =>
    args.map((a) => (a.kind === "PathExpr" && a.path.segments.length === 1 ? a.path.segments[0].name.name : undefined));

  for (const m of item.members) {
    switch (m.kind) {
      case "SpecParams":
        for (const p of m.params) {
          const def = p.default ? constValue(p.default) : undefined;
          if (!p.default) diags.error("E0705", `param \`${p.name.name}\` needs a default value`, p.span, `write \`${p.name.name} = 4\`; \`--param ${p.name.name}=N\` overrides it`);
          model.params.push({ name: p.name.name, def: def ?? 0, span: p.span });
        }
        break;
      case "Const": {
        const v = constValue(m.value);
        model.params.push({ name: m.name.name, def: v ?? 0, span: m.span });
        break;
      }
      case "TypeAlias":
        if (m.type.kind === "RangeType") model.domains.push(rangeDomain(m.name.name, m.type, hasAttr(m.attrs, "symmetric"), m.span));
        else aliases.set(m.name.name, type(m.type));
        break;
      case "SpecState":
        model.state.push({ name: m.name.name, ty: type(m.type), init: m.init ? expr(m.init, new Map()) : undefined, span: m.span, ghost: hasAttr(m.attrs, "ghost") });
        break;
      case "SpecAction": {
        const params: Binder[] = m.params.map((p) => ({ name: p.name.name, ty: type(p.type) }));
        const scope = withBinders(new Map(), params);
        const a: ActionDecl = {
          name: m.name.name,
          params,
          guard: m.guard ? expr(m.guard, scope) : undefined,
          body: block(m.body, scope),
          // From the action's name to its body: what a trace step points at (attributes excluded).
          span: { ...m.span, start: m.name.span.start, end: m.body.span.start > m.name.span.start ? m.body.span.start : m.span.end },
          headSpan: { file: m.body.span.file, start: m.body.span.start, end: m.body.span.start },
          forgeable: hasAttr(m.attrs, "byzantine"),
        };
        model.actions.push(a);
        break;
      }
      case "SpecInvariant":
        model.invariants.push({ name: m.name.name, e: expr(m.expr, new Map()), span: m.span });
        break;
      case "SpecProperty": {
        const name = m.name.name;
        const b = m.body;
        let p: PropertyDecl | undefined;
        if (b.kind === "Noninterference") {
          const names = (es: A.Expr[]) =>
            es.map((x) => {
              if (x.kind === "PathExpr" && stateNames.has(x.path.segments[0].name.name)) return x.path.segments[0].name.name;
              diags.error("E0701", "noninterference lists state variables", x.span);
              return "";
            });
          p = { name, span: m.span, kind: "noninterference", secret: names(b.secret), observer: names(b.observer) };
        } else if (b.kind === "Temporal") {
          if (b.op === "always") p = { name, span: m.span, kind: "always", e: expr(b.body, new Map()) };
          else if (b.within) p = { name, span: m.span, kind: "within", e: expr(b.body, new Map()), steps: expr(b.within, new Map()) };
          else {
            const f = m.fairness;
            if (f && f.name.name !== "weak_fairness")
              diags.error("E0707", `unsupported fairness \`${f.name.name}\``, f.span, "use `under weak_fairness` (optionally restricted: `under weak_fairness(vote, commit)`)");
            const fairActions = f ? identArgs(f.args).filter((x): x is string => !!x) : undefined;
            p = { name, span: m.span, kind: "eventually", e: expr(b.body, new Map()), fairness: f ? "weak" : "none", fairActions };
          }
        } else p = { name, span: m.span, kind: "always", e: expr(b, new Map()) };
        model.properties.push(p);
        break;
      }
      case "SpecAdversary": {
        const kind = m.name.name;
        const ids = identArgs(m.args);
        let adv: AdversaryDecl | undefined;
        if (kind === "byzantine") {
          if (!m.args.length) diags.error("E0707", "`byzantine` needs the number of faulty nodes: `byzantine(f)`", m.span);
          else adv = { kind, f: expr(m.args[0], new Map()), actions: ids.slice(1).filter((x): x is string => !!x && actionNames.has(x)), span: m.span };
        } else if (kind === "network") {
          const flags = new Set(["drop", "delay", "duplicate", "reorder"]);
          let channel: string | undefined;
          for (let i = 0; i < ids.length; i++) {
            const id = ids[i];
            if (id && stateNames.has(id) && !channel) channel = id;
            else if (!id || !flags.has(id)) diags.error("E0707", "network faults are drop, delay, duplicate and reorder (and optionally the channel variable)", m.args[i].span);
          }
          adv = { kind, channel, drop: ids.includes("drop"), delay: ids.includes("delay"), duplicate: ids.includes("duplicate"), reorder: ids.includes("reorder"), span: m.span };
        } else if (kind === "flood") {
          if (!m.args.length) diags.error("E0707", "`flood` needs the number of junk messages: `flood(3)`", m.span);
          else adv = { kind, k: expr(m.args[0], new Map()), channel: ids.slice(1).find((x) => x && stateNames.has(x)), span: m.span };
        } else diags.error("E0707", `unknown adversary \`${kind}\``, m.name.span, "adversaries: byzantine(f), network(drop, delay, duplicate, reorder), flood(k)");
        if (adv) model.adversaries.push(adv);
        break;
      }
      case "Fn":
        unsupported("a helper `fn` inside a spec", m.span, "write the expression inline");
        break;
    }
  }
  return model;
}

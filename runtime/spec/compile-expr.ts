// The expression and statement compiler of `instantiate`: spec expressions, places and action
// bodies become closures over the state array (s) and an environment of bound values (env), with the
// params already fixed. Param-only subexpressions are folded to constants once, here.
import type { Expr, Span, Stmt, TypeExpr } from "./model.ts";
import {
  type Ty, type Value, card, indexer, isScalar, slots, tupleOffsets, valueEq, valuesOf, write,
} from "./types.ts";
import { type CompiledPredicate, type VarLayout, BYZ, InstantiateError, SpecRuntimeError } from "./instance.ts";

export type CE = (s: Int32Array, env: Value[]) => Value;
export type CS = (s: Int32Array, env: Value[]) => void;
/** Bound names (action parameters, quantifier and `for` variables, lets) → their env slot. */
export type Scope = Map<string, number>;

export function isConstExpr(e: Expr): boolean {
  switch (e.k) {
    case "num":
    case "bool":
    case "param":
      return true;
    case "un":
      return isConstExpr(e.a);
    case "bin":
    case "min":
    case "max":
      return isConstExpr(e.a) && isConstExpr(e.b);
    default:
      return false;
  }
}
/** Params are fixed: fold param-only subexpressions (`mode == 0`, `2 * n / 3`) to constants. */

export class ExprCompiler {
  /** The state layout by variable name; filled once the layout is known (domain bounds need none). */
  readonly vars = new Map<string, VarLayout>();
  /** The node domain of the byzantine adversary, when there is one. */
  nodeDom?: Extract<Ty, { k: "dom" }>;

  constructor(
    readonly params: Record<string, number>,
    /** The resolved type of a symbolic type under these params. */
    readonly resolve: (t: TypeExpr) => Ty,
  ) {}

  private tyOf(e: Expr): Ty {
    return this.resolve(e.ty ?? { k: "int" });
  }

  /** A param-only expression's value (sizes, bounds, thresholds). */
  constInt(e: Expr): number {
    const v = this.expr(e, new Map(), () => 0)(new Int32Array(0), []);
    if (typeof v !== "number") throw new InstantiateError("expected a constant integer", e.span);
    return v;
  }

  expr(e: Expr, scope: Scope, alloc: () => number): CE {
    if (e.k !== "num" && e.k !== "bool" && isConstExpr(e)) {
      try {
        const v = this.raw(e, scope, alloc)(new Int32Array(0), []);
        if (typeof v === "number") return () => v;
      } catch (err) {
        if (!(err instanceof SpecRuntimeError)) throw err;
      }
    }
    return this.raw(e, scope, alloc);
  }
  private raw(e: Expr, scope: Scope, alloc: () => number): CE {
    switch (e.k) {
      case "num": {
        const v = e.v;
        return () => v;
      }
      case "bool": {
        const v = e.v ? 1 : 0;
        return () => v;
      }
      case "param": {
        const v = this.params[e.name];
        if (v === undefined) throw new InstantiateError(`unknown param \`${e.name}\``, e.span);
        return () => v;
      }
      case "state": {
        const v = this.vars.get(e.name)!;
        const off = v.off;
        if (isScalar(v.ty)) return (s) => s[off];
        const end = off + slots(v.ty);
        return (s) => s.slice(off, end);
      }
      case "local": {
        const i = scope.get(e.name);
        if (i === undefined) throw new InstantiateError(`unknown name \`${e.name}\``, e.span);
        return (_s, env) => env[i];
      }
      case "un": {
        const a = this.expr(e.a, scope, alloc);
        return e.op === "!" ? (s, env) => (a(s, env) ? 0 : 1) : (s, env) => -(a(s, env) as number) | 0;
      }
      case "bin":
        return this.bin(e, scope, alloc);
      case "index":
        return this.index(e, scope, alloc);
      case "field": {
        const at = this.tyOf(e.a) as Extract<Ty, { k: "tuple" }>;
        const o = tupleOffsets(at)[e.i];
        const et = at.elems[e.i];
        const a = this.expr(e.a, scope, alloc);
        if (isScalar(et)) return (s, env) => (a(s, env) as Int32Array)[o];
        const n = slots(et);
        return (s, env) => (a(s, env) as Int32Array).slice(o, o + n);
      }
      case "tuple": {
        const t = this.tyOf(e) as Extract<Ty, { k: "tuple" }>;
        const offs = tupleOffsets(t);
        const parts = e.elems.map((x) => this.expr(x, scope, alloc));
        const n = slots(t);
        return (s, env) => {
          const out = new Int32Array(n);
          for (let j = 0; j < parts.length; j++) {
            const v = parts[j](s, env);
            if (typeof v === "number") out[offs[j]] = v;
            else out.set(v, offs[j]);
          }
          return out;
        };
      }
      case "quant":
        return this.quant(e, scope, alloc);
      case "in":
        return this.inSet(e, scope, alloc);
      case "call":
        return this.method(e, scope, alloc);
      case "setlit":
        return this.setLit(e, scope, alloc);
      case "arr":
      case "repeat": {
        const at = this.tyOf(e) as Extract<Ty, { k: "array" }>;
        const es = slots(at.elem);
        const parts = e.k === "arr" ? e.elems.map((x) => this.expr(x, scope, alloc)) : [this.expr(e.v, scope, alloc)];
        const repeat = e.k === "repeat";
        return (s, env) => {
          const out = new Int32Array(at.len * es);
          for (let j = 0; j < at.len; j++) write(at.elem, out, j * es, parts[repeat ? 0 : j](s, env));
          return out;
        };
      }
      case "ite": {
        const c = this.expr(e.c, scope, alloc);
        const a = this.expr(e.a, scope, alloc);
        const b = this.expr(e.b, scope, alloc);
        return (s, env) => (c(s, env) ? a(s, env) : b(s, env));
      }
      case "byz":
        return this.byz(e, scope, alloc);
      case "min":
      case "max": {
        const a = this.expr(e.a, scope, alloc);
        const b = this.expr(e.b, scope, alloc);
        return e.k === "min" ? (s, env) => Math.min(a(s, env) as number, b(s, env) as number) : (s, env) => Math.max(a(s, env) as number, b(s, env) as number);
      }
    }
    throw new InstantiateError(`unsupported expression`, (e as Expr).span);
  }

  /** An element of an array or map; reads a state place in place instead of copying the container. */
  private index(e: Extract<Expr, { k: "index" }>, scope: Scope, alloc: () => number): CE {
    const at = this.tyOf(e.a);
    const a = this.expr(e.a, scope, alloc);
    const i = this.expr(e.i, scope, alloc);
    const rt = this.tyOf(e);
    const es = slots(rt);
    const scalar = isScalar(rt);
    const span = e.span;
    const keyIx = at.k === "map" ? indexer(at.key) : (v: Value) => v as number;
    const pos =
      at.k === "array"
        ? (iv: Value) => {
            const x = iv as number;
            if (x < 0 || x >= at.len) throw new SpecRuntimeError(`index ${x} out of bounds for length ${at.len}`, span);
            return x;
          }
        : (iv: Value) => {
            const x = keyIx(iv);
            if (x < 0) throw new SpecRuntimeError(`key outside the map's domain`, span);
            return x;
          };
    // Reading straight from the state avoids copying the whole container.
    const place = this.place(e.a, scope, alloc);
    if (place) {
      return scalar
        ? (s, env) => s[place(s, env) + pos(i(s, env)) * es]
        : (s, env) => {
            const o = place(s, env) + pos(i(s, env)) * es;
            return s.slice(o, o + es);
          };
    }
    return scalar
      ? (s, env) => (a(s, env) as Int32Array)[pos(i(s, env)) * es]
      : (s, env) => {
          const o = pos(i(s, env)) * es;
          return (a(s, env) as Int32Array).slice(o, o + es);
        };
  }

  /** forall / exists / count over the binders' finite types (one binder without recursion). */
  private quant(e: Extract<Expr, { k: "quant" }>, scope: Scope, alloc: () => number): CE {
    const inner = new Map(scope);
    const slotsIdx = e.vars.map((b) => {
      const ix = alloc();
      inner.set(b.name, ix);
      return ix;
    });
    const domains = e.vars.map((b) => valuesOf(this.resolve(b.ty)));
    const body = this.expr(e.body, inner, alloc);
    const q = e.q;
    const depth = slotsIdx.length;
    if (depth === 1) {
      // The common single-binder case, without the recursive helper.
      const vs = domains[0];
      const ix = slotsIdx[0];
      if (q === "count")
        return (s, env) => {
          let c = 0;
          for (let j = 0; j < vs.length; j++) {
            env[ix] = vs[j];
            if (body(s, env)) c++;
          }
          return c;
        };
      const want = q === "exists" ? 1 : 0;
      return (s, env) => {
        for (let j = 0; j < vs.length; j++) {
          env[ix] = vs[j];
          if ((body(s, env) ? 1 : 0) === want) return want;
        }
        return 1 - want;
      };
    }
    return (s, env) => {
      let count = 0;
      const rec = (d: number): boolean => {
        // returns true to stop early
        if (d === depth) {
          const b = body(s, env) ? 1 : 0;
          if (q === "count") count += b;
          else if (q === "forall" && !b) return true;
          else if (q === "exists" && b) return true;
          return false;
        }
        const vs = domains[d];
        const ix = slotsIdx[d];
        for (let j = 0; j < vs.length; j++) {
          env[ix] = vs[j];
          if (rec(d + 1)) return true;
        }
        return false;
      };
      const stopped = rec(0);
      if (q === "count") return count;
      if (q === "forall") return stopped ? 0 : 1;
      return stopped ? 1 : 0;
    };
  }

  /** Set membership; reads a state place in place. */
  private inSet(e: Extract<Expr, { k: "in" }>, scope: Scope, alloc: () => number): CE {
    const st = this.tyOf(e.s) as Extract<Ty, { k: "set" }>;
    const elemIx = indexer(st.elem);
    const a = this.expr(e.a, scope, alloc);
    const sv = this.expr(e.s, scope, alloc);
    const place = this.place(e.s, scope, alloc);
    if (place)
      return (s, env) => {
        const ix = elemIx(a(s, env));
        return ix < 0 ? 0 : s[place(s, env) + ix] ? 1 : 0;
      };
    return (s, env) => {
      const ix = elemIx(a(s, env));
      return ix < 0 ? 0 : (sv(s, env) as Int32Array)[ix] ? 1 : 0;
    };
  }

  /** Set methods: size queries on a state place read it in place; the others build a new set. */
  private method(e: Extract<Expr, { k: "call" }>, scope: Scope, alloc: () => number): CE {
    const st = this.tyOf(e.recv) as Extract<Ty, { k: "set" }>;
    const elemIx = indexer(st.elem);
    const r = this.expr(e.recv, scope, alloc);
    const args = e.args.map((x) => this.expr(x, scope, alloc));
    const span = e.span;
    const checkedIx = (v: Value) => {
      const ix = elemIx(v);
      if (ix < 0) throw new SpecRuntimeError("element outside the set's domain", span);
      return ix;
    };
    // Size queries on a state place read the slots in place instead of copying the set.
    const rplace = e.m === "len" || e.m === "is_empty" ? this.place(e.recv, scope, alloc) : undefined;
    if (rplace) {
      const n = card(st.elem);
      const empty = e.m === "is_empty";
      return (s, env) => {
        const o = rplace(s, env);
        let c = 0;
        for (let j = 0; j < n; j++) c += s[o + j];
        return empty ? (c === 0 ? 1 : 0) : c;
      };
    }
    switch (e.m) {
      case "len":
        return (s, env) => {
          const a = r(s, env) as Int32Array;
          let c = 0;
          for (let j = 0; j < a.length; j++) c += a[j];
          return c;
        };
      case "is_empty":
        return (s, env) => ((r(s, env) as Int32Array).some((x) => x !== 0) ? 0 : 1);
      case "contains":
        return (s, env) => {
          const ix = elemIx(args[0](s, env));
          return ix < 0 ? 0 : (r(s, env) as Int32Array)[ix] ? 1 : 0;
        };
      case "insert":
      case "remove": {
        const bit = e.m === "insert" ? 1 : 0;
        return (s, env) => {
          const a = (r(s, env) as Int32Array).slice();
          a[checkedIx(args[0](s, env))] = bit;
          return a;
        };
      }
      case "union":
      case "inter":
      case "minus": {
        const m = e.m;
        return (s, env) => {
          const a = (r(s, env) as Int32Array).slice();
          const b = args[0](s, env) as Int32Array;
          for (let j = 0; j < a.length; j++)
            a[j] = m === "union" ? a[j] | b[j] : m === "inter" ? a[j] & b[j] : a[j] & (b[j] ^ 1);
          return a;
        };
      }
    }
    throw new InstantiateError(`unsupported expression`, e.span);
  }

  /** A set literal; an element outside the set's domain is a runtime error. */
  private setLit(e: Extract<Expr, { k: "setlit" }>, scope: Scope, alloc: () => number): CE {
    const st = this.tyOf(e) as Extract<Ty, { k: "set" }>;
    const elemIx = indexer(st.elem);
    const n = card(st.elem);
    const parts = e.elems.map((x) => this.expr(x, scope, alloc));
    const span = e.span;
    return (s, env) => {
      const out = new Int32Array(n);
      for (const p of parts) {
        const ix = elemIx(p(s, env));
        if (ix < 0) throw new SpecRuntimeError("element outside the set's domain", span);
        out[ix] = 1;
      }
      return out;
    };
  }

  /** `honest(p)` / `byzantine(p)`: reads the adversary's hidden set of byzantine nodes. */
  private byz(e: Extract<Expr, { k: "byz" }>, scope: Scope, alloc: () => number): CE {
    const a = this.expr(e.a, scope, alloc);
    const bv = this.vars.get(BYZ);
    if (!bv || !this.nodeDom) throw new InstantiateError("`honest`/`byzantine` need `adversary byzantine(f)`", e.span);
    const off = bv.off;
    const lo = this.nodeDom.lo;
    const size = this.nodeDom.size;
    const neg = e.negate;
    return (s, env) => {
      const x = (a(s, env) as number) - lo;
      const isByz = x >= 0 && x < size && s[off + x] === 1;
      return isByz !== neg ? 1 : 0;
    };
  }

  private bin(e: Extract<Expr, { k: "bin" }>, scope: Scope, alloc: () => number): CE {
    const a = this.expr(e.a, scope, alloc);
    const b = this.expr(e.b, scope, alloc);
    const span = e.span;
    // A constant left side decides `&&`, `||` and `=>` once, here.
    if ((e.op === "&&" || e.op === "||" || e.op === "=>") && isConstExpr(e.a)) {
      const av = a(new Int32Array(0), []) ? 1 : 0;
      const decided = e.op === "&&" ? (av ? undefined : 0) : e.op === "||" ? (av ? 1 : undefined) : av ? undefined : 1;
      if (decided !== undefined) return () => decided;
      return (s, env) => (b(s, env) ? 1 : 0);
    }
    switch (e.op) {
      case "+":
        return (s, env) => ((a(s, env) as number) + (b(s, env) as number)) | 0;
      case "-":
        return (s, env) => ((a(s, env) as number) - (b(s, env) as number)) | 0;
      case "*":
        return (s, env) => Math.imul(a(s, env) as number, b(s, env) as number);
      case "/":
      case "%": {
        const div = e.op === "/";
        return (s, env) => {
          const y = b(s, env) as number;
          if (y === 0) throw new SpecRuntimeError("division by zero", span);
          const x = a(s, env) as number;
          return div ? Math.trunc(x / y) : x % y;
        };
      }
      case "<":
        return (s, env) => ((a(s, env) as number) < (b(s, env) as number) ? 1 : 0);
      case "<=":
        return (s, env) => ((a(s, env) as number) <= (b(s, env) as number) ? 1 : 0);
      case ">":
        return (s, env) => ((a(s, env) as number) > (b(s, env) as number) ? 1 : 0);
      case ">=":
        return (s, env) => ((a(s, env) as number) >= (b(s, env) as number) ? 1 : 0);
      case "==":
        return (s, env) => (valueEq(a(s, env), b(s, env)) ? 1 : 0);
      case "!=":
        return (s, env) => (valueEq(a(s, env), b(s, env)) ? 0 : 1);
      case "&&":
        return (s, env) => (a(s, env) ? (b(s, env) ? 1 : 0) : 0);
      case "||":
        return (s, env) => (a(s, env) ? 1 : b(s, env) ? 1 : 0);
      case "=>":
        return (s, env) => (a(s, env) ? (b(s, env) ? 1 : 0) : 1);
    }
  }

  /** For a place rooted in a state variable: a function giving its slot offset in the state. */
  place(e: Expr, scope: Scope, alloc: () => number): ((s: Int32Array, env: Value[]) => number) | undefined {
    if (e.k === "state") {
      const off = this.vars.get(e.name)!.off;
      return () => off;
    }
    if (e.k === "index") {
      const base = this.place(e.a, scope, alloc);
      if (!base) return undefined;
      const at = this.tyOf(e.a);
      const i = this.expr(e.i, scope, alloc);
      const es = slots(this.tyOf(e));
      const span = e.span;
      if (at.k === "array")
        return (s, env) => {
          const x = i(s, env) as number;
          if (x < 0 || x >= at.len) throw new SpecRuntimeError(`index ${x} out of bounds for length ${at.len}`, span);
          return base(s, env) + x * es;
        };
      const keyIx2 = indexer((at as Extract<Ty, { k: "map" }>).key);
      return (s, env) => {
        const x = keyIx2(i(s, env));
        if (x < 0) throw new SpecRuntimeError("key outside the map's domain", span);
        return base(s, env) + x * es;
      };
    }
    if (e.k === "field") {
      const base = this.place(e.a, scope, alloc);
      if (!base) return undefined;
      const o = tupleOffsets(this.tyOf(e.a) as Extract<Ty, { k: "tuple" }>)[e.i];
      return (s, env) => base(s, env) + o;
    }
    return undefined;
  }

  // ----- statements ------------------------------------------------------------------------
  stmts(ss: Stmt[], scope: Scope, alloc: () => number): CS {
    const parts: CS[] = [];
    let sc = scope;
    for (const st of ss) {
      switch (st.k) {
        case "let": {
          const v = this.expr(st.e, sc, alloc);
          const ix = alloc();
          sc = new Map(sc);
          sc.set(st.name, ix);
          parts.push((s, env) => {
            env[ix] = v(s, env);
          });
          break;
        }
        case "assign": {
          const v = this.expr(st.e, sc, alloc);
          const tt = this.tyOf(st.target);
          const dom = tt.k === "dom" ? tt : undefined;
          const span = st.span;
          const check = dom
            ? (x: Value) => {
                const n = x as number;
                if (n < dom.lo || n >= dom.lo + dom.size)
                  throw new SpecRuntimeError(`value ${n} is outside domain \`${dom.name}\` (${dom.lo}..${dom.lo + dom.size})`, span);
              }
            : undefined;
          if (st.target.k === "local") {
            const ix = sc.get(st.target.name)!;
            parts.push((s, env) => {
              const x = v(s, env);
              check?.(x);
              env[ix] = x;
            });
            break;
          }
          const place = this.place(st.target, sc, alloc);
          if (!place) throw new InstantiateError("can only assign to state (or a local as a whole)", st.target.span);
          parts.push((s, env) => {
            const x = v(s, env);
            check?.(x);
            const o = place(s, env);
            write(tt, s, o, x);
          });
          break;
        }
        case "if": {
          const c = this.expr(st.c, sc, alloc);
          const t = this.stmts(st.then, sc, alloc);
          const f = this.stmts(st.else, sc, alloc);
          parts.push((s, env) => (c(s, env) ? t(s, env) : f(s, env)));
          break;
        }
        case "for": {
          const ix = alloc();
          const inner = new Map(sc);
          inner.set(st.v, ix);
          const vs = valuesOf(this.resolve(st.ty));
          const body = this.stmts(st.body, inner, alloc);
          parts.push((s, env) => {
            for (const v of vs) {
              env[ix] = v;
              body(s, env);
            }
          });
          break;
        }
        case "assert": {
          const c = this.expr(st.e, sc, alloc);
          const span = st.span;
          parts.push((s, env) => {
            if (!c(s, env)) throw new SpecRuntimeError("assertion failed", span);
          });
          break;
        }
      }
    }
    return (s, env) => {
      for (let j = 0; j < parts.length; j++) parts[j](s, env);
    };
  }

  predicate(name: string, e: Expr, span?: Span): CompiledPredicate {
    let n = 0;
    const f = this.expr(e, new Map(), () => n++);
    const env: Value[] = [];
    return { name, span, holds: (s) => !!f(s, env) };
  }
}

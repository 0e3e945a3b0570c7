// instantiate(model, params): fixes the params, lays the state out as one Int32Array, and compiles
// guards, effects, invariants and properties to JS closures over that array. Adversaries become
// extra (unfair) transitions and hidden state variables, so the checker needs no special cases.
import type { ActionDecl, Expr, SpecModel, Stmt, TypeExpr, Span, PropertyDecl } from "./model.ts";
import { channelOf } from "./typing.ts";
import {
  type Ty, type Value, card, indexOf, indexer, isScalar, read, show, slots, tupleOffsets, valueAt, valueEq, valuesOf, write, zero,
} from "./types.ts";

export class SpecRuntimeError extends Error {
  constructor(message: string, readonly span?: Span) {
    super(message);
    this.name = "SpecRuntimeError";
  }
}

/** A problem found while fixing params (empty domain, non-constant size): reported as E0709. */
export class InstantiateError extends Error {
  constructor(message: string, readonly span?: Span) {
    super(message);
    this.name = "InstantiateError";
  }
}

export interface VarLayout {
  name: string;
  off: number;
  ty: Ty;
  hidden: boolean;
}

export interface Transition {
  id: number;
  /** Action name, or the adversary's move (`drop`, `replay`, `inject`). */
  name: string;
  args: Value[];
  argTypes: Ty[];
  /** Adversary moves are never required by fairness. */
  adversarial: boolean;
  span?: Span;
  /** Successor state, or null when the guard is false. Throws SpecRuntimeError on a failed assert. */
  fire(s: Int32Array): Int32Array | null;
  /** True where the move is a byzantine actor's (forged, so never owed to fairness). */
  forgedAt?(s: Int32Array): boolean;
  /** The action this instance comes from (absent for adversary moves). */
  action?: ActionDecl;
  /** Slot of the actor's byzantine flag, for `@byzantine` actions: set means the guard is skipped. */
  forgeSlot?: number;
  /** Adversary moves: the channel slot they act on. */
  chanSlot?: number;
}

export interface CompiledPredicate {
  name: string;
  span?: Span;
  holds(s: Int32Array): boolean;
}

export type CompiledProperty =
  | (CompiledPredicate & { kind: "always" })
  | (CompiledPredicate & { kind: "eventually"; fair: boolean; fairActions?: Set<string> })
  | (CompiledPredicate & { kind: "within"; steps: number })
  | { kind: "noninterference"; name: string; span?: Span; secret: string[]; observer: string[] };

export interface Instance {
  model: SpecModel;
  params: Record<string, number>;
  width: number;
  vars: VarLayout[];
  inits: Int32Array[];
  transitions: Transition[];
  invariants: CompiledPredicate[];
  properties: CompiledProperty[];
  /** Slot permutations (and value maps) of the symmetric domains; empty when there are none. */
  symmetry: SymPerm[];
  domains: Map<string, Extract<Ty, { k: "dom" }>>;
  /** `var = value` text of each visible variable. */
  describe(s: Int32Array): [string, string][];
  transitionText(t: Transition): string;
  /** Declared type of a state variable, resolved. */
  typeOf(name: string): Ty;
  /** A symbolic type with these params. */
  resolveType(t: TypeExpr): Ty;
  /** With `network(duplicate)`: after every step the history slots absorb the channel's. */
  mirror?: { from: number; to: number; n: number };
  /** With `flood(k)`: the slot counting the junk messages left. */
  floodSlot?: number;
}

export interface SymPerm {
  dst: Int32Array;
  /** Per slot: undefined, or [lo, mapping] for slots holding a symmetric-domain value. */
  vmap: (readonly [number, Int32Array] | undefined)[];
}

type CE = (s: Int32Array, env: Value[]) => Value;
type CS = (s: Int32Array, env: Value[]) => void;

const BYZ = "__byzantine";
const SENT = "__sent";
const FLOOD = "__flood";
const MAX_INITS = 200_000;

export function instantiate(model: SpecModel, overrides: Record<string, number> = {}): Instance {
  const params: Record<string, number> = {};
  for (const p of model.params) params[p.name] = overrides[p.name] ?? p.def;
  for (const k of Object.keys(overrides))
    if (!(k in params)) throw new InstantiateError(`spec \`${model.name}\` has no param \`${k}\` (params: ${model.params.map((p) => p.name).join(", ") || "none"})`);

  const constInt = (e: Expr): number => {
    const v = compileExpr(e, new Map(), () => 0)(new Int32Array(0), []);
    if (typeof v !== "number") throw new InstantiateError("expected a constant integer", e.span);
    return v;
  };

  // Domains.
  const domains = new Map<string, Extract<Ty, { k: "dom" }>>();
  for (const d of model.domains) {
    const lo = constInt(d.lo);
    const hi = constInt(d.hi);
    if (hi <= lo) throw new InstantiateError(`domain \`${d.name}\` is empty (${lo}..${hi}) with these params`, d.span);
    domains.set(d.name, { k: "dom", name: d.name, lo, size: hi - lo, sym: d.symmetric, labels: d.labels });
  }
  const tyCache = new Map<TypeExpr, Ty>();
  const resolve = (t: TypeExpr): Ty => {
    const c = tyCache.get(t);
    if (c) return c;
    let r: Ty;
    switch (t.k) {
      case "bool":
      case "int":
        r = { k: t.k };
        break;
      case "unknown":
        r = { k: "int" };
        break;
      case "dom":
        r = domains.get(t.name)!;
        break;
      case "tuple":
        r = { k: "tuple", elems: t.elems.map(resolve) };
        break;
      case "array": {
        const len = constInt(t.len);
        if (len < 0) throw new InstantiateError(`negative array length ${len}`, t.len.span);
        r = { k: "array", elem: resolve(t.elem), len };
        break;
      }
      case "set":
        r = { k: "set", elem: resolve(t.elem) };
        break;
      case "map":
        r = { k: "map", key: resolve(t.key), val: resolve(t.val) };
        break;
    }
    tyCache.set(t, r);
    return r;
  };
  const tyOf = (e: Expr): Ty => resolve(e.ty ?? { k: "int" });

  // Layout: declared variables, then the adversaries' hidden ones.
  const vars: VarLayout[] = [];
  let width = 0;
  const addVar = (name: string, ty: Ty, hidden: boolean) => {
    vars.push({ name, off: width, ty, hidden });
    width += slots(ty);
  };
  for (const s of model.state) addVar(s.name, resolve(s.ty), false);
  const byzAdv = model.adversaries.find((a) => a.kind === "byzantine") as Extract<SpecModel["adversaries"][number], { kind: "byzantine" }> | undefined;
  const net = model.adversaries.find((a) => a.kind === "network") as Extract<SpecModel["adversaries"][number], { kind: "network" }> | undefined;
  const flood = model.adversaries.find((a) => a.kind === "flood") as Extract<SpecModel["adversaries"][number], { kind: "flood" }> | undefined;
  const channel = net || flood ? channelOf(model) : undefined;

  let nodeDom: Extract<Ty, { k: "dom" }> | undefined;
  let forgeable = new Set<string>();
  if (byzAdv) {
    const marked = model.actions.filter((a) => a.forgeable).map((a) => a.name);
    const chosen = byzAdv.actions?.length ? byzAdv.actions : marked.length ? marked : model.actions.filter((a) => a.params[0]?.ty.k === "dom").map((a) => a.name);
    forgeable = new Set(chosen);
    const first = model.actions.find((a) => forgeable.has(a.name) && a.params[0]?.ty.k === "dom");
    nodeDom = first ? (resolve(first.params[0].ty) as Extract<Ty, { k: "dom" }>) : domains.get("Node") ?? [...domains.values()][0];
    if (!nodeDom) throw new InstantiateError("`byzantine(f)` needs a node domain", byzAdv.span);
    addVar(BYZ, { k: "set", elem: nodeDom }, true);
  }
  const varByName = new Map(vars.map((v) => [v.name, v]));
  const chanVar = channel ? varByName.get(channel) : undefined;
  if (net?.duplicate && chanVar) addVar(SENT, chanVar.ty, true);
  if (flood) addVar(FLOOD, { k: "int" }, true);
  for (const v of vars) varByName.set(v.name, v);

  // ----- expressions -----------------------------------------------------------------------
  type Scope = Map<string, number>;
  function isConstExpr(e: Expr): boolean {
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
  function compileExpr(e: Expr, scope: Scope, alloc: () => number): CE {
    if (e.k !== "num" && e.k !== "bool" && isConstExpr(e)) {
      try {
        const v = compileRaw(e, scope, alloc)(new Int32Array(0), []);
        if (typeof v === "number") return () => v;
      } catch (err) {
        if (!(err instanceof SpecRuntimeError)) throw err;
      }
    }
    return compileRaw(e, scope, alloc);
  }
  function compileRaw(e: Expr, scope: Scope, alloc: () => number): CE {
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
        const v = params[e.name];
        if (v === undefined) throw new InstantiateError(`unknown param \`${e.name}\``, e.span);
        return () => v;
      }
      case "state": {
        const v = varByName.get(e.name)!;
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
        const a = compileExpr(e.a, scope, alloc);
        return e.op === "!" ? (s, env) => (a(s, env) ? 0 : 1) : (s, env) => -(a(s, env) as number) | 0;
      }
      case "bin":
        return compileBin(e, scope, alloc);
      case "index": {
        const at = tyOf(e.a);
        const a = compileExpr(e.a, scope, alloc);
        const i = compileExpr(e.i, scope, alloc);
        const rt = tyOf(e);
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
        const place = placeOf(e.a, scope, alloc);
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
      case "field": {
        const at = tyOf(e.a) as Extract<Ty, { k: "tuple" }>;
        const o = tupleOffsets(at)[e.i];
        const et = at.elems[e.i];
        const a = compileExpr(e.a, scope, alloc);
        if (isScalar(et)) return (s, env) => (a(s, env) as Int32Array)[o];
        const n = slots(et);
        return (s, env) => (a(s, env) as Int32Array).slice(o, o + n);
      }
      case "tuple": {
        const t = tyOf(e) as Extract<Ty, { k: "tuple" }>;
        const offs = tupleOffsets(t);
        const parts = e.elems.map((x) => compileExpr(x, scope, alloc));
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
      case "quant": {
        const inner = new Map(scope);
        const slotsIdx = e.vars.map((b) => {
          const ix = alloc();
          inner.set(b.name, ix);
          return ix;
        });
        const domains = e.vars.map((b) => valuesOf(resolve(b.ty)));
        const body = compileExpr(e.body, inner, alloc);
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
      case "in": {
        const st = tyOf(e.s) as Extract<Ty, { k: "set" }>;
        const elemIx = indexer(st.elem);
        const a = compileExpr(e.a, scope, alloc);
        const sv = compileExpr(e.s, scope, alloc);
        const place = placeOf(e.s, scope, alloc);
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
      case "call": {
        const st = tyOf(e.recv) as Extract<Ty, { k: "set" }>;
        const elemIx = indexer(st.elem);
        const r = compileExpr(e.recv, scope, alloc);
        const args = e.args.map((x) => compileExpr(x, scope, alloc));
        const span = e.span;
        const checkedIx = (v: Value) => {
          const ix = elemIx(v);
          if (ix < 0) throw new SpecRuntimeError("element outside the set's domain", span);
          return ix;
        };
        // Size queries on a state place read the slots in place instead of copying the set.
        const rplace = e.m === "len" || e.m === "is_empty" ? placeOf(e.recv, scope, alloc) : undefined;
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
        break;
      }
      case "setlit": {
        const st = tyOf(e) as Extract<Ty, { k: "set" }>;
        const elemIx = indexer(st.elem);
        const n = card(st.elem);
        const parts = e.elems.map((x) => compileExpr(x, scope, alloc));
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
      case "arr":
      case "repeat": {
        const at = tyOf(e) as Extract<Ty, { k: "array" }>;
        const es = slots(at.elem);
        const parts = e.k === "arr" ? e.elems.map((x) => compileExpr(x, scope, alloc)) : [compileExpr(e.v, scope, alloc)];
        const repeat = e.k === "repeat";
        return (s, env) => {
          const out = new Int32Array(at.len * es);
          for (let j = 0; j < at.len; j++) write(at.elem, out, j * es, parts[repeat ? 0 : j](s, env));
          return out;
        };
      }
      case "ite": {
        const c = compileExpr(e.c, scope, alloc);
        const a = compileExpr(e.a, scope, alloc);
        const b = compileExpr(e.b, scope, alloc);
        return (s, env) => (c(s, env) ? a(s, env) : b(s, env));
      }
      case "byz": {
        const a = compileExpr(e.a, scope, alloc);
        const bv = varByName.get(BYZ);
        if (!bv || !nodeDom) throw new InstantiateError("`honest`/`byzantine` need `adversary byzantine(f)`", e.span);
        const off = bv.off;
        const lo = nodeDom.lo;
        const size = nodeDom.size;
        const neg = e.negate;
        return (s, env) => {
          const x = (a(s, env) as number) - lo;
          const isByz = x >= 0 && x < size && s[off + x] === 1;
          return isByz !== neg ? 1 : 0;
        };
      }
      case "min":
      case "max": {
        const a = compileExpr(e.a, scope, alloc);
        const b = compileExpr(e.b, scope, alloc);
        return e.k === "min" ? (s, env) => Math.min(a(s, env) as number, b(s, env) as number) : (s, env) => Math.max(a(s, env) as number, b(s, env) as number);
      }
    }
    throw new InstantiateError(`unsupported expression`, (e as Expr).span);
  }

  function compileBin(e: Extract<Expr, { k: "bin" }>, scope: Scope, alloc: () => number): CE {
    const a = compileExpr(e.a, scope, alloc);
    const b = compileExpr(e.b, scope, alloc);
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
  function placeOf(e: Expr, scope: Scope, alloc: () => number): ((s: Int32Array, env: Value[]) => number) | undefined {
    if (e.k === "state") {
      const off = varByName.get(e.name)!.off;
      return () => off;
    }
    if (e.k === "index") {
      const base = placeOf(e.a, scope, alloc);
      if (!base) return undefined;
      const at = tyOf(e.a);
      const i = compileExpr(e.i, scope, alloc);
      const es = slots(tyOf(e));
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
      const base = placeOf(e.a, scope, alloc);
      if (!base) return undefined;
      const o = tupleOffsets(tyOf(e.a) as Extract<Ty, { k: "tuple" }>)[e.i];
      return (s, env) => base(s, env) + o;
    }
    return undefined;
  }

  // ----- statements ------------------------------------------------------------------------
  function compileStmts(ss: Stmt[], scope: Scope, alloc: () => number): CS {
    const parts: CS[] = [];
    let sc = scope;
    for (const st of ss) {
      switch (st.k) {
        case "let": {
          const v = compileExpr(st.e, sc, alloc);
          const ix = alloc();
          sc = new Map(sc);
          sc.set(st.name, ix);
          parts.push((s, env) => {
            env[ix] = v(s, env);
          });
          break;
        }
        case "assign": {
          const v = compileExpr(st.e, sc, alloc);
          const tt = tyOf(st.target);
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
          const place = placeOf(st.target, sc, alloc);
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
          const c = compileExpr(st.c, sc, alloc);
          const t = compileStmts(st.then, sc, alloc);
          const f = compileStmts(st.else, sc, alloc);
          parts.push((s, env) => (c(s, env) ? t(s, env) : f(s, env)));
          break;
        }
        case "for": {
          const ix = alloc();
          const inner = new Map(sc);
          inner.set(st.v, ix);
          const vs = valuesOf(resolve(st.ty));
          const body = compileStmts(st.body, inner, alloc);
          parts.push((s, env) => {
            for (const v of vs) {
              env[ix] = v;
              body(s, env);
            }
          });
          break;
        }
        case "assert": {
          const c = compileExpr(st.e, sc, alloc);
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

  const predicate = (name: string, e: Expr, span?: Span): CompiledPredicate => {
    let n = 0;
    const f = compileExpr(e, new Map(), () => n++);
    const env: Value[] = [];
    return { name, span, holds: (s) => !!f(s, env) };
  };

  // ----- initial states --------------------------------------------------------------------
  let inits: Int32Array[] = [new Int32Array(width)];
  const choose = (off: number, ty: Ty, choices: Value[]) => {
    const next: Int32Array[] = [];
    for (const s of inits)
      for (const c of choices) {
        const t = s.slice();
        write(ty, t, off, c);
        next.push(t);
      }
    if (next.length > MAX_INITS) throw new InstantiateError(`more than ${MAX_INITS} initial states`);
    inits = next;
  };
  for (const sd of model.state) {
    const v = varByName.get(sd.name)!;
    if (sd.init) {
      let n = 0;
      const f = compileExpr(sd.init, new Map(), () => n++);
      for (const s of inits) write(v.ty, s, v.off, f(s, []));
    } else if (isFiniteTy(v.ty)) choose(v.off, v.ty, valuesOf(v.ty));
    else for (const s of inits) write(v.ty, s, v.off, zero(v.ty));
  }
  if (byzAdv && nodeDom) {
    const f = constInt(byzAdv.f);
    const v = varByName.get(BYZ)!;
    const subsets: Value[] = [];
    for (let m = 0; m < 1 << nodeDom.size; m++) {
      const bits = new Int32Array(nodeDom.size);
      let c = 0;
      for (let j = 0; j < nodeDom.size; j++) if (m & (1 << j)) (bits[j] = 1), c++;
      if (c === f) subsets.push(bits);
    }
    if (subsets.length === 0) throw new InstantiateError(`cannot pick ${f} byzantine nodes out of ${nodeDom.size}`, byzAdv.span);
    choose(v.off, v.ty, subsets);
  }
  if (net?.duplicate && chanVar) {
    const sent = varByName.get(SENT)!;
    for (const s of inits) s.copyWithin(sent.off, chanVar.off, chanVar.off + slots(chanVar.ty));
  }
  if (flood) {
    const k = constInt(flood.k);
    for (const s of inits) s[varByName.get(FLOOD)!.off] = k;
  }

  // ----- transitions -----------------------------------------------------------------------
  const transitions: Transition[] = [];
  const post: ((s: Int32Array) => void)[] = [];
  if (net?.duplicate && chanVar) {
    const sent = varByName.get(SENT)!.off;
    const c = chanVar.off;
    const n = slots(chanVar.ty);
    post.push((s) => {
      for (let j = 0; j < n; j++) s[sent + j] |= s[c + j];
    });
  }
  const afterStep = (s: Int32Array) => {
    for (const p of post) p(s);
  };

  for (const a of model.actions) addAction(a);

  function addAction(a: ActionDecl) {
    let n = 0;
    const alloc = () => n++;
    const scope: Scope = new Map();
    const argIx = a.params.map((p) => {
      const ix = alloc();
      scope.set(p.name, ix);
      return ix;
    });
    const guard = a.guard ? compileExpr(a.guard, scope, alloc) : undefined;
    const body = compileStmts(a.body, scope, alloc);
    const argTypes = a.params.map((p) => resolve(p.ty));
    const doms = argTypes.map((t) => valuesOf(t));
    const byzOff = forgeable.has(a.name) && varByName.get(BYZ) ? varByName.get(BYZ)!.off : -1;
    const byzLo = nodeDom?.lo ?? 0;
    const combos: Value[][] = [[]];
    for (const d of doms) {
      const next: Value[][] = [];
      for (const c of combos) for (const v of d) next.push([...c, v]);
      combos.splice(0, combos.length, ...next);
    }
    for (const args of combos) {
      const env: Value[] = new Array(n);
      const actor = byzOff >= 0 ? byzOff + ((args[0] as number) - byzLo) : -1;
      transitions.push({
        id: transitions.length,
        name: a.name,
        args,
        argTypes,
        adversarial: false,
        span: a.span,
        forgedAt: actor >= 0 ? (s) => s[actor] === 1 : undefined,
        action: a,
        forgeSlot: actor >= 0 ? actor : undefined,
        fire(s) {
          for (let j = 0; j < argIx.length; j++) env[argIx[j]] = args[j];
          if (guard && !(actor >= 0 && s[actor] === 1) && !guard(s, env)) return null;
          const t = s.slice();
          body(t, env);
          afterStep(t);
          return t;
        },
      });
    }
  }

  if (chanVar) {
    const st = chanVar.ty as Extract<Ty, { k: "set" }>;
    const m = card(st.elem);
    const c = chanVar.off;
    const adv = (name: string, ix: number, fire: (s: Int32Array) => Int32Array | null, span?: Span) =>
      transitions.push({ id: transitions.length, name, args: [valueAt(st.elem, ix)], argTypes: [st.elem], adversarial: true, span, fire, chanSlot: c + ix });
    if (net?.drop)
      for (let ix = 0; ix < m; ix++)
        adv("drop", ix, (s) => {
          if (!s[c + ix]) return null;
          const t = s.slice();
          t[c + ix] = 0;
          afterStep(t);
          return t;
        }, net.span);
    if (net?.duplicate) {
      const sent = varByName.get(SENT)!.off;
      for (let ix = 0; ix < m; ix++)
        adv("replay", ix, (s) => {
          if (!s[sent + ix] || s[c + ix]) return null;
          const t = s.slice();
          t[c + ix] = 1;
          return t;
        }, net.span);
    }
    if (flood) {
      const fo = varByName.get(FLOOD)!.off;
      for (let ix = 0; ix < m; ix++)
        adv("inject", ix, (s) => {
          if (s[fo] <= 0 || s[c + ix]) return null;
          const t = s.slice();
          t[c + ix] = 1;
          t[fo]--;
          afterStep(t);
          return t;
        }, flood.span);
    }
  }

  const invariants = model.invariants.map((i) => predicate(i.name, i.e, i.span));
  const properties: CompiledProperty[] = model.properties.map((p: PropertyDecl): CompiledProperty => {
    switch (p.kind) {
      case "always":
        return { kind: "always", ...predicate(p.name, p.e, p.span) };
      case "eventually":
        return {
          kind: "eventually",
          ...predicate(p.name, p.e, p.span),
          fair: p.fairness === "weak",
          fairActions: p.fairActions?.length ? new Set(p.fairActions) : undefined,
        };
      case "within":
        return { kind: "within", ...predicate(p.name, p.e, p.span), steps: constInt(p.steps) };
      case "noninterference":
        return { kind: "noninterference", name: p.name, span: p.span, secret: p.secret, observer: p.observer };
    }
  });

  const visible = vars.filter((v) => !v.hidden || v.name === BYZ);
  return {
    model,
    params,
    width,
    vars,
    inits,
    transitions,
    invariants,
    properties,
    symmetry: buildSymmetry(vars, domains, model),
    domains,
    describe: (s) => visible.map((v) => [v.name === BYZ ? "byzantine" : v.name, show(v.ty, read(v.ty, s, v.off))]),
    transitionText: (t) => `${t.name}(${t.args.map((v, j) => show(t.argTypes[j], v)).join(", ")})`,
    resolveType: resolve,
    mirror: net?.duplicate && chanVar ? { from: chanVar.off, to: varByName.get(SENT)!.off, n: slots(chanVar.ty) } : undefined,
    floodSlot: flood ? varByName.get(FLOOD)!.off : undefined,
    typeOf: (name) => {
      const v = varByName.get(name);
      if (!v) throw new InstantiateError(`unknown state variable \`${name}\``);
      return v.ty;
    },
  };
}

export const isFiniteTy = (t: Ty): boolean => t.k === "bool" || t.k === "dom" || (t.k === "tuple" && t.elems.every(isFiniteTy));

const MAX_PERMS = 5040;

/**
 * One slot permutation per renaming of the symmetric domains' values. Arrays whose length equals a
 * symmetric domain's size are taken to be indexed by it (`decided: [i32; n]` with `type Node = 0..n`).
 */
function buildSymmetry(vars: VarLayout[], domains: Map<string, Extract<Ty, { k: "dom" }>>, model: SpecModel): SymPerm[] {
  const sym = [...domains.values()].filter((d) => d.sym);
  if (sym.length === 0) return [];
  // Product of all permutations of each symmetric domain.
  let perms: Map<string, number[]>[] = [new Map()];
  for (const d of sym) {
    const next: Map<string, number[]>[] = [];
    for (const p of permutations(d.size)) for (const base of perms) next.push(new Map(base).set(d.name, p));
    perms = next;
    if (perms.length > MAX_PERMS) return [];
  }
  void model;
  const out: SymPerm[] = [];
  const width = vars.reduce((a, v) => a + slots(v.ty), 0);
  for (const pm of perms) {
    const dst = new Int32Array(width);
    const vmap: (readonly [number, Int32Array] | undefined)[] = new Array(width);
    const mapVal = (t: Ty, v: Value): Value => permuteValue(t, v, pm);
    const lay = (t: Ty, off: number, to: number) => {
      switch (t.k) {
        case "bool":
        case "int":
          dst[off] = to;
          return;
        case "dom": {
          dst[off] = to;
          const p = pm.get(t.name);
          if (p) vmap[off] = [t.lo, Int32Array.from(p)];
          return;
        }
        case "tuple": {
          const offs = tupleOffsets(t);
          t.elems.forEach((e, i) => lay(e, off + offs[i], to + offs[i]));
          return;
        }
        case "array": {
          const es = slots(t.elem);
          const idxDom = sym.find((d) => d.size === t.len);
          const p = idxDom ? pm.get(idxDom.name) : undefined;
          for (let i = 0; i < t.len; i++) lay(t.elem, off + i * es, to + (p ? p[i] : i) * es);
          return;
        }
        case "set": {
          const n = card(t.elem);
          for (let i = 0; i < n; i++) dst[off + i] = to + indexOf(t.elem, mapVal(t.elem, valueAt(t.elem, i)));
          return;
        }
        case "map": {
          const n = card(t.key);
          const vs = slots(t.val);
          for (let i = 0; i < n; i++) lay(t.val, off + i * vs, to + indexOf(t.key, mapVal(t.key, valueAt(t.key, i))) * vs);
          return;
        }
      }
    };
    for (const v of vars) lay(v.ty, v.off, v.off);
    out.push({ dst, vmap });
  }
  return out;
}

function permuteValue(t: Ty, v: Value, pm: Map<string, number[]>): Value {
  if (t.k === "dom") {
    const p = pm.get(t.name);
    const x = (v as number) - t.lo;
    return p && x >= 0 && x < t.size ? t.lo + p[x] : v;
  }
  if (t.k === "tuple") {
    const arr = (v as Int32Array).slice();
    const offs = tupleOffsets(t);
    t.elems.forEach((e, i) => {
      if (isScalar(e)) arr[offs[i]] = permuteValue(e, arr[offs[i]], pm) as number;
      else arr.set(permuteValue(e, arr.slice(offs[i], offs[i] + slots(e)), pm) as Int32Array, offs[i]);
    });
    return arr;
  }
  return v;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1))
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  return out;
}

/** Canonical representative: the lexicographically smallest image under the symmetry group. */
export function canonicalize(s: Int32Array, perms: SymPerm[], scratch?: Int32Array): Int32Array {
  if (perms.length === 0) return s;
  let best = s;
  const t = scratch ?? new Int32Array(s.length);
  for (const { dst, vmap } of perms) {
    for (let i = 0; i < s.length; i++) {
      const m = vmap[i];
      let v = s[i];
      if (m) {
        const x = v - m[0];
        if (x >= 0 && x < m[1].length) v = m[0] + m[1][x];
      }
      t[dst[i]] = v;
    }
    let cmp = 0;
    for (let i = 0; i < s.length && cmp === 0; i++) cmp = t[i] - best[i];
    if (cmp < 0) best = t.slice();
  }
  return best;
}

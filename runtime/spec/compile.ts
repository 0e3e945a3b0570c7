// instantiate(model, params): fixes the params, lays the state out as one Int32Array, and compiles
// guards, effects, invariants and properties to JS closures over that array. Adversaries become
// extra (unfair) transitions and hidden state variables, so the checker needs no special cases.
// The steps, in order: params, domains, state layout, initial states, transitions (actions, then the
// adversaries' moves), predicates, symmetry; expressions compile in compile-expr.ts.
import type { ActionDecl, AdversaryDecl, Expr, SpecModel, TypeExpr, Span, PropertyDecl } from "./model.ts";
import { channelOf } from "./typing.ts";
import { type Ty, type Value, card, indexOf, isScalar, read, show, slots, tupleOffsets, valueAt, valuesOf, write, zero } from "./types.ts";
import { ExprCompiler, type Scope } from "./compile-expr.ts";
import {
  type CompiledProperty, type Instance, type SymPerm, type Transition, type VarLayout, BYZ, FLOOD, InstantiateError, SENT,
} from "./instance.ts";

export {
  SpecRuntimeError, InstantiateError, type VarLayout, type Transition, type CompiledPredicate, type CompiledProperty, type Instance, type SymPerm,
} from "./instance.ts";

const MAX_INITS = 200_000;

type DomTy = Extract<Ty, { k: "dom" }>;
type Adversary<K extends AdversaryDecl["kind"]> = Extract<AdversaryDecl, { kind: K }>;

export function instantiate(model: SpecModel, overrides: Record<string, number> = {}): Instance {
  const params = fixParams(model, overrides);
  const domains = new Map<string, DomTy>();
  const resolve = typeResolver(domains, (e) => cx.constInt(e));
  const cx = new ExprCompiler(params, resolve);
  fixDomains(model, cx, domains);
  const layout = layoutState(model, resolve, domains);
  for (const v of layout.vars) cx.vars.set(v.name, v);
  cx.nodeDom = layout.nodeDom;

  const inits = initialStates(model, layout, cx);
  const transitions: Transition[] = [];
  const afterStep = stepHook(layout);
  for (const a of model.actions) addAction(transitions, a, layout, cx, afterStep);
  addAdversaryMoves(transitions, layout, afterStep);
  const invariants = model.invariants.map((i) => cx.predicate(i.name, i.e, i.span));
  const properties = model.properties.map((p) => compileProperty(p, cx));

  const { vars, width, net, flood, chanVar } = layout;
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
    mirror: net?.duplicate && chanVar ? { from: chanVar.off, to: cx.vars.get(SENT)!.off, n: slots(chanVar.ty) } : undefined,
    floodSlot: flood ? cx.vars.get(FLOOD)!.off : undefined,
    typeOf: (name) => {
      const v = cx.vars.get(name);
      if (!v) throw new InstantiateError(`unknown state variable \`${name}\``);
      return v.ty;
    },
  };
}

/** Each param's value: the override, else its default; an override of an unknown param is an error. */
function fixParams(model: SpecModel, overrides: Record<string, number>): Record<string, number> {
  const params: Record<string, number> = {};
  for (const p of model.params) params[p.name] = overrides[p.name] ?? p.def;
  for (const k of Object.keys(overrides))
    if (!(k in params)) throw new InstantiateError(`spec \`${model.name}\` has no param \`${k}\` (params: ${model.params.map((p) => p.name).join(", ") || "none"})`);
  return params;
}

function fixDomains(model: SpecModel, cx: ExprCompiler, domains: Map<string, DomTy>): void {
  for (const d of model.domains) {
    const lo = cx.constInt(d.lo);
    const hi = cx.constInt(d.hi);
    if (hi <= lo) throw new InstantiateError(`domain \`${d.name}\` is empty (${lo}..${hi}) with these params`, d.span);
    domains.set(d.name, { k: "dom", name: d.name, lo, size: hi - lo, sym: d.symmetric, labels: d.labels });
  }
}

/** Symbolic types → concrete ones under the fixed params (cached per type node). */
function typeResolver(domains: Map<string, DomTy>, constInt: (e: Expr) => number): (t: TypeExpr) => Ty {
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
  return resolve;
}

/** The state layout and the adversaries that shape it. */
interface Layout {
  vars: VarLayout[];
  width: number;
  byzAdv?: Adversary<"byzantine">;
  net?: Adversary<"network">;
  flood?: Adversary<"flood">;
  /** The channel variable the network and flood adversaries act on. */
  chanVar?: VarLayout;
  /** The byzantine adversary's node domain. */
  nodeDom?: DomTy;
  /** Actions a byzantine actor may take with their guard ignored. */
  forgeable: Set<string>;
}

/** Declared variables, then the adversaries' hidden ones. */
function layoutState(model: SpecModel, resolve: (t: TypeExpr) => Ty, domains: Map<string, DomTy>): Layout {
  const vars: VarLayout[] = [];
  let width = 0;
  const addVar = (name: string, ty: Ty, hidden: boolean) => {
    vars.push({ name, off: width, ty, hidden });
    width += slots(ty);
  };
  for (const s of model.state) addVar(s.name, resolve(s.ty), false);
  const byzAdv = model.adversaries.find((a) => a.kind === "byzantine") as Adversary<"byzantine"> | undefined;
  const net = model.adversaries.find((a) => a.kind === "network") as Adversary<"network"> | undefined;
  const flood = model.adversaries.find((a) => a.kind === "flood") as Adversary<"flood"> | undefined;
  const channel = net || flood ? channelOf(model) : undefined;

  let nodeDom: DomTy | undefined;
  let forgeable = new Set<string>();
  if (byzAdv) {
    const marked = model.actions.filter((a) => a.forgeable).map((a) => a.name);
    const chosen = byzAdv.actions?.length ? byzAdv.actions : marked.length ? marked : model.actions.filter((a) => a.params[0]?.ty.k === "dom").map((a) => a.name);
    forgeable = new Set(chosen);
    const first = model.actions.find((a) => forgeable.has(a.name) && a.params[0]?.ty.k === "dom");
    nodeDom = first ? (resolve(first.params[0].ty) as DomTy) : domains.get("Node") ?? [...domains.values()][0];
    if (!nodeDom) throw new InstantiateError("`byzantine(f)` needs a node domain", byzAdv.span);
    addVar(BYZ, { k: "set", elem: nodeDom }, true);
  }
  const chanVar = channel ? vars.find((v) => v.name === channel) : undefined;
  if (net?.duplicate && chanVar) addVar(SENT, chanVar.ty, true);
  if (flood) addVar(FLOOD, { k: "int" }, true);
  return { vars, width, byzAdv, net, flood, chanVar, nodeDom, forgeable };
}

/** Every combination of the declared initial values, uninitialised finite variables and byzantine sets. */
function initialStates(model: SpecModel, layout: Layout, cx: ExprCompiler): Int32Array[] {
  const { byzAdv, net, flood, chanVar, nodeDom } = layout;
  let inits: Int32Array[] = [new Int32Array(layout.width)];
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
    const v = cx.vars.get(sd.name)!;
    if (sd.init) {
      let n = 0;
      const f = cx.expr(sd.init, new Map(), () => n++);
      for (const s of inits) write(v.ty, s, v.off, f(s, []));
    } else if (isFiniteTy(v.ty)) choose(v.off, v.ty, valuesOf(v.ty));
    else for (const s of inits) write(v.ty, s, v.off, zero(v.ty));
  }
  if (byzAdv && nodeDom) {
    const f = cx.constInt(byzAdv.f);
    const v = cx.vars.get(BYZ)!;
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
    const sent = cx.vars.get(SENT)!;
    for (const s of inits) s.copyWithin(sent.off, chanVar.off, chanVar.off + slots(chanVar.ty));
  }
  if (flood) {
    const k = cx.constInt(flood.k);
    for (const s of inits) s[cx.vars.get(FLOOD)!.off] = k;
  }
  return inits;
}

/** What every step does after its effect: with `network(duplicate)`, the history absorbs the channel. */
function stepHook(layout: Layout): (s: Int32Array) => void {
  const post: ((s: Int32Array) => void)[] = [];
  const { net, chanVar } = layout;
  if (net?.duplicate && chanVar) {
    const sent = layout.vars.find((v) => v.name === SENT)!.off;
    const c = chanVar.off;
    const n = slots(chanVar.ty);
    post.push((s) => {
      for (let j = 0; j < n; j++) s[sent + j] |= s[c + j];
    });
  }
  return (s: Int32Array) => {
    for (const p of post) p(s);
  };
}

/** One transition per combination of the action's arguments. */
function addAction(transitions: Transition[], a: ActionDecl, layout: Layout, cx: ExprCompiler, afterStep: (s: Int32Array) => void): void {
  let n = 0;
  const alloc = () => n++;
  const scope: Scope = new Map();
  const argIx = a.params.map((p) => {
    const ix = alloc();
    scope.set(p.name, ix);
    return ix;
  });
  const guard = a.guard ? cx.expr(a.guard, scope, alloc) : undefined;
  const body = cx.stmts(a.body, scope, alloc);
  const argTypes = a.params.map((p) => cx.resolve(p.ty));
  const doms = argTypes.map((t) => valuesOf(t));
  const byzOff = layout.forgeable.has(a.name) && cx.vars.get(BYZ) ? cx.vars.get(BYZ)!.off : -1;
  const byzLo = layout.nodeDom?.lo ?? 0;
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

/** The network and flood adversaries' moves on each message of the channel: drop, replay, inject. */
function addAdversaryMoves(transitions: Transition[], layout: Layout, afterStep: (s: Int32Array) => void): void {
  const { chanVar, net, flood } = layout;
  if (!chanVar) return;
  const slotOf = (name: string) => layout.vars.find((v) => v.name === name)!.off;
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
    const sent = slotOf(SENT);
    for (let ix = 0; ix < m; ix++)
      adv("replay", ix, (s) => {
        if (!s[sent + ix] || s[c + ix]) return null;
        const t = s.slice();
        t[c + ix] = 1;
        return t;
      }, net.span);
  }
  if (flood) {
    const fo = slotOf(FLOOD);
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

function compileProperty(p: PropertyDecl, cx: ExprCompiler): CompiledProperty {
  switch (p.kind) {
    case "always":
      return { kind: "always", ...cx.predicate(p.name, p.e, p.span) };
    case "eventually":
      return {
        kind: "eventually",
        ...cx.predicate(p.name, p.e, p.span),
        fair: p.fairness === "weak",
        fairActions: p.fairActions?.length ? new Set(p.fairActions) : undefined,
      };
    case "within":
      return { kind: "within", ...cx.predicate(p.name, p.e, p.span), steps: cx.constInt(p.steps) };
    case "noninterference":
      return { kind: "noninterference", name: p.name, span: p.span, secret: p.secret, observer: p.observer };
  }
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

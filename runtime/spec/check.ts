// Explicit-state checking: BFS over canonical states (so invariant counterexamples are shortest),
// then, for temporal properties, SCC analysis of the ¬P part of the state graph under weak fairness.
import type { Span } from "./model.ts";
import { type Instance, type Transition, type CompiledPredicate, SpecRuntimeError, canonicalize, type SymPerm } from "./compile.ts";

/** What the checker explores: an Instance, or the self-composed product built for noninterference. */
export interface System {
  width: number;
  inits: Int32Array[];
  transitions: Transition[];
  invariants: CompiledPredicate[];
  symmetry: SymPerm[];
  describe(s: Int32Array): [string, string][];
  transitionText(t: Transition): string;
}

export interface Progress {
  states: number;
  transitions: number;
  depth: number;
  statesPerSec: number;
  elapsedMs: number;
}

export interface CheckOptions {
  maxStates?: number;
  symmetry?: boolean;
  onProgress?: (p: Progress) => void;
  progressEveryMs?: number;
  /** Check only these properties/invariants (by name); all when absent. */
  only?: string[];
}

export interface TraceStep {
  /** 1-based step number; 0 is the initial state. */
  n: number;
  action?: string;
  span?: Span;
  adversarial?: boolean;
  /** Variables whose value changed in this step (all variables for the initial state). */
  changes: [string, string][];
}

export interface Violation {
  property: string;
  kind: "invariant" | "always" | "assert" | "eventually" | "within" | "noninterference";
  message: string;
  span?: Span;
  trace: TraceStep[];
  /** For lassos: the step the loop goes back to. */
  loopTo?: number;
}

export interface CheckResult {
  ok: boolean;
  states: number;
  transitions: number;
  depth: number;
  elapsedMs: number;
  statesPerSec: number;
  /** The state limit was reached: the verdict covers only the explored part. */
  truncated: boolean;
  violations: Violation[];
  /** Names of the actions taken at least once (a repair must not disable one of them). */
  coverage: string[];
}

/** Hash key of a state: its bytes. */
export const keyOf = (s: Int32Array) => Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString("latin1");

interface Graph {
  states: Int32Array[];
  parent: Int32Array | number[];
  via: number[];
  depthOf: number[];
  keys: Map<string, number>;
  /** Edges by source: outgoing [dst, transition id] pairs, flat. */
  out: number[][] | undefined;
  transitions: number;
  depth: number;
  truncated: boolean;
  taken: Uint8Array;
  violation?: { kind: Violation["kind"]; name: string; message: string; span?: Span; at: number; failing?: number };
}

function explore(sys: System, opts: CheckOptions, needGraph: boolean, invariants: CompiledPredicate[]): Graph {
  const perms = opts.symmetry === false ? [] : sys.symmetry;
  const maxStates = opts.maxStates ?? 3_000_000;
  const states: Int32Array[] = [];
  const parent: number[] = [];
  const via: number[] = [];
  const depthOf: number[] = [];
  const keys = new Map<string, number>();
  const out: number[][] | undefined = needGraph ? [] : undefined;
  const scratch = new Int32Array(sys.width);
  const t0 = performance.now();
  let lastReport = t0;
  const every = opts.progressEveryMs ?? 500;
  const g: Graph = { states, parent, via, depthOf, keys, out, transitions: 0, depth: 0, truncated: false, taken: new Uint8Array(sys.transitions.length) };

  const add = (s: Int32Array, from: number, tid: number): number => {
    const c = perms.length ? canonicalize(s, perms, scratch) : s;
    const k = keyOf(c);
    const seen = keys.get(k);
    if (seen !== undefined) return seen;
    const id = states.length;
    const stored = c === scratch ? c.slice() : c;
    states.push(stored);
    keys.set(k, id);
    parent.push(from);
    via.push(tid);
    const d = from < 0 ? 0 : depthOf[from] + 1;
    depthOf.push(d);
    if (d > g.depth) g.depth = d;
    if (out) out.push([]);
    for (const inv of invariants)
      if (!inv.holds(stored)) {
        g.violation ??= { kind: "invariant", name: inv.name, message: `invariant \`${inv.name}\` is violated`, span: inv.span, at: id };
        break;
      }
    return id;
  };

  for (const s of sys.inits) {
    add(s, -1, -1);
    if (g.violation) return g;
  }
  for (let head = 0; head < states.length; head++) {
    const s = states[head];
    const edges = out?.[head];
    for (const t of sys.transitions) {
      let next: Int32Array | null;
      try {
        next = t.fire(s);
      } catch (e) {
        if (!(e instanceof SpecRuntimeError)) throw e;
        g.violation = { kind: "assert", name: t.name, message: `${e.message} in \`${sys.transitionText(t)}\``, span: e.span ?? t.span, at: head, failing: t.id };
        return g;
      }
      if (!next) continue;
      g.transitions++;
      g.taken[t.id] = 1;
      const id = add(next, head, t.id);
      if (edges) edges.push(id, t.id);
      if (g.violation) return g;
    }
    if (states.length >= maxStates) {
      g.truncated = true;
      break;
    }
    if (opts.onProgress && (head & 1023) === 0) {
      const now = performance.now();
      if (now - lastReport >= every) {
        lastReport = now;
        opts.onProgress({ states: states.length, transitions: g.transitions, depth: g.depth, elapsedMs: now - t0, statesPerSec: (states.length * 1000) / (now - t0) });
      }
    }
  }
  return g;
}

/** Replays a path of stored (canonical) states with concrete transitions, for a readable trace. */
function replay(sys: System, g: Pick<Graph, "states" | "via">, path: number[], perms: SymPerm[]): { steps: TraceStep[]; last: Int32Array } {
  const canonKey = (s: Int32Array) => keyOf(perms.length ? canonicalize(s, perms) : s);
  let cur = g.states[path[0]];
  const steps: TraceStep[] = [{ n: 0, changes: sys.describe(cur) }];
  for (let j = 1; j < path.length; j++) {
    const want = keyOf(g.states[path[j]]);
    const recorded = g.via[path[j]];
    const order = [sys.transitions[recorded], ...sys.transitions.filter((t) => t.id !== recorded)].filter(Boolean);
    let found: { t: Transition; next: Int32Array } | undefined;
    for (const t of order) {
      let next: Int32Array | null = null;
      try {
        next = t.fire(cur);
      } catch {
        next = null;
      }
      if (next && canonKey(next) === want) {
        found = { t, next };
        break;
      }
    }
    if (!found) throw new Error("internal: counterexample replay lost the path");
    steps.push(stepOf(sys, j, found.t, cur, found.next));
    cur = found.next;
  }
  return { steps, last: cur };
}

function stepOf(sys: System, n: number, t: Transition, before: Int32Array, after: Int32Array): TraceStep {
  const b = sys.describe(before);
  const a = sys.describe(after);
  const changes = a.filter(([, v], i) => v !== b[i][1]);
  return { n, action: sys.transitionText(t), span: t.span, adversarial: t.adversarial, changes };
}

/** Counterexample to stored state `id`, replayed concretely (used by the parallel explorer too). */
export function traceTo(sys: System, states: Int32Array[], parent: number[], via: number[], id: number, perms: SymPerm[]): TraceStep[] {
  const path: number[] = [];
  for (let x = id; x >= 0; x = parent[x]) path.push(x);
  return replay(sys, { states, via }, path.reverse(), perms).steps;
}

function pathTo(g: Pick<Graph, "parent">, id: number): number[] {
  const path: number[] = [];
  for (let x = id; x >= 0; x = g.parent[x]) path.push(x);
  return path.reverse();
}

/** Safety only: invariants and `always` properties. */
export function checkSafety(sys: System, opts: CheckOptions = {}): CheckResult {
  return run(sys, opts, [], sys.invariants);
}

export function checkInstance(inst: Instance, opts: CheckOptions = {}): CheckResult {
  const wanted = (n: string) => !opts.only || opts.only.includes(n);
  const safety: CompiledPredicate[] = [
    ...inst.invariants.filter((i) => wanted(i.name)),
    ...inst.properties.filter((p) => p.kind === "always" && wanted(p.name)).map((p) => p as CompiledPredicate),
  ];
  const temporal = inst.properties.filter((p) => (p.kind === "eventually" || p.kind === "within") && wanted(p.name));
  const result = run(inst, opts, temporal as TemporalProp[], safety);
  if (result.violations.length) return result;
  for (const p of inst.properties)
    if (p.kind === "noninterference" && wanted(p.name)) {
      const r = run(selfCompose(inst, p.secret, p.observer, p.name, p.span), { ...opts, symmetry: false }, [], undefined);
      result.states += r.states;
      result.transitions += r.transitions;
      result.truncated ||= r.truncated;
      if (r.violations.length) {
        // The self-composed system reports its observer check as an invariant; name the property the
        // user wrote instead (an action's failing assert keeps its own message).
        const leak = `noninterference \`${p.name}\` fails: two runs that differ only in ${p.secret.join(", ")} are told apart by ${p.observer.join(", ")}`;
        result.violations.push(...r.violations.map((v) => ({ ...v, kind: "noninterference" as const, message: v.kind === "invariant" ? leak : v.message })));
        result.ok = false;
        break;
      }
    }
  return result;
}

type TemporalProp = Extract<Instance["properties"][number], { kind: "eventually" | "within" }>;

function run(sys: System, opts: CheckOptions, temporal: TemporalProp[], invariants: CompiledPredicate[] | undefined): CheckResult {
  const t0 = performance.now();
  // Per-instance fairness is not invariant under renaming node ids, so liveness runs unreduced.
  if (temporal.length) opts = { ...opts, symmetry: false };
  const g = explore(sys, opts, temporal.length > 0, invariants ?? sys.invariants);
  const perms = opts.symmetry === false ? [] : sys.symmetry;
  const violations: Violation[] = [];
  if (g.violation) {
    const v = g.violation;
    const { steps, last } = replay(sys, g, pathTo(g, v.at), perms);
    if (v.failing !== undefined) {
      // The failing step: the same action, applied to the concrete state, throws.
      const t = sys.transitions.find((t) => {
        try {
          t.fire(last);
          return false;
        } catch {
          return t.name === v.name;
        }
      });
      steps.push({ n: steps.length, action: t ? sys.transitionText(t) : v.name, span: v.span, changes: [] });
    }
    violations.push({ property: v.name, kind: v.kind, message: v.message, span: v.span, trace: steps });
  } else if (!g.truncated) {
    for (const p of temporal) {
      const v = p.kind === "within" ? checkWithin(sys, g, p, perms) : checkEventually(sys, g, p, perms);
      if (v) {
        violations.push(v);
        break;
      }
    }
  }
  const elapsedMs = performance.now() - t0;
  return {
    ok: violations.length === 0,
    states: g.states.length,
    transitions: g.transitions,
    depth: g.depth,
    elapsedMs,
    statesPerSec: (g.states.length * 1000) / Math.max(elapsedMs, 0.001),
    truncated: g.truncated,
    violations,
    coverage: [...new Set(sys.transitions.filter((t) => g.taken[t.id] && !t.adversarial).map((t) => t.name))].sort(),
  };
}

/** States reachable from an initial state through ¬P states only, with BFS parents. */
function notPRegion(g: Graph, sys: System, p: CompiledPredicate) {
  const n = g.states.length;
  const inRegion = new Uint8Array(n);
  const par = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (let i = 0; i < n && g.parent[i] === -1; i++)
    if (!p.holds(g.states[i])) {
      inRegion[i] = 1;
      queue.push(i);
    }
  const holds = new Int8Array(n).fill(-1);
  for (let h = 0; h < queue.length; h++) {
    const s = queue[h];
    const e = g.out![s];
    for (let j = 0; j < e.length; j += 2) {
      const d = e[j];
      if (inRegion[d]) continue;
      if (holds[d] < 0) holds[d] = p.holds(g.states[d]) ? 1 : 0;
      if (holds[d]) continue;
      inRegion[d] = 1;
      par[d] = s;
      queue.push(d);
    }
  }
  void sys;
  return { inRegion, par, order: queue };
}

/** Tarjan's SCCs of the region (iterative); returns component id per state, components in reverse topological order. */
function sccs(g: Graph, inRegion: Uint8Array): { comp: Int32Array; comps: number[][] } {
  const n = g.states.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const comps: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (!inRegion[root] || index[root] >= 0) continue;
    const call: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (call.length) {
      const frame = call[call.length - 1];
      const v = frame[0];
      const e = g.out![v];
      if (frame[1] < e.length) {
        const w = e[frame[1]];
        frame[1] += 2;
        if (!inRegion[w]) continue;
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          call.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
      } else {
        call.pop();
        if (call.length) {
          const u = call[call.length - 1][0];
          low[u] = Math.min(low[u], low[v]);
        }
        if (low[v] === index[v]) {
          const c: number[] = [];
          let w: number;
          do {
            w = stack.pop()!;
            onStack[w] = 0;
            comp[w] = comps.length;
            c.push(w);
          } while (w !== v);
          comps.push(c);
        }
      }
    }
  }
  return { comp, comps };
}

function checkEventually(sys: System, g: Graph, p: Extract<TemporalProp, { kind: "eventually" }>, perms: SymPerm[]): Violation | undefined {
  const { inRegion, par } = notPRegion(g, sys, p);
  const { comp, comps } = sccs(g, inRegion);
  // Weak fairness per transition instance (action + arguments): each node's step is owed, but
  // adversary moves and byzantine actors' moves never are.
  const isFair = (tid: number, s: number) => {
    const t = sys.transitions[tid];
    return p.fair && !t.adversarial && (!p.fairActions || p.fairActions.has(t.name)) && !t.forgedAt?.(g.states[s]);
  };
  for (let ci = 0; ci < comps.length; ci++) {
    const c = comps[ci];
    const inside = (x: number) => comp[x] === ci;
    let hasInnerEdge = false;
    const takenInside = new Set<number>();
    const enabledCount = new Map<number, number>();
    for (const s of c) {
      const e = g.out![s];
      const enabledHere = new Set<number>();
      for (let j = 0; j < e.length; j += 2) {
        const tid = e[j + 1];
        if (isFair(tid, s)) enabledHere.add(tid);
        if (inside(e[j])) {
          hasInnerEdge = true;
          takenInside.add(tid);
        }
      }
      for (const a of enabledHere) enabledCount.set(a, (enabledCount.get(a) ?? 0) + 1);
    }
    const always = [...enabledCount].filter(([, k]) => k === c.length).map(([a]) => a);
    let ok: boolean;
    if (!hasInnerEdge) {
      // A single state the behaviour may stay in forever: only when no fair move is enabled there,
      // or (without fairness) when nothing at all can happen.
      ok = p.fair ? enabledCount.size === 0 : g.out![c[0]].length === 0;
    } else ok = always.every((a) => takenInside.has(a));
    if (!ok) continue;
    // Lasso: prefix to the component, then a cycle that takes every move the fairness demands.
    const entry = c.reduce((best, s) => (g.depthOf[s] < g.depthOf[best] ? s : best), c[0]);
    const prefix: number[] = [];
    for (let x = entry; x >= 0; x = par[x]) prefix.push(x);
    prefix.reverse();
    const cycle = hasInnerEdge ? lassoCycle(g, entry, inside, always) : [];
    const { steps } = replay(sys, g, [...prefix, ...cycle], perms);
    const message = hasInnerEdge
      ? `\`${p.name}\` fails: a ${p.fair ? "fair " : ""}behaviour loops forever without reaching it`
      : `\`${p.name}\` fails: a behaviour stops in a state where it does not hold${p.fair ? " and no fair action is enabled" : ""}`;
    return { property: p.name, kind: "eventually", message, span: p.span, trace: steps, loopTo: hasInnerEdge ? prefix.length - 1 : undefined };
  }
  return undefined;
}

/** A cycle from `entry` back to it inside the component, through one edge of each named action. */
function lassoCycle(g: Graph, entry: number, inside: (x: number) => boolean, mustTake: number[]): number[] {
  const path: number[] = [];
  let cur = entry;
  const bfs = (from: number, goal: (s: number, tid: number, d: number) => boolean): number[] => {
    const prev = new Map<number, number>([[from, -1]]);
    const q = [from];
    for (let h = 0; h < q.length; h++) {
      const s = q[h];
      const e = g.out![s];
      for (let j = 0; j < e.length; j += 2) {
        const d = e[j];
        if (!inside(d)) continue;
        if (goal(s, e[j + 1], d)) {
          const p = [d];
          for (let x = s; x !== from; x = prev.get(x)!) p.push(x);
          return p.reverse();
        }
        if (!prev.has(d)) {
          prev.set(d, s);
          q.push(d);
        }
      }
    }
    return [];
  };
  for (const a of mustTake) {
    const seg = bfs(cur, (_s, tid) => tid === a);
    if (!seg.length) continue;
    path.push(...seg);
    cur = seg[seg.length - 1];
  }
  const back = bfs(cur, (_s, _t, d) => d === entry);
  path.push(...back);
  return path;
}

function checkWithin(sys: System, g: Graph, p: Extract<TemporalProp, { kind: "within" }>, perms: SymPerm[]): Violation | undefined {
  const { inRegion, par } = notPRegion(g, sys, p);
  const { comp, comps } = sccs(g, inRegion);
  // A ¬P cycle means some behaviour never reaches P at all.
  for (let ci = 0; ci < comps.length; ci++) {
    const c = comps[ci];
    const selfLoop = c.length === 1 && hasEdge(g, c[0], c[0]);
    if (c.length > 1 || selfLoop) {
      const entry = c.reduce((best, s) => (g.depthOf[s] < g.depthOf[best] ? s : best), c[0]);
      const prefix: number[] = [];
      for (let x = entry; x >= 0; x = par[x]) prefix.push(x);
      prefix.reverse();
      const { steps } = replay(sys, g, [...prefix, ...lassoCycle(g, entry, (x) => comp[x] === ci, [])], perms);
      return { property: p.name, kind: "within", message: `\`${p.name}\` fails: a behaviour loops forever without reaching it`, span: p.span, trace: steps, loopTo: prefix.length - 1 };
    }
  }
  // Acyclic: longest ¬P path (components are in reverse topological order, so successors come first).
  const n = g.states.length;
  const len = new Int32Array(n);
  const next = new Int32Array(n).fill(-1);
  for (const c of comps) {
    const s = c[0];
    let best = 0;
    const e = g.out![s];
    for (let j = 0; j < e.length; j += 2)
      if (inRegion[e[j]] && len[e[j]] + 1 > best) {
        best = len[e[j]] + 1;
        next[s] = e[j];
      }
    len[s] = best;
  }
  const emit = (path: number[], message: string): Violation => ({ property: p.name, kind: "within", message, span: p.span, trace: replay(sys, g, path, perms).steps });
  for (let s = 0; s < n && g.parent[s] === -1; s++) {
    if (!inRegion[s] || len[s] < p.steps) continue;
    const path = [s];
    for (let x = next[s]; x >= 0 && path.length <= p.steps; x = next[x]) path.push(x);
    return emit(path, `\`${p.name}\` fails: it does not hold within ${p.steps} steps`);
  }
  for (let s = 0; s < n; s++) {
    if (!inRegion[s] || g.out![s].length !== 0) continue;
    const prefix: number[] = [];
    for (let x = s; x >= 0; x = par[x]) prefix.push(x);
    prefix.reverse();
    return emit(prefix, `\`${p.name}\` fails: a behaviour stops after ${prefix.length - 1} steps without reaching it`);
  }
  return undefined;
}

function hasEdge(g: Graph, a: number, b: number): boolean {
  const e = g.out![a];
  for (let j = 0; j < e.length; j += 2) if (e[j] === b) return true;
  return false;
}

/**
 * Self-composition for noninterference: two copies that start equal except for the secret
 * variables (every pair of secret values) and take the same action with the same arguments; a
 * reachable pair whose observer variables differ is a leak.
 */
export function selfCompose(inst: Instance, secret: string[], observer: string[], name: string, span?: Span): System {
  const W = inst.width;
  const varOf = (n: string) => inst.vars.find((v) => v.name === n)!;
  const secretVars = secret.map(varOf);
  const obs = observer.map(varOf).map((v) => [v.off, v.off + slotsOfVar(inst, v.name)] as const);
  const inits: Int32Array[] = [];
  const seen = new Set<string>();
  // Base states: the initial states with the secrets cleared, so each base pairs every secret choice.
  const bases = new Map<string, Int32Array>();
  for (const s of inst.inits) {
    const b = s.slice();
    for (const v of secretVars) b.fill(0, v.off, v.off + slotsOfVar(inst, v.name));
    bases.set(keyOf(b), b);
  }
  for (const b of bases.values()) {
    const variants = inst.inits.filter((s) => {
      const c = s.slice();
      for (const v of secretVars) c.fill(0, v.off, v.off + slotsOfVar(inst, v.name));
      return keyOf(c) === keyOf(b);
    });
    for (const x of variants)
      for (const y of variants) {
        const p = new Int32Array(2 * W);
        p.set(x, 0);
        p.set(y, W);
        const k = keyOf(p);
        if (!seen.has(k)) {
          seen.add(k);
          inits.push(p);
        }
      }
  }
  const touchesObserver = (before: Int32Array, after: Int32Array) => {
    for (const [lo, hi] of obs) for (let i = lo; i < hi; i++) if (before[i] !== after[i]) return true;
    return false;
  };
  // Both copies take the same move. A move that only one copy can take is a leak when the observer
  // would see it (it changes an observer variable): that copy moves, the other stays, and the
  // observer check below reports the divergence. Invisible one-sided moves are not followed.
  const transitions: Transition[] = inst.transitions.map((t) => ({
    ...t,
    fire(s: Int32Array) {
      const x = s.subarray(0, W);
      const y = s.subarray(W);
      const a = t.fire(x);
      const b = t.fire(y);
      if (!a && !b) return null;
      if (!a && !touchesObserver(y, b!)) return null;
      if (!b && !touchesObserver(x, a!)) return null;
      const out = new Int32Array(2 * W);
      out.set(a ?? x, 0);
      out.set(b ?? y, W);
      return out;
    },
  }));
  const invariant: CompiledPredicate = {
    name,
    span,
    holds(s) {
      for (const [lo, hi] of obs) for (let i = lo; i < hi; i++) if (s[i] !== s[W + i]) return false;
      return true;
    },
  };
  return {
    width: 2 * W,
    inits,
    transitions,
    invariants: [invariant],
    symmetry: [],
    describe: (s) => [
      ...inst.describe(s.subarray(0, W)).map(([k, v]) => [`run1.${k}`, v] as [string, string]),
      ...inst.describe(s.subarray(W)).map(([k, v]) => [`run2.${k}`, v] as [string, string]),
    ],
    transitionText: (t) => inst.transitionText(t),
  };
}

function slotsOfVar(inst: Instance, name: string): number {
  const i = inst.vars.findIndex((v) => v.name === name);
  const next = inst.vars[i + 1];
  return (next ? next.off : inst.width) - inst.vars[i].off;
}

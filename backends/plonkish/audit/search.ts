// The bounded solver step: what propagation leaves undetermined is a *possible* finding; this search
// tries to make it a *confirmed* one by building two witnesses that satisfy every gate, copy and
// lookup of the layout, agree on every input (public and private parameters) and differ in the cell.
//
// A witness is built by decisions and unit propagation: a constraint with one unknown variable that
// occurs linearly (with a nonzero coefficient under the known values) is solved for it; a lookup
// whose known positions leave one table row fills the others; a known total of a bounded
// decomposition (propagate.ts) is split into its digits. When nothing is forced, the next variable of
// a fixed order is decided: undetermined bounded cells (smallest bound first, except digits of totals
// the inputs determine, which wait for the split), other undetermined cells, private inputs, public
// inputs (so that public values follow from private ones as a hash's output must), then inputs of
// dynamic-table lookups (once the pushed rows are known). Values come from a strategy: all zeros,
// small numbers, or random field elements (a bounded cell stays in its range, a lookup input takes a
// matching table row). The finished assignment is checked against every constraint by evaluating the
// layout's own expressions. For the second witness the inputs are fixed to the first one's values, the
// target is forced to another value (v + 1, −v, 0, 1, 1 − v, random, another table row's entry), its
// fellow digits are decided first, and every other decision repeats the first witness. The search is
// deterministic (seeded) and bounded by a time budget; what it cannot confirm stays possible: it proves
// non-uniqueness, never uniqueness.
import { fr } from "../../../runtime/poly/index.ts";
import { splitLinear } from "./poly.ts";
import { type System, type LookupConstraint, plainVar } from "./system.ts";
import type { Decomposition, Propagation } from "./propagate.ts";

const R = fr.R;

export type Strategy = "zero" | "small" | "random";
const STRATEGIES: Strategy[] = ["zero", "small", "random"];

export interface SearchInput {
  system: System;
  prop: Propagation;
  /** Input variables, private ones first. */
  privateInputs: number[];
  publicInputs: number[];
  /** Variables to try to confirm as not unique (one per finding). */
  targets: number[];
  /** Typed private inputs to try outside their range: variable and a value outside it. */
  rangeTargets: Array<{ v: number; outside: bigint }>;
  budgetMs: number;
}

export interface SearchResult {
  /** Targets shown to take two values (with the two values). */
  confirmed: Map<number, [bigint, bigint]>;
  /** The two full assignments (per variable) that confirmed each target. */
  pairs: Map<number, [bigint[], bigint[]]>;
  /** Range targets a witness satisfied with the out-of-range value. */
  rangeConfirmed: Set<number>;
  /** Whether any satisfying witness was found at all. */
  witnessFound: boolean;
  timedOut: boolean;
}

class Rng {
  constructor(private s: bigint) {}
  next(): bigint {
    // xorshift64*
    let x = this.s;
    x ^= x >> 12n;
    x ^= (x << 25n) & 0xffffffffffffffffn;
    x ^= x >> 27n;
    this.s = x;
    return (x * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  }
  field(): bigint {
    return ((this.next() << 192n) | (this.next() << 128n) | (this.next() << 64n) | this.next()) % R;
  }
  below(n: bigint): bigint {
    return n <= 0n ? 0n : this.field() % n;
  }
}

export function search(inp: SearchInput): SearchResult {
  const t0 = Date.now();
  const s = inp.system;
  const n = s.vars.length;
  const result: SearchResult = { confirmed: new Map(), pairs: new Map(), rangeConfirmed: new Set(), witnessFound: false, timedOut: false };
  const over = () => {
    if (Date.now() - t0 > inp.budgetMs) result.timedOut = true;
    return result.timedOut;
  };
  const inputs = new Set([...inp.privateInputs, ...inp.publicInputs]);
  const det = inp.prop.determined;
  // Decision order: undetermined cells (bounded ones first), private inputs, public inputs, the rest.
  const order: number[] = [];
  const placed = new Uint8Array(n);
  const put = (v: number) => {
    if (!placed[v]) {
      placed[v] = 1;
      order.push(v);
    }
  };
  /** The first lookup each variable is a plain input of (decisions take a table row there). */
  const lookupOf = new Map<number, LookupConstraint>();
  for (const c of s.constraints)
    if (c.kind === "lookup")
      for (const p of c.inputs) {
        const v = plainVar(p);
        if (v !== undefined && !lookupOf.has(v)) lookupOf.set(v, c);
      }
  // A dynamic table's rows are known only once their pushed values are: its inputs are decided last.
  const dynamicInput = (v: number) => lookupOf.get(v)?.candidates.some((t) => t.some((p) => p.constantValue === undefined)) ?? false;
  // A known total of a bounded decomposition is split into its digits (see assign). Digits of a total
  // the inputs determine (a range-checked input's limbs) wait for it instead of being decided first.
  const byTotal = new Map<number, Decomposition[]>();
  for (const d of inp.prop.decompositions) byTotal.set(d.total, [...(byTotal.get(d.total) ?? []), d]);
  const follows = new Set<number>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of inp.prop.decompositions)
      if (det[d.total] || follows.has(d.total))
        for (const [a] of d.atoms)
          if (!follows.has(a)) {
            follows.add(a);
            changed = true;
          }
  }
  // Smallest bound first: a limb before the 4·limb that a scaled lookup holds, so the product follows.
  const bounded: number[] = [];
  for (let v = 0; v < n; v++) if (!det[v] && inp.prop.bound.has(v) && !dynamicInput(v) && !follows.has(v)) bounded.push(v);
  bounded.sort((a, b) => {
    const x = inp.prop.bound.get(a)!;
    const y = inp.prop.bound.get(b)!;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  bounded.forEach(put);
  for (let v = 0; v < n; v++) if (!det[v] && !inputs.has(v) && !dynamicInput(v) && !follows.has(v)) put(v);
  inp.privateInputs.forEach(put);
  inp.publicInputs.forEach(put);
  for (let v = 0; v < n; v++) if (!det[v] && !dynamicInput(v)) put(v);
  for (let v = 0; v < n; v++) put(v);
  /** Candidate rows whose entries are known under `get`, as values. */
  const rowsOf = (c: LookupConstraint, known: (vs: number[]) => boolean, get: (v: number) => bigint): bigint[][] =>
    c.candidates.filter((t) => t.every((p) => known(p.vars()))).map((t) => t.map((p) => p.value(get)));

  const solve = (strategy: Strategy, seed: bigint, fixed: Map<number, bigint>, prefer?: (bigint | undefined)[], first: number[] = []): (bigint | undefined)[] | undefined => {
    const rng = new Rng(seed);
    const val: (bigint | undefined)[] = new Array(n).fill(undefined);
    const queue: number[] = [];
    const queued = new Uint8Array(s.constraints.length);
    const assign = (v: number, x: bigint) => {
      if (val[v] !== undefined) return;
      val[v] = fr.mod(x);
      for (const ci of s.uses[v])
        if (!queued[ci]) {
          queued[ci] = 1;
          queue.push(ci);
        }
      // A known total splits into its digits: largest weight first, each digit as large as its bound
      // and the rest allow (unique when the decomposition is injective; skipped when it does not add up).
      for (const d of byTotal.get(v) ?? []) {
        if (d.atoms.some(([a]) => val[a] !== undefined)) continue;
        let rest = fr.sub(val[v]!, d.k);
        const digits: Array<[number, bigint]> = [];
        for (const [a, c] of [...d.atoms].sort((p, q) => (p[1] < q[1] ? 1 : p[1] > q[1] ? -1 : 0))) {
          const q = rest / c;
          const b = inp.prop.bound.get(a) ?? 0n;
          const x = q < b ? q : b;
          digits.push([a, x]);
          rest -= x * c;
        }
        if (rest === 0n) for (const [a, x] of digits) assign(a, x);
      }
    };
    const known = (vs: number[]) => vs.every((v) => val[v] !== undefined);
    const get = (v: number) => val[v] ?? 0n;
    const run = () => {
      for (let head = 0; head < queue.length; head++) {
        if ((head & 255) === 0 && over()) return;
        const ci = queue[head];
        queued[ci] = 0;
        const c = s.constraints[ci];
        const unknown = c.vars.filter((v) => val[v] === undefined);
        if (unknown.length === 0) continue;
        if (c.kind === "gate") {
          if (unknown.length !== 1 || !c.poly) continue;
          const v = unknown[0];
          const { degree, coef, rest } = splitLinear(c.poly, v);
          if (degree !== 1) continue;
          const cv = coef.value(get);
          if (cv === 0n) continue;
          assign(v, fr.mul(fr.neg(rest.value(get)), fr.inv(cv)));
        } else {
          // A lookup: fill the plain unknown inputs when one evaluable candidate matches the known ones.
          const ins = c.inputs.map((p) => (known(p.vars()) ? p.value(get) : undefined));
          let match: bigint[] | undefined;
          let count = 0;
          for (const t of c.candidates) {
            if (!t.every((p) => known(p.vars()))) {
              count = 2;
              break;
            }
            const tv = t.map((p) => p.value(get));
            if (tv.every((x, j) => ins[j] === undefined || ins[j] === x)) {
              count++;
              match = tv;
              if (count > 1) break;
            }
          }
          if (count === 1 && match)
            c.inputs.forEach((p, j) => {
              const w = plainVar(p);
              if (w !== undefined && ins[j] === undefined) assign(w, match![j]);
            });
        }
      }
      queue.length = 0;
    };
    for (const [v, x] of fixed) assign(v, x);
    // Constraints with no known variable yet (a constant's row) are solvable from the start too.
    for (let ci = 0; ci < s.constraints.length; ci++)
      if (!queued[ci]) {
        queued[ci] = 1;
        queue.push(ci);
      }
    run();
    for (const v of first.length ? [...first, ...order] : order) {
      if (over()) return undefined;
      if (val[v] !== undefined) continue;
      const pv = prefer?.[v];
      if (pv !== undefined) assign(v, pv);
      else if (lookupOf.has(v)) {
        const c = lookupOf.get(v)!;
        const ins = c.inputs.map((p) => (known(p.vars()) ? p.value(get) : undefined));
        const ok = rowsOf(c, known, get).filter((t) => t.every((x, j) => ins[j] === undefined || ins[j] === x));
        const pick = ok.length ? ok[strategy === "zero" ? 0 : Number(rng.below(BigInt(ok.length)))] : undefined;
        if (pick)
          c.inputs.forEach((p, j) => {
            const w = plainVar(p);
            if (w !== undefined && val[w] === undefined) assign(w, pick[j]);
          });
        if (val[v] === undefined) assign(v, 0n);
      } else {
        const b = inp.prop.bound.get(v);
        const x =
          strategy === "zero" ? 0n : strategy === "small" ? rng.below(4n) : b !== undefined ? rng.below(b + 1n) : rng.field();
        assign(v, b !== undefined && x > b ? 0n : x);
      }
      run();
    }
    return satisfies(val) ? val : undefined;
  };

  const satisfies = (val: (bigint | undefined)[]): boolean => {
    const get = (v: number) => val[v] ?? 0n;
    for (const [i, c] of s.constraints.entries()) {
      if ((i & 255) === 0 && over()) return false;
      if (c.kind === "gate") {
        const x = c.expr.value((col, rot) => (col.kind === "fixed" ? s.fixedAt(col, c.row + rot) : get(s.existingVar(col, c.row + rot) ?? -1)));
        if (x !== 0n) return false;
      } else {
        const ins = c.inputs.map((p) => p.value(get));
        if (!c.candidates.some((t) => t.every((p, j) => p.value(get) === ins[j]))) return false;
      }
    }
    return true;
  };

  const alternatives = (v: number, x: bigint, rng: Rng, w1: (bigint | undefined)[]): bigint[] => {
    const b = inp.prop.bound.get(v);
    const xs = [fr.add(x, 1n), fr.neg(x), 0n, 1n, fr.sub(1n, x), rng.field()];
    if (b !== undefined) xs.push(rng.below(b + 1n), b, x === 0n ? 1n : 0n);
    // A lookup input may take another row's entry (a key pushed twice with different values).
    const c = lookupOf.get(v);
    const j = c ? c.inputs.findIndex((p) => plainVar(p) === v) : -1;
    if (c && j >= 0)
      for (const t of rowsOf(c, () => true, (w) => w1[w] ?? 0n).slice(0, 16)) xs.push(t[j]);
    return [...new Set(xs)].filter((y) => y !== x);
  };

  if (!inp.targets.length && !inp.rangeTargets.length) return result;
  /**
   * The digits of every decomposition the target sits in, up the chain of partial sums (bits of acc_1,
   * then acc_1's sibling digits in acc_2, …): decided first in a second witness, so that a flipped digit
   * keeps the others and the totals follow from them instead of from the first witness.
   */
  const fellowsOf = (target: number): number[] => {
    const out: number[] = [];
    const seen = new Set<number>([target]);
    const todo = [target];
    while (todo.length) {
      const x = todo.pop()!;
      for (const d of inp.prop.decompositions) {
        if (!d.atoms.some(([a]) => a === x)) continue;
        for (const [a] of d.atoms)
          if (!seen.has(a)) {
            seen.add(a);
            out.push(a);
          }
        if (!seen.has(d.total)) {
          seen.add(d.total);
          todo.push(d.total);
        }
      }
    }
    return out;
  };

  let seed = 0x9e3779b97f4a7c15n;
  for (const strategy of STRATEGIES) {
    if (over()) break;
    seed += 1n;
    const w1 = solve(strategy, seed, new Map());
    if (!w1) continue;
    result.witnessFound = true;
    const fixedInputs = new Map<number, bigint>();
    for (const v of inputs) fixedInputs.set(v, w1[v]!);
    for (const target of inp.targets) {
      if (over()) break;
      if (result.confirmed.has(target)) continue;
      const rng = new Rng(seed ^ BigInt(target + 1));
      for (const y of alternatives(target, w1[target]!, rng, w1)) {
        if (over()) break;
        const fixed = new Map(fixedInputs);
        if (fixed.has(target)) break;
        fixed.set(target, y);
        const w2 = solve(strategy, seed, fixed, w1, fellowsOf(target));
        if (!w2) continue;
        for (const t of inp.targets)
          if (w2[t] !== w1[t] && !result.confirmed.has(t)) {
            result.confirmed.set(t, [w1[t]!, w2[t]!]);
            result.pairs.set(t, [w1.map((x) => x ?? 0n), w2.map((x) => x ?? 0n)]);
          }
        break;
      }
    }
  }
  for (const { v, outside } of inp.rangeTargets) {
    if (over()) break;
    for (const strategy of STRATEGIES) {
      if (over()) break;
      seed += 1n;
      if (solve(strategy, seed, new Map([[v, outside]]))) {
        result.rangeConfirmed.add(v);
        result.witnessFound = true;
        break;
      }
    }
  }
  return result;
}

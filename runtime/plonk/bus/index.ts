// The bus (multiset) argument: a logUp running sum over the circuit's bus interactions
// (spec/plonkish.md, "Bus argument"). Each interaction contributes m(X) / (β + f(X)) on every active row,
// with f = compress(tag, values; θ) and the tag a per-bus constant (so equal tuples on different buses do
// not cancel). Interactions are grouped so that each group's identity stays within the circuit's degree:
// per group g a running sum φ_g with
//   (φ_g(ωX) − φ_g(X)) · Π_i d_i(X) = Σ_i m_i(X) · Π_{j≠i} d_j(X),   d_i = β + f_i,
// on active rows, φ_g = 0 at row 0, and Σ_g φ_g = 0 at the last active row: the sum over every row and
// interaction of m/(β + f) is zero, which for β drawn after the advice commitments means that every
// tuple's multiplicities cancel. The multiplicities are circuit expressions, not prover choices (unlike a
// lookup's m), so a tuple received twice and sent once leaves the bus unbalanced.
import { add, batchInvert, mul, pow } from "../../poly/fr.ts";
import { Expression, type Column } from "../cs.ts";

export interface BusShape {
  bus: string;
  values: Expression[];
  multiplicity: Expression;
}

export class BusError extends Error {
  constructor(readonly bus: string) {
    super(`bus "${bus}" does not balance: some tuple's multiplicities do not sum to zero (run the MockProver for details)`);
  }
}

/** The constant first element of every tuple of `bus`: its 1-based position among the circuit's bus names. */
export function busTags(buses: readonly BusShape[]): Map<string, bigint> {
  const tags = new Map<string, bigint>();
  for (const b of buses) if (!tags.has(b.bus)) tags.set(b.bus, BigInt(tags.size + 1));
  return tags;
}

const degOf = (b: BusShape) => ({ f: Math.max(1, ...b.values.map((e) => e.degree())), m: b.multiplicity.degree() });

/** Degree of a group's identity, the active-rows factor included. */
function groupDegree(ds: Array<{ f: number; m: number }>): number {
  const sumF = ds.reduce((s, d) => s + d.f, 0);
  let d = 1 + sumF;
  for (const x of ds) d = Math.max(d, x.m + sumF - x.f);
  return 1 + d;
}

/** Interactions (indices into `buses`) per running sum: greedily as many as fit in `degree`. */
export function busGroups(buses: readonly BusShape[], degree: number): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  buses.forEach((b, i) => {
    const next = [...cur, i];
    if (cur.length && groupDegree(next.map((j) => degOf(buses[j]))) > degree) {
      out.push(cur);
      cur = [i];
    } else cur = next;
  });
  if (cur.length) out.push(cur);
  return out;
}

type Ch = bigint | Expression;
const lift = (c: Ch): Expression => (typeof c === "bigint" ? Expression.constant(c) : c);

/** β + compress(tag, values; θ) as an Expression. */
export function busDenominator(b: BusShape, tag: bigint, theta: Ch, beta: Ch): Expression {
  let acc = Expression.constant(tag);
  b.values.forEach((v, j) => {
    acc = acc.add(v.mul(typeof theta === "bigint" ? pow(theta, BigInt(j + 1)) : theta.pow(j + 1)));
  });
  return acc.add(lift(beta));
}

/**
 * The bus identities over `bus_phi` columns and the special columns l0, lLast, active (given as
 * Expressions by constraints.ts): per group l0·φ_g and the step identity, then one lLast·Σφ_g.
 */
export function busConstraints(
  buses: readonly BusShape[],
  degree: number,
  theta: Ch,
  beta: Ch,
  sp: { l0: Expression; lLast: Expression; active: Expression },
): Expression[] {
  if (buses.length === 0) return [];
  const tags = busTags(buses);
  const phi = (g: number, rot = 0) => Expression.query({ kind: "bus_phi", index: g }, rot);
  const out: Expression[] = [];
  const groups = busGroups(buses, degree);
  groups.forEach((grp, g) => {
    const d = grp.map((i) => busDenominator(buses[i], tags.get(buses[i].bus)!, theta, beta));
    const prod = (skip: number) => d.reduce<Expression | undefined>((acc, x, j) => (j === skip ? acc : acc ? acc.mul(x) : x), undefined) ?? Expression.constant(1);
    const rhs = Expression.sum(grp.map((i, k) => buses[i].multiplicity.mul(prod(k))));
    out.push(sp.l0.mul(phi(g)));
    out.push(sp.active.mul(phi(g, 1).sub(phi(g)).mul(prod(-1)).sub(rhs)));
  });
  out.push(sp.lLast.mul(Expression.sum(groups.map((_, g) => phi(g)))));
  return out;
}

/**
 * The prover's running sums: φ_g[0] = 0, φ_g[r+1] = φ_g[r] + Σ m_i[r]/d_i[r] over the usable rows, random
 * values on the blinding rows. `read(row)` reads the circuit's cells (advice, fixed, instance) with
 * rotations. Unless `unchecked`, a bus whose terms do not sum to zero is a BusError.
 */
export function busRunningSums(
  buses: readonly BusShape[],
  degree: number,
  n: number,
  usable: number,
  theta: bigint,
  beta: bigint,
  read: (row: number) => (c: Column, rot: number) => bigint,
  random: () => bigint,
  unchecked = false,
): bigint[][] {
  const tags = busTags(buses);
  const den = buses.map((b) => busDenominator(b, tags.get(b.bus)!, theta, beta));
  const perBus = new Map<string, bigint>();
  const out = busGroups(buses, degree).map((grp) => {
    // Terms with m = 0 add nothing: their denominators are neither computed nor inverted (tables and rows
    // past a chip's height are mostly such). A vanishing denominator of a term with m ≠ 0 has probability
    // ~rows/|F| and makes the identity unsatisfiable; the prover then stops.
    const terms: Array<{ r: number; i: number; m: bigint; d: bigint }> = [];
    for (let r = 0; r < usable; r++) {
      const rd = read(r);
      for (const i of grp) {
        const m = buses[i].multiplicity.value(rd);
        if (m !== 0n) terms.push({ r, i, m, d: den[i].value(rd) });
      }
    }
    const inv = terms.map((t) => t.d);
    if (inv.some((x) => x === 0n)) throw new Error("bus argument: a denominator vanished (β collided with a tuple); prove again");
    batchInvert(inv);
    const step = new Array<bigint>(usable).fill(0n);
    terms.forEach((t, j) => {
      const v = mul(t.m, inv[j]);
      step[t.r] = add(step[t.r], v);
      perBus.set(buses[t.i].bus, add(perBus.get(buses[t.i].bus) ?? 0n, v));
    });
    const phi = new Array<bigint>(n).fill(0n);
    for (let r = 0; r < usable; r++) phi[r + 1] = add(phi[r], step[r]);
    for (let r = usable + 1; r < n; r++) phi[r] = random();
    return phi;
  });
  if (!unchecked) for (const [bus, s] of perBus) if (s !== 0n) throw new BusError(bus);
  return out;
}

// Every polynomial identity of the proof, as Expressions over circuit columns and argument columns
// (see ArgumentColumnKind in cs.ts). The prover evaluates them on the extended coset, the verifier at
// the challenge x, so both read one definition; the list of openings is derived from the same set.
import { type Column, type ColumnKind, Expression } from "./cs.ts";
import { GENERATOR, pow, mul } from "../poly/fr.ts";
import type { CircuitShape } from "./keygen.ts";
import { busConstraints } from "./bus/index.ts";

export const SPECIAL = { l0: 0, lLast: 1, active: 2, x: 3 } as const;

const q = (kind: ColumnKind, index: number, rot = 0) => Expression.query({ kind, index }, rot);
const special = (i: number) => q("special", i);

/**
 * θ, β, γ as values (prover and verifier), or as Expressions standing for them (a verifier generated
 * for another machine, e.g. backends/evm-verifier, computes the identities with the challenges unknown).
 */
export interface Challenges {
  theta: bigint | Expression;
  beta: bigint | Expression;
  gamma: bigint | Expression;
}

const scaleChallenge = (c: bigint | Expression, k: bigint): bigint | Expression => (typeof c === "bigint" ? mul(c, k) : c.mul(k));

/** Permutation columns per grand-product chunk: each chunk's constraint has degree chunk + 2. */
export function permutationChunks(shape: CircuitShape): Column[][] {
  const len = Math.max(1, shape.degree - 2);
  const out: Column[][] = [];
  for (let i = 0; i < shape.equality.length; i += len) out.push(shape.equality.slice(i, i + len));
  return out;
}

/** δ^c: the coset shift that makes the identity permutation distinct per column. */
export function deltaPow(c: number): bigint {
  return pow(GENERATOR, BigInt(c));
}

export function compress(exprs: readonly Expression[], theta: bigint | Expression): Expression {
  let acc = exprs[0];
  for (let j = 1; j < exprs.length; j++) acc = acc.add(exprs[j].mul(typeof theta === "bigint" ? pow(theta, BigInt(j)) : theta.pow(j)));
  return acc;
}

export function allConstraints(shape: CircuitShape, ch: Challenges): Expression[] {
  const active = special(SPECIAL.active);
  const l0 = special(SPECIAL.l0);
  const lLast = special(SPECIAL.lLast);
  const out: Expression[] = [];
  for (const g of shape.gates) for (const p of g.polys) out.push(active.mul(p));

  const chunks = permutationChunks(shape);
  const lastRot = -(shape.blinding + 1);
  let col = 0;
  chunks.forEach((chunk, j) => {
    const z = q("perm_z", j);
    if (j === 0) out.push(l0.mul(Expression.constant(1).sub(z)));
    else out.push(l0.mul(z.sub(q("perm_z", j - 1, lastRot))));
    if (j === chunks.length - 1) out.push(lLast.mul(z.square().sub(z)));
    let left = q("perm_z", j, 1);
    let right = z;
    for (const c of chunk) {
      const v = Expression.query(c);
      left = left.mul(v.add(q("sigma", col).mul(ch.beta)).add(ch.gamma));
      right = right.mul(v.add(special(SPECIAL.x).mul(scaleChallenge(ch.beta, deltaPow(col)))).add(ch.gamma));
      col++;
    }
    out.push(active.mul(left.sub(right)));
  });

  shape.lookups.forEach((l, i) => {
    const phi = q("lookup_phi", i);
    const m = q("lookup_m", i);
    const f = compress(l.inputs, ch.theta).add(ch.beta);
    const t = compress(l.table, ch.theta).add(ch.beta);
    out.push(l0.mul(phi));
    out.push(lLast.mul(phi));
    out.push(active.mul(q("lookup_phi", i, 1).sub(phi).mul(f).mul(t).sub(m.mul(f)).add(t)));
  });
  out.push(...busConstraints(shape.buses ?? [], shape.degree, ch.theta, ch.beta, { l0, lLast, active }));
  return out;
}

const ORDER: ColumnKind[] = ["advice", "fixed", "sigma", "perm_z", "lookup_m", "lookup_phi", "bus_phi"];

export interface Query {
  column: Column;
  rot: number;
}

/**
 * The polynomial openings at x·ω^rot, in a canonical order (proof evaluations follow it). Instance and
 * special columns are absent: the verifier computes those itself.
 */
export function openingQueries(shape: CircuitShape): Query[] {
  const dummy: Challenges = { theta: 2n, beta: 3n, gamma: 5n };
  const seen = new Map<string, Query>();
  for (const e of allConstraints(shape, dummy))
    for (const { column, rot } of e.queries()) {
      if (!ORDER.includes(column.kind)) continue;
      seen.set(`${column.kind}:${column.index}:${rot}`, { column, rot });
    }
  return [...seen.values()].sort(
    (a, b) =>
      ORDER.indexOf(a.column.kind) - ORDER.indexOf(b.column.kind) ||
      a.column.index - b.column.index ||
      a.rot - b.rot,
  );
}

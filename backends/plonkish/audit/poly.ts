// Sparse multivariate polynomials over Fr whose variables are the audit's cell classes (numbers).
// A layout's gate polynomial, with the fixed columns of one row substituted, becomes one of these;
// the audit reads which variables occur, in which degree and with which coefficient.
import { fr } from "../../../runtime/poly/index.ts";

const R = fr.R;

/** One monomial: c · Π vars (vars sorted ascending, repeated for powers; [] = the constant term). */
export interface Term {
  vars: number[];
  c: bigint;
}

/** Thrown when an expansion exceeds the term budget (the constraint is then treated as opaque). */
export class TooBig extends Error {}

export class Poly {
  constructor(readonly terms: Term[]) {}

  static zero = new Poly([]);
  static constant(c: bigint): Poly {
    const v = fr.mod(c);
    return v === 0n ? Poly.zero : new Poly([{ vars: [], c: v }]);
  }
  static variable(v: number): Poly {
    return new Poly([{ vars: [v], c: 1n }]);
  }

  get isZero(): boolean {
    return this.terms.length === 0;
  }
  /** The constant value when the polynomial has no variables. */
  get constantValue(): bigint | undefined {
    if (this.terms.length === 0) return 0n;
    if (this.terms.length === 1 && this.terms[0].vars.length === 0) return this.terms[0].c;
    return undefined;
  }

  add(o: Poly): Poly {
    if (o.isZero) return this;
    if (this.isZero) return o;
    return combine([...this.terms, ...o.terms]);
  }
  neg(): Poly {
    return new Poly(this.terms.map((t) => ({ vars: t.vars, c: fr.neg(t.c) })));
  }
  scale(k: bigint): Poly {
    const m = fr.mod(k);
    if (m === 0n) return Poly.zero;
    return new Poly(this.terms.map((t) => ({ vars: t.vars, c: fr.mul(t.c, m) })));
  }
  mul(o: Poly, budget: number): Poly {
    if (this.isZero || o.isZero) return Poly.zero;
    if (this.terms.length * o.terms.length > budget * 8) throw new TooBig();
    const out: Term[] = [];
    for (const a of this.terms) for (const b of o.terms) out.push({ vars: mergeSorted(a.vars, b.vars), c: fr.mul(a.c, b.c) });
    const p = combine(out);
    if (p.terms.length > budget) throw new TooBig();
    return p;
  }

  /** Distinct variables. */
  vars(): number[] {
    const s = new Set<number>();
    for (const t of this.terms) for (const v of t.vars) s.add(v);
    return [...s];
  }

  value(val: (v: number) => bigint): bigint {
    let acc = 0n;
    for (const t of this.terms) {
      let x = t.c;
      for (const v of t.vars) x = (x * val(v)) % R;
      acc += x;
    }
    return acc % R;
  }
}

/** A monomial's key (code points are cheaper than join; ids past the code-point range fall back). */
function monoKey(vars: number[]): string {
  if (vars.length === 0) return "";
  if (vars.length === 1) return vars[0] < 0x10ffff ? String.fromCodePoint(vars[0]) : `${vars[0]}`;
  for (const v of vars) if (v >= 0xd800) return vars.join(",");
  return String.fromCharCode(...vars);
}

function combine(ts: Term[]): Poly {
  const m = new Map<string, Term>();
  for (const t of ts) {
    const k = monoKey(t.vars);
    const e = m.get(k);
    if (e) e.c = (e.c + t.c) % R;
    else m.set(k, { vars: t.vars, c: t.c });
  }
  return new Poly([...m.values()].filter((t) => t.c !== 0n));
}

function mergeSorted(a: number[], b: number[]): number[] {
  if (!a.length) return b;
  if (!b.length) return a;
  const out: number[] = [];
  let i = 0,
    j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++]);
  return out;
}

/**
 * How `v` occurs in p: degree 1 gives p = coef·v + rest with coef and rest free of v; otherwise
 * `degree` is the highest power (0 when absent).
 */
export function splitLinear(p: Poly, v: number): { degree: number; coef: Poly; rest: Poly } {
  let degree = 0;
  const coef: Term[] = [];
  const rest: Term[] = [];
  for (const t of p.terms) {
    let n = 0;
    for (const x of t.vars) if (x === v) n++;
    degree = Math.max(degree, n);
    if (n === 0) rest.push(t);
    else if (n === 1) coef.push({ vars: t.vars.filter((x) => x !== v), c: t.c });
  }
  return { degree, coef: combine(coef), rest: new Poly(rest) };
}

/** Signed representative of a field element (|x| ≤ (r − 1)/2). */
export function signed(x: bigint): bigint {
  return x > R / 2n ? x - R : x;
}

// Propagation of "uniquely determined" over the system (the first step of Picus / circomspect's
// under-constraint analysis; spec/audit.md states each rule's argument). Starting from the inputs, a
// variable becomes determined when:
//  - linear: a constraint is linear in it and every other variable of that constraint is determined,
//    with a coefficient that cannot vanish: a nonzero constant, a determined expression C when the
//    rest is a nonzero constant k (C = 0 would leave 0 = k, so every solution has C ≠ 0: x·r = 1), or a
//    product of cells that another constraint keeps nonzero (y·t = 1 beside r·y = x);
//  - lookup: a fixed table whose rows are told apart by the determined positions of an enabled input
//    (key → value tables; a one-row candidate set fixes everything), or a dynamic table with a single
//    pushed row the input can match;
//  - recomposition: a constraint linear in undetermined variables with constant coefficients where
//    each of them is an integer combination of bounded atoms (cells with x·(x − 1) = 0, also spread
//    over rows, or plain inputs of fixed-table lookups whose entries there are small integers; bounds
//    also travel along affine relations), and the combination is injective: the coefficients, made
//    positive, grow as a mixed radix (each exceeds the largest sum the smaller ones can reach) and the
//    largest sum is below r, so the integer sum cannot wrap mod r;
//  - case split: x·w = 0 with x determined, when both branches (x ≠ 0: w = 0; x = 0) determine it.
// Poseidon rows need no rule of their own: each round's next state is linear in its output cells.
import { fr } from "../../../runtime/poly/index.ts";
import { Poly, signed, splitLinear } from "./poly.ts";
import { type System, type GateConstraint, type LookupConstraint, plainVar } from "./system.ts";

const R = fr.R;
/** Atoms one affine form may collect before it is dropped (keeps long chains cheap). */
const FORM_CAP = 512;
/** Largest table value still treated as a small integer bound. */
const SMALL = 1n << 128n;

export interface Propagation {
  determined: Uint8Array;
  /** Integer bound b (the variable lies in 0..b) where one is known. */
  bound: Map<number, bigint>;
  /** Which rule determined a variable (for --json). */
  reason: Map<number, string>;
  /** A polynomial with the variables that single constraints fix to constants replaced by them. */
  substituteConstants: (p: Poly) => Poly;
  /** Bounded integer combinations found on the way: total = k + Σ c·atom (atoms ranged, no wrap). */
  decompositions: Decomposition[];
}

export interface Decomposition {
  total: number;
  atoms: Array<[number, bigint]>;
  k: bigint;
}

export function propagate(s: System, inputs: Iterable<number>): Propagation {
  const n = s.vars.length;
  const det = new Uint8Array(n);
  const bound = new Map<number, bigint>();
  const reason = new Map<number, string>();
  /** Affine forms: variable → (atom → coefficient), meaning v = Σ c·atom + (something determined). */
  const forms = new Map<number, Map<number, bigint>>();
  /** The constant part of a form when it is known (an atom's is 0): v = Σ c·atom + k. */
  const formK = new Map<number, bigint>();
  const queue: number[] = [];
  const queued = new Uint8Array(s.constraints.length);
  const nonzero = new Set<number>();
  const enqueueUses = (v: number) => {
    for (const ci of s.uses[v])
      if (!queued[ci]) {
        queued[ci] = 1;
        queue.push(ci);
      }
  };
  const setDet = (v: number, why: string) => {
    if (det[v]) return;
    det[v] = 1;
    reason.set(v, why);
    enqueueUses(v);
  };
  /** Records 0 ≤ v ≤ b; `atomize` makes v an atom of the forms (else it keeps its form, e.g. 16·high). */
  const setBound = (v: number, b: bigint, atomize = true) => {
    const old = bound.get(v);
    if (old !== undefined && old <= b) return;
    bound.set(v, b);
    // A cell held to 0..0 is the constant 0.
    if (b === 0n) setDet(v, "bounded to 0");
    if (atomize || !forms.has(v)) {
      if (!forms.has(v) || forms.get(v)!.size !== 1 || !forms.get(v)!.has(v)) forms.set(v, new Map([[v, 1n]]));
      formK.set(v, 0n);
    }
    enqueueUses(v);
    tighten(v);
  };
  /** A derived form: kept when it is one scaled atom (the scale matters for recompositions), else v becomes a bounded atom. */
  const decompositions: Decomposition[] = [];
  const adopt = (v: number, d: { f: Map<number, bigint>; k?: bigint; bound?: bigint }) => {
    if (d.bound !== undefined && d.f.size > 1) {
      // v = k + Σ c·atom over bounded atoms (limbs, bits): the search splits a known v into them.
      decompositions.push({ total: v, atoms: [...d.f], k: d.k! });
      return setBound(v, d.bound);
    }
    forms.set(v, d.f);
    if (d.k === undefined) formK.delete(v);
    else formK.set(v, d.k);
    if (d.bound !== undefined) setBound(v, d.bound, false);
    else enqueueUses(v);
  };
  // Intervals through affine relations v = A·w + K (A a small positive integer): with both bounded and
  // nothing able to wrap (A·b_w, b_v and |K| below r/4), v ≤ A·b_w + K and w ≤ (b_v − K)/A — the top byte
  // looked up as 4·limb bounds limb by 63, and `x + (2^k − c) < 2^k` with x itself ranged makes x < c.
  let aff: ReturnType<typeof affineRelations> | undefined;
  const LIM = R / 4n;
  const relate = (v: number, w: number) => {
    const fv = aff!.find(v);
    const fw = aff!.find(w);
    const A = fr.mul(fv.a, fr.inv(fw.a));
    if (A === 0n || A >= SMALL) return;
    const K = signed(fr.sub(fv.k, fr.mul(A, fw.k)));
    const bv = bound.get(v);
    const bw = bound.get(w);
    if (bv === undefined || bw === undefined) return;
    const absK = K < 0n ? -K : K;
    if (A * bw + absK >= LIM || bv + absK >= LIM) return;
    if (A * bw + K >= 0n && A * bw + K < bv) setBound(v, A * bw + K);
    if (bv - K >= 0n && (bv - K) / A < bw) setBound(w, (bv - K) / A);
  };
  const tighten = (v: number) => {
    if (!aff || aff.find(v).r === -1) return;
    for (const w of aff.members(v)) {
      if (w === v || !bound.has(w)) continue;
      relate(v, w);
      relate(w, v);
    }
  };

  // Bounds first: booleanity polynomials (also when spread over rows: t = b − 1, u = b·t, u = 0 is
  // b·(b − 1) = 0 once the affine relations are substituted) and small-integer lookups.
  aff = affineRelations(s);
  // Cells kept nonzero: a product of cells equal to a nonzero constant (y·t = 1) has no zero factor.
  for (const c of s.constraints) {
    if (c.kind !== "gate" || !c.poly || c.vars.length > 4) continue;
    const p = aff.substituteConstants(c.poly);
    const mono = p.terms.filter((t) => t.vars.length > 0);
    const k = p.terms.find((t) => t.vars.length === 0)?.c ?? 0n;
    if (mono.length === 1 && k !== 0n) for (const x of mono[0].vars) nonzero.add(x);
  }
  for (const c of s.constraints) {
    if (c.kind === "gate" && c.poly) {
      const v = booleanVar(c.poly) ?? (c.vars.length <= 4 && c.poly.terms.some((t) => t.vars.length === 2) ? booleanVar(aff!.substitute(c.poly) ?? Poly.zero) : undefined);
      if (v !== undefined) setBound(v, 1n);
    } else if (c.kind === "lookup") {
      for (const b of lookupBounds(c)) setBound(b.v, b.max);
    }
  }
  // A lookup of c·v with v already small: c·v cannot wrap, so v ≤ (largest entry) / c.
  for (const c of s.constraints) {
    if (c.kind !== "lookup") continue;
    c.inputs.forEach((p, j) => {
      if (p.terms.length !== 1 || p.terms[0].vars.length !== 1) return;
      const v = p.terms[0].vars[0];
      const k = p.terms[0].c;
      const b = bound.get(v);
      if (b === undefined || k <= 1n || k * b >= SMALL) return;
      let max = 0n;
      for (const t of c.candidates) {
        const x = t[j].constantValue;
        if (x === undefined || x >= SMALL) return;
        if (x > max) max = x;
      }
      setBound(v, max / k);
    });
  }
  for (const v of inputs) setDet(v, "input");
  for (let i = 0; i < s.constraints.length; i++)
    if (!queued[i]) {
      queued[i] = 1;
      queue.push(i);
    }

  const undet = (vs: number[]) => vs.filter((v) => !det[v]);

  const linear = (c: GateConstraint) => {
    const u = undet(c.vars);
    if (u.length !== 1 || !c.poly) return;
    const v = u[0];
    const { degree, coef, rest } = splitLinear(c.poly, v);
    if (degree !== 1) return;
    const k = coef.constantValue;
    if (k !== undefined && k !== 0n) return setDet(v, `linear in ${c.gate} row ${c.row}`);
    const r = rest.constantValue;
    if (k === undefined && r !== undefined && r !== 0n) return setDet(v, `linear in ${c.gate} row ${c.row} (nonzero product)`);
    // A coefficient that is a product of cells some constraint keeps nonzero (y·t = 1 beside r·y = x).
    if (coef.terms.length === 1 && coef.terms[0].vars.every((x) => nonzero.has(x))) setDet(v, `linear in ${c.gate} row ${c.row} (nonzero divisor)`);
  };

  /** The constraint as Σ c_u·u over its undetermined variables (constant c_u) + a determined part. */
  const linearUndet = (p: Poly, u: number[]): Map<number, bigint> | undefined => {
    const us = new Set(u);
    const out = new Map<number, bigint>();
    for (const t of p.terms) {
      const hits = t.vars.filter((x) => us.has(x));
      if (hits.length === 0) continue;
      if (hits.length > 1 || t.vars.length > 1) return undefined;
      out.set(hits[0], ((out.get(hits[0]) ?? 0n) + t.c) % R);
    }
    return out;
  };

  /**
   * v's form from a constraint linear in its undetermined variables: v = −(Σ c_w·form_w + rest)/c_v,
   * with the constant part when the rest is a constant; `bound` when that is a bounded integer (small
   * positive multiples of atoms plus a small constant, below r).
   */
  const deriveForm = (p: Poly, lin: Map<number, bigint>, v: number): { f: Map<number, bigint>; k?: bigint; bound?: bigint } | undefined => {
    const cv = lin.get(v) ?? 0n;
    if (cv === 0n) return undefined;
    const f = new Map<number, bigint>();
    const scale = fr.neg(fr.inv(cv));
    let exact = true;
    for (const [w, cw] of lin) if (w !== v && addForm(f, forms.get(w)!, fr.mul(cw, scale), det)) exact = false;
    if (f.size === 0 || f.size > FORM_CAP) return undefined;
    let k: bigint | undefined = exact ? 0n : undefined;
    for (const t of p.terms) {
      if (k === undefined) break;
      if (t.vars.some((x) => !det[x])) continue;
      k = t.vars.length ? undefined : fr.add(k, fr.mul(t.c, scale));
    }
    for (const [w, cw] of lin) {
      if (w === v || k === undefined) continue;
      const kw = formK.get(w);
      k = kw === undefined ? undefined : fr.add(k, fr.mul(kw, fr.mul(cw, scale)));
    }
    const fb = k !== undefined && k < R / 2n ? formBound(f, bound) : undefined;
    return { f, k, bound: fb !== undefined && fb + k! < R ? fb + k! : undefined };
  };

  const recompose = (c: GateConstraint) => {
    if (!c.poly) return;
    const u = undet(c.vars);
    if (u.length === 0) return;
    const lin = linearUndet(c.poly, u);
    if (!lin) return;
    const missing = u.filter((v) => !forms.has(v));
    if (missing.length > 1) return;
    if (missing.length === 1) {
      // The one variable without a form gets one (a bound, when the form is a bounded integer).
      const v = missing[0];
      const d = deriveForm(c.poly, lin, v);
      if (d) adopt(v, d);
      return;
    }
    // Every variable has a form; one derived from the other end of a chain may have missed a bound
    // that this constraint gives (forms are order-dependent, bounds should not be).
    for (const v of u) {
      if (bound.has(v)) continue;
      const d = deriveForm(c.poly, lin, v);
      if (d?.bound !== undefined) adopt(v, d);
    }
    const f = new Map<number, bigint>();
    for (const [w, cw] of lin) addForm(f, forms.get(w)!, cw, det);
    if (f.size === 0) return;
    if (injective(f, bound)) for (const a of f.keys()) setDet(a, `recomposition in ${c.gate} row ${c.row}`);
  };

  const lookup = (c: LookupConstraint) => {
    const known = c.inputs.map((p) => p.vars().every((v) => det[v]));
    if (known.every(Boolean)) return;
    const cands = c.candidates;
    if (cands.length === 1) {
      // One possible row: every plain input equals that row's entry.
      const t = cands[0];
      c.inputs.forEach((p, j) => {
        const v = plainVar(p);
        if (v !== undefined && !det[v] && t[j].vars().every((w) => det[w])) setDet(v, `lookup ${c.lookup} row ${c.row}`);
      });
      return;
    }
    if (!cands.every((t) => t.every((p) => p.constantValue !== undefined))) return;
    const keyPos = known.map((k, j) => (k ? j : -1)).filter((j) => j >= 0);
    if (!keyPos.length) return;
    const seen = new Set<string>();
    for (const t of cands) {
      const k = keyPos.map((j) => t[j].constantValue).join(",");
      if (seen.has(k)) return;
      seen.add(k);
    }
    c.inputs.forEach((p, j) => {
      const v = plainVar(p);
      if (v !== undefined && !known[j]) setDet(v, `lookup ${c.lookup} row ${c.row} (key → value)`);
    });
  };

  /** Runs the rules until no constraint is queued (a head index: shift() is linear per call). */
  const drain = () => {
    for (let head = 0; head < queue.length; head++) {
      const ci = queue[head];
      queued[ci] = 0;
      const c = s.constraints[ci];
      if (c.kind === "gate") {
        linear(c);
        recompose(c);
      } else lookup(c);
    }
    queue.length = 0;
  };
  drain();

  // Case split on zero products x·w = 0 (x determined): for x ≠ 0, w = 0; for x = 0, every product
  // with x vanishes. A variable determined in both branches is determined (the is-zero gadget's out,
  // which the inverse witness alone does not fix).
  const products: Array<{ x: number; w: number }> = [];
  for (const c of s.constraints) {
    if (c.kind !== "gate" || !c.poly || c.vars.length > 4) continue;
    // Constants substituted (x·w − t with t = 0 elsewhere is x·w = 0); other variables stay.
    const p = c.poly.terms.length === 1 ? c.poly : aff!.substituteConstants(c.poly);
    if (p.terms.length !== 1 || p.terms[0].vars.length !== 2 || p.terms[0].vars[0] === p.terms[0].vars[1]) continue;
    const [a, b] = p.terms[0].vars;
    products.push({ x: a, w: b }, { x: b, w: a });
  }
  for (let round = 0; round < 8; round++) {
    let changed = false;
    for (const { x, w } of products) {
      if (!det[x] || det[w]) continue;
      const a = branch(s, det, [w], new Set([x]), undefined);
      const b = branch(s, det, [], undefined, new Set([x]));
      let any = false;
      for (const v of a) if (b.has(v)) {
        setDet(v, `case split on ${x} = 0`);
        any = true;
      }
      if (any) changed = true;
    }
    if (!changed) break;
    drain();
  }

  // Bounds of determined variables that equal a bounded combination (a typed input recomposed from
  // range-checked limbs): x = Σ c·atom with x alone on its side.
  for (const c of s.constraints) {
    if (c.kind !== "gate" || !c.poly) continue;
    for (const t of c.poly.terms) {
      if (t.vars.length !== 1 || bound.has(t.vars[0])) continue;
      const x = t.vars[0];
      const others = c.poly.terms.filter((o) => o !== t);
      if (others.some((o) => o.vars.length !== 1 || !forms.has(o.vars[0]))) continue;
      const f = new Map<number, bigint>();
      const scale = fr.neg(fr.inv(t.c));
      for (const o of others) addForm(f, forms.get(o.vars[0])!, fr.mul(o.c, scale), new Uint8Array(n));
      const b = formBound(f, bound);
      if (b !== undefined) bound.set(x, b);
    }
  }
  return { determined: det, bound, reason, substituteConstants: (p) => aff!.substituteConstants(p), decompositions };
}

/** Adds k·f into `into`, dropping determined atoms; true when it dropped one. */
function addForm(into: Map<number, bigint>, f: Map<number, bigint>, k: bigint, det: Uint8Array): boolean {
  let dropped = false;
  for (const [a, c] of f) {
    if (det[a]) {
      dropped = true;
      continue;
    }
    const v = (((into.get(a) ?? 0n) + c * k) % R + R) % R;
    if (v === 0n) into.delete(a);
    else into.set(a, v);
  }
  return dropped;
}

/** The combination's largest value when every coefficient is positive (≤ r/2) and the sum stays below r (else undefined). */
function formBound(f: Map<number, bigint>, bound: Map<number, bigint>): bigint | undefined {
  let sum = 0n;
  for (const [a, c] of f) {
    const b = bound.get(a);
    if (b === undefined || c > R / 2n) return undefined;
    sum += c * b;
  }
  return sum < R ? sum : undefined;
}

/** Σ c·atom over bounded atoms is injective on their ranges (see the header). */
export function injective(f: Map<number, bigint>, bound: Map<number, bigint>): boolean {
  const terms: Array<{ c: bigint; b: bigint }> = [];
  let sign = 0;
  for (const [a, c0] of f) {
    const b = bound.get(a);
    if (b === undefined) return false;
    const c = signed(c0);
    const sg = c > 0n ? 1 : -1;
    if (sign === 0) sign = sg;
    else if (sg !== sign) return false;
    terms.push({ c: c < 0n ? -c : c, b });
  }
  terms.sort((x, y) => (x.c < y.c ? -1 : x.c > y.c ? 1 : 0));
  let reach = 0n;
  for (const t of terms) {
    if (t.c <= reach) return false;
    reach += t.c * t.b;
  }
  return reach < R;
}

/** x·(x − 1)·k = 0 (k a nonzero constant): the one variable of a booleanity polynomial. */
function booleanVar(p: Poly): number | undefined {
  if (p.terms.length !== 2) return undefined;
  const sq = p.terms.find((t) => t.vars.length === 2 && t.vars[0] === t.vars[1]);
  const ln = p.terms.find((t) => t.vars.length === 1);
  if (!sq || !ln || ln.vars[0] !== sq.vars[0] || fr.add(sq.c, ln.c) !== 0n) return undefined;
  return ln.vars[0];
}

/**
 * Bounds from an enabled lookup into a fixed table: every plain variable input lies between 0 and the
 * largest entry its position takes among the rows the constant positions (a tag) leave.
 */
function lookupBounds(c: LookupConstraint): Array<{ v: number; max: bigint }> {
  const out: Array<{ v: number; max: bigint }> = [];
  if (!c.candidates.length) return out;
  c.inputs.forEach((p, j) => {
    const v = plainVar(p);
    if (v === undefined) return;
    let max = 0n;
    for (const t of c.candidates) {
      const x = t[j].constantValue;
      if (x === undefined || x >= SMALL) return;
      if (x > max) max = x;
    }
    out.push({ v, max });
  });
  return out;
}

/**
 * Affine relations between variables from two-variable linear constraints (α·x + β·y + γ = 0) and
 * constants from one-variable ones: a weighted union-find, v = a·root + k (root −1: a constant).
 */
function affineRelations(s: System) {
  const par = new Map<number, { p: number; a: bigint; k: bigint }>();
  const find = (v: number): { r: number; a: bigint; k: bigint } => {
    let a = 1n;
    let k = 0n;
    let cur = v;
    while (cur !== -1 && par.has(cur)) {
      const e = par.get(cur)!;
      k = (a * e.k + k) % R;
      a = (a * e.a) % R;
      cur = e.p;
    }
    return { r: cur, a, k };
  };
  for (const c of s.constraints) {
    if (c.kind !== "gate" || !c.poly || c.vars.length > 2) continue;
    if (c.poly.terms.some((t) => t.vars.length > 1)) continue;
    const lin = c.poly.terms.filter((t) => t.vars.length === 1);
    const g = c.poly.terms.find((t) => t.vars.length === 0)?.c ?? 0n;
    if (lin.length === 1) {
      const f = find(lin[0].vars[0]);
      if (f.r === -1) continue;
      // c·(a·r + k) + g = 0 → r = (−g/c − k)/a.
      const val = fr.mul(fr.sub(fr.mul(fr.neg(g), fr.inv(lin[0].c)), f.k), fr.inv(f.a));
      par.set(f.r, { p: -1, a: 0n, k: val });
    } else if (lin.length === 2) {
      let [t1, t2] = lin;
      let f1 = find(t1.vars[0]);
      let f2 = find(t2.vars[0]);
      if (f1.r === f2.r) continue;
      if (f2.r === -1) {
        [t1, t2] = [t2, t1];
        [f1, f2] = [f2, f1];
      }
      // α(a1·r1 + k1) + β(a2·r2 + k2) + γ = 0 → r2 = −(α·a1·r1 + α·k1 + β·k2 + γ)/(β·a2).
      const den = fr.neg(fr.inv(fr.mul(t2.c, f2.a)));
      par.set(f2.r, { p: f1.r, a: fr.mul(fr.mul(t1.c, f1.a), den), k: fr.mul(fr.add(fr.add(fr.mul(t1.c, f1.k), fr.mul(t2.c, f2.k)), g), den) });
    }
  }
  const byRoot = new Map<number, number[]>();
  let grouped = false;
  return {
    find,
    /** Variables related to `root`'s class (including itself). */
    members(v: number): number[] {
      if (!grouped) {
        for (let x = 0; x < s.vars.length; x++) {
          const r = find(x).r;
          const l = byRoot.get(r) ?? [];
          l.push(x);
          byRoot.set(r, l);
        }
        grouped = true;
      }
      return byRoot.get(find(v).r) ?? [v];
    },
    /** The polynomial with the variables known to be constants replaced by their values. */
    substituteConstants(p: Poly): Poly {
      let out = Poly.zero;
      for (const t of p.terms) {
        let c = t.c;
        const vars: number[] = [];
        for (const v of t.vars) {
          const f = find(v);
          if (f.r === -1) c = fr.mul(c, f.k);
          else vars.push(v);
        }
        out = out.add(c === 0n ? Poly.zero : new Poly([{ vars, c }]));
      }
      return out;
    },
    /** The polynomial over roots (undefined when it grows past a small budget). */
    substitute(p: Poly): Poly | undefined {
      let out = Poly.zero;
      try {
        for (const t of p.terms) {
          let m = Poly.constant(t.c);
          for (const v of t.vars) {
            const f = find(v);
            m = m.mul(f.r === -1 ? Poly.constant(f.k) : Poly.variable(f.r).scale(f.a).add(Poly.constant(f.k)), 256);
          }
          out = out.add(m);
        }
      } catch {
        return undefined;
      }
      return out;
    },
  };
}

/**
 * The linear rule inside one branch of a case split, from the determined set plus `seed`: with
 * `nonzero` the variables assumed ≠ 0 (a coefficient that is a product of them cannot vanish), with
 * `zero` the variables assumed = 0 (every monomial containing one drops). Bounded; returns what it
 * determined (the seed included).
 */
function branch(s: System, det: Uint8Array, seed: number[], nonzero?: Set<number>, zero?: Set<number>): Set<number> {
  const local = new Set<number>(seed);
  const isDet = (v: number) => det[v] === 1 || local.has(v) || (zero?.has(v) ?? false);
  const queue: number[] = [];
  const push = (v: number) => {
    for (const ci of s.uses[v]) queue.push(ci);
  };
  seed.forEach(push);
  zero?.forEach(push);
  for (let head = 0; head < queue.length && head < 4000; head++) {
    const c = s.constraints[queue[head]];
    if (c.kind !== "gate" || !c.poly) continue;
    const p = zero ? new Poly(c.poly.terms.filter((t) => !t.vars.some((v) => zero.has(v)))) : c.poly;
    const u = p.vars().filter((v) => !isDet(v));
    if (u.length !== 1) continue;
    const v = u[0];
    const { degree, coef, rest } = splitLinear(p, v);
    if (degree !== 1) continue;
    const k = coef.constantValue;
    const r = rest.constantValue;
    const nz =
      (k !== undefined && k !== 0n) ||
      (k === undefined && r !== undefined && r !== 0n) ||
      (nonzero !== undefined && coef.terms.length === 1 && coef.terms[0].vars.every((x) => nonzero.has(x)));
    if (!nz) continue;
    local.add(v);
    push(v);
  }
  return local;
}

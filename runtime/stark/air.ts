// What prover and verifier share about an AIR: the parameters and their security, the shape of each
// chip (widths of its committed matrices, quotient pieces), bus identifiers, the verifying key's digest,
// and the one evaluation of a chip's constraints (its own plus the LogUp ones) combined with λ, written
// over runtime/stark/vec.ts so that the prover runs it over LDE columns and the verifier at ζ.
//
// LogUp: bus b (numbered 1.. in the sorted order of the AIR's bus names) fingerprints a tuple v as
//   fp(v) = b + Σ_j β^{j+1}·v_j,
// and each group g of a chip's interactions (see interactionGroups) has a helper column
// h_g = Σ_{k∈g} m_k / (α − fp_k) (extension field), with, writing d_k = α − fp_k,
//   h_g·Π_{k∈g} d_k − Σ_{k∈g} m_k·Π_{l∈g, l≠k} d_l = 0      on every row,
//   first·(s − Σ_g h_g) = 0,  transition·(s' − s − Σ_g h'_g) = 0,  last·(s − total) = 0
// for the running sum s. Each chip's total is sent in the proof, and the verifier checks
// Σ totals + Σ_boundary m/(α − fp) = 0.
import { degree, type Air, type Chip, type Expr } from "../air/index.ts";
import { EXT_ONE, eadd, emul, escale, fromBig, type Ext } from "./field.ts";
import type { FriParams } from "./fri.ts";
import { sha256 } from "./merkle.ts";
import { LinearCombiner, extVal, type Alg, type Val } from "./vec.ts";

export type StarkParams = FriParams;

/**
 * Rate 1/4, 42 queries, 16 bits of grinding: 42·2 + 16 = 100 bits conjectured (see securityBits).
 * The quotient pieces need blowup ≥ max constraint degree − 1, so chips of degree up to 5 fit.
 */
export const DEFAULT_PARAMS: StarkParams = { logBlowup: 2, numQueries: 42, powBits: 16, logFinalLen: 3 };

export const SECURITY_FORMULA =
  "conjectured bits = min(queries·log2(blowup) + grinding bits, 124 − log2(max LDE size) − 1) (FRI conjecture at rate 1/blowup; 124-bit challenge field)";

/** The conjectured security of FRI with these parameters (the formula above). */
export function securityBits(p: StarkParams, logMaxLde = 27): number {
  return Math.min(p.numQueries * p.logBlowup + p.powBits, 124 - logMaxLde - 1);
}

export interface ChipShape {
  name: string;
  /** main columns */
  width: number;
  /** fixed columns (0: none) */
  fixedWidth: number;
  /** bus interactions */
  interactions: number;
  /**
   * the interactions grouped into LogUp helper columns (indices into the chip's interactions); the
   * permutation matrix has 4·(groups + 1) base columns
   */
  groups: number[][];
  /** number of quotient pieces of degree < n (each an extension polynomial: 4 base columns) */
  quotientPieces: number;
  /** the fixed height of a chip with fixed columns (log2) */
  logHeight?: number;
  fixedRoot?: Uint8Array;
}

export interface VerifyingKey {
  air: Air;
  params: StarkParams;
  chips: ChipShape[];
  /** bus names in id order: bus i has id i + 1 */
  buses: string[];
  digest: Uint8Array;
}

export const permWidth = (s: ChipShape): number => (s.interactions ? 4 * (s.groups.length + 1) : 0);

/** The widths of the matrices a chip commits, in commitment order: fixed, main, perm, quotient (0: absent). */
export const treeWidths = (s: ChipShape): [number, number, number, number] => [s.fixedWidth, s.width, permWidth(s), 4 * s.quotientPieces];

export function busNames(air: Air): string[] {
  return [...new Set(air.chips.flatMap((c) => c.interactions.map((i) => i.bus)))].sort();
}

/** The largest degree among a chip's own constraints. */
export function ownDegree(chip: Chip): number {
  return Math.max(1, ...chip.constraints.map(degree));
}

/**
 * The degree of a helper column's constraint h·Π_k d_k = Σ_k m_k·Π_{l≠k} d_l for a group of
 * interactions, where d_k = α − fp_k has the degree of the interaction's values.
 */
export function groupDegree(chip: Chip, group: number[]): number {
  const dd = group.map((k) => Math.max(0, ...chip.interactions[k].values.map(degree)));
  const total = dd.reduce((a, b) => a + b, 0);
  return Math.max(1 + total, ...group.map((k, i) => degree(chip.interactions[k].multiplicity) + total - dd[i]));
}

/**
 * Groups a chip's interactions into helper columns, greedily in order, each group's constraint of degree
 * at most max(3, the chip's own degree): with linear values, pairs of interactions share one helper
 * column, halving the LogUp columns against one helper per interaction.
 */
export function interactionGroups(chip: Chip): number[][] {
  const budget = Math.max(3, ownDegree(chip));
  const groups: number[][] = [];
  for (let k = 0; k < chip.interactions.length; k++) {
    const g = groups[groups.length - 1];
    if (g && groupDegree(chip, [...g, k]) <= budget) g.push(k);
    else groups.push([k]);
  }
  return groups;
}

/** The largest degree among a chip's constraints, LogUp ones included. */
export function chipDegree(chip: Chip, groups = interactionGroups(chip)): number {
  let d = ownDegree(chip);
  if (chip.interactions.length) d = Math.max(d, 2);
  for (const g of groups) d = Math.max(d, groupDegree(chip, g));
  return d;
}

export function shapeOf(chip: Chip, params: StarkParams): ChipShape {
  const groups = interactionGroups(chip);
  const d = chipDegree(chip, groups);
  const pieces = Math.max(d - 1, 1);
  if (pieces > 1 << params.logBlowup) {
    throw new Error(`chip ${chip.name}: constraint degree ${d} needs a blowup of at least ${d - 1} (it is ${1 << params.logBlowup})`);
  }
  return { name: chip.name, width: chip.columns.length, fixedWidth: chip.fixed?.columns.length ?? 0, interactions: chip.interactions.length, groups, quotientPieces: pieces };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** The digest of everything the verifier's answer depends on: constraints, shapes, fixed roots, parameters. */
export function vkDigest(air: Air, params: StarkParams, chips: ChipShape[]): Uint8Array {
  const text = JSON.stringify(
    {
      params,
      chips: air.chips.map((c, i) => ({
        name: c.name,
        columns: c.columns,
        fixed: c.fixed?.columns ?? [],
        constraints: c.constraints,
        interactions: c.interactions,
        logHeight: chips[i].logHeight ?? null,
        fixedRoot: chips[i].fixedRoot ? hex(chips[i].fixedRoot!) : null,
      })),
    },
    (_k, v) => (typeof v === "bigint" ? `${v}n` : v),
  );
  return sha256(new TextEncoder().encode(text));
}

/** Expressions referenced more than once in a chip (evaluated once per pass). */
const sharedCache = new WeakMap<Chip, Set<Expr>>();
function sharedExprs(chip: Chip): Set<Expr> {
  let s = sharedCache.get(chip);
  if (s) return s;
  const seen = new Set<Expr>();
  s = new Set();
  const walk = (e: Expr) => {
    if (seen.has(e)) {
      s!.add(e);
      return;
    }
    seen.add(e);
    if (e.op === "add" || e.op === "sub" || e.op === "mul") {
      walk(e.a);
      walk(e.b);
    } else if (e.op === "neg") walk(e.a);
  };
  for (const e of chip.constraints) walk(e);
  for (const it of chip.interactions) {
    it.values.forEach(walk);
    walk(it.multiplicity);
  }
  sharedCache.set(chip, s);
  return s;
}

export interface Window {
  main(col: number, next: boolean): Val;
  fixed(col: number, next: boolean): Val;
  sel(which: "first" | "last" | "transition"): Val;
}

export class ExprEval {
  private cache = new Map<Expr, Val>();
  private shared: Set<Expr>;
  private consts = new Map<bigint, Val>();
  constructor(
    readonly alg: Alg,
    readonly w: Window,
    chip: Chip,
  ) {
    this.shared = sharedExprs(chip);
  }

  eval(e: Expr): Val {
    const hit = this.cache.get(e);
    if (hit) return hit;
    const v = this.compute(e);
    if (this.shared.has(e)) this.cache.set(e, v);
    return v;
  }

  private compute(e: Expr): Val {
    const a = this.alg;
    switch (e.op) {
      case "main":
        return this.w.main(e.col, e.next);
      case "fixed":
        return this.w.fixed(e.col, e.next);
      case "const": {
        let c = this.consts.get(e.value);
        if (!c) this.consts.set(e.value, (c = [fromBig(e.value)]));
        return c;
      }
      case "sel":
        return this.w.sel(e.which);
      case "add":
        return a.add(this.eval(e.a), this.eval(e.b));
      case "sub":
        return a.sub(this.eval(e.a), this.eval(e.b));
      case "mul":
        return a.mul(this.eval(e.a), this.eval(e.b));
      case "neg":
        return a.neg(this.eval(e.a));
    }
  }
}

/** fp = busId + Σ_j β^{j+1}·v_j for an interaction's evaluated values. */
export function fingerprint(alg: Alg, busId: number, values: Val[], beta: Ext): Val {
  // Over columns (the prover) a tuple of base values is one linear combination with extension
  // coefficients: summed in doubles by LinearCombiner instead of a fresh column per product and sum.
  // Field arithmetic is exact, so both ways give the same elements.
  if (values.every((v) => v.length === 1) && values.some((v) => typeof v[0] !== "number")) {
    const comb = new LinearCombiner(alg.n);
    let constant: Ext = [busId, 0, 0, 0];
    let bp = beta;
    for (const v of values) {
      const c = v[0];
      if (typeof c === "number") constant = eadd(constant, escale(bp, c));
      else comb.add(bp, c);
      bp = emul(bp, beta);
    }
    const out = constant.map((c) => new Uint32Array(alg.n).fill(c));
    comb.addInto(out);
    return out;
  }
  let acc: Val = [busId];
  let bp = beta;
  for (const v of values) {
    acc = alg.add(acc, alg.mul(extVal(bp), v));
    bp = emul(bp, beta);
  }
  return acc;
}

/** The number of constraints (and λ powers) of a chip, LogUp ones included. */
export const constraintCount = (chip: Chip, groups: number[][]): number => chip.constraints.length + (groups.length ? groups.length + 3 : 0);

export function lambdaPowers(lambda: Ext, n: number): Ext[] {
  const out: Ext[] = [];
  let p: Ext = EXT_ONE;
  for (let i = 0; i < n; i++) {
    out.push(p);
    p = emul(p, lambda);
  }
  return out;
}

/**
 * Σ_k λ^k·c_k over the chip's constraints. `perm(j, next)` is the j-th extension column of the
 * permutation matrix (one helper h_j per group of interactions, then s); `accumulate(acc, λ^k, c)` adds λ^k·c into acc (starting
 * from `init`), which the prover does in place on its columns.
 */
export function combinedConstraints(
  alg: Alg,
  chip: Chip,
  groups: number[][],
  busIds: number[],
  w: Window,
  perm: (k: number, next: boolean) => Val,
  ch: { alpha: Ext; beta: Ext; total: Ext },
  lambdas: Ext[],
  init: Val,
  accumulate: (acc: Val, coeff: Ext, c: Val) => Val,
): Val {
  const ev = new ExprEval(alg, w, chip);
  let acc = init;
  let k = 0;
  for (const c of chip.constraints) acc = accumulate(acc, lambdas[k++], ev.eval(c));
  const G = groups.length;
  if (G === 0) return acc;
  let hSum: Val = [0, 0, 0, 0];
  let hNextSum: Val = [0, 0, 0, 0];
  groups.forEach((group, j) => {
    // h·Π d = Σ_k m_k·Π_{l≠k} d_l
    const ds = group.map((i) => alg.sub(extVal(ch.alpha), fingerprint(alg, busIds[i], chip.interactions[i].values.map((v) => ev.eval(v)), ch.beta)));
    const ms = group.map((i) => ev.eval(chip.interactions[i].multiplicity));
    const h = perm(j, false);
    let lhs = h;
    for (const d of ds) lhs = alg.mul(lhs, d);
    let rhs: Val = [0];
    ms.forEach((m, a) => {
      let t = m;
      ds.forEach((d, b) => {
        if (b !== a) t = alg.mul(t, d);
      });
      rhs = alg.add(rhs, t);
    });
    acc = accumulate(acc, lambdas[k++], alg.sub(lhs, rhs));
    hSum = alg.add(hSum, h);
    hNextSum = alg.add(hNextSum, perm(j, true));
  });
  const s = perm(G, false);
  const sNext = perm(G, true);
  acc = accumulate(acc, lambdas[k++], alg.mul(w.sel("first"), alg.sub(s, hSum)));
  acc = accumulate(acc, lambdas[k++], alg.mul(w.sel("transition"), alg.sub(alg.sub(sNext, s), hNextSum)));
  acc = accumulate(acc, lambdas[k++], alg.mul(w.sel("last"), alg.sub(s, extVal(ch.total))));
  return acc;
}

/** c0 + c1·X + c2·X² + c3·X³ for extension values of the four component polynomials. */
export function recombine(c: Ext[]): Ext {
  let out: Ext = [0, 0, 0, 0];
  let xp: Ext = EXT_ONE;
  for (const v of c) {
    const t = emul(v, xp);
    out = eadd(out, t);
    xp = emul(xp, [0, 1, 0, 0]);
  }
  return out;
}

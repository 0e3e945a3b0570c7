// What prover and verifier share about an AIR: the parameters and their security, the shape of each
// chip (widths of its committed matrices, quotient pieces), bus identifiers, the verifying key's digest,
// and the one evaluation of a chip's constraints (its own plus the LogUp ones) combined with λ, written
// over runtime/stark/vec.ts so that the prover runs it over LDE columns and the verifier at ζ.
//
// LogUp: bus b (numbered 1.. in the sorted order of the AIR's bus names) fingerprints a tuple v as
//   fp(v) = b + Σ_j β^{j+1}·v_j,
// and each interaction k of a chip has a helper column h_k = m_k / (α − fp_k) (extension field), with
//   h_k·(α − fp_k) − m_k = 0                       on every row,
//   first·(s − Σ_k h_k) = 0,  transition·(s' − s − Σ_k h'_k) = 0,  last·(s − total) = 0
// for the running sum s. Each chip's total is sent in the proof, and the verifier checks
// Σ totals + Σ_boundary m/(α − fp) = 0.
import { degree, type Air, type Chip, type Expr } from "../air/index.ts";
import { EXT_ONE, eadd, emul, fromBig, type Ext } from "./field.ts";
import type { FriParams } from "./fri.ts";
import { sha256 } from "./merkle.ts";
import { extVal, type Alg, type Val } from "./vec.ts";

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
  /** bus interactions: the permutation matrix then has 4·(interactions + 1) base columns */
  interactions: number;
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

export const permWidth = (s: ChipShape): number => (s.interactions ? 4 * (s.interactions + 1) : 0);

/** The widths of the matrices a chip commits, in commitment order: fixed, main, perm, quotient (0: absent). */
export const treeWidths = (s: ChipShape): [number, number, number, number] => [s.fixedWidth, s.width, permWidth(s), 4 * s.quotientPieces];

export function busNames(air: Air): string[] {
  return [...new Set(air.chips.flatMap((c) => c.interactions.map((i) => i.bus)))].sort();
}

/** The largest degree among a chip's constraints, LogUp ones included. */
export function chipDegree(chip: Chip): number {
  let d = Math.max(1, ...chip.constraints.map(degree));
  if (chip.interactions.length) d = Math.max(d, 2);
  for (const it of chip.interactions) d = Math.max(d, 1 + Math.max(0, ...it.values.map(degree)), degree(it.multiplicity));
  return d;
}

export function shapeOf(chip: Chip, params: StarkParams): ChipShape {
  const d = chipDegree(chip);
  const pieces = Math.max(d - 1, 1);
  if (pieces > 1 << params.logBlowup) {
    throw new Error(`chip ${chip.name}: constraint degree ${d} needs a blowup of at least ${d - 1} (it is ${1 << params.logBlowup})`);
  }
  return { name: chip.name, width: chip.columns.length, fixedWidth: chip.fixed?.columns.length ?? 0, interactions: chip.interactions.length, quotientPieces: pieces };
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
  let acc: Val = [busId];
  let bp = beta;
  for (const v of values) {
    acc = alg.add(acc, alg.mul(extVal(bp), v));
    bp = emul(bp, beta);
  }
  return acc;
}

/** The number of constraints (and λ powers) of a chip, LogUp ones included. */
export const constraintCount = (chip: Chip): number => chip.constraints.length + (chip.interactions.length ? chip.interactions.length + 3 : 0);

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
 * Σ_k λ^k·c_k over the chip's constraints. `perm(k, next)` is the k-th extension column of the
 * permutation matrix (h_0 … h_{K−1}, then s); `accumulate(acc, λ^k, c)` adds λ^k·c into acc (starting
 * from `init`), which the prover does in place on its columns.
 */
export function combinedConstraints(
  alg: Alg,
  chip: Chip,
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
  const K = chip.interactions.length;
  if (K === 0) return acc;
  let hSum: Val = [0, 0, 0, 0];
  let hNextSum: Val = [0, 0, 0, 0];
  chip.interactions.forEach((it, j) => {
    const fp = fingerprint(alg, busIds[j], it.values.map((v) => ev.eval(v)), ch.beta);
    const d = alg.sub(extVal(ch.alpha), fp);
    const h = perm(j, false);
    acc = accumulate(acc, lambdas[k++], alg.sub(alg.mul(h, d), ev.eval(it.multiplicity)));
    hSum = alg.add(hSum, h);
    hNextSum = alg.add(hNextSum, perm(j, true));
  });
  const s = perm(K, false);
  const sNext = perm(K, true);
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

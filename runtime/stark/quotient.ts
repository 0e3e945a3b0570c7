// The quotient of a chip: its λ-combined constraints (runtime/stark/air.ts) over the LDE coset divided
// by Z_H, on an aligned range of the (bit-reversed) LDE indices, so that prove computes it whole and
// proveParallel in ranges on the pool workers (tasks.ts), from the same shared LDE columns.
import type { Chip } from "../air/index.ts";
import { poolTask } from "../pool/index.ts";
import { runRanges, sharedColumn, toShared } from "./shared.ts";
import { combinedConstraints, type Window } from "./air.ts";
import { GENERATOR, batchInv, emul, inv, mul, pow, rootOfUnity, sub, type Ext } from "./field.ts";
import { bitReverse, bitReversePermute, cosetPointsBitrev } from "./ntt.ts";
import { Alg, LinearCombiner, type Val } from "./vec.ts";

export interface QuotientInput {
  /** the chip's constraints and interactions (its fixed-value generator is not needed, nor sent) */
  chip: Pick<Chip, "name" | "columns" | "constraints" | "interactions">;
  groups: number[][];
  busIds: number[];
  logn: number;
  logB: number;
  /** LDE columns (bit-reversed, 2^(logn+logB) points) */
  main: Uint32Array[];
  fixed: Uint32Array[];
  perm: Uint32Array[];
  alpha: Ext;
  beta: Ext;
  total: Ext;
  lambdas: Ext[];
}

/**
 * The LDE points of indices [from, to) (an aligned power-of-two range of the bit-reversed order), the
 * index of each one's next-row point x·ω_n, 1/Z_H, and the selectors L_0, L_{n−1}, 1 − L_{n−1}.
 */
export function ldeDomainRange(logn: number, logB: number, from: number, to: number) {
  const logN = logn + logB;
  const N = 1 << logN;
  const n = 1 << logn;
  const B = 1 << logB;
  const len = to - from;
  // an aligned block of the bit-reversed order is a coset of a smaller subgroup
  const xs = cosetPointsBitrev(Math.log2(len), mul(GENERATOR, pow(rootOfUnity(logN), bitReverse(from, logN))));
  const rev = reversal(logN);
  const nextIdx = new Uint32Array(len);
  for (let i = 0; i < len; i++) nextIdx[i] = rev[(rev[from + i] + B) & (N - 1)];
  // x^n = g^n · ω_B^j for the natural index j: B values of Z_H
  const gn = pow(GENERATOR, n);
  const wB = rootOfUnity(logB);
  const zB = Array.from({ length: B }, (_, j) => sub(mul(gn, pow(wB, j)), 1));
  const izB = zB.map((z) => inv(z));
  const Z = new Uint32Array(len);
  const invZ = new Uint32Array(len);
  for (let i = 0; i < len; i++) {
    const j = rev[from + i] & (B - 1);
    Z[i] = zB[j];
    invZ[i] = izB[j];
  }
  const wn = rootOfUnity(logn);
  const d0 = Uint32Array.from(xs, (x) => mul(n, sub(x, 1)));
  const dl = Uint32Array.from(xs, (x) => mul(n, sub(mul(x, wn), 1)));
  batchInv(d0);
  batchInv(dl);
  const first = Uint32Array.from(Z, (z, i) => mul(z, d0[i]));
  const last = Uint32Array.from(Z, (z, i) => mul(z, dl[i]));
  const transition = Uint32Array.from(last, (l) => sub(1, l));
  return { xs, nextIdx, invZ, sel: { first, last, transition } };
}

const reversals = new Map<number, Uint32Array>();
/** The bit-reversal permutation of 2^logN indices (an involution), made once per size and thread. */
function reversal(logN: number): Uint32Array {
  let r = reversals.get(logN);
  if (!r) {
    r = Uint32Array.from({ length: 1 << logN }, (_, i) => i);
    bitReversePermute(r);
    reversals.set(logN, r);
  }
  return r;
}

/** C(x)/Z_H(x) at the LDE indices [from, to), as four columns. */
export function quotientRange(q: QuotientInput, from: number, to: number): Uint32Array[] {
  const len = to - from;
  const dom = ldeDomainRange(q.logn, q.logB, from, to);
  const alg = new Alg(len);
  const here = new Map<Uint32Array, Uint32Array>();
  const nextOf = new Map<Uint32Array, Uint32Array>();
  const cur = (c: Uint32Array) => {
    let r = here.get(c);
    if (!r) here.set(c, (r = c.subarray(from, to)));
    return r;
  };
  const next = (c: Uint32Array) => {
    let r = nextOf.get(c);
    if (!r) {
      r = new Uint32Array(len);
      for (let i = 0; i < len; i++) r[i] = c[dom.nextIdx[i]];
      nextOf.set(c, r);
    }
    return r;
  };
  const w: Window = {
    main: (c, nx) => [nx ? next(q.main[c]) : cur(q.main[c])],
    fixed: (c, nx) => [nx ? next(q.fixed[c]) : cur(q.fixed[c])],
    sel: (which) => [dom.sel[which]],
  };
  const permVal = (k: number, nx: boolean): Val => [0, 1, 2, 3].map((j) => (nx ? next(q.perm[4 * k + j]) : cur(q.perm[4 * k + j])));
  const combiner = new LinearCombiner(len);
  const acc0 = [new Uint32Array(len), new Uint32Array(len), new Uint32Array(len), new Uint32Array(len)];
  const c = combinedConstraints(alg, q.chip as Chip, q.groups, q.busIds, w, permVal, { alpha: q.alpha, beta: q.beta, total: q.total }, q.lambdas, acc0, (acc, coeff, v) => {
    // an extension value v = Σ_j X^j·v_j adds Σ_j (λ^k·X^j)·v_j: four base columns for the combiner
    if (v.length === 1) combiner.add(coeff, broadcast(v[0], len));
    else {
      let cx = coeff;
      for (let j = 0; j < 4; j++) {
        combiner.add(cx, broadcast(v[j], len));
        cx = emul(cx, [0, 1, 0, 0]);
      }
    }
    return acc;
  }) as Uint32Array[];
  combiner.addInto(c);
  for (let j = 0; j < 4; j++) {
    const cj = c[j];
    for (let i = 0; i < len; i++) cj[i] = mul(cj[i], dom.invZ[i]);
  }
  return c;
}

function broadcast(c: number | Uint32Array, n: number): Uint32Array {
  return typeof c === "number" ? new Uint32Array(n).fill(c) : c;
}

export interface QuotientTask {
  input: QuotientInput;
  from: number;
  to: number;
  /** four shared columns of the whole LDE size; the task writes [from, to) */
  out: Uint32Array[];
}

const QUOTIENT_TASK = poolTask<QuotientTask>(new URL("./tasks.ts", import.meta.url), "quotientRange");

/** Below this many LDE points a chip's quotient is computed on this thread. */
const MIN_PARALLEL_POINTS = 1 << 12;

/** Every chip's quotient, each split into aligned ranges over `threads` pool workers. */
export async function quotientPool(inputs: QuotientInput[], threads: number): Promise<Uint32Array[][]> {
  const work: Promise<unknown>[] = [];
  const out = inputs.map((q) => {
    const N = 1 << (q.logn + q.logB);
    if (N < MIN_PARALLEL_POINTS || threads < 2) return quotientRange(q, 0, N);
    const input = { ...q, main: q.main.map(toShared), fixed: q.fixed.map(toShared), perm: q.perm.map(toShared) };
    const cols = [0, 1, 2, 3].map(() => sharedColumn(N));
    work.push(...runRanges(QUOTIENT_TASK, threads, N, (from, to) => ({ input, from, to, out: cols })));
    return cols;
  });
  await Promise.all(work);
  return out;
}

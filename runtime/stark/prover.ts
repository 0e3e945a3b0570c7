// The BabyBear STARK prover of a symbolic AIR (runtime/air): keygen commits the fixed columns; prove
// commits the main traces, draws the LogUp challenges, commits the LogUp helper and running-sum columns,
// draws λ, commits the quotient pieces, opens everything at ζ (and ζ·ω for next rows), draws the DEEP
// challenge and runs one FRI over every chip's DEEP quotient (spec/zkvm.md, "Prover (BabyBear STARK)").
import type { Progress } from "../../base/progress/index.ts";
import { checkAir } from "../air/check.ts";
import type { Air, BoundaryTerm, ChipTrace } from "../air/index.ts";
import {
  DEFAULT_PARAMS,
  busNames,
  constraintCount,
  lambdaPowers,
  shapeOf,
  vkDigest,
  type ChipShape,
  type StarkParams,
  type VerifyingKey,
} from "./air.ts";
import {
  EXT_ONE,
  GENERATOR,
  add,
  eadd,
  emul,
  emulAt,
  fromBig,
  rootOfUnity,
  type Ext,
} from "./field.ts";
import { wasmExtPowers } from "./ext-wasm.ts";
import { modP } from "./vec.ts";
import { friProve, type Codewords } from "./fri.ts";
import { interpolateCosetBitrev } from "./ntt.ts";
import { commitPool, commitSync, type CommitJob, type Committed } from "./commit.ts";
import { leafRows, rowsPerLeaf } from "./merkle.ts";
import { quotientPool, quotientRange, type QuotientInput } from "./quotient.ts";
import { deepPool, deepRange, type DeepInput } from "./deep.ts";
import { logupPool, logupRange, type LogupInput } from "./logup.ts";
import { defaultThreads } from "../pool/index.ts";
import { Transcript } from "./transcript.ts";
import { observeStatement, proofMeta, type MatrixOpening, type StarkProof } from "./proof.ts";

export interface ProvingKey {
  vk: VerifyingKey;
  /** per chip: its committed fixed columns, if it has any */
  fixed: (Committed | undefined)[];
}

export interface KeygenOptions {
  params?: StarkParams;
  /** heights of the chips with fixed columns (their fixed values depend on the height) */
  heights?: Record<string, number>;
}

const isPow2 = (n: number) => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

export function keygen(air: Air, opts: KeygenOptions = {}): { pk: ProvingKey; vk: VerifyingKey } {
  const params = opts.params ?? DEFAULT_PARAMS;
  const { logBlowup, numQueries, powBits, logFinalLen } = params;
  const within = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!within(logBlowup, 1, 8) || !within(numQueries, 1, 4096) || !within(powBits, 0, 32) || !within(logFinalLen, 0, 20)) {
    throw new Error(`STARK parameters out of range: log blowup 1..8, queries 1..4096, grinding bits 0..32, log final length 0..20 (got ${JSON.stringify(params)})`);
  }
  const names = new Set<string>();
  const chips: ChipShape[] = [];
  const fixed: (Committed | undefined)[] = [];
  for (const chip of air.chips) {
    if (names.has(chip.name)) throw new Error(`two chips are named ${chip.name}`);
    names.add(chip.name);
    const shape = shapeOf(chip, params);
    if (chip.fixed) {
      const h = opts.heights?.[chip.name];
      if (h === undefined || !isPow2(h)) throw new Error(`chip ${chip.name} has fixed columns: keygen needs its height (a power of two), got ${h}`);
      const rows = chip.fixed.values(h);
      const w = chip.fixed.columns.length;
      if (rows.length !== h || rows.some((r) => r.length !== w)) throw new Error(`chip ${chip.name}: fixed values are not ${h} rows of ${w}`);
      const cols = Array.from({ length: w }, (_, c) => Uint32Array.from(rows, (r) => fromBig(r[c])));
      const com = commitSync({ kind: "trace", columns: cols, logN: Math.log2(h) + params.logBlowup });
      shape.logHeight = Math.log2(h);
      shape.fixedRoot = com.tree.root;
      fixed.push({ ...com, trace: cols });
    } else fixed.push(undefined);
    chips.push(shape);
  }
  const vk: VerifyingKey = { air, params, chips, buses: busNames(air), digest: vkDigest(air, params, chips) };
  return { pk: { vk, fixed }, vk };
}

export interface ProveOptions {
  progress?: Progress;
  /**
   * Skip the mock check of the traces (runtime/air/check.ts) before proving. Tests use it to commit a bad
   * trace and see the verifier reject the proof; a bad trace then yields a proof that does not verify.
   */
  unchecked?: boolean;
  /**
   * Soundness tests only: a cheating prover's hands on what an honest one computes. `permColumns` may
   * rewrite a chip's LogUp columns (helpers then running sum, four base columns each, on the trace
   * domain) before they are committed; `openings` may rewrite the claimed values at ζ and ζω before
   * they are sent.
   */
  adversary?: {
    permColumns?(chip: number, cols: Uint32Array[], challenges: { alpha: Ext; beta: Ext }): void;
    openings?(openings: MatrixOpening[][]): void;
  };
}

/** Proves that `traces` satisfy the AIR of `pk` with these public boundary terms (on this thread). */
export function prove(pk: ProvingKey, traces: ChipTrace[], boundary: BoundaryTerm[], opts: ProveOptions = {}): StarkProof {
  const steps = proveSteps(pk, traces, boundary, opts);
  let r = steps.next();
  while (!r.done) {
    const step = r.value;
    if ("commit" in step) r = steps.next(step.commit.map(commitSync));
    else if ("logup" in step) r = steps.next(step.logup.map((q) => inRanges(q.main[0]?.length ?? q.fixed[0]?.length ?? 0, (a, b) => logupRange(q, a, b))));
    else if ("quotient" in step) r = steps.next(step.quotient.map((q) => inRanges(1 << (q.logn + q.logB), (a, b) => quotientRange(q, a, b))));
    else r = steps.next(step.deep.map((d) => inRanges(1 << d.logN, (a, b) => deepRange(d, a, b))));
  }
  return r.value;
}

/** Points per range of the evaluation steps on one thread: bounds their temporary columns (a few MiB each). */
const RANGE = 1 << 13;

/** `f` over aligned ranges of [0, n), concatenated column by column. */
function inRanges(n: number, f: (from: number, to: number) => Uint32Array[]): Uint32Array[] {
  if (n <= RANGE) return f(0, n);
  let out: Uint32Array[] | undefined;
  for (let from = 0; from < n; from += RANGE) {
    const part = f(from, from + RANGE);
    out ??= part.map(() => new Uint32Array(n));
    part.forEach((c, j) => out![j].set(c, from));
  }
  return out!;
}

/**
 * The same proof (byte for byte) with the commitments (LDEs and Merkle hashing), the LogUp helpers,
 * the quotients and the DEEP codewords spread over `threads` runtime/pool workers (default: every core).
 */
export async function proveParallel(pk: ProvingKey, traces: ChipTrace[], boundary: BoundaryTerm[], opts: ProveOptions & { threads?: number } = {}): Promise<StarkProof> {
  const threads = opts.threads ?? defaultThreads();
  const steps = proveSteps(pk, traces, boundary, opts);
  let r = steps.next();
  while (!r.done) {
    const step = r.value;
    if ("commit" in step) r = steps.next(await commitPool(step.commit, threads));
    else if ("logup" in step) r = steps.next(await logupPool(step.logup, threads));
    else if ("quotient" in step) r = steps.next(await quotientPool(step.quotient, threads));
    else r = steps.next(await deepPool(step.deep, threads));
  }
  return r.value;
}

/** The prover as steps: it yields the matrices to commit and the LogUp helpers, quotients and DEEP codewords to evaluate, and gets them back done. */
type Step = { commit: CommitJob[] } | { logup: LogupInput[] } | { quotient: QuotientInput[] } | { deep: DeepInput[] };

function* proveSteps(pk: ProvingKey, traces: ChipTrace[], boundary: BoundaryTerm[], opts: ProveOptions): Generator<Step, StarkProof, Committed[] | Uint32Array[][]> {
  const { vk } = pk;
  const { air, params } = vk;
  const progress = opts.progress;
  if (!opts.unchecked) {
    const fails = checkAir(air, traces, { boundary, limit: 5 });
    if (fails.length) throw new Error(`the traces do not satisfy the AIR: ${fails.map((f) => f.message).join("; ")}`);
  }
  const logB = params.logBlowup;
  const byName = new Map(traces.map((t) => [t.chip, t]));
  const busId = new Map(vk.buses.map((b, i) => [b, i + 1]));
  for (const b of boundary) if (!busId.has(b.bus)) throw new Error(`boundary term on bus ${b.bus}, which no chip uses`);

  // ---- main traces ----
  const nChips = air.chips.length;
  const logHeights: number[] = [];
  const mainCols: Uint32Array[][] = [];
  for (const [ci, chip] of air.chips.entries()) {
    const t = byName.get(chip.name);
    if (!t) throw new Error(`no trace for chip ${chip.name}`);
    const h = t.rows.length;
    if (!isPow2(h)) throw new Error(`chip ${chip.name}: height ${h} is not a power of two`);
    if (Math.log2(h) + logB > 27) throw new Error(`chip ${chip.name}: height ${h} exceeds BabyBear's two-adic domain at blowup ${1 << logB}`);
    const shape = vk.chips[ci];
    if (shape.logHeight !== undefined && shape.logHeight !== Math.log2(h)) throw new Error(`chip ${chip.name}: height ${h}, the key fixes ${2 ** shape.logHeight}`);
    const w = chip.columns.length;
    const cols = Array.from({ length: w }, () => new Uint32Array(h));
    t.rows.forEach((r, i) => {
      if (r.length !== w) throw new Error(`chip ${chip.name}: row ${i} has ${r.length} cells, the chip has ${w} columns`);
      for (let c = 0; c < w; c++) {
        const v = r[c];
        cols[c][i] = v >= 0n && v < 2013265921n ? Number(v) : fromBig(v);
      }
    });
    logHeights.push(Math.log2(h));
    mainCols.push(cols);
  }
  const t = new Transcript("proof");
  observeStatement(t, vk, logHeights, boundary);
  const main = (yield { commit: mainCols.map((columns, ci) => ({ kind: "trace", columns, logN: logHeights[ci] + logB })) }) as Committed[];
  for (const m of main) t.observeBytes(m.tree.root);
  progress?.("stark: commit main traces", nChips, nChips);
  const alpha = t.sampleExt();
  const beta = t.sampleExt();

  // ---- LogUp helper and running-sum columns (on the trace domain) ----
  const withBus = air.chips.flatMap((chip, ci) => (chip.interactions.length ? [ci] : []));
  const helpers = (yield {
    logup: withBus.map((ci) => {
      const chip = air.chips[ci];
      return {
        chip: { name: chip.name, columns: chip.columns, constraints: chip.constraints, interactions: chip.interactions },
        groups: vk.chips[ci].groups,
        busIds: chip.interactions.map((it) => busId.get(it.bus)!),
        main: mainCols[ci],
        fixed: pk.fixed[ci]?.trace ?? [],
        alpha,
        beta,
      };
    }),
  }) as Uint32Array[][];
  const permCols: (Uint32Array[] | undefined)[] = air.chips.map(() => undefined);
  const totals: Ext[] = air.chips.map(() => [0, 0, 0, 0]);
  withBus.forEach((ci, at) => {
    const n = 1 << logHeights[ci];
    const cols = helpers[at].slice();
    const K = vk.chips[ci].groups.length;
    const s = [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)];
    for (let j = 0; j < 4; j++) {
      let acc = 0;
      for (let r = 0; r < n; r++) {
        for (let k = 0; k < K; k++) acc = add(acc, cols[4 * k + j][r]);
        s[j][r] = acc;
      }
    }
    cols.push(...s);
    opts.adversary?.permColumns?.(ci, cols, { alpha, beta });
    totals[ci] = [s[0][n - 1], s[1][n - 1], s[2][n - 1], s[3][n - 1]];
    permCols[ci] = cols;
  });
  progress?.("stark: LogUp columns", nChips, nChips);
  const permJobs: CommitJob[] = [];
  permCols.forEach((columns, ci) => columns && permJobs.push({ kind: "trace", columns, logN: logHeights[ci] + logB }));
  const permDone = (yield { commit: permJobs }) as Committed[];
  const perm = permCols.map((c) => (c ? permDone.shift() : undefined));
  for (const p of perm) if (p) t.observeBytes(p.tree.root);
  for (const tot of totals) t.observeExt(tot);
  const lambda = t.sampleExt();

  // ---- quotients ----
  const qInputs: QuotientInput[] = air.chips.map((chip, ci) => ({
    chip: { name: chip.name, columns: chip.columns, constraints: chip.constraints, interactions: chip.interactions },
    groups: vk.chips[ci].groups,
    busIds: chip.interactions.map((it) => busId.get(it.bus)!),
    logn: logHeights[ci],
    logB,
    main: main[ci].lde,
    fixed: pk.fixed[ci]?.lde ?? [],
    perm: perm[ci]?.lde ?? [],
    alpha,
    beta,
    total: totals[ci],
    lambdas: lambdaPowers(lambda, constraintCount(chip, vk.chips[ci].groups)),
  }));
  const qValues = (yield { quotient: qInputs }) as Uint32Array[][];
  progress?.("stark: quotient", nChips, nChips);
  const quotientJobs: CommitJob[] = [];
  for (let ci = 0; ci < nChips; ci++) {
    const logN = logHeights[ci] + logB;
    const n = 1 << logHeights[ci];
    const D = vk.chips[ci].quotientPieces;
    const qcoeffs: Uint32Array[] = [];
    const pieces: Uint32Array[][] = Array.from({ length: D }, () => []);
    for (let j = 0; j < 4; j++) {
      const co = interpolateCosetBitrev(qValues[ci][j], GENERATOR);
      for (let p = 0; p < D; p++) pieces[p][j] = co.slice(p * n, (p + 1) * n);
    }
    for (let p = 0; p < D; p++) for (let j = 0; j < 4; j++) qcoeffs.push(pieces[p][j]);
    quotientJobs.push({ kind: "coeffs", columns: qcoeffs, logN });
  }
  const quotient = (yield { commit: quotientJobs }) as Committed[];
  for (const q of quotient) t.observeBytes(q.tree.root);
  const zeta = t.sampleExt();

  // ---- openings at ζ and ζ·ω ----
  const matrices = (ci: number): (Committed | undefined)[] => [pk.fixed[ci], main[ci], perm[ci], quotient[ci]];
  const openings: MatrixOpening[][] = [];
  for (let ci = 0; ci < nChips; ci++) {
    const n = 1 << logHeights[ci];
    const zp = splitPowers(extPowers(zeta, n));
    const zw = emul(zeta, [rootOfUnity(logHeights[ci]), 0, 0, 0]);
    const zwp = splitPowers(extPowers(zw, n));
    const ms = matrices(ci);
    openings.push(
      ms.map((mat, k) => {
        if (!mat) return { zeta: [], zetaNext: [] };
        return {
          zeta: mat.coeffs.map((co) => evalAt(co, zp)),
          zetaNext: k === 3 ? [] : mat.coeffs.map((co) => evalAt(co, zwp)),
        };
      }),
    );
  }
  opts.adversary?.openings?.(openings);
  for (const o of openings) for (const m of o) for (const e of [...m.zeta, ...m.zetaNext]) t.observeExt(e);
  const alphaDeep = t.sampleExt();

  // ---- DEEP quotients (one per LDE size), one FRI ----
  const deepInputs = new Map<number, DeepInput>();
  let ap: Ext = EXT_ONE;
  for (let ci = 0; ci < nChips; ci++) {
    const logN = logHeights[ci] + logB;
    let d = deepInputs.get(logN);
    if (!d) {
      const zetaNext = emul(zeta, [rootOfUnity(logHeights[ci]), 0, 0, 0]);
      deepInputs.set(logN, (d = { logN, cols: [], powers: [], qcols: [], qpowers: [], atZeta: [0, 0, 0, 0], atZetaNext: [0, 0, 0, 0], zeta, zetaNext }));
    }
    matrices(ci).forEach((mat, k) => {
      if (!mat) return;
      mat.lde.forEach((col, c) => {
        if (k === 3) {
          d.qcols.push(col);
          d.qpowers.push(ap);
        } else {
          d.cols.push(col);
          d.powers.push(ap);
          d.atZetaNext = eadd(d.atZetaNext, emul(ap, openings[ci][k].zetaNext[c]));
        }
        d.atZeta = eadd(d.atZeta, emul(ap, openings[ci][k].zeta[c]));
        ap = emul(ap, alphaDeep);
      });
    });
  }
  const deeps = [...deepInputs.values()];
  const deepWords = (yield { deep: deeps }) as Uint32Array[][];
  progress?.("stark: DEEP quotients", nChips, nChips);
  const codewords: Codewords = new Map(deeps.map((d, i) => [d.logN, deepWords[i]]));
  const { proof: fri, indices } = friProve(codewords, t, params, (d, tot) => progress?.("stark: FRI", d, tot));
  const logMax = Math.max(...logHeights) + logB;
  const queries = indices.map((idx, q) => {
    progress?.("stark: queries", q + 1, indices.length);
    return air.chips.map((_, ci) => {
      const i = idx >>> (logMax - (logHeights[ci] + logB));
      return matrices(ci).map((mat) => {
        if (!mat) return undefined;
        const r = rowsPerLeaf(mat.lde[0].length);
        const k = Math.floor(i / r);
        const row = new Uint32Array(mat.tree.width);
        leafRows(mat.lde)(k, row);
        return { row, path: mat.tree.path(k) };
      });
    });
  });
  return {
    params,
    meta: proofMeta(params, logMax),
    logHeights,
    mainRoots: main.map((m) => m.tree.root),
    permRoots: perm.map((p) => p?.tree.root),
    totals,
    quotientRoots: quotient.map((q) => q.tree.root),
    openings,
    fri,
    queries,
  };
}

/** 1, z, z², … z^{n−1} as four columns. */
function extPowers(z: Ext, n: number): Uint32Array[] {
  const w = wasmExtPowers(z, n);
  if (w) return w;
  const out = [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)];
  const zc = [Uint32Array.of(z[0]), Uint32Array.of(z[1]), Uint32Array.of(z[2]), Uint32Array.of(z[3])];
  out[0][0] = 1;
  for (let i = 1; i < n; i++) emulAt(out, i - 1, zc, 0, out, i);
  return out;
}

/** The powers of z split at 16 bits (for evalAt): lo[j][i] + 65536·hi[j][i] = (z^i)_j. */
interface SplitPowers {
  lo: Float64Array[];
  hi: Float64Array[];
}

function splitPowers(zp: Uint32Array[]): SplitPowers {
  return { lo: zp.map((c) => Float64Array.from(c, (v) => v & 0xffff)), hi: zp.map((c) => Float64Array.from(c, (v) => v >>> 16)) };
}

/**
 * Σ_i c_i·z^i from base coefficients and the split powers of z: each partial product is below 2^47, so
 * 31 of them add up exactly in a double between reductions, as in vec.ts's LinearCombiner.
 */
function evalAt(coeffs: Uint32Array, zp: SplitPowers): Ext {
  const out: number[] = [];
  for (let j = 0; j < 4; j++) {
    const lo = zp.lo[j];
    const hi = zp.hi[j];
    let sl = 0;
    let sh = 0;
    for (let i = 0; i < coeffs.length; i++) {
      const c = coeffs[i];
      sl += c * lo[i];
      sh += c * hi[i];
      if ((i & 31) === 30) {
        sl = modP(sl);
        sh = modP(sh);
      }
    }
    out.push(modP(modP(sh) * 65536 + modP(sl)));
  }
  return out as Ext;
}

// Public MSM entry points: packing, the task split across worker threads, and the window combination.
import { BN254_FQ, BN254_FR, FieldVec, montParams, readLimbs, writeLimbs, type Progress, type WasmInstance } from "../field/index.ts";
import { G1, type G1Affine, type G1Jacobian } from "./g1.ts";
import { runMsmTask, type MsmTask } from "./msm-task.ts";
import { defaultThreads, getPool, poolTask } from "../pool/index.ts";
import type { MsmJob } from "./tasks.ts";
import { bn254Instance, bn254Module } from "./wasm/modules.ts";
import { GLV_BITS } from "./glv.ts";

const MSM_TASK = poolTask<MsmJob>(new URL("./tasks.ts", import.meta.url), "msm");

export interface MsmOptions {
  /** Worker threads (default: available parallelism). 1 runs on the calling thread. */
  threads?: number;
  /** Window width override (4…16); by default chosen from the size. */
  windowBits?: number;
  /**
   * Whether the calling thread takes a share of the work (default true). False leaves it all to the pool
   * and the calling thread free until the result is awaited (keygen runs its NTTs meanwhile).
   */
  callerWorks?: boolean;
  progress?: Progress;
}

/** Points packed for the WASM MSM: n × 16 words, affine x ‖ y in Montgomery form, (0, 0) = identity. */
export interface PackedG1 {
  readonly n: number;
  readonly data: Uint32Array;
}

export type PointInput = readonly G1Affine[] | PackedG1;
/** Scalars: bigints (reduced mod r), a BN254_FR FieldVec, or packed words as packScalars returns (n × 8, standard form, each < r). */
export type ScalarInput = readonly bigint[] | FieldVec | Uint32Array;

let mainInstance: WasmInstance | undefined;
function inst(): WasmInstance {
  return (mainInstance ??= bn254Instance());
}

const CONVERT_CHUNK = 1 << 14;

/** Packs affine points once (e.g. an SRS) for repeated MSMs; the buffer is shared so workers read it in place. */
export function packG1(points: readonly G1Affine[]): PackedG1 {
  const n = points.length;
  const data = new Uint32Array(new SharedArrayBuffer(Math.max(1, n) * 64));
  const w = inst();
  for (let s = 0; s < n; s += CONVERT_CHUNK) {
    const m = Math.min(CONVERT_CHUNK, n - s);
    w.reset();
    const p = w.alloc(m * 64);
    const v = w.u32(p, m * 16);
    for (let i = 0; i < m; i++) {
      const pt = points[s + i];
      if (pt.infinity) v.fill(0, i * 16, i * 16 + 16);
      else {
        if (!BN254_FQ.isValid(pt.x) || !BN254_FQ.isValid(pt.y)) throw new RangeError(`packG1: point ${s + i} has non-canonical coordinates`);
        writeLimbs(v, i * 16, 8, pt.x);
        writeLimbs(v, i * 16 + 8, 8, pt.y);
      }
    }
    w.exports.fq_vtomont(p, p, 2 * m);
    data.set(w.u32(p, m * 16), s * 16);
  }
  return { n, data: n ? data : data.subarray(0, 0) };
}

/** Point i of a packed array, back as an affine point. */
export function unpackG1(p: PackedG1, i: number): G1Affine {
  const m = montParams(BN254_FQ);
  const x = readLimbs(p.data, i * 16, 8);
  const y = readLimbs(p.data, i * 16 + 8, 8);
  if (x === 0n && y === 0n) return G1.infinityAffine;
  return { x: (x * m.rInv) % BN254_FQ.p, y: (y * m.rInv) % BN254_FQ.p, infinity: false };
}

/** Scalars as n × 8 words, standard form, reduced mod r, in shared memory. */
export function packScalars(s: ScalarInput): Uint32Array {
  if (s instanceof Uint32Array) {
    if (s.length % 8) throw new RangeError(`msmG1: packed scalars must be 8 words each, got ${s.length} words`);
    // The recoding needs scalars < 2^254 (values in [r, 2^254) are fine: r·P = 0).
    for (let i = 7; i < s.length; i += 8) if (s[i] >= 1 << 30) throw new RangeError(`msmG1: packed scalar ${(i - 7) / 8} is ≥ 2^254`);
    if (s.buffer instanceof SharedArrayBuffer) return s;
    const shared = new Uint32Array(new SharedArrayBuffer(Math.max(4, s.byteLength))).subarray(0, s.length);
    shared.set(s);
    return shared;
  }
  const n = s.length;
  const out = new Uint32Array(new SharedArrayBuffer(Math.max(1, n) * 32)).subarray(0, n * 8);
  if (s instanceof FieldVec) {
    if (s.field !== BN254_FR) throw new TypeError(`msmG1: scalars must be over bn254_fr, got ${s.field.name}`);
    const w = inst();
    for (let st = 0; st < n; st += CONVERT_CHUNK) {
      const m = Math.min(CONVERT_CHUNK, n - st);
      w.reset();
      const p = w.put(s.data.subarray(st * 8, (st + m) * 8));
      w.exports.fr_vfrommont(p, p, m);
      out.set(w.u32(p, m * 8), st * 8);
    }
  } else {
    for (let i = 0; i < n; i++) writeLimbs(out, i * 8, 8, BN254_FR.fromBigint(s[i]));
  }
  return out;
}

/**
 * GLV split of packed scalars (runtime/curve/glv.ts) in WASM: n × 8 words |k1| ‖ |k2| and n sign bytes, in
 * shared memory for the workers.
 */
export function glvSplit(sc: Uint32Array): { halves: Uint32Array; signs: Uint8Array } {
  const n = sc.length / 8;
  const halves = new Uint32Array(new SharedArrayBuffer(Math.max(1, n) * 32)).subarray(0, n * 8);
  const signs = new Uint8Array(new SharedArrayBuffer(Math.max(1, n))).subarray(0, n);
  const w = inst();
  for (let st = 0; st < n; st += CONVERT_CHUNK) {
    const m = Math.min(CONVERT_CHUNK, n - st);
    w.reset();
    const pk = w.put(sc.subarray(st * 8, (st + m) * 8));
    const po = w.alloc(m * 32);
    const ps = w.alloc(m);
    w.exports.glv_split(po, ps, pk, m);
    halves.set(w.u32(po, m * 8), st * 8);
    signs.set(new Uint8Array(w.memory.buffer, ps, m), st);
  }
  return { halves, signs };
}

/**
 * Window width for an MSM over `points` points (after the GLV split: twice the caller's n), 128-bit scalars.
 * Cost per window ≈ 6·points multiplications (batch-affine accumulation) + 27·2^(c−1) (bucket reduction), over
 * 128/c windows; the minimum sits near c = log₂ points − 4, and one bit wider up to 2^13 points, where the
 * per-round costs (one inversion, the sort) weigh more (measured: spec/runtime.md).
 */
export function windowBits(points: number): number {
  const lg = Math.floor(Math.log2(Math.max(1, points)));
  return Math.max(4, Math.min(16, lg <= 13 ? lg - 3 : lg - 4));
}

function jacobianFromWords(v: Uint32Array, off: number): G1Jacobian {
  const m = montParams(BN254_FQ);
  const f = (k: number) => (readLimbs(v, off + 8 * k, 8) * m.rInv) % BN254_FQ.p;
  const Z = f(2);
  return Z === 0n ? G1.ZERO : { X: f(0), Y: f(1), Z };
}

/**
 * Σ scalars[i]·points[i] over BN254 G1 (GLV split, Pippenger with signed windows, batch-affine buckets, worker
 * threads).
 * Scalars are reduced mod r; identity points, zero scalars and repeated points are all allowed.
 */
export async function msmG1(points: PointInput, scalars: ScalarInput, opts: MsmOptions = {}): Promise<G1Affine> {
  const n = "data" in points ? points.n : points.length;
  const nScalars = scalars instanceof Uint32Array ? scalars.length / 8 : scalars.length;
  if (n !== nScalars) throw new RangeError(`msmG1: ${n} points but ${nScalars} scalars`);
  if (n === 0) return G1.infinityAffine;
  const threads = Math.max(1, Math.floor(opts.threads ?? defaultThreads()));
  const packed = "data" in points ? points : packG1(points);
  const { halves, signs } = glvSplit(packScalars(scalars));
  const c = opts.windowBits ?? windowBits(2 * n);
  if (!Number.isInteger(c) || c < 2 || c > 16) throw new RangeError(`msmG1: windowBits must be 2…16, got ${c}`);
  const numWindows = Math.floor(GLV_BITS / c) + 1;
  // Points per chunk: 2^12 points with their images and 2^(c−1) buckets of 72 bytes stay in a core's L2 cache
  // while the chunk's rounds hop between them (smaller chunks measured up to 25% faster at 2^16).
  const chunk = 1 << 11;
  const useWorkers = threads > 1 && n >= 1 << 11;
  const pg = useWorkers ? Math.ceil(threads / numWindows) : 1;
  const wg = useWorkers ? Math.min(numWindows, Math.ceil(threads / pg)) : 1;
  const tasks: MsmTask[] = [];
  const per = Math.ceil(n / pg);
  let pts = packed.data;
  if (useWorkers && !(pts.buffer instanceof SharedArrayBuffer)) {
    pts = new Uint32Array(new SharedArrayBuffer(pts.byteLength));
    pts.set(packed.data);
  }
  for (let g = 0; g < pg; g++) {
    for (let k = 0; k < wg; k++) {
      const windows: number[] = [];
      for (let win = k; win < numWindows; win += wg) windows.push(win);
      const start = g * per;
      const end = Math.min(n, start + per);
      if (start < end) tasks.push({ points: pts, scalars: halves, signs, start, end, c, numWindows, windows, chunk });
    }
  }
  const total = tasks.length;
  let done = 0;
  opts.progress?.("msm", 0, total);
  const here = (t: MsmTask) => {
    const r = runMsmTask(inst(), t);
    opts.progress?.("msm", ++done, total);
    return r;
  };
  let results: Uint32Array[];
  if (useWorkers) {
    // The calling thread takes the last task itself while the workers run the others: T threads of work
    // with T − 1 hand-offs, and no thread left waiting.
    const callerWorks = opts.callerWorks ?? true;
    const away = (callerWorks ? tasks.slice(0, -1) : tasks).map((t) =>
      getPool(threads)
        .run(MSM_TASK, { compiled: bn254Module(), task: t })
        .then((r) => {
          opts.progress?.("msm", ++done, total);
          return r;
        }),
    );
    const mine = callerWorks ? [here(tasks[tasks.length - 1])] : [];
    results = [...(await Promise.all(away)), ...mine];
  } else results = tasks.map(here);
  return G1.toAffine(combineWindows(results, tasks, numWindows, c));
}

/** Σ_w 2^(c·w)·S_w from the tasks' window sums (Jacobian words), by doublings and additions in WASM. */
function combineWindows(results: readonly Uint32Array[], tasks: readonly MsmTask[], numWindows: number, c: number): G1Jacobian {
  const w = inst();
  const ex = w.exports;
  w.reset();
  const sums = w.alloc(numWindows * 96);
  for (let win = 0; win < numWindows; win++) ex.g1_setinf(sums + win * 96);
  const part = w.alloc(96);
  tasks.forEach((t, ti) =>
    t.windows.forEach((win, k) => {
      w.u32(part, 24).set(results[ti].subarray(k * 24, k * 24 + 24));
      ex.g1_add(sums + win * 96, sums + win * 96, part);
    }),
  );
  const acc = w.alloc(96);
  ex.g1_setinf(acc);
  for (let win = numWindows - 1; win >= 0; win--) {
    for (let i = 0; i < c; i++) ex.g1_dbl(acc, acc);
    ex.g1_add(acc, acc, sums + win * 96);
  }
  return jacobianFromWords(w.u32(acc, 24), 0);
}

export interface MsmChunk {
  points: PointInput;
  scalars: ScalarInput;
}

/**
 * MSM over a stream of chunks (sync or async iterable), holding one chunk at a time: each chunk's MSM is
 * added to a running sum as it arrives, so memory is bounded by the largest chunk (spec/runtime.md).
 */
export async function msmG1Stream(chunks: AsyncIterable<MsmChunk> | Iterable<MsmChunk>, opts: MsmOptions = {}): Promise<G1Affine> {
  let acc = G1.ZERO;
  let done = 0;
  for await (const chunk of chunks) {
    const part = await msmG1(chunk.points, chunk.scalars, { threads: opts.threads, windowBits: opts.windowBits });
    acc = G1.addMixed(acc, part);
    done += "data" in chunk.points ? chunk.points.n : chunk.points.length;
    opts.progress?.("msm-stream", done, 0);
  }
  return G1.toAffine(acc);
}

// MSM host loop over any kernel executor (WGSL, HLS csim, WASM) driving stdlib/kernels/msm.cwl: the
// host splits scalars into windows, counting-sorts (window, digit) entries by bucket and cuts each
// bucket into chunks of ≤ shape.chunk entries; kernels do every point addition (mixed adds of affine
// points inside a chunk, Jacobian adds between chunks, segmented bucket reduction per window). The last
// step, Σ_w 2^(c·w)·S_w over ≈ 254/c window sums, runs on the host by default (a few hundred BigInt
// point operations, faster than the one-thread msm_combine kernel on a GPU; `combine: "gpu"` keeps it
// on the device). The host plan works on packed words (runtime/curve's PackedG1 points, packScalars
// words): no BigInt per point or per digit. Zero scalars and points at infinity contribute no entries.
// `msmChunkedOnExecutor` streams chunks of points and adds the partial sums, so memory is bounded by one
// chunk (the 2^30 plan).
import { G1, type G1Affine, type G1Jacobian, packG1, packScalars, type PackedG1, type PointInput, type ScalarInput } from "../curve/index.ts";
import { BN254_FQ, type FieldLimbs, fromLimbs, fromMontgomery, montParams, packMont, readLimbs } from "../field/index.ts";
import type { DeviceBuffer, KernelExecutor } from "./executor.ts";
import { defaultSegLen, MSM_LIMITS, type MsmShape } from "./msm-shape.ts";

const MSM_MAX_SEGMENT = MSM_LIMITS.maxSegment;

export interface MsmOptions {
  /** Buckets per window segment (1..MSM_MAX_SEGMENT; default by window size, see `defaultSegLen`). */
  segLen?: number;
  /** Where Σ_w 2^(c·w)·S_w runs: "host" (default) or "gpu" (msm_combine, one invocation). */
  combine?: "host" | "gpu";
  /**
   * How buckets are summed: "jacobian" (default: mixed additions per chunk, then a tree of Jacobian
   * additions) or "affine" (rounds of batch-affine additions, one inversion per lane of `affineBatch`
   * pairs: fewer multiplications per addition; the FPGA model's choice).
   */
  buckets?: "jacobian" | "affine";
  /** Pairs per lane of the affine rounds (1..MSM_LIMITS.maxAffineBatch; default 64). */
  affineBatch?: number;
}

export interface MsmPlan {
  /** Every input point as 16 words (affine x ‖ y, Montgomery form of runtime/field, (0, 0) = identity); entries index it. */
  points: Uint32Array;
  /** Entry → point index, entries sorted by bucket. */
  idx: Uint32Array;
  /** Per chunk: first entry, entry count (≤ shape.chunk), position in its bucket, chunks in its bucket. */
  chunkFirst: Uint32Array;
  chunkCount: Uint32Array;
  pos: Uint32Array;
  len: Uint32Array;
  /** Per bucket (window-major, digit d at w·(2^c − 1) + d − 1): its first chunk and chunk count. */
  bucketFirst: Uint32Array;
  bucketChunks: Uint32Array;
  /** Most chunks in one bucket (tree rounds: ⌈log2 maxLen⌉). */
  maxLen: number;
  /** Window segments: `segs` per window of `segLen` buckets (the last one shorter); windows · segs in all. */
  segLen: number;
  segs: number;
  /** Per segment: its position in its window and the window's segment count (msm_reduce_round's pos/len). */
  segPos: Uint32Array;
  segCount: Uint32Array;
  /** Bit length of the largest segment offset (segs − 1)·segLen: msm_segment_scale's double-and-add steps. */
  scaleBits: number;
}

/**
 * Window bits for the GPU path by point count, from the H200 sweep (bench/results/gpu-device.json: c = 8,
 * 10, 12 at 2^16, 2^18, 2^20): 12 from 2^17 points, 10 below (fewer entries to sort and accumulate;
 * the segmented window sums keep wide windows cheap). Sizes under 2^16 were not measured on a GPU.
 */
export function gpuWindowBits(n: number): number {
  return n >= 1 << 17 ? 12 : 10;
}

/** Window digits → buckets → chunks (the host part of the bucket method), from packed words. */
export function planMsm(shape: MsmShape, points: PointInput, scalars: ScalarInput, opts: MsmOptions = {}): MsmPlan {
  const packed: PackedG1 = "data" in points ? points : packG1(points);
  const sc = packScalars(scalars);
  const n = packed.n;
  if (sc.length !== n * 8) throw new RangeError(`msm: ${n} points but ${sc.length / 8} scalars`);
  const segLen = opts.segLen ?? defaultSegLen(shape.c);
  if (!(Number.isInteger(segLen) && segLen >= 1 && segLen <= MSM_MAX_SEGMENT)) throw new RangeError(`msm: segLen must be 1..${MSM_MAX_SEGMENT}, got ${segLen}`);
  const { c, windows: W } = shape;
  if (c > MSM_LIMITS.maxWindowBits || W > MSM_LIMITS.maxWindows) throw new RangeError(`msm: shape c = ${c}, ${W} windows exceeds msm.cwl's limits`);
  const nb = (1 << c) - 1;
  const buckets = W * nb;
  const pw = packed.data;
  // Pass 1: digits, window-major (kept, so pass 2 does not extract them again), and bucket counts.
  const live = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 16 * i; j < 16 * i + 16; j++) v |= pw[j];
    live[i] = v ? 1 : 0; // (0, 0) is the point at infinity
  }
  const digits = new Uint16Array(n * W);
  const cnt = new Uint32Array(buckets);
  for (let w = 0; w < W; w++) {
    const bit = w * c;
    const q = bit >>> 5;
    const r = bit & 31;
    const spill = r + c > 32 && q < 7;
    const base = w * nb - 1;
    const row = w * n;
    for (let i = 0, s = q; i < n; i++, s += 8) {
      let v = sc[s] >>> r;
      if (spill) v |= sc[s + 1] << (32 - r);
      const d = v & nb & -live[i];
      if (d) {
        digits[row + i] = d;
        cnt[base + d]++;
      }
    }
  }
  const start = new Uint32Array(buckets + 1);
  for (let b = 0; b < buckets; b++) start[b + 1] = start[b] + cnt[b];
  const fill = start.slice(0, buckets);
  const idx = new Uint32Array(start[buckets]);
  for (let w = 0; w < W; w++) {
    const base = w * nb - 1;
    const row = w * n;
    for (let i = 0; i < n; i++) {
      const d = digits[row + i];
      if (d) idx[fill[base + d]++] = i;
    }
  }
  const chunk = shape.chunk;
  const bucketChunks = new Uint32Array(buckets);
  const bucketFirst = new Uint32Array(buckets);
  let chunks = 0;
  let maxLen = 0;
  for (let b = 0; b < buckets; b++) {
    const k = Math.ceil(cnt[b] / chunk);
    bucketChunks[b] = k;
    bucketFirst[b] = chunks;
    chunks += k;
    if (k > maxLen) maxLen = k;
  }
  const chunkFirst = new Uint32Array(chunks);
  const chunkCount = new Uint32Array(chunks);
  const pos = new Uint32Array(chunks);
  const len = new Uint32Array(chunks);
  for (let b = 0; b < buckets; b++) {
    const k = bucketChunks[b];
    for (let j = 0, at = bucketFirst[b]; j < k; j++, at++) {
      chunkFirst[at] = start[b] + j * chunk;
      chunkCount[at] = Math.min(chunk, cnt[b] - j * chunk);
      pos[at] = j;
      len[at] = k;
    }
  }
  const segs = Math.ceil(nb / segLen);
  const segPos = new Uint32Array(W * segs);
  const segCount = new Uint32Array(W * segs).fill(segs);
  for (let t = 0; t < segPos.length; t++) segPos[t] = t % segs;
  const scaleBits = 32 - Math.clz32((segs - 1) * segLen);
  return { points: pw, idx, chunkFirst, chunkCount, pos, len, bucketFirst, bucketChunks, maxLen, segLen, segs, segPos, segCount, scaleBits };
}

/** The plan's point words in the executor field's Montgomery form (the same words when both use R = 2^256). */
function pointWords(fq: FieldLimbs, words: Uint32Array): Uint32Array {
  if (fq.limbs === 8 && fq.r === montParams(BN254_FQ).r) return words;
  const m = montParams(BN254_FQ);
  const xs: bigint[] = [];
  for (let k = 0; k < words.length; k += 8) xs.push((readLimbs(words, k, 8) * m.rInv) % BN254_FQ.p);
  return packMont(fq, xs);
}

/** A plan's buffers on an executor (uploaded once; the launches can run again on them). */
export interface MsmResident {
  readonly shape: MsmShape;
  readonly plan: MsmPlan;
  readonly bufs: Record<"pts" | "idx" | "chunkFirst" | "chunkCount" | "pos" | "len" | "bucketFirst" | "bucketChunks" | "segPos" | "segCount" | "acc" | "seg" | "out", DeviceBuffer>;
}

export function uploadMsm(ex: KernelExecutor, fq: FieldLimbs, shape: MsmShape, plan: MsmPlan): MsmResident {
  const L = fq.limbs;
  const chunks = plan.chunkFirst.length;
  const segments = shape.windows * plan.segs;
  const bufs = {
    pts: ex.alloc(Math.max(1, (plan.points.length / 8) * L)),
    idx: ex.alloc(Math.max(1, plan.idx.length)),
    chunkFirst: ex.alloc(Math.max(1, chunks)),
    chunkCount: ex.alloc(Math.max(1, chunks)),
    pos: ex.alloc(Math.max(1, chunks)),
    len: ex.alloc(Math.max(1, chunks)),
    bucketFirst: ex.alloc(plan.bucketFirst.length),
    bucketChunks: ex.alloc(plan.bucketChunks.length),
    segPos: ex.alloc(segments),
    segCount: ex.alloc(segments),
    acc: ex.alloc(Math.max(1, chunks) * 3 * L),
    seg: ex.alloc(2 * segments * 3 * L),
    out: ex.alloc(3 * L),
  };
  if (plan.points.length) ex.write(bufs.pts, pointWords(fq, plan.points));
  for (const k of ["idx", "chunkFirst", "chunkCount", "pos", "len", "bucketFirst", "bucketChunks", "segPos", "segCount"] as const)
    if (plan[k].length) ex.write(bufs[k], plan[k]);
  return { shape, plan, bufs };
}

export type MsmPhase = "bucketAcc" | "reduceRounds" | "segmentSums" | "segmentScale" | "segmentRounds" | "combine";

/**
 * msmOnExecutor's launch sequence on uploaded buffers. `after(phase)` (the bench's phase timer) is awaited
 * after each phase; without it the launches are queued back to back.
 */
export async function launchMsm(ex: KernelExecutor, r: MsmResident, combine: "host" | "gpu" = "host", after?: (p: MsmPhase) => Promise<void>): Promise<void> {
  const { plan, bufs } = r;
  const chunks = plan.chunkFirst.length;
  ex.launch("msm_bucket_acc", chunks, [bufs.pts, bufs.idx, bufs.chunkFirst, bufs.chunkCount, bufs.acc]);
  await after?.("bucketAcc");
  for (let s = 1; s < plan.maxLen; s <<= 1) ex.launch("msm_reduce_round", chunks, [bufs.acc, bufs.pos, bufs.len, s]);
  await after?.("reduceRounds");
  await launchWindowSums(ex, r.shape, plan, { ...bufs, first: bufs.bucketFirst, count: bufs.bucketChunks }, combine, after);
}

/** From bucket sums in `acc` (bucket b's at first[b] when count[b] ≠ 0) to window sums in `seg` (and `out`). */
async function launchWindowSums(
  ex: KernelExecutor,
  shape: MsmShape,
  plan: MsmPlan,
  bufs: Record<"acc" | "first" | "count" | "seg" | "segPos" | "segCount" | "out", DeviceBuffer>,
  combine: "host" | "gpu",
  after?: (p: MsmPhase) => Promise<void>,
): Promise<void> {
  const nb = (1 << shape.c) - 1;
  const tot = shape.windows * plan.segs;
  ex.launch("msm_segment_sums", tot, [bufs.acc, bufs.first, bufs.count, bufs.seg, nb, plan.segLen, plan.segs, tot]);
  await after?.("segmentSums");
  ex.launch("msm_segment_scale", tot, [bufs.seg, plan.segLen, plan.segs, tot, plan.scaleBits]);
  await after?.("segmentScale");
  for (let s = 1; s < plan.segs; s <<= 1) ex.launch("msm_reduce_round", tot, [bufs.seg, bufs.segPos, bufs.segCount, s]);
  await after?.("segmentRounds");
  if (combine === "gpu") {
    ex.launch("msm_combine", 1, [bufs.seg, bufs.out, shape.windows, shape.c, plan.segs]);
    await after?.("combine");
  }
}

/** One round of batch-affine bucket accumulation: pair e adds points pa[e] and pb[e] of the round's input (pa = pb: carried alone). */
export interface AffineRound {
  pa: Uint32Array;
  pb: Uint32Array;
}

/**
 * The rounds that reduce every bucket's points to one by disjoint affine additions: round 0 pairs the
 * plan's entries (point indices), each later round the previous round's outputs, which lie bucket by
 * bucket in order; an odd point out is carried alone. At least one round, so every bucket's sum lies in
 * the last round's output; `bucketOf[i]` names the bucket of its point i.
 */
export function planAffineRounds(plan: MsmPlan): { rounds: AffineRound[]; bucketOf: Uint32Array } {
  const buckets = plan.bucketFirst.length;
  let live: number[] = [];
  const count: number[] = [];
  const from: number[] = []; // first source index of each live bucket's points this round
  for (let b = 0; b < buckets; b++) {
    if (!plan.bucketChunks[b]) continue;
    const c0 = plan.bucketFirst[b];
    let k = 0;
    for (let c = c0; c < c0 + plan.bucketChunks[b]; c++) k += plan.chunkCount[c];
    live.push(b);
    count.push(k);
    from.push(plan.chunkFirst[c0]);
  }
  const rounds: AffineRound[] = [];
  for (let first = true; first || count.some((k) => k > 1); first = false) {
    const pairs = count.reduce((a, k) => a + Math.ceil(k / 2), 0);
    const pa = new Uint32Array(pairs);
    const pb = new Uint32Array(pairs);
    let e = 0;
    for (let i = 0; i < live.length; i++) {
      const k = count[i];
      const src = (j: number) => (first ? plan.idx[from[i] + j] : from[i] + j);
      const out = e;
      for (let j = 0; j + 1 < k; j += 2, e++) [pa[e], pb[e]] = [src(j), src(j + 1)];
      if (k & 1) (pa[e] = pb[e] = src(k - 1)), e++;
      from[i] = out;
      count[i] = Math.ceil(k / 2);
    }
    rounds.push({ pa, pb });
  }
  return { rounds, bucketOf: Uint32Array.from(live) };
}

/** Words of p − 2 for BN254 Fq, little-endian (msm_affine_invert's exponent). */
function fqInverseExponent(): Uint32Array {
  const w = new Uint32Array(8);
  let e = BN254_FQ.p - 2n;
  for (let i = 0; i < 8; i++, e >>= 32n) w[i] = Number(e & 0xffffffffn);
  return w;
}

/**
 * Bucket sums by batch-affine rounds (msm_affine_prefix/invert/finish, `batch` pairs a lane and one
 * inversion each), then msm_affine_to_jac and the window sums as in launchMsm; frees what it allocates.
 */
async function msmAffine(ex: KernelExecutor, fq: FieldLimbs, shape: MsmShape, plan: MsmPlan, batch: number, combine: "host" | "gpu"): Promise<G1Affine> {
  const L = fq.limbs;
  const words = pointWords(fq, plan.points);
  const n = plan.points.length / 16;
  const xs = new Uint32Array(n * L);
  const ys = new Uint32Array(n * L);
  for (let i = 0; i < n; i++) {
    xs.set(words.subarray(2 * i * L, (2 * i + 1) * L), i * L);
    ys.set(words.subarray((2 * i + 1) * L, (2 * i + 2) * L), i * L);
  }
  const { rounds, bucketOf } = planAffineRounds(plan);
  const buckets = plan.bucketFirst.length;
  const segments = shape.windows * plan.segs;
  const owned: DeviceBuffer[] = [];
  const buf = (words: number, data?: Uint32Array) => {
    const b = ex.alloc(Math.max(1, words));
    if (data?.length) ex.write(b, data);
    owned.push(b);
    return b;
  };
  try {
    const exp = buf(8, fqInverseExponent());
    // Executors may hand back freed memory unzeroed: the input's identity flags are written (all 0).
    let src = { x: buf(n * L, xs), y: buf(n * L, ys), inf: buf(n, new Uint32Array(n)) };
    for (const { pa, pb } of rounds) {
      const np = pa.length;
      const lanes = Math.ceil(np / batch);
      const a = buf(np, pa);
      const b = buf(np, pb);
      const pre = buf(np * L);
      const linv = buf(lanes * L);
      const out = { x: buf(np * L), y: buf(np * L), inf: buf(np) };
      ex.launch("msm_affine_prefix", lanes, [src.x, src.y, src.inf, a, b, pre, np, batch]);
      ex.launch("msm_affine_invert", lanes, [pre, exp, linv, np, batch]);
      ex.launch("msm_affine_finish", lanes, [src.x, src.y, src.inf, a, b, pre, linv, out.x, out.y, out.inf, np, batch]);
      src = out;
    }
    const acc = buf(buckets * 3 * L);
    ex.launch("msm_affine_to_jac", bucketOf.length, [src.x, src.y, src.inf, buf(bucketOf.length, bucketOf), acc]);
    const first = buf(buckets, Uint32Array.from({ length: buckets }, (_, i) => i));
    const count = buf(buckets, Uint32Array.from(plan.bucketChunks, (k) => (k ? 1 : 0)));
    const seg = buf(2 * segments * 3 * L);
    const segPos = buf(segments, plan.segPos);
    const segCount = buf(segments, plan.segCount);
    const out = buf(3 * L);
    await launchWindowSums(ex, shape, plan, { acc, first, count, seg, segPos, segCount, out }, combine);
    return await readMsm(ex, fq, { shape, plan, bufs: { seg, out } }, combine);
  } finally {
    for (const b of owned) ex.free(b);
  }
}

function jacobianAt(fq: FieldLimbs, w: Uint32Array, e: number): G1Jacobian {
  const L = fq.limbs;
  const coord = (k: number) => fromMontgomery(fq, fromLimbs(w, (3 * e + k) * L, L));
  const Z = coord(2);
  return Z === 0n ? G1.ZERO : { X: coord(0), Y: coord(1), Z };
}

/** Reads the result after launchMsm: the GPU's combined point, or the window sums combined here (Horner, c doublings per window). */
export async function readMsm(ex: KernelExecutor, fq: FieldLimbs, r: Pick<MsmResident, "shape" | "plan"> & { bufs: Pick<MsmResident["bufs"], "seg" | "out"> }, combine: "host" | "gpu" = "host"): Promise<G1Affine> {
  await ex.finish();
  if (combine === "gpu") return G1.toAffine(jacobianAt(fq, await ex.read(r.bufs.out), 0));
  const { shape, plan } = r;
  const w = await ex.read(r.bufs.seg, ((shape.windows - 1) * plan.segs + 1) * 3 * fq.limbs);
  let acc = G1.ZERO;
  for (let k = shape.windows - 1; k >= 0; k--) {
    for (let j = 0; j < shape.c; j++) acc = G1.double(acc);
    acc = G1.add(acc, jacobianAt(fq, w, k * plan.segs));
  }
  return G1.toAffine(acc);
}

export function freeMsm(ex: KernelExecutor, r: MsmResident): void {
  for (const b of Object.values(r.bufs)) ex.free(b);
}

/** Σ scalars[i]·points[i] over BN254 G1 on the executor (kernels: stdlib/kernels/msm.cwl). */
export async function msmOnExecutor(ex: KernelExecutor, fq: FieldLimbs, shape: MsmShape, points: PointInput, scalars: ScalarInput, opts: MsmOptions = {}): Promise<G1Affine> {
  const plan = planMsm(shape, points, scalars, opts);
  if (plan.chunkFirst.length === 0) return G1.infinityAffine;
  if (opts.buckets === "affine") {
    const batch = opts.affineBatch ?? 64;
    if (!(Number.isInteger(batch) && batch >= 1 && batch <= MSM_LIMITS.maxAffineBatch)) throw new RangeError(`msm: affineBatch must be 1..${MSM_LIMITS.maxAffineBatch}, got ${batch}`);
    return msmAffine(ex, fq, shape, plan, batch, opts.combine ?? "host");
  }
  const r = uploadMsm(ex, fq, shape, plan);
  try {
    await launchMsm(ex, r, opts.combine);
    return await readMsm(ex, fq, r, opts.combine);
  } finally {
    freeMsm(ex, r);
  }
}

/** MSM over a stream of (points, scalars) chunks: one chunk resident at a time, partial sums added on the host. */
export async function msmChunkedOnExecutor(
  ex: KernelExecutor,
  fq: FieldLimbs,
  shape: MsmShape,
  chunks: AsyncIterable<{ points: PointInput; scalars: ScalarInput }> | Iterable<{ points: PointInput; scalars: ScalarInput }>,
  opts: MsmOptions = {},
): Promise<G1Affine> {
  let acc = G1.ZERO;
  for await (const ch of chunks) acc = G1.addMixed(acc, await msmOnExecutor(ex, fq, shape, ch.points, ch.scalars, opts));
  return G1.toAffine(acc);
}

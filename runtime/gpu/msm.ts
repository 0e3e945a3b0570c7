// MSM host loop over any kernel executor (WGSL, HLS csim, WASM) driving stdlib/kernels/msm.cwl: the
// host splits scalars into windows, counting-sorts (window, digit) entries by bucket and cuts each
// bucket into chunks of ≤ shape.chunk entries; kernels do every point addition (mixed adds of affine
// points inside a chunk, Jacobian adds between chunks). Zero scalars and points at infinity contribute
// no entries. `msmChunkedOnExecutor` streams chunks of points and adds the partial sums, so memory is
// bounded by one chunk (the 2^30 plan).
import { type FieldLimbs, fromLimbs, fromMontgomery, packMont } from "../../backends/kernels/index.ts";
import { type MsmShape } from "../../stdlib/kernels/index.ts";
import { G1, type G1Affine, type G1Jacobian } from "../curve/index.ts";
import { BN254_FR } from "../field/index.ts";
import type { KernelExecutor } from "./executor.ts";

export interface MsmPlan {
  /** Affine points that occur in some bucket (compacted). */
  points: G1Affine[];
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
}

/** Window digits → buckets → chunks (the host part of the bucket method). */
export function planMsm(shape: MsmShape, points: readonly G1Affine[], scalars: readonly bigint[]): MsmPlan {
  if (points.length !== scalars.length) throw new RangeError(`msm: ${points.length} points but ${scalars.length} scalars`);
  const nb = (1 << shape.c) - 1;
  const buckets = shape.windows * nb;
  const mask = BigInt(nb);
  const used: G1Affine[] = [];
  const keys: number[] = [];
  const owner: number[] = [];
  points.forEach((p, i) => {
    let k = BN254_FR.fromBigint(scalars[i]);
    if (p.infinity || k === 0n) return;
    const id = used.length;
    used.push(p);
    for (let w = 0; k > 0n; w++, k >>= BigInt(shape.c)) {
      const d = Number(k & mask);
      if (d) {
        keys.push(w * nb + d - 1);
        owner.push(id);
      }
    }
  });
  const cnt = new Uint32Array(buckets);
  for (const k of keys) cnt[k]++;
  const start = new Uint32Array(buckets);
  for (let b = 1; b < buckets; b++) start[b] = start[b - 1] + cnt[b - 1];
  const fill = start.slice();
  const idx = new Uint32Array(keys.length);
  keys.forEach((k, e) => (idx[fill[k]++] = owner[e]));
  const bucketChunks = cnt.map((c) => Math.ceil(c / shape.chunk));
  const bucketFirst = new Uint32Array(buckets);
  for (let b = 1; b < buckets; b++) bucketFirst[b] = bucketFirst[b - 1] + bucketChunks[b - 1];
  const chunks = buckets ? bucketFirst[buckets - 1] + bucketChunks[buckets - 1] : 0;
  const chunkFirst = new Uint32Array(chunks);
  const chunkCount = new Uint32Array(chunks);
  const pos = new Uint32Array(chunks);
  const len = new Uint32Array(chunks);
  let maxLen = 0;
  for (let b = 0; b < buckets; b++) {
    maxLen = Math.max(maxLen, bucketChunks[b]);
    for (let j = 0; j < bucketChunks[b]; j++) {
      const at = bucketFirst[b] + j;
      chunkFirst[at] = start[b] + j * shape.chunk;
      chunkCount[at] = Math.min(shape.chunk, cnt[b] - j * shape.chunk);
      pos[at] = j;
      len[at] = bucketChunks[b];
    }
  }
  return { points: used, idx, chunkFirst, chunkCount, pos, len, bucketFirst, bucketChunks, maxLen };
}

/** Σ scalars[i]·points[i] over BN254 G1 on the executor (kernels: stdlib/kernels/msm.cwl). */
export async function msmOnExecutor(ex: KernelExecutor, fq: FieldLimbs, shape: MsmShape, points: readonly G1Affine[], scalars: readonly bigint[]): Promise<G1Affine> {
  const plan = planMsm(shape, points, scalars);
  const chunks = plan.chunkFirst.length;
  if (chunks === 0) return G1.infinityAffine;
  const L = fq.limbs;
  const nb = (1 << shape.c) - 1;
  const nbAll = shape.windows * nb;
  const bufs = {
    pts: ex.alloc(plan.points.length * 2 * L),
    idx: ex.alloc(plan.idx.length),
    chunkFirst: ex.alloc(chunks),
    chunkCount: ex.alloc(chunks),
    pos: ex.alloc(chunks),
    len: ex.alloc(chunks),
    bucketFirst: ex.alloc(nbAll),
    bucketChunks: ex.alloc(nbAll),
    acc: ex.alloc(chunks * 3 * L),
    wsum: ex.alloc(shape.windows * 3 * L),
    out: ex.alloc(3 * L),
  };
  try {
    ex.write(bufs.pts, packMont(fq, plan.points.flatMap((p) => [p.x, p.y])));
    for (const k of ["idx", "chunkFirst", "chunkCount", "pos", "len", "bucketFirst", "bucketChunks"] as const) ex.write(bufs[k], plan[k]);
    ex.launch("msm_bucket_acc", chunks, [bufs.pts, bufs.idx, bufs.chunkFirst, bufs.chunkCount, bufs.acc]);
    for (let s = 1; s < plan.maxLen; s <<= 1) ex.launch("msm_reduce_round", chunks, [bufs.acc, bufs.pos, bufs.len, s]);
    ex.launch("msm_window_sums", shape.windows, [bufs.acc, bufs.bucketFirst, bufs.bucketChunks, bufs.wsum, nb]);
    ex.launch("msm_combine", 1, [bufs.wsum, bufs.out, shape.windows, shape.c]);
    await ex.finish();
    const w = await ex.read(bufs.out);
    const coord = (k: number) => fromMontgomery(fq, fromLimbs(w, k * L, L));
    const jac: G1Jacobian = { X: coord(0), Y: coord(1), Z: coord(2) };
    return G1.toAffine(jac);
  } finally {
    for (const b of Object.values(bufs)) ex.free(b);
  }
}

/** MSM over a stream of (points, scalars) chunks: one chunk resident at a time, partial sums added on the host. */
export async function msmChunkedOnExecutor(
  ex: KernelExecutor,
  fq: FieldLimbs,
  shape: MsmShape,
  chunks: AsyncIterable<{ points: readonly G1Affine[]; scalars: readonly bigint[] }> | Iterable<{ points: readonly G1Affine[]; scalars: readonly bigint[] }>,
): Promise<G1Affine> {
  let acc = G1.ZERO;
  for await (const ch of chunks) acc = G1.addMixed(acc, await msmOnExecutor(ex, fq, shape, ch.points, ch.scalars));
  return G1.toAffine(acc);
}

// MSM host loop over any kernel executor (WGSL, HLS csim, WASM) driving stdlib/kernels/msm: the host
// splits scalars into windows and counting-sorts (window, digit) entries by bucket; kernels do every
// point addition. Zero scalars and points at infinity contribute no entries. `msmChunkedOnExecutor`
// streams chunks and adds the partial sums, so memory is bounded by one chunk (the 2^30 plan).
import { type FieldLimbs, fromLimbs, fromMontgomery, packMont } from "../../backends/kernels/index.ts";
import { type MsmShape } from "../../stdlib/kernels/msm.ts";
import { G1, type G1Affine, type G1Jacobian } from "../curve/index.ts";
import { BN254_FR } from "../field/index.ts";
import type { KernelExecutor } from "./executor.ts";

export interface MsmPlan {
  /** Affine points that occur in some bucket (compacted), and the entry → point index list sorted by bucket. */
  points: G1Affine[];
  idx: Uint32Array;
  start: Uint32Array;
  cnt: Uint32Array;
  pos: Uint32Array;
  len: Uint32Array;
  maxLen: number;
}

/** Window digits → buckets, counting-sorted (the host part of the bucket method). */
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
  const pos = new Uint32Array(keys.length);
  const len = new Uint32Array(keys.length);
  keys.forEach((k, e) => {
    const at = fill[k]++;
    idx[at] = owner[e];
    pos[at] = at - start[k];
    len[at] = cnt[k];
  });
  return { points: used, idx, start, cnt, pos, len, maxLen: Math.max(0, ...cnt) };
}

/** Σ scalars[i]·points[i] over BN254 G1 on the executor (kernels from `msmKernels(bn254_fq, shape)`). */
export async function msmOnExecutor(ex: KernelExecutor, fq: FieldLimbs, shape: MsmShape, points: readonly G1Affine[], scalars: readonly bigint[]): Promise<G1Affine> {
  const plan = planMsm(shape, points, scalars);
  const total = plan.idx.length;
  if (total === 0) return G1.infinityAffine;
  const L = fq.limbs;
  const nbAll = shape.windows * ((1 << shape.c) - 1);
  const bufs = {
    pts: ex.alloc(plan.points.length * 2 * L),
    idx: ex.alloc(total),
    pos: ex.alloc(total),
    len: ex.alloc(total),
    start: ex.alloc(nbAll),
    cnt: ex.alloc(nbAll),
    acc: ex.alloc(total * 3 * L),
    sums: ex.alloc(nbAll * 3 * L),
    wsum: ex.alloc(shape.windows * 3 * L),
    out: ex.alloc(3 * L),
  };
  try {
    ex.write(bufs.pts, packMont(fq, plan.points.flatMap((p) => [p.x, p.y])));
    ex.write(bufs.idx, plan.idx);
    ex.write(bufs.pos, plan.pos);
    ex.write(bufs.len, plan.len);
    ex.write(bufs.start, plan.start);
    ex.write(bufs.cnt, plan.cnt);
    ex.launch("msm_gather", total, [bufs.pts, bufs.idx, bufs.acc]);
    for (let s = 1; s < plan.maxLen; s <<= 1) ex.launch("msm_reduce_round", total, [bufs.acc, bufs.pos, bufs.len, s]);
    ex.launch("msm_bucket_sums", nbAll, [bufs.acc, bufs.start, bufs.cnt, bufs.sums]);
    ex.launch("msm_window_sums", shape.windows, [bufs.sums, bufs.wsum]);
    ex.launch("msm_combine", 1, [bufs.wsum, bufs.out]);
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

// The MSM launch shape of stdlib/kernels/msm.cwl as data: its limits (the kernel's `pub const`s) and
// the window/chunk/segment choices the host loop (msm.ts) plans with.

/** msm.cwl's limits (its `pub const`s): the host never exceeds them. */
export const MSM_LIMITS = { chunk: 16, maxWindowBits: 16, maxWindows: 254, maxSegment: 64, maxAffineBatch: 4096 } as const;

export interface MsmShape {
  /** Window bits (1..MSM_LIMITS.maxWindowBits). */
  c: number;
  /** Number of windows (⌈254 / c⌉ for BN254 scalars). */
  windows: number;
  /** Entries per msm_bucket_acc invocation (1..MSM_LIMITS.chunk): mixed adds per chunk, one tree level less per doubling. */
  chunk: number;
}

export function msmShape(c: number, scalarBits = 254, chunk: number = MSM_LIMITS.chunk): MsmShape {
  if (!(Number.isInteger(c) && c >= 1 && c <= MSM_LIMITS.maxWindowBits)) throw new RangeError(`msm: window bits must be 1..${MSM_LIMITS.maxWindowBits}, got ${c}`);
  if (!(Number.isInteger(chunk) && chunk >= 1 && chunk <= MSM_LIMITS.chunk)) throw new RangeError(`msm: chunk must be 1..${MSM_LIMITS.chunk}, got ${chunk}`);
  return { c, windows: Math.ceil(scalarBits / c), chunk };
}

/**
 * Buckets per window segment (msm_segment_sums) by window size: short chains for small c, fewer threads
 * and tree rounds for large c (c = 8: 64 segments of 4 per window, chains of 8 + 17 point additions).
 */
export function defaultSegLen(c: number): number {
  return c <= 8 ? 4 : c <= 12 ? 8 : 16;
}

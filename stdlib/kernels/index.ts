// Public face of stdlib/kernels: the `.cwl` kernel sources (ntt.cwl, msm.cwl with curve.cwl's point
// formulas) compiled through the front end, and the MSM shape the host loop (runtime/gpu/msm.ts) uses.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderAll } from "../../compiler/diagnostics/index.ts";
import type { Module } from "../../compiler/ir/index.ts";
import { compileFile, hasErrors } from "../../compiler/driver/pipeline.ts";

export const KERNEL_SOURCE_DIR = dirname(fileURLToPath(import.meta.url));

/** Compiles stdlib/kernels/<name>.cwl (e.g. "ntt") to CWIR; throws with rendered diagnostics on errors (a stdlib bug). */
export function kernelSource(name: string): Module {
  const r = compileFile(join(KERNEL_SOURCE_DIR, `${name}.cwl`));
  if (hasErrors(r.diagnostics) || !r.ir) throw new Error(`stdlib/kernels/${name}.cwl:\n${renderAll(r.diagnostics, (id) => r.fm.get(id))}`);
  return r.ir;
}

/** msm.cwl's limits (its `pub const`s): the host never exceeds them. */
export const MSM_LIMITS = { chunk: 16, maxWindowBits: 16, maxWindows: 254, maxSegment: 64 } as const;

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

/** The MSM kernels (stdlib/kernels/msm.cwl, over Bn254Fq); one build serves every shape. */
export function msmKernels(): Module {
  return kernelSource("msm");
}

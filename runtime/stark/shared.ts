// Columns the prover's pool jobs read and write: copied into SharedArrayBuffers once, so every worker
// sees the same memory, and the row ranges one column-wise step is cut into.
import { getPool, type PoolTask } from "../pool/index.ts";

/** A zeroed column of n words in shared memory. */
export const sharedColumn = (n: number): Uint32Array => new Uint32Array(new SharedArrayBuffer(4 * n));

/** The column itself when it already lives in shared memory, else a shared copy. */
export function toShared(a: Uint32Array): Uint32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = sharedColumn(a.length);
  s.set(a);
  return s;
}

/**
 * Runs `task` over [0, n) in 2^⌈log2 threads⌉ equal ranges on the pool; `job(from, to)` is the task's
 * argument for one range. Returns the jobs' promise (callers start several steps before awaiting).
 */
export function runRanges<T, R>(task: PoolTask<T, R>, threads: number, n: number, job: (from: number, to: number) => T): Promise<unknown>[] {
  const pool = getPool(threads);
  const chunk = n >> Math.ceil(Math.log2(threads));
  const work: Promise<unknown>[] = [];
  for (let from = 0; from < n; from += chunk) work.push(pool.run(task, job(from, from + chunk)));
  return work;
}

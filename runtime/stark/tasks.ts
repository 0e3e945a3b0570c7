// runtime/stark's pool tasks (run in a worker of runtime/pool): column LDEs, Merkle leaf ranges, LogUp, quotient and DEEP ranges, on
// shared memory written in place. The callers (commit.ts, logup.ts, quotient.ts, deep.ts) address this module as
// new URL("./tasks.ts", import.meta.url).
import { ldeColumn, type LdeTask, type MerkleTask } from "./commit.ts";
import { fillLevels, leafRows } from "./merkle.ts";
import { quotientRange as quotientOf, type QuotientTask } from "./quotient.ts";
import { deepRange as deepOf, type DeepTask } from "./deep.ts";
import { logupRange as logupOf, type LogupTask } from "./logup.ts";

export function ldeColumns(job: LdeTask): void {
  for (const it of job.items) {
    const r = ldeColumn(it.kind, it.src, it.logN);
    if (it.coeffs) it.coeffs.set(r.coeffs);
    it.out.set(r.evals);
  }
}

export function merkleRange(job: MerkleTask): void {
  fillLevels(job.levels, job.width, leafRows(job.lde), job.from, job.to);
}

export function quotientRange(job: QuotientTask): void {
  const c = quotientOf(job.input, job.from, job.to);
  for (let j = 0; j < 4; j++) job.out[j].set(c[j], job.from);
}

export function deepRange(job: DeepTask): void {
  const c = deepOf(job.input, job.from, job.to);
  for (let j = 0; j < 4; j++) job.out[j].set(c[j], job.from);
}

export function logupRange(job: LogupTask): void {
  const c = logupOf(job.input, job.from, job.to);
  for (let j = 0; j < c.length; j++) job.out[j].set(c[j], job.from);
}

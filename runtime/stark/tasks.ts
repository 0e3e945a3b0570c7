// runtime/stark's pool tasks (run in a worker of runtime/pool): column LDEs and Merkle leaf ranges, on
// shared memory written in place. The caller (commit.ts) addresses this module as
// new URL("./tasks.ts", import.meta.url).
import { ldeColumn, pairedRow, type LdeTask, type MerkleTask } from "./commit.ts";
import { fillLevels } from "./merkle.ts";

export function ldeColumns(job: LdeTask): void {
  for (const it of job.items) {
    const r = ldeColumn(it.kind, it.src, it.logN);
    if (it.coeffs) it.coeffs.set(r.coeffs);
    it.out.set(r.evals);
  }
}

export function merkleRange(job: MerkleTask): void {
  fillLevels(job.levels, job.width, pairedRow(job.lde), job.from, job.to);
}

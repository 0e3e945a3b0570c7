// Committing matrices: each column's coset LDE (bit-reversed, on GENERATOR·⟨ω_N⟩) and the Merkle tree
// over the LDE's rows, a leaf per four consecutive rows (the points x, −x, i·x, −i·x), which quarters the
// hash calls against a leaf per row (node's per-call cost dominates, not the bytes); a query opens the
// four rows. Done inline (`commitSync`) or spread over the
// runtime/pool workers (`commitPool`): columns are transformed on all workers at once, then each tree's
// leaves are hashed in aligned ranges, one per worker, and its top levels on this thread.
import { getPool, poolTask } from "../pool/index.ts";
import { GENERATOR } from "./field.ts";
import { sharedColumn, toShared } from "./shared.ts";
import { MerkleTree, allocLevels, fillLevels, leafCount, leafRows, leafWidth } from "./merkle.ts";
import { evaluateCosetBitrev, interpolateNatural } from "./ntt.ts";

export interface Committed {
  /** the columns on the trace domain, where the prover keeps them (fixed columns) */
  trace?: Uint32Array[];
  coeffs: Uint32Array[];
  lde: Uint32Array[];
  tree: MerkleTree;
}

/** Columns to commit: trace values (length n, natural order) or coefficients, extended to 2^logN points. */
export interface CommitJob {
  kind: "trace" | "coeffs";
  columns: Uint32Array[];
  logN: number;
}

/** The coefficients and LDE of one column. */
export function ldeColumn(kind: CommitJob["kind"], src: Uint32Array, logN: number): { coeffs: Uint32Array; evals: Uint32Array } {
  const coeffs = kind === "trace" ? interpolateNatural(src) : src;
  return { coeffs, evals: evaluateCosetBitrev(coeffs, logN, GENERATOR) };
}

export function commitSync(job: CommitJob): Committed {
  const coeffs: Uint32Array[] = [];
  const lde: Uint32Array[] = [];
  for (const c of job.columns) {
    const r = ldeColumn(job.kind, c, job.logN);
    coeffs.push(r.coeffs);
    lde.push(r.evals);
  }
  return treeOf(coeffs, lde);
}

export function treeOf(coeffs: Uint32Array[], lde: Uint32Array[]): Committed {
  const rows = lde[0].length;
  return { coeffs, lde, tree: new MerkleTree(leafCount(rows), leafWidth(lde.length, rows), leafRows(lde)) };
}

export interface LdeTask {
  items: { kind: CommitJob["kind"]; src: Uint32Array; logN: number; coeffs?: Uint32Array; out: Uint32Array }[];
}

export interface MerkleTask {
  lde: Uint32Array[];
  levels: Uint8Array[];
  width: number;
  from: number;
  to: number;
}

const LDE_TASK = poolTask<LdeTask>(new URL("./tasks.ts", import.meta.url), "ldeColumns");
const MERKLE_TASK = poolTask<MerkleTask>(new URL("./tasks.ts", import.meta.url), "merkleRange");


/** Below this many LDE points a matrix's tree is hashed on this thread (a job's start costs more). */
const MIN_PARALLEL_LEAVES = 1 << 12;

export async function commitPool(jobs: CommitJob[], threads: number): Promise<Committed[]> {
  const pool = getPool(threads);
  // 1. every column of every job, balanced over the workers by size
  const items = jobs.flatMap((job) =>
    job.columns.map((c) => ({
      kind: job.kind,
      src: toShared(c),
      logN: job.logN,
      coeffs: job.kind === "trace" ? sharedColumn(c.length) : undefined,
      out: sharedColumn(1 << job.logN),
    })),
  );
  const buckets: (typeof items)[] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  for (const it of [...items].sort((a, b) => b.logN - a.logN)) {
    const k = load.indexOf(Math.min(...load));
    buckets[k].push(it);
    load[k] += 1 << it.logN;
  }
  await Promise.all(buckets.filter((b) => b.length).map((b) => pool.run(LDE_TASK, { items: b.map(({ kind, src, logN, coeffs, out }) => ({ kind, src, logN, coeffs, out })) })));
  // 2. the trees: aligned leaf ranges on the workers, the levels above them here
  let at = 0;
  const out: Committed[] = [];
  const work: Promise<unknown>[] = [];
  const finish: (() => void)[] = [];
  for (const job of jobs) {
    const its = items.slice(at, at + job.columns.length);
    at += job.columns.length;
    const coeffs = its.map((it) => it.coeffs ?? it.src);
    const lde = its.map((it) => it.out);
    const rows = 1 << job.logN;
    const leaves = leafCount(rows);
    const width = leafWidth(lde.length, rows);
    if (leaves < MIN_PARALLEL_LEAVES || threads < 2) {
      out.push(treeOf(coeffs, lde));
      continue;
    }
    const levels = allocLevels(leaves, true);
    const chunkLog = Math.log2(leaves) - Math.ceil(Math.log2(threads));
    const chunk = 1 << chunkLog;
    for (let from = 0; from < leaves; from += chunk) work.push(pool.run(MERKLE_TASK, { lde, levels, width, from, to: from + chunk }));
    const tree = new MerkleTree(leaves, width, leafRows(lde), levels);
    finish.push(() => fillLevels(levels, width, leafRows(lde), 0, leaves, chunkLog + 1));
    out.push({ coeffs, lde, tree });
  }
  await Promise.all(work);
  for (const f of finish) f();
  return out;
}

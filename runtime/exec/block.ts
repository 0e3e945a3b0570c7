// What every scheduler returns for a block, the strict-order reference, and the block-level figures
// computed the same way for all of them (measured conflict rate, storage operations for the accumulator).
import type { StorageOp } from "../kv/store.ts";
import { type Delay, type ExecLanes, type Tx, type TxExecution, SchedClock } from "./execute.ts";
import { type Key, WorldState, parseStorageKey } from "./state.ts";

export type SchedulerName = "serial" | "optimistic" | "reorder";

export interface BlockStats {
  scheduler: SchedulerName;
  txs: number;
  /** Executions started, re-executions and dependency aborts included. */
  executions: number;
  /** executions − txs: the work rolled back and redone. */
  reExecutions: number;
  /** Wall time of the whole block. */
  wallMs: number;
  /** Time in the scheduler's own code (everything but executing transactions); see spec/exec.md. */
  schedMs: number;
  /** Fraction of transactions that read or write a key an earlier transaction of the block wrote (from the final read/write sets). */
  conflictRate: number;
  /** Reorder only: batches executed, and plans redone because a prediction missed an access. */
  batches?: number;
  mispredictions?: number;
  /** Reorder only: transactions pre-executed to predict their accesses (not counted in executions). */
  preExecutions?: number;
  /** Adaptive only: the conflict rate the policy expected for this block. */
  expectedConflictRate?: number;
  /** Adaptive only: whether the estimate came from the previous block's measured rates or was predicted. */
  estimate?: "previous-block" | "predicted";
}

export interface BlockOutcome {
  /** Per transaction, in block order: the execution that counts (the last, validated one). */
  results: TxExecution[];
  stats: BlockStats;
}

export interface ExecOptions {
  lanes: ExecLanes;
  delay?: Delay;
}

/** Strict order: each transaction runs on the state its predecessors left. The reference for all others. */
export async function runSerial(state: WorldState, txs: readonly Tx[], opts: ExecOptions): Promise<BlockOutcome> {
  const t0 = performance.now();
  const clock = new SchedClock();
  const before = opts.lanes.executions;
  const results: TxExecution[] = [];
  for (let i = 0; i < txs.length; i++) {
    const r = await opts.lanes.run(txs[i], i, (k) => ({ value: state.get(k), version: "base" }), opts.delay);
    clock.time(() => state.apply(r.writes));
    results.push(r);
  }
  return { results, stats: blockStats("serial", results, opts.lanes.executions - before, performance.now() - t0, clock.ms) };
}

export function blockStats(scheduler: SchedulerName, results: readonly TxExecution[], executions: number, wallMs: number, schedMs: number): BlockStats {
  return {
    scheduler,
    txs: results.length,
    executions,
    reExecutions: executions - results.length,
    wallMs,
    schedMs,
    conflictRate: conflictRate(results),
  };
}

type AccessSets = { reads: ReadonlyMap<Key, unknown> | ReadonlySet<Key>; writes: ReadonlyMap<Key, unknown> | ReadonlySet<Key> };

/** Flags already computed for a block's results (its stats computed them; the adaptive policy reads them again). */
const flagsOf = new WeakMap<readonly AccessSets[], boolean[]>();

/** Per transaction: does it touch (read or write) a key written earlier in the block? */
export function conflicted(results: readonly AccessSets[]): boolean[] {
  let flags = flagsOf.get(results);
  if (!flags) flagsOf.set(results, (flags = computeConflicted(results)));
  return flags;
}

function computeConflicted(results: readonly AccessSets[]): boolean[] {
  const written = new Set<Key>();
  return results.map((r) => {
    let c = false;
    for (const k of r.reads.keys()) if (written.has(k)) c = true;
    for (const k of r.writes.keys()) if (written.has(k)) c = true;
    for (const k of r.writes.keys()) written.add(k);
    return c;
  });
}

/** Fraction of transactions touching (reading or writing) a key written earlier in the block. */
export function conflictRate(results: readonly AccessSets[]): number {
  return results.length === 0 ? 0 : conflicted(results).filter(Boolean).length / results.length;
}

/**
 * The block's storage accesses as accumulator operations, transaction by transaction in block order:
 * each storage word a transaction read, then each it wrote (0 deletes). Account and code keys are not
 * in the accumulator (it holds storage only).
 */
export function blockStorageOps(results: readonly TxExecution[]): StorageOp[] {
  const ops: StorageOp[] = [];
  for (const r of results) {
    for (const k of [...r.reads.keys()].sort()) {
      const s = parseStorageKey(k);
      if (s && !r.writes.has(k)) ops.push({ kind: "read", ...s });
    }
    for (const k of [...r.writes.keys()].sort()) {
      const s = parseStorageKey(k);
      if (s) ops.push({ kind: "write", ...s, value: BigInt("0x" + (r.writes.get(k) ?? "0")) });
    }
  }
  return ops;
}

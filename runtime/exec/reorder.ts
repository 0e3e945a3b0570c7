// Deterministic reordering: predicted read/write sets → conflict graph → batches. Transaction j goes
// one level after every earlier transaction it conflicts with (j reads or writes what i writes, or
// writes what i reads), so transactions in one batch share no written key and each batch runs
// concurrently on the state the previous batches left, with all writes published after the batch.
// Conflicting transactions keep block order, so the result equals strict order; the batches are a
// function of the block and the pre-block state alone (no timing enters), hence deterministic.
//
// A prediction can miss (a pre-execution on the pre-block state took another path than the real run,
// or read a counter an earlier transaction of the block moves). A missed access is harmless unless it
// conflicts with another transaction's access against the plan: after each batch, every access outside
// a transaction's prediction is checked against every other transaction's known accesses (actual for
// executed ones, predicted for the rest). A conflict with an earlier transaction needs a lower level,
// with a later one a higher level, and none may share the batch; then the levels still order every
// actual conflict as the block does, and the result is strict order's. Otherwise the block is rolled
// back (undo log), the actual accesses join the prediction, and the block is planned again; after
// MAX_REPLANS such misses it runs in strict order.
import { type BlockOutcome, type ExecOptions, blockStats, runSerial } from "./block.ts";
import { type Tx, type TxExecution, SchedClock } from "./execute.ts";
import { type Prediction, Predictor } from "./predict.ts";
import { type Key, type Value, WorldState } from "./state.ts";

const MAX_REPLANS = 2;

/** Level of each transaction in the conflict graph (0 = no earlier conflicting transaction). */
export function planLevels(preds: readonly Prediction[]): number[] {
  const lastWrite = new Map<Key, number>();
  const lastRead = new Map<Key, number>();
  return preds.map((p) => {
    let level = 0;
    for (const k of p.reads) level = Math.max(level, (lastWrite.get(k) ?? -1) + 1);
    for (const k of p.writes) level = Math.max(level, (lastWrite.get(k) ?? -1) + 1, (lastRead.get(k) ?? -1) + 1);
    for (const k of p.reads) lastRead.set(k, Math.max(lastRead.get(k) ?? -1, level));
    for (const k of p.writes) lastWrite.set(k, level);
    return level;
  });
}

/**
 * Who touches each key: transaction, its level. Writers are indexed when the plan is made; readers only
 * when a missed write needs them (a missed read conflicts with writers alone, and a static prediction's
 * misses are reads of the callee's code and account).
 */
class Touches {
  private readonly writers = new Map<Key, { tx: number; level: number }[]>();
  private readers: Map<Key, { tx: number; level: number }[]> | undefined;
  /** Reads learned from executions (misses), which the readers' index must include when it is built. */
  private readonly learnedReads: [Key, { tx: number; level: number }][] = [];
  constructor(
    private readonly preds: readonly Prediction[],
    private readonly levels: readonly number[],
  ) {
    preds.forEach((p, tx) => {
      for (const k of p.writes) push(this.writers, k, { tx, level: levels[tx] });
    });
  }
  writersOf(k: Key) {
    return this.writers.get(k) ?? [];
  }
  readersOf(k: Key) {
    if (!this.readers) {
      this.readers = new Map();
      this.preds.forEach((p, tx) => {
        for (const k of p.reads) if (!p.writes.has(k)) push(this.readers!, k, { tx, level: this.levels[tx] });
      });
      for (const [k, e] of this.learnedReads) push(this.readers, k, e);
    }
    return this.readers.get(k) ?? [];
  }
  learn(k: Key, e: { tx: number; level: number }, write: boolean) {
    if (write) push(this.writers, k, e);
    else if (this.readers) push(this.readers, k, e);
    else this.learnedReads.push([k, e]);
  }
}

function push<T>(m: Map<Key, T[]>, k: Key, v: T) {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/**
 * Checks the accesses of `tx` outside its prediction against everyone else's known accesses, and
 * records them. False when one conflicts against the plan (same batch, or the wrong side in block order).
 */
function admitMissed(tx: number, level: number, p: Prediction, r: TxExecution, known: Touches): boolean {
  const missed: [Key, boolean][] = [];
  for (const k of r.writes.keys()) if (!p.writes.has(k)) missed.push([k, true]);
  for (const k of r.reads.keys()) if (!p.reads.has(k) && !p.writes.has(k) && !r.writes.has(k)) missed.push([k, false]);
  const wrongSide = (o: { tx: number; level: number }) => o.tx !== tx && !(o.tx < tx ? o.level < level : o.level > level);
  for (const [k, write] of missed) {
    if (known.writersOf(k).some(wrongSide)) return false;
    if (write && known.readersOf(k).some(wrongSide)) return false;
  }
  for (const [k, write] of missed) known.learn(k, { tx, level }, write);
  return true;
}

export interface ReorderOptions extends ExecOptions {
  predictor?: Predictor;
  /** Predictions already made for this block on this state (the adaptive policy's static ones), by position. */
  predictions?: readonly (Prediction | undefined)[];
}

export async function runReorder(state: WorldState, txs: readonly Tx[], opts: ReorderOptions): Promise<BlockOutcome> {
  const t0 = performance.now();
  const clock = new SchedClock();
  const predictor = opts.predictor ?? new Predictor(opts.lanes);
  // Prediction is scheduling work (pre-executions included): its time counts as scheduling time and
  // its executions are not the block's.
  const tp = performance.now();
  const lanesBefore = opts.lanes.executions;
  const preds: Prediction[] = [];
  for (const [i, tx] of txs.entries()) {
    const known = opts.predictions?.[i];
    preds.push(known ?? (await predictor.predict(state, tx)));
  }
  const preExecutions = opts.lanes.executions - lanesBefore;
  clock.ms += performance.now() - tp;
  const before = opts.lanes.executions;

  let mispredictions = 0;
  let batchesRun = 0;
  for (;;) {
    const { batches, levels, known } = clock.time(() => {
      const levels = planLevels(preds);
      const batches: number[][] = [];
      levels.forEach((l, i) => (batches[l] ??= []).push(i));
      return { batches, levels, known: new Touches(preds, levels) };
    });
    const undo = new Map<Key, Value>();
    const results: TxExecution[] = new Array(txs.length);
    let missed = false;
    for (const batch of batches) {
      batchesRun++;
      const rs = await Promise.all(batch.map((i) => opts.lanes.run(txs[i], i, (k) => ({ value: state.get(k), version: "base" }), opts.delay)));
      missed = clock.time(() => {
        let miss = false;
        rs.forEach((r, j) => {
          const i = batch[j];
          if (!admitMissed(i, levels[i], preds[i], r, known)) {
            miss = true;
            // A new prediction with the actual accesses joined (the given one may be the policy's, left as it is).
            preds[i] = { reads: new Set([...preds[i].reads, ...r.reads.keys()]), writes: new Set([...preds[i].writes, ...r.writes.keys()]), static: preds[i].static };
          }
        });
        if (miss) return true;
        // Publish in block order (keys are disjoint within a batch, so any order gives the same state).
        for (const [j, r] of rs.entries()) {
          for (const k of r.writes.keys()) if (!undo.has(k)) undo.set(k, state.get(k));
          state.apply(r.writes);
          results[batch[j]] = r;
        }
        return false;
      });
      if (missed) break;
    }
    if (!missed) {
      const stats = blockStats("reorder", results, opts.lanes.executions - before, performance.now() - t0, clock.ms);
      return { results, stats: { ...stats, batches: batchesRun, mispredictions, preExecutions } };
    }
    mispredictions++;
    clock.time(() => state.apply(undo));
    if (mispredictions > MAX_REPLANS) {
      const out = await runSerial(state, txs, opts);
      const executions = opts.lanes.executions - before;
      const stats = blockStats("reorder", out.results, executions, performance.now() - t0, clock.ms + out.stats.schedMs);
      return { results: out.results, stats: { ...stats, batches: batchesRun, mispredictions, preExecutions } };
    }
  }
}

// Deterministic reordering: predicted read/write sets → conflict graph → batches. Transaction j goes
// one level after every earlier transaction it conflicts with (j reads or writes what i writes, or
// writes what i reads), so transactions in one batch share no written key and each batch runs
// concurrently on the state the previous batches left, with all writes published after the batch.
// Conflicting transactions keep block order, so the result equals strict order; the batches are a
// function of the block and the pre-block state alone (no timing enters), hence deterministic.
//
// A prediction can miss (a pre-execution on the pre-block state took another path than the real run).
// After each batch every transaction's actual accesses are checked against its prediction; on a miss
// the block is rolled back (undo log), the actual accesses are added to the prediction, and the block
// is planned again; after MAX_REPLANS misses it runs in strict order.
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

/** The actual accesses stay inside the prediction, as far as conflicts are concerned. */
function covered(p: Prediction, r: TxExecution, predictedWrites: ReadonlySet<Key>): boolean {
  for (const k of r.writes.keys()) if (!p.writes.has(k)) return false;
  // A read outside the prediction matters only if some transaction may write that key.
  for (const k of r.reads.keys()) if (predictedWrites.has(k) && !p.reads.has(k) && !p.writes.has(k)) return false;
  return true;
}

export interface ReorderOptions extends ExecOptions {
  predictor?: Predictor;
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
  for (const tx of txs) preds.push(await predictor.predict(state, tx));
  const preExecutions = opts.lanes.executions - lanesBefore;
  clock.ms += performance.now() - tp;
  const before = opts.lanes.executions;

  let mispredictions = 0;
  let batchesRun = 0;
  for (;;) {
    const { batches, predictedWrites } = clock.time(() => {
      const levels = planLevels(preds);
      const batches: number[][] = [];
      levels.forEach((l, i) => (batches[l] ??= []).push(i));
      const predictedWrites = new Set<Key>();
      for (const p of preds) for (const k of p.writes) predictedWrites.add(k);
      return { batches, predictedWrites };
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
          if (!covered(preds[i], r, predictedWrites)) {
            miss = true;
            for (const k of r.reads.keys()) preds[i].reads.add(k);
            for (const k of r.writes.keys()) preds[i].writes.add(k);
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

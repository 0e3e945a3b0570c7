// The adaptive policy: before each block, estimate its conflict rate and pick an algorithm. Switching
// happens between blocks — every algorithm starts from the committed state and leaves the committed
// state — so the chain never stops and needs no hand-over.
//
// Estimate: the transactions whose accesses are statically decidable (Predictor.predictStatic) give a
// predicted conflict rate among themselves; each of the rest is assumed to conflict at the rate measured
// for its class (callee contract and function selector) the last time that class ran; a class not seen
// yet is probed by pre-executing up to PROBE of its transactions on the pre-block state (their conflict
// rate among themselves). Every algorithm reports which transactions conflicted, from the final
// read/write sets.
// Choice: expected rate ≥ SERIAL_ABOVE → strict order (optimistic would mostly re-execute, reordering
// would produce one transaction per batch); else mostly static → reorder (its predictions cost nothing
// and it never re-executes); else → optimistic.
import { type BlockOutcome, type ExecOptions, type SchedulerName, conflictRate, conflicted, runSerial } from "./block.ts";
import type { Tx } from "./execute.ts";
import { runOptimistic } from "./optimistic.ts";
import { type Prediction, Predictor } from "./predict.ts";
import { runReorder } from "./reorder.ts";
import type { WorldState } from "./state.ts";

export const SERIAL_ABOVE = 0.5;
export const STATIC_FOR_REORDER = 0.9;
/** Transactions of a class not seen before that are pre-executed to estimate its conflict rate. */
export const PROBE = 8;

/** A transaction's class for the conflict history: callee and function selector. */
const classOf = (tx: Tx) => `${tx.to?.toString(16) ?? "create"}:${Buffer.from(tx.data.subarray(0, 4)).toString("hex")}`;

export class AdaptivePolicy {
  /** Conflict rate measured on the last executed block. */
  lastMeasured = 0;
  /** Per class: the fraction of its transactions that conflicted the last time it ran. */
  readonly history = new Map<string, number>();
  constructor(readonly predictor: Predictor) {}

  /** The choice, the expected conflict rate, and the static predictions made (reorder reuses them). */
  async choose(state: WorldState, txs: readonly Tx[]): Promise<{ scheduler: SchedulerName; expected: number; predictions: (Prediction | undefined)[] }> {
    if (txs.length === 0) return { scheduler: "serial", expected: 0, predictions: [] };
    const statics: Prediction[] = [];
    const predictions: (Prediction | undefined)[] = [];
    const unseen = new Map<string, Tx[]>();
    for (const tx of txs) {
      const p = await this.predictor.predictStatic(state, tx);
      predictions.push(p);
      if (p) statics.push(p);
      else if (!this.history.has(classOf(tx))) unseen.set(classOf(tx), [...(unseen.get(classOf(tx)) ?? []), tx]);
    }
    // A class never run before is probed: a few of its transactions, spread over the block, are
    // pre-executed on the pre-block state and their conflict rate among themselves stands in for it.
    const probed = new Map<string, number>();
    for (const [k, cls] of unseen) {
      const sample = Array.from({ length: Math.min(PROBE, cls.length) }, (_, i) => cls[Math.floor((i * cls.length) / Math.min(PROBE, cls.length))]);
      const preds: Prediction[] = [];
      for (const tx of sample) preds.push(await this.predictor.predict(state, tx));
      probed.set(k, conflictRate(preds));
    }
    let dynamicExpected = 0;
    txs.forEach((tx, i) => {
      if (!predictions[i]) dynamicExpected += this.history.get(classOf(tx)) ?? probed.get(classOf(tx)) ?? this.lastMeasured;
    });
    const f = statics.length / txs.length;
    const rate = statics.length ? conflictRate(statics.map((p) => ({ reads: p.reads, writes: p.writes }))) : 0;
    const expected = f * rate + dynamicExpected / txs.length;
    const scheduler: SchedulerName = expected >= SERIAL_ABOVE ? "serial" : f >= STATIC_FOR_REORDER ? "reorder" : "optimistic";
    return { scheduler, expected, predictions };
  }

  observe(txs: readonly Tx[], outcome: BlockOutcome): void {
    this.lastMeasured = outcome.stats.conflictRate;
    const flags = conflicted(outcome.results);
    const per = new Map<string, [number, number]>();
    txs.forEach((tx, i) => {
      const c = per.get(classOf(tx)) ?? [0, 0];
      c[0] += flags[i] ? 1 : 0;
      c[1]++;
      per.set(classOf(tx), c);
    });
    for (const [k, [hit, n]] of per) this.history.set(k, hit / n);
  }
}

export type SchedulerChoice = SchedulerName | "adaptive";

/** Runs one block under `choice` (the policy decides for "adaptive"), committing it to `state`. */
export async function runBlock(state: WorldState, txs: readonly Tx[], choice: SchedulerChoice, opts: ExecOptions & { policy: AdaptivePolicy; workers?: number }): Promise<BlockOutcome> {
  let scheduler: SchedulerName;
  let policyMs = 0;
  let expected: number | undefined;
  let predictions: (Prediction | undefined)[] | undefined;
  if (choice === "adaptive") {
    const t = performance.now();
    ({ scheduler, expected, predictions } = await opts.policy.choose(state, txs));
    policyMs = performance.now() - t;
  } else scheduler = choice;
  const out =
    scheduler === "serial"
      ? await runSerial(state, txs, opts)
      : scheduler === "optimistic"
        ? await runOptimistic(state, txs, opts)
        : await runReorder(state, txs, { ...opts, predictor: opts.policy.predictor, predictions });
  opts.policy.observe(txs, out);
  if (choice === "adaptive") {
    out.stats.schedMs += policyMs;
    out.stats.wallMs += policyMs;
    out.stats.expectedConflictRate = expected;
  }
  return out;
}

// The adaptive policy: before each block, estimate its conflict rate and pick an algorithm. Switching
// happens between blocks — every algorithm starts from the committed state and leaves the committed
// state — so the chain never stops and needs no hand-over.
//
// Estimate. A transaction's class is its callee and function selector. When the block holds the same
// classes as the block just executed, each class is expected to conflict at the rate measured for it
// there (from that block's final read/write sets, which every algorithm reports): nothing is predicted
// or executed. Otherwise the statically decidable transactions (Predictor.predictStatic) give a
// predicted conflict rate among themselves, and each other transaction is expected to conflict at its
// class's last measured rate; a class never run on this chain takes its code's facts (Predictor.classFacts,
// learned once per code and selector for the process): a class whose calls conflict with each other
// (a shared counter, reserves) is expected to conflict on all but its first call, another not at all.
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

/** A transaction's class for the conflict history: callee and function selector (its first four calldata bytes). */
const classOf = (tx: Tx) => {
  const d = tx.data;
  const sel = d.length >= 4 ? ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0 : -d.length - 1;
  return `${tx.to ?? "create"}:${sel}`;
};

function byClass(txs: readonly Tx[]): Map<string, Tx[]> {
  const m = new Map<string, Tx[]>();
  for (const tx of txs) {
    const c = classOf(tx);
    const l = m.get(c);
    if (l) l.push(tx);
    else m.set(c, [tx]);
  }
  return m;
}

const signature = (classes: Map<string, unknown>) => [...classes.keys()].sort().join(",");

export interface PolicyChoice {
  scheduler: SchedulerName;
  expected: number;
  /** Static predictions made on the way, by position (reorder reuses them); undefined when none were made. */
  predictions?: (Prediction | undefined)[];
  /** How the estimate was made: from the previous block's measured rates, or predicted (static pass, code facts). */
  basis: "previous-block" | "predicted";
}

export class AdaptivePolicy {
  /** Conflict rate measured on the last executed block. */
  lastMeasured = 0;
  /** Per class: the fraction of its transactions that conflicted the last time it ran. */
  readonly history = new Map<string, number>();
  /** Per class: whether its transactions are statically predictable. */
  private readonly staticClass = new Map<string, boolean>();
  /** The classes of the last executed block. */
  private lastSignature = "";
  /** The classes of the block being chosen for, kept for `observe` (same transactions, same array). */
  private chosenFor?: { txs: readonly Tx[]; classes: Map<string, Tx[]> };
  constructor(readonly predictor: Predictor) {}

  async choose(state: WorldState, txs: readonly Tx[]): Promise<PolicyChoice> {
    if (txs.length === 0) return { scheduler: "serial", expected: 0, basis: "predicted" };
    const classes = byClass(txs);
    this.chosenFor = { txs, classes };
    const pick = (expected: number, staticShare: number): SchedulerName =>
      expected >= SERIAL_ABOVE ? "serial" : staticShare >= STATIC_FOR_REORDER ? "reorder" : "optimistic";
    if (signature(classes) === this.lastSignature && [...classes.keys()].every((c) => this.history.has(c) && this.staticClass.has(c))) {
      let expected = 0;
      let statics = 0;
      for (const [c, l] of classes) {
        expected += this.history.get(c)! * l.length;
        if (this.staticClass.get(c)) statics += l.length;
      }
      expected /= txs.length;
      return { scheduler: pick(expected, statics / txs.length), expected, basis: "previous-block" };
    }
    const statics: Prediction[] = [];
    const predictions: (Prediction | undefined)[] = [];
    for (const tx of txs) {
      const p = await this.predictor.predictStatic(state, tx);
      predictions.push(p);
      if (p) statics.push(p);
    }
    let dynamicExpected = 0;
    let i = 0;
    const position = new Map<Tx, number>(txs.map((tx) => [tx, i++]));
    for (const [c, l] of classes) {
      const isStatic = predictions[position.get(l[0])!] !== undefined;
      this.staticClass.set(c, isStatic);
      if (isStatic) continue;
      const seen = this.history.get(c);
      if (seen !== undefined) dynamicExpected += seen * l.length;
      else {
        const facts = await this.predictor.classFacts(state, l);
        dynamicExpected += facts ? (facts.conflicting ? l.length - 1 : 0) : this.lastMeasured * l.length;
      }
    }
    const f = statics.length / txs.length;
    const rate = statics.length ? conflictRate(statics) : 0;
    const expected = f * rate + dynamicExpected / txs.length;
    return { scheduler: pick(expected, f), expected, predictions, basis: "predicted" };
  }

  observe(txs: readonly Tx[], outcome: BlockOutcome): void {
    this.lastMeasured = outcome.stats.conflictRate;
    const flags = conflicted(outcome.results);
    const classes = this.chosenFor?.txs === txs ? this.chosenFor.classes : byClass(txs);
    this.chosenFor = undefined;
    const index = new Map<Tx, number>();
    txs.forEach((tx, i) => index.set(tx, i));
    for (const [c, l] of classes) {
      let hit = 0;
      for (const tx of l) if (flags[index.get(tx)!]) hit++;
      this.history.set(c, hit / l.length);
    }
    this.lastSignature = signature(classes);
  }
}

export type SchedulerChoice = SchedulerName | "adaptive";

/** Runs one block under `choice` (the policy decides for "adaptive"), committing it to `state`. */
export async function runBlock(state: WorldState, txs: readonly Tx[], choice: SchedulerChoice, opts: ExecOptions & { policy: AdaptivePolicy; workers?: number }): Promise<BlockOutcome> {
  let scheduler: SchedulerName;
  let policyMs = 0;
  let chosen: PolicyChoice | undefined;
  if (choice === "adaptive") {
    const t = performance.now();
    chosen = await opts.policy.choose(state, txs);
    scheduler = chosen.scheduler;
    policyMs = performance.now() - t;
  } else scheduler = choice;
  const out =
    scheduler === "serial"
      ? await runSerial(state, txs, opts)
      : scheduler === "optimistic"
        ? await runOptimistic(state, txs, opts)
        : await runReorder(state, txs, { ...opts, predictor: opts.policy.predictor, predictions: chosen?.predictions });
  const t = performance.now();
  opts.policy.observe(txs, out);
  if (chosen) {
    // The policy's own time, learning from the block included, is scheduling time.
    policyMs += performance.now() - t;
    out.stats.schedMs += policyMs;
    out.stats.wallMs += policyMs;
    out.stats.expectedConflictRate = chosen.expected;
    out.stats.estimate = chosen.basis;
  }
  return out;
}

// Optimistic parallel execution after Block-STM (Gelashvili et al., "Block-STM: Scaling Blockchain
// Execution by Turning Ordering Curse to a Performance Blessing", PPoPP 2023): multi-version memory,
// a collaborative scheduler of execution and validation tasks, and re-execution of only the
// transactions whose read set was invalidated (fine-grained rollback: an aborted transaction's writes
// become ESTIMATE markers, so only readers of those keys wait or re-run).
//
// Concurrency model: `workers` asynchronous tasks on one thread, each with its own EVM. A task runs
// until it awaits (every state read is an await point, and tests inject random delays there), so
// executions interleave at every read in an order the scheduler does not control — the nondeterminism
// Block-STM must tolerate. Scheduler steps between awaits are atomic, which stands in for the paper's
// atomics and locks. This gives Block-STM's interleavings but not multi-core speedup (spec/exec.md).
import { type BlockOutcome, type ExecOptions, blockStats } from "./block.ts";
import { type Tx, type TxExecution, DependencyAbort, SchedClock } from "./execute.ts";
import { type Key, type ReadResult, type Value, type Version, WorldState } from "./state.ts";

interface Entry {
  incarnation: number;
  value: Value;
  estimate: boolean;
}

/** Multi-version memory: for each key, the value each transaction wrote (its latest incarnation). */
class MVMemory {
  private data = new Map<Key, Map<number, Entry>>();
  private lastWritten: Set<Key>[];
  readonly lastReads: (Map<Key, ReadResult> | undefined)[];
  readonly results: (TxExecution | undefined)[];

  constructor(
    private readonly base: WorldState,
    n: number,
  ) {
    this.lastWritten = Array.from({ length: n }, () => new Set());
    this.lastReads = new Array(n);
    this.results = new Array(n);
  }

  /** The value transaction `tx` sees: the highest writer below it, or the pre-block state. */
  read(k: Key, tx: number): ReadResult {
    const m = this.data.get(k);
    let best = -1;
    if (m) for (const j of m.keys()) if (j < tx && j > best) best = j;
    if (best < 0) return { value: this.base.get(k), version: "base" };
    const e = m!.get(best)!;
    if (e.estimate) throw new DependencyAbort(best);
    return { value: e.value, version: { tx: best, incarnation: e.incarnation } };
  }

  /** Publishes an incarnation's writes; true when it wrote a key its previous incarnation did not. */
  record(tx: number, incarnation: number, r: TxExecution): boolean {
    const prev = this.lastWritten[tx];
    let fresh = false;
    for (const [k, value] of r.writes) {
      let m = this.data.get(k);
      if (!m) this.data.set(k, (m = new Map()));
      m.set(tx, { incarnation, value, estimate: false });
      if (!prev.has(k)) fresh = true;
    }
    for (const k of prev) if (!r.writes.has(k)) this.data.get(k)!.delete(tx);
    this.lastWritten[tx] = new Set(r.writes.keys());
    this.lastReads[tx] = r.reads;
    this.results[tx] = r;
    return fresh;
  }

  convertWritesToEstimates(tx: number): void {
    for (const k of this.lastWritten[tx]) this.data.get(k)!.get(tx)!.estimate = true;
  }

  /** Every read still sees the same version it saw when the transaction ran. */
  validateReadSet(tx: number): boolean {
    for (const [k, seen] of this.lastReads[tx]!) {
      let now: ReadResult;
      try {
        now = this.read(k, tx);
      } catch (e) {
        if (e instanceof DependencyAbort) return false;
        throw e;
      }
      if (!sameVersion(now.version, seen.version)) return false;
    }
    return true;
  }

  /** The block's final writes, highest writer per key. */
  snapshot(): Map<Key, Value> {
    const out = new Map<Key, Value>();
    for (const [k, m] of this.data) {
      let best = -1;
      for (const j of m.keys()) if (j > best) best = j;
      if (best >= 0) out.set(k, m.get(best)!.value);
    }
    return out;
  }
}

const sameVersion = (a: Version, b: Version) => (a === "base" || b === "base" ? a === b : a.tx === b.tx && a.incarnation === b.incarnation);

type Status = "ready" | "executing" | "executed" | "aborting";
type Task = { kind: "execute" | "validate"; tx: number; incarnation: number } | undefined;

/** Block-STM's collaborative scheduler (the paper's Algorithms 4 and 5). */
class Scheduler {
  executionIdx = 0;
  validationIdx = 0;
  decreaseCnt = 0;
  activeTasks = 0;
  done = false;
  readonly status: { incarnation: number; status: Status }[];
  readonly dependents: number[][];

  constructor(readonly n: number) {
    this.status = Array.from({ length: n }, () => ({ incarnation: 0, status: "ready" as Status }));
    this.dependents = Array.from({ length: n }, () => []);
  }

  private decreaseExecutionIdx(t: number) {
    this.executionIdx = Math.min(this.executionIdx, t);
    this.decreaseCnt++;
  }
  private decreaseValidationIdx(t: number) {
    this.validationIdx = Math.min(this.validationIdx, t);
    this.decreaseCnt++;
  }
  private checkDone() {
    if (Math.min(this.executionIdx, this.validationIdx) >= this.n && this.activeTasks === 0) this.done = true;
  }
  private tryIncarnate(tx: number): Task {
    if (tx < this.n && this.status[tx].status === "ready") {
      this.status[tx].status = "executing";
      return { kind: "execute", tx, incarnation: this.status[tx].incarnation };
    }
    this.activeTasks--;
    return undefined;
  }
  private nextToExecute(): Task {
    if (this.executionIdx >= this.n) {
      this.checkDone();
      return undefined;
    }
    this.activeTasks++;
    return this.tryIncarnate(this.executionIdx++);
  }
  private nextToValidate(): Task {
    if (this.validationIdx >= this.n) {
      this.checkDone();
      return undefined;
    }
    this.activeTasks++;
    const tx = this.validationIdx++;
    if (tx < this.n && this.status[tx].status === "executed") return { kind: "validate", tx, incarnation: this.status[tx].incarnation };
    this.activeTasks--;
    return undefined;
  }
  nextTask(): Task {
    return this.validationIdx < this.executionIdx ? this.nextToValidate() : this.nextToExecute();
  }
  /** The reader `tx` hit an ESTIMATE of `blocking`: park it until `blocking` has run again (false if it already has). */
  addDependency(tx: number, blocking: number): boolean {
    if (this.status[blocking].status === "executed") return false;
    this.status[tx].status = "aborting";
    this.dependents[blocking].push(tx);
    this.activeTasks--;
    return true;
  }
  private setReady(tx: number) {
    this.status[tx] = { incarnation: this.status[tx].incarnation + 1, status: "ready" };
  }
  finishExecution(tx: number, incarnation: number, wroteNewKey: boolean): Task {
    this.status[tx].status = "executed";
    const deps = this.dependents[tx].splice(0);
    if (deps.length) {
      for (const d of deps) this.setReady(d);
      this.decreaseExecutionIdx(Math.min(...deps));
    }
    if (this.validationIdx > tx) {
      if (wroteNewKey) this.decreaseValidationIdx(tx);
      else return { kind: "validate", tx, incarnation };
    }
    this.activeTasks--;
    return undefined;
  }
  tryValidationAbort(tx: number, incarnation: number): boolean {
    const s = this.status[tx];
    if (s.incarnation === incarnation && s.status === "executed") {
      s.status = "aborting";
      return true;
    }
    return false;
  }
  finishValidation(tx: number, aborted: boolean): Task {
    if (aborted) {
      this.setReady(tx);
      this.decreaseValidationIdx(tx + 1);
      if (this.executionIdx > tx) {
        const t = this.tryIncarnate(tx);
        if (t) return t;
        // tryIncarnate already released the task slot.
        return undefined;
      }
    }
    this.activeTasks--;
    return undefined;
  }
}

export interface OptimisticOptions extends ExecOptions {
  /** Concurrent workers (each takes a lane; at most the lanes' size run at once). */
  workers?: number;
}

export async function runOptimistic(state: WorldState, txs: readonly Tx[], opts: OptimisticOptions): Promise<BlockOutcome> {
  const t0 = performance.now();
  const clock = new SchedClock();
  const before = opts.lanes.executions;
  const n = txs.length;
  const mv = new MVMemory(state, n);
  const sched = new Scheduler(n);

  // An unexpected error in one worker stops the others (they would otherwise wait on its task forever).
  let failed = false;
  const worker = async () => {
    let task: Task;
    while (!sched.done && !failed) {
      if (!task) {
        task = clock.time(() => sched.nextTask());
        if (!task) {
          // Nothing to take now; others' executions are in flight. Yield so they progress.
          await new Promise<void>((r) => setImmediate(r));
          continue;
        }
      }
      const cur: NonNullable<Task> = task;
      if (cur.kind === "execute") {
        let r: TxExecution | DependencyAbort;
        try {
          r = await opts.lanes.run(txs[cur.tx], cur.tx, (k) => mv.read(k, cur.tx), opts.delay);
        } catch (e) {
          if (!(e instanceof DependencyAbort)) throw e;
          r = e;
        }
        const res = r;
        task = clock.time((): Task => {
          if (res instanceof DependencyAbort) {
            // Parked: it is re-scheduled when the blocking transaction finishes. If that already
            // happened, run the same incarnation again at once.
            return sched.addDependency(cur.tx, res.blocking) ? undefined : cur;
          }
          const fresh = mv.record(cur.tx, cur.incarnation, res);
          return sched.finishExecution(cur.tx, cur.incarnation, fresh);
        });
      } else {
        task = clock.time((): Task => {
          const valid = mv.validateReadSet(cur.tx);
          const aborted = !valid && sched.tryValidationAbort(cur.tx, cur.incarnation);
          if (aborted) mv.convertWritesToEstimates(cur.tx);
          return sched.finishValidation(cur.tx, aborted);
        });
      }
    }
  };
  const workers = Math.max(1, opts.workers ?? opts.lanes.size);
  await Promise.all(
    Array.from({ length: workers }, () =>
      worker().catch((e) => {
        failed = true;
        throw e;
      }),
    ),
  );
  const results = mv.results.map((r, i) => {
    if (!r) throw new Error(`internal: transaction ${i} never executed`);
    return r;
  });
  clock.time(() => state.apply(mv.snapshot()));
  return { results, stats: blockStats("optimistic", results, opts.lanes.executions - before, performance.now() - t0, clock.ms) };
}

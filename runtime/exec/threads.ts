// Execution lanes in worker threads: each worker owns an EVM; the scheduler (multi-version memory,
// validation, planning) stays on this thread, and every state read an execution makes is a message
// round trip answered here. Any scheduler runs unchanged over these lanes: it hands them the same
// `reader` it would use in-thread, so executions run truly in parallel on as many cores as there are.
import { Worker } from "node:worker_threads";
import { DependencyAbort, type Delay, type ExecLanes, type Tx, type TxExecution } from "./execute.ts";
import type { Reader } from "./state.ts";
import type { FromWorker, ToWorker } from "./lane-worker.ts";

interface Slot {
  worker: Worker;
  onMessage?: (m: FromWorker) => void;
  onError?: (e: Error) => void;
}

export class ThreadLanes implements ExecLanes {
  executions = 0;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly slots: Slot[],
    private free: Slot[],
  ) {}

  get size(): number {
    return this.slots.length;
  }

  static async create(size: number): Promise<ThreadLanes> {
    const slots = await Promise.all(
      Array.from({ length: size }, async () => {
        const worker = new Worker(new URL("./lane-worker.mjs", import.meta.url), { execArgv: [] });
        const slot: Slot = { worker };
        worker.on("message", (m: FromWorker) => slot.onMessage?.(m));
        // A worker that dies fails the execution it was running instead of leaving it pending.
        worker.on("error", (e) => slot.onError?.(e));
        worker.on("exit", (code) => slot.onError?.(new Error(`internal: lane worker exited (${code})`)));
        await new Promise<void>((resolve, reject) => {
          slot.onMessage = (m) => (m.type === "ready" ? resolve() : reject(new Error(`internal: lane worker said ${m.type} first`)));
          worker.once("error", reject);
        });
        worker.unref();
        return slot;
      }),
    );
    return new ThreadLanes(slots, [...slots]);
  }

  async run(tx: Tx, index: number, reader: Reader, delay?: Delay): Promise<TxExecution> {
    while (this.free.length === 0) await new Promise<void>((r) => this.waiters.push(r));
    const slot = this.free.pop()!;
    this.executions++;
    const send = (m: ToWorker) => slot.worker.postMessage(m);
    slot.worker.ref();
    try {
      return await new Promise<TxExecution>((resolve, reject) => {
        slot.onError = reject;
        slot.onMessage = async (m) => {
          if (m.type === "read") {
            try {
              if (delay) await delay(index);
              send({ type: "value", rid: m.rid, result: await reader(m.key) });
            } catch (e) {
              if (e instanceof DependencyAbort) send({ type: "abort", rid: m.rid, blocking: e.blocking });
              else reject(e as Error);
            }
          } else if (m.type === "done") resolve(m.result);
          else if (m.type === "aborted") reject(new DependencyAbort(m.blocking));
          else if (m.type === "error") reject(new Error(`internal: lane worker: ${m.error}`));
        };
        send({ type: "run", tx, index });
      });
    } finally {
      slot.onMessage = undefined;
      slot.onError = undefined;
      slot.worker.unref();
      this.free.push(slot);
      this.waiters.shift()?.();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

// Execution lanes in worker threads: each lane is a runtime/pool channel (Pool.open) running lane-task.ts,
// which owns an EVM; the scheduler (multi-version memory, validation, planning) stays on this thread, and
// every state read an execution makes is a message round trip answered here. Any scheduler runs unchanged
// over these lanes: it hands them the same `reader` it would use in-thread, so executions run truly in
// parallel on as many cores as there are.
import { getPool, poolTask, type PoolChannel } from "../pool/index.ts";
import { DependencyAbort, type Delay, type ExecLanes, type Tx, type TxExecution } from "./execute.ts";
import type { Reader } from "./state.ts";
import type { FromLane, ToLane } from "./lane-task.ts";

const LANE_TASK = poolTask<{ port: import("node:worker_threads").MessagePort }, void>(new URL("./lane-task.ts", import.meta.url), "lane");

interface Slot {
  channel: PoolChannel<void>;
  onMessage?: (m: FromLane) => void;
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
    const pool = getPool(size);
    const slots = await Promise.all(
      Array.from({ length: size }, async () => {
        const channel = pool.open(LANE_TASK, {});
        const slot: Slot = { channel };
        channel.port.on("message", (m: FromLane) => slot.onMessage?.(m));
        // A lane whose worker dies or whose task ends fails the execution it was running instead of leaving it pending.
        channel.done.then(
          () => slot.onError?.(new Error("internal: lane task ended")),
          (e: Error) => slot.onError?.(e),
        );
        channel.ref();
        try {
          await new Promise<void>((resolve, reject) => {
            slot.onMessage = (m) => (m.type === "ready" ? resolve() : reject(new Error(`internal: lane said ${m.type} first`)));
            slot.onError = reject;
          });
        } finally {
          channel.unref();
        }
        return slot;
      }),
    );
    return new ThreadLanes(slots, [...slots]);
  }

  async run(tx: Tx, index: number, reader: Reader, delay?: Delay): Promise<TxExecution> {
    while (this.free.length === 0) await new Promise<void>((r) => this.waiters.push(r));
    const slot = this.free.pop()!;
    this.executions++;
    const send = (m: ToLane) => slot.channel.port.postMessage(m);
    slot.channel.ref();
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
          else if (m.type === "error") reject(new Error(`internal: lane: ${m.error}`));
        };
        send({ type: "run", tx, index });
      });
    } finally {
      slot.onMessage = undefined;
      slot.onError = undefined;
      slot.channel.unref();
      this.free.push(slot);
      this.waiters.shift()?.();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.channel.close()));
  }
}

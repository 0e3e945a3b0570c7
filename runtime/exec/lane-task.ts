// Task side of ThreadLanes, run by runtime/pool as a channel (Pool.open): one EVM (an in-thread Lanes of
// size 1) whose state reads are messages to the scheduler's thread, which answers each from the committed
// state or the multi-version memory — or with an abort (the read hit an ESTIMATE), which unwinds the EVM
// as DependencyAbort does in-thread. The task lives until its port closes.
import type { MessagePort } from "node:worker_threads";
import { DependencyAbort, Lanes, type Tx, type TxExecution } from "./execute.ts";
import type { ReadResult } from "./state.ts";

export type ToLane =
  | { type: "run"; tx: Tx; index: number }
  | { type: "value"; rid: number; result: ReadResult }
  | { type: "abort"; rid: number; blocking: number };
export type FromLane =
  | { type: "ready" }
  | { type: "read"; rid: number; key: string }
  | { type: "done"; result: TxExecution }
  | { type: "aborted"; blocking: number }
  | { type: "error"; error: string };

export async function lane({ port }: { port: MessagePort }): Promise<void> {
  const post = (m: FromLane) => port.postMessage(m);
  const lanes = await Lanes.create(1);
  const pending = new Map<number, { resolve: (r: ReadResult) => void; reject: (e: Error) => void }>();
  let seq = 0;
  port.on("message", async (m: ToLane) => {
    if (m.type === "value" || m.type === "abort") {
      const p = pending.get(m.rid)!;
      pending.delete(m.rid);
      if (m.type === "value") p.resolve(m.result);
      else p.reject(new DependencyAbort(m.blocking));
      return;
    }
    try {
      const result = await lanes.run(m.tx, m.index, (key) =>
        new Promise<ReadResult>((resolve, reject) => {
          const rid = seq++;
          pending.set(rid, { resolve, reject });
          post({ type: "read", rid, key });
        }),
      );
      post({ type: "done", result });
    } catch (e) {
      if (e instanceof DependencyAbort) post({ type: "aborted", blocking: e.blocking });
      else post({ type: "error", error: String((e as Error)?.stack ?? e) });
    }
  });
  const closed = new Promise<void>((resolve) => port.once("close", resolve));
  post({ type: "ready" });
  await closed;
}

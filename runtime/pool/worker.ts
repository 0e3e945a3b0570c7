// Worker side of the runtime pool: imports each task module once (its state lives as long as the worker)
// and calls the named task with the job's argument. A returned Uint32Array goes back (its buffer
// transferred unless shared); a task that writes into shared memory returns nothing.
import { parentPort } from "node:worker_threads";
import type { PoolRequest } from "./index.ts";

type TaskModule = Record<string, (args: unknown) => Uint32Array | void>;
const modules = new Map<string, Promise<TaskModule>>();
const EMPTY = new Uint32Array(0);

parentPort!.on("message", async (req: PoolRequest) => {
  try {
    let m = modules.get(req.module);
    if (!m) modules.set(req.module, (m = import(req.module) as Promise<TaskModule>));
    const task = (await m)[req.name];
    if (typeof task !== "function") throw new Error(`no task \`${req.name}\` in ${req.module}`);
    const result = task(req.args) ?? EMPTY;
    parentPort!.postMessage({ result }, result.buffer instanceof ArrayBuffer && result.byteLength ? [result.buffer] : []);
  } catch (err) {
    parentPort!.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
});

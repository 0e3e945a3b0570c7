// Worker side of the runtime pool: imports each task module once (its state lives as long as the worker)
// and calls the named task with the job's argument. What it returns goes back, the buffers of typed arrays
// (the value itself or its fields) transferred unless shared; a task that writes into shared memory
// returns nothing (an empty Uint32Array goes back). A task may return a promise; its result goes back
// when it settles.
import { parentPort } from "node:worker_threads";
import type { PoolRequest } from "./index.ts";

type TaskModule = Record<string, (args: unknown) => unknown>;
const modules = new Map<string, Promise<TaskModule>>();
const EMPTY = new Uint32Array(0);

parentPort!.on("message", async (req: PoolRequest) => {
  try {
    let m = modules.get(req.module);
    if (!m) modules.set(req.module, (m = load(req.module)));
    const task = (await m)[req.name];
    if (typeof task !== "function") throw new Error(`no task \`${req.name}\` in ${req.module}`);
    // A task may be asynchronous (a channel's task runs until its conversation ends).
    const result = (await task(req.args)) ?? EMPTY;
    parentPort!.postMessage({ result }, transferable(result));
  } catch (err) {
    parentPort!.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
});

/**
 * The task module at `url`. A bundled payload run by plain node (scripts/device-gpu.sh) cannot load
 * TypeScript: there each task module is bundled as `<name>.mjs` beside the worker, and is loaded instead.
 */
async function load(url: string): Promise<TaskModule> {
  try {
    return (await import(url)) as TaskModule;
  } catch (e) {
    if (!url.endsWith(".ts")) throw e;
    return (await import(url.slice(0, -3) + ".mjs").catch(() => Promise.reject(e))) as TaskModule;
  }
}

/** Non-shared buffers of the typed arrays in `v` (itself, or its own fields): moved, not copied. */
function transferable(v: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (x: unknown) => {
    if (ArrayBuffer.isView(x) && x.buffer instanceof ArrayBuffer && x.byteLength) out.add(x.buffer);
  };
  add(v);
  if (v && typeof v === "object" && !ArrayBuffer.isView(v)) for (const x of Object.values(v)) add(x);
  return [...out];
}

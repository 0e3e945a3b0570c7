// runtime/pool: tasks addressed by module URL run in worker threads, keep module state per worker, send
// results back (typed arrays moved), write shared memory, and fail with the task's own message.
import { describe, it, expect } from "vitest";
import { Pool, poolTask } from "../../runtime/pool/index.ts";

const MOD = new URL("./pool-tasks.ts", import.meta.url);
const SUM = poolTask<{ xs: Int32Array }, { total: Int32Array; calls: number }>(MOD, "sum");
const STORE = poolTask<{ out: Int32Array; at: number; value: number }>(MOD, "store");

describe("runtime/pool", () => {
  it("runs a task in a worker that keeps its module state between jobs", async () => {
    const pool = new Pool(1);
    const xs = Int32Array.of(1, 2, 3, 4);
    const a = await pool.run(SUM, { xs }, [xs.buffer]);
    expect(xs.length).toBe(0); // moved, not copied
    const b = await pool.run(SUM, { xs: Int32Array.of(10, -3) });
    expect([a.total[0], a.calls, b.total[0], b.calls]).toEqual([10, 1, 7, 2]);
  });

  it("tasks on several workers write disjoint parts of shared memory", async () => {
    const pool = new Pool(3);
    const out = new Int32Array(new SharedArrayBuffer(6 * 4));
    const r = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.run(STORE, { out, at: i, value: 100 + i })));
    expect([...out]).toEqual([100, 101, 102, 103, 104, 105]);
    expect(r.every((x) => x instanceof Uint32Array && x.length === 0)).toBe(true);
  });

  it("a failing task rejects with its message; a missing task is named", async () => {
    const pool = new Pool(1);
    await expect(pool.run(poolTask<void>(MOD, "fail"), undefined)).rejects.toThrow(/boom in a pool task/);
    await expect(pool.run(poolTask<void>(MOD, "nope"), undefined)).rejects.toThrow(/no task `nope`/);
    // The worker survives a failed job.
    expect((await pool.run(SUM, { xs: Int32Array.of(5) })).total[0]).toBe(5);
  });

  it("a channel runs a long-lived task on its own worker, talking over its port, beside ordinary jobs", async () => {
    const pool = new Pool(1);
    const DOUBLER = poolTask<{ port: import("node:worker_threads").MessagePort; offset: number }, string>(MOD, "doubler");
    const ch = pool.open(DOUBLER, { offset: 1 });
    ch.ref();
    const ask = (x: number) => new Promise<{ y: number; served: number }>((r) => (ch.port.once("message", r), ch.port.postMessage(x)));
    expect(await ask(5)).toEqual({ y: 11, served: 1 });
    // The channel's worker is not one of the pool's: a job still runs on the pool's single worker.
    expect((await pool.run(SUM, { xs: Int32Array.of(2, 2) })).total[0]).toBe(4);
    expect(await ask(-3)).toEqual({ y: -5, served: 2 });
    ch.port.postMessage("stop");
    expect(await ch.done).toBe("served 2");
    // A closed channel's task is cut off and its `done` rejects.
    const cut = pool.open(DOUBLER, { offset: 0 });
    await cut.close();
    await expect(cut.done).rejects.toThrow(/exited/);
  });
});

// Task module for test/runtime/pool.test.ts, loaded by runtime/pool's workers.
let calls = 0;

/** Sums `xs` into a fresh array (transferred back) and counts the calls this worker has served. */
export function sum(args: { xs: Int32Array }): { total: Int32Array; calls: number } {
  calls++;
  return { total: Int32Array.of(args.xs.reduce((a, b) => a + b, 0)), calls };
}

/** Writes `value` at `at` of a shared array and returns nothing. */
export function store(args: { out: Int32Array; at: number; value: number }): void {
  args.out[args.at] = args.value;
}

export function fail(): never {
  throw new Error("boom in a pool task");
}

/** A conversation: doubles each number it is sent, remembering how many it has served, until the port closes. */
export async function doubler({ port, offset }: { port: import("node:worker_threads").MessagePort; offset: number }): Promise<string> {
  let served = 0;
  await new Promise<void>((resolve) => {
    port.on("message", (x: number | "stop") => {
      if (x === "stop") return resolve();
      port.postMessage({ y: 2 * x + offset, served: ++served });
    });
  });
  return `served ${served}`;
}

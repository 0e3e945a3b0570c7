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

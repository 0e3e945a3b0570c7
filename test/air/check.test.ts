// The mock AIR checker on a Fibonacci chip that sends its result on a bus: a good trace passes, a
// tampered cell fails the named constraint, and an unbalanced bus is reported.
import { describe, it, expect } from "vitest";
import { add, col, cnst, first, mul, sub, transition, type Air, type ChipTrace } from "../../runtime/air/index.ts";
import { checkAir } from "../../runtime/air/check.ts";

const fib: Air = {
  chips: [
    {
      name: "fib",
      columns: ["a", "b", "out"],
      constraints: [
        mul(first, sub(col(0), cnst(1))),
        mul(first, sub(col(1), cnst(1))),
        mul(transition, sub(col(0, true), col(1))),
        mul(transition, sub(col(1, true), add(col(0), col(1)))),
      ],
      // the last row's b is sent as the output: out is 1 on that row only
      interactions: [{ bus: "out", values: [col(1)], multiplicity: col(2) }],
    },
  ],
};

function trace(): ChipTrace {
  const rows: bigint[][] = [];
  let [a, b] = [1n, 1n];
  for (let i = 0; i < 8; i++) {
    rows.push([a, b, i === 7 ? 1n : 0n]);
    [a, b] = [b, a + b];
  }
  return { chip: "fib", rows };
}

describe("runtime/air checkAir", () => {
  it("accepts the honest trace with its boundary term", () => {
    expect(checkAir(fib, [trace()], { boundary: [{ bus: "out", values: [34n], multiplicity: -1n }] })).toEqual([]);
  });
  it("names the constraint and row of a tampered cell", () => {
    const t = trace();
    t.rows[3][1] += 1n;
    const f = checkAir(fib, [t], { boundary: [{ bus: "out", values: [34n], multiplicity: -1n }] });
    expect(f.some((x) => x.constraint === 3 && x.row === 2)).toBe(true);
  });
  it("reports a bus left unbalanced by a wrong claimed output", () => {
    const f = checkAir(fib, [trace()], { boundary: [{ bus: "out", values: [35n], multiplicity: -1n }] });
    expect(f.map((x) => x.bus)).toEqual(["out", "out"]);
  });
});

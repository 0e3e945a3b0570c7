// MockProver failures name the constraint, the source span (path:line:col) and the row.
import { describe, it, expect } from "vitest";
import { FileManager } from "../../base/files/index.ts";
import { MockProver, Circuit, Expression, emptyWitness, stats, usableRows } from "../../runtime/plonk/index.ts";
import { fibonacci, range8 } from "./circuits.ts";

const SRC = `circuit Fib(pub result: F) {
    let (a, b) = (b, a + b);
    lookup v in range8;
}
`;

function files() {
  const fm = new FileManager();
  const f = fm.add("examples/fib.cwl", SRC);
  return { fm, f, fileOf: (id: number) => fm.get(id) };
}

describe("MockProver", () => {
  it("names the gate, its source location and the row", () => {
    const { f, fileOf } = files();
    const start = SRC.indexOf("let (a, b)");
    const bad = fibonacci(10, { file: f.id, start, end: start + 10 });
    bad.witness.advice[0][4] = 99n;
    const msgs = MockProver.run(bad.circuit, bad.witness, { fileOf }).messages();
    expect(msgs).toContain(`examples/fib.cwl:2:5: gate "fib-step" (a' = b) is not satisfied at row 3`);
    expect(msgs).toContain(`examples/fib.cwl:2:5: gate "fib-step" (b' = a + b) is not satisfied at row 4`);
  });

  it("names a failing lookup with its span and row", () => {
    const { f, fileOf } = files();
    const start = SRC.indexOf("lookup");
    const { circuit, witness } = range8([1n, 2n, 3n, 1000n], { file: f.id, start, end: start + 6 });
    expect(MockProver.run(circuit, witness, { fileOf }).messages()).toEqual([
      'examples/fib.cwl:3:5: lookup "range8" at row 3: input (1000) is not in the table',
    ]);
  });

  it("catches a gate that reads into the random blinding rows", () => {
    const c = new Circuit("reads-past-end");
    const a = c.adviceColumn("a");
    c.createGate("two-ahead-is-zero", [Expression.query(a, 2)]);
    c.touch(0);
    const m = MockProver.run(c, emptyWitness(c));
    // Row usable−1 reads row usable+1, the first blinding row, which holds a random value.
    expect(m.messages()).toEqual([`gate "two-ahead-is-zero" (poly 0) is not satisfied at row ${usableRows(c, m.k) - 1}`]);
  });

  it("reports the circuit's size", () => {
    const { circuit } = fibonacci(10);
    expect(stats(circuit)).toMatchObject({ rows: 11, advice: 3, fixed: 2, instance: 1, selectors: 2, gates: 2, copies: 3, maxDegree: 4 });
  });
});

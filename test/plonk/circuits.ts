// Hand-built circuits for the proof-system tests (no compiler needed).
import { Circuit, Expression, emptyWitness, type Witness } from "../../runtime/plonk/index.ts";
import type { Span } from "../../base/diagnostics/index.ts";
import { configurePoseidon, assignPermutation } from "../../backends/plonkish/poseidon.ts";

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/**
 * Fibonacci with a public result: rows hold (a, b) with a' = b, b' = a + b (rotation +1), a
 * multiplication gate c = a·b checked on the last row, and the result copied to the instance.
 */
export function fibonacci(steps: number, span?: Span) {
  const c = new Circuit("fibonacci");
  const a = c.adviceColumn("a");
  const b = c.adviceColumn("b");
  const out = c.adviceColumn("out");
  const qStep = c.selector("q_step");
  const qMul = c.selector("q_mul");
  const inst = c.instanceColumn("result");
  c.enableEquality(a);
  c.enableEquality(b);
  c.enableEquality(out);
  const A = Expression.query(a);
  const B = Expression.query(b);
  c.createGate(
    "fib-step",
    [Expression.query(qStep).mul(Expression.query(a, 1).sub(B)), Expression.query(qStep).mul(Expression.query(b, 1).sub(A.add(B)))],
    { span, polyNames: ["a' = b", "b' = a + b"] },
  );
  c.createGate("mul", [Expression.query(qMul).mul(A.mul(B).sub(Expression.query(out)))]);
  for (let r = 0; r < steps; r++) c.enable(qStep, r);
  c.enable(qMul, steps);
  c.copy({ column: out, row: steps }, { column: inst, row: 0 }, { name: "publish" });
  // The first row is public too: a = b = 1 via copies to instance rows 1 and 2.
  c.copy({ column: a, row: 0 }, { column: inst, row: 1 }, { name: "a0" });
  c.copy({ column: b, row: 0 }, { column: inst, row: 2 }, { name: "b0" });
  const w = emptyWitness(c);
  let x = 1n,
    y = 1n;
  for (let r = 0; r <= steps; r++) {
    w.advice[0][r] = x;
    w.advice[1][r] = y;
    [x, y] = [y, (x + y) % R];
  }
  w.advice[2][steps] = (w.advice[0][steps] * w.advice[1][steps]) % R;
  w.instance[0] = [w.advice[2][steps], 1n, 1n];
  return { circuit: c, witness: w };
}

/** Range check by lookup: every value in `vals` must lie in [0, 256). */
export function range8(vals: bigint[], span?: Span): { circuit: Circuit; witness: Witness } {
  const c = new Circuit("range8");
  const v = c.adviceColumn("v");
  const q = c.selector("q_range");
  const table = c.fixedColumn("range8");
  for (let i = 0; i < 256; i++) c.assignFixed(table, i, i);
  c.lookup("range8", [Expression.query(q).mul(Expression.query(v))], [Expression.query(table)], { span });
  const w = emptyWitness(c);
  vals.forEach((x, r) => {
    c.enable(q, r);
    w.advice[0][r] = x;
  });
  return { circuit: c, witness: w };
}

/**
 * A chain of Poseidon(2) hashes: h_0 = x (private), h_{i+1} = Poseidon(h_i, h_i), h_N public — the
 * same computation as bench/plonk's circom circuit. The capacity element is pinned to 0 by a gate.
 */
export function poseidonChain(hashes: number, x = 7n) {
  const c = new Circuit(`poseidon-chain-${hashes}`);
  const chip = configurePoseidon(c, 3);
  const qInit = c.selector("q_init");
  c.createGate("capacity-zero", [Expression.query(qInit).mul(Expression.query(chip.state[0]))]);
  const out = c.instanceColumn("h_n");
  const w = emptyWitness(c);
  let row = 0;
  let h = x;
  let prevOut = -1;
  for (let i = 0; i < hashes; i++) {
    c.enable(qInit, row);
    if (prevOut >= 0) {
      c.copy({ column: chip.state[0], row: prevOut }, { column: chip.state[1], row }, { name: `chain ${i}` });
    }
    c.copy({ column: chip.state[1], row }, { column: chip.state[2], row }, { name: `dup ${i}` });
    const res = assignPermutation(chip, c, w, row, [0n, h, h]);
    h = res.output[0];
    prevOut = row + res.rows - 1;
    row += res.rows;
  }
  c.copy({ column: chip.state[0], row: prevOut }, { column: out, row: 0 }, { name: "publish" });
  w.instance[0] = [h];
  return { circuit: c, witness: w, output: h };
}

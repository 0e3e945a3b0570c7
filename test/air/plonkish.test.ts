// The AIR → PLONKish compiler (runtime/air/plonkish.ts): the compiled circuit's MockProver gives the same
// verdict as checkAir (in BN254 Fr) on good and tampered traces of a three-chip AIR with a fixed table,
// chips of three heights, a two-row constraint and buses with a public boundary term; a constraint that
// reads the next row ungated is refused; one real KZG proof verifies, and proofs forced out of bad traces
// (the prover's `unchecked`) or checked against another statement are rejected.
import { describe, it, expect, beforeAll } from "vitest";
import { add, col, cnst, first, fixedCol, mul, neg, sub, transition, type Air, type BoundaryTerm, type ChipTrace } from "../../runtime/air/index.ts";
import { checkAir } from "../../runtime/air/check.ts";
import { AirCompileError, BN254_R, boundaryInstance, compileAir, plonkishStats, plonkishWitness, type PlonkishAir } from "../../runtime/air/plonkish.ts";
import { MockProver, insecureDevSrs, keygen, prove, verify, zeroKnowledgeGaps, type ProvingKey } from "../../runtime/plonk/index.ts";

const air: Air = {
  chips: [
    {
      name: "fib",
      columns: ["a", "b", "out"],
      constraints: [
        mul(first, sub(col(0), cnst(1))),
        mul(first, sub(col(1), cnst(1))),
        mul(transition, sub(col(0, true), col(1))),
        mul(transition, sub(col(1, true), add(col(0), col(1)))),
        mul(col(2), sub(cnst(1), col(2))),
      ],
      interactions: [
        { bus: "out", values: [col(1)], multiplicity: col(2) },
        { bus: "pair", values: [col(0), col(1)], multiplicity: first },
        { bus: "range", values: [col(0)], multiplicity: cnst(1) },
      ],
    },
    {
      name: "io",
      columns: ["x", "y", "m"],
      constraints: [mul(col(2), sub(cnst(1), col(2)))],
      interactions: [{ bus: "pair", values: [col(0), col(1)], multiplicity: neg(col(2)) }],
    },
    {
      name: "table",
      columns: ["m"],
      fixed: { columns: ["v"], values: (h) => Array.from({ length: h }, (_, i) => [BigInt(i)]) },
      constraints: [],
      interactions: [{ bus: "range", values: [fixedCol(0)], multiplicity: neg(col(0)) }],
    },
  ],
};
const heights = { fib: 8, io: 2, table: 32 };
const boundary = (v = 34n): BoundaryTerm[] => [{ bus: "out", values: [v], multiplicity: -1n }];

function traces(): ChipTrace[] {
  const rows: bigint[][] = [];
  let [a, b] = [1n, 1n];
  const uses = new Array<bigint>(32).fill(0n);
  for (let i = 0; i < 8; i++) {
    rows.push([a, b, i === 7 ? 1n : 0n]);
    uses[Number(a)]++;
    [a, b] = [b, a + b];
  }
  return [
    { chip: "fib", rows },
    { chip: "io", rows: [[1n, 1n, 1n], [0n, 0n, 0n]] },
    { chip: "table", rows: uses.map((u) => [u]) },
  ];
}

const clone = (t: ChipTrace[]) => t.map((x) => ({ chip: x.chip, rows: x.rows.map((r) => r.slice()) }));

/** Both checkers' verdicts: accepted or not. */
function verdicts(p: PlonkishAir, t: ChipTrace[], b: BoundaryTerm[]) {
  const air = checkAir(p.air, t, { boundary: b, modulus: BN254_R }).length === 0;
  const mock = MockProver.run(p.circuit, plonkishWitness(p, t, b), { k: p.k });
  return { air, plonk: mock.ok, messages: mock.messages() };
}

let compiled: PlonkishAir;
let folded: PlonkishAir;
let pk: ProvingKey;

beforeAll(async () => {
  compiled = compileAir(air, heights, { boundaryBuses: ["out"], boundaryRows: 1 });
  folded = compileAir(air, heights, { boundaryBuses: ["out"], boundaryRows: 1, fold: 8 });
  pk = await keygen(insecureDevSrs(1 << (compiled.k + 1)), compiled.circuit, { k: compiled.k });
});

describe("runtime/air → PLONKish", () => {
  it("lays chips side by side: one advice column per main column, selectors per height, buses, instance", () => {
    const s = plonkishStats(compiled);
    expect(s.advice).toBe(7);
    expect(s.instance).toBe(2);
    expect(compiled.height).toBe(32);
    expect(s.rows).toBe(1 << compiled.k);
    expect(s.buses).toBe(6);
    expect(zeroKnowledgeGaps(pk.vk.shape)).toEqual([]);
  });

  it("folds a table into column blocks: 32 rows as 4 blocks of 8, the tallest other chip's height", () => {
    expect(folded.height).toBe(8);
    expect(folded.chips.find((c) => c.chip === "table")!.advice).toHaveLength(4);
    expect(folded.chips.find((c) => c.chip === "fib")!.advice).toHaveLength(1);
    expect(folded.k).toBeLessThan(compiled.k);
    // fib reads the next row and has selectors: it is never folded
    expect(compileAir(air, heights, { fold: 4 }).chips.find((c) => c.chip === "fib")!.advice).toHaveLength(1);
  });

  it("MockProver and checkAir agree on the honest trace and on every tampering", () => {
    const cases: Array<[string, (t: ChipTrace[]) => void, BoundaryTerm[]]> = [
      ["honest", () => {}, boundary()],
      ["a fib cell", (t) => (t[0].rows[3][1] += 1n), boundary()],
      ["the first row", (t) => (t[0].rows[0][0] = 2n), boundary()],
      ["the claimed output", () => {}, boundary(35n)],
      ["a non-bit io flag", (t) => (t[1].rows[0][2] = 2n), boundary()],
      ["an io row received twice", (t) => (t[1].rows[1] = [1n, 1n, 1n]), boundary()],
      ["a table multiplicity", (t) => (t[2].rows[5][0] += 1n), boundary()],
      ["an output flag on a second row", (t) => (t[0].rows[6][2] = 1n), boundary()],
    ];
    for (const [what, tamper, b] of cases) {
      const t = clone(traces());
      tamper(t);
      for (const p of [compiled, folded]) {
        const v = verdicts(p, t, b);
        expect({ what, plonk: v.plonk }).toEqual({ what, plonk: v.air });
        expect({ what, ok: v.air }).toEqual({ what, ok: what === "honest" });
      }
    }
    const bad = verdicts(compiled, traces(), boundary(35n));
    expect(bad.messages.some((m) => /bus "out"/.test(m))).toBe(true);
  });

  it("rows past a chip's height add nothing to a bus (a prover who fills them to claim another output)", async () => {
    // fib's rows 8 and 9 (past its height): receive the true output 34 and send a false 35 on the out bus
    const w = plonkishWitness(compiled, traces(), boundary(35n));
    const [a, b, out] = compiled.chips[0].advice[0];
    w.advice[a].push(0n, 0n);
    w.advice[b].push(34n, 35n);
    w.advice[out].push(BN254_R - 1n, 1n);
    expect(MockProver.run(compiled.circuit, w, { k: compiled.k }).ok).toBe(false);
    expect(verify(pk.vk, w.instance, await prove(pk, w, { threads: 1, unchecked: true }))).toBe(false);
    // the same rows are harmless (and free) under the honest statement
    const honest = plonkishWitness(compiled, traces(), boundary());
    honest.advice[b].push(...new Array(8).fill(0n), 34n, 35n);
    honest.advice[out].push(...new Array(8).fill(0n), BN254_R - 1n, 1n);
    expect(MockProver.run(compiled.circuit, honest, { k: compiled.k }).messages()).toEqual([]);
  });

  it("refuses a constraint that reads the next row without a transition factor", () => {
    const loose: Air = { chips: [{ name: "c", columns: ["x"], constraints: [mul(first, sub(col(0, true), col(0)))], interactions: [] }] };
    expect(() => compileAir(loose, { c: 4 })).toThrow(AirCompileError);
    expect(() => compileAir(loose, { c: 4 })).toThrow(/next row without a transition factor/);
    expect(() => compileAir(loose, { c: 3 })).toThrow(/not a power of two/);
  });

  it("proves with KZG; a bad trace forced into a proof and another statement are rejected", async () => {
    const w = plonkishWitness(compiled, traces(), boundary());
    const proof = await prove(pk, w, { threads: 1 });
    expect(verify(pk.vk, boundaryInstance(compiled, boundary()), proof)).toBe(true);
    expect(verify(pk.vk, boundaryInstance(compiled, boundary(35n)), proof)).toBe(false);
    const fpk = await keygen(insecureDevSrs(1 << (folded.k + 1)), folded.circuit, { k: folded.k });
    const fw = plonkishWitness(folded, traces(), boundary());
    expect(verify(fpk.vk, fw.instance, await prove(fpk, fw, { threads: 1 }))).toBe(true);
    // a prover who writes the witness by hand: fib's b at row 3 off by one, the claimed output adjusted
    const t = clone(traces());
    t[0].rows[3][1] += 1n;
    const bad = plonkishWitness(compiled, t, boundary());
    expect(verify(pk.vk, bad.instance, await prove(pk, bad, { threads: 1, unchecked: true }))).toBe(false);
    // the bus alone broken (every gate holds): io receives the first pair twice
    const t2 = clone(traces());
    t2[1].rows[1] = [1n, 1n, 1n];
    const bad2 = plonkishWitness(compiled, t2, boundary());
    expect(MockProver.run(compiled.circuit, bad2, { k: compiled.k }).failures.every((f) => f.kind === "bus")).toBe(true);
    expect(verify(pk.vk, bad2.instance, await prove(pk, bad2, { threads: 1, unchecked: true }))).toBe(false);
  });
});

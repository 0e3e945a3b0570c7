// One zkVM run proven by both backends of the one AIR (runtime/zkvm/air): the BabyBear STARK and the
// PLONKish circuit over BN254 Fr with KZG (runtime/air/plonkish.ts, runtime/zkvm/air/plonk.ts). The same
// traces go to both provers. On the BN254 side: the honest proof verifies; a wrong output, exit code or
// input and a tampered proof byte are rejected; a tampered trace cell, a skipped instruction and a load
// that returns a value never stored are rejected by MockProver exactly when checkAir (in BN254 Fr) rejects
// them, and the last (every row constraint kept, only the memory bus broken) also as a proof forced out
// with `unchecked`. The 2^16-row u16/bitwise table is folded into blocks of 512 rows (k = 10).
import { describe, expect, it, beforeAll } from "vitest";
import { checkAir } from "../../runtime/air/check.ts";
import { BN254_R, plonkishStats, plonkishWitness } from "../../runtime/air/plonkish.ts";
import { MockProver, decodeProofBinary, encodeProofBinary, insecureDevSrs, prove, type Proof } from "../../runtime/plonk/index.ts";
import { prove as proveStark } from "../../runtime/stark/index.ts";
import { assemble, execute, type Program } from "../../runtime/zkvm/index.ts";
import { proveProgram, type ZkvmWitness } from "../../runtime/zkvm/air/index.ts";
import { shapeOf, verifyProgramPlonk, zkvmPlonkKeygen, type ZkvmPlonkKey } from "../../runtime/zkvm/air/plonk.ts";
import { verifyProgramStark, zkvmKeygen } from "../../runtime/zkvm/air/stark.ts";
import type { ChipTrace } from "../../runtime/air/index.ts";

const P = assemble(`
  .memory 256
  .regs 16
  ecall 1, r2, r0
  const r3, 64
  ecall 2, r3, r2
  lw r4, r3, 0
  lbu r5, r3, 2
  add r6, r4, r5
  sw r6, r3, 4
  const r11, 8
  ecall 3, r3, r11
  ecall 0, r6, r0
`) as Program;
const input = Uint8Array.from([0x11, 0x22, 0x33, 0x44]);

let w: ZkvmWitness;
let key: ZkvmPlonkKey;
let proof: Proof;

const clone = (t: ChipTrace[]) => t.map((x) => ({ chip: x.chip, rows: x.rows.map((r) => r.slice()) }));
const cols = (chip: string) => w.air.chips.find((c) => c.name === chip)!.columns;

/** checkAir's and MockProver's verdicts on edited traces (true: accepted). */
function verdicts(traces: ChipTrace[]) {
  const air = checkAir(w.air, traces, { boundary: w.boundary, modulus: BN254_R }).length === 0;
  const mock = MockProver.run(key.compiled.circuit, plonkishWitness(key.compiled, traces, w.boundary), { k: key.compiled.k });
  return { air, plonk: mock.ok, kinds: [...new Set(mock.failures.map((f) => f.kind))] };
}

/** The mem row of the lbu with its loaded byte (and the result built from it) changed: rows stay valid. */
function neverStored(): ChipTrace[] {
  const t = clone(w.traces);
  const mem = t.find((x) => x.chip === "mem")!;
  const c = cols("mem");
  const row = mem.rows.findIndex((x) => x[c.indexOf("is_lbu")] === 1n);
  for (const name of ["M0.v", "M0.pv", "A.l"]) mem.rows[row][c.indexOf(name)] ^= 0x40n;
  return t;
}

beforeAll(async () => {
  const r = proveProgram(P, input);
  if ("kind" in r) throw new Error(r.message);
  w = r;
  key = await zkvmPlonkKeygen(insecureDevSrs(1 << 11), P, shapeOf(w, 512));
  proof = await prove(key.pk, plonkishWitness(key.compiled, w.traces, w.boundary));
}, 120_000);

describe("zkVM over BN254 (PLONKish + KZG) beside the BabyBear STARK", () => {
  it("both backends prove the same traces of one run", () => {
    const run = execute(P, { input });
    expect(run.ok && run.output).toEqual(w.statement.output);
    expect(verifyProgramPlonk(key.pk.vk, key.compiled, P, w.statement, proof)).toEqual({ ok: true });
    const s = zkvmKeygen(P, { logBlowup: 2, numQueries: 8, powBits: 2, logFinalLen: 2 });
    const stark = proveStark(s.pk, w.traces, w.boundary);
    expect(verifyProgramStark(s.vk, P, w.statement, stark)).toEqual({ ok: true });
    const st = plonkishStats(key.compiled);
    expect(st.k).toBe(10);
    expect(st.degree).toBeLessThanOrEqual(5);
  }, 60_000);

  it("rejects a wrong output, exit code or input, and a tampered proof byte", () => {
    const out = w.statement.output.slice();
    out[5] ^= 1;
    expect(verifyProgramPlonk(key.pk.vk, key.compiled, P, { ...w.statement, output: out }, proof).ok).toBe(false);
    expect(verifyProgramPlonk(key.pk.vk, key.compiled, P, { ...w.statement, exitCode: w.statement.exitCode + 1 }, proof).ok).toBe(false);
    expect(verifyProgramPlonk(key.pk.vk, key.compiled, P, { ...w.statement, input: Uint8Array.from([0x11, 0x22, 0x33, 0x45]) }, proof).ok).toBe(false);
    const bytes = encodeProofBinary(proof);
    // a bus running sum's commitment (the list after the six others), an evaluation, the opening
    for (const at of [bytes.length - 32 * proof.evals.length - 10, bytes.length - 5, 5 + 4 + 20]) {
      const b = bytes.slice();
      b[at] ^= 0x01;
      let ok: boolean;
      try {
        ok = verifyProgramPlonk(key.pk.vk, key.compiled, P, w.statement, decodeProofBinary(b)).ok;
      } catch {
        ok = false;
      }
      expect({ at, ok }).toEqual({ at, ok: false });
    }
  });

  it("a tampered cell, a skipped instruction, a load of a value never stored: MockProver agrees with checkAir", () => {
    expect(verdicts(w.traces)).toEqual({ air: true, plonk: true, kinds: [] });
    // the add's result limb
    const cell = clone(w.traces);
    const alu = cell.find((x) => x.chip === "alu")!;
    const addRow = alu.rows.findIndex((x) => x[cols("alu").indexOf("is_add")] === 1n);
    alu.rows[addRow][cols("alu").indexOf("A.l")] += 1n;
    expect(verdicts(cell)).toMatchObject({ air: false, plonk: false });
    // the add never happens: its row becomes padding
    const skip = clone(w.traces);
    skip.find((x) => x.chip === "alu")!.rows[addRow].fill(0n);
    expect(verdicts(skip)).toMatchObject({ air: false, plonk: false });
    // every row constraint holds; only the memory bus is off
    expect(verdicts(neverStored())).toEqual({ air: false, plonk: false, kinds: ["bus"] });
  });

  it("rejects a proof of a load that returns a value never stored (the prover skips its checks)", async () => {
    const bad = await prove(key.pk, plonkishWitness(key.compiled, neverStored(), w.boundary), { unchecked: true });
    expect(verifyProgramPlonk(key.pk.vk, key.compiled, P, w.statement, bad).ok).toBe(false);
  }, 60_000);
});

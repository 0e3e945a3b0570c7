// A zkVM program proven and verified through the BabyBear STARK (runtime/stark) with the AIR of
// runtime/zkvm/air: the honest proof verifies; the same proof against a wrong output, exit code or input
// is rejected; proofs of hand-edited traces (a load that returns a value never stored, every row
// constraint kept; a carry cell changed) are rejected by the verifier alone. Small FRI parameters: the soundness of the
// parameters is the STARK's tests' business, the wiring is this file's. The two 2^16-row tables
// (u16, bitwise) dominate the time of a proof this small.
import { describe, expect, it } from "vitest";
import { prove } from "../../runtime/stark/index.ts";
import { assemble, execute, type Program } from "../../runtime/zkvm/index.ts";
import { proveProgram, verifierBoundary } from "../../runtime/zkvm/air/index.ts";
import { proveProgramStark, verifyProgramStark, zkvmKeygen } from "../../runtime/zkvm/air/stark.ts";

const P = assemble(`
  .memory 65536
  .regs 32
  ecall 1, r2, r0
  const r3, 64
  ecall 2, r3, r2
  lw r4, r3, 0
  lbu r5, r3, 2
  add r6, r4, r5
  mul r7, r6, r6
  xor r8, r7, r4
  divu r9, r8, r5
  ltu r10, r5, r4
  sw r9, r3, 4
  const r11, 8
  ecall 3, r3, r11
  ecall 0, r10, r0
`) as Program;

const params = { logBlowup: 2, numQueries: 16, powBits: 4, logFinalLen: 2 };

describe("zkVM AIR through the BabyBear STARK", () => {
  const input = Uint8Array.from([0x11, 0x22, 0x33, 0x44]);
  const { pk, vk } = zkvmKeygen(P, params);
  const r = proveProgramStark(pk, P, input);
  if ("kind" in r) throw new Error(r.message);

  it("proves and verifies a run with the executor's output", () => {
    const run = execute(P, { input });
    expect(run.ok && run.output).toEqual(r.statement.output);
    expect(r.statement.exitCode).toBe(1);
    expect(verifyProgramStark(vk, P, r.statement, r.proof)).toEqual({ ok: true });
  }, 120_000);

  it("rejects the proof against a wrong output, exit code or input", () => {
    const out = r.statement.output.slice();
    out[5] ^= 1;
    expect(verifyProgramStark(vk, P, { ...r.statement, output: out }, r.proof).ok).toBe(false);
    expect(verifyProgramStark(vk, P, { ...r.statement, exitCode: 0 }, r.proof).ok).toBe(false);
    expect(verifyProgramStark(vk, P, { ...r.statement, input: Uint8Array.from([0x11, 0x22, 0x33, 0x45]) }, r.proof).ok).toBe(false);
  });

  it("rejects a proof of a load that returns a value never stored", () => {
    const w = proveProgram(P, input);
    if ("kind" in w) throw new Error(w.message);
    const mem = w.traces.find((t) => t.chip === "mem")!;
    const cols = w.air.chips.find((c) => c.name === "mem")!.columns;
    const row = mem.rows.findIndex((x) => x[cols.indexOf("is_lbu")] === 1n);
    for (const c of ["M0.v", "M0.pv", "A.l"]) mem.rows[row][cols.indexOf(c)] ^= 0x40n;
    const bad = prove(pk, w.traces, w.boundary, { unchecked: true });
    expect(verifyProgramStark(vk, P, w.statement, bad).ok).toBe(false);
    expect(verifierBoundary(P, w.statement)).toEqual(w.boundary);
  }, 120_000);

  it("rejects a proof of a trace with one cell of the add row changed (a row constraint fails)", () => {
    const w = proveProgram(P, input);
    if ("kind" in w) throw new Error(w.message);
    const alu = w.traces.find((t) => t.chip === "alu")!;
    const cols = w.air.chips.find((c) => c.name === "alu")!.columns;
    const row = alu.rows.findIndex((x) => x[cols.indexOf("is_add")] === 1n);
    alu.rows[row][cols.indexOf("c0")] += 1n;
    const bad = prove(pk, w.traces, w.boundary, { unchecked: true });
    expect(verifyProgramStark(vk, P, w.statement, bad).ok).toBe(false);
  }, 120_000);
});

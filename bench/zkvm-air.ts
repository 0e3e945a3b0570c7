// The zkVM AIR (runtime/zkvm/air): per program, instructions, rows and cells per chip, cells per
// instruction, trace generation and mock-check time; with `--stark`, also BabyBear STARK proofs of the
// Checksum guest and the one-block SHA-256 run (keygen, prove, verify, proof size, one thread).
// Programs: SHA-256 in software (the CWIR program of test/interp/sha256-program.ts, no precompile) of
// 55 and 119 bytes (1 and 2 blocks), and the Checksum guest of test/sema/fixtures.
import { readFileSync } from "node:fs";
import { buildZkvm } from "../backends/zkvm/index.ts";
import { compileSource } from "../compiler/pipeline/index.ts";
import { decode, encodeInputs, type Program } from "../runtime/zkvm/index.ts";
import { proveProgram, verifyProgram, type ZkvmWitness } from "../runtime/zkvm/air/index.ts";
import { DEFAULT_PARAMS, encodeProof } from "../runtime/stark/index.ts";
import { proveProgramStark, verifyProgramStark, zkvmKeygen } from "../runtime/zkvm/air/stark.ts";
import { pad, sha256Module } from "../test/interp/sha256-program.ts";

const INSTR_CHIPS = ["alu", "mul", "div", "div64", "cmp", "mem", "mem64", "alu64", "mul64", "bits", "cf", "ecall"];

function measure(name: string, p: Program, input: Uint8Array | string, check: boolean) {
  if (typeof input === "string") throw new Error(input);
  let t = performance.now();
  const res = proveProgram(p, input);
  if ("kind" in res) throw new Error(res.message);
  const w: ZkvmWitness = res;
  const traceMs = performance.now() - t;
  let checkMs: number | undefined;
  if (check) {
    t = performance.now();
    const f = verifyProgram(p, w.statement, w.traces);
    if (f.length) throw new Error(`${name}: the mock checker rejects an honest trace: ${f[0].message}`);
    checkMs = Math.round(performance.now() - t);
  }
  const n = w.statement.instructions;
  const instrCells = w.stats.filter((s) => INSTR_CHIPS.includes(s.chip));
  const usedInstrCells = instrCells.reduce((s, c) => s + c.used * c.columns, 0);
  const r = {
    program: name,
    instructions: n,
    chips: Object.fromEntries(w.stats.map((s) => [s.chip, { used: s.used, height: s.height, columns: s.columns, cells: s.cells, interactions: s.interactions }])),
    /** all main cells (every chip, padded, the 2^16-row table included) per instruction */
    cellsPerInstruction: +w.cellsPerInstruction.toFixed(1),
    /** main cells of the instruction chips' used rows per instruction (the executing row's width, averaged) */
    instructionRowCells: +(usedInstrCells / n).toFixed(1),
    widestInstructionChip: Math.max(...instrCells.map((c) => c.columns)),
    /** base-field LogUp columns a STARK commits per instruction row (4 per interaction + 4 for the running sum), averaged */
    instructionRowLogupCells: +(instrCells.reduce((s, c) => s + c.used * 4 * (c.interactions + 1), 0) / n).toFixed(1),
    traceMs: Math.round(traceMs),
    checkMs,
  };
  process.stdout.write(`${name}: ${n} instructions, ${r.instructionRowCells} cells per instruction row (widest chip ${r.widestInstructionChip}; LogUp ${r.instructionRowLogupCells} more), ${r.cellsPerInstruction} with padding and tables; trace ${r.traceMs} ms${checkMs !== undefined ? `, mock check ${checkMs} ms` : ""}\n`);
  return r;
}

export async function run(): Promise<object> {
  const sha = decode(buildZkvm(sha256Module()).bytes!) as Program;
  const shaInput = (len: number) => encodeInputs(sha.sig!, { blocks: pad(new Uint8Array(len).map((_, i) => i)), out: new Array(32).fill(0) });
  const f = "test/sema/fixtures/execution_success/program.cwl";
  const sum = decode(buildZkvm(compileSource(f, readFileSync(f, "utf8")).ir!).bytes!) as Program;
  const sumInput = encodeInputs(sum.sig!, { input: Array.from({ length: 64 }, (_, i) => (i * 7) & 255) });
  if (typeof sumInput === "string") throw new Error(sumInput);
  const programs = [measure("checksum-64B", sum, sumInput, true), measure("sha256-55B", sha, shaInput(55), true), measure("sha256-119B", sha, shaInput(119), false)];
  const stark: object[] = [];
  if (process.argv.includes("--stark")) {
    for (const [name, prog, input] of [["checksum-64B", sum, sumInput], ["sha256-55B", sha, shaInput(55)]] as const) {
      if (typeof input === "string") throw new Error(input);
      let t = performance.now();
      const { pk, vk } = zkvmKeygen(prog);
      const keygenMs = performance.now() - t;
      t = performance.now();
      const r = proveProgramStark(pk, prog, input);
      if ("kind" in r) throw new Error(r.message);
      const proveMs = performance.now() - t;
      t = performance.now();
      const ok = verifyProgramStark(vk, prog, r.statement, r.proof);
      const verifyMs = performance.now() - t;
      if (!ok.ok) throw new Error(`the STARK rejects an honest proof: ${ok.reason}`);
      const one = {
        program: name,
        instructions: r.statement.instructions,
        params: DEFAULT_PARAMS,
        securityBits: r.proof.meta.securityBits,
        keygenMs: Math.round(keygenMs),
        proveMs: Math.round(proveMs),
        verifyMs: Math.round(verifyMs),
        proofBytes: encodeProof(r.proof).length,
        threads: 1,
        instructionsPerSecond: Math.round(r.statement.instructions / (proveMs / 1000)),
      };
      stark.push(one);
      process.stdout.write(`STARK ${JSON.stringify(one)}\n`);
    }
  }
  return {
    note: "shared 2-core machine under load from other jobs: times overstate a quiet run several-fold; cell counts are exact",
    programs,
    ...(stark.length ? { stark } : {}),
  };
}

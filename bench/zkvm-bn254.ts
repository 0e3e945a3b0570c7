// The zkVM's BN254 backend (runtime/zkvm/air/plonk.ts): one small hand-assembled program (input, load,
// byte load, add, store, output, exit: the program of test/air/zkvm-bn254.test.ts) compiled to PLONKish
// with the u16/bitwise table folded at two block heights; per fold: rows, columns, cells, bus
// interactions and running sums, degree, keygen/prove/verify times, proof bytes, the prover's phases;
// beside it the BabyBear STARK of the same traces (small FRI parameters as in that test: wiring, not
// security). Run on the shared 2-core machine: the load average is recorded with the figures.
import { loadavg } from "node:os";
import { plonkishStats, plonkishWitness } from "../runtime/air/plonkish.ts";
import { busGroups } from "../runtime/plonk/bus/index.ts";
import { encodeProofBinary, insecureDevSrs, prove } from "../runtime/plonk/index.ts";
import { encodeProof, prove as proveStark } from "../runtime/stark/index.ts";
import { assemble, type Program } from "../runtime/zkvm/index.ts";
import { proveProgram } from "../runtime/zkvm/air/index.ts";
import { shapeOf, verifyProgramPlonk, zkvmPlonkKeygen } from "../runtime/zkvm/air/plonk.ts";
import { verifyProgramStark, zkvmKeygen } from "../runtime/zkvm/air/stark.ts";

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

export async function run(): Promise<object> {
  const input = Uint8Array.from([0x11, 0x22, 0x33, 0x44]);
  const w = proveProgram(P, input);
  if ("kind" in w) throw new Error(w.message);
  const ms = (t: number) => Math.round(performance.now() - t);
  const bn254 = [];
  for (const fold of [512, 1024]) {
    const load = loadavg()[0];
    let t = performance.now();
    const shape = shapeOf(w, fold);
    const key = await zkvmPlonkKeygen(insecureDevSrs(1 << 12), P, shape);
    const keygenMs = ms(t);
    const phaseMs: Record<string, number> = {};
    t = performance.now();
    const proof = await prove(key.pk, plonkishWitness(key.compiled, w.traces, w.boundary), { phaseMs });
    const proveMs = ms(t);
    t = performance.now();
    const v = verifyProgramPlonk(key.pk.vk, key.compiled, P, w.statement, proof);
    const verifyMs = ms(t);
    if (!v.ok) throw new Error(`fold ${fold}: the honest proof is rejected: ${v.reason}`);
    const s = plonkishStats(key.compiled);
    const r = {
      fold,
      ...s,
      busRunningSums: busGroups(key.pk.vk.shape.buses ?? [], key.pk.vk.shape.degree).length,
      keygenMs,
      proveMs,
      verifyMs,
      proofBytes: encodeProofBinary(proof).length,
      phaseMs: Object.fromEntries(Object.entries(phaseMs).map(([k, x]) => [k, Math.round(x)])),
      loadAverage: +load.toFixed(1),
    };
    process.stdout.write(`bn254 fold ${fold}: k=${s.k} ${s.advice}+${s.fixed}+${s.instance} columns, ${s.cells} cells; keygen ${keygenMs} ms, prove ${proveMs} ms, verify ${verifyMs} ms, ${r.proofBytes} B\n`);
    bn254.push(r);
  }
  const load = loadavg()[0];
  let t = performance.now();
  const s = zkvmKeygen(P, { logBlowup: 2, numQueries: 8, powBits: 2, logFinalLen: 2 });
  const stark = proveStark(s.pk, w.traces, w.boundary);
  const starkProveMs = ms(t);
  t = performance.now();
  if (!verifyProgramStark(s.vk, P, w.statement, stark).ok) throw new Error("the STARK rejects the honest proof");
  const babybear = { keygenAndProveMs: starkProveMs, verifyMs: ms(t), proofBytes: encodeProof(stark).length, loadAverage: +load.toFixed(1) };
  process.stdout.write(`babybear (same traces): keygen+prove ${starkProveMs} ms, ${babybear.proofBytes} B\n`);
  return {
    program: "input, lw, lbu, add, sw, output, exit (test/air/zkvm-bn254.test.ts)",
    instructions: w.statement.instructions,
    chipHeights: shapeOf(w).heights,
    boundaryTerms: w.boundary.length,
    bn254,
    babybear,
    note: "shared 2-core machine under load (see loadAverage); insecure development SRS; STARK with 8 queries (wiring only)",
  };
}

// `npm run bench -- stark`: the BabyBear STARK prover (runtime/stark) on a synthetic chip of 40 columns
// (runtime/stark/workload.ts: degree-2 transitions, one degree-3 constraint, two LogUp interactions) at
// 2^14, 2^15 and 2^16 rows (STARK_BENCH_LOG_ROWS=14,15 to choose), with the default parameters
// (rate 1/4, 42 queries, 16 grinding bits: 100 conjectured bits). Prove time is wall time, on one thread
// and with the commitments (LDE, Merkle hashing), LogUp, quotient and DEEP ranges on every core's pool
// worker; running sums, openings and FRI stay on the calling thread. The NTT butterflies and the
// extension-field column loops run in WebAssembly (ntt-wasm.ts, ext-wasm.ts), the rest in TypeScript.
// The load average is beside each figure since these machines are shared.
import { availableParallelism, loadavg } from "node:os";
import { benchStark } from "../runtime/stark/workload.ts";
import { DEFAULT_PARAMS, SECURITY_FORMULA } from "../runtime/stark/index.ts";

export async function run(): Promise<object> {
  const logs = (process.env.STARK_BENCH_LOG_ROWS ?? "14,15,16").split(",").map(Number);
  const rows = [];
  const threads = availableParallelism();
  for (const lr of logs) {
    const load = loadavg()[0];
    const rs = await benchStark([lr], 40, DEFAULT_PARAMS, threads);
    for (const r of rs) {
      const row = { ...r, loadAverageBefore: Math.round(load * 100) / 100 };
      process.stdout.write(`2^${lr} rows × ${r.width} columns, ${r.threads} thread(s): prove ${r.proveMs} ms (${r.usPerRow} µs/row, ${r.proveCpuMs} ms CPU), verify ${r.verifyMs} ms, proof ${r.proofBytes} bytes, ${r.securityBits} bits (load ${row.loadAverageBefore})\n`);
      rows.push(row);
    }
  }
  return { params: DEFAULT_PARAMS, securityFormula: SECURITY_FORMULA, hash: "SHA-256 (node:crypto)", rows };
}

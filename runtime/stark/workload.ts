// A synthetic chip for measuring the prover: `width` columns (at least 12), a degree-2 transition on
// each of the first width−8 columns (s_i' = s_i·s_{i+1} + s_{i+2}, indices mod width−8), eight degree-2
// products (of state columns), one degree-3 first-row constraint (two quotient pieces), and two bus interactions that
// balance each other (a send and a receive of (s_0, s_1)): about the shape of a zkVM instruction table.
import { add, col, first, mul, sub, transition, type Air, type ChipTrace } from "../air/index.ts";
import { mul as fmul, add as fadd } from "./field.ts";
import { keygen, prove, proveParallel } from "./prover.ts";
import { verify } from "./verifier.ts";
import { encodeProof, type StarkProof } from "./proof.ts";
import { DEFAULT_PARAMS, permWidth, type StarkParams, type VerifyingKey } from "./air.ts";
import type { Progress } from "../../base/progress/index.ts";

export function syntheticAir(width: number): Air {
  if (width < 12) throw new Error("the synthetic chip needs at least 12 columns");
  const s = width - 8;
  const constraints = [];
  for (let i = 0; i < s; i++) constraints.push(mul(transition, sub(col(i, true), add(mul(col(i), col((i + 1) % s)), col((i + 2) % s)))));
  for (let k = 0; k < 8; k++) constraints.push(sub(col(s + k), mul(col(k % s), col((k + 1) % s))));
  constraints.push(mul(first, sub(col(s), mul(col(0), col(1)))));
  return {
    chips: [
      {
        name: "synthetic",
        columns: Array.from({ length: width }, (_, i) => `c${i}`),
        constraints,
        interactions: [
          { bus: "loop", values: [col(0), col(1)], multiplicity: { op: "const", value: 1n } },
          { bus: "loop", values: [col(0), col(1)], multiplicity: { op: "const", value: -1n } },
        ],
      },
    ],
  };
}

export function syntheticTrace(width: number, rows: number): ChipTrace {
  const s = width - 8;
  let cur = Array.from({ length: s }, (_, i) => i + 2);
  const out: bigint[][] = [];
  for (let r = 0; r < rows; r++) {
    const row = cur.map(BigInt);
    for (let k = 0; k < 8; k++) row.push(BigInt(fmul(cur[k % s], cur[(k + 1) % s])));
    out.push(row);
    cur = cur.map((v, i) => fadd(fmul(v, cur[(i + 1) % s]), cur[(i + 2) % s]));
  }
  return { chip: "synthetic", rows: out };
}

export interface StarkBenchRow {
  logRows: number;
  width: number;
  /** base-field cells committed per row: main + LogUp (4 per extension column) + quotient pieces */
  committedWidth: number;
  threads: number;
  proveMs: number;
  /** CPU time of the whole process (this thread and the workers) while proving: less sensitive to other load than wall time */
  proveCpuMs: number;
  usPerRow: number;
  verifyMs: number;
  proofBytes: number;
  securityBits: number;
}

/**
 * Proves and verifies the synthetic chip at each height, on one thread (`prove`) and with the commitments
 * on `threads` pool workers (`proveParallel`; skipped for threads = 1). The prover's mock check is
 * skipped: it is not proving time.
 */
export async function benchStark(logRows: number[], width = 40, params: StarkParams = DEFAULT_PARAMS, threads = 1, progress?: Progress): Promise<StarkBenchRow[]> {
  const air = syntheticAir(width);
  const { pk, vk } = keygen(air, { params });
  const out: StarkBenchRow[] = [];
  for (const lr of logRows) {
    const trace = syntheticTrace(width, 1 << lr);
    for (const th of threads > 1 ? [1, threads] : [1]) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const proof = th === 1 ? prove(pk, [trace], [], { unchecked: true, progress }) : await proveParallel(pk, [trace], [], { unchecked: true, progress, threads: th });
      const proveMs = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      out.push(row(vk, proof, lr, width, th, proveMs, (cpu.user + cpu.system) / 1000));
    }
  }
  return out;
}

function row(vk: VerifyingKey, proof: StarkProof, lr: number, width: number, threads: number, proveMs: number, proveCpuMs: number): StarkBenchRow {
  const t1 = performance.now();
  const r = verify(vk, proof, []);
  const verifyMs = performance.now() - t1;
  if (!r.ok) throw new Error(`benchmark proof does not verify: ${r.reason}`);
  const shape = vk.chips[0];
  return {
    logRows: lr,
    width,
    committedWidth: shape.width + permWidth(shape) + 4 * shape.quotientPieces,
    threads,
    proveMs: Math.round(proveMs),
    proveCpuMs: Math.round(proveCpuMs),
    usPerRow: Math.round(((proveMs * 1000) / (1 << lr)) * 10) / 10,
    verifyMs: Math.round(verifyMs),
    proofBytes: encodeProof(proof).length,
    securityBits: proof.meta.securityBits,
  };
}

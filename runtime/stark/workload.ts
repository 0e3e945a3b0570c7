// A synthetic chip for measuring the prover: `width` columns (at least 12), a degree-2 transition on
// each of the first width−8 columns (s_i' = s_i·s_{i+1} + s_{i+2}, indices mod width−8), eight degree-2
// products, one degree-3 first-row constraint (two quotient pieces), and two bus interactions that
// balance each other (a send and a receive of (s_0, s_1)): about the shape of a zkVM instruction table.
import { add, col, first, mul, sub, transition, type Air, type ChipTrace } from "../air/index.ts";
import { P } from "./field.ts";
import { mul as fmul, add as fadd } from "./field.ts";
import { keygen, prove, type ProvingKey } from "./prover.ts";
import { verify } from "./verifier.ts";
import { encodeProof } from "./proof.ts";
import { DEFAULT_PARAMS, type StarkParams, type VerifyingKey } from "./air.ts";
import type { Progress } from "../../base/progress/index.ts";

export function syntheticAir(width: number): Air {
  if (width < 12) throw new Error("the synthetic chip needs at least 12 columns");
  const s = width - 8;
  const constraints = [];
  for (let i = 0; i < s; i++) constraints.push(mul(transition, sub(col(i, true), add(mul(col(i), col((i + 1) % s)), col((i + 2) % s)))));
  for (let k = 0; k < 8; k++) constraints.push(sub(col(s + k), mul(col(k), col(k + 1))));
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
    for (let k = 0; k < 8; k++) row.push(BigInt(fmul(cur[k], cur[k + 1])));
    out.push(row);
    cur = cur.map((v, i) => fadd(fmul(v, cur[(i + 1) % s]), cur[(i + 2) % s]));
  }
  void P;
  return { chip: "synthetic", rows: out };
}

export interface StarkBenchRow {
  logRows: number;
  width: number;
  /** base-field cells committed per row: main + LogUp (4 per extension column) + quotient pieces */
  committedWidth: number;
  proveMs: number;
  usPerRow: number;
  verifyMs: number;
  proofBytes: number;
  securityBits: number;
}

/** Proves and verifies the synthetic chip at each height (the prover's mock check is skipped: it is not proving time). */
export function benchStark(logRows: number[], width = 40, params: StarkParams = DEFAULT_PARAMS, progress?: Progress): StarkBenchRow[] {
  const air = syntheticAir(width);
  const { pk, vk } = keygen(air, { params });
  return logRows.map((lr) => {
    const trace = syntheticTrace(width, 1 << lr);
    return measure(pk, vk, trace, lr, width, progress);
  });
}

function measure(pk: ProvingKey, vk: VerifyingKey, trace: ChipTrace, lr: number, width: number, progress?: Progress): StarkBenchRow {
  const t0 = performance.now();
  const proof = prove(pk, [trace], [], { unchecked: true, progress });
  const proveMs = performance.now() - t0;
  const t1 = performance.now();
  const r = verify(vk, proof, []);
  const verifyMs = performance.now() - t1;
  if (!r.ok) throw new Error(`benchmark proof does not verify: ${r.reason}`);
  const shape = vk.chips[0];
  return {
    logRows: lr,
    width,
    committedWidth: shape.width + 4 * (shape.interactions + 1) + 4 * shape.quotientPieces,
    proveMs: Math.round(proveMs),
    usPerRow: Math.round((proveMs * 1000) / (1 << lr) * 10) / 10,
    verifyMs: Math.round(verifyMs),
    proofBytes: encodeProof(proof).length,
    securityBits: proof.meta.securityBits,
  };
}

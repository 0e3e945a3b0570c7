// Verifier half of the vanishing argument. It does not receive the pieces' values at x: it computes
// h(x) = Σ y^i·C_i(x) / (x^n − 1) itself and has the commitment [h] = Σ x^{j(n−1)}·[h'_j] opened at x
// to that value, together with the other openings at x.
import { R, inv, mul, pow, sub } from "../../poly/fr.ts";
import { G1, msmG1Reference } from "../../curve/index.ts";
import type { G1Affine } from "../../curve/index.ts";
import { quotientStride } from "./prover.ts";

/** The value h(x) must have for the constraints to hold at x (x must not be in the domain). */
export function expectedQuotientEval(constraintValues: readonly bigint[], y: bigint, x: bigint, n: number): bigint {
  let acc = 0n;
  for (const c of constraintValues) acc = (acc * y + c) % R;
  return mul(acc, inv(sub(pow(x, BigInt(n)), 1n)));
}

/** Scalars x^{j(n−1)} that fold the pieces into h. */
export function quotientFoldScalars(pieces: number, x: bigint, n: number): bigint[] {
  const xs = pow(x, BigInt(quotientStride(n)));
  const out: bigint[] = [];
  let acc = 1n;
  for (let j = 0; j < pieces; j++) {
    out.push(acc);
    acc = mul(acc, xs);
  }
  return out;
}

/** [h] = Σ x^{j(n−1)}·[h'_j]. */
export function quotientCommitment(pieces: readonly G1Affine[], x: bigint, n: number): G1Affine {
  return G1.toAffine(msmG1Reference(pieces, quotientFoldScalars(pieces.length, x, n)));
}

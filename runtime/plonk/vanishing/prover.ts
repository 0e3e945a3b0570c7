// The quotient h = (Σ y^i·C_i) / Z_H, computed pointwise on the extended coset and split into pieces
// of n − 1 coefficients (h = Σ X^{j(n−1)}·h_j). A non-zero coefficient past the pieces means the witness
// does not satisfy some constraint: the prover stops there instead of emitting a proof that cannot verify.
//
// Zero knowledge: before they are committed, the pieces get random cross terms (PLONK's masking),
// h'_j = h_j + b_j·X^{n−1} − b_{j−1}, which cancel in Σ X^{j(n−1)}·h'_j; the stride n − 1 (not n) leaves
// room for the term X^{n−1} within the SRS size n. The verifier never sees a piece's value at x, only
// the combination h(x) it computes itself (see spec/plonkish.md, "Zero knowledge").
import type { Domain } from "../../poly/domain.ts";
import { sub } from "../../poly/fr.ts";
import { FieldVec } from "../../field/index.ts";
import { nttInPlace } from "../../curve/index.ts";
import type { Expression } from "../cs.ts";
import { evaluateCombinedParallel, evaluateCombinedVec, type ExtVecLookup, type ParallelOptions } from "../evaluator.ts";

export class UnsatisfiedError extends Error {}

/** Coefficients per quotient piece before masking: the pieces of h are h's coefficients in runs of n − 1. */
export function quotientStride(n: number): number {
  return n - 1;
}

/** The quotient's coefficients (length extN), unmasked. */
export function quotientCoeffs(domain: Domain, constraints: readonly Expression[], ext: ExtVecLookup, y: bigint): bigint[] {
  const hExt = evaluateCombinedVec(constraints, y, ext, domain.extN, domain.extK, domain.extendedVanishingInverse());
  return domain.extendedVecToCoeff(hExt);
}

/** quotientCoeffs with the pointwise evaluation on the runtime's worker pool; the coefficients stay packed. */
export async function quotientCoeffsParallel(
  domain: Domain,
  constraints: readonly Expression[],
  ext: ExtVecLookup,
  y: bigint,
  opts: ParallelOptions = {},
): Promise<FieldVec> {
  const hExt = await evaluateCombinedParallel(constraints, y, ext, domain.extN, domain.extK, domain.extendedVanishingInverse(), opts);
  nttInPlace(hExt, { inverse: true, coset: domain.g });
  return hExt;
}

/**
 * The masked pieces h'_0..h'_{p−1} (p = domain.quotientPieces), packed, with the pointwise evaluation on worker
 * threads (quotientCoeffsParallel); `random` draws the cross terms b_j in maskPieces' order, so the pieces are
 * maskPieces' for the same randomness. Throws UnsatisfiedError when h is not a polynomial of the expected
 * degree (unless `unchecked`).
 */
export async function quotientPiecesParallel(
  domain: Domain,
  constraints: readonly Expression[],
  ext: ExtVecLookup,
  y: bigint,
  random: () => bigint,
  unchecked = false,
  opts: ParallelOptions = {},
): Promise<FieldVec[]> {
  const coeffs = await quotientCoeffsParallel(domain, constraints, ext, y, opts);
  const pieces = domain.quotientPieces;
  const s = quotientStride(domain.n);
  const L = coeffs.limbs;
  // Zero is all-zero limbs in Montgomery form too.
  if (!unchecked && coeffs.data.subarray(pieces * s * L).some((w) => w !== 0))
    throw new UnsatisfiedError("the witness does not satisfy the circuit's constraints (run the MockProver to find which)");
  const out = Array.from({ length: pieces }, (_, j) => {
    const q = FieldVec.zeros(coeffs.field, s + 1);
    q.data.set(coeffs.data.subarray(j * s * L, (j + 1) * s * L));
    return q;
  });
  // The cross terms of maskPieces, drawn in the same order.
  for (let j = 0; j + 1 < out.length; j++) {
    const b = random();
    out[j].set(s, b);
    out[j + 1].set(0, sub(out[j + 1].get(0), b));
  }
  return out;
}

/** h'_j = h_j + b_j·X^s − b_{j−1}: Σ X^{js}·h'_j = Σ X^{js}·h_j for any b. */
export function maskPieces(pieces: bigint[][], s: number, random: () => bigint): bigint[][] {
  const out = pieces.map((p) => {
    const q = new Array<bigint>(s + 1).fill(0n);
    for (let i = 0; i < p.length; i++) q[i] = p[i];
    return q;
  });
  for (let j = 0; j + 1 < out.length; j++) {
    const b = random();
    out[j][s] = b;
    out[j + 1][0] = sub(out[j + 1][0], b);
  }
  return out;
}

// The quotient h = (Σ y^i·C_i) / Z_H, computed pointwise on the extended coset and split into pieces
// of n coefficients (h = Σ X^{jn}·h_j). A non-zero coefficient past the pieces means the witness does
// not satisfy some constraint: the prover stops there instead of emitting a proof that cannot verify.
import type { Domain } from "../../poly/domain.ts";
import { R } from "../../poly/fr.ts";
import type { Expression } from "../cs.ts";
import { compileCombined, type ExtLookup } from "../evaluator.ts";

export class UnsatisfiedError extends Error {}

export function quotientPieces(domain: Domain, constraints: readonly Expression[], ext: ExtLookup, y: bigint, unchecked = false): bigint[][] {
  const combined = compileCombined(constraints, y, ext, domain.extN, domain.extK);
  const zhInv = domain.extendedVanishingInverse();
  const zmask = zhInv.length - 1;
  const h = new Array<bigint>(domain.extN);
  for (let i = 0; i < domain.extN; i++) {
    h[i] = (combined(i) * zhInv[i & zmask]) % R;
  }
  const coeffs = domain.extendedToCoeff(h);
  const pieces = domain.quotientPieces;
  for (let i = pieces * domain.n; i < coeffs.length; i++)
    if (coeffs[i] !== 0n && !unchecked) throw new UnsatisfiedError("the witness does not satisfy the circuit's constraints (run the MockProver to find which)");
  return Array.from({ length: pieces }, (_, j) => coeffs.slice(j * domain.n, (j + 1) * domain.n));
}

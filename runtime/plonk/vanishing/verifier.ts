// Verifier half of the vanishing argument: Σ y^i·C_i(x) must equal h(x)·(x^n − 1), with
// h(x) = Σ x^{jn}·h_j(x) rebuilt from the opened pieces.
import { R, mul, pow, sub } from "../../poly/fr.ts";

export function checkQuotient(constraintValues: readonly bigint[], y: bigint, x: bigint, n: number, pieceEvals: readonly bigint[]): boolean {
  let acc = 0n;
  for (const c of constraintValues) acc = (acc * y + c) % R;
  const xn = pow(x, BigInt(n));
  let h = 0n;
  for (let j = pieceEvals.length - 1; j >= 0; j--) h = (h * xn + pieceEvals[j]) % R;
  return acc === mul(h, sub(xn, 1n));
}

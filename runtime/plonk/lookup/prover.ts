// logUp lookup argument (Haböck 2022): with compressed inputs f and table t, the prover commits the
// multiplicities m (how often each table row is used), then a running sum φ with
// φ[r+1] − φ[r] = m[r]/(t[r]+β) − 1/(f[r]+β), which returns to 0 after the usable rows exactly when
// every input occurs in the table (for β chosen after m).
import { R, batchInvert } from "../../poly/fr.ts";

export class LookupError extends Error {
  constructor(
    readonly lookup: string,
    readonly row: number,
  ) {
    super(`lookup "${lookup}": input at row ${row} is not in the table (run the MockProver for details)`);
  }
}

export function multiplicities(name: string, f: readonly bigint[], t: readonly bigint[], n: number, usable: number, random: () => bigint, unchecked = false): bigint[] {
  const where = new Map<bigint, number>();
  for (let r = 0; r < usable; r++) if (!where.has(t[r])) where.set(t[r], r);
  const m = new Array<bigint>(n).fill(0n);
  for (let r = 0; r < usable; r++) {
    const at = where.get(f[r]);
    if (at === undefined) {
      if (unchecked) continue;
      throw new LookupError(name, r);
    }
    m[at] += 1n;
  }
  for (let r = usable + 1; r < n; r++) m[r] = random();
  return m;
}

export function runningSum(f: readonly bigint[], t: readonly bigint[], m: readonly bigint[], usable: number, beta: bigint, random: () => bigint): bigint[] {
  const n = m.length;
  const inv = new Array<bigint>(2 * usable);
  for (let r = 0; r < usable; r++) {
    inv[2 * r] = (f[r] + beta) % R;
    inv[2 * r + 1] = (t[r] + beta) % R;
  }
  batchInvert(inv);
  const phi = new Array<bigint>(n);
  phi[0] = 0n;
  for (let r = 0; r < usable; r++) {
    let next = phi[r] + ((m[r] * inv[2 * r + 1]) % R) - inv[2 * r];
    next %= R;
    phi[r + 1] = next < 0n ? next + R : next;
  }
  for (let r = usable + 1; r < n; r++) phi[r] = random();
  return phi;
}

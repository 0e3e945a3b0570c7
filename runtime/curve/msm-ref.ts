// BigInt Pippenger: the reference MSM the WASM/worker path is tested against, and the fallback for tiny inputs.
import { BN254_FR } from "../field/index.ts";
import { G1, type G1Affine, type G1Jacobian } from "./g1.ts";

/** Σ scalars[i]·points[i] by Pippenger with unsigned c-bit windows. */
export function msmG1Reference(points: readonly G1Affine[], scalars: readonly bigint[]): G1Jacobian {
  const n = points.length;
  if (n !== scalars.length) throw new RangeError(`msm: ${n} points but ${scalars.length} scalars`);
  const ks = scalars.map((s) => BN254_FR.fromBigint(s));
  const c = n < 32 ? 3 : Math.max(4, Math.floor(Math.log2(n)) - 2);
  const windows = Math.ceil(254 / c);
  const mask = (1n << BigInt(c)) - 1n;
  let acc = G1.ZERO;
  for (let w = windows - 1; w >= 0; w--) {
    for (let i = 0; i < c; i++) acc = G1.double(acc);
    const buckets: G1Jacobian[] = new Array((1 << c) - 1).fill(G1.ZERO);
    const shift = BigInt(w * c);
    for (let i = 0; i < n; i++) {
      const d = Number((ks[i] >> shift) & mask);
      if (d !== 0) buckets[d - 1] = G1.addMixed(buckets[d - 1], points[i]);
    }
    let running = G1.ZERO;
    let sum = G1.ZERO;
    for (let b = buckets.length - 1; b >= 0; b--) {
      running = G1.add(running, buckets[b]);
      sum = G1.add(sum, running);
    }
    acc = G1.add(acc, sum);
  }
  return acc;
}

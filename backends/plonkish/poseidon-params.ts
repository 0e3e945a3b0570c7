// Poseidon parameters for BN254 Fr, generated the way the reference implementation does
// (hadeshash generate_parameters_grain.sage: Grain LFSR seeded with field/S-box/size/rounds, round
// constants by rejection sampling, Cauchy MDS 1/(x_i + y_j)). With x^5, 8 full rounds and the
// partial-round counts below they are circomlib's Poseidon (checked against circomlibjs in
// test/plonk/poseidon.test.ts).
import { fr } from "../../runtime/poly/index.ts";

const P = fr.R;

/** Partial rounds by width t = 2..17 (circomlib's table, rounded up for security margins). */
export const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
export const FULL_ROUNDS = 8;

export interface PoseidonParams {
  t: number;
  fullRounds: number;
  partialRounds: number;
  /** constants[round][i], added before the S-box. */
  constants: bigint[][];
  /** mds[i][j]: new_i = Σ_j mds[i][j]·s_j. */
  mds: bigint[][];
}

function grain(fieldBits: number, t: number, rf: number, rp: number) {
  const init: number[] = [];
  const push = (v: number, w: number) => {
    for (let i = w - 1; i >= 0; i--) init.push((v >> i) & 1);
  };
  push(1, 2); // prime field
  push(0, 4); // S-box x^alpha
  push(fieldBits, 12);
  push(t, 12);
  push(rf, 10);
  push(rp, 10);
  for (let i = 0; i < 30; i++) init.push(1);
  const s = init;
  const step = () => {
    const b = s[62] ^ s[51] ^ s[38] ^ s[23] ^ s[13] ^ s[0];
    s.shift();
    s.push(b);
    return b;
  };
  for (let i = 0; i < 160; i++) step();
  const bit = () => {
    for (;;) {
      const b1 = step();
      const b2 = step();
      if (b1 === 1) return b2;
    }
  };
  const int = (bits: number) => {
    let x = 0n;
    for (let i = 0; i < bits; i++) x = (x << 1n) | BigInt(bit());
    return x;
  };
  return { int };
}

const cache = new Map<number, PoseidonParams>();

export function poseidonParams(t: number): PoseidonParams {
  const hit = cache.get(t);
  if (hit) return hit;
  if (t < 2 || t > 17) throw new Error(`Poseidon width t=${t} is not supported (2..17)`);
  const rf = FULL_ROUNDS;
  const rp = PARTIAL_ROUNDS[t - 2];
  const g = grain(254, t, rf, rp);
  const sample = () => {
    for (;;) {
      const x = g.int(254);
      if (x < P) return x;
    }
  };
  const constants: bigint[][] = [];
  for (let r = 0; r < rf + rp; r++) constants.push(Array.from({ length: t }, sample));
  const xs = Array.from({ length: t }, () => g.int(254) % P);
  const ys = Array.from({ length: t }, () => g.int(254) % P);
  const mds = xs.map((x) => ys.map((y) => fr.inv(x + y)));
  const params = { t, fullRounds: rf, partialRounds: rp, constants, mds };
  cache.set(t, params);
  return params;
}

/** Reference permutation (used for witnesses and tests). */
export function poseidonPermute(p: PoseidonParams, input: readonly bigint[]): bigint[] {
  let s = input.slice();
  const half = p.fullRounds / 2;
  const pow5 = (x: bigint) => {
    const x2 = (x * x) % P;
    return (((x2 * x2) % P) * x) % P;
  };
  for (let r = 0; r < p.fullRounds + p.partialRounds; r++) {
    s = s.map((v, i) => (v + p.constants[r][i]) % P);
    const full = r < half || r >= half + p.partialRounds;
    s = s.map((v, i) => (full || i === 0 ? pow5(v) : v));
    s = p.mds.map((row) => row.reduce((acc, m, j) => (acc + m * s[j]) % P, 0n));
  }
  return s;
}

/** circomlib's Poseidon(inputs): state [0, ...inputs], output state[0]. */
export function poseidonHash(inputs: readonly bigint[]): bigint {
  return poseidonPermute(poseidonParams(inputs.length + 1), [0n, ...inputs])[0];
}

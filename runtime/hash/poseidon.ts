// Poseidon over BN254 Fr with circomlib's parameters (x^5 S-box, RF = 8, RP per width), so that
// hashes computed here equal circomlib circuits, circomlibjs and our `std::hash::poseidon`.
// BigInt reference implementation: used off-circuit (KV accumulator, witness generation, tests).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BN254_R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;

interface RawParams {
  roundsF: number;
  roundsP: number[];
  C: string[][];
  M: string[][][];
}

interface WidthParams {
  t: number;
  roundsP: number;
  c: bigint[];
  m: bigint[][];
}

const raw = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "poseidon-bn254.json"), "utf8"),
) as RawParams;
const ROUNDS_F = raw.roundsF;
const byWidth: WidthParams[] = raw.C.map((c, i) => ({
  t: i + 2,
  roundsP: raw.roundsP[i],
  c: c.map((x) => BigInt(x)),
  m: raw.M[i].map((row) => row.map((x) => BigInt(x))),
}));

/** Largest number of inputs supported (t = inputs + 1). */
export const POSEIDON_MAX_INPUTS = byWidth.length;

const mod = (a: bigint) => a % BN254_R;
const pow5 = (a: bigint) => {
  const a2 = mod(a * a);
  return mod(mod(a2 * a2) * a);
};

/** The Poseidon permutation on a full state of width t (2..POSEIDON_MAX_INPUTS+1). */
export function poseidonPermute(state: readonly bigint[]): bigint[] {
  const p = byWidth[state.length - 2];
  if (!p) throw new RangeError(`poseidon: unsupported width t=${state.length}`);
  const t = p.t;
  let s = state.map((x) => mod(x));
  const rounds = ROUNDS_F + p.roundsP;
  const half = ROUNDS_F / 2;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < t; i++) s[i] = s[i] + p.c[r * t + i];
    if (r < half || r >= half + p.roundsP) for (let i = 0; i < t; i++) s[i] = pow5(mod(s[i]));
    else {
      s[0] = pow5(mod(s[0]));
    }
    const next = new Array<bigint>(t);
    for (let i = 0; i < t; i++) {
      let acc = 0n;
      const row = p.m[i];
      for (let j = 0; j < t; j++) acc += row[j] * s[j];
      next[i] = mod(acc);
    }
    s = next;
  }
  return s;
}

/** circomlib `Poseidon(n)`: hash of 1..POSEIDON_MAX_INPUTS field elements (capacity element 0). */
export function poseidon(inputs: readonly bigint[]): bigint {
  if (inputs.length < 1 || inputs.length > POSEIDON_MAX_INPUTS)
    throw new RangeError(`poseidon: takes 1..${POSEIDON_MAX_INPUTS} inputs, got ${inputs.length}`);
  return poseidonPermute([0n, ...inputs])[0];
}

export const poseidon2 = (a: bigint, b: bigint): bigint => poseidon([a, b]);

// BN254 scalar field (Fr) on plain BigInt. The proof system's polynomial code works on `bigint[]`
// in canonical form; hot loops can later switch to runtime/field's packed vectors behind these
// same names (see the report for the adapter plan).
import { BN254_FR } from "../field/index.ts";

export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** Multiplicative generator of Fr* (also used as the coset shift and the permutation's δ). */
export const GENERATOR = 7n;
/** 2-adicity of r − 1: the largest power-of-two domain is 2^28. */
export const TWO_ADICITY = 28;

export const add = (a: bigint, b: bigint): bigint => {
  const s = a + b;
  return s >= R ? s - R : s;
};
export const sub = (a: bigint, b: bigint): bigint => {
  const s = a - b;
  return s < 0n ? s + R : s;
};
export const mul = (a: bigint, b: bigint): bigint => (a * b) % R;
export const neg = (a: bigint): bigint => (a === 0n ? 0n : R - a);
export const mod = (a: bigint): bigint => {
  const m = a % R;
  return m < 0n ? m + R : m;
};

export function pow(base: bigint, e: bigint): bigint {
  let r = 1n;
  let b = mod(base);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % R;
    b = (b * b) % R;
    e >>= 1n;
  }
  return r;
}

export function inv(a: bigint): bigint {
  if (a === 0n) throw new Error("Fr: inverse of zero");
  // Extended Euclid is ~10x faster than Fermat on BigInt.
  let [t, newT, r, newR] = [0n, 1n, R, mod(a)];
  while (newR !== 0n) {
    const q = r / newR;
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  return t < 0n ? t + R : t;
}

/** Montgomery's trick: inverts every non-zero entry in place with one field inversion; zeros stay zero. */
export function batchInvert(xs: bigint[]): bigint[] {
  const prefix = new Array<bigint>(xs.length);
  let acc = 1n;
  for (let i = 0; i < xs.length; i++) {
    prefix[i] = acc;
    if (xs[i] !== 0n) acc = (acc * xs[i]) % R;
  }
  let invAcc = inv(acc);
  for (let i = xs.length - 1; i >= 0; i--) {
    if (xs[i] === 0n) continue;
    const v = xs[i];
    xs[i] = (invAcc * prefix[i]) % R;
    invAcc = (invAcc * v) % R;
  }
  return xs;
}

/** Primitive 2^k-th root of unity: runtime/field's, so that every NTT in the project agrees on ω. */
export function rootOfUnity(k: number): bigint {
  if (k > TWO_ADICITY) throw new Error(`Fr has no 2^${k}-th root of unity (max 2^${TWO_ADICITY})`);
  return BN254_FR.rootOfUnity(k);
}

export function fromBytesBE(b: Uint8Array): bigint {
  let x = 0n;
  for (const byte of b) x = (x << 8n) | BigInt(byte);
  return x;
}

export function toBytesBE(x: bigint, len = 32): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

// Packing of field elements as little-endian 32-bit limbs in Montgomery form (R = 2^(32·L)),
// the layout shared by FieldVec, the WASM kernels and the curve code.
import type { PrimeField } from "./prime-field.ts";

export interface MontParams {
  readonly field: PrimeField;
  readonly limbs: number;
  /** R = 2^(32·limbs) mod p. */
  readonly r: bigint;
  /** R^2 mod p (converts into Montgomery form with one Montgomery multiplication). */
  readonly r2: bigint;
  readonly rInv: bigint;
  /** −p^−1 mod 2^32 (CIOS reduction factor). */
  readonly pInv32: number;
}

const cache = new WeakMap<PrimeField, MontParams>();

export function montParams(field: PrimeField): MontParams {
  let m = cache.get(field);
  if (!m) {
    const limbs = field.limbs;
    const R = 1n << BigInt(32 * limbs);
    const r = R % field.p;
    const pInv = modInverse(field.p % (1n << 32n), 1n << 32n);
    m = {
      field,
      limbs,
      r,
      r2: (r * r) % field.p,
      rInv: field.inv(r),
      pInv32: Number(((1n << 32n) - pInv) % (1n << 32n)),
    };
    cache.set(field, m);
  }
  return m;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

/** Writes x (any integer < 2^(32·limbs)) as limbs at out[offset..]. */
export function writeLimbs(out: Uint32Array, offset: number, limbs: number, x: bigint): void {
  for (let i = 0; i < limbs; i++) {
    out[offset + i] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
}

export function readLimbs(src: Uint32Array, offset: number, limbs: number): bigint {
  let x = 0n;
  for (let i = limbs - 1; i >= 0; i--) x = (x << 32n) | BigInt(src[offset + i]);
  return x;
}

export function toMont(m: MontParams, x: bigint): bigint {
  return (m.field.fromBigint(x) * m.r) % m.field.p;
}

export function fromMont(m: MontParams, x: bigint): bigint {
  return (x * m.rInv) % m.field.p;
}

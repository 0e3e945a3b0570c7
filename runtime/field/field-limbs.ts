// Montgomery constants of a kernel field in the 32-bit-limb form every kernel target shares:
// little-endian u32 limbs, R = 2^(32·L). The layout equals runtime/field's packed FieldVec form,
// so host buffers move between the runtime and any target without conversion. Data, not lowering:
// the host loops of runtime/gpu pack and unpack with it, and the kernel backends import it from here.
import { montParams } from "./limbs.ts";
import { PrimeField } from "./prime-field.ts";

export interface FieldLimbs {
  /** CWIR field symbol (e.g. `bn254_fr`). */
  readonly name: string;
  /** Identifier-safe prefix for generated routines (`f_bn254_fr_mul`). */
  readonly prefix: string;
  readonly field: PrimeField;
  readonly modulus: bigint;
  /** Number of 32-bit limbs. */
  readonly limbs: number;
  readonly pLimbs: readonly number[];
  /** −p^−1 mod 2^32. */
  readonly pInv32: number;
  readonly r: bigint;
  readonly r2: bigint;
  readonly rInv: bigint;
  /** p has a spare top bit (p < 2^(32L−1)), so a + b never overflows L limbs. */
  readonly spareBit: boolean;
}

const cache = new Map<string, FieldLimbs>();

export function fieldLimbs(name: string, modulus: bigint): FieldLimbs {
  const key = `${name}:${modulus}`;
  let f = cache.get(key);
  if (!f) {
    const field = new PrimeField(modulus, name);
    const m = montParams(field);
    f = {
      name,
      prefix: `f_${name.replace(/[^A-Za-z0-9_]/g, "_")}`,
      field,
      modulus,
      limbs: m.limbs,
      pLimbs: toLimbs(modulus, m.limbs),
      pInv32: m.pInv32,
      r: m.r,
      r2: m.r2,
      rInv: m.rInv,
      spareBit: modulus < 1n << BigInt(32 * m.limbs - 1),
    };
    cache.set(key, f);
  }
  return f;
}

export function toLimbs(x: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number(x & 0xffffffffn));
    x >>= 32n;
  }
  return out;
}

export function fromLimbs(src: ArrayLike<number>, offset = 0, n = src.length - offset): bigint {
  let x = 0n;
  for (let i = n - 1; i >= 0; i--) x = (x << 32n) | BigInt(src[offset + i] >>> 0);
  return x;
}

/** Canonical value → Montgomery form x·R mod p. */
export function toMontgomery(f: FieldLimbs, x: bigint): bigint {
  return (f.field.fromBigint(x) * f.r) % f.modulus;
}
export function fromMontgomery(f: FieldLimbs, x: bigint): bigint {
  return (x * f.rInv) % f.modulus;
}

/** Packs canonical values into Montgomery limbs (L words per element). */
export function packMont(f: FieldLimbs, xs: readonly bigint[]): Uint32Array {
  const out = new Uint32Array(xs.length * f.limbs);
  for (let i = 0; i < xs.length; i++) {
    let m = toMontgomery(f, xs[i]);
    for (let j = 0; j < f.limbs; j++) {
      out[i * f.limbs + j] = Number(m & 0xffffffffn);
      m >>= 32n;
    }
  }
  return out;
}

export function unpackMont(f: FieldLimbs, words: Uint32Array, count = words.length / f.limbs): bigint[] {
  const out = new Array<bigint>(count);
  for (let i = 0; i < count; i++) out[i] = fromMontgomery(f, fromLimbs(words, i * f.limbs, f.limbs));
  return out;
}

/**
 * The exponent a kernel's `f.pow` uses: non-negative and below 2^(32L). Negative exponents go through
 * the group order (a^−e = a^(p−1−e) for a ≠ 0); huge ones are reduced mod p−1 (keeping 0^e = 0).
 */
export function powExponent(f: FieldLimbs, e: bigint): bigint {
  const n = f.modulus - 1n;
  if (e < 0n) return n - ((-e) % n);
  if (e < 1n << BigInt(32 * f.limbs)) return e;
  const r = e % n;
  return r === 0n ? n : r;
}

// Message encodings of the vertical-FL protocols: 64-bit fixed point (the baseline's exchanges) and
// b-bit quantisation with stochastic rounding, bit-packed (the improved protocol's), both in a ring
// Z_{2^k} so that additive masks that cancel in a sum can be laid over them.
import { Prg } from "../mpc/spdz2k/ring.ts";

export { Prg };

/** Fractional bits of the baseline's 64-bit fixed-point values. */
export const FIXED_FRAC = 24;
const SCALE = 2 ** FIXED_FRAC;

/** Real values → 64-bit fixed point (two's complement in Z_{2^64}). */
export function toFixed(x: ArrayLike<number>): BigUint64Array {
  const out = new BigUint64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = BigInt.asUintN(64, BigInt(Math.round(x[i] * SCALE)));
  return out;
}

export function fromFixed(v: BigUint64Array): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Number(BigInt.asIntN(64, v[i])) / SCALE;
  return out;
}

/** Adds (sign +1) or subtracts (−1) `n` mask words from `prg` to `v`, in Z_{2^64}. */
export function maskFixed(v: BigUint64Array, prg: Prg, sign: 1 | -1): void {
  const m = prg.bytes(8 * v.length);
  for (let i = 0; i < v.length; i++) {
    const w = m.readBigUInt64LE(8 * i);
    v[i] = BigInt.asUintN(64, sign > 0 ? v[i] + w : v[i] - w);
  }
}

export function addFixed(acc: BigUint64Array, v: BigUint64Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] = BigInt.asUintN(64, acc[i] + v[i]);
}

export function fixedBytes(v: BigUint64Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function fixedFrom(b: Buffer, n: number): BigUint64Array {
  if (b.length !== 8 * n) throw new Error(`a fixed-point message of ${b.length} bytes, expected ${8 * n}`);
  const out = new BigUint64Array(n);
  for (let i = 0; i < n; i++) out[i] = b.readBigUInt64LE(8 * i);
  return out;
}

/**
 * Quantises x/range to integers in [−levels, levels] with stochastic rounding (unbiased: the
 * expected value of q·range/levels is x, clipped to ±range), as elements of Z_{2^bits}.
 */
export function quantise(x: ArrayLike<number>, range: number, levels: number, bits: number, rnd: Prg): Uint32Array {
  const mod = 2 ** bits;
  const u = rnd.bytes(4 * x.length);
  const out = new Uint32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const t = Math.max(-levels, Math.min(levels, (x[i] / range) * levels));
    const lo = Math.floor(t);
    const q = lo + Number(u.readUInt32LE(4 * i) / 4294967296 < t - lo);
    out[i] = (q + mod) % mod;
  }
  return out;
}

/** Inverse of quantise for a (possibly summed) value: the centred representative times range/levels. */
export function dequantise(q: Uint32Array, range: number, levels: number, bits: number): Float64Array {
  const mod = 2 ** bits;
  const out = new Float64Array(q.length);
  for (let i = 0; i < q.length; i++) {
    const c = q[i] >= mod / 2 ? q[i] - mod : q[i];
    out[i] = (c * range) / levels;
  }
  return out;
}

/** Adds or subtracts uniform masks in Z_{2^bits} (bits ≤ 32). */
export function maskRing(v: Uint32Array, bits: number, prg: Prg, sign: 1 | -1): void {
  const mod = 2 ** bits;
  const m = prg.bytes(4 * v.length);
  for (let i = 0; i < v.length; i++) {
    const w = m.readUInt32LE(4 * i) % mod;
    v[i] = (v[i] + (sign > 0 ? w : mod - w)) % mod;
  }
}

export function addRing(acc: Uint32Array, v: Uint32Array, bits: number): void {
  const mod = 2 ** bits;
  for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] + v[i]) % mod;
}

/** Packs values of `bits` bits each, little-endian bit order, into ⌈n·bits/8⌉ bytes. */
export function packBits(v: Uint32Array, bits: number): Buffer {
  const out = Buffer.alloc(Math.ceil((v.length * bits) / 8));
  let bit = 0;
  for (let i = 0; i < v.length; i++)
    for (let k = 0; k < bits; k++, bit++) if ((v[i] >>> k) & 1) out[bit >> 3] |= 1 << (bit & 7);
  return out;
}

export function unpackBits(b: Buffer, n: number, bits: number): Uint32Array {
  if (b.length !== Math.ceil((n * bits) / 8)) throw new Error(`a ${bits}-bit packed message of ${b.length} bytes, expected ${Math.ceil((n * bits) / 8)}`);
  const out = new Uint32Array(n);
  let bit = 0;
  for (let i = 0; i < n; i++) {
    let x = 0;
    for (let k = 0; k < bits; k++, bit++) if ((b[bit >> 3] >> (bit & 7)) & 1) x |= 1 << k;
    out[i] = x >>> 0;
  }
  return out;
}

/** The PRG behind the pairwise mask of passive parties p < q for one message (both derive the same stream). */
export function pairMask(seed: Uint8Array, p: number, q: number, tag: string, step: number): Prg {
  return new Prg(Buffer.concat([Buffer.from(seed), Buffer.from(`${Math.min(p, q)}/${Math.max(p, q)}/${tag}/${step}`)]));
}

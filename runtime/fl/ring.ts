// Matrices over Z_{2^k} for the two-party products of the vertical-FL protocols: k ≤ 32 in one
// Uint32 word per element (Math.imul wraps mod 2^32, then the top bits are masked off), k = 64 in two
// words per element (low, high: the little-endian layout of a 64-bit word, so that a message is the
// array's bytes). Typed-array arithmetic, no BigInt: the products below run over every row and column
// of a party's data at each step.
import type { Prg } from "../mpc/spdz2k/ring.ts";
import { packBits, unpackBits } from "./codec.ts";

/** Ring width in bits: 1..32 or 64. */
export type RingBits = number;

export function checkBits(k: RingBits): void {
  if (!(k === 64 || (Number.isInteger(k) && k >= 1 && k <= 32))) throw new Error(`ring width ${k}: 1..32 or 64 bits`);
}

const words = (k: RingBits) => (k === 64 ? 2 : 1);
const maskOf = (k: RingBits) => (k >= 32 ? 0xffffffff : 2 ** k - 1);

/** n elements of Z_{2^k}, all zero. */
export function zeros(k: RingBits, n: number): Uint32Array {
  return new Uint32Array(n * words(k));
}

/** Signed integers (|x| < 2^31, or < 2^53 for k = 64) as elements of Z_{2^k}. */
export function fromInts(k: RingBits, x: ArrayLike<number>): Uint32Array {
  const out = zeros(k, x.length);
  if (k === 64) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const hi = Math.floor(v / 4294967296);
      out[2 * i] = (v - hi * 4294967296) >>> 0;
      out[2 * i + 1] = hi >>> 0;
    }
    return out;
  }
  const m = maskOf(k);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] & m) >>> 0;
  return out;
}

/** Elements as signed integers (the centred representative; for k = 64 exact while |x| < 2^53). */
export function toInts(k: RingBits, v: Uint32Array): Float64Array {
  const n = v.length / words(k);
  const out = new Float64Array(n);
  if (k === 64) {
    for (let i = 0; i < n; i++) out[i] = (v[2 * i + 1] | 0) * 4294967296 + v[2 * i];
    return out;
  }
  const mod = 2 ** k;
  for (let i = 0; i < n; i++) out[i] = v[i] >= mod / 2 ? v[i] - mod : v[i];
  return out;
}

/** Uniform elements from a PRG. */
export function random(k: RingBits, n: number, prg: Prg): Uint32Array {
  const b = prg.bytes(4 * n * words(k));
  const out = new Uint32Array(n * words(k));
  for (let i = 0; i < out.length; i++) out[i] = b.readUInt32LE(4 * i);
  if (k < 32) {
    const m = maskOf(k);
    for (let i = 0; i < out.length; i++) out[i] &= m;
  }
  return out;
}

/** a + sign·b, elementwise, into a new array. */
export function addSub(k: RingBits, a: Uint32Array, b: Uint32Array, sign: 1 | -1): Uint32Array {
  if (a.length !== b.length) throw new Error(`ring vectors of ${a.length} and ${b.length} words`);
  const out = new Uint32Array(a.length);
  if (k === 64) {
    for (let i = 0; i < a.length; i += 2) {
      const lo = sign > 0 ? a[i] + b[i] : a[i] - b[i];
      const carry = sign > 0 ? (lo >= 4294967296 ? 1 : 0) : lo < 0 ? -1 : 0;
      out[i] = lo >>> 0;
      out[i + 1] = (sign > 0 ? a[i + 1] + b[i + 1] : a[i + 1] - b[i + 1]) + carry;
    }
    return out;
  }
  const m = maskOf(k);
  for (let i = 0; i < a.length; i++) out[i] = ((sign > 0 ? a[i] + b[i] : a[i] - b[i]) & m) >>> 0;
  return out;
}

/** High 32 bits of the 64-bit product of two unsigned 32-bit words (16-bit halves, exact in doubles). */
function mulHi(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
}

/**
 * Lᵀ·R over the rows `rows` of L: L is n × D (row-major), R is rows.length × K (row i of R belongs
 * to row rows[i] of L); the result is D × K.
 */
export function matTmul(k: RingBits, L: Uint32Array, D: number, rows: ArrayLike<number>, R: Uint32Array, K: number): Uint32Array {
  if (R.length !== rows.length * K * words(k)) throw new Error(`matTmul: R has ${R.length} words for ${rows.length} rows × ${K}`);
  if (k !== 64) {
    const out = new Int32Array(D * K);
    for (let i = 0; i < rows.length; i++) {
      const lo = rows[i] * D;
      const ro = i * K;
      for (let j = 0; j < D; j++) {
        const l = L[lo + j];
        if (l === 0) continue;
        const oo = j * K;
        for (let c = 0; c < K; c++) out[oo + c] = (out[oo + c] + Math.imul(l, R[ro + c])) | 0;
      }
    }
    const m = maskOf(k);
    const u = new Uint32Array(D * K);
    for (let i = 0; i < u.length; i++) u[i] = (out[i] & m) >>> 0;
    return u;
  }
  // Low words summed in doubles (exact below 2^53, i.e. up to 2^21 rows), high words wrapping in int32.
  const sumLo = new Float64Array(D * K);
  const sumHi = new Int32Array(D * K);
  for (let i = 0; i < rows.length; i++) {
    const lo = 2 * rows[i] * D;
    const ro = 2 * i * K;
    for (let j = 0; j < D; j++) {
      const al = L[lo + 2 * j];
      const ah = L[lo + 2 * j + 1];
      if (al === 0 && ah === 0) continue;
      const oo = j * K;
      for (let c = 0; c < K; c++) {
        const bl = R[ro + 2 * c];
        const bh = R[ro + 2 * c + 1];
        sumLo[oo + c] += Math.imul(al, bl) >>> 0;
        sumHi[oo + c] = (sumHi[oo + c] + mulHi(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh)) | 0;
      }
    }
  }
  const out = new Uint32Array(2 * D * K);
  for (let i = 0; i < D * K; i++) {
    const carry = Math.floor(sumLo[i] / 4294967296);
    out[2 * i] = (sumLo[i] - carry * 4294967296) >>> 0;
    out[2 * i + 1] = (sumHi[i] + carry) >>> 0;
  }
  return out;
}

/**
 * L_R·W over the rows `rows` of L (n × D, row-major) and W (D × K): the result is rows.length × K
 * (k ≤ 32). The partial logits of shared weights.
 */
export function matMul(k: RingBits, L: Uint32Array, D: number, rows: ArrayLike<number>, W: Uint32Array, K: number): Uint32Array {
  if (k === 64) throw new Error("matMul: k ≤ 32");
  if (W.length !== D * K) throw new Error(`matMul: W has ${W.length} words for ${D} × ${K}`);
  const out = new Int32Array(rows.length * K);
  for (let i = 0; i < rows.length; i++) {
    const lo = rows[i] * D;
    const oo = i * K;
    for (let j = 0; j < D; j++) {
      const l = L[lo + j];
      if (l === 0) continue;
      const wo = j * K;
      for (let c = 0; c < K; c++) out[oo + c] = (out[oo + c] + Math.imul(l, W[wo + c])) | 0;
    }
  }
  const m = maskOf(k);
  const u = new Uint32Array(out.length);
  for (let i = 0; i < u.length; i++) u[i] = (out[i] & m) >>> 0;
  return u;
}

/** The rows `rows` of an n × D matrix, stacked. */
export function takeRows(k: RingBits, M: Uint32Array, D: number, rows: ArrayLike<number>): Uint32Array {
  const w = words(k) * D;
  const out = new Uint32Array(rows.length * w);
  for (let i = 0; i < rows.length; i++) out.set(M.subarray(rows[i] * w, rows[i] * w + w), i * w);
  return out;
}

/**
 * One party's share s of a value x = s + s' (mod 2^k) → its share of x / 2^f rounded, mod 2^m, for
 * m ≤ k − f. Each party drops the low f bits of its own share; the two floors lose at most one unit
 * together, and the carry out of the top only affects bits above k − f, which the reduction mod 2^m
 * removes, so the result never wraps (unlike truncation that keeps the full ring). With the other
 * share uniform in the ring, the two floors lose (2^f − 1)/2^f of a unit on average; the party with
 * `roundUp` adds 2^f − 1 to its share first, which makes the opened value an unbiased stochastic
 * rounding of x / 2^f (within one unit of it).
 */
export function truncShare(k: RingBits, s: Uint32Array, f: number, m: number, roundUp: boolean): Uint32Array {
  if (k === 64 || m + f > k) throw new Error(`truncShare: needs k ≤ 32 and m + f ≤ k (k ${k}, f ${f}, m ${m})`);
  const mk = maskOf(k);
  const mm = maskOf(m);
  const c = roundUp ? 2 ** f - 1 : 0;
  const out = new Uint32Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = ((((s[i] + c) & mk) >>> f) & mm) >>> 0;
  return out;
}

/** The bytes of a message: k ≤ 32 bit-packed, k = 64 eight bytes per element. */
export function toBytes(k: RingBits, v: Uint32Array): Buffer {
  if (k === 64) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (k === 32) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return packBits(v, k);
}

export function fromBytes(k: RingBits, b: Buffer, n: number): Uint32Array {
  if (k === 64 || k === 32) {
    const w = words(k) * n;
    if (b.length !== 4 * w) throw new Error(`a ${k}-bit ring message of ${b.length} bytes, expected ${4 * w}`);
    const out = new Uint32Array(w);
    for (let i = 0; i < w; i++) out[i] = b.readUInt32LE(4 * i);
    return out;
  }
  return unpackBits(b, n, k);
}

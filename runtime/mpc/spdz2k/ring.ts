// Arithmetic of SPDZ2k with k = 64 (the values, Z_2^64) and s = 64 (the statistical security): shares
// and MACs live in Z_2^(k+s) = Z_2^128, the MAC key in Z_2^s. BigInt, reduced with asUintN.
import { createCipheriv, createHash, randomBytes } from "node:crypto";

export const K = 64;
export const S = 64;
export const KS = K + S;
export const MASK_K = (1n << BigInt(K)) - 1n;
export const TWO_K = 1n << BigInt(K);

export const mod = (x: bigint): bigint => BigInt.asUintN(KS, x);
export const modK = (x: bigint): bigint => BigInt.asUintN(K, x);
/** A value of Z_2^64 read as two's-complement signed. */
export const signedK = (x: bigint): bigint => BigInt.asIntN(K, x);

/** Little-endian words of `bytesPer` bytes (8: Z_2^64, 16: Z_2^128). */
export function packWords(xs: readonly bigint[], bytesPer: 8 | 16): Buffer {
  const b = Buffer.allocUnsafe(xs.length * bytesPer);
  for (let i = 0; i < xs.length; i++) {
    b.writeBigUInt64LE(BigInt.asUintN(64, xs[i]), i * bytesPer);
    if (bytesPer === 16) b.writeBigUInt64LE(BigInt.asUintN(64, xs[i] >> 64n), i * bytesPer + 8);
  }
  return b;
}

export function unpackWords(b: Buffer, bytesPer: 8 | 16, count: number, what: string): bigint[] {
  if (b.length !== count * bytesPer) throw new Error(`${what}: expected ${count * bytesPer} bytes, got ${b.length}`);
  const out = new Array<bigint>(count);
  for (let i = 0; i < count; i++) {
    const lo = b.readBigUInt64LE(i * bytesPer);
    out[i] = bytesPer === 16 ? lo | (b.readBigUInt64LE(i * bytesPer + 8) << 64n) : lo;
  }
  return out;
}

/** A deterministic stream of random words from a 16-byte seed (AES-128 in counter mode). */
export class Prg {
  private readonly aes;
  private buf = Buffer.alloc(0);
  private pos = 0;
  constructor(seed: Uint8Array) {
    const key = createHash("sha256").update(seed).digest().subarray(0, 16);
    this.aes = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  }
  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) {
      const rest = this.buf.subarray(this.pos);
      this.buf = Buffer.concat([rest, this.aes.update(Buffer.alloc(Math.max(65536, n)))]);
      this.pos = 0;
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  u64(): bigint {
    return this.bytes(8).readBigUInt64LE(0);
  }
  u128(): bigint {
    const b = this.bytes(16);
    return b.readBigUInt64LE(0) | (b.readBigUInt64LE(8) << 64n);
  }
}

/** A hiding, binding commitment: SHA-256 of a fresh 32-byte nonce and the value. */
export function commit(value: Uint8Array): { commitment: Buffer; opening: Buffer } {
  const opening = Buffer.concat([randomBytes(32), value]);
  return { commitment: createHash("sha256").update(opening).digest(), opening };
}

/** The value inside `opening` if it matches `commitment`, else undefined. */
export function openCommitment(commitment: Uint8Array, opening: Buffer): Buffer | undefined {
  if (opening.length < 32) return undefined;
  return createHash("sha256").update(opening).digest().equals(Buffer.from(commitment)) ? opening.subarray(32) : undefined;
}

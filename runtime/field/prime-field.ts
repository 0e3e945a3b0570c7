// BigInt reference arithmetic for any prime field. Every fast path (WASM, workers) is tested against this.
import { randomBytes } from "node:crypto";

export type { Progress } from "../../base/progress/index.ts";

// One randomBytes call per 64 KiB: a call per element dominated the cost of random vectors.
let pool: Buffer = Buffer.alloc(0);
let poolPos = 0;
function takeRandom(n: number): Buffer {
  const len = Math.ceil(n / 4) * 4;
  if (poolPos + len > pool.length) {
    pool = randomBytes(1 << 16);
    poolPos = 0;
  }
  const out = pool.subarray(poolPos, poolPos + len);
  poolPos += len;
  return out;
}

export class PrimeField {
  readonly p: bigint;
  readonly name: string;
  /** Bits in p. */
  readonly bits: number;
  /** Bytes of a canonical encoding (ceil(bits/8)). */
  readonly byteLength: number;
  /** Number of 32-bit limbs of the packed form (ceil(bits/32)). */
  readonly limbs: number;
  /** s such that 2^s exactly divides p−1. */
  readonly twoAdicity: number;
  readonly ZERO = 0n;
  readonly ONE = 1n;
  private readonly oddPart: bigint;
  private nonResidueCache: bigint | undefined;
  private readonly rootCache = new Map<number, bigint>();

  constructor(p: bigint, name = `F_${p}`) {
    if (p < 2n) throw new RangeError(`field modulus must be a prime ≥ 2, got ${p}`);
    this.p = p;
    this.name = name;
    this.bits = p.toString(2).length;
    this.byteLength = Math.ceil(this.bits / 8);
    this.limbs = Math.ceil(this.bits / 32);
    let q = p - 1n;
    let s = 0;
    while (q > 0n && (q & 1n) === 0n) {
      q >>= 1n;
      s++;
    }
    this.oddPart = q;
    this.twoAdicity = s;
  }

  /** Reduces any integer (negative included) into [0, p). */
  fromBigint(x: bigint | number): bigint {
    const v = typeof x === "number" ? BigInt(x) : x;
    const r = v % this.p;
    return r < 0n ? r + this.p : r;
  }
  toBigint(x: bigint): bigint {
    return x;
  }
  isValid(x: bigint): boolean {
    return x >= 0n && x < this.p;
  }
  isZero(x: bigint): boolean {
    return x === 0n;
  }
  eq(a: bigint, b: bigint): boolean {
    return a === b;
  }
  add(a: bigint, b: bigint): bigint {
    const r = a + b;
    return r >= this.p ? r - this.p : r;
  }
  sub(a: bigint, b: bigint): bigint {
    const r = a - b;
    return r < 0n ? r + this.p : r;
  }
  neg(a: bigint): bigint {
    return a === 0n ? 0n : this.p - a;
  }
  mul(a: bigint, b: bigint): bigint {
    return (a * b) % this.p;
  }
  square(a: bigint): bigint {
    return (a * a) % this.p;
  }
  /** a^e for e ≥ 0 (negative e inverts first). */
  pow(a: bigint, e: bigint | number): bigint {
    let exp = typeof e === "number" ? BigInt(e) : e;
    let base = a % this.p;
    if (exp < 0n) {
      base = this.inv(base);
      exp = -exp;
    }
    let r = 1n;
    while (exp > 0n) {
      if (exp & 1n) r = (r * base) % this.p;
      base = (base * base) % this.p;
      exp >>= 1n;
    }
    return r;
  }
  /** Multiplicative inverse (extended Euclid); throws RangeError on 0. */
  inv(a: bigint): bigint {
    let x = this.fromBigint(a);
    if (x === 0n) throw new RangeError(`${this.name}: inverse of zero`);
    let y = this.p;
    let u = 1n;
    let v = 0n;
    while (x !== 0n) {
      const q = y / x;
      [y, x] = [x, y - q * x];
      [v, u] = [u, v - q * u];
    }
    return this.fromBigint(v);
  }
  div(a: bigint, b: bigint): bigint {
    return this.mul(a, this.inv(b));
  }
  /** Legendre symbol: 1 for non-zero squares, −1 for non-squares, 0 for 0. */
  legendre(a: bigint): -1 | 0 | 1 {
    if (a === 0n) return 0;
    if (this.p === 2n) return 1;
    return this.pow(a, (this.p - 1n) >> 1n) === 1n ? 1 : -1;
  }
  /** Smallest quadratic non-residue; its odd-part power generates the 2-Sylow subgroup. */
  nonResidue(): bigint {
    if (this.nonResidueCache === undefined) {
      if (this.p === 2n) throw new RangeError("F_2 has no quadratic non-residue");
      let z = 2n;
      while (this.legendre(z) !== -1) z++;
      this.nonResidueCache = z;
    }
    return this.nonResidueCache;
  }
  /** A square root (Tonelli–Shanks), or undefined when a is not a square. */
  sqrt(a: bigint): bigint | undefined {
    const x = this.fromBigint(a);
    if (x === 0n || this.p === 2n) return x;
    if (this.legendre(x) !== 1) return undefined;
    let m = this.twoAdicity;
    let c = this.pow(this.nonResidue(), this.oddPart);
    let t = this.pow(x, this.oddPart);
    let r = this.pow(x, (this.oddPart + 1n) >> 1n);
    while (t !== 1n) {
      let i = 0;
      let t2 = t;
      while (t2 !== 1n) {
        t2 = this.square(t2);
        i++;
      }
      let b = c;
      for (let j = 0; j < m - i - 1; j++) b = this.square(b);
      m = i;
      c = this.square(b);
      t = this.mul(t, c);
      r = this.mul(r, b);
    }
    return r;
  }
  /**
   * A primitive 2^k-th root of unity (k ≤ twoAdicity). Derived from the smallest non-residue z as
   * z^((p−1)/2^s) squared s−k times, so every caller in the project agrees on the same ω.
   */
  rootOfUnity(k: number): bigint {
    if (!Number.isInteger(k) || k < 0 || k > this.twoAdicity)
      throw new RangeError(`${this.name}: no root of unity of order 2^${k} (two-adicity ${this.twoAdicity})`);
    let w = this.rootCache.get(k);
    if (w === undefined) {
      w = k === 0 ? 1n : this.pow(this.nonResidue(), this.oddPart);
      for (let i = this.twoAdicity; i > k && k > 0; i--) w = this.square(w);
      this.rootCache.set(k, w);
    }
    return w;
  }
  /** Uniform element from node:crypto (128 extra bits make the modular bias negligible). */
  random(): bigint {
    const bytes = takeRandom(this.byteLength + 16);
    let x = 0n;
    for (let i = 0; i < bytes.length; i += 4) x = (x << 32n) | BigInt(bytes.readUInt32LE(i));
    return x % this.p;
  }
  /** Inverts every element with one field inversion (Montgomery's trick); throws on a zero element. */
  batchInverse(xs: readonly bigint[]): bigint[] {
    const n = xs.length;
    const prefix = new Array<bigint>(n);
    let acc = 1n;
    for (let i = 0; i < n; i++) {
      if (xs[i] === 0n) throw new RangeError(`${this.name}: batchInverse of zero at index ${i}`);
      prefix[i] = acc;
      acc = this.mul(acc, xs[i]);
    }
    let inv = this.inv(acc);
    const out = new Array<bigint>(n);
    for (let i = n - 1; i >= 0; i--) {
      out[i] = this.mul(inv, prefix[i]);
      inv = this.mul(inv, xs[i]);
    }
    return out;
  }
  /** Canonical little-endian encoding of byteLength bytes. */
  toBytesLE(a: bigint): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    let x = this.fromBigint(a);
    for (let i = 0; i < this.byteLength; i++) {
      out[i] = Number(x & 0xffn);
      x >>= 8n;
    }
    return out;
  }
  toBytesBE(a: bigint): Uint8Array {
    return this.toBytesLE(a).reverse();
  }
  /** Decodes a canonical encoding; throws RangeError if the length is wrong or the value ≥ p. */
  fromBytesLE(bytes: Uint8Array): bigint {
    if (bytes.length !== this.byteLength)
      throw new RangeError(`${this.name}: expected ${this.byteLength} bytes, got ${bytes.length}`);
    let x = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]);
    if (x >= this.p) throw new RangeError(`${this.name}: encoding is not canonical (value ≥ p)`);
    return x;
  }
  fromBytesBE(bytes: Uint8Array): bigint {
    return this.fromBytesLE(Uint8Array.from(bytes).reverse());
  }
}

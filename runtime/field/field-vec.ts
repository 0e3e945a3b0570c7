// FieldVec: n field elements packed as n × L little-endian 32-bit limbs in Montgomery form.
// Operations dispatch to the WASM kernels once `loadFastField()` has run, else to the BigInt reference.
import type { PrimeField } from "./prime-field.ts";
import { fromMont, montParams, readLimbs, toMont, writeLimbs, type MontParams } from "./limbs.ts";

/** Elementwise kernels over packed Montgomery limbs; `n` counts elements, not limbs. */
export interface VecKernels {
  add(a: Uint32Array, b: Uint32Array, out: Uint32Array, n: number): void;
  sub(a: Uint32Array, b: Uint32Array, out: Uint32Array, n: number): void;
  mul(a: Uint32Array, b: Uint32Array, out: Uint32Array, n: number): void;
  /** out[i] = a[i] · c, with c one packed Montgomery element. */
  scale(a: Uint32Array, c: Uint32Array, out: Uint32Array, n: number): void;
  /** out[i] = a[i]^−1, zero elements map to zero. */
  batchInverse(a: Uint32Array, out: Uint32Array, n: number): void;
  /** Σ a[i]·b[i] as one packed Montgomery element. */
  innerProduct(a: Uint32Array, b: Uint32Array, n: number): Uint32Array;
}

let fastKernels = new WeakMap<PrimeField, VecKernels | null>();
let provider: ((field: PrimeField) => VecKernels | null) | undefined;

/** Installs the fast kernel factory (the WASM loader does); kernels are then built on a field's first use. */
export function setKernelProvider(p: (field: PrimeField) => VecKernels | null): void {
  provider = p;
  fastKernels = new WeakMap();
}

export function kernelsFor(field: PrimeField): VecKernels {
  return fastKernelsFor(field) ?? referenceKernels(montParams(field));
}

function fastKernelsFor(field: PrimeField): VecKernels | null {
  let k = fastKernels.get(field);
  if (k === undefined && provider) fastKernels.set(field, (k = provider(field)));
  return k ?? null;
}

/** Below this many elements, BigInt conversion beats a round trip through WASM memory. */
const BULK_CONVERT = 64;

function rawLimbs(x: bigint, L: number): Uint32Array {
  const out = new Uint32Array(L);
  writeLimbs(out, 0, L, x);
  return out;
}

const refCache = new WeakMap<MontParams, VecKernels>();

/** The BigInt reference kernels: slow, obviously correct, the oracle for the WASM ones. */
export function referenceKernels(m: MontParams): VecKernels {
  const cached = refCache.get(m);
  if (cached) return cached;
  const L = m.limbs;
  const F = m.field;
  const get = (v: Uint32Array, i: number) => fromMont(m, readLimbs(v, i * L, L));
  const put = (v: Uint32Array, i: number, x: bigint) => writeLimbs(v, i * L, L, toMont(m, x));
  const zip = (f: (x: bigint, y: bigint) => bigint) => (a: Uint32Array, b: Uint32Array, out: Uint32Array, n: number) => {
    for (let i = 0; i < n; i++) put(out, i, f(get(a, i), get(b, i)));
  };
  const k: VecKernels = {
    add: zip((x, y) => F.add(x, y)),
    sub: zip((x, y) => F.sub(x, y)),
    mul: zip((x, y) => F.mul(x, y)),
    scale(a, c, out, n) {
      const cv = get(c, 0);
      for (let i = 0; i < n; i++) put(out, i, F.mul(get(a, i), cv));
    },
    batchInverse(a, out, n) {
      const xs: bigint[] = [];
      const idx: number[] = [];
      for (let i = 0; i < n; i++) {
        const x = get(a, i);
        if (x !== 0n) {
          xs.push(x);
          idx.push(i);
        } else put(out, i, 0n);
      }
      const inv = xs.length ? F.batchInverse(xs) : [];
      for (let j = 0; j < idx.length; j++) put(out, idx[j], inv[j]);
    },
    innerProduct(a, b, n) {
      let acc = 0n;
      for (let i = 0; i < n; i++) acc = (acc + get(a, i) * get(b, i)) % F.p;
      const out = new Uint32Array(L);
      put(out, 0, acc);
      return out;
    },
  };
  refCache.set(m, k);
  return k;
}

export class FieldVec {
  readonly field: PrimeField;
  readonly length: number;
  /** Limbs per element. */
  readonly limbs: number;
  /** n × limbs words, element i at [i·limbs, (i+1)·limbs), Montgomery form. May view a SharedArrayBuffer. */
  readonly data: Uint32Array;

  constructor(field: PrimeField, length: number, data?: Uint32Array) {
    this.field = field;
    this.length = length;
    this.limbs = field.limbs;
    const words = length * this.limbs;
    if (data && data.length !== words)
      throw new RangeError(`FieldVec(${field.name}): expected ${words} words for ${length} elements, got ${data.length}`);
    this.data = data ?? new Uint32Array(words);
  }

  static zeros(field: PrimeField, length: number): FieldVec {
    return new FieldVec(field, length);
  }
  /** Packs canonical or unreduced integers (reduced mod p first). */
  static fromBigints(field: PrimeField, xs: readonly (bigint | number)[]): FieldVec {
    const v = new FieldVec(field, xs.length);
    const L = v.limbs;
    const m = montParams(field);
    const k = fastKernelsFor(field);
    if (!k || xs.length < BULK_CONVERT) {
      for (let i = 0; i < xs.length; i++) writeLimbs(v.data, i * L, L, toMont(m, field.fromBigint(xs[i])));
      return v;
    }
    // Canonical limbs, then one Montgomery multiplication by R² each (x·R²/R = x·R) in the fast kernels.
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      writeLimbs(v.data, i * L, L, typeof x === "bigint" && x >= 0n && x < field.p ? x : field.fromBigint(x));
    }
    k.scale(v.data, rawLimbs(m.r2, L), v.data, xs.length);
    return v;
  }
  toBigints(): bigint[] {
    const m = montParams(this.field);
    const L = this.limbs;
    const out = new Array<bigint>(this.length);
    const k = fastKernelsFor(this.field);
    if (!k || this.length < BULK_CONVERT) {
      for (let i = 0; i < this.length; i++) out[i] = fromMont(m, readLimbs(this.data, i * L, L));
      return out;
    }
    // x·R · 1 / R = x: one Montgomery multiplication by the plain 1.
    const plain = new Uint32Array(this.data.length);
    k.scale(this.data, rawLimbs(1n, L), plain, this.length);
    for (let i = 0; i < this.length; i++) out[i] = readLimbs(plain, i * L, L);
    return out;
  }
  get(i: number): bigint {
    this.check(i);
    return fromMont(montParams(this.field), readLimbs(this.data, i * this.limbs, this.limbs));
  }
  set(i: number, x: bigint): void {
    this.check(i);
    writeLimbs(this.data, i * this.limbs, this.limbs, toMont(montParams(this.field), x));
  }
  clone(): FieldVec {
    return new FieldVec(this.field, this.length, this.data.slice());
  }
  /** Elements [start, end) as a copy. */
  slice(start: number, end = this.length): FieldVec {
    return new FieldVec(this.field, Math.max(0, end - start), this.data.slice(start * this.limbs, end * this.limbs));
  }

  add(other: FieldVec, out?: FieldVec): FieldVec {
    return this.binary(other, out, "add");
  }
  sub(other: FieldVec, out?: FieldVec): FieldVec {
    return this.binary(other, out, "sub");
  }
  mul(other: FieldVec, out?: FieldVec): FieldVec {
    return this.binary(other, out, "mul");
  }
  scale(c: bigint, out?: FieldVec): FieldVec {
    const o = this.target(out);
    const cv = FieldVec.fromBigints(this.field, [c]);
    kernelsFor(this.field).scale(this.data, cv.data, o.data, this.length);
    return o;
  }
  /** Elementwise inverse with one field inversion; zero elements stay zero. */
  batchInverse(out?: FieldVec): FieldVec {
    const o = this.target(out);
    kernelsFor(this.field).batchInverse(this.data, o.data, this.length);
    return o;
  }
  innerProduct(other: FieldVec): bigint {
    this.sameShape(other);
    const r = kernelsFor(this.field).innerProduct(this.data, other.data, this.length);
    return fromMont(montParams(this.field), readLimbs(r, 0, this.limbs));
  }

  private binary(other: FieldVec, out: FieldVec | undefined, op: "add" | "sub" | "mul"): FieldVec {
    this.sameShape(other);
    const o = this.target(out);
    kernelsFor(this.field)[op](this.data, other.data, o.data, this.length);
    return o;
  }
  private target(out: FieldVec | undefined): FieldVec {
    if (!out) return new FieldVec(this.field, this.length);
    this.sameShape(out);
    return out;
  }
  private sameShape(o: FieldVec): void {
    if (o.field !== this.field) throw new TypeError(`FieldVec: field mismatch (${this.field.name} vs ${o.field.name})`);
    if (o.length !== this.length) throw new RangeError(`FieldVec: length mismatch (${this.length} vs ${o.length})`);
  }
  private check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new RangeError(`FieldVec: index ${i} out of range 0..${this.length - 1}`);
  }
}

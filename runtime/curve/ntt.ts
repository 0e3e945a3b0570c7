// Number-theoretic transforms over any 2-adic prime field: evaluation domains of size 2^k and radix-2 NTT.
import { BN254_FR, FieldVec, hasWasmField, type PrimeField, type Progress } from "../field/index.ts";
import { fourStepShape, nttEngine, nttFourStep } from "./ntt-fast.ts";
import { defaultThreads, getPool, poolTask } from "../pool/index.ts";
import type { NttSliceJob } from "./tasks.ts";
import { nttModule } from "./wasm/modules.ts";

const NTT_COLUMNS_TASK = poolTask<NttSliceJob>(new URL("./tasks.ts", import.meta.url), "nttColumns");
const NTT_ROWS_TASK = poolTask<NttSliceJob>(new URL("./tasks.ts", import.meta.url), "nttRows");

export interface NttOptions {
  /** Inverse transform (evaluations → coefficients), including the 1/n factor. */
  inverse?: boolean;
  /**
   * Coset shift g: forward evaluates on g·⟨ω⟩ (coefficients scaled by g^i first); inverse undoes it
   * (coefficients scaled by g^−i after the inverse transform).
   */
  coset?: bigint;
  progress?: Progress;
  /**
   * Use the four-step (chunked) algorithm, whose WASM memory holds only ≈√n elements. Default: only above
   * 2^FOUR_STEP_ABOVE, where one linear memory could not hold data and twiddles.
   */
  fourStep?: boolean;
}

/** Domains larger than 2^24 run four-step by default. */
export const FOUR_STEP_ABOVE = 24;

/** The multiplicative subgroup ⟨ω⟩ of size 2^logSize, with the constants an NTT needs. */
export class Domain {
  readonly field: PrimeField;
  readonly logSize: number;
  readonly size: number;
  /** Primitive size-th root of unity (field.rootOfUnity(logSize)). */
  readonly omega: bigint;
  readonly omegaInv: bigint;
  /** 1/size. */
  readonly sizeInv: bigint;
  private twiddleCache: bigint[] | undefined;

  constructor(logSize: number, field: PrimeField = BN254_FR) {
    if (!Number.isInteger(logSize) || logSize < 0 || logSize > field.twoAdicity)
      throw new RangeError(`Domain: size 2^${logSize} exceeds the two-adicity ${field.twoAdicity} of ${field.name}`);
    this.field = field;
    this.logSize = logSize;
    this.size = 2 ** logSize;
    this.omega = field.rootOfUnity(logSize);
    this.omegaInv = field.inv(this.omega);
    this.sizeInv = field.inv(BigInt(this.size));
  }

  /** Smallest domain with at least n points. */
  static ofSize(n: number, field: PrimeField = BN254_FR): Domain {
    let k = 0;
    while (2 ** k < n) k++;
    return new Domain(k, field);
  }

  /** ω^0 … ω^(size/2 − 1), the radix-2 butterfly factors. */
  twiddles(): bigint[] {
    if (!this.twiddleCache) {
      const half = Math.max(1, this.size >> 1);
      const t = new Array<bigint>(half);
      t[0] = 1n;
      for (let i = 1; i < half; i++) t[i] = this.field.mul(t[i - 1], this.omega);
      this.twiddleCache = t;
    }
    return this.twiddleCache;
  }

  /** ω^i. */
  element(i: number): bigint {
    return this.field.pow(this.omega, BigInt(i));
  }
}

function bitReverse(a: bigint[], logN: number): void {
  const n = a.length;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, x = i; b < logN; b++, x >>= 1) r = (r << 1) | (x & 1);
    if (r > i) [a[i], a[r]] = [a[r], a[i]];
  }
}

/** Reference in-place iterative radix-2 NTT on canonical bigints (natural order in and out). */
export function nttBigint(a: bigint[], domain: Domain, inverse: boolean, progress?: Progress): void {
  const F = domain.field;
  const n = a.length;
  bitReverse(a, domain.logSize);
  const tw = domain.twiddles();
  const twInv = inverse ? tw.map((_, i) => (i === 0 ? 1n : F.neg(tw[n / 2 - i] ?? 1n))) : tw;
  for (let len = 2, s = 1; len <= n; len <<= 1, s++) {
    const half = len >> 1;
    const step = n / len;
    for (let i = 0; i < n; i += len) {
      for (let j = 0; j < half; j++) {
        const w = twInv[j * step];
        const u = a[i + j];
        const v = F.mul(a[i + j + half], w);
        a[i + j] = F.add(u, v);
        a[i + j + half] = F.sub(u, v);
      }
    }
    progress?.("ntt", s, domain.logSize);
  }
  if (inverse) for (let i = 0; i < n; i++) a[i] = F.mul(a[i], domain.sizeInv);
}

function applyCoset(a: bigint[], F: PrimeField, g: bigint): void {
  let c = 1n;
  for (let i = 0; i < a.length; i++) {
    a[i] = F.mul(a[i], c);
    c = F.mul(c, g);
  }
}

/**
 * NTT of a power-of-two-length vector (natural order in and out). Returns a new value of the same
 * kind as the input; a FieldVec carries its own field, a bigint[] uses `field`.
 */
export function ntt<T extends FieldVec | readonly bigint[]>(values: T, opts: NttOptions = {}, field: PrimeField = BN254_FR): T {
  const isVec = values instanceof FieldVec;
  const F = isVec ? (values as FieldVec).field : field;
  const n = values.length;
  if (n === 0 || (n & (n - 1)) !== 0) throw new RangeError(`ntt: length must be a power of two, got ${n}`);
  const logN = Math.log2(n);
  if (logN > F.twoAdicity) throw new RangeError(`ntt: size 2^${logN} exceeds the two-adicity ${F.twoAdicity} of ${F.name}`);
  const coset = opts.coset === undefined ? undefined : F.fromBigint(opts.coset);
  if (coset === 0n) throw new RangeError("ntt: coset shift must be non-zero");
  const engine = nttEngine(F);
  if (engine) {
    const v = isVec ? (values as FieldVec).clone() : FieldVec.fromBigints(F, values as readonly bigint[]);
    if (opts.fourStep ?? logN > FOUR_STEP_ABOVE) nttFourStep(engine, v.data, logN, !!opts.inverse, coset, opts.progress);
    else engine.run(v.data, logN, !!opts.inverse, coset, opts.progress);
    return (isVec ? v : v.toBigints()) as unknown as T;
  }
  const a = isVec ? (values as FieldVec).toBigints() : (values as readonly bigint[]).map((x) => F.fromBigint(x));
  const domain = domainFor(F, logN);
  if (coset !== undefined && !opts.inverse) applyCoset(a, F, coset);
  nttBigint(a, domain, !!opts.inverse, opts.progress);
  if (coset !== undefined && opts.inverse) applyCoset(a, F, F.inv(coset));
  return (isVec ? FieldVec.fromBigints(F, a) : a) as unknown as T;
}

/** In-place NTT of a FieldVec (no copy): the hot-path form of ntt(). */
export function nttInPlace(values: FieldVec, opts: NttOptions = {}): void {
  const F = values.field;
  const n = values.length;
  if (n === 0 || (n & (n - 1)) !== 0) throw new RangeError(`ntt: length must be a power of two, got ${n}`);
  const engine = nttEngine(F);
  if (!engine) {
    values.data.set(ntt(values, opts).data);
    return;
  }
  const coset = opts.coset === undefined ? undefined : F.fromBigint(opts.coset);
  const logN = Math.log2(n);
  if (opts.fourStep ?? logN > FOUR_STEP_ABOVE) nttFourStep(engine, values.data, logN, !!opts.inverse, coset, opts.progress);
  else engine.run(values.data, logN, !!opts.inverse, coset, opts.progress);
}

export function intt<T extends FieldVec | readonly bigint[]>(values: T, opts: Omit<NttOptions, "inverse"> = {}, field: PrimeField = BN254_FR): T {
  return ntt(values, { ...opts, inverse: true }, field);
}

/** Evaluations on the coset shift·⟨ω⟩ of the polynomial with the given coefficients. */
export function cosetNtt<T extends FieldVec | readonly bigint[]>(values: T, shift: bigint, field: PrimeField = BN254_FR): T {
  return ntt(values, { coset: shift }, field);
}

/** Coefficients from evaluations on shift·⟨ω⟩. */
export function cosetIntt<T extends FieldVec | readonly bigint[]>(values: T, shift: bigint, field: PrimeField = BN254_FR): T {
  return ntt(values, { coset: shift, inverse: true }, field);
}

const domains = new WeakMap<PrimeField, Map<number, Domain>>();

/** Cached domain of size 2^logSize over field (twiddles are computed once per process). */
export function domainFor(field: PrimeField, logSize: number): Domain {
  let m = domains.get(field);
  if (!m) domains.set(field, (m = new Map()));
  let d = m.get(logSize);
  if (!d) m.set(logSize, (d = new Domain(logSize, field)));
  return d;
}

/**
 * NTT on worker threads: the four-step split, columns then rows spread over `threads` workers sharing the
 * vector through a SharedArrayBuffer. Returns a new FieldVec; falls back to ntt() for small sizes or one thread.
 */
export async function nttParallel(values: FieldVec, opts: NttOptions & { threads?: number } = {}): Promise<FieldVec> {
  const F = values.field;
  const n = values.length;
  const threads = Math.max(1, Math.floor(opts.threads ?? defaultThreads()));
  if (n === 0 || (n & (n - 1)) !== 0) throw new RangeError(`ntt: length must be a power of two, got ${n}`);
  const logN = Math.log2(n);
  if (logN > F.twoAdicity) throw new RangeError(`ntt: size 2^${logN} exceeds the two-adicity ${F.twoAdicity} of ${F.name}`);
  if (threads === 1 || logN < 12 || !hasWasmField(F)) return ntt(values, opts);
  const coset = opts.coset === undefined ? undefined : F.fromBigint(opts.coset);
  if (coset === 0n) throw new RangeError("ntt: coset shift must be non-zero");
  const L = F.limbs;
  const data = new Uint32Array(new SharedArrayBuffer(n * L * 4));
  data.set(values.data);
  const out = new Uint32Array(new SharedArrayBuffer(n * L * 4));
  const { n1, n2 } = fourStepShape(logN);
  const compiled = nttModule(F);
  const pool = getPool(threads);
  const inverse = !!opts.inverse;
  const slices = (count: number) => {
    const parts = Math.min(count, threads * 4);
    return Array.from({ length: parts }, (_, i) => [Math.floor((i * count) / parts), Math.floor(((i + 1) * count) / parts)]);
  };
  let done = 0;
  const base = { p: F.p, compiled, data, out, logN, inverse, coset };
  await Promise.all(
    slices(n2).map(([from, to]) =>
      pool.run(NTT_COLUMNS_TASK, { ...base, from, to }).then(() => opts.progress?.("ntt-columns", (done += to - from), n2)),
    ),
  );
  done = 0;
  await Promise.all(
    slices(n1).map(([from, to]) =>
      pool.run(NTT_ROWS_TASK, { ...base, from, to }).then(() => opts.progress?.("ntt-rows", (done += to - from), n1)),
    ),
  );
  return new FieldVec(F, n, out);
}

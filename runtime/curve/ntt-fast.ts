// The WASM NTT: one instance per field with a persistent twiddle table for the largest domain seen so far
// (smaller domains read it with a stride), coset and inverse scaling done with the vector kernels.
import { hasWasmField, montParams, writeLimbs, WasmInstance, type CompiledModule, type PrimeField, type Progress } from "../field/index.ts";
import { nttModule } from "./wasm/modules.ts";

/** Stages up to blocks of 2^BLOCK_LOG elements (512 KiB of BN254 Fr, an L2's worth) run block by block. */
const BLOCK_LOG = 14;

export class NttEngine {
  readonly w: WasmInstance;
  private readonly S: number;
  private twLog = -1;
  private twFwd = 0;
  private twInv = 0;
  constructor(
    readonly field: PrimeField,
    compiled: { module: CompiledModule; constEnd: number } = nttModule(field),
  ) {
    this.w = new WasmInstance(compiled.module, compiled.constEnd);
    this.S = 4 * field.limbs;
  }
  /** Writes a canonical element in Montgomery form at a fresh allocation. */
  private constant(x: bigint): number {
    const m = montParams(this.field);
    const p = this.w.alloc(this.S);
    writeLimbs(this.w.u32(p, this.field.limbs), 0, this.field.limbs, (this.field.fromBigint(x) * m.r) % this.field.p);
    return p;
  }
  private ensureTwiddles(logN: number): void {
    if (this.twLog >= logN) return;
    const F = this.field;
    this.w.unpin();
    this.w.reset();
    const half = Math.max(1, 2 ** (logN - 1));
    const omega = F.rootOfUnity(logN);
    const ow = this.constant(omega);
    const oi = this.constant(F.inv(omega));
    this.twFwd = this.w.alloc(half * this.S);
    this.twInv = this.w.alloc(half * this.S);
    this.w.exports.f_vpowers(this.twFwd, ow, half);
    this.w.exports.f_vpowers(this.twInv, oi, half);
    this.w.pin();
    this.twLog = logN;
  }
  /** data[i] ← data[i] · c · b^i for i < count. */
  mulPowers(data: Uint32Array, count: number, b: bigint, c: bigint): void {
    const L = this.field.limbs;
    const w = this.w;
    w.reset();
    const a = w.put(data.subarray(0, count * L));
    const pw = w.alloc(count * this.S);
    w.exports.f_vpowers(pw, this.constant(b), count);
    if (c !== 1n) w.exports.f_vscale(pw, pw, this.constant(c), count);
    w.exports.f_vmul(a, a, pw, count);
    data.set(w.u32(a, count * L));
  }
  /** In-place transform of n = 2^logN packed Montgomery elements (`scale` = false skips the 1/n of the inverse). */
  run(data: Uint32Array, logN: number, inverse: boolean, coset: bigint | undefined, progress?: Progress, scale = true): void {
    const F = this.field;
    const L = F.limbs;
    const n = 2 ** logN;
    this.ensureTwiddles(logN);
    const w = this.w;
    const ex = w.exports;
    w.reset();
    const a = w.put(data.subarray(0, n * L));
    const powers = (g: bigint) => {
      const c = this.constant(g);
      const pw = w.alloc(n * this.S);
      ex.f_vpowers(pw, c, n);
      ex.f_vmul(a, a, pw, n);
    };
    if (coset !== undefined && !inverse) powers(coset);
    progress?.("ntt", 0, logN);
    ex.f_bitrev(a, n);
    const tw = inverse ? this.twInv : this.twFwd;
    // The first BLOCK_LOG stages only mix elements within aligned blocks of 2^BLOCK_LOG: run them block by
    // block while the block sits in cache, then the remaining stages over the whole vector.
    const blockLog = Math.min(logN, BLOCK_LOG);
    const B = 2 ** blockLog;
    for (let b = 0; b < n; b += B) ex.f_ntt_stages(a + b * this.S, B, tw, 2 ** (this.twLog - blockLog), 2, B);
    progress?.("ntt", blockLog, logN);
    const stride = 2 ** (this.twLog - logN);
    // Stages in groups so that progress is reported without a call per butterfly.
    const group = 2;
    for (let s = blockLog + 1; s <= logN; s += group) {
      const last = Math.min(logN, s + group - 1);
      ex.f_ntt_stages(a, n, tw, stride, 2 ** s, 2 ** last);
      progress?.("ntt", last, logN);
    }
    if (inverse && scale) ex.f_vscale(a, a, this.constant(F.inv(BigInt(n))), n);
    if (coset !== undefined && inverse) powers(F.inv(F.fromBigint(coset)));
    data.set(w.u32(a, n * L));
  }
}

const engines = new WeakMap<PrimeField, NttEngine | null>();

/** The field's NTT engine, or undefined when the field has no WASM kernels. */
export function nttEngine(field: PrimeField): NttEngine | undefined {
  let e = engines.get(field);
  if (e === undefined) engines.set(field, (e = hasWasmField(field) ? new NttEngine(field) : null));
  return e ?? undefined;
}

/** Bounds of the four-step split: n = n1 · n2 with n1 = 2^floor(logN/2) rows of n2 columns. */
export function fourStepShape(logN: number): { log1: number; log2: number; n1: number; n2: number } {
  const log1 = Math.floor(logN / 2);
  const log2 = logN - log1;
  return { log1, log2, n1: 2 ** log1, n2: 2 ** log2 };
}

/**
 * Step one of the four-step NTT for columns [from, to): column j2 (elements a[j1·n2 + j2]) is scaled by the
 * coset powers g^(j1·n2 + j2) (forward coset only), transformed with size n1, then element k1 is multiplied by
 * ω_n^(±j2·k1). Columns are independent, so workers can split them.
 */
export function fourStepColumns(
  e: NttEngine,
  data: Uint32Array,
  logN: number,
  inverse: boolean,
  coset: bigint | undefined,
  from: number,
  to: number,
): void {
  const F = e.field;
  const L = F.limbs;
  const { log1, n1, n2 } = fourStepShape(logN);
  const omega = inverse ? F.inv(F.rootOfUnity(logN)) : F.rootOfUnity(logN);
  const col = new Uint32Array(n1 * L);
  const cosetStep = coset !== undefined && !inverse ? F.pow(coset, BigInt(n2)) : undefined;
  let wj = F.pow(omega, BigInt(from));
  let gj = coset !== undefined ? F.pow(coset, BigInt(from)) : 1n;
  for (let j2 = from; j2 < to; j2++) {
    for (let j1 = 0; j1 < n1; j1++) {
      const src = (j1 * n2 + j2) * L;
      for (let k = 0; k < L; k++) col[j1 * L + k] = data[src + k];
    }
    if (cosetStep !== undefined) e.mulPowers(col, n1, cosetStep, gj);
    e.run(col, log1, inverse, undefined, undefined, false);
    if (j2 !== 0) e.mulPowers(col, n1, wj, 1n);
    for (let k1 = 0; k1 < n1; k1++) {
      const dst = (k1 * n2 + j2) * L;
      for (let k = 0; k < L; k++) data[dst + k] = col[k1 * L + k];
    }
    wj = F.mul(wj, omega);
    if (coset !== undefined) gj = F.mul(gj, coset);
  }
}

/**
 * Step two: NTTs of size n2 on rows [from, to), written transposed into out (X[k1 + n1·k2] = row k1, entry k2).
 * The inverse folds in 1/n and the inverse coset powers g^−(k1 + n1·k2).
 */
export function fourStepRows(
  e: NttEngine,
  data: Uint32Array,
  out: Uint32Array,
  logN: number,
  inverse: boolean,
  coset: bigint | undefined,
  from: number,
  to: number,
): void {
  const F = e.field;
  const L = F.limbs;
  const { log2, n1, n2 } = fourStepShape(logN);
  const row = new Uint32Array(n2 * L);
  const nInv = F.inv(BigInt(n1 * n2));
  const gInv = coset !== undefined && inverse ? F.inv(coset) : undefined;
  const rowStep = gInv !== undefined ? F.pow(gInv, BigInt(n1)) : 1n;
  for (let k1 = from; k1 < to; k1++) {
    row.set(data.subarray(k1 * n2 * L, (k1 + 1) * n2 * L));
    e.run(row, log2, inverse, undefined, undefined, false);
    if (inverse) e.mulPowers(row, n2, rowStep, gInv !== undefined ? F.mul(nInv, F.pow(gInv, BigInt(k1))) : nInv);
    for (let k2 = 0; k2 < n2; k2++) {
      const dst = (k1 + n1 * k2) * L;
      for (let k = 0; k < L; k++) out[dst + k] = row[k2 * L + k];
    }
  }
}

/**
 * Four-step (Bailey) NTT: the WASM instance only ever holds one row or column of ≈√n elements, so domains
 * beyond what fits in one linear memory (2^24 and up) run in bounded WASM memory. Natural order in and out.
 */
export function nttFourStep(e: NttEngine, data: Uint32Array, logN: number, inverse: boolean, coset: bigint | undefined, progress?: Progress): void {
  const { n1, n2 } = fourStepShape(logN);
  const step = Math.max(1, n2 >> 4);
  for (let j = 0; j < n2; j += step) {
    fourStepColumns(e, data, logN, inverse, coset, j, Math.min(n2, j + step));
    progress?.("ntt-columns", Math.min(n2, j + step), n2);
  }
  const out = new Uint32Array(data.length);
  const rstep = Math.max(1, n1 >> 4);
  for (let k = 0; k < n1; k += rstep) {
    fourStepRows(e, data, out, logN, inverse, coset, k, Math.min(n1, k + rstep));
    progress?.("ntt-rows", Math.min(n1, k + rstep), n1);
  }
  data.set(out);
}

// Radix-2 NTTs over BabyBear on Uint32Arrays, and the coset low-degree extension of trace columns. The
// butterflies run in WebAssembly (ntt-wasm.ts) from 64 points up; the TypeScript loops here are their
// reference and fallback.
//
// Committed evaluations are kept in bit-reversed order (as Plonky3 does): the points x and −x are then
// neighbours (indices 2k, 2k+1), which is what FRI's arity-2 folding opens as one Merkle leaf, and a
// decimation-in-frequency transform produces that order without a permutation pass.
import { GENERATOR, P, inv, mul, pow, rootOfUnity } from "./field.ts";
import { wasmDif, wasmDit, wasmNttAvailable } from "./ntt-wasm.ts";

export function bitReverse(i: number, logN: number): number {
  let r = 0;
  for (let k = 0; k < logN; k++) {
    r = (r << 1) | (i & 1);
    i >>>= 1;
  }
  return r >>> 0;
}

export function bitReversePermute(a: Uint32Array): void {
  const n = a.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

// twiddles of all stages of one size in one array: tw[len + j] = ω_{2·len}^j for j < len
const twiddleCache = new Map<string, Uint32Array>();
function twiddles(logN: number, inverse: boolean): Uint32Array {
  const key = `${logN}${inverse ? "i" : "f"}`;
  let t = twiddleCache.get(key);
  if (t) return t;
  const n = 1 << logN;
  t = new Uint32Array(Math.max(n, 2));
  for (let len = 1, lg = 1; len < n; len <<= 1, lg++) {
    let w = rootOfUnity(lg);
    if (inverse) w = inv(w);
    let x = 1;
    for (let j = 0; j < len; j++) {
      t[len + j] = x;
      x = mul(x, w);
    }
  }
  twiddleCache.set(key, t);
  return t;
}

const log2 = (n: number): number => {
  const l = Math.round(Math.log2(n));
  if (n < 1 || 1 << l !== n) throw new Error(`NTT size ${n} is not a power of two`);
  return l;
};

/** Below this size the TypeScript loops beat the copy into WebAssembly memory. */
const WASM_MIN = 64;

/** Forward transform, decimation in frequency: coefficients in natural order → evaluations on ⟨ω_N⟩ in bit-reversed order. */
export function nttDifBitrevOut(a: Uint32Array): void {
  if (a.length >= WASM_MIN && wasmNttAvailable()) wasmDif(a);
  else nttDifBitrevOutTs(a);
}

/** Decimation in time over bit-reversed input → natural-order output; `inverse` uses ω^{-1} and scales by 1/N. */
export function nttDitBitrevIn(a: Uint32Array, inverse: boolean): void {
  if (a.length >= WASM_MIN && wasmNttAvailable()) wasmDit(a, inverse);
  else nttDitBitrevInTs(a, inverse);
}

/** nttDifBitrevOut in TypeScript (the reference of the WebAssembly kernel, and its fallback). */
export function nttDifBitrevOutTs(a: Uint32Array): void {
  const n = a.length;
  const tw = twiddles(log2(n), false);
  const INV_P = 1 / P;
  for (let len = n >> 1; len >= 1; len >>= 1) {
    for (let i = 0; i < n; i += len << 1) {
      for (let j = 0; j < len; j++) {
        const u = a[i + j];
        const v = a[i + j + len];
        let s = u + v;
        if (s >= P) s -= P;
        a[i + j] = s;
        let d = u - v;
        if (d < 0) d += P;
        // inlined field.mul(d, tw[len + j])
        const w = tw[len + j];
        const ab = d * w;
        const q = Math.floor(ab * INV_P);
        let r = (Math.imul(d, w) - Math.imul(q, P)) | 0;
        if (r < 0 && ab - q * P > 1e9) r += 4294967296;
        if (r < 0) r += P;
        else if (r >= P) r -= P;
        a[i + j + len] = r;
      }
    }
  }
}

/** nttDitBitrevIn in TypeScript. */
export function nttDitBitrevInTs(a: Uint32Array, inverse: boolean): void {
  const n = a.length;
  const tw = twiddles(log2(n), inverse);
  const INV_P = 1 / P;
  for (let len = 1; len < n; len <<= 1) {
    for (let i = 0; i < n; i += len << 1) {
      for (let j = 0; j < len; j++) {
        const u = a[i + j];
        const x = a[i + j + len];
        const w = tw[len + j];
        const ab = x * w;
        const q = Math.floor(ab * INV_P);
        let v = (Math.imul(x, w) - Math.imul(q, P)) | 0;
        if (v < 0 && ab - q * P > 1e9) v += 4294967296;
        if (v < 0) v += P;
        else if (v >= P) v -= P;
        let s = u + v;
        if (s >= P) s -= P;
        a[i + j] = s;
        let d = u - v;
        if (d < 0) d += P;
        a[i + j + len] = d;
      }
    }
  }
  if (inverse && n > 1) scale(a, inv(n));
}

export function scale(a: Uint32Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] = mul(a[i], s);
}

/** Evaluations on ⟨ω_N⟩ in natural order → coefficients. */
export function interpolateNatural(evals: Uint32Array): Uint32Array {
  const a = evals.slice();
  bitReversePermute(a);
  nttDitBitrevIn(a, true);
  return a;
}

/** Evaluations on shift·⟨ω_N⟩ in bit-reversed order → coefficients of the polynomial. */
export function interpolateCosetBitrev(evals: Uint32Array, shift: number): Uint32Array {
  const a = evals.slice();
  nttDitBitrevIn(a, true);
  const si = inv(shift);
  let s = 1;
  for (let i = 0; i < a.length; i++) {
    a[i] = mul(a[i], s);
    s = mul(s, si);
  }
  return a;
}

/** Coefficients (length ≤ N) → evaluations on shift·⟨ω_N⟩, bit-reversed. */
export function evaluateCosetBitrev(coeffs: Uint32Array, logN: number, shift: number): Uint32Array {
  const n = 1 << logN;
  if (coeffs.length > n) throw new Error(`${coeffs.length} coefficients do not fit a domain of ${n}`);
  const a = new Uint32Array(n);
  let s = 1;
  for (let i = 0; i < coeffs.length; i++) {
    a[i] = mul(coeffs[i], s);
    s = mul(s, shift);
  }
  nttDifBitrevOut(a);
  return a;
}

/** The low-degree extension of a trace column (values on ⟨ω_n⟩, natural order) to GENERATOR·⟨ω_{n·2^logBlowup}⟩, bit-reversed. */
export function lde(column: Uint32Array, logBlowup: number): { coeffs: Uint32Array; evals: Uint32Array } {
  const coeffs = interpolateNatural(column);
  return { coeffs, evals: evaluateCosetBitrev(coeffs, log2(column.length) + logBlowup, GENERATOR) };
}

/** The points of shift·⟨ω_N⟩ in bit-reversed order. */
export function cosetPointsBitrev(logN: number, shift: number): Uint32Array {
  const n = 1 << logN;
  const nat = new Uint32Array(n);
  const w = rootOfUnity(logN);
  let x = shift;
  for (let i = 0; i < n; i++) {
    nat[i] = x;
    x = mul(x, w);
  }
  bitReversePermute(nat);
  return nat;
}

/** The point at bit-reversed index i of shift·⟨ω_{2^logN}⟩. */
export function cosetPointAt(i: number, logN: number, shift: number): number {
  return mul(shift, pow(rootOfUnity(logN), bitReverse(i, logN)));
}

// Evaluation domains: the row domain H = <ω> of size n = 2^k and the extended coset g·<ω_e> of size
// n·2^e on which the quotient is computed (as in halo2's poly/domain.rs). Knows nothing of circuits.
import { R, GENERATOR, add, sub, mul, pow, inv, rootOfUnity, batchInvert } from "./fr.ts";
import { ntt } from "../curve/index.ts";
import { BN254_FR, FieldVec } from "../field/index.ts";

/** Sizes from which runtime/curve's WASM NTT beats the BigInt loop despite the packing. */
const FAST_NTT_FROM = 1 << 10;

/** In-place radix-2 Cooley–Tukey FFT (bit-reversed input order handled here). */
export function fft(a: bigint[], omega: bigint): void {
  const n = a.length;
  if (n & (n - 1)) throw new Error("fft: length must be a power of two");
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
  // Twiddles for the largest stage; smaller stages stride through them.
  const half = n >> 1;
  const tw = new Array<bigint>(half);
  let w = 1n;
  for (let i = 0; i < half; i++) {
    tw[i] = w;
    w = (w * omega) % R;
  }
  for (let len = 2; len <= n; len <<= 1) {
    const h = len >> 1;
    const stride = n / len;
    for (let s = 0; s < n; s += len) {
      for (let j = 0; j < h; j++) {
        const u = a[s + j];
        const v = (a[s + j + h] * tw[j * stride]) % R;
        const x = u + v;
        a[s + j] = x >= R ? x - R : x;
        const y = u - v;
        a[s + j + h] = y < 0n ? y + R : y;
      }
    }
  }
}

export class Domain {
  readonly n: number;
  readonly omega: bigint;
  readonly omegaInv: bigint;
  readonly nInv: bigint;
  /** Extension: the quotient domain has size n << extK. */
  readonly extK: number;
  readonly extN: number;
  readonly extOmega: bigint;
  /** Coset shift of the extended domain (not in H, so Z_H never vanishes there). */
  readonly g = GENERATOR;

  constructor(
    readonly k: number,
    /** Degree bound of the constraint system; the quotient needs (degree − 1)·n evaluations. */
    readonly degree: number,
  ) {
    this.n = 1 << k;
    this.omega = rootOfUnity(k);
    this.omegaInv = inv(this.omega);
    this.nInv = inv(BigInt(this.n));
    let e = 0;
    while (1 << e < Math.max(1, degree - 1)) e++;
    this.extK = e;
    this.extN = this.n << e;
    this.extOmega = rootOfUnity(k + e);
  }

  /** Number of quotient pieces (each of size n). */
  get quotientPieces(): number {
    return Math.max(1, this.degree - 1);
  }

  /** Row values → coefficients. */
  lagrangeToCoeff(values: readonly bigint[]): bigint[] {
    if (values.length >= FAST_NTT_FROM) return ntt(values, { inverse: true }) as bigint[];
    const a = values.slice();
    fft(a, this.omegaInv);
    for (let i = 0; i < a.length; i++) a[i] = (a[i] * this.nInv) % R;
    return a;
  }

  /** Coefficients → values on the extended coset g·<ω_e>. */
  coeffToExtended(coeffs: readonly bigint[]): bigint[] {
    if (this.extN >= FAST_NTT_FROM) {
      const padded = coeffs.concat(new Array<bigint>(this.extN - coeffs.length).fill(0n));
      return ntt(padded, { coset: this.g });
    }
    const a = new Array<bigint>(this.extN).fill(0n);
    let gi = 1n;
    for (let i = 0; i < coeffs.length; i++) {
      a[i] = (coeffs[i] * gi) % R;
      gi = (gi * this.g) % R;
    }
    fft(a, this.extOmega);
    return a;
  }

  /**
   * Coefficients → values on the extended coset, packed (Montgomery limbs): the form the quotient's
   * vector evaluator reads, without a round trip through BigInt.
   */
  coeffToExtendedVec(coeffs: readonly bigint[]): FieldVec {
    const padded = FieldVec.zeros(BN254_FR, this.extN);
    padded.data.set(FieldVec.fromBigints(BN254_FR, coeffs).data);
    return ntt(padded, { coset: this.g });
  }

  /** Packed values on the extended coset → coefficients (length extN). */
  extendedVecToCoeff(values: FieldVec): bigint[] {
    if (values.length !== this.extN) throw new RangeError(`extendedVecToCoeff: expected ${this.extN} values, got ${values.length}`);
    return ntt(values, { inverse: true, coset: this.g }).toBigints();
  }

  /** Values on the extended coset → coefficients (length extN). */
  extendedToCoeff(values: readonly bigint[]): bigint[] {
    if (values.length >= FAST_NTT_FROM) return ntt(values, { inverse: true, coset: this.g }) as bigint[];
    const a = values.slice();
    fft(a, inv(this.extOmega));
    const nInv = inv(BigInt(this.extN));
    const gInv = inv(this.g);
    let s = nInv;
    for (let i = 0; i < a.length; i++) {
      a[i] = (a[i] * s) % R;
      s = (s * gInv) % R;
    }
    return a;
  }

  /** 1 / Z_H on the extended coset: Z_H(g·ω_e^i) = g^n·ω_e^{i·n} − 1 takes only 2^extK values. */
  extendedVanishingInverse(): bigint[] {
    const m = 1 << this.extK;
    const gn = pow(this.g, BigInt(this.n));
    const wn = pow(this.extOmega, BigInt(this.n));
    const vals: bigint[] = [];
    let c = gn;
    for (let i = 0; i < m; i++) {
      vals.push(sub(c, 1n));
      c = mul(c, wn);
    }
    return batchInvert(vals);
  }

  /** ω^r for a rotation r (negative allowed). */
  rotate(point: bigint, rot: number): bigint {
    return mul(point, rot >= 0 ? pow(this.omega, BigInt(rot)) : pow(this.omegaInv, BigInt(-rot)));
  }

  /** Evaluations at x of the Lagrange basis polynomials L_i for the given rows. */
  lagrangeAt(x: bigint, rows: readonly number[]): bigint[] {
    const zh = sub(pow(x, BigInt(this.n)), 1n);
    if (zh === 0n) return rows.map((i) => (pow(this.omega, BigInt(i)) === x ? 1n : 0n));
    const wi = rows.map((i) => pow(this.omega, BigInt(i)));
    const dens = batchInvert(wi.map((w) => mul(BigInt(this.n), sub(x, w))));
    return wi.map((w, j) => mul(mul(w, zh), dens[j]));
  }
}

/** Horner evaluation of a polynomial in coefficient form. */
export function evalPoly(coeffs: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let i = coeffs.length - 1; i >= 0; i--) acc = (acc * x + coeffs[i]) % R;
  return acc;
}

/** (p(X) − p(z)) / (X − z) by synthetic division; the remainder p(z) is dropped. */
export function divideByLinear(coeffs: readonly bigint[], z: bigint): bigint[] {
  const n = coeffs.length;
  if (n === 0) return [];
  const q = new Array<bigint>(n - 1);
  let acc = 0n;
  for (let i = n - 1; i >= 1; i--) {
    acc = add(coeffs[i], mul(acc, z));
    q[i - 1] = acc;
  }
  return q;
}

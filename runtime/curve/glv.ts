// GLV endomorphism of BN254 G1: φ(x, y) = (β·x, y) with β a primitive cube root of unity in Fq acts as
// multiplication by λ (a cube root of unity mod r), so k·P = k1·P + k2·φ(P) with k = k1 + λ·k2 (mod r) and
// |k1|, |k2| < 2^128: an MSM over n points with 254-bit scalars becomes one over 2n points with 128-bit
// scalars (half the windows, so half the bucket reductions and a window one bit wider).
// The decomposition (Guide to Elliptic Curve Cryptography, algorithm 3.74) uses a short basis (a1, b1),
// (a2, b2) of the lattice {(x, y) : x + λ·y ≡ 0 mod r}, found by the extended Euclidean algorithm on (r, λ),
// and the quotients c1 = ⌊k·g1 / 2^256⌋, c2 = ⌊k·g2 / 2^256⌋ with g1 = ⌊2^256·|b2| / r⌋, g2 = ⌊2^256·|b1| / r⌋
// (floors instead of rounding: each quotient is off by less than 2, which keeps |k1|, |k2| < 2^128).
// glvDecompose is the BigInt definition; runtime/curve/wasm/glv-wat.ts computes the same numbers in WASM.
import { BN254_FQ, BN254_FR } from "../field/index.ts";
import { G1 } from "./g1.ts";

const r = BN254_FR.p;
/** Bits of |k1| and |k2|. */
export const GLV_BITS = 128;
/** Modulus of the WASM decomposition's two's-complement arithmetic (five 32-bit limbs). */
export const GLV_MOD = 1n << 160n;

function cubeRoot(F: typeof BN254_FR): bigint {
  // (−1 + √−3) / 2, a root of x² + x + 1.
  const s = F.sqrt(F.neg(3n));
  if (s === undefined) throw new Error("internal: −3 is not a square");
  return F.div(F.sub(s, 1n), 2n);
}

function shortBasis(lambda: bigint): { a1: bigint; b1: bigint; a2: bigint; b2: bigint } {
  // Extended Euclid: r_i = s_i·r + t_i·λ; stop at the first remainder below √r.
  const rs = [r, lambda];
  const ts = [0n, 1n];
  while (rs[rs.length - 1] * rs[rs.length - 1] >= r) {
    const q = rs[rs.length - 2] / rs[rs.length - 1];
    rs.push(rs[rs.length - 2] - q * rs[rs.length - 1]);
    ts.push(ts[ts.length - 2] - q * ts[ts.length - 1]);
  }
  const l = rs.length - 2; // r_l ≥ √r > r_{l+1}
  const q = rs[l] / rs[l + 1];
  const rNext = rs[l] - q * rs[l + 1];
  const tNext = ts[l] - q * ts[l + 1];
  const a1 = rs[l + 1];
  const b1 = -ts[l + 1];
  const [a2, b2] = rs[l] * rs[l] + ts[l] * ts[l] <= rNext * rNext + tNext * tNext ? [rs[l], -ts[l]] : [rNext, -tNext];
  return { a1, b1, a2, b2 };
}

const abs = (x: bigint) => (x < 0n ? -x : x);
const sgn = (x: bigint) => (x < 0n ? -1n : 1n);

function build() {
  const lambda = cubeRoot(BN254_FR);
  // Of the two cube roots of unity in Fq, the one with φ(G) = λ·G.
  const b0 = cubeRoot(BN254_FQ);
  const lg = G1.mulAffine(G1.generator, lambda);
  const beta = [b0, BN254_FQ.mul(b0, b0)].find((b) => BN254_FQ.mul(b, G1.generator.x) === lg.x && lg.y === G1.generator.y);
  if (beta === undefined) throw new Error("internal: no β matches λ");
  const { a1, b1, a2, b2 } = shortBasis(lambda);
  const g1 = (abs(b2) << 256n) / r;
  const g2 = (abs(b1) << 256n) / r;
  // k1 = k + C1·e11 + C2·e12, k2 = C1·e21 + C2·e22 with C1 = ⌊k·g1/2^256⌋, C2 = ⌊k·g2/2^256⌋.
  const s1 = sgn(b2);
  const s2 = -sgn(b1);
  return { lambda, beta, a1, b1, a2, b2, g1, g2, e11: -s1 * a1, e12: -s2 * a2, e21: -s1 * b1, e22: -s2 * b2 };
}

export const GLV = Object.freeze(build());

/** k (reduced mod r) = k1 + λ·k2 (mod r), |k1|, |k2| < 2^128. */
export function glvDecompose(k: bigint): { k1: bigint; k2: bigint } {
  const kk = BN254_FR.fromBigint(k);
  const C1 = (kk * GLV.g1) >> 256n;
  const C2 = (kk * GLV.g2) >> 256n;
  return { k1: kk + C1 * GLV.e11 + C2 * GLV.e12, k2: C1 * GLV.e21 + C2 * GLV.e22 };
}

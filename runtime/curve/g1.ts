// BN254 G1 (y² = x³ + 3 over Fq): BigInt reference point arithmetic, encodings and @noble/curves conversion.
// The WASM MSM is checked against this and against noble.
import { bn254 } from "@noble/curves/bn254.js";
import { BN254_FQ, BN254_FR } from "../field/index.ts";

const F = BN254_FQ;
const P = F.p;
const B = 3n;

/** Affine point; `infinity` marks the identity (x, y are then 0). */
export interface G1Affine {
  readonly x: bigint;
  readonly y: bigint;
  readonly infinity: boolean;
}
/** Jacobian point (x = X/Z², y = Y/Z³); Z = 0 is the identity. */
export interface G1Jacobian {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
}

type NoblePoint = InstanceType<typeof bn254.G1.Point>;

const mod = (a: bigint) => {
  const r = a % P;
  return r < 0n ? r + P : r;
};

const INF_AFFINE: G1Affine = Object.freeze({ x: 0n, y: 0n, infinity: true });
const INF_JAC: G1Jacobian = Object.freeze({ X: 1n, Y: 1n, Z: 0n });

function isOnCurve(a: G1Affine): boolean {
  if (a.infinity) return true;
  if (!F.isValid(a.x) || !F.isValid(a.y)) return false;
  return mod(a.y * a.y - a.x * a.x * a.x - B) === 0n;
}

function fromAffine(a: G1Affine): G1Jacobian {
  return a.infinity ? INF_JAC : { X: a.x, Y: a.y, Z: 1n };
}

function toAffine(p: G1Jacobian): G1Affine {
  if (p.Z === 0n) return INF_AFFINE;
  const zi = F.inv(p.Z);
  const zi2 = mod(zi * zi);
  return { x: mod(p.X * zi2), y: mod(p.Y * zi2 * zi), infinity: false };
}

/** dbl-2009-l (a = 0). */
function double(p: G1Jacobian): G1Jacobian {
  if (p.Z === 0n || p.Y === 0n) return INF_JAC;
  const A = mod(p.X * p.X);
  const Bv = mod(p.Y * p.Y);
  const C = mod(Bv * Bv);
  const t = p.X + Bv;
  const D = mod(2n * (t * t - A - C));
  const E = mod(3n * A);
  const X3 = mod(E * E - 2n * D);
  const Y3 = mod(E * (D - X3) - 8n * C);
  const Z3 = mod(2n * p.Y * p.Z);
  return { X: X3, Y: Y3, Z: Z3 };
}

/** add-2007-bl, with the doubling and inverse cases handled. */
function add(p: G1Jacobian, q: G1Jacobian): G1Jacobian {
  if (p.Z === 0n) return q;
  if (q.Z === 0n) return p;
  const Z1Z1 = mod(p.Z * p.Z);
  const Z2Z2 = mod(q.Z * q.Z);
  const U1 = mod(p.X * Z2Z2);
  const U2 = mod(q.X * Z1Z1);
  const S1 = mod(p.Y * q.Z * Z2Z2);
  const S2 = mod(q.Y * p.Z * Z1Z1);
  const H = mod(U2 - U1);
  if (H === 0n) return S1 === S2 ? double(p) : INF_JAC;
  const I = mod(4n * H * H);
  const J = mod(H * I);
  const r = mod(2n * (S2 - S1));
  const V = mod(U1 * I);
  const X3 = mod(r * r - J - 2n * V);
  const Y3 = mod(r * (V - X3) - 2n * S1 * J);
  const z = p.Z + q.Z;
  const Z3 = mod((z * z - Z1Z1 - Z2Z2) * H);
  return { X: X3, Y: Y3, Z: Z3 };
}

/** madd-2007-bl: Jacobian + affine. */
function addMixed(p: G1Jacobian, q: G1Affine): G1Jacobian {
  if (q.infinity) return p;
  if (p.Z === 0n) return fromAffine(q);
  const Z1Z1 = mod(p.Z * p.Z);
  const U2 = mod(q.x * Z1Z1);
  const S2 = mod(q.y * p.Z * Z1Z1);
  const H = mod(U2 - p.X);
  if (H === 0n) return S2 === p.Y ? double(p) : INF_JAC;
  const HH = mod(H * H);
  const I = mod(4n * HH);
  const J = mod(H * I);
  const r = mod(2n * (S2 - p.Y));
  const V = mod(p.X * I);
  const X3 = mod(r * r - J - 2n * V);
  const Y3 = mod(r * (V - X3) - 2n * p.Y * J);
  const z = p.Z + H;
  const Z3 = mod(z * z - Z1Z1 - HH);
  return { X: X3, Y: Y3, Z: Z3 };
}

function neg(p: G1Jacobian): G1Jacobian {
  return p.Z === 0n ? p : { X: p.X, Y: mod(-p.Y), Z: p.Z };
}

function negAffine(a: G1Affine): G1Affine {
  return a.infinity ? a : { x: a.x, y: mod(-a.y), infinity: false };
}

/** Scalar multiplication by any integer (reduced mod r; negative scalars negate). Double-and-add, not constant time. */
function mul(p: G1Jacobian, k: bigint): G1Jacobian {
  let e = BN254_FR.fromBigint(k);
  let acc = INF_JAC;
  let base = p;
  while (e > 0n) {
    if (e & 1n) acc = add(acc, base);
    base = double(base);
    e >>= 1n;
  }
  return acc;
}

function eq(p: G1Jacobian, q: G1Jacobian): boolean {
  if (p.Z === 0n || q.Z === 0n) return p.Z === q.Z;
  const Z1Z1 = mod(p.Z * p.Z);
  const Z2Z2 = mod(q.Z * q.Z);
  return mod(p.X * Z2Z2) === mod(q.X * Z1Z1) && mod(p.Y * q.Z * Z2Z2) === mod(q.Y * p.Z * Z1Z1);
}

function eqAffine(a: G1Affine, b: G1Affine): boolean {
  return a.infinity || b.infinity ? a.infinity === b.infinity : a.x === b.x && a.y === b.y;
}

function fromNoble(pt: NoblePoint): G1Affine {
  if (pt.is0()) return INF_AFFINE;
  const a = pt.toAffine();
  return { x: a.x, y: a.y, infinity: false };
}

function toNoble(a: G1Affine | G1Jacobian): NoblePoint {
  const aff = "Z" in a ? toAffine(a) : a;
  return aff.infinity ? bn254.G1.Point.ZERO : bn254.G1.Point.fromAffine({ x: aff.x, y: aff.y });
}

const FLAG_MASK = 0b11 << 6;
const FLAG_SMALLEST = 0b10 << 6;
const FLAG_LARGEST = 0b11 << 6;
const FLAG_INFINITY = 0b01 << 6;

/**
 * Encodings (big-endian field elements):
 * - uncompressed, 64 bytes: x ‖ y, identity = 64 zero bytes (the EIP-196 precompile format);
 * - compressed, 32 bytes: x with the top two bits as flags, as gnark-crypto does:
 *   0b10 = y is the smaller of ±y, 0b11 = the larger, 0b01 = identity.
 */
function toBytes(a: G1Affine | G1Jacobian, compressed = true): Uint8Array {
  const aff = "Z" in a ? toAffine(a) : a;
  if (!compressed) {
    const out = new Uint8Array(64);
    if (!aff.infinity) {
      out.set(F.toBytesBE(aff.x), 0);
      out.set(F.toBytesBE(aff.y), 32);
    }
    return out;
  }
  const out = new Uint8Array(32);
  if (aff.infinity) {
    out[0] = FLAG_INFINITY;
    return out;
  }
  out.set(F.toBytesBE(aff.x), 0);
  out[0] |= aff.y > P - aff.y ? FLAG_LARGEST : FLAG_SMALLEST;
  return out;
}

/** Decodes either encoding (by length); throws RangeError on a malformed or off-curve encoding. */
function fromBytes(bytes: Uint8Array): G1Affine {
  if (bytes.length === 64) {
    if (bytes.every((b) => b === 0)) return INF_AFFINE;
    const a = { x: F.fromBytesBE(bytes.subarray(0, 32)), y: F.fromBytesBE(bytes.subarray(32)), infinity: false };
    if (!isOnCurve(a)) throw new RangeError("G1: point is not on the curve");
    return a;
  }
  if (bytes.length !== 32) throw new RangeError(`G1: encoding must be 32 or 64 bytes, got ${bytes.length}`);
  const flags = bytes[0] & FLAG_MASK;
  const body = Uint8Array.from(bytes);
  body[0] &= ~FLAG_MASK & 0xff;
  if (flags === FLAG_INFINITY) {
    if (body.some((b) => b !== 0)) throw new RangeError("G1: identity encoding has non-zero x");
    return INF_AFFINE;
  }
  if (flags !== FLAG_SMALLEST && flags !== FLAG_LARGEST) throw new RangeError("G1: compressed encoding lacks a flag");
  const x = F.fromBytesBE(body);
  const y0 = F.sqrt(mod(x * x * x + B));
  if (y0 === undefined) throw new RangeError("G1: x is not the abscissa of a curve point");
  const large = y0 > P - y0;
  const y = large === (flags === FLAG_LARGEST) ? y0 : mod(-y0);
  return { x, y, infinity: false };
}

/** BN254 G1 operations. Points are immutable plain objects; the group order is BN254_FR.p. */
export const G1 = Object.freeze({
  /** Generator (1, 2). */
  generator: Object.freeze({ x: 1n, y: 2n, infinity: false }) as G1Affine,
  infinityAffine: INF_AFFINE,
  ZERO: INF_JAC,
  order: BN254_FR.p,
  isOnCurve,
  fromAffine,
  toAffine,
  add,
  addMixed,
  double,
  neg,
  negAffine,
  mul,
  eq,
  eqAffine,
  /** Affine convenience: a + b. */
  addAffine: (a: G1Affine, b: G1Affine): G1Affine => toAffine(add(fromAffine(a), fromAffine(b))),
  /** Affine convenience: k·a. */
  mulAffine: (a: G1Affine, k: bigint): G1Affine => toAffine(mul(fromAffine(a), k)),
  fromNoble,
  toNoble,
  toBytes,
  fromBytes,
});

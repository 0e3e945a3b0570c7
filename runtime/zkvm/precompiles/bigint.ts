// 256-bit modular arithmetic and secp256k1 point operations of the zkVM's precompiles, on numbers
// stored as 32 little-endian bytes (eight u32 words, least significant first), the layout SP1's
// uint256 and secp256k1 syscalls use. Executor semantics only, in BigInt: each call runs once per
// ecall, so clarity wins over speed here.

/** secp256k1's field prime p = 2^256 − 2^32 − 977 (SEC 2 §2.4.1). */
export const SECP256K1_P = 2n ** 256n - 2n ** 32n - 977n;

export function readU256(dv: DataView, at: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 32n) | BigInt(dv.getUint32(at + 4 * i, true));
  return v;
}

export function writeU256(dv: DataView, at: number, v: bigint): void {
  for (let i = 0; i < 8; i++) {
    dv.setUint32(at + 4 * i, Number(v & 0xffffffffn), true);
    v >>= 32n;
  }
}

/** x·y mod m, or x + y mod m; m = 0 stands for 2^256 (a plain wrapping product or sum). */
export function modOp(mul: boolean, x: bigint, y: bigint, m: bigint): bigint {
  const mod = m === 0n ? 2n ** 256n : m;
  return (mul ? x * y : x + y) % mod;
}

const P = SECP256K1_P;
const md = (v: bigint) => ((v % P) + P) % P;
function inv(a: bigint): bigint {
  // Fermat: a^(p−2); a ≠ 0 here
  let r = 1n, b = md(a), e = P - 2n;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return r;
}

/** An affine point, or null for the point at infinity (stored as x = y = 0, which is not on the curve). */
export type Affine = { x: bigint; y: bigint } | null;

/** Reads a point; a string says why it is not one (a coordinate ≥ p, or not on y² = x³ + 7). */
export function readPoint(dv: DataView, at: number): Affine | string {
  const x = readU256(dv, at), y = readU256(dv, at + 32);
  if (x === 0n && y === 0n) return null;
  if (x >= P || y >= P) return "a coordinate is not below the field prime";
  if (md(y * y - x * x * x - 7n) !== 0n) return "the point is not on the curve";
  return { x, y };
}

export function writePoint(dv: DataView, at: number, q: Affine): void {
  writeU256(dv, at, q ? q.x : 0n);
  writeU256(dv, at + 32, q ? q.y : 0n);
}

/** p + q on secp256k1 (complete: doubling, inverses and infinity included). */
export function pointAdd(p: Affine, q: Affine): Affine {
  if (!p) return q;
  if (!q) return p;
  if (p.x === q.x) return p.y === q.y ? pointDouble(p) : null;
  const l = md((q.y - p.y) * inv(q.x - p.x));
  const x = md(l * l - p.x - q.x);
  return { x, y: md(l * (p.x - x) - p.y) };
}

/** 2p on secp256k1 (y = 0 has no point on this curve, so only infinity doubles to infinity). */
export function pointDouble(p: Affine): Affine {
  if (!p) return null;
  const l = md(3n * p.x * p.x * inv(2n * p.y));
  const x = md(l * l - 2n * p.x);
  return { x, y: md(l * (p.x - x) - p.y) };
}

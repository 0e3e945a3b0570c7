// GF(2^128) with the GCM polynomial x^128 + x^7 + x^2 + x + 1, elements as BigInt (bit i = x^i): the
// field of the KOS consistency check.
const R = (1n << 7n) | (1n << 2n) | (1n << 1n) | 1n;
const MASK = (1n << 128n) - 1n;

export function gfMul(a: bigint, b: bigint): bigint {
  let r = 0n;
  while (b) {
    if (b & 1n) r ^= a;
    b >>= 1n;
    const carry = a >> 127n;
    a = (a << 1n) & MASK;
    if (carry) a ^= R;
  }
  return r;
}

export const fromBytes16 = (b: Uint8Array, off = 0): bigint => {
  let x = 0n;
  for (let i = 15; i >= 0; i--) x = (x << 8n) | BigInt(b[off + i]);
  return x;
};

export function toBytes16(x: bigint): Buffer {
  const b = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) b[i] = Number((x >> BigInt(8 * i)) & 0xffn);
  return b;
}

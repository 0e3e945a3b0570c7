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

/**
 * Σ_i χ_i·x_i over GF(2^128) for 16-byte χ_i (consecutive in `chis`) and rows x_i, without a
 * multiplication per row: x_i = Σ_b bit_b(x_i)·X^b, so the sum is Σ_b X^b·(⊕ of the χ_i whose row has
 * bit b): XORs of 32-bit words per set bit, then 128 multiplications by X^b at the end.
 */
export function gfInnerProduct(chis: Uint8Array, rows: readonly Uint8Array[]): bigint {
  const acc = new Uint32Array(128 * 4);
  const view = new DataView(chis.buffer, chis.byteOffset, chis.byteLength);
  for (let i = 0; i < rows.length; i++) {
    const c0 = view.getUint32(16 * i, true);
    const c1 = view.getUint32(16 * i + 4, true);
    const c2 = view.getUint32(16 * i + 8, true);
    const c3 = view.getUint32(16 * i + 12, true);
    const row = rows[i];
    for (let k = 0; k < 16; k++) {
      let v = row[k];
      while (v) {
        const low = v & -v;
        const b = (k << 3) + 31 - Math.clz32(low);
        const o = b << 2;
        acc[o] ^= c0;
        acc[o + 1] ^= c1;
        acc[o + 2] ^= c2;
        acc[o + 3] ^= c3;
        v ^= low;
      }
    }
  }
  let r = 0n;
  for (let b = 0; b < 128; b++) {
    const o = b << 2;
    if (!(acc[o] | acc[o + 1] | acc[o + 2] | acc[o + 3])) continue;
    const a = BigInt(acc[o]) | (BigInt(acc[o + 1]) << 32n) | (BigInt(acc[o + 2]) << 64n) | (BigInt(acc[o + 3]) << 96n);
    r ^= gfMul(a, 1n << BigInt(b));
  }
  return r;
}

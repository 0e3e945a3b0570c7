// Keccak-f[1600] (FIPS 202, §3.3): 24 rounds of θ, ρ, π, χ, ι over 25 64-bit lanes, each lane held as
// two 32-bit halves (low, high) so the code stays on 32-bit integers: the permutation the zkVM's
// Keccak precompile computes. Lane (x, y) is index x + 5y, as in the standard's state layout.

const ROUNDS = 24;
/** ι's round constants as (low, high) halves, from the LFSR of FIPS 202 §3.2.5 */
export const KECCAK_RC = (() => {
  const rc = new Int32Array(2 * ROUNDS);
  let r = 1;
  for (let i = 0; i < ROUNDS; i++) {
    for (let j = 0; j < 7; j++) {
      if (r & 1) {
        const bit = (1 << j) - 1;
        if (bit < 32) rc[2 * i] |= 1 << bit;
        else rc[2 * i + 1] |= 1 << (bit - 32);
      }
      r = r & 0x80 ? ((r << 1) ^ 0x71) & 0xff : r << 1;
    }
  }
  return rc;
})();
/** ρ's rotation offset per lane (FIPS 202 §3.2.2) and π's destination: lane x + 5y moves to
 * y + 5·((2x + 3y) mod 5) */
const RHO = new Int32Array(25);
const DEST = new Int32Array(25);
{
  let x = 1, y = 0;
  for (let t = 0; t < 24; t++) {
    RHO[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) DEST[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
}

const B = new Int32Array(50);
const C = new Int32Array(10);

/** Permutes `s` (50 words: lane i is s[2i] low, s[2i + 1] high) in place. */
export function keccakF(s: Int32Array): void {
  for (let round = 0; round < ROUNDS; round++) {
    for (let x = 0; x < 5; x++) {
      C[2 * x] = s[2 * x] ^ s[2 * x + 10] ^ s[2 * x + 20] ^ s[2 * x + 30] ^ s[2 * x + 40];
      C[2 * x + 1] = s[2 * x + 1] ^ s[2 * x + 11] ^ s[2 * x + 21] ^ s[2 * x + 31] ^ s[2 * x + 41];
    }
    for (let x = 0; x < 5; x++) {
      const n = (x + 1) % 5, p = (x + 4) % 5;
      const lo = C[2 * p] ^ ((C[2 * n] << 1) | (C[2 * n + 1] >>> 31));
      const hi = C[2 * p + 1] ^ ((C[2 * n + 1] << 1) | (C[2 * n] >>> 31));
      for (let y = 0; y < 25; y += 5) {
        s[2 * (x + y)] ^= lo;
        s[2 * (x + y) + 1] ^= hi;
      }
    }
    // ρ and π: lane i rotated left by RHO[i] lands at DEST[i]
    for (let i = 0; i < 25; i++) {
      const r = RHO[i], lo = s[2 * i], hi = s[2 * i + 1];
      let l: number, h: number;
      if (r === 0) { l = lo; h = hi; }
      else if (r < 32) { l = (lo << r) | (hi >>> (32 - r)); h = (hi << r) | (lo >>> (32 - r)); }
      else if (r === 32) { l = hi; h = lo; }
      else { const q = r - 32; l = (hi << q) | (lo >>> (32 - q)); h = (lo << q) | (hi >>> (32 - q)); }
      const d = DEST[i];
      B[2 * d] = l;
      B[2 * d + 1] = h;
    }
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        const i = 2 * (x + y), j = 2 * (((x + 1) % 5) + y), k = 2 * (((x + 2) % 5) + y);
        s[i] = B[i] ^ (~B[j] & B[k]);
        s[i + 1] = B[i + 1] ^ (~B[j + 1] & B[k + 1]);
      }
    }
    s[0] ^= KECCAK_RC[2 * round];
    s[1] ^= KECCAK_RC[2 * round + 1];
  }
}

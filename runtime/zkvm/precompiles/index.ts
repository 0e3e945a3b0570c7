// Precompiles of the zkVM (spec/zkvm.md "Precompiles"): `ecall n, b, c` with n from 0x100 on reads its
// operands from linear memory at the addresses in registers b and c, computes the function and writes
// the result back to memory. Every byte it touches must lie inside the accessible memory, checked
// before anything is written, so a precompile either completes or traps with memory unchanged.
import { keccakF } from "./keccak.ts";
import { sha256Compress } from "./sha256.ts";

export { keccakF } from "./keccak.ts";
export { SHA256_IV, SHA256_K, sha256Compress } from "./sha256.ts";

/** Precompile call numbers (the `n` of `ecall n, b, c`). */
export const PRECOMPILE = {
  /** SHA-256 compression: the 8 state words at address b (u32, little-endian in memory) are updated
   * with the 64-byte block at address c, read as SHA-256 reads message bytes (big-endian words): the
   * WebAssembly import `zkvm.sha256_compress(state: *mut u32, block: *const u8)`. */
  SHA256_COMPRESS: 0x100,
  /** The same compression with the block as 16 u32 words, little-endian in memory (a `.cwl`
   * `[u32; 16]` array). */
  SHA256_COMPRESS_WORDS: 0x101,
  /** Keccak-f[1600] on the 25 lanes at address b (u64, little-endian, lane x + 5y at 8·(x + 5y));
   * c is not read: the WebAssembly import `zkvm.keccak_f(state: *mut u64)`. */
  KECCAK_F: 0x102,
} as const;

export const PRECOMPILE_NAMES: Record<number, string> = {
  [PRECOMPILE.SHA256_COMPRESS]: "sha256_compress",
  [PRECOMPILE.SHA256_COMPRESS_WORDS]: "sha256_compress_words",
  [PRECOMPILE.KECCAK_F]: "keccak_f",
};

const state8 = new Int32Array(8);
const block16 = new Int32Array(16);
const lanes = new Int32Array(50);

/**
 * Runs precompile `call` on the memory behind `dv` (accessible size `memSize`) with the register values `b`, `c`
 * (unsigned). Returns the end of the highest byte written, or an error message for a trap.
 */
export function runPrecompile(call: number, dv: DataView, memSize: number, b: number, c: number): number | string {
  const inside = (what: string, addr: number, len: number): string | undefined =>
    addr + len > memSize ? `${PRECOMPILE_NAMES[call]}: ${what} of ${len} bytes at address ${addr} outside memory (${memSize} bytes)` : undefined;
  switch (call) {
    case PRECOMPILE.SHA256_COMPRESS:
    case PRECOMPILE.SHA256_COMPRESS_WORDS: {
      const err = inside("state", b, 32) ?? inside("block", c, 64);
      if (err) return err;
      const le = call === PRECOMPILE.SHA256_COMPRESS_WORDS;
      for (let i = 0; i < 16; i++) block16[i] = dv.getInt32(c + 4 * i, le);
      for (let i = 0; i < 8; i++) state8[i] = dv.getInt32(b + 4 * i, true);
      sha256Compress(state8, block16);
      for (let i = 0; i < 8; i++) dv.setInt32(b + 4 * i, state8[i], true);
      return b + 32;
    }
    case PRECOMPILE.KECCAK_F: {
      const err = inside("state", b, 200);
      if (err) return err;
      for (let i = 0; i < 50; i++) lanes[i] = dv.getInt32(b + 4 * i, true);
      keccakF(lanes);
      for (let i = 0; i < 50; i++) dv.setInt32(b + 4 * i, lanes[i], true);
      return b + 200;
    }
  }
  return `unknown system call ${call} (precompiles: ${Object.entries(PRECOMPILE_NAMES).map(([n, s]) => `0x${(+n).toString(16)} ${s}`).join(", ")})`;
}

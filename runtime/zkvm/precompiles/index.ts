// Precompiles of the zkVM (spec/zkvm.md "Precompiles"): `ecall n, b, c` with n from 0x100 on reads its
// operands from linear memory at the addresses in registers b and c, computes the function and writes
// the result back to memory. Every byte it touches must lie inside the accessible memory, checked
// before anything is written, so a precompile either completes or traps with memory unchanged.
import { modOp, pointAdd, pointDouble, readPoint, readU256, writePoint, writeU256 } from "./bigint.ts";
import { keccakF } from "./keccak.ts";
import { BN254_R, POSEIDON_MAX_INPUTS, poseidonPermute } from "../../hash/poseidon.ts";
import { sha256Compress } from "./sha256.ts";

export { SECP256K1_P, pointAdd, pointDouble } from "./bigint.ts";
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
  /** x = x·y mod m on 256-bit numbers (32 bytes little-endian): x at address b, updated; y then m at
   * address c (64 bytes); m = 0 means 2^256. As SP1's uint256_mulmod. */
  UINT256_MULMOD: 0x103,
  /** x = x + y mod m, operands as UINT256_MULMOD; x and y need not be below m (the result is). */
  UINT256_ADDMOD: 0x104,
  /** p = p + q on secp256k1: affine points as x ‖ y (32 bytes little-endian each), p at address b,
   * updated, q at c; (0, 0) is the point at infinity; complete (doubling and inverses included). A
   * coordinate ≥ the field prime or a point off the curve traps. */
  SECP256K1_ADD: 0x105,
  /** p = 2p on secp256k1, p at address b as for SECP256K1_ADD; c is not read. */
  SECP256K1_DOUBLE: 0x106,
  /** The Poseidon permutation over BN254 Fr with circomlib's parameters (runtime/hash/poseidon.ts,
   * constants from runtime/hash/poseidon-bn254.json): the state of t field elements (32 bytes
   * little-endian each, every one below r) at address b, permuted; register c holds t (2..6). */
  POSEIDON_BN254: 0x107,
} as const;

export const PRECOMPILE_NAMES: Record<number, string> = {
  [PRECOMPILE.SHA256_COMPRESS]: "sha256_compress",
  [PRECOMPILE.SHA256_COMPRESS_WORDS]: "sha256_compress_words",
  [PRECOMPILE.KECCAK_F]: "keccak_f",
  [PRECOMPILE.UINT256_MULMOD]: "uint256_mulmod",
  [PRECOMPILE.UINT256_ADDMOD]: "uint256_addmod",
  [PRECOMPILE.SECP256K1_ADD]: "secp256k1_add",
  [PRECOMPILE.SECP256K1_DOUBLE]: "secp256k1_double",
  [PRECOMPILE.POSEIDON_BN254]: "poseidon_bn254",
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
    case PRECOMPILE.UINT256_MULMOD:
    case PRECOMPILE.UINT256_ADDMOD: {
      const err = inside("x", b, 32) ?? inside("y and modulus", c, 64);
      if (err) return err;
      writeU256(dv, b, modOp(call === PRECOMPILE.UINT256_MULMOD, readU256(dv, b), readU256(dv, c), readU256(dv, c + 32)));
      return b + 32;
    }
    case PRECOMPILE.SECP256K1_ADD:
    case PRECOMPILE.SECP256K1_DOUBLE: {
      const add = call === PRECOMPILE.SECP256K1_ADD;
      const err = inside("p", b, 64) ?? (add ? inside("q", c, 64) : undefined);
      if (err) return err;
      const p = readPoint(dv, b);
      if (typeof p === "string") return `${PRECOMPILE_NAMES[call]}: p at address ${b}: ${p}`;
      const q = add ? readPoint(dv, c) : null;
      if (typeof q === "string") return `${PRECOMPILE_NAMES[call]}: q at address ${c}: ${q}`;
      writePoint(dv, b, add ? pointAdd(p, q) : pointDouble(p));
      return b + 64;
    }
    case PRECOMPILE.POSEIDON_BN254: {
      const t = c;
      if (t < 2 || t > POSEIDON_MAX_INPUTS + 1) return `poseidon_bn254: width ${t} is not in 2..${POSEIDON_MAX_INPUTS + 1}`;
      const err = inside("state", b, 32 * t);
      if (err) return err;
      const st: bigint[] = [];
      for (let i = 0; i < t; i++) {
        const v = readU256(dv, b + 32 * i);
        if (v >= BN254_R) return `poseidon_bn254: state element ${i} at address ${b + 32 * i} is not below the BN254 scalar field modulus`;
        st.push(v);
      }
      poseidonPermute(st).forEach((v, i) => writeU256(dv, b + 32 * i, v));
      return b + 32 * t;
    }
  }
  return `unknown system call ${call} (precompiles: ${Object.entries(PRECOMPILE_NAMES).map(([n, s]) => `0x${(+n).toString(16)} ${s}`).join(", ")})`;
}

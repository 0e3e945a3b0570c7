// Correlated OT extension from small-field VOLE (Roy, "SoftSpokenOT: Quieter OT Extension from
// Small-Field Silent VOLE in the Minicrypt Model", CRYPTO 2022), κ = 128, for any k dividing 128.
// k = 1 is IKNP; k = 2, 4, 8 are SoftSpokenOT's trade-offs: the receiver sends 128/k bits per OT,
// both sides expand 2^k seeds per block of k columns (the PRG work grows as 2^k/k).
//
// Setup (once per ordered pair, roles of the base OTs swapped): the OT-extension receiver draws a
// GGM tree of 2^k leaves per block (128/k blocks) and gives the sender, through k base OTs per
// block (128 in all), every leaf but one: the sender's Δ, read k bits per block, is the index of the
// leaf it does not learn (a punctured PRF). Base-OT keys are one-time pads on the XOR of all left
// and of all right children of each level; the sender chooses the side off its path.
//
// Extension of m OTs with choice vector x (padded, see below), per block b and leaf s:
// r_s = PRG(seed_s), u_b = ⊕_s r_s, V_b,j = ⊕_{s: bit j of s = 1} r_s. The receiver sends
// c_b = u_b ⊕ x. The sender, who lacks r_{Δ_b}, computes W_b,j = ⊕_{s ≠ Δ_b, bit j of s ⊕ Δ_b = 1} r_s
// ⊕ Δ_b,j·c_b = V_b,j ⊕ Δ_b,j·x. Column b·k + j of T is V_b,j and of Q is W_b,j; row i gives
// T_i = Q_i ⊕ x_i·Δ, the usual correlated-OT output.
//
// Consistency check (the receiver could send corrections c_b that do not all carry the same x): the
// check of SoftSpokenOT's malicious subspace VOLE, a universal hash applied identically to every
// column. After the corrections, the sender sends a seed; it defines a uniformly random linear map
// R: GF(2)^ℓ → GF(2)^128 on the ℓ real rows, and the identity on 128 padding rows with random choice
// bits (so that x̃ = R·x is uniform and hides x). The receiver sends x̃ and t̃_i = R·T^i for all 128
// columns; the sender requires R·Q^i = t̃_i ⊕ Δ_i·x̃ for every column i. A receiver whose corrections
// are inconsistent in a block with Δ_b ≠ its claim passes with probability about 2^−128 per try
// beyond guessing Δ bits (each guess that survives is a selective-failure leak of a Δ bit that the
// analysis allows). The same check replaces the row-wise GF(2^128) check of Keller–Orsini–Scholl
// (CRYPTO 2015) for k = 1, whose original proof Roy showed to be incomplete.
import { createCipheriv, randomBytes } from "node:crypto";
import type { PartyNet } from "../net/index.ts";
import { Prg } from "../spdz2k/ring.ts";
import { baseOtReceive, baseOtSend } from "./base.ts";

export const KAPPA = 128;
/** Padding rows with random choice bits; the check's hash is the identity on them. */
const PAD = 128;
/** The check message: x̃ and one t̃ per column, 16 bytes each. */
const CHECK_BYTES = 16 * (KAPPA + 1);

/** The sender's side: Δ, and Q_i per extended OT. */
export interface CotSender {
  readonly delta: Buffer;
  extend(m: number): Promise<Buffer[]>;
}
/** The receiver's side: T_i = Q_i ⊕ choice_i·Δ per extended OT. */
export interface CotReceiver {
  extend(choices: readonly boolean[]): Promise<Buffer[]>;
}

/** One interface for the OT extensions, so that they can be compared side by side. */
export interface OtExtension {
  readonly name: string;
  /** Bits the receiver sends per OT (excluding the per-batch check and padding). */
  readonly bitsPerOt: number;
  sender(net: PartyNet, peer: number): Promise<CotSender>;
  receiver(net: PartyNet, peer: number, opts?: ReceiverOptions): Promise<CotReceiver>;
}

export interface ReceiverOptions {
  /**
   * A deviating receiver (tests, `--cheat kind=ot`): in its first extension, the correction of every
   * block that holds one of the first `tamperColumns` columns carries another choice bit in row 0,
   * an inconsistent OT input. Missed only when Δ is 0 on all the blocks' columns.
   */
  tamperColumns?: number;
}

/** The blocks 0 and 1 (little-endian), the GGM step's two plaintexts. */
const CHILD_BLOCKS = Buffer.alloc(32);
CHILD_BLOCKS[16] = 1;
/** The GGM step: a node's two children, AES keyed with the node on the blocks 0 and 1. */
function children(node: Buffer): [Buffer, Buffer] {
  const out = createCipheriv("aes-128-ecb", node, null).setAutoPadding(false).update(CHILD_BLOCKS);
  return [out.subarray(0, 16), out.subarray(16, 32)];
}

let zeros = Buffer.alloc(0);
/** `bytes` pseudorandom bytes from a leaf seed for extension number `call` (AES-CTR, call in the IV). */
export function expand(seed: Buffer, call: number, bytes: number): Buffer {
  if (zeros.length < bytes) zeros = Buffer.alloc(bytes);
  const iv = Buffer.alloc(16);
  iv.writeUInt32LE(call, 12);
  return createCipheriv("aes-128-ctr", seed, iv).update(zeros.subarray(0, bytes));
}

function xorInto(dst: Buffer, src: Uint8Array): void {
  const n = dst.length;
  let i = 0;
  if (dst.byteOffset % 4 === 0 && src.byteOffset % 4 === 0) {
    const d = new Uint32Array(dst.buffer, dst.byteOffset, n >> 2);
    const s = new Uint32Array(src.buffer, src.byteOffset, n >> 2);
    for (let w = 0; w < d.length; w++) d[w] ^= s[w];
    i = d.length << 2;
  }
  for (; i < n; i++) dst[i] ^= src[i];
}

/** A copy in a fresh, 4-byte-aligned buffer. */
const aligned = (b: Uint8Array): Buffer => {
  const out = Buffer.alloc(b.length);
  out.set(b);
  return out;
};

/**
 * 128 columns of `rows` bits → rows of 16 bytes (row i holds bit i of every column), `rows` a
 * multiple of 8. Blocks of 8 columns × 8 rows are transposed as one 64-bit word (two 32-bit halves,
 * byte c = column c) by three delta swaps that exchange the 3-bit row and column indices; the rows
 * are views into one buffer.
 */
export function transpose(cols: readonly Uint8Array[], rows: number): Buffer[] {
  const all = Buffer.alloc(16 * rows);
  const nbytes = rows >> 3;
  for (let jb = 0; jb < KAPPA / 8; jb++) {
    const [c0, c1, c2, c3, c4, c5, c6, c7] = cols.slice(8 * jb, 8 * jb + 8);
    for (let ib = 0; ib < nbytes; ib++) {
      let lo = c0[ib] | (c1[ib] << 8) | (c2[ib] << 16) | (c3[ib] << 24);
      let hi = c4[ib] | (c5[ib] << 8) | (c6[ib] << 16) | (c7[ib] << 24);
      let t = (lo ^ (lo >>> 7)) & 0x00aa00aa;
      lo ^= t ^ (t << 7);
      t = (hi ^ (hi >>> 7)) & 0x00aa00aa;
      hi ^= t ^ (t << 7);
      t = (lo ^ (lo >>> 14)) & 0x0000cccc;
      lo ^= t ^ (t << 14);
      t = (hi ^ (hi >>> 14)) & 0x0000cccc;
      hi ^= t ^ (t << 14);
      t = (lo ^ (hi << 4)) & 0xf0f0f0f0;
      lo ^= t;
      hi ^= t >>> 4;
      // Byte r of the word is row 8·ib + r's byte jb.
      const at = 128 * ib + jb;
      all[at] = lo;
      all[at + 16] = lo >>> 8;
      all[at + 32] = lo >>> 16;
      all[at + 48] = lo >>> 24;
      all[at + 64] = hi;
      all[at + 80] = hi >>> 8;
      all[at + 96] = hi >>> 16;
      all[at + 112] = hi >>> 24;
    }
  }
  const out = new Array<Buffer>(rows);
  for (let i = 0; i < rows; i++) out[i] = all.subarray(16 * i, 16 * i + 16);
  return out;
}

/**
 * The check's hash of columns of `rows` bits: per column, ⊕ ρ_r over its set bits r among the first
 * rows − PAD (ρ as 32-bit words, 4 per row), then the 16 padding bytes XORed in (the identity).
 * Eight rows at a time through a table of the 256 XORs of their ρ rows, shared by all columns.
 */
function hashColumns(cols: readonly Uint8Array[], rho: Uint32Array, rows: number): Buffer[] {
  const mainBytes = (rows - PAD) >> 3;
  const n = cols.length;
  const acc = new Uint32Array(4 * n);
  const table = new Uint32Array(4 * 256);
  for (let k = 0; k < mainBytes; k++) {
    const base = 32 * k;
    for (let v = 1; v < 256; v++) {
      const low = v & -v;
      const r = base + ((31 - Math.clz32(low)) << 2);
      const prev = 4 * (v ^ low);
      table[4 * v] = table[prev] ^ rho[r];
      table[4 * v + 1] = table[prev + 1] ^ rho[r + 1];
      table[4 * v + 2] = table[prev + 2] ^ rho[r + 2];
      table[4 * v + 3] = table[prev + 3] ^ rho[r + 3];
    }
    for (let c = 0; c < n; c++) {
      const t = 4 * cols[c][k];
      const o = 4 * c;
      acc[o] ^= table[t];
      acc[o + 1] ^= table[t + 1];
      acc[o + 2] ^= table[t + 2];
      acc[o + 3] ^= table[t + 3];
    }
  }
  return cols.map((col, c) => {
    const out = Buffer.from(acc.buffer, 16 * c, 16);
    for (let i = 0; i < 16; i++) out[i] ^= col[mainBytes + i];
    return out;
  });
}

const checkMatrix = (seed: Uint8Array, rows: number): Uint32Array => {
  const b = aligned(new Prg(seed).bytes(16 * (rows - PAD)));
  return new Uint32Array(b.buffer, b.byteOffset, b.length >> 2);
};

const bit = (b: Uint8Array, i: number): number => (b[i >> 3] >> (i & 7)) & 1;

/**
 * Punctured PRFs, the setup of a small-field VOLE: the side that learns every leaf draws a GGM tree
 * of 2^k leaves per block and gives the other side, through k base OTs per block, every leaf but the
 * one at its index. Base-OT keys are one-time pads on the XOR of all left and of all right children
 * of each level; the punctured side chooses the side off its path. Returns every leaf, per block.
 */
export async function puncturedSend(net: PartyNet, peer: number, k: number, blocks: number): Promise<Buffer[][]> {
  const pairs = await baseOtSend(net, peer, blocks * k);
  const sums = Buffer.alloc(32 * blocks * k);
  const seeds: Buffer[][] = [];
  for (let b = 0; b < blocks; b++) {
    let level = [randomBytes(16)];
    for (let l = 1; l <= k; l++) {
      const next: Buffer[] = [];
      for (const node of level) next.push(...children(node));
      const s0 = Buffer.alloc(16);
      const s1 = Buffer.alloc(16);
      next.forEach((node, n) => xorInto(n & 1 ? s1 : s0, node));
      const [k0, k1] = pairs[b * k + l - 1];
      xorInto(s0, k0);
      xorInto(s1, k1);
      s0.copy(sums, 32 * (b * k + l - 1));
      s1.copy(sums, 32 * (b * k + l - 1) + 16);
      level = next;
    }
    seeds.push(level);
  }
  net.send(peer, sums);
  return seeds;
}

/** The punctured side: every leaf of block b but leaf `punct[b]` (undefined there). */
export async function puncturedReceive(net: PartyNet, peer: number, k: number, punct: readonly number[], step: string): Promise<(Buffer | undefined)[][]> {
  const blocks = punct.length;
  // Level l (1 … k) of the tree branches on bit k − l of the leaf index; this side takes the side off its path.
  const choices: boolean[] = [];
  for (let b = 0; b < blocks; b++) for (let l = 1; l <= k; l++) choices.push(((punct[b] >> (k - l)) & 1) === 0);
  const keys = await baseOtReceive(net, peer, choices);
  const sums = await net.recv(peer);
  if (sums.length !== 32 * blocks * k) throw net.abort(`party ${peer} sent ${sums.length} bytes of punctured-PRF level sums, expected ${32 * blocks * k}`, step);
  const seeds: (Buffer | undefined)[][] = [];
  for (let b = 0; b < blocks; b++) {
    const p = punct[b];
    let level: (Buffer | undefined)[] = [undefined];
    for (let l = 1; l <= k; l++) {
      const side = 1 - ((p >> (k - l)) & 1);
      const at = 32 * (b * k + l - 1) + 16 * side;
      const sum = aligned(sums.subarray(at, at + 16));
      xorInto(sum, keys[b * k + l - 1]);
      const next: (Buffer | undefined)[] = new Array(level.length * 2);
      level.forEach((node, n) => {
        if (!node) return;
        const [c0, c1] = children(node);
        next[2 * n] = c0;
        next[2 * n + 1] = c1;
        xorInto(sum, side ? c1 : c0);
      });
      // The one unknown node on that side is the sibling of the path node.
      const pathNode = p >> (k - l);
      next[pathNode ^ 1] = sum;
      level = next;
    }
    seeds.push(level);
  }
  return seeds;
}

/** The correlated-OT extension from 2^k-leaf punctured PRFs (see the top of this file). */
export function subspaceVoleExtension(k: number, name: string): OtExtension {
  if (!Number.isInteger(k) || k < 1 || k > 10 || KAPPA % k !== 0) throw new Error(`OT extension: k = ${k} must divide 128 (1 to 8)`);
  const blocks = KAPPA / k;
  const leaves = 1 << k;
  return {
    name,
    bitsPerOt: KAPPA / k,

    async sender(net, peer) {
      const delta = randomBytes(16);
      // Block b's punctured leaf is the k bits of Δ at columns bk … bk+k−1 (bit j of the index is column bk + j).
      const punct = Array.from({ length: blocks }, (_, b) => {
        let p = 0;
        for (let j = 0; j < k; j++) p |= bit(delta, b * k + j) << j;
        return p;
      });
      const seeds = await puncturedReceive(net, peer, k, punct, "OT extension");
      let call = 0;
      return {
        delta,
        async extend(m) {
          call++;
          const rows = Math.ceil(m / 8) * 8 + PAD;
          const bytes = rows / 8;
          const c = await net.recv(peer);
          if (c.length !== blocks * bytes) throw net.abort(`party ${peer} sent ${c.length} bytes of OT-extension corrections, expected ${blocks * bytes}`, "OT extension");
          const cols: Buffer[] = [];
          for (let b = 0; b < blocks; b++) {
            const p = punct[b];
            const w = Array.from({ length: k }, () => Buffer.alloc(bytes));
            for (let s = 0; s < leaves; s++) {
              if (s === p) continue;
              const r = expand(seeds[b][s]!, call, bytes);
              for (let j = 0; j < k; j++) if (((s ^ p) >> j) & 1) xorInto(w[j], r);
            }
            const cb = c.subarray(b * bytes, (b + 1) * bytes);
            for (let j = 0; j < k; j++) {
              if ((p >> j) & 1) xorInto(w[j], cb);
              cols.push(w[j]);
            }
          }
          const seed = randomBytes(16);
          net.send(peer, seed);
          const rho = checkMatrix(seed, rows);
          const check = await net.recv(peer);
          if (check.length !== CHECK_BYTES) throw net.abort(`party ${peer} sent an OT-extension check of ${check.length} bytes, expected ${CHECK_BYTES}`, "OT extension");
          const xt = check.subarray(0, 16);
          const hashes = hashColumns(cols, rho, rows);
          for (let i = 0; i < KAPPA; i++) {
            const want = aligned(check.subarray(16 * (i + 1), 16 * (i + 2)));
            if (bit(delta, i)) xorInto(want, xt);
            if (!hashes[i].equals(want))
              throw net.abort(`party ${peer} failed the ${name} consistency check (its OT-extension corrections do not come from one choice vector)`, "OT extension");
          }
          return transpose(cols, rows).slice(0, m);
        },
      };
    },

    async receiver(net, peer, opts = {}) {
      const seeds = await puncturedSend(net, peer, k, blocks);
      let call = 0;
      return {
        async extend(choices) {
          call++;
          const m = choices.length;
          const rows = Math.ceil(m / 8) * 8 + PAD;
          const bytes = rows / 8;
          const x = Buffer.alloc(bytes);
          choices.forEach((ch, i) => ch && (x[i >> 3] |= 1 << (i & 7)));
          randomBytes(PAD / 8).copy(x, bytes - PAD / 8);
          const c = Buffer.alloc(blocks * bytes);
          const cols: Buffer[] = [];
          for (let b = 0; b < blocks; b++) {
            const u = c.subarray(b * bytes, (b + 1) * bytes);
            const v = Array.from({ length: k }, () => Buffer.alloc(bytes));
            for (let s = 0; s < leaves; s++) {
              const r = expand(seeds[b][s], call, bytes);
              xorInto(u, r);
              for (let j = 0; j < k; j++) if ((s >> j) & 1) xorInto(v[j], r);
            }
            xorInto(u, x);
            cols.push(...v);
          }
          if (call === 1) for (let b = 0; b * k < (opts.tamperColumns ?? 0); b++) c[b * bytes] ^= 1;
          net.send(peer, c);
          const seed = await net.recv(peer);
          if (seed.length !== 16) throw net.abort(`party ${peer} sent an OT-extension check seed of ${seed.length} bytes`, "OT extension");
          const rho = checkMatrix(seed, rows);
          net.send(peer, Buffer.concat(hashColumns([x, ...cols], rho, rows)));
          return transpose(cols, rows).slice(0, m);
        },
      };
    },
  };
}

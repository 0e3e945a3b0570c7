// Products of a receiver's bits and a sender's value in Z_2^128 from correlated OT, the
// multiplication step of SPDZ2k's triple generation (Cramer–Damgård–Escudero–Scholl–Xing,
// CRYPTO 2018, and MP-SPDZ's Spdz2kTripleGenerator): one COT per receiver bit x_h; for the value b
// of its group (τ bits per group) the sender sends d_h = H(Q_h) − H(Q_h ⊕ Δ) + b and keeps −H(Q_h);
// the receiver keeps H(T_h) + x_h·d_h = H(Q_h) + x_h·b. The two keep additive shares of x_h·b.
// Each correction is a whole 128-bit word (the products are later multiplied by random 128-bit
// coefficients, so no bit of them can be dropped).
//
// Everything runs on 32-bit limbs in typed arrays: a 128-bit word is 4 little-endian Uint32s.
// H is fixed-key AES in the Matyas–Meyer–Oseas form, tweaked with the OT's index within the call
// (a tweakable correlation-robust hash, as in Guo et al. 2020), applied in one bulk AES call.
import { createCipheriv } from "node:crypto";
import type { PartyNet } from "../net/index.ts";
import type { CotReceiver, CotSender } from "./extension.ts";

const FIXED_KEY = Buffer.from("cwl bitmul hash!");

/** H(i, row_i ⊕ xor) for each 16-byte row, as 4 limbs per row (also the hash of gilboa.ts). */
export function hashRows(rows: readonly Buffer[], xor?: Buffer): Uint32Array {
  const input = Buffer.alloc(rows.length * 16);
  for (let i = 0; i < rows.length; i++) rows[i].copy(input, 16 * i);
  const w = new Uint32Array(input.buffer, input.byteOffset, rows.length * 4);
  if (xor) {
    const x = new Uint32Array(Uint8Array.from(xor).buffer);
    for (let i = 0; i < w.length; i += 4) {
      w[i] ^= x[0];
      w[i + 1] ^= x[1];
      w[i + 2] ^= x[2];
      w[i + 3] ^= x[3];
    }
  }
  for (let i = 0; i < rows.length; i++) w[4 * i] ^= i;
  const enc = createCipheriv("aes-128-ecb", FIXED_KEY, null).setAutoPadding(false).update(input);
  const out = new Uint32Array(enc.length >> 2);
  const e = new Uint32Array(enc.buffer, enc.byteOffset, out.length);
  for (let i = 0; i < out.length; i++) out[i] = e[i] ^ w[i];
  return out;
}

const TWO32 = 4294967296;

/** d[di..] = a[ai..] − b[bi..] (+ c[ci..] when given) mod 2^128, on 4 limbs. */
export function subAdd(d: Uint32Array, di: number, a: Uint32Array, ai: number, b: Uint32Array, bi: number, c?: Uint32Array, ci = 0): void {
  let carry = 0;
  for (let l = 0; l < 4; l++) {
    let x = a[ai + l] - b[bi + l] + (c ? c[ci + l] : 0) + carry;
    carry = Math.floor(x / TWO32);
    x -= carry * TWO32;
    d[di + l] = x;
  }
}

/** d[di..] += s[si..] mod 2^128. */
export function addInto(d: Uint32Array, di: number, s: Uint32Array, si: number): void {
  let carry = 0;
  for (let l = 0; l < 4; l++) {
    const x = d[di + l] + s[si + l] + carry;
    carry = x >= TWO32 ? 1 : 0;
    d[di + l] = x - carry * TWO32;
  }
}

/** A deviating sender (tests): adds 1 to the correction of the OT whose index `index()` returns. */
export interface BitMulCheat {
  index: () => number;
}

/**
 * Sender: `values` holds one 128-bit word (4 limbs) per group of `tau` receiver bits. Returns its
 * shares of x_h·b, 4 limbs per bit, in the receiver's bit order.
 */
export async function bitMulSend(net: PartyNet, peer: number, cot: CotSender, values: Uint32Array, tau: number, cheat?: BitMulCheat): Promise<Uint32Array> {
  const groups = values.length / 4;
  const m = groups * tau;
  const Q = await cot.extend(m);
  const h0 = hashRows(Q);
  const h1 = hashRows(Q, cot.delta);
  const d = new Uint32Array(4 * m);
  const share = new Uint32Array(4 * m);
  const zero = new Uint32Array(4);
  for (let g = 0; g < groups; g++)
    for (let h = 0; h < tau; h++) {
      const j = 4 * (g * tau + h);
      subAdd(d, j, h0, j, h1, j, values, 4 * g);
      subAdd(share, j, zero, 0, h0, j);
    }
  if (cheat) {
    const i = cheat.index();
    if (i >= 0 && i < m) d[4 * i] = (d[4 * i] + 1) >>> 0;
  }
  net.send(peer, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  return share;
}

/** Receiver: its bits x_h (bit i of `bits`, `m` of them). Returns its shares of x_h·b, 4 limbs per bit. */
export async function bitMulReceive(net: PartyNet, peer: number, cot: CotReceiver, bits: Uint8Array, m: number): Promise<Uint32Array> {
  const choices = new Array<boolean>(m);
  for (let i = 0; i < m; i++) choices[i] = ((bits[i >> 3] >> (i & 7)) & 1) === 1;
  const T = await cot.extend(choices);
  const share = hashRows(T);
  const msg = await net.recv(peer);
  if (msg.length !== 16 * m) throw net.abort(`party ${peer} sent ${msg.length} bytes of OT corrections, expected ${16 * m}`, net.phase);
  const d = new Uint32Array(Uint8Array.from(msg).buffer);
  for (let i = 0; i < m; i++) if (choices[i]) addInto(share, 4 * i, d, 4 * i);
  return share;
}

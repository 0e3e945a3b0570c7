// Products of a sender's values and a receiver's value from correlated OT (Gilboa 1999), over
// Z_2^128: one COT per bit of the receiver's b; for each sender value a and bit i the sender sends
// d_i = H(Q_i) − H(Q_i ⊕ Δ) + a and keeps −Σ 2^i·H(Q_i); the receiver gets H(T_i) + b_i·d_i =
// H(Q_i) + b_i·a and keeps Σ 2^i·(H(T_i) + b_i·d_i). The two keep additive shares of a·b. d_i is
// sent truncated to its low 128 − i bits (whole bytes), all the product mod 2^128 depends on. Several
// sender values may share one receiver value (one set of COTs, one correction per value and bit).
// H is fixed-key AES in the Matyas–Meyer–Oseas form with the OT index as tweak (a tweakable
// correlation-robust hash, as in Guo et al. 2020), 128-bit output.
import type { PartyNet } from "../net/index.ts";
import { KS, mod, unpackWords } from "../spdz2k/ring.ts";
import type { CotReceiver, CotSender } from "./extension.ts";
import { hashRows as hashRowLimbs } from "./bitmul.ts";

/** H(i, x) for each 16-byte row (i = its index), as Z_2^128 values. */
function hashRows(rows: readonly Buffer[], xor?: Buffer): bigint[] {
  const h = hashRowLimbs(rows, xor);
  return unpackWords(Buffer.from(h.buffer, h.byteOffset, h.byteLength), 16, rows.length, "hash");
}

const BITS = KS;
/** The term of bit i is multiplied by 2^i mod 2^128, so its correction needs only the low 128 − i bits. */
const CORRECTION_BYTES = Array.from({ length: BITS }, (_, i) => Math.ceil((BITS - i) / 8));
const BYTES_PER_VALUE = CORRECTION_BYTES.reduce((a, b) => a + b, 0);

const scratch = Buffer.alloc(16);
function writeLow(buf: Buffer, at: number, x: bigint, bytes: number): void {
  scratch.writeBigUInt64LE(BigInt.asUintN(64, x), 0);
  scratch.writeBigUInt64LE(BigInt.asUintN(64, x >> 64n), 8);
  scratch.copy(buf, at, 0, bytes);
}
function readLow(buf: Buffer, at: number, bytes: number): bigint {
  scratch.fill(0);
  buf.copy(scratch, 0, at, at + bytes);
  return scratch.readBigUInt64LE(0) | (scratch.readBigUInt64LE(8) << 64n);
}

/** Sender: `values[k]` are the values multiplied with the receiver's k-th value. Returns the sender's shares, same shape. */
export async function gilboaSend(net: PartyNet, peer: number, cot: CotSender, values: readonly (readonly bigint[])[]): Promise<bigint[][]> {
  const Q = await cot.extend(BITS * values.length);
  const h0 = hashRows(Q);
  const h1 = hashRows(Q, cot.delta);
  const corrections = Buffer.alloc(values.reduce((n, vs) => n + vs.length, 0) * BYTES_PER_VALUE);
  let at = 0;
  const shares = values.map((vs, k) =>
    vs.map((a) => {
      let s = 0n;
      for (let i = 0; i < BITS; i++) {
        const j = k * BITS + i;
        writeLow(corrections, at, mod(h0[j] - h1[j] + a), CORRECTION_BYTES[i]);
        at += CORRECTION_BYTES[i];
        s -= h0[j] << BigInt(i);
      }
      return mod(s);
    }),
  );
  net.send(peer, corrections);
  return shares;
}

/** Receiver: `values[k]` is its k-th value, multiplied with `counts[k]` sender values. */
export async function gilboaReceive(net: PartyNet, peer: number, cot: CotReceiver, values: readonly bigint[], counts: readonly number[]): Promise<bigint[][]> {
  const choices: boolean[] = [];
  for (const b of values) for (let i = 0; i < BITS; i++) choices.push(((b >> BigInt(i)) & 1n) === 1n);
  const T = await cot.extend(choices);
  const h = hashRows(T);
  const expected = counts.reduce((a, c) => a + c, 0) * BYTES_PER_VALUE;
  const msg = await net.recv(peer);
  if (msg.length !== expected) throw net.abort(`party ${peer} sent ${msg.length} bytes of OT corrections, expected ${expected}`, "offline");
  let at = 0;
  return values.map((b, k) =>
    Array.from({ length: counts[k] }, () => {
      let s = 0n;
      for (let i = 0; i < BITS; i++) {
        const j = k * BITS + i;
        s += (choices[j] ? h[j] + readLow(msg, at, CORRECTION_BYTES[i]) : h[j]) << BigInt(i);
        at += CORRECTION_BYTES[i];
      }
      return mod(s);
    }),
  );
}

// MACs from a correlated OT with Δ = α (the COPEe of MASCOT, Keller–Orsini–Scholl CCS 2016, as
// SPDZ2k authenticates): between a key holder (party j, MAC-key share α_j ∈ Z_2^64) and a value
// holder (party i), 64 base OTs in which j's choice bits are the bits of α_j fix α_j once for every
// MAC that follows. For a batch of values x (i's shares, Z_2^128), column b of extension number c
// gives i the words t0_b = PRG(K0_b, c) and t1_b = PRG(K1_b, c), j the word t_{α_b}; i sends
// u_b = t0_b − t1_b + x, and j computes q_b = t_{α_b} + α_b·u_b = t0_b + α_b·x. Then
// Σ_b 2^b·q_b − Σ_b 2^b·t0_b = α_j·x mod 2^128: j keeps the first sum, i minus the second, additive
// shares of α_j·x. Column b is multiplied by 2^b, so u_b travels truncated to its low 128 − b bits
// (772 bytes per value instead of 1,024). No OT extension is involved: the cost is the same with
// KOS and SoftSpoken.
//
// A value holder who uses another x in some columns gives j a MAC off by Σ_b 2^b·α_b·e_b; the
// authentication check in preprocessing.ts catches it. A key holder cannot use two α_j: its base-OT
// choices are the only α_j it ever gets words for.
import { createCipheriv } from "node:crypto";
import type { PartyNet } from "../net/index.ts";
import { mod } from "../spdz2k/ring.ts";
import { baseOtReceive, baseOtSend } from "./base.ts";

/** Bits of the MAC-key share, the columns of COPEe. */
export const KEY_BITS = 64;
const COLUMN_BYTES = Array.from({ length: KEY_BITS }, (_, b) => Math.ceil((128 - b) / 8));
const BYTES_PER_VALUE = COLUMN_BYTES.reduce((a, b) => a + b, 0);

/** n 128-bit words from a base-OT key for batch `call` (AES-CTR keyed with the key, the call in the IV). */
function words(key: Buffer, call: number, n: number): bigint[] {
  const iv = Buffer.alloc(16);
  iv.writeUInt32LE(call, 12);
  const b = createCipheriv("aes-128-ctr", key, iv).update(Buffer.alloc(16 * n));
  const out = new Array<bigint>(n);
  for (let v = 0; v < n; v++) out[v] = b.readBigUInt64LE(16 * v) | (b.readBigUInt64LE(16 * v + 8) << 64n);
  return out;
}

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

export interface CopeOptions {
  /**
   * A deviating value holder (tests, `--cheat kind=ot`): in its first batch, value 0 goes into
   * columns 0 … 31 as x + 1 and into the others as x, an inconsistent OT input. Its MAC is then
   * off by α_j mod 2^32, which the authentication check sees unless those 32 bits of α_j are 0.
   */
  tamper?: boolean;
}

/** The key holder's side with one peer: α_j fixed by its base-OT choices. */
export class CopeKeyHolder {
  private call = 0;
  private constructor(
    private readonly net: PartyNet,
    private readonly peer: number,
    private readonly alpha: bigint,
    private readonly keys: Buffer[],
  ) {}

  static async setup(net: PartyNet, peer: number, alpha: bigint): Promise<CopeKeyHolder> {
    const bits = Array.from({ length: KEY_BITS }, (_, b) => ((alpha >> BigInt(b)) & 1n) === 1n);
    return new CopeKeyHolder(net, peer, alpha, await baseOtReceive(net, peer, bits));
  }

  /** This party's shares of α_j·x for the peer's n values (received from it). */
  async receive(n: number): Promise<bigint[]> {
    this.call++;
    const msg = await this.net.recv(this.peer);
    if (msg.length !== n * BYTES_PER_VALUE) throw this.net.abort(`party ${this.peer} sent ${msg.length} bytes of MAC corrections, expected ${n * BYTES_PER_VALUE}`, this.net.phase);
    const out = new Array<bigint>(n).fill(0n);
    let at = 0;
    for (let b = 0; b < KEY_BITS; b++) {
      const set = ((this.alpha >> BigInt(b)) & 1n) === 1n;
      const t = words(this.keys[b], this.call, n);
      const shift = BigInt(b);
      for (let v = 0; v < n; v++) {
        const q = set ? t[v] + readLow(msg, at + v * COLUMN_BYTES[b], COLUMN_BYTES[b]) : t[v];
        out[v] += q << shift;
      }
      at += n * COLUMN_BYTES[b];
    }
    return out.map(mod);
  }
}

/** The value holder's side with one peer. */
export class CopeValueHolder {
  private call = 0;
  private constructor(
    private readonly net: PartyNet,
    private readonly peer: number,
    private readonly pairs: [Buffer, Buffer][],
    private readonly opts: CopeOptions,
  ) {}

  static async setup(net: PartyNet, peer: number, opts: CopeOptions = {}): Promise<CopeValueHolder> {
    return new CopeValueHolder(net, peer, await baseOtSend(net, peer, KEY_BITS), opts);
  }

  /** Sends the corrections for `xs`; returns this party's shares of α_peer·x. */
  send(xs: readonly bigint[]): bigint[] {
    this.call++;
    const n = xs.length;
    const msg = Buffer.alloc(n * BYTES_PER_VALUE);
    const out = new Array<bigint>(n).fill(0n);
    let at = 0;
    for (let b = 0; b < KEY_BITS; b++) {
      const t0 = words(this.pairs[b][0], this.call, n);
      const t1 = words(this.pairs[b][1], this.call, n);
      const shift = BigInt(b);
      for (let v = 0; v < n; v++) {
        const x = this.opts.tamper && this.call === 1 && v === 0 && b < 32 ? xs[v] + 1n : xs[v];
        writeLow(msg, at + v * COLUMN_BYTES[b], mod(t0[v] - t1[v] + x), COLUMN_BYTES[b]);
        out[v] -= t0[v] << shift;
      }
      at += n * COLUMN_BYTES[b];
    }
    this.net.send(this.peer, msg);
    return out.map(mod);
  }
}

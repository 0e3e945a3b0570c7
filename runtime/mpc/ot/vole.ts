// MACs from small-field VOLE with Δ = α (SoftSpokenOT's subspace VOLE, Roy CRYPTO 2022, over the
// ring Z_2^128 as SPDZ2k authenticates): the key holder j splits its MAC-key share α_j ∈ Z_2^64 into
// 64/k digits Δ_b of k bits; per digit, a punctured PRF of 2^k leaves (extension.ts's setup) gives the
// value holder i every leaf seed and j every seed but the one at Δ_b, fixed once for the run. For a
// batch of values x (i's shares), leaf s of digit b expands to words r_s (AES-CTR, the batch number in
// the IV); i computes u_b = Σ_s r_s and V_b = Σ_s s·r_s and sends c_b = u_b − x; j, who lacks only
// r_{Δ_b}, whose factor Δ_b − Δ_b is 0, computes W_b = Σ_{s ≠ Δ_b} (Δ_b − s)·r_s = Δ_b·u_b − V_b and
// keeps W_b − Δ_b·c_b = Δ_b·x − V_b, i keeps V_b. Weighted by 2^(k·b) and summed over the digits,
// these are additive shares of α_j·x; c_b travels truncated to its low 128 − k·b bits.
//
// k = 1 is COPEe (MASCOT's correlated OT, Keller–Orsini–Scholl CCS 2016; cope.ts): one base OT per bit
// of α_j, 800 bytes per value. k = 4 sends 16 corrections, 200 bytes per value, for 2^k/k = 4 times
// the PRG work per bit of α_j. A value holder who puts another x into some digits gives j a MAC off
// by Σ_b 2^(k·b)·Δ_b·e_b, which the authentication check (preprocessing.ts) catches; a key holder is
// bound to one α_j by its punctured PRFs.
import type { PartyNet } from "../net/index.ts";
import { mod } from "../spdz2k/ring.ts";
import { expand, puncturedReceive, puncturedSend } from "./extension.ts";
import { KEY_BITS, type CopeOptions } from "./cope.ts";

const TWO32 = 4294967296;

/** Bytes of each digit's correction (the low 128 − k·b bits), and their sum per value. */
function layout(k: number): { digits: number; bytes: number[]; perValue: number } {
  if (!Number.isInteger(k) || k < 1 || k > 8 || KEY_BITS % k !== 0) throw new Error(`VOLE: k = ${k} must divide 64 (1 to 8)`);
  const digits = KEY_BITS / k;
  const bytes = Array.from({ length: digits }, (_, b) => Math.ceil((128 - k * b) / 8));
  return { digits, bytes, perValue: bytes.reduce((a, b) => a + b, 0) };
}

/** The words of a leaf for batch `call`: n values, 4 limbs each. */
const leafWords = (seed: Buffer, call: number, n: number): Uint32Array => {
  const b = expand(seed, call, 16 * n);
  return new Uint32Array(b.buffer, b.byteOffset, 4 * n);
};

/** acc[4v..] += f·w[4v..] mod 2^128 for every value v (f a small signed integer). */
function mulAdd(acc: Float64Array, w: Uint32Array, f: number): void {
  for (let i = 0; i < w.length; i++) acc[i] += f * w[i];
}

/** Limb sums (each within ±2^53) → a value mod 2^128. */
function toBig(acc: Float64Array, v: number): bigint {
  let x = 0n;
  for (let l = 3; l >= 0; l--) x = (x << 32n) + BigInt(acc[4 * v + l]);
  return x;
}

/** The key holder's side with one peer: α_j fixed by its punctured PRFs. */
export class VoleKeyHolder {
  private call = 0;
  private constructor(
    private readonly net: PartyNet,
    private readonly peer: number,
    private readonly k: number,
    private readonly delta: number[],
    private readonly seeds: (Buffer | undefined)[][],
  ) {}

  static async setup(net: PartyNet, peer: number, alpha: bigint, k: number): Promise<VoleKeyHolder> {
    const { digits } = layout(k);
    const delta = Array.from({ length: digits }, (_, b) => Number((alpha >> BigInt(k * b)) & ((1n << BigInt(k)) - 1n)));
    return new VoleKeyHolder(net, peer, k, delta, await puncturedReceive(net, peer, k, delta, net.phase));
  }

  /** This party's shares of α_j·x for the peer's n values (received from it). */
  async receive(n: number): Promise<bigint[]> {
    this.call++;
    const { digits, bytes, perValue } = layout(this.k);
    const msg = await this.net.recv(this.peer);
    if (msg.length !== n * perValue) throw this.net.abort(`party ${this.peer} sent ${msg.length} bytes of MAC corrections, expected ${n * perValue}`, this.net.phase);
    const out = new Array<bigint>(n).fill(0n);
    const acc = new Float64Array(4 * n);
    const c = Buffer.alloc(16);
    let at = 0;
    for (let b = 0; b < digits; b++) {
      acc.fill(0);
      const d = this.delta[b];
      this.seeds[b].forEach((seed, s) => seed && mulAdd(acc, leafWords(seed, this.call, n), d - s));
      const shift = BigInt(this.k * b);
      for (let v = 0; v < n; v++) {
        c.fill(0);
        msg.copy(c, 0, at + v * bytes[b], at + (v + 1) * bytes[b]);
        const cb = c.readBigUInt64LE(0) | (c.readBigUInt64LE(8) << 64n);
        out[v] += (toBig(acc, v) - BigInt(d) * cb) << shift;
      }
      at += n * bytes[b];
    }
    return out.map(mod);
  }
}

/** The value holder's side with one peer. */
export class VoleValueHolder {
  private call = 0;
  private constructor(
    private readonly net: PartyNet,
    private readonly peer: number,
    private readonly k: number,
    private readonly seeds: Buffer[][],
    private readonly opts: CopeOptions,
  ) {}

  static async setup(net: PartyNet, peer: number, k: number, opts: CopeOptions = {}): Promise<VoleValueHolder> {
    return new VoleValueHolder(net, peer, k, await puncturedSend(net, peer, k, layout(k).digits), opts);
  }

  /** Sends the corrections for `xs`; returns this party's shares of α_peer·x. */
  send(xs: readonly bigint[]): bigint[] {
    this.call++;
    const { digits, bytes, perValue } = layout(this.k);
    const n = xs.length;
    const msg = Buffer.alloc(n * perValue);
    const out = new Array<bigint>(n).fill(0n);
    const u = new Float64Array(4 * n);
    const V = new Float64Array(4 * n);
    const word = Buffer.alloc(16);
    let at = 0;
    for (let b = 0; b < digits; b++) {
      u.fill(0);
      V.fill(0);
      this.seeds[b].forEach((seed, s) => {
        const w = leafWords(seed, this.call, n);
        mulAdd(u, w, 1);
        if (s) mulAdd(V, w, s);
      });
      const shift = BigInt(this.k * b);
      for (let v = 0; v < n; v++) {
        // A deviating value holder (tests, `kind=mac-input`): value 0 of its first batch is x + 1 in the digits below bit 32.
        const x = this.opts.tamper && this.call === 1 && v === 0 && this.k * b < 32 ? xs[v] + 1n : xs[v];
        const cb = mod(toBig(u, v) - x);
        word.writeBigUInt64LE(BigInt.asUintN(64, cb), 0);
        word.writeBigUInt64LE(cb >> 64n, 8);
        word.copy(msg, at + v * bytes[b], 0, bytes[b]);
        out[v] += toBig(V, v) << shift;
      }
      at += n * bytes[b];
    }
    this.net.send(this.peer, msg);
    return out.map(mod);
  }
}

/** Bytes per authenticated value and peer for digits of k bits. */
export const voleBytesPerValue = (k: number): number => layout(k).perValue;

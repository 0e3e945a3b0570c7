// Correlated OT extension: IKNP (Ishai, Kilian, Nissim, Petrank 2003) with the KOS consistency check
// (Keller, Orsini, Scholl, CRYPTO 2015), κ = 128. After 128 base OTs with roles swapped, each
// extension of m OTs costs the receiver 128 bits per OT (the matrix u) plus 32 bytes for the check,
// and gives the sender Q_i and the receiver T_i (16 bytes each) with T_i = Q_i ⊕ r_i·Δ, where r_i are
// the receiver's choice bits and Δ the sender's secret 128-bit correlation.
//
// Check: the sender sends a fresh seed after it has the matrix; with χ_i from it the receiver sends
// x = Σ χ_i·r_i and t = Σ χ_i·T_i (GF(2^128)), and the sender requires Σ χ_i·Q_i = t + x·Δ. 256
// padding OTs with random choice bits (≥ κ + s) keep x from revealing the real choices. Not covered:
// the gap in the KOS proof that Roy (CRYPTO 2022) pointed out, which is why MP-SPDZ moved to
// SoftSpokenOT; SoftSpoken is not built here (spec/mpc.md).
import { randomBytes } from "node:crypto";
import type { PartyNet } from "../net/index.ts";
import { Prg } from "../spdz2k/ring.ts";
import { baseOtReceive, baseOtSend } from "./base.ts";
import { fromBytes16, gfInnerProduct, gfMul, toBytes16 } from "./gf128.ts";

export const KAPPA = 128;
const PAD = 256;

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
  /** Bits the receiver sends per OT (excluding the per-batch check). */
  readonly bitsPerOt: number;
  sender(net: PartyNet, peer: number): Promise<CotSender>;
  receiver(net: PartyNet, peer: number, opts?: ReceiverOptions): Promise<CotReceiver>;
}

export interface ReceiverOptions {
  /**
   * A deviating receiver (tests, `--cheat kind=ot`): in its first extension, row 0 of the first
   * `tamperColumns` columns of u uses the other choice bit, an inconsistent OT input.
   */
  tamperColumns?: number;
}

const seedFor = (key: Buffer, call: number) => Buffer.concat([key, Buffer.from(Uint32Array.of(call).buffer)]);

/** 128 columns of `bytes` bytes → rows of 16 bytes (row i holds bit i of every column). */
function transpose(cols: Buffer[], rows: number): Buffer[] {
  const out = Array.from({ length: rows }, () => Buffer.alloc(16));
  for (let j = 0; j < KAPPA; j++) {
    const col = cols[j];
    const byte = j >> 3;
    const bit = 1 << (j & 7);
    for (let i = 0; i < rows; i++) if ((col[i >> 3] >> (i & 7)) & 1) out[i][byte] |= bit;
  }
  return out;
}

function packBits(bits: readonly boolean[], bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  bits.forEach((x, i) => x && (b[i >> 3] |= 1 << (i & 7)));
  return b;
}

export const KOS: OtExtension = {
  name: "KOS",
  bitsPerOt: KAPPA,

  async sender(net, peer) {
    const delta = randomBytes(16);
    const deltaBits = Array.from({ length: KAPPA }, (_, j) => ((delta[j >> 3] >> (j & 7)) & 1) === 1);
    const keys = await baseOtReceive(net, peer, deltaBits);
    const D = fromBytes16(delta);
    let call = 0;
    return {
      delta,
      async extend(m) {
        call++;
        const rows = Math.ceil(m / 8) * 8 + PAD;
        const bytes = rows / 8;
        const u = await net.recv(peer);
        if (u.length !== KAPPA * bytes) throw net.abort(`party ${peer} sent an OT-extension matrix of ${u.length} bytes, expected ${KAPPA * bytes}`, "OT extension");
        const cols = keys.map((k, j) => {
          const q = Buffer.from(new Prg(seedFor(k, call)).bytes(bytes));
          if (deltaBits[j]) for (let i = 0; i < bytes; i++) q[i] ^= u[j * bytes + i];
          return q;
        });
        const seed = randomBytes(16);
        net.send(peer, seed);
        const Q = transpose(cols, rows);
        const q = gfInnerProduct(new Prg(seed).bytes(16 * rows), Q);
        const xt = await net.recv(peer);
        if (xt.length !== 32) throw net.abort(`party ${peer} sent a KOS check of ${xt.length} bytes`, "OT extension");
        if (q !== (fromBytes16(xt, 16) ^ gfMul(fromBytes16(xt), D)))
          throw net.abort(`party ${peer} failed the KOS consistency check (its OT-extension matrix does not come from one choice vector)`, "OT extension");
        return Q.slice(0, m);
      },
    };
  },

  async receiver(net, peer, opts = {}) {
    const pairs = await baseOtSend(net, peer, KAPPA);
    let call = 0;
    return {
      async extend(choices) {
        call++;
        const m = choices.length;
        const rows = Math.ceil(m / 8) * 8 + PAD;
        const bytes = rows / 8;
        const padded = [...choices, ...Array.from({ length: rows - m }, () => false)];
        const pad = randomBytes(PAD / 8);
        for (let i = 0; i < PAD; i++) padded[rows - PAD + i] = ((pad[i >> 3] >> (i & 7)) & 1) === 1;
        const r = packBits(padded, bytes);
        const u = Buffer.alloc(KAPPA * bytes);
        const cols = pairs.map(([k0, k1], j) => {
          const t0 = Buffer.from(new Prg(seedFor(k0, call)).bytes(bytes));
          const t1 = new Prg(seedFor(k1, call)).bytes(bytes);
          for (let i = 0; i < bytes; i++) u[j * bytes + i] = t0[i] ^ t1[i] ^ r[i];
          return t0;
        });
        if (call === 1) for (let j = 0; j < (opts.tamperColumns ?? 0); j++) u[j * bytes] ^= 1;
        net.send(peer, u);
        const seed = await net.recv(peer);
        const T = transpose(cols, rows);
        const chis = new Prg(seed).bytes(16 * rows);
        let x = 0n;
        for (let i = 0; i < rows; i++) if (padded[i]) x ^= fromBytes16(chis, 16 * i);
        const t = gfInnerProduct(chis, T);
        net.send(peer, Buffer.concat([toBytes16(x), toBytes16(t)]));
        return T.slice(0, m);
      },
    };
  },
};

// SPDZ2k preprocessing from correlated OT, N parties pairwise. Every product of two shared values
// Σ_i x_i · Σ_j y_j splits into local terms x_i·y_i and cross terms x_i·y_j:
//
// - triple pairs, the SPDZ2k way (Cramer–Damgård–Escudero–Scholl–Xing, CRYPTO 2018; MP-SPDZ's
//   Spdz2kTripleGenerator): every party draws τ random bits x_h^i per triple and b^i ∈ Z_2^128; the
//   products c_h = x_h·b (x_h = Σ_i x_h^i, b = Σ_i b^i) come from one correlated OT per bit and
//   ordered pair (bitmul.ts; SoftSpokenOT by default, or KOS); then, with coefficients r, r' drawn
//   jointly after the products are fixed, a = Σ r_h·x_h, c = Σ r_h·c_h, a2 = Σ r'_h·x_h,
//   c2 = Σ r'_h·c_h ("combine"). The online phase sacrifices (a2, b, c2) to check (a, b, c) (online.ts);
// - MACs: m_i = α_i·x_i + party i's shares of α_j·x_i and α_i·x_j for every peer j, from a VOLE
//   with Δ = α_j in digits of the extension's k bits (vole.ts: COPEe for KOS's k = 1, SoftSpokenOT's
//   small-field VOLE for k = 4, fixed by punctured PRFs once for the whole run), then the
//   authentication check below;
// - random values: random shares with MACs; input masks: the same, plus every other party's share
//   sent to the owner, who thus knows r.
//
// Authentication check (SPDZ2k's, per batch of MACs): one more random value x_0 is authenticated
// with the batch; with joint random χ_v ∈ Z_2^64 (committed seeds), y = x_0 + Σ χ_v·x_v is opened in
// full (x_0 uniform in Z_2^128 hides the rest) and every party commits to z_i = m_i(y) − α_i·y,
// then opens; Σ z_i must be 0 mod 2^128. A value holder who fed the MAC VOLE an inconsistent value (or any
// other MAC error) is caught here, and every honest party aborts naming the step.
//
// What this is secure against: malicious parties (up to N − 1, with abort) in the OT extension (its
// consistency check), in the MAC VOLE (the authentication check; a key holder is bound to one α_j by its
// base OTs) and in the products (a wrong c fails the sacrifice). Selective failure: a sender who
// puts another b into the correction of OT h makes c wrong exactly when the receiver's bit x_h is 1,
// so whether the sacrifice aborts tells it that bit; the bits never leave the preprocessing, and a
// and a2 are random combinations of τ of them, which stay close to uniform while σ bits leak (TAU
// below). The sacrifice checks products in Z_2^128, not only on the 64 bits values use (online.ts).
// Base OTs: Chou–Orlandi (base.ts).
import { createHash, randomBytes, randomFillSync } from "node:crypto";
import type { PartyNet } from "../net/index.ts";
import type { Preprocessing, Share, Triple, TriplePair } from "../spdz2k/preprocessing.ts";
import { Prg, commit, mod, openCommitment, packWords, unpackWords } from "../spdz2k/ring.ts";
import { VoleKeyHolder, VoleValueHolder } from "./vole.ts";
import { KAPPA, type CotReceiver, type CotSender, type OtExtension, type ReceiverOptions } from "./extension.ts";
import { addInto, bitMulReceive, bitMulSend } from "./bitmul.ts";
import { SOFTSPOKEN } from "./softspoken.ts";

/**
 * Random bits per triple (SPDZ2k's τ): a and a2 are random combinations of τ bits, which must stay
 * close to uniform on the 64 + 128 bits the online phase opens (x − a mod 2^64, t·a − a2 mod 2^128)
 * after a cheating sender learnt up to σ of the bits (each at the risk of an abort with probability
 * 1/2): by the leftover hash lemma (h_r(x) = Σ r_h·x_h is universal on bit vectors, differences being
 * units), τ − σ − 192 ≥ 2σ; τ = 320 gives σ ≈ 42.
 */
export const TAU = 320;

const rand128 = (n: number): bigint[] => unpackWords(randomBytes(16 * n), 16, n, "random");

export interface OtPreprocessingOptions extends ReceiverOptions {
  /** A deviating party (tests, `--cheat kind=ot`): it feeds the MAC VOLE an inconsistent value in its first MAC batch. */
  tamperMacs?: boolean;
  /**
   * A deviating party (tests): adds δ to its share of c in every triple of its first batch, before
   * the MACs, so the wrong c is authenticated as a cheating Gilboa sender's would be.
   */
  tamperProducts?: bigint;
  /**
   * A deviating party (tests): in its first batch of triples, as the sender of the bit products,
   * it adds 1 to the correction of the OT whose index this returns (asked once the peer's bits are fixed).
   */
  tamperCorrection?: () => number;
  /** Tests: sees this party's τ·n random bits of each triple batch (the choice bits of its bit products). */
  observeBits?: (bits: Uint8Array) => void;
}

interface PeerLinks {
  sender: CotSender;
  receiver: CotReceiver;
  /** MAC VOLE with this party's α as the key. */
  key: VoleKeyHolder;
  /** MAC VOLE with the peer's α as the key. */
  value: VoleValueHolder;
}

export class OtPreprocessing implements Preprocessing {
  readonly used = { triples: 0, randoms: 0, inputMasks: 0 };
  /** MAC batches authenticated and checked so far. */
  authChecks = 0;
  private constructor(
    private readonly net: PartyNet,
    readonly alphaShare: bigint,
    private readonly peers: (PeerLinks | undefined)[],
    readonly extension: OtExtension,
    private readonly options: OtPreprocessingOptions,
  ) {}

  /** Base OTs, an OT extension with every peer in both directions, and the MAC VOLE in both directions. */
  static async setup(net: PartyNet, extension: OtExtension = SOFTSPOKEN, options: OtPreprocessingOptions = {}): Promise<OtPreprocessing> {
    const phase = net.phase;
    net.phase = "offline: base OT";
    const alpha = randomBytes(8).readBigUInt64LE(0);
    const peers: (PeerLinks | undefined)[] = [];
    // The MACs use the extension's digit size: k = 1 (KOS) is COPEe, SoftSpokenOT's k its VOLE.
    const k = KAPPA / extension.bitsPerOt;
    await OtPreprocessing.perPeer(net, async (j, first) => {
      // The lower-numbered party goes first in each pair of roles, so both sides agree on the order.
      const links: Partial<PeerLinks> = {};
      if (first) {
        links.sender = await extension.sender(net, j);
        links.receiver = await extension.receiver(net, j, options);
        links.key = await VoleKeyHolder.setup(net, j, alpha, k);
        links.value = await VoleValueHolder.setup(net, j, k, { tamper: options.tamperMacs });
      } else {
        links.receiver = await extension.receiver(net, j, options);
        links.sender = await extension.sender(net, j);
        links.value = await VoleValueHolder.setup(net, j, k, { tamper: options.tamperMacs });
        links.key = await VoleKeyHolder.setup(net, j, alpha, k);
      }
      peers[j] = links as PeerLinks;
    });
    net.phase = phase;
    return new OtPreprocessing(net, alpha, peers, extension, options);
  }

  /** Runs `f` for every peer at once; `first` says whether this party goes first with that peer. */
  private static perPeer(net: PartyNet, f: (j: number, first: boolean) => Promise<void>): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (let j = 0; j < net.parties; j++) if (j !== net.party) jobs.push(f(j, net.party < j));
    return Promise.all(jobs).then(() => undefined);
  }

  /** MAC shares for values this party holds shares `xs` of (the MAC VOLE with every peer), then the authentication check. */
  private async macs(xs: bigint[]): Promise<Share[]> {
    const all = [...rand128(1), ...xs];
    const m = all.map((x) => mod(this.alphaShare * x));
    await OtPreprocessing.perPeer(this.net, async (j) => {
      const links = this.peers[j]!;
      links.value.send(all).forEach((v, k) => (m[k] += v));
      (await links.key.receive(all.length)).forEach((v, k) => (m[k] += v));
    });
    const shares = all.map((v, k) => ({ v, m: mod(m[k]) }));
    await this.authenticationCheck(shares, xs.length);
    return shares.slice(1);
  }

  /** The check of a MAC batch (see the top of this file); `shares[0]` is the extra random value. */
  private async authenticationCheck(shares: Share[], n: number): Promise<void> {
    this.authChecks++;
    const fail = (why: string) => this.net.abort(`authentication check failed: ${why}`, this.net.phase);
    const [seed] = await this.coin(fail);
    const prg = new Prg(seed);
    let y = shares[0];
    for (let v = 1; v <= n; v++) {
      const chi = prg.u64();
      y = { v: y.v + chi * shares[v].v, m: y.m + chi * shares[v].m };
    }
    const ys = await this.net.exchange(packWords([mod(y.v)], 16));
    let opened = 0n;
    for (let j = 0; j < ys.length; j++) {
      if (ys[j].length !== 16) throw fail(`party ${j} sent ${ys[j].length} bytes for the combined value`);
      opened += ys[j].readBigUInt64LE(0) | (ys[j].readBigUInt64LE(8) << 64n);
    }
    opened = mod(opened);
    const z = mod(y.m - this.alphaShare * opened);
    const zs = await this.commitThenOpen(packWords([z], 16), fail);
    let sum = 0n;
    for (const b of zs) {
      if (b.length !== 16) throw fail("a check value of the wrong size");
      sum += b.readBigUInt64LE(0) | (b.readBigUInt64LE(8) << 64n);
    }
    if (mod(sum) !== 0n) throw fail(`the MACs of a batch of ${n} values do not verify (a party fed the MAC VOLE inconsistent values)`);
  }

  /** A joint random seed: everyone commits to 16 random bytes, then opens; the openings hashed together. */
  private async coin(fail: (why: string) => Error): Promise<[Buffer]> {
    const all = await this.commitThenOpen(randomBytes(16), fail);
    return [createHash("sha256").update(Buffer.concat(all)).digest()];
  }

  private async commitThenOpen(mine: Buffer, fail: (why: string) => Error): Promise<Buffer[]> {
    const { commitment, opening } = commit(mine);
    const commitments = await this.net.exchange(commitment);
    const openings = await this.net.exchange(opening);
    return openings.map((o, j) => {
      if (j === this.net.party) return mine;
      const v = openCommitment(commitments[j], o);
      if (!v) throw fail(`party ${j}'s opening does not match its commitment`);
      return v;
    });
  }

  private async offline<T>(what: string, f: () => Promise<T>): Promise<T> {
    const phase = this.net.phase;
    this.net.phase = `offline: ${what}`;
    try {
      return await f();
    } finally {
      if (!this.net.phase.startsWith("abort")) this.net.phase = phase;
    }
  }

  triples(): Triple[] {
    throw new Error("OtPreprocessing hands out triple pairs for sacrifice (triplePairs)");
  }

  triplePairs(n: number): Promise<TriplePair[]> {
    this.used.triples += n;
    const first = this.used.triples === n;
    return this.offline("triples", async () => {
      const m = n * TAU;
      // This party's τ random bits per triple (its shares of x_h = Σ_i x_h^i) and its share of b.
      const bits = randomBytes(m / 8);
      const b = new Uint32Array(4 * n);
      randomFillSync(b);
      this.options.observeBits?.(bits);
      // Shares of c_h = x_h·b: the local term x_h^i·b^i, then the cross terms with every peer.
      const c = new Uint32Array(4 * m);
      for (let h = 0; h < m; h++) if ((bits[h >> 3] >> (h & 7)) & 1) c.set(b.subarray(4 * Math.floor(h / TAU), 4 * Math.floor(h / TAU) + 4), 4 * h);
      const cheat = first && this.options.tamperCorrection ? { index: this.options.tamperCorrection } : undefined;
      await OtPreprocessing.perPeer(this.net, async (j, goesFirst) => {
        const links = this.peers[j]!;
        const add = (s: Uint32Array) => {
          for (let i = 0; i < 4 * m; i += 4) addInto(c, i, s, i);
        };
        const asSender = async () => add(await bitMulSend(this.net, j, links.sender, b, TAU, cheat));
        const asReceiver = async () => add(await bitMulReceive(this.net, j, links.receiver, bits, m));
        if (goesFirst) {
          await asSender();
          await asReceiver();
        } else {
          await asReceiver();
          await asSender();
        }
      });
      // Combine: coefficients drawn jointly after the products are fixed; a = Σ r_h·x_h, a2 = Σ r'_h·x_h.
      const [seed] = await this.coin((why) => this.net.abort(`triple combination: ${why}`, this.net.phase));
      const prg = new Prg(seed);
      const cw = unpackWords(Buffer.from(c.buffer, c.byteOffset, c.byteLength), 16, m, "products");
      const bw = unpackWords(Buffer.from(b.buffer, b.byteOffset, b.byteLength), 16, n, "b");
      const a: bigint[] = [];
      const a2: bigint[] = [];
      const cc: bigint[] = [];
      const c2: bigint[] = [];
      for (let t = 0; t < n; t++) {
        let [sa, sa2, sc, sc2] = [0n, 0n, 0n, 0n];
        for (let h = t * TAU; h < (t + 1) * TAU; h++) {
          const r = prg.u128();
          const r2 = prg.u128();
          if ((bits[h >> 3] >> (h & 7)) & 1) {
            sa += r;
            sa2 += r2;
          }
          sc += r * cw[h];
          sc2 += r2 * cw[h];
        }
        a.push(mod(sa));
        a2.push(mod(sa2));
        cc.push(mod(sc));
        c2.push(mod(sc2));
      }
      if (this.options.tamperProducts !== undefined && first) cc.forEach((x, k) => (cc[k] = mod(x + this.options.tamperProducts!)));
      const mac = await this.macs([...a, ...a2, ...bw, ...cc, ...c2]);
      return a.map((_, k) => ({ a: mac[k], a2: mac[n + k], b: mac[2 * n + k], c: mac[3 * n + k], c2: mac[4 * n + k] }));
    });
  }

  randoms(n: number): Promise<Share[]> {
    this.used.randoms += n;
    return this.offline("random values", () => this.macs(rand128(n)));
  }

  inputMasks(owner: number, n: number): Promise<{ shares: Share[]; values?: bigint[] }> {
    this.used.inputMasks += n;
    return this.offline("input masks", async () => {
      const shares = await this.macs(rand128(n));
      if (owner !== this.net.party) {
        this.net.send(owner, packWords(shares.map((s) => s.v), 16));
        return { shares };
      }
      const all = await this.net.recvAll();
      const values = shares.map((s) => s.v);
      all.forEach((b, j) => {
        if (j === owner) return;
        unpackWords(b, 16, n, "input mask shares").forEach((v, k) => (values[k] = mod(values[k] + v)));
      });
      return { shares, values };
    });
  }
}

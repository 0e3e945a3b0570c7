// SPDZ2k preprocessing from correlated OT, N parties pairwise. Every product of two shared values
// Σ_i x_i · Σ_j y_j splits into local terms x_i·y_i and cross terms x_i·y_j, each a Gilboa product
// between parties i and j (gilboa.ts) over a KOS correlated-OT extension per ordered pair:
//
// - MACs: m_i = α_i·x_i + party i's shares of α_i·x_j and α_j·x_i for every peer j;
// - triple pairs: random a, a2, b; c = a·b and c2 = a2·b by cross terms, then MACs of all five;
//   the online phase sacrifices (a2, b, c2) to check (a, b, c) (online.ts);
// - random values: random shares with MACs; input masks: the same, plus every other party's share
//   sent to the owner, who thus knows r.
//
// Security: the OT extension has the KOS check, the triples are checked by sacrifice, every opened
// value is MAC-checked; what is NOT checked is that a party uses the same α_i in all its Gilboa
// products (SPDZ2k's authentication check), so a malicious party could make MACs inconsistent in
// ways the online MAC check then reports as an abort, or worse in ways not analysed here: treat this
// preprocessing as secure against passive adversaries only (spec/mpc.md).
import { randomBytes } from "node:crypto";
import type { PartyNet } from "../net/index.ts";
import type { Preprocessing, Share, Triple, TriplePair } from "../spdz2k/preprocessing.ts";
import { mod, packWords, unpackWords } from "../spdz2k/ring.ts";
import { gilboaReceive, gilboaSend } from "./gilboa.ts";
import { KOS, type CotReceiver, type CotSender, type OtExtension, type ReceiverOptions } from "./kos.ts";

const rand128 = (n: number): bigint[] => unpackWords(randomBytes(16 * n), 16, n, "random");

export class OtPreprocessing implements Preprocessing {
  readonly used = { triples: 0, randoms: 0, inputMasks: 0 };
  private constructor(
    private readonly net: PartyNet,
    readonly alphaShare: bigint,
    private readonly senders: (CotSender | undefined)[],
    private readonly receivers: (CotReceiver | undefined)[],
    readonly extension: OtExtension,
  ) {}

  /** Base OTs and an OT extension with every peer, in both directions. */
  static async setup(net: PartyNet, extension: OtExtension = KOS, receiverOptions?: ReceiverOptions): Promise<OtPreprocessing> {
    const phase = net.phase;
    net.phase = "offline: base OT";
    const alpha = randomBytes(8).readBigUInt64LE(0);
    const senders: (CotSender | undefined)[] = [];
    const receivers: (CotReceiver | undefined)[] = [];
    await OtPreprocessing.perPeer(net, async (j, first) => {
      // The lower-numbered party is the extension sender first, so both sides agree on the order.
      if (first) {
        senders[j] = await extension.sender(net, j);
        receivers[j] = await extension.receiver(net, j, receiverOptions);
      } else {
        receivers[j] = await extension.receiver(net, j, receiverOptions);
        senders[j] = await extension.sender(net, j);
      }
    });
    net.phase = phase;
    return new OtPreprocessing(net, alpha, senders, receivers, extension);
  }

  /** Runs `f` for every peer at once; `first` says whether this party goes first with that peer. */
  private static perPeer(net: PartyNet, f: (j: number, first: boolean) => Promise<void>): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (let j = 0; j < net.parties; j++) if (j !== net.party) jobs.push(f(j, net.party < j));
    return Promise.all(jobs).then(() => undefined);
  }

  /**
   * Cross products with every peer: as sender, `mine[k]` are multiplied with the peer's k-th
   * receiver value; as receiver, `theirs[k]` is multiplied with the peer's `counts[k]` sender values.
   * Returns, per k, the sum over peers of this party's shares of both directions.
   */
  private async cross(mine: bigint[][], theirs: bigint[], counts: number[]): Promise<{ sent: bigint[][]; received: bigint[][] }> {
    const sent = mine.map((vs) => vs.map(() => 0n));
    const received = counts.map((c) => new Array<bigint>(c).fill(0n));
    await OtPreprocessing.perPeer(this.net, async (j, first) => {
      const asSender = async () => (await gilboaSend(this.net, j, this.senders[j]!, mine)).forEach((vs, k) => vs.forEach((v, x) => (sent[k][x] = mod(sent[k][x] + v))));
      const asReceiver = async () => (await gilboaReceive(this.net, j, this.receivers[j]!, theirs, counts)).forEach((vs, k) => vs.forEach((v, x) => (received[k][x] = mod(received[k][x] + v))));
      if (first) {
        await asSender();
        await asReceiver();
      } else {
        await asReceiver();
        await asSender();
      }
    });
    return { sent, received };
  }

  /** MAC shares for values this party holds shares `xs` of. */
  private async macs(xs: bigint[]): Promise<Share[]> {
    const { sent, received } = await this.cross(
      xs.map(() => [this.alphaShare]),
      xs,
      xs.map(() => 1),
    );
    return xs.map((x, k) => ({ v: x, m: mod(this.alphaShare * x + sent[k][0] + received[k][0]) }));
  }

  private async offline<T>(what: string, f: () => Promise<T>): Promise<T> {
    const phase = this.net.phase;
    this.net.phase = `offline: ${what}`;
    try {
      return await f();
    } finally {
      this.net.phase = phase;
    }
  }

  triples(): Triple[] {
    throw new Error("OtPreprocessing hands out triple pairs for sacrifice (triplePairs)");
  }

  triplePairs(n: number): Promise<TriplePair[]> {
    this.used.triples += n;
    return this.offline("triples", async () => {
      const a = rand128(n);
      const a2 = rand128(n);
      const b = rand128(n);
      // Cross terms a_i·b_j and a2_i·b_j: the peer's b is the receiver value, a and a2 the sender's.
      const { sent, received } = await this.cross(
        a.map((x, k) => [x, a2[k]]),
        b,
        b.map(() => 2),
      );
      const c = a.map((x, k) => mod(x * b[k] + sent[k][0] + received[k][0]));
      const c2 = a2.map((x, k) => mod(x * b[k] + sent[k][1] + received[k][1]));
      const m = await this.macs([...a, ...a2, ...b, ...c, ...c2]);
      return a.map((_, k) => ({ a: m[k], a2: m[n + k], b: m[2 * n + k], c: m[3 * n + k], c2: m[4 * n + k] }));
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

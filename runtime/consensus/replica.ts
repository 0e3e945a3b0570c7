// One replica of the chained HotStuff protocol (three-chain commit with consecutive views, as in
// HotStuff's pipelined form and LibraBFT v1). It is a pure state machine: it reacts to `onMessage` and
// `onTimer` and acts only through its `Env` (send, set a timer), so the TCP node and the simulator
// run the same code. Safety rests on three rules:
//   vote:   once per view, only for a block whose justify.view >= preferredView (the lock);
//   lock:   a QC for block b'' moves preferredView up to b''.justify.view (the view of b');
//   commit: a QC for b'' where b'' -> b' -> b are parent links in consecutive views commits b.
// Liveness: a view timer (doubling while views keep failing) broadcasts a signed timeout with the
// highest QC; a quorum of timeouts is a TC that moves everyone to the next view; seeing
// (voters - quorum + 1) timeouts of a higher view makes a node join it (some honest node timed out).
import { createHash } from "node:crypto";
import type { Signer } from "./crypto.ts";
import { Committees, isCommitteeMode } from "./quorum.ts";
import {
  GENESIS,
  GENESIS_QC,
  proposalMsg,
  timeoutMsg,
  voteMsg,
  type Adapter,
  type Block,
  type ConsensusConfig,
  type Env,
  type Msg,
  type QC,
  type TC,
  type TraceEvent,
} from "./types.ts";

export interface ReplicaOptions {
  id: number;
  cfg: ConsensusConfig;
  signer: Signer;
  env: Env;
  adapter?: Adapter;
  trace?: (e: TraceEvent) => void;
  /**
   * The two numbers safety depends on across a restart. `persist` is called (and must have stored
   * them durably when it returns) before a vote is sent and whenever the lock moves; `restored`
   * gives them back to a restarted replica, which then never votes in a view it may have voted in.
   */
  persist?: (s: SafetyState) => void;
  restored?: SafetyState;
}

export interface SafetyState {
  lastVoted: number;
  preferredView: number;
}

/** The block hash: SHA-256 over the header fields and a digest of the transactions. */
export function blockHash(b: Omit<Block, "hash">): string {
  const txRoot = createHash("sha256");
  for (const t of b.txs) txRoot.update(t).update("\n");
  return createHash("sha256")
    .update(JSON.stringify([b.parent, b.height, b.view, b.proposer, b.justify.view, b.justify.block, b.tc?.view ?? -1, b.bytes, txRoot.digest("hex")]))
    .digest("hex");
}

const qcKey = (view: number, block: string) => `${view}|${block}`;

export class Replica {
  readonly id: number;
  readonly cfg: ConsensusConfig;
  readonly committees: Committees;
  protected signer: Signer;
  protected env: Env;
  protected adapter?: Adapter;
  protected trace?: (e: TraceEvent) => void;

  view = 0;
  highQC: QC = GENESIS_QC;
  preferredView = 0;
  lastVoted = 0;
  lastTC?: TC;
  committedHeight = 0;
  committedHash = GENESIS.hash;
  /** Committed blocks in order (genesis first), for inspection and the adapter. */
  readonly log: Block[] = [GENESIS];
  consecutiveTimeouts = 0;
  stats = { proposals: 0, votes: 0, timeouts: 0, qcs: 0, tcs: 0, fetches: 0, rejected: 0 };

  protected blocks = new Map<string, Block>([[GENESIS.hash, GENESIS]]);
  protected votes = new Map<string, Map<number, string>>();
  protected formed = new Set<string>();
  protected timeouts = new Map<number, Map<number, { sig: string; highQC: QC; ok: boolean }>>();
  protected verified = new Set<string>();
  protected proposedView = 0;
  /** Proposals (and fetched blocks) whose parent is not known yet, by parent hash. */
  protected waiting = new Map<string, { block: Block; sig?: string; from: number }[]>();
  /** The latest view each node was sent a sync for. */
  protected synced = new Map<number, number>();
  /** Verified QCs whose block is being fetched. */
  protected pendingQC = new Map<string, QC>();
  private inbox: { m: Msg; from: number }[] = [];
  private draining = false;

  constructor(o: ReplicaOptions) {
    this.id = o.id;
    this.cfg = o.cfg;
    this.signer = o.signer;
    this.env = o.env;
    this.adapter = o.adapter;
    this.trace = o.trace;
    this.committees = new Committees(o.cfg);
    this.persist = o.persist;
    if (o.restored) {
      this.lastVoted = o.restored.lastVoted;
      this.preferredView = o.restored.preferredView;
    }
  }

  protected persist?: (s: SafetyState) => void;

  start(): void {
    this.enterView(Math.max(1, this.lastVoted), "sync");
  }

  // ---------------------------------------------------------------- inputs

  onMessage(m: Msg, from: number): void {
    this.inbox.push({ m, from });
    if (this.draining) return; // messages to oneself are handled after the current one
    this.draining = true;
    try {
      while (this.inbox.length) {
        const x = this.inbox.shift()!;
        this.handle(x.m, x.from);
      }
    } finally {
      this.draining = false;
    }
  }

  onTimer(view: number): void {
    if (view !== this.view) return;
    this.consecutiveTimeouts++;
    this.stats.timeouts++;
    this.sendTimeout(view);
    this.env.setTimer(view, this.timeoutFor());
  }

  protected handle(m: Msg, from: number): void {
    switch (m.t) {
      case "propose":
        return this.onProposal(m.block, m.sig, from);
      case "vote":
        return this.onVote(m);
      case "timeout":
        return this.onTimeout(m, from);
      case "tc":
        if (this.checkTC(m.tc)) this.processTC(m.tc);
        return;
      case "sync":
        if (this.checkQC(m.highQC)) this.processQC(m.highQC, from);
        if (m.tc && this.checkTC(m.tc)) this.processTC(m.tc);
        return;
      case "fetch": {
        const b = this.blocks.get(m.hash);
        if (b && b !== GENESIS) this.env.send(m.from, { t: "block", block: b });
        return;
      }
      case "block":
        return this.onFetched(m.block, from);
    }
  }

  // ---------------------------------------------------------------- helpers

  protected send(to: number, m: Msg): void {
    if (to === this.id) this.onMessage(m, this.id);
    else this.env.send(to, m);
  }

  protected timeoutFor(): number {
    return this.cfg.viewTimeoutMs * 2 ** Math.min(this.consecutiveTimeouts, 4);
  }

  protected isMember(view: number): boolean {
    return this.committees.isMember(view, this.id);
  }

  /** A QC is valid when its signers are distinct members of its view's committee, enough of them, and the aggregate verifies. */
  checkQC(qc: QC): boolean {
    if (qc.view === 0) return qc.block === GENESIS.hash && qc.height === 0;
    const key = "q" + qcKey(qc.view, qc.block);
    if (this.verified.has(key)) return true;
    if (!this.signersOk(qc.view, qc.signers)) return this.reject();
    this.env.charge?.("verify");
    if (!this.signer.verifyAggregate(qc.signers, voteMsg(qc.view, qc.block), qc.sig)) return this.reject();
    this.verified.add(key);
    return true;
  }

  checkTC(tc: TC): boolean {
    const key = "t" + tc.view;
    if (this.verified.has(key)) return this.checkQC(tc.highQC);
    if (!this.signersOk(tc.view, tc.signers)) return this.reject();
    this.env.charge?.("verify");
    if (!this.signer.verifyAggregate(tc.signers, timeoutMsg(tc.view), tc.sig)) return this.reject();
    if (!this.checkQC(tc.highQC)) return false;
    this.verified.add(key);
    return true;
  }

  private signersOk(view: number, signers: number[]): boolean {
    const { index } = this.committees.ofView(view);
    for (let i = 0; i < signers.length; i++) {
      if (!index.has(signers[i])) return false;
      if (i > 0 && signers[i] <= signers[i - 1]) return false; // sorted, so distinct
    }
    return signers.length >= this.committees.quorum();
  }

  private reject(): false {
    this.stats.rejected++;
    return false;
  }

  // ---------------------------------------------------------------- views

  protected enterView(v: number, reason: "qc" | "tc" | "timeout" | "sync"): void {
    if (v <= this.view) return;
    this.view = v;
    if (reason === "qc") this.consecutiveTimeouts = 0;
    this.trace?.({ k: "view", node: this.id, view: v, reason });
    this.env.setTimer(v, this.timeoutFor());
    this.tryPropose();
  }

  protected tryPropose(): void {
    const v = this.view;
    if (this.committees.leader(v) !== this.id || this.proposedView >= v) return;
    const viaTC = this.lastTC?.view === v - 1;
    if (this.highQC.view !== v - 1 && !viaTC) return;
    const parent = this.blocks.get(this.highQC.block);
    if (!parent) return;
    this.proposedView = v;
    this.propose(v, parent, viaTC ? this.lastTC : undefined);
  }

  protected makeBlock(v: number, parent: Block, tc: TC | undefined, txs: string[]): Block {
    const body: Omit<Block, "hash"> = {
      parent: parent.hash,
      height: parent.height + 1,
      view: v,
      proposer: this.id,
      justify: this.highQC,
      ...(tc ? { tc } : {}),
      txs,
      bytes: txs.reduce((a, t) => a + t.length, 0),
    };
    this.env.charge?.("hashByte", 256 + body.bytes);
    return { hash: blockHash(body), ...body };
  }

  protected propose(v: number, parent: Block, tc: TC | undefined): void {
    const txs = this.adapter?.propose(parent.height + 1, parent.hash, this.cfg.maxBatch) ?? [];
    const block = this.makeBlock(v, parent, tc, txs);
    this.env.charge?.("sign");
    const sig = this.signer.sign(this.id, proposalMsg(v, block.hash));
    this.stats.proposals++;
    this.trace?.({ k: "propose", node: this.id, view: v, block: block.hash, height: block.height, parent: block.parent });
    this.broadcastProposal({ t: "propose", block, sig }, v);
  }

  /**
   * All-nodes modes: to everyone. Committee modes: to the committee first (they vote), and each
   * member relays to its share of the other nodes, so the leader's uplink carries c copies, not n.
   */
  protected broadcastProposal(m: Msg & { t: "propose" }, v: number, targets?: number[]): void {
    const all = targets ?? this.proposalTargets(v);
    for (const to of all) this.send(to, m);
  }

  protected proposalTargets(v: number): number[] {
    if (!isCommitteeMode(this.cfg.mode)) return Array.from({ length: this.cfg.n }, (_, i) => i);
    return this.committees.ofView(v).members;
  }

  private relay(m: Msg & { t: "propose" }): void {
    if (!isCommitteeMode(this.cfg.mode)) return;
    const { members, index } = this.committees.ofView(m.block.view);
    const me = index.get(this.id);
    if (me === undefined) return;
    const c = members.length;
    let k = 0;
    for (let i = 0; i < this.cfg.n; i++) {
      if (index.has(i)) continue;
      if (k++ % c === me) this.env.send(i, m);
    }
  }

  // ---------------------------------------------------------------- proposals

  protected onProposal(block: Block, sig: string, from: number): void {
    if (this.blocks.has(block.hash)) return;
    if (block.proposer !== this.committees.leader(block.view) || block.view < 1) return void this.reject();
    if (block.parent !== block.justify.block) return void this.reject();
    this.env.charge?.("verify");
    if (!this.signer.verify(block.proposer, proposalMsg(block.view, block.hash), sig)) return void this.reject();
    if (!this.hashOk(block)) return void this.reject();
    this.relay({ t: "propose", block, sig });
    if (!this.blocks.has(block.parent)) {
      this.park(block, sig, from);
      return;
    }
    this.accept(block, sig, from);
  }

  private hashOk(block: Block): boolean {
    if (!this.cfg.checkHashes) {
      this.env.charge?.("hashByte", 256 + block.bytes);
      return true;
    }
    const { hash, ...body } = block;
    return blockHash(body) === hash;
  }

  private park(block: Block, sig: string | undefined, from: number): void {
    const list = this.waiting.get(block.parent) ?? [];
    if (list.length === 0) {
      this.stats.fetches++;
      this.env.send(from, { t: "fetch", hash: block.parent, from: this.id });
    }
    list.push({ block, sig, from });
    this.waiting.set(block.parent, list);
  }

  private onFetched(block: Block, from: number): void {
    if (this.blocks.has(block.hash) || !this.waiting.has(block.hash)) return;
    const { hash, ...body } = block;
    if (blockHash(body) !== hash || block.parent !== block.justify.block) return void this.reject();
    if (!this.blocks.has(block.parent)) return this.park(block, undefined, from);
    this.accept(block, undefined, from);
  }

  /** The parent is known: check the certificates, store the block, follow its QC, maybe vote. */
  private accept(block: Block, sig: string | undefined, from: number): void {
    const parent = this.blocks.get(block.parent)!;
    if (block.height !== parent.height + 1 || block.view <= parent.view) return void this.reject();
    if (!this.checkQC(block.justify) || block.justify.height !== parent.height) return void this.reject();
    if (block.tc && (block.tc.view !== block.view - 1 || !this.checkTC(block.tc))) return void this.reject();
    this.blocks.set(block.hash, block);
    this.processQC(block.justify, from);
    const pending = this.pendingQC.get(block.hash);
    if (pending) {
      // A QC that arrived before its block (a leader that missed the proposal) counts now.
      this.pendingQC.delete(block.hash);
      this.processQC(pending, from);
    }
    if (block.tc) this.processTC(block.tc);
    if (sig !== undefined) {
      this.enterView(block.view, "sync");
      this.maybeVote(block);
    }
    const kids = this.waiting.get(block.hash);
    if (kids) {
      this.waiting.delete(block.hash);
      for (const k of kids) this.accept(k.block, k.sig, k.from);
    }
  }

  protected maybeVote(block: Block): void {
    if (block.view !== this.view || block.view <= this.lastVoted) return;
    if (block.justify.view < this.preferredView) return;
    if (!this.isMember(block.view)) return;
    this.lastVoted = block.view;
    this.persist?.({ lastVoted: this.lastVoted, preferredView: this.preferredView });
    this.castVote(block);
  }

  protected castVote(block: Block): void {
    this.env.charge?.("sign");
    const sig = this.signer.sign(this.id, voteMsg(block.view, block.hash));
    this.stats.votes++;
    this.trace?.({ k: "vote", node: this.id, view: block.view, block: block.hash });
    this.send(this.committees.leader(block.view + 1), { t: "vote", view: block.view, block: block.hash, height: block.height, from: this.id, sig });
  }

  // ---------------------------------------------------------------- votes and certificates

  private onVote(m: Msg & { t: "vote" }): void {
    if (this.committees.leader(m.view + 1) !== this.id || !this.committees.isMember(m.view, m.from)) return;
    const key = qcKey(m.view, m.block);
    if (this.formed.has(key)) return;
    let vs = this.votes.get(key);
    if (!vs) this.votes.set(key, (vs = new Map()));
    if (vs.has(m.from)) return;
    vs.set(m.from, m.sig);
    // Decoding and adding a vote is paid as it arrives, while the leader waits for the others.
    this.env.charge?.("aggregate");
    this.signer.prepare?.(m.sig);
    const q = this.committees.quorum();
    if (vs.size < q) return;
    // Aggregate first and verify once; only when that fails, find and drop the bad votes.
    let signers = [...vs.keys()].sort((a, b) => a - b);
    let sig = this.signer.aggregate(signers.map((s) => vs.get(s)!));
    this.env.charge?.("verify");
    if (!this.signer.verifyAggregate(signers, voteMsg(m.view, m.block), sig)) {
      for (const s of signers) {
        this.env.charge?.("verify");
        if (!this.signer.verify(s, voteMsg(m.view, m.block), vs.get(s)!)) vs.delete(s);
      }
      if (vs.size < q) return;
      signers = [...vs.keys()].sort((a, b) => a - b);
      sig = this.signer.aggregate(signers.map((s) => vs.get(s)!));
    }
    this.formed.add(key);
    this.votes.delete(key);
    this.stats.qcs++;
    const qc: QC = { view: m.view, block: m.block, height: m.height, signers, sig };
    this.verified.add("q" + key);
    this.processQC(qc, m.from);
  }

  /** Follow a verified QC: raise highQC and the lock, commit by the three-chain rule, move on. */
  protected processQC(qc: QC, from: number): void {
    const b2 = this.blocks.get(qc.block);
    if (!b2) {
      if (qc.view >= this.view) {
        this.stats.fetches++;
        this.env.send(from === this.id ? qc.signers[0] : from, { t: "fetch", hash: qc.block, from: this.id });
        this.waiting.set(qc.block, this.waiting.get(qc.block) ?? []);
        this.pendingQC.set(qc.block, qc);
      }
      return;
    }
    if (qc.view > this.highQC.view) this.highQC = qc;
    const b1 = this.blocks.get(b2.justify.block);
    if (b1) {
      if (b2.justify.view > this.preferredView) {
        this.preferredView = b2.justify.view;
        this.persist?.({ lastVoted: this.lastVoted, preferredView: this.preferredView });
      }
      const b0 = this.blocks.get(b1.justify.block);
      if (b0 && b0 !== GENESIS && b2.parent === b1.hash && b1.parent === b0.hash && b2.view === b1.view + 1 && b1.view === b0.view + 1)
        this.commit(b0, b1.justify);
    }
    this.enterView(qc.view + 1, "qc");
  }

  protected commit(b: Block, qc: QC): void {
    if (b.height <= this.committedHeight) return;
    const chain: { block: Block; qc: QC }[] = [];
    let cur: Block | undefined = b;
    let certifying = qc;
    while (cur && cur.height > this.committedHeight) {
      chain.push({ block: cur, qc: certifying });
      certifying = cur.justify;
      cur = this.blocks.get(cur.parent);
    }
    chain.reverse();
    for (const { block, qc: c } of chain) {
      this.committedHeight = block.height;
      this.committedHash = block.hash;
      this.log.push(block);
      this.trace?.({ k: "commit", node: this.id, view: block.view, block: block.hash, height: block.height, parent: block.parent });
      this.adapter?.commit(block, c);
    }
    this.prune();
  }

  /** Forget what cannot matter any more: blocks and vote tallies well below the committed height. */
  private prune(): void {
    const keep = this.committedHeight - 16;
    if (keep <= 0 || this.blocks.size < 256) return;
    for (const [h, b] of this.blocks) if (b.height < keep && b !== GENESIS) this.blocks.delete(h);
    for (const k of this.votes.keys()) if (Number(k.split("|")[0]) < this.view - 16) this.votes.delete(k);
    for (const v of this.timeouts.keys()) if (v < this.view - 16) this.timeouts.delete(v);
    if (this.verified.size > 4096) this.verified.clear();
    if (this.formed.size > 4096) this.formed.clear();
    if (this.waiting.size > 1024) this.waiting.clear();
    if (this.pendingQC.size > 1024) this.pendingQC.clear();
    if (this.log.length > 4096) this.log.splice(1, this.log.length - 2048);
  }

  // ---------------------------------------------------------------- view change

  protected sendTimeout(view: number): void {
    if (!this.isMember(view)) return;
    this.env.charge?.("sign");
    const sig = this.signer.sign(this.id, timeoutMsg(view));
    const m: Msg = { t: "timeout", view, from: this.id, highQC: this.highQC, sig };
    for (const to of this.committees.ofView(view).members) this.send(to, m);
  }

  private onTimeout(m: Msg & { t: "timeout" }, from: number): void {
    if (!this.committees.isMember(m.view, m.from)) return;
    if (m.view < this.view) {
      // A node behind: tell it how to catch up (our TC or QC of a later view).
      // Once per sender and view: a thousand late timeouts must not become a million syncs.
      if (((this.lastTC && this.lastTC.view >= m.view) || this.highQC.view >= m.view) && (this.synced.get(m.from) ?? -1) < m.view) {
        this.synced.set(m.from, m.view);
        this.env.send(m.from, { t: "sync", highQC: this.highQC, ...(this.lastTC ? { tc: this.lastTC } : {}) });
      }
      return;
    }
    let ts = this.timeouts.get(m.view);
    if (ts?.has(m.from)) return;
    // The reported QC is followed at once (certificates are checked once each and cached): a node
    // that missed a QC learns it from the others' timeouts.
    if (!this.checkQC(m.highQC)) return;
    this.processQC(m.highQC, from);
    if (!ts) this.timeouts.set(m.view, (ts = new Map()));
    ts.set(m.from, { sig: m.sig, highQC: m.highQC, ok: false });
    // Like votes, timeouts are decoded as they arrive and verified together, once a set of them can
    // change something: (voters - quorum + 1) of a higher view make this node join it, a quorum is a
    // TC. One aggregate check instead of one pairing per timeout keeps a view change at n = 1,000
    // from costing every node a thousand pairings.
    this.env.charge?.("aggregate");
    this.signer.prepare?.(m.sig);
    const q = this.committees.quorum();
    const join = this.committees.size - q + 1;
    const joinable = m.view > this.view;
    if (ts.size < (joinable ? Math.min(join, q) : q)) return;
    if (!this.verifyTimeouts(m.view, ts)) return;
    if (ts.size >= join && m.view > this.view) {
      this.enterView(m.view, "timeout");
      this.sendTimeout(m.view);
    }
    if (ts.size >= q && !this.verified.has("t" + m.view)) {
      const signers = [...ts.keys()].sort((a, b) => a - b);
      const sig = this.signer.aggregate(signers.map((s) => ts.get(s)!.sig));
      let high = GENESIS_QC;
      for (const s of signers) if (ts.get(s)!.highQC.view > high.view) high = ts.get(s)!.highQC;
      const tc: TC = { view: m.view, signers, sig, highQC: high };
      this.stats.tcs++;
      this.verified.add("t" + m.view);
      this.processTC(tc);
    }
  }

  /**
   * Verifies the timeouts of `view` not verified yet with one aggregate check (one by one only when
   * that fails, dropping the bad ones). False when none are left to act on.
   */
  private verifyTimeouts(view: number, ts: Map<number, { sig: string; highQC: QC; ok: boolean }>): boolean {
    const fresh = [...ts.keys()].filter((s) => !ts.get(s)!.ok).sort((a, b) => a - b);
    if (fresh.length === 0) return true;
    const msg = timeoutMsg(view);
    this.env.charge?.("verify");
    let good = fresh;
    let agg: string | undefined;
    try {
      agg = this.signer.aggregate(fresh.map((s) => ts.get(s)!.sig));
    } catch {
      agg = undefined; // a signature that is not a point: find it below
    }
    if (agg === undefined || !this.signer.verifyAggregate(fresh, msg, agg)) {
      good = [];
      for (const s of fresh) {
        this.env.charge?.("verify");
        if (this.signer.verify(s, msg, ts.get(s)!.sig)) good.push(s);
        else {
          ts.delete(s);
          this.reject();
        }
      }
    }
    for (const s of good) ts.get(s)!.ok = true;
    return good.length > 0;
  }

  protected processTC(tc: TC): void {
    if (!this.lastTC || tc.view > this.lastTC.view) this.lastTC = tc;
    this.processQC(tc.highQC, tc.highQC.signers[0] ?? 0);
    this.enterView(tc.view + 1, "tc");
    this.tryPropose();
  }
}

// One replica of the chained HotStuff protocol (three-chain commit with consecutive views, as in
// HotStuff's pipelined form and LibraBFT v1). It is a pure state machine: it reacts to `onMessage` and
// `onTimer` and acts only through its `Env` (send, set a timer), so the TCP node and the simulator
// run the same code. Safety rests on three rules:
//   vote:   once per view, only for a block whose justify.view >= preferredView (the lock);
//   lock:   a QC for block b'' moves preferredView up to b''.justify.view (the view of b');
//   commit: a QC for b'' where b'' -> b' -> b are parent links in consecutive views commits b.
// Liveness (linear view change, the default): when a view's timer fires (doubling while views keep
// failing), a voter signs a timeout with its highest QC, sends it to the next view's leader only, and
// moves to that view; the leader aggregates a quorum of them into a TC (one aggregate signature) and
// proposes with it, so a failed view costs O(c) messages. Nodes left behind are pulled forward by the
// TC in the next proposal, or by a `sync` a leader ahead of them answers their stale timeout with.
// The quadratic variant (config `viewChange: "quadratic"`) broadcasts timeouts to the committee; a
// quorum is a TC every voter forms, and (voters - quorum + 1) timeouts of a higher view make a node
// join it (some honest node timed out).
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
  type CommitProof,
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

/** A node whose committed height is this far below a block it receives syncs by range. */
const SYNC_GAP = 3;
/** Committed blocks per state-sync page. */
const MAX_RANGE = 64;

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
  stats = { proposals: 0, votes: 0, timeouts: 0, qcs: 0, tcs: 0, fetches: 0, rejected: 0, syncRequests: 0, synced: 0 };

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
  /** Why the committed head is committed (served to nodes that sync from this one). */
  protected headProof?: CommitProof;
  /** When each missing block was last fetched (a lost fetch is repeated after a view timeout). */
  protected fetchedAt = new Map<string, number>();
  /** A state sync in progress: the peer asked, and the verified pages so far (top page first received). */
  protected syncing?: { peer: number; at: number; pending?: Block[]; proof?: CommitProof };
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
      this.restoredAtStart = true;
      this.lastVoted = o.restored.lastVoted;
      this.preferredView = o.restored.preferredView;
    }
  }

  protected persist?: (s: SafetyState) => void;

  start(): void {
    // A restarted node holds no blocks: it asks a peer for the committed chain at once.
    if (this.restoredAtStart) this.trace?.({ k: "restart", node: this.id });
    this.enterView(Math.max(1, this.lastVoted), "sync");
    if (this.restoredAtStart && this.cfg.n > 1) this.requestSync((this.id + 1) % this.cfg.n);
  }

  private restoredAtStart = false;

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

  protected get linear(): boolean {
    return this.cfg.viewChange !== "quadratic";
  }

  onTimer(view: number): void {
    if (view !== this.view) return;
    // A state sync whose peer has not answered within a view timeout asks the next peer.
    if (this.syncing && this.env.now() - this.syncing.at >= this.cfg.viewTimeoutMs) {
      const next = (this.syncing.peer + 1) % this.cfg.n;
      this.requestSync(next === this.id ? (next + 1) % this.cfg.n : next);
    }
    this.consecutiveTimeouts++;
    this.stats.timeouts++;
    this.sendTimeout(view);
    // Linear: give up on the view and wait in the next one for its leader's TC (entering it restarts
    // the timer, doubled). Quadratic: stay, and repeat the timeout while no TC forms.
    if (this.linear) this.enterView(view + 1, "timeout");
    else this.env.setTimer(view, this.timeoutFor());
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
      case "range":
        return this.onRange(m);
      case "chain":
        return this.onChain(m, from);
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
    // Far behind (the block is more than a three-chain above what this node committed): fetch the
    // committed chain by range instead of walking back parent by parent.
    if (block.height > this.committedHeight + SYNC_GAP) this.requestSync(from);
    const last = this.fetchedAt.get(block.parent);
    if (last === undefined || this.env.now() - last >= this.cfg.viewTimeoutMs) {
      // Fetched again after a view timeout: a lost fetch or answer must not strand the node.
      this.fetchedAt.set(block.parent, this.env.now());
      this.stats.fetches++;
      this.env.send(from, { t: "fetch", hash: block.parent, from: this.id });
    }
    list.push({ block, sig, from });
    this.waiting.set(block.parent, list);
  }

  // ---------------------------------------------------------------- state sync

  /** Asks `peer` for the committed blocks above this node's committed height (at most one request per view timeout). */
  protected requestSync(peer: number): void {
    if (peer === this.id) return;
    if (this.syncing && this.env.now() - this.syncing.at < this.cfg.viewTimeoutMs) return;
    this.syncing = { peer, at: this.env.now() };
    this.stats.syncRequests++;
    this.env.send(peer, { t: "range", after: this.committedHeight, from: this.id });
  }

  /** The committed block at height `h`, if the log still holds it. */
  private logAt(h: number): Block | undefined {
    if (h === 0) return GENESIS;
    const first = this.log[1]?.height;
    if (first === undefined || h < first) return undefined;
    const b = this.log[h - first + 1];
    return b?.height === h ? b : undefined;
  }

  /**
   * Serves a range: the top page (the highest MAX_RANGE committed blocks above `after`, with the head's
   * commit proof), or, paging down, the MAX_RANGE blocks below the committed block `below`.
   */
  private onRange(m: Msg & { t: "range" }): void {
    if (!this.headProof || this.committedHeight <= m.after || m.from === this.id) return;
    let top = this.committedHeight;
    if (m.below !== undefined) {
      const b = this.blocks.get(m.below) ?? this.log.find((x) => x.hash === m.below);
      if (!b || b.height > this.committedHeight || this.logAt(b.height)?.hash !== b.hash) return;
      top = b.height - 1;
    }
    const blocks: Block[] = [];
    for (let h = Math.max(m.after + 1, top - MAX_RANGE + 1); h <= top; h++) {
      const b = this.logAt(h);
      if (!b) return; // pruned: this node cannot serve that far back
      blocks.push(b);
    }
    if (blocks.length) this.env.send(m.from, { t: "chain", blocks, ...(m.below === undefined ? { proof: this.headProof } : {}) });
  }

  private hashValid(b: Block): boolean {
    this.env.charge?.("hashByte", 256 + b.bytes);
    const { hash, ...body } = b;
    return blockHash(body) === hash;
  }

  /** The three-chain of a commit proof: hashes, parent links, consecutive views, and all three certificates. */
  private proofOk(head: Block, p: CommitProof): boolean {
    const [b1, b2] = p.blocks;
    return (
      this.hashValid(b1) &&
      this.hashValid(b2) &&
      b1.parent === head.hash &&
      b1.justify.block === head.hash &&
      b1.height === head.height + 1 &&
      b1.view === head.view + 1 &&
      b2.parent === b1.hash &&
      b2.justify.block === b1.hash &&
      b2.height === b1.height + 1 &&
      b2.view === b1.view + 1 &&
      p.qc.block === b2.hash &&
      this.checkQC(b1.justify) &&
      this.checkQC(b2.justify) &&
      this.checkQC(p.qc)
    );
  }

  /**
   * A page of committed blocks. The top page must end in a block its proof shows committed; every
   * later page must end in the parent of the lowest block held so far. Each block's hash and
   * certificate (its justify, a QC for its parent) is verified. Once the pages reach down to this
   * node's committed head, the blocks are committed in height order, the proof's QC is followed (it
   * raises highQC and the lock), and proposals parked on any of them go on.
   */
  private onChain(m: Msg & { t: "chain" }, from: number): void {
    const s = this.syncing;
    if (!s || from !== s.peer || m.blocks.length === 0) return;
    const fail = () => {
      this.syncing = undefined;
      this.reject();
    };
    const bs = m.blocks;
    for (let i = 0; i < bs.length; i++) {
      const b = bs[i];
      if (!this.hashValid(b) || b.parent !== b.justify.block || b.justify.height !== b.height - 1) return fail();
      if (i > 0 && (b.parent !== bs[i - 1].hash || b.height !== bs[i - 1].height + 1)) return fail();
    }
    if (!s.proof) {
      if (!m.proof || !this.proofOk(bs[bs.length - 1], m.proof)) return fail();
      s.proof = m.proof;
      s.pending = [];
    } else if (bs[bs.length - 1].hash !== s.pending![0].parent) return fail();
    for (const b of bs) if (!this.checkQC(b.justify)) return fail();
    const pending = bs.concat(s.pending!);
    const firstNew = pending.findIndex((b) => b.height > this.committedHeight);
    if (firstNew < 0) return void (this.syncing = undefined); // caught up meanwhile
    if (pending[0].height > this.committedHeight + 1) {
      // Not down to this node's head yet: the next page, below the lowest block held.
      s.pending = pending;
      s.at = this.env.now();
      this.env.send(from, { t: "range", after: this.committedHeight, below: pending[0].hash, from: this.id });
      return;
    }
    const chain = pending.slice(firstNew);
    if (chain[0].parent !== this.committedHash) return fail(); // another chain than the one committed here
    this.syncing = undefined;
    const [b1, b2] = s.proof.blocks;
    for (const b of [...chain, b1, b2]) this.blocks.set(b.hash, b);
    chain.forEach((b, i) => {
      this.committedHeight = b.height;
      this.committedHash = b.hash;
      this.log.push(b);
      this.stats.synced++;
      this.trace?.({ k: "commit", node: this.id, view: b.view, block: b.hash, height: b.height, parent: b.parent });
      this.adapter?.commit(b, i + 1 < chain.length ? chain[i + 1].justify : b1.justify);
    });
    this.headProof = s.proof;
    this.processQC(s.proof.qc, from);
    for (const b of [...chain, b1, b2]) {
      const kids = this.waiting.get(b.hash);
      if (!kids) continue;
      this.waiting.delete(b.hash);
      for (const k of kids) this.accept(k.block, k.sig, k.from);
    }
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
      if (b0 && b0 !== GENESIS && b2.parent === b1.hash && b1.parent === b0.hash && b2.view === b1.view + 1 && b1.view === b0.view + 1) {
        this.commit(b0, b1.justify);
        if (this.committedHash === b0.hash) this.headProof = { blocks: [b1, b2], qc };
      }
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
    if (this.fetchedAt.size > 1024) this.fetchedAt.clear();
    if (this.log.length > 4096) this.log.splice(1, this.log.length - 2048);
  }

  // ---------------------------------------------------------------- view change

  protected sendTimeout(view: number): void {
    if (!this.isMember(view)) return;
    this.env.charge?.("sign");
    const sig = this.signer.sign(this.id, timeoutMsg(view));
    const m: Msg = { t: "timeout", view, from: this.id, highQC: this.highQC, sig };
    if (this.linear) this.send(this.committees.leader(view + 1), m);
    else for (const to of this.committees.ofView(view).members) this.send(to, m);
  }

  private onTimeout(m: Msg & { t: "timeout" }, from: number): void {
    if (!this.committees.isMember(m.view, m.from)) return;
    if (this.linear) return this.onLinearTimeout(m, from);
    if (m.view < this.view) return this.answerStale(m);
    const ts = this.recordTimeout(m, from);
    if (!ts) return;
    // Like votes, timeouts are verified together, once a set of them can change something:
    // (voters - quorum + 1) of a higher view make this node join it, a quorum is a TC. One aggregate
    // check instead of one pairing per timeout keeps a view change at n = 1,000 from costing every
    // node a thousand pairings.
    const q = this.committees.quorum();
    const join = this.committees.size - q + 1;
    const joinable = m.view > this.view;
    if (ts.size < (joinable ? Math.min(join, q) : q)) return;
    if (!this.verifyTimeouts(m.view, ts)) return;
    if (ts.size >= join && m.view > this.view) {
      this.enterView(m.view, "timeout");
      this.sendTimeout(m.view);
    }
    if (ts.size >= q && !this.verified.has("t" + m.view)) this.formTC(m.view, ts);
  }

  /**
   * Linear view change, at the leader of view + 1: collect the timeouts of `view`, verify them together
   * once a quorum is there, form the TC and propose with it (processTC). A timeout of a view this node
   * holds a certificate of (a QC or TC of that view or later) comes from a node behind: it gets a sync.
   */
  private onLinearTimeout(m: Msg & { t: "timeout" }, from: number): void {
    if ((this.lastTC?.view ?? -1) >= m.view || this.highQC.view >= m.view) return this.answerStale(m);
    if (this.committees.leader(m.view + 1) !== this.id) return;
    const ts = this.recordTimeout(m, from);
    if (!ts) return;
    const q = this.committees.quorum();
    if (ts.size < q || this.verified.has("t" + m.view)) return;
    if (!this.verifyTimeouts(m.view, ts) || ts.size < q) return;
    this.formTC(m.view, ts);
  }

  /**
   * A node behind: tell it how to catch up (our TC or QC of its view or later). Once per sender and
   * view: a thousand late timeouts must not become a million syncs.
   */
  private answerStale(m: Msg & { t: "timeout" }): void {
    const ahead = (this.lastTC?.view ?? -1) >= m.view || this.highQC.view >= m.view;
    if (!ahead || (this.synced.get(m.from) ?? -1) >= m.view) return;
    this.synced.set(m.from, m.view);
    this.env.send(m.from, { t: "sync", highQC: this.highQC, ...(this.lastTC ? { tc: this.lastTC } : {}) });
  }

  /**
   * Holds a new timeout of `m.view` (unverified) and follows its highQC at once (certificates are
   * checked once each and cached: a node that missed a QC learns it from the others' timeouts). Like
   * votes, its signature is decoded as it arrives. Undefined for a repeat or a bad QC.
   */
  private recordTimeout(m: Msg & { t: "timeout" }, from: number): Map<number, { sig: string; highQC: QC; ok: boolean }> | undefined {
    let ts = this.timeouts.get(m.view);
    if (ts?.has(m.from)) return undefined;
    if (!this.checkQC(m.highQC)) return undefined;
    this.processQC(m.highQC, from);
    if (!ts) this.timeouts.set(m.view, (ts = new Map()));
    ts.set(m.from, { sig: m.sig, highQC: m.highQC, ok: false });
    this.env.charge?.("aggregate");
    this.signer.prepare?.(m.sig);
    return ts;
  }

  /** A TC from a quorum of verified timeouts of `view`, with the highest QC they reported; followed at once. */
  private formTC(view: number, ts: Map<number, { sig: string; highQC: QC; ok: boolean }>): void {
    const signers = [...ts.keys()].sort((a, b) => a - b);
    const sig = this.signer.aggregate(signers.map((s) => ts.get(s)!.sig));
    let high = GENESIS_QC;
    for (const s of signers) if (ts.get(s)!.highQC.view > high.view) high = ts.get(s)!.highQC;
    this.stats.tcs++;
    this.verified.add("t" + view);
    this.processTC({ view, signers, sig, highQC: high });
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

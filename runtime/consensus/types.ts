// Data formats of the consensus protocol: blocks, quorum certificates, timeout certificates and the
// messages replicas exchange. Everything is plain JSON-able data so that the TCP transport can frame
// it as is and the simulator can pass the same objects by reference.

/**
 * Who votes and how many votes make a certificate.
 *  - `all-2/3`: every node votes; a quorum is more than 2n/3 of them.
 *  - `committee-2/3`: a committee of c nodes, sampled per epoch, votes; a quorum is more than 2c/3.
 *  - `committee-all`: the committee votes and every member must sign.
 *  - `broken-half`: every node votes and n/2 votes make a quorum. Two quorums need not intersect, so
 *    it is NOT safe; it exists so that tests can show the safety checker and the spec replay catch it.
 */
export type QuorumMode = "all-2/3" | "committee-2/3" | "committee-all" | "broken-half";
export const QUORUM_MODES: readonly QuorumMode[] = ["all-2/3", "committee-2/3", "committee-all"];

export interface ConsensusConfig {
  n: number;
  mode: QuorumMode;
  /** Committee size c for the committee modes (ignored by the all-nodes modes, where c = n). */
  committeeSize: number;
  /** Views per epoch; the committee is re-sampled at every epoch boundary. */
  epochLength: number;
  /** Public seed of the committee sampling (hex or any text). */
  seed: string;
  /** Base view timeout; doubles for each consecutive view that times out (capped at 16x). */
  viewTimeoutMs: number;
  /** Most transactions a leader puts in one block. */
  maxBatch: number;
  /** Recompute each received block's hash over its contents (the simulator may charge it instead). */
  checkHashes: boolean;
  /**
   * `linear` (default): HotStuff's — a voter whose view times out sends its timeout to the next
   * leader only and moves on; that leader forms the TC and proposes with it. `quadratic`: every voter
   * broadcasts its timeout to the committee and every voter forms the TC (kept for comparison).
   */
  viewChange?: "linear" | "quadratic";
}

/** A quorum certificate: an aggregate signature of `signers` on `vote|view|block`. */
export interface QC {
  view: number;
  block: string;
  height: number;
  /** Sorted node ids. */
  signers: number[];
  /** Aggregate signature (hex); empty for the genesis certificate. */
  sig: string;
}

/** A timeout certificate: a quorum of `timeout|view` signatures, with the highest QC they reported. */
export interface TC {
  view: number;
  signers: number[];
  sig: string;
  highQC: QC;
}

export interface Block {
  hash: string;
  parent: string;
  height: number;
  view: number;
  proposer: number;
  /** Certificate of the parent block (chained HotStuff: parent == justify.block). */
  justify: QC;
  /** Timeout certificate of view - 1 when that view failed. */
  tc?: TC;
  /** Opaque transactions of the execution layer. */
  txs: string[];
  /** Declared payload size in bytes (what the network model charges). */
  bytes: number;
}

export type Msg =
  | { t: "propose"; block: Block; sig: string }
  | { t: "vote"; view: number; block: string; height: number; from: number; sig: string }
  | { t: "timeout"; view: number; from: number; highQC: QC; sig: string }
  | { t: "tc"; tc: TC }
  | { t: "sync"; highQC: QC; tc?: TC }
  | { t: "fetch"; hash: string; from: number }
  | { t: "block"; block: Block }
  /** State sync: committed blocks above height `after` (below the block `below`, when paging down). */
  | { t: "range"; after: number; below?: string; from: number }
  /** Committed blocks in height order; the top page carries the proof that its last block is committed. */
  | { t: "chain"; blocks: Block[]; proof?: CommitProof };

/**
 * Why a block b is committed: its child b1 and grandchild b2 in consecutive views (b2.justify
 * certifies b1, b1.justify certifies b), and a QC for b2 — the three-chain rule, checkable by anyone
 * holding the voters' public keys.
 */
export interface CommitProof {
  blocks: [Block, Block];
  qc: QC;
}

/** What the protocol needs from its surroundings (the TCP node or the simulator). */
export interface Env {
  now(): number;
  send(to: number, m: Msg): void;
  /** Calls `onTimer(view)` on the replica after `ms`, unless the replica has left that view. */
  setTimer(view: number, ms: number): void;
  /** The simulator charges CPU time for each operation; real transports leave it out. */
  charge?(op: CryptoOp, count?: number): void;
}

/** Costed operations: a signature, a pairing check, adding one signature to an aggregate, hashing a byte. */
export type CryptoOp = "sign" | "verify" | "aggregate" | "hashByte";

/**
 * The execution layer's side: `propose` fills a new block with transactions, `commit` receives
 * blocks in height order, each exactly once, with the certificate that made it final.
 */
export interface Adapter {
  propose(height: number, parent: string, max: number): string[];
  commit(block: Block, qc: QC): void;
}

/** Events a replica reports for tracing (the spec replay, the safety checker, summaries). */
export type TraceEvent =
  | { k: "propose"; node: number; view: number; block: string; height: number; parent: string }
  | { k: "vote"; node: number; view: number; block: string }
  | { k: "commit"; node: number; view: number; block: string; height: number; parent: string }
  | { k: "view"; node: number; view: number; reason: "qc" | "tc" | "timeout" | "sync" }
  /** The node restarted with only its persisted safety state: its committed chain starts again from genesis (state sync refills it). */
  | { k: "restart"; node: number };

export const GENESIS_HASH = "0".repeat(64);
export const GENESIS_QC: QC = { view: 0, block: GENESIS_HASH, height: 0, signers: [], sig: "" };
export const GENESIS: Block = {
  hash: GENESIS_HASH,
  parent: "",
  height: 0,
  view: 0,
  proposer: -1,
  justify: GENESIS_QC,
  txs: [],
  bytes: 0,
};

export const voteMsg = (view: number, block: string) => `vote|${view}|${block}`;
export const timeoutMsg = (view: number) => `timeout|${view}`;
export const proposalMsg = (view: number, block: string) => `propose|${view}|${block}`;

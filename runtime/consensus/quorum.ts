// Committees, leaders and quorum sizes of the three flexible-quorum modes.
import { createHash } from "node:crypto";
import type { ConsensusConfig, QuorumMode } from "./types.ts";

/** Votes that make a certificate among `voters` nodes. The formulas are stdlib/specs/bft.cwl's guards. */
export function quorumSize(mode: QuorumMode, voters: number): number {
  switch (mode) {
    case "all-2/3":
    case "committee-2/3":
      return Math.floor((2 * voters) / 3) + 1; // count > 2v/3
    case "committee-all":
      return voters;
    case "broken-half":
      return Math.floor(voters / 2); // count >= v/2: below the intersection bound
  }
}

/** Byzantine voters a mode tolerates among `voters` (two quorums share more than this many). */
export function faultBound(mode: QuorumMode, voters: number): number {
  return mode === "committee-all" ? voters - 1 : mode === "broken-half" ? 0 : Math.floor((voters - 1) / 3);
}

export const isCommitteeMode = (mode: QuorumMode) => mode === "committee-2/3" || mode === "committee-all";
export const epochOf = (cfg: ConsensusConfig, view: number) => Math.floor(view / cfg.epochLength);

/**
 * The committee of an epoch: c distinct nodes drawn by a partial Fisher–Yates shuffle whose random
 * numbers are SHA-256(seed || epoch || counter), so every node computes the same committee from the
 * public seed alone. In the all-nodes modes the committee is every node (in order).
 */
export class Committees {
  private cache = new Map<number, { members: number[]; index: Map<number, number> }>();
  constructor(readonly cfg: ConsensusConfig) {}

  get size(): number {
    return isCommitteeMode(this.cfg.mode) ? Math.min(this.cfg.committeeSize, this.cfg.n) : this.cfg.n;
  }

  quorum(): number {
    return quorumSize(this.cfg.mode, this.size);
  }

  ofEpoch(epoch: number): { members: number[]; index: Map<number, number> } {
    let c = this.cache.get(epoch);
    if (c) return c;
    const { n } = this.cfg;
    let members: number[];
    if (!isCommitteeMode(this.cfg.mode)) members = Array.from({ length: n }, (_, i) => i);
    else members = sampleCommittee(this.cfg.seed, epoch, n, this.size);
    c = { members, index: new Map(members.map((m, i) => [m, i])) };
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(epoch, c);
    return c;
  }

  ofView(view: number) {
    return this.ofEpoch(epochOf(this.cfg, view));
  }

  isMember(view: number, node: number): boolean {
    return this.ofView(view).index.has(node);
  }

  /** Round-robin over the view's committee. */
  leader(view: number): number {
    const { members } = this.ofView(view);
    return members[view % members.length];
  }
}

/** c distinct ids out of 0..n, determined by (seed, epoch). */
export function sampleCommittee(seed: string, epoch: number, n: number, c: number): number[] {
  const ids = Array.from({ length: n }, (_, i) => i);
  let counter = 0;
  let pool: Buffer = Buffer.alloc(0);
  let at = 0;
  const next32 = (): number => {
    if (at + 4 > pool.length) {
      pool = createHash("sha256").update(`${seed}|${epoch}|${counter++}`).digest();
      at = 0;
    }
    const v = pool.readUInt32BE(at);
    at += 4;
    return v;
  };
  // Rejection sampling keeps each index uniform (no modulo bias).
  const below = (m: number): number => {
    const limit = Math.floor(0x1_0000_0000 / m) * m;
    for (;;) {
      const v = next32();
      if (v < limit) return v % m;
    }
  };
  for (let i = 0; i < c; i++) {
    const j = i + below(n - i);
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids.slice(0, c);
}

// The three rules safety rests on, driven by hand-built blocks and certificates (real BLS) as a
// byzantine leader would send them: the lock refuses a fork from below it, a block is committed only
// by a three-chain of consecutive views, and a fork proposal never gets a vote after a commit.
import { describe, expect, it } from "vitest";
import { BlsSigner, devKeys } from "../../runtime/consensus/crypto.ts";
import { Replica, blockHash } from "../../runtime/consensus/replica.ts";
import { GENESIS, GENESIS_QC, proposalMsg, voteMsg, type Block, type Msg, type QC } from "../../runtime/consensus/types.ts";
import { cfgOf } from "./helpers.ts";

const n = 4;
const signer = new BlsSigner(devKeys("rules-test", n, [0, 1, 2, 3]));
const cfg = cfgOf(n, "all-2/3");

function replica() {
  // Votes are counted where they are signed (the trace): some go to the replica itself as next leader.
  const voted: number[] = [];
  const r = new Replica({
    id: 0,
    cfg,
    signer,
    env: { now: () => 0, send: () => {}, setTimer: () => {} },
    trace: (e) => void (e.k === "vote" && voted.push(e.view)),
  });
  r.start();
  return { r, votes: () => voted };
}
const block = (view: number, parent: Block, justify: QC, tag = ""): Block => {
  const body = { parent: parent.hash, height: parent.height + 1, view, proposer: view % n, justify, txs: [`t${view}${tag}`], bytes: 3 };
  return { hash: blockHash(body), ...body };
};
const qcOf = (b: Block, signers = [1, 2, 3]): QC => ({
  view: b.view,
  block: b.hash,
  height: b.height,
  signers,
  sig: signer.aggregate(signers.map((i) => signer.sign(i, voteMsg(b.view, b.hash)))),
});
const propose = (b: Block): Msg => ({ t: "propose", block: b, sig: signer.sign(b.proposer, proposalMsg(b.view, b.hash)) });

describe("protocol rules against hand-built blocks", () => {
  // A chain b1..b4 in views 1..4, each justified by a QC of its parent.
  const b1 = block(1, GENESIS, GENESIS_QC);
  const q1 = qcOf(b1);
  const b2 = block(2, b1, q1);
  const q2 = qcOf(b2);
  const b3 = block(3, b2, q2);
  const q3 = qcOf(b3);
  const b4 = block(4, b3, q3);
  const q4 = qcOf(b4);

  it("commits b1 only once the QC for b3 completes b1 <- b2 <- b3 (consecutive views), and never b2 early", () => {
    const { r } = replica();
    r.onMessage(propose(b1), 1);
    r.onMessage(propose(b2), 2);
    r.onMessage(propose(b3), 3);
    expect(r.committedHeight).toBe(0); // QC for b2 only: a two-chain is no commit
    r.onMessage(propose(b4), 0);
    expect(r.committedHeight).toBe(1);
    expect(r.log.map((b) => b.hash)).toEqual([GENESIS.hash, b1.hash]);
    expect(r.preferredView).toBe(2);
  });

  it("a gap in the views is no commit: b1 (view 1) <- c2 (view 2) <- c3 (view 4)", () => {
    const { r } = replica();
    const c3 = block(4, b2, q2, "gap");
    const c4 = block(5, c3, qcOf(c3), "gap");
    for (const b of [b1, b2, c3, c4]) r.onMessage(propose(b), b.proposer);
    expect(r.highQC.view).toBe(4);
    expect(r.committedHeight).toBe(0);
  });

  it("the lock: after seeing b4, a fork from b1 justified by the view-1 QC gets no vote; the main chain does", () => {
    const { r, votes } = replica();
    for (const b of [b1, b2, b3, b4]) r.onMessage(propose(b), b.proposer);
    expect(votes()).toEqual([1, 2, 3, 4]);
    const fork = block(5, b1, q1, "fork");
    r.onMessage(propose(fork), fork.proposer);
    expect(votes()).toEqual([1, 2, 3, 4]);
    // The same leader's block on the main chain is voted for (one vote per view: in view 6 here).
    const b5 = block(6, b4, q4);
    r.onMessage(propose(b5), b5.proposer);
    expect(votes()).toEqual([1, 2, 3, 4, 6]);
  });

  it("a restarted replica keeps its vote and lock: persisted before each vote, no second vote in that view", () => {
    const log: string[] = [];
    const first = new Replica({
      id: 0,
      cfg,
      signer,
      env: { now: () => 0, send: () => {}, setTimer: () => {} },
      persist: (st) => log.push(`persist ${st.lastVoted} ${st.preferredView}`),
      trace: (e) => void (e.k === "vote" && log.push(`vote ${e.view}`)),
    });
    first.start();
    for (const b of [b1, b2]) first.onMessage(propose(b), b.proposer);
    expect(log).toEqual(["persist 1 0", "vote 1", "persist 2 0", "vote 2"]);
    // Restart with what was persisted: b2 again (or a twin of view 2) gets no vote; view 3 does.
    const voted: number[] = [];
    const again = new Replica({
      id: 0,
      cfg,
      signer,
      env: { now: () => 0, send: () => {}, setTimer: () => {} },
      restored: { lastVoted: 2, preferredView: 0 },
      trace: (e) => void (e.k === "vote" && voted.push(e.view)),
    });
    again.start();
    for (const b of [b1, block(2, b1, q1, "twin"), b2, b3]) again.onMessage(propose(b), b.proposer);
    expect(voted).toEqual([3]);
  });

  it("one vote per view: a second block of the same view (equivocation) gets none", () => {
    const { r, votes } = replica();
    r.onMessage(propose(b1), 1);
    r.onMessage(propose(block(1, GENESIS, GENESIS_QC, "twin")), 1);
    expect(votes()).toEqual([1]);
  });
});

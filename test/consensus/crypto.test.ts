// BLS aggregate certificates and what a replica does with forged ones: a prover of a certificate who
// builds it by hand (too few signers, a signer who did not sign, a rogue public key) must be refused.
import { describe, expect, it } from "vitest";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { BlsSigner, devKeys, devSecretKey } from "../../runtime/consensus/crypto.ts";
import { Replica, blockHash } from "../../runtime/consensus/replica.ts";
import { GENESIS, GENESIS_QC, proposalMsg, timeoutMsg, voteMsg, type Block, type Msg, type QC } from "../../runtime/consensus/types.ts";
import { sampleCommittee } from "../../runtime/consensus/quorum.ts";
import { cfgOf } from "./helpers.ts";

const n = 4;
const all = [0, 1, 2, 3];
const keys = devKeys("crypto-test", n, all);
const signer = new BlsSigner(keys);

describe("BLS certificates", () => {
  it("same-message votes aggregate and verify in one check; any change is refused", () => {
    const m = voteMsg(3, "ab".repeat(32));
    const sigs = all.map((i) => signer.sign(i, m));
    const agg = signer.aggregate(sigs.slice(0, 3));
    expect(signer.verifyAggregate([0, 1, 2], m, agg)).toBe(true);
    expect(signer.verifyAggregate([0, 1, 3], m, agg)).toBe(false); // claims a signer who did not sign
    expect(signer.verifyAggregate([0, 1], m, agg)).toBe(false);
    expect(signer.verifyAggregate([0, 1, 2], voteMsg(4, "ab".repeat(32)), agg)).toBe(false);
    expect(signer.verifyAggregate([0, 1, 2], m, signer.aggregate(sigs.slice(0, 2)))).toBe(false);
    expect(signer.verify(0, m, sigs[0])).toBe(true);
    expect(signer.verify(1, m, sigs[0])).toBe(false);
    expect(signer.verify(0, m, "zz")).toBe(false); // malformed: a bad signature, not a crash
  });

  it("a rogue public key without a proof of possession is refused when the keys are loaded", () => {
    // pk_rogue = pk_attacker - (pk_0 + pk_1 + pk_2): the aggregate of {0,1,2,rogue} is the attacker's key alone.
    const G2 = bls12_381.G2.Point;
    const others = [0, 1, 2].map((i) => G2.fromBytes(keys.publicKeys[i])).reduce((a, b) => a.add(b));
    const attacker = bls12_381.shortSignatures.getPublicKey(devSecretKey("attacker", 0));
    const rogue = attacker.subtract(others).toBytes();
    const forged = { ...keys, publicKeys: [...keys.publicKeys.slice(0, 3), rogue], pops: [...keys.pops.slice(0, 3), keys.pops[3]] };
    expect(() => new BlsSigner(forged)).toThrow(/proof of possession/);
  });

  it("committee sampling is deterministic, distinct, and changes with the epoch", () => {
    const a = sampleCommittee("seed", 5, 1000, 100);
    expect(sampleCommittee("seed", 5, 1000, 100)).toEqual(a);
    expect(new Set(a).size).toBe(100);
    expect(a.every((x) => x >= 0 && x < 1000)).toBe(true);
    expect(sampleCommittee("seed", 6, 1000, 100)).not.toEqual(a);
  });
});

describe("a replica facing hand-built messages", () => {
  const cfg = cfgOf(n, "all-2/3");
  function replica(id: number, c = cfg) {
    const sent: { to: number; m: Msg }[] = [];
    const r = new Replica({ id, cfg: c, signer, env: { now: () => 0, send: (to, m) => sent.push({ to, m }), setTimer: () => {} } });
    r.start();
    return { r, sent };
  }
  const block = (view: number, justify: QC, parent: Block = GENESIS, proposer = view % n): Block => {
    const body = { parent: parent.hash, height: parent.height + 1, view, proposer, justify, txs: ["t"], bytes: 1 };
    return { hash: blockHash(body), ...body };
  };
  const propose = (b: Block, by = b.proposer): Msg => ({ t: "propose", block: b, sig: signer.sign(by, proposalMsg(b.view, b.hash)) });

  it("votes for a well-formed proposal", () => {
    const { r, sent } = replica(0);
    r.onMessage(propose(block(1, GENESIS_QC)), 1);
    expect(sent.filter((s) => s.m.t === "vote")).toHaveLength(1);
  });

  it("refuses a proposal signed by someone other than the view's leader, or with a changed body", () => {
    const { r, sent } = replica(0);
    r.onMessage(propose(block(1, GENESIS_QC), 2), 2);
    const b = block(1, GENESIS_QC);
    r.onMessage({ ...propose(b), block: { ...b, txs: ["other"] } } as Msg, 1);
    expect(sent.filter((s) => s.m.t === "vote")).toHaveLength(0);
    expect(r.stats.rejected).toBe(2);
  });

  it("linear view change: a timed-out view's timeouts go to the next leader only, who forms the TC and proposes with it", () => {
    // Node 0's timer fires in view 1: one timeout, to the leader of view 2, and node 0 waits in view 2.
    const a = replica(0);
    a.r.onTimer(1);
    expect(a.sent.filter((s) => s.m.t === "timeout").map((s) => s.to)).toEqual([2]);
    expect(a.r.view).toBe(2);
    // The leader of view 2 verifies the timeouts together; a forged one is dropped, not counted.
    const { r, sent } = replica(2);
    const t = (from: number, sig = signer.sign(from, timeoutMsg(1))): Msg => ({ t: "timeout", view: 1, from, highQC: GENESIS_QC, sig });
    r.onMessage(t(0), 0);
    r.onMessage(t(1), 1);
    r.onMessage(t(3, signer.sign(3, timeoutMsg(2))), 3);
    expect(r.view).toBe(1);
    expect(r.stats.rejected).toBe(1);
    r.onMessage(t(3), 3);
    expect(r.view).toBe(2);
    const p = sent.find((s) => s.m.t === "propose")?.m as (Msg & { t: "propose" }) | undefined;
    expect(p?.block.view).toBe(2);
    expect(p?.block.tc?.signers).toEqual([0, 1, 3]);
    expect(signer.verifyAggregate(p!.block.tc!.signers, timeoutMsg(1), p!.block.tc!.sig)).toBe(true);
    // Another node ignores timeouts it is not the next leader for: no TC forms there.
    const other = replica(1);
    for (const i of [0, 2, 3]) other.r.onMessage(t(i), i);
    expect(other.r.lastTC).toBeUndefined();
    // A node receiving that proposal follows its TC into view 2 and votes.
    const c = replica(1);
    c.r.onMessage(p!, 2);
    expect(c.r.view).toBe(2);
    expect(c.sent.some((s) => s.m.t === "vote" && s.m.view === 2)).toBe(true);
  });

  it("quadratic view change: timeouts verified together, a forged one is found and dropped, a TC needs a quorum of genuine ones", () => {
    const { r } = replica(0, { ...cfg, viewChange: "quadratic" });
    const t = (from: number, sig = signer.sign(from, timeoutMsg(1))): Msg => ({ t: "timeout", view: 1, from, highQC: GENESIS_QC, sig });
    r.onMessage(t(1), 1);
    r.onMessage(t(2), 2);
    r.onMessage(t(3, signer.sign(3, timeoutMsg(2))), 3); // node 3's signature on another view
    expect(r.view).toBe(1);
    expect(r.stats.rejected).toBe(1);
    r.onMessage(t(3), 3);
    expect(r.view).toBe(2);
    expect(r.lastTC?.signers).toEqual([1, 2, 3]);
  });

  it("state sync: a restarted node commits a served chain only with a valid commit proof and certificates", () => {
    const qcOf = (b: Block, signers = [0, 1, 2]): QC => ({ view: b.view, block: b.hash, height: b.height, signers, sig: signer.aggregate(signers.map((i) => signer.sign(i, voteMsg(b.view, b.hash)))) });
    const b1 = block(1, GENESIS_QC);
    const b2 = block(2, qcOf(b1), b1);
    const b3 = block(3, qcOf(b2), b2);
    const b4 = block(4, qcOf(b3), b3);
    const b5 = block(5, qcOf(b4), b4);
    // b1, b2 and b3 are committed: b4, b5 in consecutive views and a QC for b5 prove b3 committed.
    const proof = { blocks: [b4, b5] as [Block, Block], qc: qcOf(b5) };
    const restarted = () => {
      const sent: { to: number; m: Msg }[] = [];
      const r = new Replica({ id: 0, cfg, signer, restored: { lastVoted: 0, preferredView: 0 }, env: { now: () => 0, send: (to, m) => sent.push({ to, m }), setTimer: () => {} } });
      r.start();
      return { r, sent };
    };
    const good = restarted();
    expect(good.sent.find((s) => s.m.t === "range")).toMatchObject({ to: 1, m: { after: 0 } });
    // A peer that does not answer within a view timeout: the next one is asked.
    {
      let now = 0;
      const sent: { to: number; m: Msg }[] = [];
      const r = new Replica({ id: 0, cfg, signer, restored: { lastVoted: 0, preferredView: 0 }, env: { now: () => now, send: (to, m) => sent.push({ to, m }), setTimer: () => {} } });
      r.start();
      now = cfg.viewTimeoutMs;
      r.onTimer(r.view);
      expect(sent.filter((s) => s.m.t === "range").map((s) => s.to)).toEqual([1, 2]);
    }
    // From a node it did not ask: ignored.
    good.r.onMessage({ t: "chain", blocks: [b1, b2, b3], proof }, 2);
    expect(good.r.committedHeight).toBe(0);
    good.r.onMessage({ t: "chain", blocks: [b1, b2, b3], proof }, 1);
    expect(good.r.log.slice(1).map((b) => b.hash)).toEqual([b1.hash, b2.hash, b3.hash]);
    expect(good.r.highQC.view).toBe(5);
    // Forged: a proof QC of two signers, a proof whose views are not consecutive, a changed block, a chain not ending at the proven head.
    const gapped = block(6, qcOf(b4), b4);
    for (const [blocks, p] of [
      [[b1, b2, b3], { ...proof, qc: qcOf(b5, [0, 1]) }],
      [[b1, b2, b3], { blocks: [b4, gapped], qc: qcOf(gapped) }],
      [[b1, { ...b2, txs: ["forged"] }, b3], proof],
      [[b1, b2], proof],
    ] as [Block[], typeof proof][]) {
      const x = restarted();
      x.r.onMessage({ t: "chain", blocks, proof: p }, 1);
      expect(x.r.committedHeight).toBe(0);
      expect(x.r.stats.rejected).toBeGreaterThan(0);
    }
  });

  it("refuses a QC with too few signers or one whose aggregate does not cover its signers", () => {
    const b1 = block(1, GENESIS_QC);
    const m = voteMsg(1, b1.hash);
    const two = { view: 1, block: b1.hash, height: 1, signers: [0, 1], sig: signer.aggregate([0, 1].map((i) => signer.sign(i, m))) };
    const lying = { ...two, signers: [0, 1, 2] };
    for (const qc of [two, lying]) {
      const { r, sent } = replica(0);
      r.onMessage(propose(b1), 1);
      sent.length = 0;
      r.onMessage(propose(block(2, qc, b1)), 2);
      expect(sent.filter((s) => s.m.t === "vote")).toHaveLength(0);
      expect(r.highQC.view).toBe(0);
    }
    // The honest certificate of three is accepted and followed.
    const { r, sent } = replica(0);
    r.onMessage(propose(b1), 1);
    const three = { ...two, signers: [0, 1, 2], sig: signer.aggregate([0, 1, 2].map((i) => signer.sign(i, m))) };
    r.onMessage(propose(block(2, three, b1)), 2);
    expect(r.highQC.view).toBe(1);
    expect(sent.some((s) => s.m.t === "vote" && s.m.view === 2)).toBe(true);
  });
});

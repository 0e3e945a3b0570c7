// Byzantine behaviours for the simulator, as replicas that deviate from the protocol:
//  - silent: never sends anything (the simulator drops its messages);
//  - equivocate: as leader, proposes two different blocks for the same view, each to half of the
//    nodes; as voter, votes for every block it sees in its current view, ignoring the lock and the
//    one-vote-per-view rule. It signs only with its own key (see SimSigner).
import { Replica } from "../replica.ts";
import type { Block, Msg, TC } from "../types.ts";
import { proposalMsg } from "../types.ts";

export type Behaviour = "silent" | "equivocate";

export class EquivocatingReplica extends Replica {
  protected override propose(v: number, parent: Block, tc: TC | undefined): void {
    const targets = this.proposalTargets(v);
    const half = Math.ceil(targets.length / 2);
    const mk = (tag: string) => {
      const txs = [`equivocation-${tag}-${v}-${this.id}`];
      const block = this.makeBlock(v, parent, tc, txs);
      const sig = this.signer.sign(this.id, proposalMsg(v, block.hash));
      this.trace?.({ k: "propose", node: this.id, view: v, block: block.hash, height: block.height, parent: block.parent });
      return { t: "propose", block, sig } as Msg & { t: "propose" };
    };
    const a = mk("a");
    const b = mk("b");
    this.broadcastProposal(a, v, targets.slice(0, half));
    this.broadcastProposal(b, v, targets.slice(half));
  }

  protected override maybeVote(block: Block): void {
    if (block.view < this.view || !this.committees.isMember(block.view, this.id)) return;
    this.castVote(block);
  }
}

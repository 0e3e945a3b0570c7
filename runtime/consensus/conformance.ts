// Conformance of the implementation with stdlib/specs/bft.cwl's `Bft` spec. The spec is single-shot:
// a leader's value, one vote per honest node for it, and `decide` once a mode's quorum voted for it.
// Each view of the chained protocol is one such instance: the view's leader is spec node 0, the other
// committee members are nodes 1..c-1 and the remaining nodes c..n-1 (relabelled per view, in id
// order); the (at most two) blocks proposed in the view are the values 0 and 1. Every trace event is
// replayed as a spec action on that view's state:
//   propose(leader, view, B)  ->  vote(0, B)      (the proposal is the leader's vote)
//   vote(p, view, B)          ->  vote(p', B)     (the leader's own vote repeats its proposal: no step)
//   commit(p, B of view v)    ->  decide(p', B)   (a block is committed in the view that certified it)
// A step whose guard is false is a violation (the implementation did something the spec forbids), and
// the spec's invariants are checked on the replayed states. Byzantine nodes are marked in the spec's
// hidden byzantine set, so their moves are forged moves, exactly as the spec allows.
import type { Instance, Transition } from "../spec/index.ts";
import { BYZ } from "../spec/instance.ts";
import type { Committees } from "./quorum.ts";
import type { QuorumMode, TraceEvent } from "./types.ts";

/** The spec's `mode` param for a quorum mode (broken-half is checked as mode 0: what it should be). */
export const specMode = (m: QuorumMode) => (m === "committee-2/3" ? 1 : m === "committee-all" ? 2 : 0);

export interface ReplayOptions {
  /** The spec instance, instantiated with the run's n, c and mode (and f = 0: byzantine slots are set here). */
  inst: Instance;
  committees: Committees;
  byzantine: Set<number>;
  /** Check the invariants after every decide (quadratic in n); else once per view at `finish`. */
  eachStep?: boolean;
}

interface ViewState {
  s: Int32Array;
  vals: string[];
  rel: Map<number, number>;
}

export class SpecReplay {
  readonly violations: string[] = [];
  steps = 0;
  private views = new Map<number, ViewState>();
  private byName = new Map<string, Transition>();
  private byzOff: number;
  private n: number;

  constructor(private o: ReplayOptions) {
    for (const t of o.inst.transitions) this.byName.set(`${t.name}(${t.args.join(",")})`, t);
    const byz = o.inst.vars.find((v) => v.name === BYZ);
    if (!byz) throw new Error("spec has no byzantine adversary");
    this.byzOff = byz.off;
    this.n = o.inst.params.n;
  }

  private view(v: number): ViewState {
    let st = this.views.get(v);
    if (st) return st;
    const { members, index } = this.o.committees.ofView(v);
    const leader = this.o.committees.leader(v);
    const rel = new Map<number, number>([[leader, 0]]);
    for (const m of members) if (m !== leader) rel.set(m, rel.size);
    for (let i = 0; i < this.n; i++) if (!index.has(i)) rel.set(i, rel.size);
    const s = this.o.inst.inits[0].slice();
    for (const [node, p] of rel) s[this.byzOff + p] = this.o.byzantine.has(node) ? 1 : 0;
    st = { s, vals: [], rel };
    this.views.set(v, st);
    return st;
  }

  private fire(st: ViewState, view: number, name: string, p: number, block: string, what: string): void {
    let val = st.vals.indexOf(block);
    if (val < 0) {
      if (st.vals.length >= 2) return this.report(`view ${view}: a third block ${block.slice(0, 12)} (${what}) is outside the spec's values`);
      st.vals.push(block);
      val = st.vals.length - 1;
    }
    const t = this.byName.get(`${name}(${p},${val})`);
    if (!t) return this.report(`view ${view}: no spec action ${name}(${p}, ${val})`);
    this.steps++;
    const next = t.fire(st.s);
    if (!next) return this.report(`view ${view}: ${what} is step ${name}(${p}, ${val}), which the spec does not allow (its guard is false)`);
    st.s = next;
    if (this.o.eachStep && name === "decide") this.checkInvariants(st, view);
  }

  private checkInvariants(st: ViewState, view: number): void {
    for (const inv of this.o.inst.invariants) if (!inv.holds(st.s)) this.report(`view ${view}: invariant \`${inv.name}\` is violated`);
  }

  private report(s: string): void {
    if (this.violations.length < 100) this.violations.push(s);
  }

  onEvent(e: TraceEvent): void {
    if (e.k === "view" || e.k === "restart") return;
    const st = this.view(e.view);
    const p = st.rel.get(e.node)!;
    if (e.k === "propose") this.fire(st, e.view, "vote", 0, e.block, `node ${e.node} proposes ${e.block.slice(0, 12)}`);
    else if (e.k === "vote") {
      if (p === 0 && st.vals.indexOf(e.block) >= 0 && this.votedFor(st, e.block)) return;
      this.fire(st, e.view, "vote", p, e.block, `node ${e.node} votes for ${e.block.slice(0, 12)}`);
    } else {
      // A restarted node commits again what it decided before it lost its memory: the same decision, no step.
      if (this.decided(st, p) === st.vals.indexOf(e.block) && st.vals.indexOf(e.block) >= 0) return;
      this.fire(st, e.view, "decide", p, e.block, `node ${e.node} commits ${e.block.slice(0, 12)} at height ${e.height}`);
    }
  }

  /** The value spec node `p` decided in this view's instance (-1: none). */
  private decided(st: ViewState, p: number): number {
    const d = this.o.inst.vars.find((v) => v.name === "decided")!;
    return st.s[d.off + p];
  }

  /** Whether spec node 0 (the leader) already voted for the block (its proposal). */
  private votedFor(st: ViewState, block: string): boolean {
    const votes = this.o.inst.vars.find((v) => v.name === "votes")!;
    // votes: Map<Node, Set<Val>> laid out as n blocks of 2 slots; node 0's block comes first.
    return st.s[votes.off + st.vals.indexOf(block)] === 1;
  }

  /** Check the invariants on every view's final state. */
  finish(): void {
    if (!this.o.eachStep) for (const [v, st] of this.views) this.checkInvariants(st, v);
  }

  get ok(): boolean {
    return this.violations.length === 0;
  }
}

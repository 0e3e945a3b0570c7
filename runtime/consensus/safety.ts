// The safety checker run on every simulated and TCP run: honest nodes never commit two different
// blocks at the same height, and each node's committed blocks form one chain (each extends the
// previous), so the committed chains of any two honest nodes are prefixes of each other.
import { GENESIS_HASH, type TraceEvent } from "./types.ts";

export class SafetyChecker {
  readonly violations: string[] = [];
  private atHeight = new Map<number, { hash: string; node: number }>();
  private tip = new Map<number, { hash: string; height: number }>();
  commits = 0;

  constructor(private honest: (node: number) => boolean = () => true) {}

  onEvent(e: TraceEvent): void {
    // A restarted node commits its chain again from genesis (it must be the same chain: the height check below still applies).
    if (e.k === "restart") return void this.tip.delete(e.node);
    if (e.k !== "commit" || !this.honest(e.node)) return;
    this.commits++;
    const first = this.atHeight.get(e.height);
    if (!first) this.atHeight.set(e.height, { hash: e.block, node: e.node });
    else if (first.hash !== e.block)
      this.report(`conflicting commits at height ${e.height}: node ${first.node} committed ${first.hash.slice(0, 12)}, node ${e.node} committed ${e.block.slice(0, 12)}`);
    const tip = this.tip.get(e.node) ?? { hash: GENESIS_HASH, height: 0 };
    if (e.height !== tip.height + 1 || e.parent !== tip.hash)
      this.report(`node ${e.node} committed ${e.block.slice(0, 12)} at height ${e.height}, which does not extend its chain (tip ${tip.hash.slice(0, 12)} at height ${tip.height})`);
    this.tip.set(e.node, { hash: e.block, height: e.height });
  }

  private report(s: string): void {
    if (this.violations.length < 100) this.violations.push(s);
  }

  get ok(): boolean {
    return this.violations.length === 0;
  }

  /** Highest height every listed node has committed. */
  minHeight(nodes: number[]): number {
    return Math.min(...nodes.map((n) => this.tip.get(n)?.height ?? 0));
  }
}

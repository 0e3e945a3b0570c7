// Resource-aware loop shaping for the HLS emitter. Unrolling a loop replicates its Montgomery
// multipliers (≈ 350 DSP48E2 each at 256 bits), and a loop whose carried value passes through field
// multiplies cannot start iteration t+1 before iteration t's multiply chain ends, so such loops are
// never unrolled: they are pipelined with II = the chain's latency, or — when they are the only loop of
// an invocation — interleaved across invocations (independent chunks/windows round-robin through one
// pipeline at II = 1, their carried values in per-lane arrays). Every cycle figure here is *estimated*.
import type { Op, Value } from "../../compiler/ir/index.ts";
import { type Slice, tripCount } from "../kernels/index.ts";

/** Alveo U280 resources the emitter budgets against (bench/fpga.ts models the same card). */
export const U280 = {
  dsp: 9024, // DSP48E2 slices
  usableFraction: 0.7, // routing/timing headroom typically left at 256-bit datapaths
  clockHz: 300e6, // kernel clock in run_hls.tcl (3.33 ns)
  hbmBytesPerS: 460e9, // 8 GiB HBM2, 32 pseudo-channels
  hbmBytes: 8 * 2 ** 30,
  pcieBytesPerS: 12e9, // Gen3 x16 effective, per direction (full duplex)
};
/** DSPs one kernel (one compute unit) may instantiate by default: 70 % of a U280. */
export const DEFAULT_DSP_BUDGET = Math.floor(U280.dsp * U280.usableFraction);

/** Montgomery multiplier instances a field op needs where it is printed (pow/inv: one, their bit loop is not inlined). */
export function mulSitesOf(op: Op): number {
  switch (op.name) {
    case "f.mul":
    case "i.to_f":
    case "f.inv":
    case "f.pow":
      return 1;
    case "f.div":
      return 2;
    default:
      return 0;
  }
}

/** Sequential field multiplications an op costs on a dependency path (pow/inv: two per exponent bit). */
function mulDepthOf(op: Op, bits: number): number {
  if (op.name === "f.inv" || op.name === "f.pow") return 2 * bits;
  if (op.name === "f.div") return 2 * bits + 1;
  return op.name === "f.mul" || op.name === "i.to_f" ? 1 : 0;
}

/**
 * Longest chain of field multiplications from a cf.for's carried values to what its body yields for
 * them (0: no loop-carried dependency through multiplies). Values that do not depend on a carried value
 * start no chain; an if passes on the deeper of its branches and its condition.
 */
export function carriedMulChain(loop: Op, bits: number): number {
  const depth = new Map<Value, number>();
  const d = (v: Value) => depth.get(v) ?? -Infinity;
  const body = loop.regions[0].entry;
  body.args.forEach((a, i) => i > 0 && depth.set(a, 0));
  const walk = (ops: readonly Op[]): void => {
    for (const op of ops) {
      if (op.name === "cf.if") {
        const cond = d(op.operands[0]);
        for (const r of op.regions) walk(r.entry.ops);
        op.results.forEach((res, i) => {
          const ys = op.regions.map((r) => r.entry.terminator).filter((y) => y?.name === "cf.yield");
          depth.set(res, Math.max(cond, ...ys.map((y) => d(y!.operands[i]))));
        });
      } else if (op.name === "cf.for") {
        const inner = carriedMulChain(op, bits);
        const into = Math.max(-Infinity, ...op.operands.map(d));
        op.results.forEach((res) => depth.set(res, into + tripCount(op) * inner));
        walk(op.regions[0].entry.ops);
      } else if (op.results.length) {
        const x = Math.max(-Infinity, ...op.operands.map(d));
        if (x > -Infinity) for (const r of op.results) depth.set(r, x + mulDepthOf(op, bits));
      }
    }
  };
  walk(body.ops);
  const y = body.terminator;
  if (!y || y.name !== "cf.yield") return 0;
  return Math.max(0, ...y.operands.map(d));
}

/** Multiplier instances a run of ops needs when every loop in it that `unrolls` says so is unrolled. */
export function mulSites(ops: readonly Op[], unrolls: (loop: Op) => boolean): number {
  let n = 0;
  for (const op of ops) {
    n += mulSitesOf(op);
    for (const r of op.regions) {
      const inner = mulSites(r.entry.ops, unrolls);
      n += op.name === "cf.for" && unrolls(op) ? tripCount(op) * inner : inner;
    }
  }
  return n;
}

/**
 * Multiplier sites a run of ops needs when mutually exclusive if-branches share theirs (only one runs
 * per iteration, so under an ALLOCATION limit Vitis may bind both to the same units): the costlier
 * branch counts. Loops count once (rolled) or trips times (unrolled); ops `kept` rejects are skipped.
 */
export function exclusiveMulSites(ops: readonly Op[], kept: (op: Op) => boolean, unrolls: (loop: Op) => boolean): number {
  let n = 0;
  for (const op of ops) {
    if (!kept(op)) continue;
    if (op.name === "cf.if") n += Math.max(0, ...op.regions.map((r) => exclusiveMulSites(r.entry.ops, kept, unrolls)));
    else if (op.name === "cf.for") n += (unrolls(op) ? tripCount(op) : 1) * exclusiveMulSites(op.regions[0].entry.ops, kept, unrolls);
    else n += mulSitesOf(op);
  }
  return n;
}

export interface LoopShaper {
  /** Unroll this loop into its enclosing pipeline? */
  unrolls(loop: Op): boolean;
  /** *Estimated* II of a pipelined loop whose carried value passes through multiplies (1 otherwise). */
  chainII(loop: Op): number;
  /**
   * The kernel body's only loop when invocations can be interleaved through it: it carries a value
   * through multiplies, contains no loop itself, and is the only loop at the top of the body.
   */
  interleaved(body: readonly Op[], slice: Slice): Op | undefined;
}

/**
 * Shaping rules for one field width: `budgetMuls` Montgomery multipliers fit the DSP budget,
 * `latency` cycles per multiplication (estimated), `maxUnroll` trips at most.
 */
export function loopShaper(bits: number, budgetMuls: number, latency: number, maxUnroll: number): LoopShaper {
  const chain = new Map<Op, number>();
  const chainOf = (loop: Op) => {
    let c = chain.get(loop);
    if (c === undefined) chain.set(loop, (c = carriedMulChain(loop, bits)));
    return c;
  };
  const unrolls = (loop: Op): boolean =>
    chainOf(loop) === 0 && tripCount(loop) <= maxUnroll && tripCount(loop) * mulSites(loop.regions[0].entry.ops, unrolls) <= budgetMuls;
  return {
    unrolls,
    chainII: (loop) => Math.max(1, chainOf(loop) * latency),
    interleaved(body, slice) {
      const loops = body.filter((op) => op.name === "cf.for");
      if (loops.length !== 1 || !slice.ops.has(loops[0]) || chainOf(loops[0]) === 0) return undefined;
      let nested = false;
      const visit = (ops: readonly Op[]) => ops.forEach((op) => ((nested ||= op.name === "cf.for"), op.regions.forEach((r) => visit(r.entry.ops))));
      visit(loops[0].regions[0].entry.ops);
      return nested ? undefined : loops[0];
    },
  };
}

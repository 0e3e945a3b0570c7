// unroll: replace every cf.for (constant bounds) by straight-line copies of its body, so that a
// PLONKish layout sees a flat list of field ops. Loops whose total trip count exceeds `max-trips`
// (default 1,000,000 iterations per item) are left in place with a warning rather than blowing up memory.
// Linear in the output size: blocks are rebuilt once and uses are replaced in one walk at the end.
import { warning } from "../../base/diagnostics/index.ts";
import { type Block, type Func, INDEX_TYPE, Op, type Value, cloneOp, locParts, replaceUses } from "../ir/index.ts";
import { type PassContext, registerPass } from "./manager.ts";

export function unrollFunc(f: Func, ctx: PassContext): void {
  const maxTrips = Number(ctx.options["max-trips"] ?? 1_000_000);
  let budget = maxTrips;
  const repl = new Map<Value, Value>();
  // Outermost loops first; the copies of inner loops are expanded as they are produced.
  const expand = (ops: readonly Op[], out: Op[]): void => {
    for (const op of ops) {
      if (op.name === "cf.for") {
        const trips = tripCount(op);
        if (trips <= budget) {
          budget -= trips;
          expand(unrollLoop(op, repl), out);
          continue;
        }
        const { span, suffix } = locParts(op.loc);
        ctx.report(warning("W0943", `unroll: loop with ${trips} iterations exceeds the budget of ${maxTrips}; kept as a loop${suffix}`, span));
      }
      for (const r of op.regions) for (const b of r.blocks) rebuild(b);
      out.push(op);
    }
  };
  const rebuild = (b: Block) => {
    const out: Op[] = [];
    expand(b.ops.slice(), out);
    b.setOps(out);
  };
  rebuild(f.body.entry);
  replaceUses(f.body, resolveChains(repl));
}

/** a→b, b→c becomes a→c. */
export function resolveChains(repl: Map<Value, Value>): Map<Value, Value> {
  for (const [k, v] of repl) {
    let t = v;
    for (let i = 0; i < 1_000_000 && repl.has(t); i++) t = repl.get(t)!;
    repl.set(k, t);
  }
  return repl;
}

function tripCount(op: Op): number {
  const lo = op.bigAttr("lo") ?? 0n;
  const hi = op.bigAttr("hi") ?? 0n;
  const step = op.bigAttr("step") ?? 1n;
  return hi <= lo || step <= 0n ? 0 : Number((hi - lo + step - 1n) / step);
}

/**
 * The straight-line copies of one loop (not inserted anywhere). The loop's results map to their
 * final values in `repl`, which the caller applies (after resolveChains) to the whole function.
 */
export function unrollLoop(loop: Op, repl: Map<Value, Value>): Op[] {
  const body = loop.regions[0].blocks[0];
  const lo = loop.bigAttr("lo") ?? 0n;
  const hi = loop.bigAttr("hi") ?? 0n;
  const step = loop.bigAttr("step") ?? 1n;
  const out: Op[] = [];
  let carried: Value[] = loop.operands.slice();
  for (let iv = lo; iv < hi; iv += step) {
    const ivConst = new Op("i.const", [], [INDEX_TYPE], { value: BigInt.asUintN(32, iv) }, [], loop.loc);
    out.push(ivConst);
    const map = new Map<Value, Value>();
    map.set(body.args[0], ivConst.results[0]);
    body.args.slice(1).forEach((a, i) => map.set(a, carried[i]));
    for (const op of body.ops) {
      if (op.name === "cf.yield") {
        carried = op.operands.map((v) => map.get(v) ?? v);
        break;
      }
      out.push(cloneOp(op, map));
    }
  }
  loop.results.forEach((r, i) => repl.set(r, carried[i]));
  loop.parent = undefined;
  return out;
}

registerPass({
  name: "unroll",
  description: "fully unroll cf.for loops (constant bounds); options: max-trips=N",
  defaultKinds: ["circuit", "fn", "protocol"],
  run(_m, funcs, ctx) {
    for (const f of funcs) unrollFunc(f, ctx);
  },
});

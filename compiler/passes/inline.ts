// inline: replace every cf.call of a `fn` by a copy of its body. Hints stay calls: they are
// unconstrained witness code, and a backend runs them rather than turning them into constraints.
// The verifier rejects call cycles through fns, so inlining terminates; a round cap guards anyway.
// Linear per round: blocks are rebuilt once, uses replaced in one walk.
import { type Block, type Func, type Module, type Op, type Value, cloneOp, replaceUses } from "../ir/index.ts";
import { error } from "../../base/diagnostics/index.ts";
import { type PassContext, registerPass } from "./manager.ts";
import { resolveChains } from "./unroll.ts";

const MAX_ROUNDS = 64;

/** Inline fn calls in `f` (all of them, or those whose callee `filter` accepts). */
export function inlineFunc(m: Module, f: Func, ctx?: PassContext, filter?: (callee: Func) => boolean): void {
  const wanted = (op: Op): boolean => {
    if (op.name !== "cf.call") return false;
    const callee = m.func(op.symAttr("callee") ?? "");
    return callee?.kind === "fn" && (!filter || filter(callee));
  };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const repl = new Map<Value, Value>();
    let found = false;
    const rebuild = (b: Block) => {
      if (!b.ops.some((op) => wanted(op) || op.regions.length)) return;
      const out: Op[] = [];
      for (const op of b.ops) {
        for (const r of op.regions) for (const inner of r.blocks) rebuild(inner);
        if (wanted(op)) {
          found = true;
          for (const c of inlinedBody(m, op, repl)) out.push(c);
        } else out.push(op);
      }
      b.setOps(out);
    };
    rebuild(f.body.entry);
    if (!found) return;
    replaceUses(f.body, resolveChains(repl));
  }
  ctx?.report(error("E0942", `inline: @${f.name} still has calls after ${MAX_ROUNDS} rounds (recursion?)`));
}

/** The ops that replace `call` (not inserted); its results map to the returned values in `repl`. */
function inlinedBody(m: Module, call: Op, repl: Map<Value, Value>): Op[] {
  const callee = m.func(call.symAttr("callee") ?? "")!;
  const map = new Map<Value, Value>();
  callee.args.forEach((p, i) => map.set(p, call.operands[i]));
  const out: Op[] = [];
  let returned: Value[] = [];
  for (const op of callee.body.entry.ops) {
    if (op.name === "cf.return") {
      returned = op.operands.map((v) => map.get(v) ?? v);
      break;
    }
    const c = cloneOp(op, map);
    // Ops from the callee keep their own locations; ops without one take the call's.
    if (!c.loc && call.loc) c.loc = call.loc;
    out.push(c);
  }
  call.results.forEach((r, i) => repl.set(r, returned[i]));
  call.parent = undefined;
  return out;
}

/** Inline one call site in place (replaces its uses at once: prefer inlineFunc for many calls). */
export function inlineCall(m: Module, f: Func, call: Op): void {
  const block = call.parent;
  if (!block || !m.func(call.symAttr("callee") ?? "")) return;
  const repl = new Map<Value, Value>();
  const i = block.ops.indexOf(call);
  const body = inlinedBody(m, call, repl);
  block.setOps([...block.ops.slice(0, i), ...body, ...block.ops.slice(i + 1)]);
  replaceUses(f.body, repl);
}

registerPass({
  name: "inline",
  description: "inline calls to fn items (hints stay calls)",
  defaultKinds: ["circuit", "fn", "program", "protocol", "kernel", "hint", "spec"],
  run(m, funcs, ctx) {
    for (const f of funcs) inlineFunc(m, f, ctx);
  },
});

// dce: delete ops whose results are unused and that have no effect (ops.ts `isRemovable`): pure
// values, unused loads and allocations, and structured ops whose bodies are removable. Constraints,
// stores, reveals, barriers and ops that may fail (their failure is a constraint) always stay.
// Unused loop-carried values of cf.for are dropped too.
import { type Block, type Func, type Module, type Op, type Region, type Value, isRemovable, walkRegion } from "../ir/index.ts";
import { registerPass } from "./manager.ts";

function uses(region: Region): Map<unknown, number> {
  const counts = new Map<unknown, number>();
  walkRegion(region, (op) => {
    for (const v of op.operands) counts.set(v, (counts.get(v) ?? 0) + 1);
  });
  return counts;
}

export function dceFunc(m: Module, f: Func): void {
  for (let round = 0; round < 64; round++) {
    const counts = uses(f.body);
    let changed = false;
    const visit = (block: Block) => {
      const removed = new Set<Op>();
      for (let i = block.ops.length - 1; i >= 0; i--) {
        const op = block.ops[i];
        for (const r of op.regions) for (const b of r.blocks) visit(b);
        const unused = op.results.every((r) => !counts.get(r));
        if (unused && isRemovable(op, m)) {
          for (const v of op.operands) counts.set(v, (counts.get(v) ?? 1) - 1);
          removed.add(op);
          changed = true;
        } else if (op.name === "cf.for" && dropDeadCarried(op, counts, m)) changed = true;
      }
      if (removed.size) {
        block.setOps(block.ops.filter((op) => !removed.has(op)));
        for (const op of removed) op.parent = undefined;
      }
    };
    visit(f.body.entry);
    if (!changed) return;
  }
}

/**
 * A loop-carried value whose result is unused and whose block argument is needed only to compute
 * its own next value can go: drop the init operand, the block argument, the yield operand and the
 * result; the body ops that computed it die in the next round.
 */
function dropDeadCarried(loop: Op, counts: Map<unknown, number>, m: Module): boolean {
  const body = loop.regions[0]?.blocks[0];
  const y = body?.ops[body.ops.length - 1];
  if (!body || y?.name !== "cf.yield") return false;
  for (let i = loop.results.length - 1; i >= 0; i--) {
    if (counts.get(loop.results[i])) continue;
    if (neededInBody(body, y, i, m).has(body.args[i + 1])) continue;
    loop.operands.splice(i, 1);
    y.operands.splice(i, 1);
    body.args.splice(i + 1, 1);
    body.args.forEach((a, k) => (a.index = k));
    loop.results.splice(i, 1);
    loop.results.forEach((r, k) => (r.index = k));
    return true;
  }
  return false;
}

/** Values of a loop body needed by its effects and by every yield slot except `skip`. */
function neededInBody(body: Block, y: Op, skip: number, m: Module): Set<Value> {
  const needed = new Set<Value>();
  const marked = new Set<Op>();
  const work: Value[] = [];
  const markOp = (op: Op) => {
    if (marked.has(op)) return;
    marked.add(op);
    for (const v of op.operands) work.push(v);
    for (const r of op.regions) walkRegion(r, (inner) => markOp(inner));
  };
  for (const op of body.ops) {
    if (op === y) y.operands.forEach((v, j) => j !== skip && work.push(v));
    else if (!isRemovable(op, m)) markOp(op);
  }
  while (work.length) {
    const v = work.pop()!;
    if (needed.has(v)) continue;
    needed.add(v);
    const d = v.definingOp;
    if (d) markOp(d);
  }
  return needed;
}

registerPass({
  name: "dce",
  description: "dead-code elimination (keeps constraints, stores, reveals and ops that may fail)",
  defaultKinds: ["circuit", "fn", "hint", "program", "protocol", "kernel", "spec"],
  run(m, funcs) {
    for (const f of funcs) dceFunc(m, f);
  },
});

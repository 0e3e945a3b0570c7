// cse: merge identical side-effect-free ops (same name, operands, attributes, result types).
// Scoped like dominance: an op in a nested region may reuse a value computed in an enclosing block
// before it, never one from a sibling region. "may_fail" ops merge too (the same inputs fail alike).
import { type Block, type Func, type Op, type Value, attrKey, isCseable, replaceUses, typeToString } from "../ir/index.ts";
import { registerPass } from "./manager.ts";

function keyOf(op: Op, ids: Map<Value, number>): string {
  const operandIds = op.operands.map((v) => {
    let id = ids.get(v);
    if (id === undefined) ids.set(v, (id = ids.size));
    return id;
  });
  const attrs = Object.keys(op.attrs)
    .sort()
    .map((k) => `${k}=${attrKey(op.attrs[k])}`)
    .join(",");
  return `${op.name}(${operandIds.join(",")}){${attrs}}:${op.results.map((r) => typeToString(r.type)).join(",")}`;
}

export function cseFunc(f: Func): void {
  const ids = new Map<Value, number>();
  const repl = new Map<Value, Value>();
  // One scoped table: keys added in a block are dropped when the walk leaves it.
  const table = new Map<string, Op>();
  const visit = (block: Block) => {
    const added: string[] = [];
    const out: Op[] = [];
    for (const op of block.ops) {
      for (let i = 0; i < op.operands.length; i++) {
        const r = repl.get(op.operands[i]);
        if (r) op.operands[i] = r;
      }
      for (const r of op.regions) for (const b of r.blocks) visit(b);
      if (isCseable(op)) {
        const key = keyOf(op, ids);
        const prev = table.get(key);
        if (prev) {
          op.results.forEach((r, i) => repl.set(r, prev.results[i]));
          op.parent = undefined;
          continue;
        }
        table.set(key, op);
        added.push(key);
      }
      out.push(op);
    }
    block.setOps(out);
    for (const k of added) table.delete(k);
  };
  visit(f.body.entry);
  replaceUses(f.body, repl);
}

registerPass({
  name: "cse",
  description: "common-subexpression elimination of pure ops (dominance-scoped)",
  defaultKinds: ["circuit", "fn", "hint", "program", "protocol", "kernel", "spec"],
  run(_m, funcs) {
    for (const f of funcs) cseFunc(f);
  },
});

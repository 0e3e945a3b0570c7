// if-to-select: a cf.if whose two regions hold only pure ops becomes straight-line code: both arms
// are computed (in a circuit every wire exists anyway) and each result is chosen with f.select /
// i.select; arrays and tuples are selected element by element. Arms holding constraints, stores,
// reveals or ops that may fail (f.inv of a value that is 0 in the untaken arm, out-of-range
// conversions) are NOT flattened: speculating them would change the meaning. Inner ifs go first.
import { type Block, type Func, INDEX_TYPE, Op, type Type, type Value, opDef, replaceUses } from "../ir/index.ts";
import { registerPass } from "./manager.ts";
import { resolveChains } from "./unroll.ts";

function flattenable(block: Block): boolean {
  return block.ops.every((op) => op.name === "cf.yield" || (op.regions.length === 0 && (opDef(op.name)?.effect === "pure" || constantIndexAccess(op))));
}

/** array.get/set with a constant in-range index cannot fail, so it may be speculated. */
function constantIndexAccess(op: Op): boolean {
  if (op.name !== "array.get" && op.name !== "array.set") return false;
  const t = op.operands[0]?.type;
  const idx = op.operands[1]?.definingOp;
  const v = idx?.name === "i.const" ? idx.bigAttr("value") : undefined;
  return t?.kind === "array" && v !== undefined && v < BigInt(t.len);
}

function selectable(t: Type): boolean {
  if (t.kind === "field" || t.kind === "int") return true;
  if (t.kind === "array") return selectable(t.elem);
  if (t.kind === "tuple") return t.elems.every(selectable);
  return false;
}

export function ifToSelectFunc(f: Func): void {
  // Replacements are applied once at the end (one walk), chains resolved.
  const repl = new Map<Value, Value>();
  const visit = (block: Block) => {
    const out: Op[] = [];
    for (const op of block.ops) {
      for (const r of op.regions) for (const b of r.blocks) visit(b);
      const [thenB, elseB] = op.regions.map((r) => r.blocks[0]);
      if (op.name !== "cf.if" || !thenB || !elseB || !flattenable(thenB) || !flattenable(elseB) || !op.results.every((r) => selectable(r.type))) {
        out.push(op);
        continue;
      }
      const cond = op.operands[0];
      const hoist = (b: Block): Value[] => {
        for (const inner of b.ops) {
          if (inner.name === "cf.yield") return inner.operands;
          out.push(inner);
        }
        return [];
      };
      const a = hoist(thenB);
      const b = hoist(elseB);
      const emit = (o: Op): Value => {
        out.push(o);
        return o.results[0];
      };
      const select = (t: Type, x: Value, y: Value): Value => {
        if (x === y) return x;
        if (t.kind === "field") return emit(new Op("f.select", [cond, x, y], [t], {}, [], op.loc));
        if (t.kind === "int") return emit(new Op("i.select", [cond, x, y], [t], {}, [], op.loc));
        if (t.kind === "array") {
          const elems: Value[] = [];
          for (let k = 0; k < t.len; k++) {
            const idx = emit(new Op("i.const", [], [INDEX_TYPE], { value: BigInt(k) }, [], op.loc));
            const xe = emit(new Op("array.get", [x, idx], [t.elem], {}, [], op.loc));
            const ye = emit(new Op("array.get", [y, idx], [t.elem], {}, [], op.loc));
            elems.push(select(t.elem, xe, ye));
          }
          return emit(new Op("array.make", elems, [t], {}, [], op.loc));
        }
        if (t.kind === "tuple") {
          const elems = t.elems.map((et, k) => {
            const xe = emit(new Op("tuple.get", [x], [et], { index: BigInt(k) }, [], op.loc));
            const ye = emit(new Op("tuple.get", [y], [et], { index: BigInt(k) }, [], op.loc));
            return select(et, xe, ye);
          });
          return emit(new Op("tuple.make", elems, [t], {}, [], op.loc));
        }
        return x;
      };
      op.results.forEach((r, k) => repl.set(r, select(r.type, cur(a[k]), cur(b[k]))));
      op.parent = undefined;
    }
    block.setOps(out);
  };
  const cur = (v: Value): Value => {
    for (let i = 0; i < 1_000_000 && repl.has(v); i++) v = repl.get(v)!;
    return v;
  };
  visit(f.body.entry);
  replaceUses(f.body, resolveChains(repl));
}

registerPass({
  name: "if-to-select",
  description: "flatten cf.if with pure arms into f.select / i.select (both arms computed)",
  defaultKinds: ["circuit", "fn"],
  run(_m, funcs) {
    for (const f of funcs) ifToSelectFunc(f);
  },
});

// Tuple scalarization for kernels: `.cwl` helpers return tuples of field values (a Jacobian point is
// `(F, F, F)`, structs lower to tuples too), but no kernel target has aggregate values. After the front
// end inlines the helpers, every tuple is split into its scalar leaves: tuple.make/tuple.get vanish,
// and cf.for carried values, cf.if results and yields are widened to one value per leaf. Runs in place
// on kernel funcs only; idempotent. Tuples that reach any other op are left for analyzeKernels (E0651).
import { Block, type Func, Op, Region, type Type, type Value } from "../../compiler/ir/index.ts";

const leafTypes = (t: Type): Type[] => (t.kind === "tuple" ? t.elems.flatMap(leafTypes) : [t]);

export function scalarizeKernelTuples(f: Func): void {
  if (f.kind !== "kernel") return;
  /** Tuple value → its leaves; scalar value → its replacement. */
  const leaves = new Map<Value, Value[]>();
  const subst = new Map<Value, Value>();
  const flat = (v: Value): Value[] => leaves.get(v) ?? [subst.get(v) ?? v];
  const isTuple = (v: Value) => v.type.kind === "tuple";
  const hasTuples = (vs: readonly Value[]) => vs.some(isTuple);

  const rewriteBlock = (block: Block): void => {
    const out: Op[] = [];
    for (const op of block.ops) {
      if (op.name === "tuple.make") {
        leaves.set(op.result, op.operands.flatMap(flat));
        continue;
      }
      if (op.name === "tuple.get") {
        const src = op.operands[0];
        const all = leaves.get(src);
        if (all) {
          const t = src.type as Extract<Type, { kind: "tuple" }>;
          const k = op.intAttr("index") ?? 0;
          const start = t.elems.slice(0, k).reduce((n, e) => n + leafTypes(e).length, 0);
          const part = all.slice(start, start + leafTypes(t.elems[k]).length);
          if (isTuple(op.result)) leaves.set(op.result, part);
          else subst.set(op.result, part[0]);
          continue;
        }
      }
      if (op.name === "cf.yield" || op.name === "cf.return") {
        op.operands = op.operands.flatMap(flat);
        out.push(op);
        continue;
      }
      if (op.name === "cf.for" && (hasTuples(op.results) || hasTuples(op.operands))) {
        out.push(widenFor(op));
        continue;
      }
      if (op.name === "cf.if" && hasTuples(op.results)) {
        out.push(widenIf(op));
        continue;
      }
      op.operands = op.operands.map((v) => subst.get(v) ?? v);
      for (const r of op.regions) for (const b of r.blocks) rewriteBlock(b);
      out.push(op);
    }
    block.setOps(out);
  };

  const widenFor = (op: Op): Op => {
    const inits = op.operands.flatMap(flat);
    const body = op.regions[0].entry;
    const nb = new Block();
    nb.addArg(body.args[0].type, body.args[0].name);
    for (const a of body.args.slice(1)) {
      if (isTuple(a)) leaves.set(a, leafTypes(a.type).map((t) => nb.addArg(t)));
      else subst.set(a, nb.addArg(a.type, a.name));
    }
    subst.set(body.args[0], nb.args[0]);
    nb.setOps(body.ops);
    rewriteBlock(nb);
    const w = new Op("cf.for", inits, inits.map((v) => v.type), op.attrs, [new Region([nb])], op.loc);
    mapResults(op, w);
    return w;
  };

  /** The widened op's flat results stand for the old op's results, a tuple by its leaves. */
  const mapResults = (op: Op, w: Op): void => {
    let i = 0;
    for (const r of op.results) {
      const n = leafTypes(r.type).length;
      if (isTuple(r)) leaves.set(r, w.results.slice(i, i + n));
      else subst.set(r, w.results[i]);
      i += n;
    }
  };

  const widenIf = (op: Op): Op => {
    for (const r of op.regions) for (const b of r.blocks) rewriteBlock(b);
    const types = op.results.flatMap((r) => leafTypes(r.type));
    const w = new Op("cf.if", op.operands.map((v) => subst.get(v) ?? v), types, op.attrs, [], op.loc);
    for (const r of [...op.regions]) w.addRegion(r);
    mapResults(op, w);
    return w;
  };

  for (const b of f.body.blocks) rewriteBlock(b);
}

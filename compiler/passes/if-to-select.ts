// if-to-select: a cf.if whose two regions hold only ops that cannot fail becomes straight-line code:
// both arms are computed (in a circuit every wire exists anyway) and each result is chosen with
// f.select / i.select; arrays and tuples are selected element by element.
//
// What an arm may hold (anything else keeps the cf.if, which the PLONKish backend refuses with E0640):
// - pure ops, and array.get/set with a constant in-range index;
// - calls to `fn`s that cannot fail on any input (their bodies hold only such ops, `cf.for` loops with
//   constant bounds whose induction variable indexes arrays within their length, nested ifs, and calls
//   to such fns), e.g. std::hash::poseidon::hash2. Computing them on the untaken arm too is sound: the
//   constraints of such a call define its results and hold for any inputs;
// - `c.assert_eq a, b` and `c.assert a`, which become conditional on the arm being taken:
//   `c.assert_eq c·(a − b), 0` in the then arm and `(1 − c)·(a − b)` in the else arm (integers are
//   compared as field elements, i.to_f, which is exact below the modulus). Nested ifs go first, so
//   an assertion under two conditions gets both factors.
// When both arms call the same fn exactly once, the arguments are selected and the fn is called once:
// f(select(c, x, y)) = select(c, f(x), f(y)) for c ∈ {0, 1} (bools are constrained where they enter
// the circuit), and a Merkle level `if b { hash2(s, n) } else { hash2(n, s) }` costs one hash.
// Never speculated: ops that may fail (f.inv / f.div of a value that is 0 on the untaken arm,
// out-of-range conversions), hint calls (unconstrained code run on the untaken arm's values could
// fail), lookups, range checks, table pushes, stores and reveals.
import { type Attrs, type Block, type Func, INDEX_TYPE, type Module, Op, type Type, type Value, opDef, replaceUses } from "../ir/index.ts";
import { registerPass } from "./manager.ts";
import { resolveChains } from "./unroll.ts";

/** Ranges of the cf.for induction variables in scope (inclusive lo, exclusive hi). */
type IvRanges = Map<Value, { lo: bigint; hi: bigint }>;

/** array.get/set whose index is a constant, or a loop induction variable, always inside the array. */
function safeIndexAccess(op: Op, ivs?: IvRanges): boolean {
  if (op.name !== "array.get" && op.name !== "array.set") return false;
  const t = op.operands[0]?.type;
  if (t?.kind !== "array") return false;
  const idx = op.operands[1];
  const def = idx?.definingOp;
  const v = def?.name === "i.const" ? def.bigAttr("value") : undefined;
  if (v !== undefined) return v >= 0n && v < BigInt(t.len);
  const r = idx && ivs?.get(idx);
  return r !== undefined && r.lo >= 0n && r.hi <= BigInt(t.len);
}

/**
 * Whether running `f` can never fail, whatever its arguments (memoised per module; a recursive
 * cycle counts as "may fail").
 */
function cannotFail(m: Module, f: Func, memo: Map<Func, boolean>): boolean {
  const hit = memo.get(f);
  if (hit !== undefined) return hit;
  memo.set(f, false);
  const ok = f.kind === "fn" && blockCannotFail(m, f.body.entry, new Map(), memo);
  memo.set(f, ok);
  return ok;
}

function blockCannotFail(m: Module, b: Block, ivs: IvRanges, memo: Map<Func, boolean>): boolean {
  return b.ops.every((op) => {
    if (op.name === "cf.yield" || op.name === "cf.return") return true;
    if (op.regions.length === 0 && opDef(op.name)?.effect === "pure") return true;
    if (safeIndexAccess(op, ivs)) return true;
    if (op.name === "cf.call") {
      const callee = m.func(op.symAttr("callee") ?? "");
      return callee !== undefined && cannotFail(m, callee, memo);
    }
    if (op.name === "cf.if") return op.regions.every((r) => r.blocks.every((rb) => blockCannotFail(m, rb, ivs, memo)));
    if (op.name === "cf.for") {
      const lo = op.bigAttr("lo");
      const hi = op.bigAttr("hi");
      const body = op.regions[0]?.blocks[0];
      if (lo === undefined || hi === undefined || !body || op.regions[0].blocks.length !== 1) return false;
      const inner: IvRanges = new Map(ivs);
      inner.set(body.args[0], { lo, hi });
      return blockCannotFail(m, body, inner, memo);
    }
    return false;
  });
}

interface Ctx {
  m: Module;
  memo: Map<Func, boolean>;
  /** The field integer assertions are compared in (the module's first field), if any. */
  field?: Type;
}

/** An op an arm may hold; `c.assert_eq` / `c.assert` on scalars are made conditional when hoisted. */
function speculable(op: Op, cx: Ctx): boolean {
  if (op.name === "cf.yield") return true;
  if (op.regions.length === 0 && opDef(op.name)?.effect === "pure") return true;
  if (safeIndexAccess(op)) return true;
  if (op.name === "cf.call") {
    const callee = cx.m.func(op.symAttr("callee") ?? "");
    return callee !== undefined && cannotFail(cx.m, callee, cx.memo);
  }
  if (op.name === "c.assert_eq" || op.name === "c.assert") return op.operands.every((v) => v.type.kind === "field" || (v.type.kind === "int" && cx.field !== undefined));
  return false;
}

function selectable(t: Type): boolean {
  if (t.kind === "field" || t.kind === "int") return true;
  if (t.kind === "array") return selectable(t.elem);
  if (t.kind === "tuple") return t.elems.every(selectable);
  return false;
}

export function ifToSelectFunc(f: Func, m?: Module): void {
  // Without the module (callee bodies, fields) only pure ops are speculated.
  const first = m?.fields[0];
  const cx: Ctx | undefined = m ? { m, memo: new Map(), field: first ? { kind: "field", field: first.name } : undefined } : undefined;
  const flattenable = (block: Block): boolean =>
    block.ops.every((op) => (cx ? speculable(op, cx) : op.name === "cf.yield" || (op.regions.length === 0 && opDef(op.name)?.effect === "pure") || safeIndexAccess(op)));
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
      const emit = (o: Op): Value => {
        out.push(o);
        return o.results[0];
      };
      // The arm's guard as a field element, per field: c (then) and 1 − c (else), made on first use.
      const guards = new Map<string, Value>();
      const guard = (ft: Type & { kind: "field" }, taken: boolean): Value => {
        const key = `${ft.field}/${taken}`;
        let g = guards.get(key);
        if (!g) {
          const c = guards.get(`${ft.field}/true`) ?? emit(new Op("i.to_f", [cond], [ft], {}, [], op.loc));
          guards.set(`${ft.field}/true`, c);
          g = taken ? c : emit(new Op("f.sub", [emit(new Op("f.const", [], [ft], { value: 1n }, [], op.loc)), c], [ft], {}, [], op.loc));
          guards.set(key, g);
        }
        return g;
      };
      /** `c.assert_eq a, b` on an arm becomes `c.assert_eq guard·(a − b), 0` (`c.assert a`: b = 1). */
      const conditional = (inner: Op, taken: boolean): void => {
        const ops = inner.operands;
        const ft = (ops.find((v) => v.type.kind === "field")?.type ?? cx!.field!) as Type & { kind: "field" };
        const loc = inner.loc;
        const asField = (v: Value): Value => (v.type.kind === "field" ? v : emit(new Op("i.to_f", [v], [ft], {}, [], loc)));
        const lhs = asField(ops[0]);
        const rhs = inner.name === "c.assert" ? emit(new Op("f.const", [], [ft], { value: 1n }, [], loc)) : asField(ops[1]);
        const d = emit(new Op("f.sub", [lhs, rhs], [ft], {}, [], loc));
        const gd = emit(new Op("f.mul", [guard(ft, taken), d], [ft], {}, [], loc));
        const zero = emit(new Op("f.const", [], [ft], { value: 0n }, [], loc));
        const attrs: Attrs = inner.attrs.msg !== undefined ? { msg: inner.attrs.msg } : {};
        emit(new Op("c.assert_eq", [gd, zero], [], attrs, [], loc));
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
      /** Emits an arm's ops (assertions made conditional); the yielded values once its cf.yield is reached. */
      const hoist = (ops: readonly Op[], taken: boolean): Value[] | undefined => {
        for (const inner of ops) {
          if (inner.name === "cf.yield") return inner.operands;
          if (inner.name === "c.assert_eq" || inner.name === "c.assert") conditional(inner, taken);
          else out.push(inner);
        }
        return undefined;
      };
      // Both arms calling one fn once (`if c { hash2(s, n) } else { hash2(n, s) }`): one call on selected
      // arguments instead of two calls and a select of their results — equal for c ∈ {0, 1}.
      const onlyCall = (blk: Block) => {
        const calls = blk.ops.filter((o) => o.name === "cf.call");
        return calls.length === 1 ? calls[0] : undefined;
      };
      const [tc, ec] = [onlyCall(thenB), onlyCall(elseB)];
      let a: Value[];
      let b: Value[];
      if (tc && ec && tc.symAttr("callee") === ec.symAttr("callee") && tc.operands.every((v) => selectable(v.type))) {
        const [ti, ei] = [thenB.ops.indexOf(tc), elseB.ops.indexOf(ec)];
        hoist(thenB.ops.slice(0, ti), true);
        hoist(elseB.ops.slice(0, ei), false);
        const args = tc.operands.map((v, k) => select(v.type, cur(v), cur(ec.operands[k])));
        const call = new Op("cf.call", args, tc.results.map((r) => r.type), { ...tc.attrs }, [], tc.loc);
        out.push(call);
        tc.results.forEach((r, k) => {
          repl.set(r, call.results[k]);
          repl.set(ec.results[k], call.results[k]);
        });
        a = hoist(thenB.ops.slice(ti + 1), true) ?? [];
        b = hoist(elseB.ops.slice(ei + 1), false) ?? [];
      } else {
        a = hoist(thenB.ops, true) ?? [];
        b = hoist(elseB.ops, false) ?? [];
      }
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
  description: "flatten cf.if whose arms cannot fail into f.select / i.select (both arms computed, assertions made conditional)",
  defaultKinds: ["circuit", "fn"],
  run(m, funcs) {
    for (const f of funcs) ifToSelectFunc(f, m);
  },
});

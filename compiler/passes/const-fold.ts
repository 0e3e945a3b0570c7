// const-fold: evaluate ops whose operands are constants (with the interpreter's own semantics, per
// field modulus), apply algebraic identities (x+0, x·1, x·0, select of equal arms, ...), resolve
// cf.if on constant conditions and zero-trip loops, and drop constraints that hold trivially.
// A constraint that can never hold is kept (the interpreter reports it with its source location)
// and flagged with a warning now.
import { warning } from "../../base/diagnostics/index.ts";
import { type Block, type Func, type Module, Op, type Type, type Value, isCseable, locParts, replaceUses, typeEq, walkRegion } from "../ir/index.ts";
import { EvalError, type RValue, evalValueOp } from "../interp/semantics.ts";
import { type PassContext, registerPass } from "./manager.ts";
import { resolveChains } from "./unroll.ts";

const MAX_ROUNDS = 32;

/** The constant a value holds (f.const / i.const), if any. */
export function constOf(v: Value): bigint | undefined {
  const d = v.definingOp;
  if (d && (d.name === "f.const" || d.name === "i.const")) return d.bigAttr("value");
  return undefined;
}

function constOp(t: Type, value: bigint, loc: Op["loc"]): Op {
  return new Op(t.kind === "field" ? "f.const" : "i.const", [], [t], { value }, [], loc);
}

/**
 * Edits of one round, applied by rebuilding every block once (splicing op by op would make large
 * unrolled circuits quadratic).
 */
class Edits {
  readonly before = new Map<Op, Op[]>();
  readonly removed = new Set<Op>();
  insertBefore(anchor: Op, op: Op): Op {
    const list = this.before.get(anchor);
    if (list) list.push(op);
    else this.before.set(anchor, [op]);
    return op;
  }
  remove(op: Op): void {
    this.removed.add(op);
  }
  get empty(): boolean {
    return this.before.size === 0 && this.removed.size === 0;
  }
  apply(block: Block): void {
    const out: Op[] = [];
    // Ops moved out of a folded cf.if may carry edits of their own: expand them too.
    const emit = (op: Op) => {
      const pre = this.before.get(op);
      if (pre) for (const x of pre) emit(x);
      if (!this.removed.has(op)) out.push(op);
    };
    for (const op of block.ops) emit(op);
    block.setOps(out);
    for (const op of out) for (const r of op.regions) for (const b of r.blocks) this.apply(b);
  }
}

/** Materialise a folded runtime value (scalar or nested array of scalars) as ops before `anchor`. */
function materialise(edits: Edits, anchor: Op, t: Type, v: RValue): Value | undefined {
  if (typeof v === "bigint" && (t.kind === "field" || t.kind === "int")) {
    return edits.insertBefore(anchor, constOp(t, v, anchor.loc)).results[0];
  }
  if (Array.isArray(v) && t.kind === "array") {
    const elems: Value[] = [];
    for (const x of v) {
      const e = materialise(edits, anchor, t.elem, x);
      if (!e) return undefined;
      elems.push(e);
    }
    return edits.insertBefore(anchor, new Op("array.make", elems, [t], {}, [], anchor.loc)).results[0];
  }
  return undefined;
}

export function constFoldFunc(m: Module, f: Func, ctx: PassContext): void {
  const warned = new Set<Op>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const repl = new Map<Value, Value>();
    const edits = new Edits();
    const ops: Op[] = [];
    walkRegion(f.body, (op) => ops.push(op));
    for (const op of ops) foldOp(m, op, ctx, warned, repl, edits);
    if (edits.empty) return;
    edits.apply(f.body.entry);
    if (repl.size) replaceUses(f.body, resolveChains(repl));
  }
}


function foldOp(m: Module, op: Op, ctx: PassContext, warned: Set<Op>, repl: Map<Value, Value>, edits: Edits): boolean {
  const cur = (v: Value) => repl.get(v) ?? v;
  const operands = op.operands.map(cur);
  const consts = operands.map(constOf);
  const replaceWith = (vals: Value[]) => {
    op.results.forEach((r, i) => repl.set(r, vals[i]));
    edits.remove(op);
    return true;
  };
  const constant = (t: Type, v: bigint) => replaceWith([edits.insertBefore(op, constOp(t, v, op.loc)).results[0]]);

  // Constraints that hold (or cannot hold) on constants.
  if (op.dialect === "c") return foldConstraint(m, op, operands, consts, ctx, warned, edits);

  if (op.name === "cf.if") {
    const c = consts[0];
    if (c === undefined) return false;
    return spliceRegion(op, op.regions[c !== 0n ? 0 : 1].blocks[0], repl, edits);
  }
  if (op.name === "cf.for") {
    const lo = op.bigAttr("lo") ?? 0n;
    const hi = op.bigAttr("hi") ?? 0n;
    if (hi <= lo) return replaceWith(operands);
    return false;
  }
  if (op.name === "f.const" || op.name === "i.const" || op.regions.length) return false;

  // Full evaluation when every operand is a constant.
  if (isCseable(op) && op.results.length === 1 && (op.dialect === "f" || op.dialect === "i") && consts.every((c) => c !== undefined)) {
    try {
      const out = evalValueOp(m, op, consts as bigint[]);
      if (out) {
        const v = materialise(edits, op, op.results[0].type, out[0]);
        if (v) return replaceWith([v]);
      }
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      // Leave failing ops (1/0, out of range) for the interpreter to report with their location.
    }
    return false;
  }
  return foldIdentity(op, operands, consts, replaceWith, constant);
}

function foldIdentity(
  op: Op,
  [a, b, c]: Value[],
  [ca, cb, cc]: (bigint | undefined)[],
  replaceWith: (vals: Value[]) => boolean,
  constant: (t: Type, v: bigint) => boolean,
): boolean {
  const t = op.results[0]?.type;
  switch (op.name) {
    case "f.add":
    case "i.add":
    case "i.or":
    case "i.xor":
      if (cb === 0n) return replaceWith([a]);
      if (ca === 0n) return replaceWith([b]);
      if (op.name === "i.xor" && a === b) return constant(t, 0n);
      if (op.name === "i.or" && a === b) return replaceWith([a]);
      return false;
    case "f.sub":
    case "i.sub":
      if (cb === 0n) return replaceWith([a]);
      if (a === b) return constant(t, 0n);
      return false;
    case "f.mul":
    case "i.mul":
      if (cb === 1n) return replaceWith([a]);
      if (ca === 1n) return replaceWith([b]);
      if (ca === 0n || cb === 0n) return constant(t, 0n);
      return false;
    case "i.and":
      if (ca === 0n || cb === 0n) return constant(t, 0n);
      if (a === b) return replaceWith([a]);
      return false;
    case "f.div":
      return cb === 1n ? replaceWith([a]) : false;
    case "i.shl":
    case "i.shru":
    case "i.shrs":
    case "i.rotl":
    case "i.rotr":
      return cb === 0n ? replaceWith([a]) : false;
    case "f.pow": {
      const e = op.bigAttr("exp");
      if (e === 1n) return replaceWith([a]);
      if (e === 0n) return constant(t, 1n);
      return false;
    }
    case "f.eq":
      return a === b ? constant(t, 1n) : false;
    case "i.cmp": {
      if (a !== b) return false;
      const pred = op.strAttr("pred") ?? "";
      return constant(t, ["eq", "ule", "uge", "sle", "sge"].includes(pred) ? 1n : 0n);
    }
    case "f.select":
    case "i.select":
      if (ca !== undefined) return replaceWith([ca !== 0n ? b : c]);
      if (b === c) return replaceWith([b]);
      return false;
    case "array.get": {
      const src = a.definingOp;
      if (cb === undefined || !src) return false;
      if (src.name === "array.make" && cb < BigInt(src.operands.length)) return replaceWith([src.operands[Number(cb)]]);
      if (src.name === "array.set" && constOf(src.operands[1]) === cb) return replaceWith([src.operands[2]]);
      return false;
    }
    case "tuple.get": {
      const src = a.definingOp;
      const k = op.intAttr("index") ?? -1;
      if (src?.name === "tuple.make" && k < src.operands.length) return replaceWith([src.operands[k]]);
      return false;
    }
    case "f.from_bits": {
      // from_bits(to_bits(x)) = x: to_bits already guarantees x < 2^n ≤ 2^bitlen(p).
      const src = a.definingOp;
      if (src?.name === "f.to_bits" && typeEq(src.operands[0].type, t)) return replaceWith([src.operands[0]]);
      return false;
    }
  }
  void cc;
  return false;
}

function foldConstraint(m: Module, op: Op, ops: Value[], consts: (bigint | undefined)[], ctx: PassContext, warned: Set<Op>, edits: Edits): boolean {
  let verdict: boolean | undefined;
  switch (op.name) {
    case "c.assert":
      verdict = consts[0] === undefined ? undefined : consts[0] !== 0n;
      break;
    case "c.assert_eq":
      if (ops[0] === ops[1]) verdict = true;
      else if (consts[0] !== undefined && consts[1] !== undefined) verdict = consts[0] === consts[1];
      break;
    case "c.range": {
      const bits = op.intAttr("bits");
      if (consts[0] !== undefined && bits !== undefined) verdict = consts[0] >> BigInt(bits) === 0n;
      break;
    }
    case "c.lookup": {
      if (consts.some((c) => c === undefined)) break;
      const table = m.table(op.symAttr("table") ?? "");
      if (!table) break;
      if (table.range) verdict = consts[0]! >= table.range.lo && consts[0]! < table.range.hi;
      else verdict = (table.rows ?? []).some((row) => row.every((x, i) => x === consts[i]));
      break;
    }
  }
  if (verdict === true) {
    edits.remove(op);
    return true;
  }
  if (verdict === false && !warned.has(op)) {
    warned.add(op);
    const { span, suffix } = locParts(op.loc);
    const msg = op.strAttr("msg");
    ctx.report(warning("W0944", `${op.name} can never hold${msg ? `: ${msg}` : ""}${suffix}`, span));
  }
  return false;
}

/** Replace `op` (a cf.if) by the ops of `body`, mapping its results to the yielded values. */
function spliceRegion(op: Op, body: Block, repl: Map<Value, Value>, edits: Edits): boolean {
  let yielded: Value[] = [];
  for (const inner of body.ops) {
    if (inner.name === "cf.yield") {
      yielded = inner.operands;
      break;
    }
    edits.insertBefore(op, inner);
  }
  op.results.forEach((r, i) => repl.set(r, yielded[i]));
  edits.remove(op);
  return true;
}

registerPass({
  name: "const-fold",
  description: "fold constant f/i ops per field modulus, algebraic identities, constant cf.if, trivially true constraints",
  defaultKinds: ["circuit", "fn", "hint", "program", "protocol", "kernel", "spec"],
  run(m, funcs, ctx) {
    for (const f of funcs) constFoldFunc(m, f, ctx);
  },
});

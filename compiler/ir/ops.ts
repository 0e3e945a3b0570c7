// The op registry: for every CWIR op, its shape (operands, results, regions), where it may appear,
// how passes may treat it (effects) and its verifier rule. spec/ir.md documents the same table.
// Other components may add ops with `registerOp` (e.g. a backend-specific lowering dialect).
import {
  type Attr,
  type Block,
  type FuncKind,
  type Module,
  type Op,
  type Type,
  type Value,
  fieldOf,
  isInt,
  isSymRef,
  typeEq,
  typeToString,
} from "./ir.ts";
import { MAX_DYNAMIC_COLUMNS } from "../limits.ts";
import type { TypeExpr } from "../../runtime/spec/model.ts";
import { typeFromAttr } from "../../runtime/spec/ir-attrs.ts";

/**
 * - "pure": no effect, never fails → CSE and DCE may remove/merge it.
 * - "may_fail": deterministic but may fail or constrain (f.inv of 0, f.to_bits range) → CSE may merge
 *   two copies, DCE must keep it (dropping it would drop a constraint).
 * - "effect": observable effect (constraints, stores, reveals, barriers) → never merged or removed.
 * - "alloc": fresh memory → DCE may remove an unused one, CSE must not merge two.
 * - "read": reads memory → DCE may remove it, CSE must not merge across writes (CSE leaves it alone).
 * - "structured": cf.for / cf.if / cf.while / cf.call: effects are those of their bodies / callee.
 * - "terminator": cf.yield / cf.return / cf.condition.
 */
export type Effect = "pure" | "may_fail" | "effect" | "alloc" | "read" | "structured" | "terminator";

export interface VerifyCtx {
  module: Module;
  funcKind: FuncKind;
  /** Report a problem with this op (E09xx code). */
  err(code: string, msg: string): void;
}

export interface OpDef {
  name: string;
  /** Operand count: exact, or [min, max] (max = Infinity for variadic). */
  operands: number | [number, number];
  results: number | [number, number];
  regions?: number;
  effect: Effect;
  /** Item kinds the op may appear in; undefined = anywhere. */
  allowedIn?: readonly FuncKind[];
  /** One line for spec/ir.md. */
  doc: string;
  verify?: (op: Op, ctx: VerifyCtx) => void;
}

const registry = new Map<string, OpDef>();

export function registerOp(def: OpDef): void {
  registry.set(def.name, def);
}
export function opDef(name: string): OpDef | undefined {
  return registry.get(name);
}
export function allOpDefs(): OpDef[] {
  return [...registry.values()];
}

// --- shared checks --------------------------------------------------------------------------------

const t = (ty: Type) => typeToString(ty);

export function bitLength(n: bigint): number {
  return n <= 0n ? 0 : n.toString(2).length;
}

function fieldDeclared(ctx: VerifyCtx, ty: Type): boolean {
  const f = fieldOf(ty);
  return f === undefined || ctx.module.field(f) !== undefined;
}

/** All operands and results share one type `pred` accepts. */
function sameType(op: Op, ctx: VerifyCtx, pred: (ty: Type) => boolean, what: string): Type | undefined {
  const all = [...op.operands, ...op.results];
  if (!all.length) return undefined;
  const ty = all[0].type;
  if (!pred(ty)) {
    ctx.err("E0922", `${op.name} expects ${what}, got ${t(ty)}`);
    return undefined;
  }
  for (const v of all.slice(1))
    if (!typeEq(v.type, ty)) {
      ctx.err("E0922", `${op.name} operands and result must have one type: ${t(ty)} vs ${t(v.type)}`);
      return undefined;
    }
  return ty;
}

function expectType(op: Op, ctx: VerifyCtx, v: Value | undefined, pred: (ty: Type) => boolean, what: string): boolean {
  if (!v) return false;
  if (pred(v.type)) return true;
  ctx.err("E0922", `${op.name} expects ${what}, got ${t(v.type)}`);
  return false;
}

function intAttr(op: Op, ctx: VerifyCtx, key: string, lo: bigint, hi: bigint, optional = false): bigint | undefined {
  const a = op.attrs[key];
  if (a === undefined) {
    if (!optional) ctx.err("E0923", `${op.name} needs an integer attribute '${key}'`);
    return undefined;
  }
  if (typeof a !== "bigint" || a < lo || a > hi) {
    ctx.err("E0923", `${op.name} attribute '${key}' must be an integer in ${lo}..=${hi}`);
    return undefined;
  }
  return a;
}

function strAttr(op: Op, ctx: VerifyCtx, key: string, optional: boolean, allowed?: readonly string[]): string | undefined {
  const a = op.attrs[key];
  if (a === undefined) {
    if (!optional) ctx.err("E0923", `${op.name} needs a string attribute '${key}'`);
    return undefined;
  }
  if (typeof a !== "string" || (allowed && !allowed.includes(a))) {
    ctx.err("E0923", `${op.name} attribute '${key}' must be ${allowed ? `one of ${allowed.join(", ")}` : "a string"}`);
    return undefined;
  }
  return a;
}

const isFieldT = (ty: Type) => ty.kind === "field";
const isIntT = (ty: Type) => ty.kind === "int";
const isI1 = (ty: Type) => isInt(ty, 1);
const isIndex = (ty: Type) => ty.kind === "int";

function modulusOf(ctx: VerifyCtx, ty: Type): bigint | undefined {
  const f = fieldOf(ty);
  return f === undefined ? undefined : ctx.module.field(f)?.modulus;
}

// --- f: prime-field arithmetic ------------------------------------------------------------------

const F_ONLY = (op: Op, ctx: VerifyCtx) => void sameType(op, ctx, isFieldT, "field elements");

registerOp({
  name: "f.const",
  operands: 0,
  results: 1,
  effect: "pure",
  doc: "`%r = f.const {value = N} : !f<F>` — a field constant; N is canonical (0 ≤ N < p).",
  verify(op, ctx) {
    if (!expectType(op, ctx, op.results[0], isFieldT, "a field result")) return;
    const p = modulusOf(ctx, op.results[0].type);
    intAttr(op, ctx, "value", 0n, p !== undefined ? p - 1n : 1n << 4096n);
  },
});
for (const [name, doc] of [
  ["f.add", "a + b mod p"],
  ["f.sub", "a − b mod p"],
  ["f.mul", "a · b mod p"],
  ["f.div", "a · b⁻¹ mod p; fails (unsatisfiable) when b = 0"],
] as const)
  registerOp({
    name,
    operands: 2,
    results: 1,
    effect: name === "f.div" ? "may_fail" : "pure",
    doc: `\`%r = ${name} %a, %b : !f<F>\` — ${doc}.`,
    verify: F_ONLY,
  });
registerOp({ name: "f.neg", operands: 1, results: 1, effect: "pure", doc: "`%r = f.neg %a : !f<F>` — −a mod p.", verify: F_ONLY });
registerOp({
  name: "f.inv",
  operands: 1,
  results: 1,
  effect: "may_fail",
  doc: "`%r = f.inv %a : !f<F>` — a⁻¹; fails when a = 0 (in a circuit: constraint a·r = 1).",
  verify: F_ONLY,
});
registerOp({
  name: "f.pow",
  operands: 1,
  results: 1,
  effect: "pure",
  doc: "`%r = f.pow %a {exp = N} : !f<F>` — a^N for a constant N ≥ 0 (0^0 = 1).",
  verify(op, ctx) {
    F_ONLY(op, ctx);
    intAttr(op, ctx, "exp", 0n, 1n << 4096n);
  },
});
registerOp({
  name: "f.eq",
  operands: 2,
  results: 1,
  effect: "pure",
  doc: "`%r = f.eq %a, %b : i1` — 1 when a = b.",
  verify(op, ctx) {
    const [a, b] = op.operands;
    if (expectType(op, ctx, a, isFieldT, "field operands") && !typeEq(a.type, b.type))
      ctx.err("E0922", `f.eq operands differ: ${t(a.type)} vs ${t(b.type)}`);
    expectType(op, ctx, op.results[0], isI1, "an i1 result");
  },
});
registerOp({
  name: "f.to_bits",
  operands: 1,
  results: 1,
  effect: "may_fail",
  doc:
    "`%r = f.to_bits %a {bits = n} : !array<i1, n>` — little-endian bits of a; fails (constrains) unless a < 2^n. " +
    "n ≤ bitlen(p); with n = bitlen(p) two decompositions may exist (a and a + p), so use n < bitlen(p) for canonical bits.",
  verify(op, ctx) {
    const a = op.operands[0];
    if (!expectType(op, ctx, a, isFieldT, "a field operand")) return;
    const p = modulusOf(ctx, a.type);
    const n = intAttr(op, ctx, "bits", 1n, BigInt(p !== undefined ? bitLength(p) : 4096));
    const r = op.results[0].type;
    if (n !== undefined && !(r.kind === "array" && isI1(r.elem) && BigInt(r.len) === n))
      ctx.err("E0922", `f.to_bits {bits = ${n}} must produce !array<i1, ${n}>, not ${t(r)}`);
  },
});
registerOp({
  name: "f.from_bits",
  operands: 1,
  results: 1,
  effect: "pure",
  doc: "`%r = f.from_bits %bits : !f<F>` — Σ bitᵢ·2^i (little-endian) mod p; the array length is ≤ bitlen(p).",
  verify(op, ctx) {
    const a = op.operands[0].type;
    const r = op.results[0];
    if (!expectType(op, ctx, r, isFieldT, "a field result")) return;
    if (!(a.kind === "array" && isI1(a.elem))) return ctx.err("E0922", `f.from_bits expects !array<i1, n>, got ${t(a)}`);
    const p = modulusOf(ctx, r.type);
    if (p !== undefined && a.len > bitLength(p)) ctx.err("E0922", `f.from_bits: ${a.len} bits exceed the field's ${bitLength(p)}`);
  },
});
registerOp({
  name: "f.select",
  operands: 3,
  results: 1,
  effect: "pure",
  doc: "`%r = f.select %c, %a, %b : !f<F>` — c ? a : b (in a circuit: r = b + c·(a − b)).",
  verify(op, ctx) {
    selectVerify(op, ctx, isFieldT, "field elements");
  },
});

function selectVerify(op: Op, ctx: VerifyCtx, pred: (ty: Type) => boolean, what: string): void {
  const [c, a, b] = op.operands;
  expectType(op, ctx, c, isI1, "an i1 condition");
  const r = op.results[0];
  if (!expectType(op, ctx, a, pred, what)) return;
  if (!typeEq(a.type, b.type) || !typeEq(a.type, r.type))
    ctx.err("E0922", `${op.name} arms and result must have one type: ${t(a.type)}, ${t(b.type)} → ${t(r.type)}`);
}

// --- i: fixed-width signless integers -----------------------------------------------------------

const I_ONLY = (op: Op, ctx: VerifyCtx) => void sameType(op, ctx, isIntT, "integers");

registerOp({
  name: "i.const",
  operands: 0,
  results: 1,
  effect: "pure",
  doc: "`%r = i.const {value = N} : iW` — an integer constant, canonical unsigned (0 ≤ N < 2^W; −1 is 2^W − 1).",
  verify(op, ctx) {
    const r = op.results[0];
    if (!expectType(op, ctx, r, isIntT, "an integer result")) return;
    intAttr(op, ctx, "value", 0n, (1n << BigInt((r.type as { width: number }).width)) - 1n);
  },
});
for (const [name, doc, eff] of [
  ["i.add", "a + b mod 2^W", "pure"],
  ["i.sub", "a − b mod 2^W", "pure"],
  ["i.mul", "a · b mod 2^W", "pure"],
  ["i.divu", "unsigned a / b (rounds toward 0); fails when b = 0", "may_fail"],
  ["i.divs", "signed a / b (rounds toward 0, two's complement wrap); fails when b = 0", "may_fail"],
  ["i.remu", "unsigned a mod b; fails when b = 0", "may_fail"],
  ["i.rems", "signed remainder (sign of a); fails when b = 0", "may_fail"],
  ["i.and", "bitwise and", "pure"],
  ["i.or", "bitwise or", "pure"],
  ["i.xor", "bitwise xor", "pure"],
  ["i.shl", "a << (b mod W)", "pure"],
  ["i.shru", "logical a >> (b mod W)", "pure"],
  ["i.shrs", "arithmetic a >> (b mod W)", "pure"],
  ["i.rotl", "rotate left by b mod W", "pure"],
  ["i.rotr", "rotate right by b mod W", "pure"],
] as const)
  registerOp({ name, operands: 2, results: 1, effect: eff, doc: `\`%r = ${name} %a, %b : iW\` — ${doc}.`, verify: I_ONLY });
registerOp({ name: "i.not", operands: 1, results: 1, effect: "pure", doc: "`%r = i.not %a : iW` — bitwise complement.", verify: I_ONLY });

export const CMP_PREDS = ["eq", "ne", "ult", "ule", "ugt", "uge", "slt", "sle", "sgt", "sge"] as const;
registerOp({
  name: "i.cmp",
  operands: 2,
  results: 1,
  effect: "pure",
  doc: "`%r = i.cmp %a, %b {pred = \"ult\"} : i1` — pred ∈ eq ne ult ule ugt uge slt sle sgt sge (u = unsigned, s = two's complement).",
  verify(op, ctx) {
    strAttr(op, ctx, "pred", false, CMP_PREDS);
    const [a, b] = op.operands;
    if (expectType(op, ctx, a, isIntT, "integer operands") && !typeEq(a.type, b.type))
      ctx.err("E0922", `i.cmp operands differ: ${t(a.type)} vs ${t(b.type)}`);
    expectType(op, ctx, op.results[0], isI1, "an i1 result");
  },
});
for (const [name, doc, cmp] of [
  ["i.zext", "zero-extend to a wider type", (from: number, to: number) => to > from],
  ["i.sext", "sign-extend to a wider type", (from: number, to: number) => to > from],
  ["i.trunc", "keep the low bits (narrower type)", (from: number, to: number) => to < from],
] as const)
  registerOp({
    name,
    operands: 1,
    results: 1,
    effect: "pure",
    doc: `\`%r = ${name} %a : iV\` — ${doc}.`,
    verify(op, ctx) {
      const a = op.operands[0];
      const r = op.results[0];
      if (!expectType(op, ctx, a, isIntT, "an integer operand") || !expectType(op, ctx, r, isIntT, "an integer result")) return;
      const from = (a.type as { width: number }).width;
      const to = (r.type as { width: number }).width;
      if (!cmp(from, to)) ctx.err("E0922", `${name} cannot go from i${from} to i${to}`);
    },
  });
registerOp({
  name: "i.to_f",
  operands: 1,
  results: 1,
  effect: "pure",
  doc: "`%r = i.to_f %a : !f<F>` — the unsigned value of a as a field element (mod p).",
  verify(op, ctx) {
    expectType(op, ctx, op.operands[0], isIntT, "an integer operand");
    expectType(op, ctx, op.results[0], isFieldT, "a field result");
  },
});
registerOp({
  name: "i.from_f",
  operands: 1,
  results: 1,
  effect: "may_fail",
  doc: "`%r = i.from_f %a : iW` — the field element as an unsigned integer; fails (constrains) unless a < 2^W.",
  verify(op, ctx) {
    expectType(op, ctx, op.operands[0], isFieldT, "a field operand");
    expectType(op, ctx, op.results[0], isIntT, "an integer result");
  },
});
registerOp({
  name: "i.select",
  operands: 3,
  results: 1,
  effect: "pure",
  doc: "`%r = i.select %c, %a, %b : iW` — c ? a : b.",
  verify(op, ctx) {
    selectVerify(op, ctx, isIntT, "integers");
  },
});

// --- c: constraints ---------------------------------------------------------------------------------

const CONSTRAINED: readonly FuncKind[] = ["circuit", "fn", "program"];
export { MAX_DYNAMIC_COLUMNS };
const scalar = (ty: Type) => ty.kind === "field" || ty.kind === "int";

registerOp({
  name: "c.assert_eq",
  operands: 2,
  results: 0,
  effect: "effect",
  allowedIn: CONSTRAINED,
  doc: "`c.assert_eq %a, %b {msg = \"...\"}` — constrain a = b (field or integer, same type); msg is optional.",
  verify(op, ctx) {
    const [a, b] = op.operands;
    if (expectType(op, ctx, a, scalar, "field or integer operands") && !typeEq(a.type, b.type))
      ctx.err("E0922", `c.assert_eq operands differ: ${t(a.type)} vs ${t(b.type)}`);
    strAttr(op, ctx, "msg", true);
  },
});
registerOp({
  name: "c.assert",
  operands: 1,
  results: 0,
  effect: "effect",
  allowedIn: CONSTRAINED,
  doc: "`c.assert %c {msg = \"...\"}` — constrain the i1 c to be 1.",
  verify(op, ctx) {
    expectType(op, ctx, op.operands[0], isI1, "an i1 operand");
    strAttr(op, ctx, "msg", true);
  },
});
registerOp({
  name: "c.lookup",
  operands: [1, Infinity],
  results: 0,
  effect: "effect",
  allowedIn: CONSTRAINED,
  doc: "`c.lookup %a, %b {table = @t}` — the tuple (a, b) is a row of table @t; arity and column types match the table.",
  verify(op, ctx) {
    const name = op.attrs.table;
    if (!isSymRef(name)) return ctx.err("E0923", "c.lookup needs a symbol attribute 'table = @name'");
    const table = ctx.module.table(name.sym);
    if (!table) return ctx.err("E0928", `c.lookup refers to @${name.sym}, which is not a table`);
    if (table.dynamic && ctx.funcKind === "program") return ctx.err("E0928", `c.lookup into the dynamic table @${name.sym} in a program (dynamic tables exist only in circuits)`);
    if (table.columns.length !== op.operands.length)
      return ctx.err("E0928", `c.lookup passes ${op.operands.length} value(s) but @${name.sym} has ${table.columns.length} column(s)`);
    op.operands.forEach((v, i) => {
      if (!typeEq(v.type, table.columns[i]))
        ctx.err("E0928", `c.lookup value ${i} has type ${t(v.type)} but column ${i} of @${name.sym} is ${t(table.columns[i])}`);
    });
    strAttr(op, ctx, "msg", true);
  },
});
registerOp({
  name: "c.table_push",
  operands: [1, MAX_DYNAMIC_COLUMNS],
  results: 0,
  effect: "effect",
  allowedIn: ["circuit", "fn"],
  doc: "`c.table_push %a, %b {table = @t}` — adds the row (a, b) to the dynamic table @t (lookups into @t see every row pushed anywhere in the circuit, in any order).",
  verify(op, ctx) {
    const name = op.attrs.table;
    if (!isSymRef(name)) return ctx.err("E0923", "c.table_push needs a symbol attribute 'table = @name'");
    const table = ctx.module.table(name.sym);
    if (!table) return ctx.err("E0928", `c.table_push refers to @${name.sym}, which is not a table`);
    if (!table.dynamic) return ctx.err("E0928", `c.table_push into @${name.sym}, which is a fixed table (only dynamic tables take pushes)`);
    if (table.columns.length !== op.operands.length)
      return ctx.err("E0928", `c.table_push passes ${op.operands.length} value(s) but @${name.sym} has ${table.columns.length} column(s)`);
    op.operands.forEach((v, i) => {
      if (!typeEq(v.type, table.columns[i]))
        ctx.err("E0928", `c.table_push value ${i} has type ${t(v.type)} but column ${i} of @${name.sym} is ${t(table.columns[i])}`);
    });
  },
});
registerOp({
  name: "c.range",
  operands: 1,
  results: 0,
  effect: "effect",
  allowedIn: CONSTRAINED,
  doc: "`c.range %a {bits = n}` — constrain 0 ≤ a < 2^n (a field element or an unsigned integer).",
  verify(op, ctx) {
    const a = op.operands[0];
    if (!expectType(op, ctx, a, scalar, "a field or integer operand")) return;
    const p = modulusOf(ctx, a.type);
    const max = p !== undefined ? bitLength(p) - 1 : (a.type as { width: number }).width;
    intAttr(op, ctx, "bits", 1n, BigInt(Math.max(1, max)));
    strAttr(op, ctx, "msg", true);
  },
});

// --- cf: structured control flow --------------------------------------------------------------------
// Region shapes are checked in verify.ts (they need the terminator); here: attributes and operands.

registerOp({
  name: "cf.for",
  operands: [0, Infinity],
  results: [0, Infinity],
  regions: 1,
  effect: "structured",
  doc:
    "`%r.. = cf.for %init.. {lo = a, hi = b, step = s} : T.. { ^bb0(%iv: i32, %carried: T..): ... cf.yield %next.. }` — " +
    "iterates iv = a, a+s, … < b (constant bounds, s > 0); results = the last yielded values (= init when the loop runs 0 times).",
  verify(op, ctx) {
    intAttr(op, ctx, "lo", -(1n << 31n), (1n << 32n) - 1n);
    intAttr(op, ctx, "hi", -(1n << 31n), (1n << 32n) - 1n);
    intAttr(op, ctx, "step", 1n, (1n << 32n) - 1n, true);
    if (op.operands.length !== op.results.length)
      ctx.err("E0921", `cf.for has ${op.operands.length} initial value(s) but ${op.results.length} result(s)`);
    else
      op.operands.forEach((v, i) => {
        if (!typeEq(v.type, op.results[i].type)) ctx.err("E0922", `cf.for initial value ${i} is ${t(v.type)} but result ${i} is ${t(op.results[i].type)}`);
      });
  },
});
registerOp({
  name: "cf.if",
  operands: 1,
  results: [0, Infinity],
  regions: 2,
  effect: "structured",
  doc: "`%r.. = cf.if %c : T.. { then; cf.yield %a.. } { else; cf.yield %b.. }` — both regions yield the result types.",
  verify(op, ctx) {
    expectType(op, ctx, op.operands[0], isI1, "an i1 condition");
  },
});
registerOp({
  name: "cf.while",
  operands: [0, Infinity],
  results: [0, Infinity],
  regions: 2,
  effect: "structured",
  allowedIn: ["hint", "program", "kernel", "fn"],
  doc:
    "`%r.. = cf.while %init.. : R.. { ^bb0(%c..: I..): cf.condition %cond, %v.. } { ^bb0(%v..: R..): cf.yield %next.. }` — " +
    "runs the body while cond holds; not allowed in circuits or protocols (unbounded).",
});
registerOp({
  name: "cf.yield",
  operands: [0, Infinity],
  results: 0,
  effect: "terminator",
  doc: "`cf.yield %v..` — ends a cf.for / cf.if / cf.while-body / spec region, passing values to the parent.",
});
registerOp({
  name: "cf.condition",
  operands: [1, Infinity],
  results: 0,
  effect: "terminator",
  doc: "`cf.condition %c, %v..` — ends the first region of cf.while: continue when c, passing v.. to the body (or to the results).",
  verify(op, ctx) {
    expectType(op, ctx, op.operands[0], isI1, "an i1 condition");
  },
});
registerOp({
  name: "cf.return",
  operands: [0, Infinity],
  results: 0,
  effect: "terminator",
  doc: "`cf.return %v..` — ends an item body; values match the item's result types (a circuit's results are public outputs).",
});
registerOp({
  name: "cf.call",
  operands: [0, Infinity],
  results: [0, Infinity],
  effect: "structured",
  doc: "`%r.. = cf.call %a.. {callee = @f} : R..` — call a `fn` or `hint`; argument and result types match its signature.",
  verify(op, ctx) {
    const c = op.attrs.callee;
    if (!isSymRef(c)) return ctx.err("E0923", "cf.call needs a symbol attribute 'callee = @name'");
    const f = ctx.module.func(c.sym);
    if (!f) return ctx.err("E0927", `cf.call refers to @${c.sym}, which is not a function`);
    if (f.kind !== "fn" && f.kind !== "hint") return ctx.err("E0927", `cf.call can call a fn or a hint, not the ${f.kind} @${c.sym}`);
    const params = f.paramTypes;
    if (params.length !== op.operands.length)
      return ctx.err("E0927", `@${c.sym} takes ${params.length} argument(s), the call passes ${op.operands.length}`);
    params.forEach((p, i) => {
      if (!typeEq(p, op.operands[i].type)) ctx.err("E0927", `argument ${i} of @${c.sym} is ${t(p)}, the call passes ${t(op.operands[i].type)}`);
    });
    if (f.results.length !== op.results.length)
      return ctx.err("E0927", `@${c.sym} returns ${f.results.length} value(s), the call expects ${op.results.length}`);
    f.results.forEach((r, i) => {
      if (!typeEq(r, op.results[i].type)) ctx.err("E0927", `result ${i} of @${c.sym} is ${t(r)}, the call expects ${t(op.results[i].type)}`);
    });
  },
});

// --- array / tuple: SSA aggregates -------------------------------------------------------------------

registerOp({
  name: "array.make",
  operands: [0, Infinity],
  results: 1,
  effect: "pure",
  doc: "`%r = array.make %a0, ..., %aN-1 : !array<T, N>` — an array from N values of type T.",
  verify(op, ctx) {
    const r = op.results[0].type;
    if (r.kind !== "array") return ctx.err("E0922", `array.make must produce an !array, not ${t(r)}`);
    if (r.len !== op.operands.length) return ctx.err("E0921", `array.make of ${op.operands.length} value(s) cannot produce ${t(r)}`);
    op.operands.forEach((v, i) => {
      if (!typeEq(v.type, r.elem)) ctx.err("E0922", `array.make element ${i} is ${t(v.type)}, expected ${t(r.elem)}`);
    });
  },
});
registerOp({
  name: "array.get",
  operands: 2,
  results: 1,
  effect: "may_fail",
  doc: "`%r = array.get %a, %i : T` — element i (an integer) of a; fails when i ≥ N. A constant i must be in range.",
  verify(op, ctx) {
    const [a, i] = op.operands;
    if (a.type.kind !== "array") return ctx.err("E0922", `array.get expects an !array, got ${t(a.type)}`);
    expectType(op, ctx, i, isIndex, "an integer index");
    if (!typeEq(op.results[0].type, a.type.elem)) ctx.err("E0922", `array.get of ${t(a.type)} yields ${t(a.type.elem)}, not ${t(op.results[0].type)}`);
    constIndexInRange(op, ctx, i, a.type.len);
  },
});
registerOp({
  name: "array.set",
  operands: 3,
  results: 1,
  effect: "may_fail",
  doc: "`%r = array.set %a, %i, %v : !array<T, N>` — a copy of a with element i replaced by v; fails when i ≥ N.",
  verify(op, ctx) {
    const [a, i, v] = op.operands;
    if (a.type.kind !== "array") return ctx.err("E0922", `array.set expects an !array, got ${t(a.type)}`);
    expectType(op, ctx, i, isIndex, "an integer index");
    if (!typeEq(v.type, a.type.elem)) ctx.err("E0922", `array.set stores ${t(v.type)} into ${t(a.type)}`);
    if (!typeEq(op.results[0].type, a.type)) ctx.err("E0922", `array.set result must be ${t(a.type)}`);
    constIndexInRange(op, ctx, i, a.type.len);
  },
});

function constIndexInRange(op: Op, ctx: VerifyCtx, i: Value, len: number): void {
  const def = i.definingOp;
  if (def?.name === "i.const") {
    const v = def.bigAttr("value");
    if (v !== undefined && v >= BigInt(len)) ctx.err("E0922", `${op.name}: constant index ${v} is out of bounds for length ${len}`);
  }
}

registerOp({
  name: "tuple.make",
  operands: [0, Infinity],
  results: 1,
  effect: "pure",
  doc: "`%r = tuple.make %a, %b : !tuple<A, B>` — a tuple (structs lower to tuples, fields in declaration order).",
  verify(op, ctx) {
    const r = op.results[0].type;
    if (r.kind !== "tuple" || r.elems.length !== op.operands.length || r.elems.some((e, i) => !typeEq(e, op.operands[i].type)))
      ctx.err("E0922", `tuple.make of (${op.operands.map((v) => t(v.type)).join(", ")}) cannot produce ${t(r)}`);
  },
});
registerOp({
  name: "tuple.get",
  operands: 1,
  results: 1,
  effect: "pure",
  doc: "`%r = tuple.get %t {index = k} : T` — element k.",
  verify(op, ctx) {
    const tt = op.operands[0].type;
    if (tt.kind !== "tuple") return ctx.err("E0922", `tuple.get expects a !tuple, got ${t(tt)}`);
    const k = intAttr(op, ctx, "index", 0n, BigInt(Math.max(0, tt.elems.length - 1)));
    if (k !== undefined && tt.elems.length && !typeEq(tt.elems[Number(k)], op.results[0].type))
      ctx.err("E0922", `tuple.get {index = ${k}} of ${t(tt)} yields ${t(tt.elems[Number(k)])}`);
  },
});

// --- mem: mutable buffers (kernels, programs, hints) -----------------------------------------------

const MEMORY: readonly FuncKind[] = ["fn", "hint", "program", "kernel"];
const isMem = (ty: Type) => ty.kind === "mem";

registerOp({
  name: "mem.alloc",
  operands: 0,
  results: 1,
  effect: "alloc",
  allowedIn: MEMORY,
  doc: "`%m = mem.alloc {len = n, space = \"workgroup\"} : !mem<T>` — n zero-initialised elements; space ∈ function (default), workgroup (kernels only).",
  verify(op, ctx) {
    expectType(op, ctx, op.results[0], isMem, "a !mem result");
    intAttr(op, ctx, "len", 0n, (1n << 32n) - 1n);
    const space = strAttr(op, ctx, "space", true, ["function", "workgroup"]);
    if (space === "workgroup" && ctx.funcKind !== "kernel") ctx.err("E0925", "workgroup memory exists only in kernels");
  },
});
registerOp({
  name: "mem.load",
  operands: 2,
  results: 1,
  effect: "read",
  allowedIn: MEMORY,
  doc: "`%r = mem.load %m, %i : T` — element i of buffer m; fails when out of bounds.",
  verify(op, ctx) {
    const [m, i] = op.operands;
    if (!expectType(op, ctx, m, isMem, "a !mem operand")) return;
    expectType(op, ctx, i, isIndex, "an integer index");
    if (m.type.kind === "mem" && !typeEq(m.type.elem, op.results[0].type)) ctx.err("E0922", `mem.load from ${t(m.type)} yields ${t(m.type.elem)}`);
  },
});
registerOp({
  name: "mem.store",
  operands: 3,
  results: 0,
  effect: "effect",
  allowedIn: MEMORY,
  doc: "`mem.store %m, %i, %v` — write v to element i of buffer m; fails when out of bounds.",
  verify(op, ctx) {
    const [m, i, v] = op.operands;
    if (!expectType(op, ctx, m, isMem, "a !mem operand")) return;
    expectType(op, ctx, i, isIndex, "an integer index");
    if (m.type.kind === "mem" && !typeEq(m.type.elem, v.type)) ctx.err("E0922", `mem.store of ${t(v.type)} into ${t(m.type)}`);
  },
});
registerOp({
  name: "mem.len",
  operands: 1,
  results: 1,
  effect: "pure",
  allowedIn: MEMORY,
  doc: "`%n = mem.len %m : i32` — number of elements of buffer m.",
  verify(op, ctx) {
    expectType(op, ctx, op.operands[0], isMem, "a !mem operand");
    expectType(op, ctx, op.results[0], (ty) => isInt(ty, 32), "an i32 result");
  },
});

// --- mpc: secret-shared computation (protocols only) ---------------------------------------------

const PROTOCOL: readonly FuncKind[] = ["protocol"];
/** Innermost scalar of a (possibly nested) array type. */
export function scalarType(ty: Type): Type {
  return ty.kind === "array" ? scalarType(ty.elem) : ty;
}
/** Array dimensions, outermost first. */
export function shapeOf(ty: Type): number[] {
  return ty.kind === "array" ? [ty.len, ...shapeOf(ty.elem)] : [];
}
const secretScalar = (ty: Type) => ty.kind === "sint" || ty.kind === "sfix";
const clearScalar = (ty: Type) => ty.kind === "field" || ty.kind === "fix";
const sameShape = (a: Type, b: Type) => shapeOf(a).join(",") === shapeOf(b).join(",");

/** sint pairs with field/sint of the same field; sfix with fix/sfix of the same field and precision. */
function compatibleScalars(a: Type, b: Type): boolean {
  if (fieldOf(a) !== fieldOf(b)) return false;
  const fixed = (x: Type) => x.kind === "sfix" || x.kind === "fix";
  if (fixed(a) !== fixed(b)) return false;
  if (fixed(a)) return (a as { frac: number }).frac === (b as { frac: number }).frac;
  return true;
}

function mpcBinary(op: Op, ctx: VerifyCtx): void {
  const [a, b] = op.operands;
  const sa = scalarType(a.type);
  const sb = scalarType(b.type);
  const r = op.results[0].type;
  if (!secretScalar(sa) && !secretScalar(sb)) return ctx.err("E0922", `${op.name} needs at least one secret operand`);
  // mpc.mul may scale a fixed-point secret by a secret integer (e.g. a comparison bit): the result is fixed point.
  const scaled = op.name === "mpc.mul" && fieldOf(sa) === fieldOf(sb) && ((sa.kind === "sfix" && sb.kind === "sint") || (sa.kind === "sint" && sb.kind === "sfix"));
  if (!scaled && !compatibleScalars(sa, sb)) return ctx.err("E0922", `${op.name} mixes ${t(a.type)} and ${t(b.type)}`);
  const secret = scaled ? (sa.kind === "sfix" ? a.type : b.type) : secretScalar(sa) ? a.type : b.type;
  if (!sameShape(a.type, b.type)) return ctx.err("E0922", `${op.name} operands have different shapes: ${t(a.type)} vs ${t(b.type)}`);
  if (!typeEq(r, secret)) ctx.err("E0922", `${op.name} result must be ${t(secret)}, not ${t(r)}`);
}

registerOp({
  name: "mpc.input",
  operands: 0,
  results: 1,
  effect: "effect",
  allowedIn: PROTOCOL,
  doc: "`%x = mpc.input {party = k, name = \"x\"} : S` — a secret input supplied by party k (S: secret scalar or array of them).",
  verify(op, ctx) {
    intAttr(op, ctx, "party", 0n, 1024n);
    strAttr(op, ctx, "name", true);
    expectType(op, ctx, op.results[0], (ty) => secretScalar(scalarType(ty)), "a secret result");
  },
});
registerOp({
  name: "mpc.const",
  operands: 0,
  results: 1,
  effect: "pure",
  allowedIn: PROTOCOL,
  doc: "`%c = mpc.const {value = N} : !sint<F>|!sfix<F, f>` — a public constant as a secret; for sfix, N is the encoding (x·2^f mod p).",
  verify(op, ctx) {
    if (!expectType(op, ctx, op.results[0], secretScalar, "a secret scalar result")) return;
    const p = modulusOf(ctx, op.results[0].type);
    intAttr(op, ctx, "value", 0n, p !== undefined ? p - 1n : 1n << 4096n);
  },
});
registerOp({
  name: "mpc.share",
  operands: 1,
  results: 1,
  effect: "pure",
  allowedIn: PROTOCOL,
  doc: "`%s = mpc.share %x : S` — a clear value (field/fix, or arrays) as a secret of the matching type.",
  verify(op, ctx) {
    const a = op.operands[0].type;
    const r = op.results[0].type;
    if (!clearScalar(scalarType(a)) || !secretScalar(scalarType(r)) || !sameShape(a, r) || !compatibleScalars(scalarType(a), scalarType(r)))
      ctx.err("E0922", `mpc.share cannot turn ${t(a)} into ${t(r)}`);
  },
});
registerOp({
  name: "mpc.open",
  operands: 1,
  results: 1,
  effect: "pure",
  allowedIn: PROTOCOL,
  doc: "`%x = mpc.open %s : C` — open a secret to every party (sint → field, sfix → fix), e.g. for a public branch.",
  verify(op, ctx) {
    const a = op.operands[0].type;
    const r = op.results[0].type;
    if (!secretScalar(scalarType(a)) || !clearScalar(scalarType(r)) || !sameShape(a, r) || !compatibleScalars(scalarType(a), scalarType(r)))
      ctx.err("E0922", `mpc.open cannot turn ${t(a)} into ${t(r)}`);
  },
});
registerOp({
  name: "mpc.reveal",
  operands: 1,
  results: 0,
  effect: "effect",
  allowedIn: PROTOCOL,
  doc: "`mpc.reveal %s {to = k}` — a protocol output: reveal s to party k, or to everyone when `to` is absent.",
  verify(op, ctx) {
    expectType(op, ctx, op.operands[0], (ty) => secretScalar(scalarType(ty)), "a secret operand");
    intAttr(op, ctx, "to", 0n, 1024n, true);
  },
});
for (const [name, doc] of [
  ["mpc.add", "a + b, element-wise"],
  ["mpc.sub", "a − b, element-wise"],
  ["mpc.mul", "a · b, element-wise; for sfix the product is truncated by f bits (fixed-point multiply), except that an sfix times a secret sint (an integer scaling, e.g. a comparison bit) is an sfix and not truncated"],
] as const)
  registerOp({
    name,
    operands: 2,
    results: 1,
    effect: "pure",
    allowedIn: PROTOCOL,
    doc: `\`%r = ${name} %a, %b : S\` — ${doc}; one operand may be clear (field/fix) of the same shape.`,
    verify: mpcBinary,
  });
registerOp({
  name: "mpc.neg",
  operands: 1,
  results: 1,
  effect: "pure",
  allowedIn: PROTOCOL,
  doc: "`%r = mpc.neg %a : S` — −a, element-wise.",
  verify(op, ctx) {
    if (expectType(op, ctx, op.operands[0], (ty) => secretScalar(scalarType(ty)), "a secret operand") && !typeEq(op.operands[0].type, op.results[0].type))
      ctx.err("E0922", "mpc.neg result type must equal its operand's");
  },
});
registerOp({
  name: "mpc.lt",
  operands: 2,
  results: 1,
  effect: "pure",
  allowedIn: PROTOCOL,
  doc: "`%r = mpc.lt %a, %b : !sint<F>` — secret 1 when a < b (values read as signed: (p−1)/2 < x means negative), else 0.",
  verify(op, ctx) {
    const [a, b] = op.operands;
    if (!secretScalar(a.type) && !secretScalar(b.type)) return ctx.err("E0922", "mpc.lt needs a secret scalar operand");
    if (!compatibleScalars(a.type, b.type)) return ctx.err("E0922", `mpc.lt mixes ${t(a.type)} and ${t(b.type)}`);
    const r = op.results[0].type;
    if (!(r.kind === "sint" && r.field === fieldOf(a.type))) ctx.err("E0922", `mpc.lt yields !sint<${fieldOf(a.type)}>`);
  },
});
registerOp({
  name: "mpc.matmul",
  operands: 2,
  results: 1,
  effect: "pure",
  allowedIn: PROTOCOL,
  doc: "`%r = mpc.matmul %a, %b : S` — matrix product: [n][k]·[k][m] → [n][m], [n][k]·[k] → [n], [k]·[k][m] → [m], [k]·[k] → scalar.",
  verify(op, ctx) {
    const [a, b] = op.operands;
    const sa = scalarType(a.type);
    const sb = scalarType(b.type);
    if (!secretScalar(sa) && !secretScalar(sb)) return ctx.err("E0922", "mpc.matmul needs a secret operand");
    if (!compatibleScalars(sa, sb)) return ctx.err("E0922", `mpc.matmul mixes ${t(a.type)} and ${t(b.type)}`);
    const da = shapeOf(a.type);
    const db = shapeOf(b.type);
    if (!da.length || !db.length || da.length > 2 || db.length > 2) return ctx.err("E0922", "mpc.matmul takes vectors or matrices");
    const k1 = da[da.length - 1];
    const k2 = db[0];
    if (k1 !== k2) return ctx.err("E0922", `mpc.matmul inner dimensions differ: ${k1} vs ${k2}`);
    const out = [...da.slice(0, -1), ...db.slice(1)];
    const elem = secretScalar(sa) ? sa : sb;
    let want: Type = elem;
    for (const d of out.reverse()) want = { kind: "array", elem: want, len: d };
    if (!typeEq(want, op.results[0].type)) ctx.err("E0922", `mpc.matmul yields ${t(want)}, not ${t(op.results[0].type)}`);
  },
});
registerOp({
  name: "mpc.transpose",
  operands: 1,
  results: 1,
  effect: "pure",
  allowedIn: PROTOCOL,
  doc: "`%r = mpc.transpose %a : [m][n]` — transpose of an [n][m] matrix (secret or clear).",
  verify(op, ctx) {
    const a = op.operands[0].type;
    if (!(a.kind === "array" && a.elem.kind === "array")) return ctx.err("E0922", `mpc.transpose expects a matrix, got ${t(a)}`);
    const want: Type = { kind: "array", elem: { kind: "array", elem: a.elem.elem, len: a.len }, len: a.elem.len };
    if (!typeEq(want, op.results[0].type)) ctx.err("E0922", `mpc.transpose yields ${t(want)}`);
  },
});
registerOp({
  name: "mpc.trunc",
  operands: 1,
  results: 1,
  effect: "pure",
  allowedIn: PROTOCOL,
  doc: "`%r = mpc.trunc %a {bits = k} : S` — a / 2^k rounded toward −∞ (signed reading), element-wise.",
  verify(op, ctx) {
    if (expectType(op, ctx, op.operands[0], (ty) => secretScalar(scalarType(ty)), "a secret operand") && !typeEq(op.operands[0].type, op.results[0].type))
      ctx.err("E0922", "mpc.trunc result type must equal its operand's");
    intAttr(op, ctx, "bits", 0n, 1024n);
  },
});

// --- k: kernels -------------------------------------------------------------------------------------------

for (const [name, doc] of [
  ["k.global_id", "index of this invocation in the whole dispatch"],
  ["k.local_id", "index within the workgroup"],
  ["k.workgroup_id", "index of the workgroup"],
  ["k.num_workgroups", "number of workgroups in the dispatch"],
] as const)
  registerOp({
    name,
    operands: 0,
    results: 1,
    effect: "pure",
    allowedIn: ["kernel"],
    doc: `\`%r = ${name} {dim = d} : i32\` — ${doc} along dimension d ∈ 0..2.`,
    verify(op, ctx) {
      intAttr(op, ctx, "dim", 0n, 2n);
      expectType(op, ctx, op.results[0], (ty) => isInt(ty, 32), "an i32 result");
    },
  });
registerOp({
  name: "k.barrier",
  operands: 0,
  results: 0,
  effect: "effect",
  allowedIn: ["kernel"],
  doc: "`k.barrier` — workgroup barrier (workgroup memory and storage buffers).",
});

// --- spec: protocol specifications (checked by runtime/spec, emitted as Promela) ------------------------
//
// A `spec` item's body is a list of declarations; guards, effects, predicates and sizes are regions of
// spec expression ops. Spec values are i1 (bool) or i64 (everything else: integers, domain values,
// tuples, arrays, sets, maps); the spec type rides in a `ty` attribute when it is not bool or int
// (runtime/spec/ir-attrs.ts gives the encoding). Expression ops denote terms that the checker evaluates
// where a statement or predicate uses them, so `&&`, `||`, `=>` and spec.ite evaluate only the side
// they need.

const SPEC: readonly FuncKind[] = ["spec"];
const isSpecVal = (ty: Type) => isInt(ty, 1) || isInt(ty, 64);
const DECLS = new Set(["spec.param", "spec.domain", "spec.state", "spec.action", "spec.invariant", "spec.property", "spec.adversary"]);
const STMTS = new Set(["spec.let", "spec.assign", "spec.if", "spec.for", "spec.assert"]);
/** Ops whose regions bind spec names (block arguments) or hold spec statements. */
const BINDERS = new Set(["spec.action", "spec.quant", "spec.for"]);

function specTypeAttr(op: Op, ctx: VerifyCtx, key: string, optional = false): TypeExpr | undefined {
  const a = op.attrs[key];
  if (a === undefined) {
    if (!optional) ctx.err("E0923", `${op.name} needs a spec type attribute '${key}'`);
    return undefined;
  }
  const t = typeFromAttr(a);
  if (!t) ctx.err("E0923", `${op.name} attribute '${key}' is not a spec type (e.g. "int", ["dom", "Node"], ["set", T], ["map", K, V])`);
  return t;
}

function stringList(op: Op, ctx: VerifyCtx, key: string, optional = false): string[] | undefined {
  const a = op.attrs[key];
  if (a === undefined) {
    if (!optional) ctx.err("E0923", `${op.name} needs a list of names '${key}'`);
    return undefined;
  }
  if (!Array.isArray(a) || !a.every((x) => typeof x === "string")) {
    ctx.err("E0923", `${op.name} attribute '${key}' must be a list of strings`);
    return undefined;
  }
  return a as string[];
}

/** The binders' spec types: one per name. */
function specTypeList(op: Op, ctx: VerifyCtx, key: string, n: number, what: string): void {
  const tys = op.attrs[key];
  if (!Array.isArray(tys) || tys.length !== n || !tys.every((x) => typeFromAttr(x)))
    ctx.err("E0923", `${op.name} attribute '${key}' must list one spec type per ${what}`);
}

/** Where the op sits: "top" (the spec body), "effect" (statements) or "expr" (a value region). */
function specPlace(op: Op): "top" | "effect" | "expr" {
  const region = op.parent?.parent;
  if (!region || region.owner) return "top";
  const owner = region.parent;
  if (!owner) return "expr";
  if (owner.name === "spec.action") return owner.regions[1] === region ? "effect" : "expr";
  return owner.name === "spec.if" || owner.name === "spec.for" ? "effect" : "expr";
}

/** Every operand is a spec value: a spec op's result or a binder of a spec op's region. */
function specOperands(op: Op, ctx: VerifyCtx): void {
  op.operands.forEach((v, i) => {
    const def = v.definingOp;
    const binder = v.isBlockArg ? (v.owner as Block).parent?.parent : undefined;
    const ok = def ? def.dialect === "spec" && !DECLS.has(def.name) : !!binder && BINDERS.has(binder.name);
    if (!ok) ctx.err("E0922", `${op.name} operand ${i} is not a spec value (spec ops and spec binders only)`);
    else if (!isSpecVal(v.type)) ctx.err("E0922", `${op.name} operand ${i} must be i1 or i64, got ${t(v.type)}`);
  });
}

/** Region `i` takes `args` arguments (i1/i64) and yields `yields` values (one allowed count or several). */
function specRegion(op: Op, ctx: VerifyCtx, i: number, args: number, yields: readonly number[], what: string): void {
  const blk = op.regions[i]?.blocks[0];
  if (!blk) return;
  if (blk.args.length !== args) ctx.err("E0926", `${op.name} ${what} must bind ${args} value(s), binds ${blk.args.length}`);
  for (const a of blk.args) if (!isSpecVal(a.type)) ctx.err("E0926", `${op.name} ${what} binds a ${t(a.type)} (spec values are i1 or i64)`);
  const term = blk.ops[blk.ops.length - 1];
  if (term?.name !== "cf.yield") return; // the generic region check reports it
  if (!yields.includes(term.operands.length))
    ctx.err("E0926", `${op.name} ${what} must yield ${yields.join(" or ")} value(s), yields ${term.operands.length}`);
  for (const v of term.operands)
    if (!(v.definingOp?.dialect === "spec" && !DECLS.has(v.definingOp.name)) && !blk.args.includes(v))
      ctx.err("E0926", `${op.name} ${what} yields a value that is not a spec expression`);
}

function specDecl(op: Op, ctx: VerifyCtx): void {
  if (specPlace(op) !== "top") ctx.err("E0925", `${op.name} declares part of a spec and belongs at the top of the spec body`);
}
function specStmt(op: Op, ctx: VerifyCtx): void {
  if (specPlace(op) !== "effect") ctx.err("E0925", `${op.name} is a statement: only an action's effect region (or a spec.if / spec.for in it) holds it`);
  specOperands(op, ctx);
}
/** Shared rule of expression ops: spec operands, one i1/i64 result, a well-formed `ty` matching it. */
function specExpr(op: Op, ctx: VerifyCtx): void {
  if (specPlace(op) === "top") ctx.err("E0925", `${op.name} is an expression: it belongs in a region (guard, effect, predicate, size)`);
  specOperands(op, ctx);
  const r = op.results[0];
  if (!isSpecVal(r.type)) return ctx.err("E0922", `${op.name} result must be i1 or i64, got ${t(r.type)}`);
  const ty = specTypeAttr(op, ctx, "ty", true);
  if (ty && (ty.k === "bool") !== isInt(r.type, 1)) ctx.err("E0922", `${op.name}: a ${ty.k} value is ${ty.k === "bool" ? "i1" : "i64"}, not ${t(r.type)}`);
}

registerOp({
  name: "spec.param",
  operands: 0,
  results: 0,
  effect: "effect",
  allowedIn: SPEC,
  doc: "`spec.param {name = \"n\", default = 4}` — a spec parameter (or `const`); `--param n=5` overrides the default.",
  verify(op, ctx) {
    specDecl(op, ctx);
    strAttr(op, ctx, "name", false);
    intAttr(op, ctx, "default", -(1n << 53n), 1n << 53n);
  },
});
registerOp({
  name: "spec.domain",
  operands: 0,
  results: 0,
  regions: 1,
  effect: "effect",
  allowedIn: SPEC,
  doc: "`spec.domain {name = \"Node\", symmetric = true, labels = [...]} { ...; cf.yield %lo, %hi }` — the finite domain lo..hi (hi exclusive); `symmetric` lets the checker fold renamings; `labels` name an enum's values.",
  verify(op, ctx) {
    specDecl(op, ctx);
    strAttr(op, ctx, "name", false);
    if (op.attrs.symmetric !== undefined && typeof op.attrs.symmetric !== "boolean") ctx.err("E0923", "spec.domain attribute 'symmetric' must be a boolean");
    stringList(op, ctx, "labels", true);
    specRegion(op, ctx, 0, 0, [2], "bounds");
  },
});
registerOp({
  name: "spec.state",
  operands: 0,
  results: 0,
  regions: 1,
  effect: "effect",
  allowedIn: SPEC,
  doc: "`spec.state {name = \"x\", type = T, ghost = true} { ...; cf.yield [%init] }` — a state variable of spec type T; without an initial value every value of a finite T is an initial state.",
  verify(op, ctx) {
    specDecl(op, ctx);
    strAttr(op, ctx, "name", false);
    specTypeAttr(op, ctx, "type");
    specRegion(op, ctx, 0, 0, [0, 1], "initial value");
  },
});
registerOp({
  name: "spec.action",
  operands: 0,
  results: 0,
  regions: 2,
  effect: "effect",
  allowedIn: SPEC,
  doc: "`spec.action {name = \"a\", params = [\"p\"], param_types = [T], byzantine = true} { guard: cf.yield [%i1] } { effect: spec statements; cf.yield }` — both regions bind the parameters; no guard value means always enabled.",
  verify(op, ctx) {
    specDecl(op, ctx);
    strAttr(op, ctx, "name", false);
    const names = stringList(op, ctx, "params") ?? [];
    specTypeList(op, ctx, "param_types", names.length, "parameter");
    specRegion(op, ctx, 0, names.length, [0, 1], "guard");
    specRegion(op, ctx, 1, names.length, [0], "effect");
    const g = op.regions[0]?.blocks[0]?.terminator?.operands[0];
    if (g && !isInt(g.type, 1)) ctx.err("E0922", `spec.action guard must be i1, got ${t(g.type)}`);
  },
});
registerOp({
  name: "spec.invariant",
  operands: 0,
  results: 0,
  regions: 1,
  effect: "effect",
  allowedIn: SPEC,
  doc: "`spec.invariant {name = \"safety\"} { ...; cf.yield %i1 }` — must hold in every reachable state.",
  verify(op, ctx) {
    specDecl(op, ctx);
    strAttr(op, ctx, "name", false);
    specRegion(op, ctx, 0, 0, [1], "predicate");
  },
});
const PROPERTY_YIELDS: Record<string, number> = { always: 1, eventually: 1, within: 2, noninterference: 0 };
registerOp({
  name: "spec.property",
  operands: 0,
  results: 0,
  regions: 1,
  effect: "effect",
  allowedIn: SPEC,
  doc:
    "`spec.property {name = \"p\", kind = K, ...} { ...; cf.yield ... }` — K = always (yields the predicate), eventually (predicate; `fairness` none or weak, `fair_actions`), " +
    "within (predicate and step bound), noninterference (yields nothing; `secret` and `observer` list state variables).",
  verify(op, ctx) {
    specDecl(op, ctx);
    strAttr(op, ctx, "name", false);
    const kind = strAttr(op, ctx, "kind", false, Object.keys(PROPERTY_YIELDS));
    if (kind === "eventually") {
      strAttr(op, ctx, "fairness", false, ["none", "weak"]);
      stringList(op, ctx, "fair_actions", true);
    }
    if (kind === "noninterference") (stringList(op, ctx, "secret"), stringList(op, ctx, "observer"));
    if (kind !== undefined) specRegion(op, ctx, 0, 0, [PROPERTY_YIELDS[kind]], "body");
  },
});
const ADVERSARY_YIELDS: Record<string, number> = { byzantine: 1, network: 0, flood: 1 };
registerOp({
  name: "spec.adversary",
  operands: 0,
  results: 0,
  regions: 1,
  effect: "effect",
  allowedIn: SPEC,
  doc:
    "`spec.adversary {kind = K, ...} { cf.yield ... }` — K = byzantine (yields f; `actions` it may forge), network (`drop`, `delay`, `duplicate`, `reorder` flags, `channel`), " +
    "flood (yields the number of junk messages; `channel`).",
  verify(op, ctx) {
    specDecl(op, ctx);
    const kind = strAttr(op, ctx, "kind", false, Object.keys(ADVERSARY_YIELDS));
    if (kind === "byzantine") stringList(op, ctx, "actions", true);
    if (kind !== "byzantine") strAttr(op, ctx, "channel", true);
    if (kind !== undefined) specRegion(op, ctx, 0, 0, [ADVERSARY_YIELDS[kind]], "body");
  },
});

// Statements (an action's effect region).
registerOp({
  name: "spec.let",
  operands: 1,
  results: 1,
  effect: "effect",
  allowedIn: SPEC,
  doc: "`%x = spec.let %e {name = \"x\", type = T} : i1|i64` — binds a local (the result) to e's value; `type` is the declared type, if any.",
  verify(op, ctx) {
    specStmt(op, ctx);
    strAttr(op, ctx, "name", false);
    specTypeAttr(op, ctx, "type", true);
  },
});
registerOp({
  name: "spec.assign",
  operands: 2,
  results: 0,
  effect: "effect",
  allowedIn: SPEC,
  doc: "`spec.assign %place, %v` — writes v to a place: a state variable (spec.read), a local (spec.local), or an element / field of one (spec.index, spec.field).",
  verify(op, ctx) {
    specStmt(op, ctx);
    const place = (v: Value | undefined): boolean => {
      const d = v?.definingOp;
      if (!d) return false;
      if (d.name === "spec.read" || d.name === "spec.local") return true;
      return (d.name === "spec.index" || d.name === "spec.field") && place(d.operands[0]);
    };
    if (!place(op.operands[0])) ctx.err("E0922", "spec.assign writes to a state variable, a local, or an element or field of one");
  },
});
registerOp({
  name: "spec.if",
  operands: 1,
  results: 0,
  regions: 2,
  effect: "effect",
  allowedIn: SPEC,
  doc: "`spec.if %c { then } { else }` — statements under an i1 condition; both regions end with an empty cf.yield.",
  verify(op, ctx) {
    specStmt(op, ctx);
    expectType(op, ctx, op.operands[0], isI1, "an i1 condition");
    specRegion(op, ctx, 0, 0, [0], "then-region");
    specRegion(op, ctx, 1, 0, [0], "else-region");
  },
});
registerOp({
  name: "spec.for",
  operands: 0,
  results: 0,
  regions: 1,
  effect: "effect",
  allowedIn: SPEC,
  doc: "`spec.for {var = \"i\", type = T} { ^bb(%i: i64): ...; cf.yield }` — runs the body for every value of the finite type T, in order.",
  verify(op, ctx) {
    specStmt(op, ctx);
    strAttr(op, ctx, "var", false);
    specTypeAttr(op, ctx, "type");
    specRegion(op, ctx, 0, 1, [0], "body");
  },
});
registerOp({
  name: "spec.assert",
  operands: 1,
  results: 0,
  effect: "effect",
  allowedIn: SPEC,
  doc: "`spec.assert %c` — the step fails (a violation) when c is false.",
  verify(op, ctx) {
    specStmt(op, ctx);
    expectType(op, ctx, op.operands[0], isI1, "an i1 operand");
  },
});

// Expressions. `ty` (optional) is the value's spec type when it is not bool (i1) or int (i64).
const SPEC_EXPRS: [name: string, operands: number | [number, number], doc: string, extra?: (op: Op, ctx: VerifyCtx) => void][] = [
  ["spec.const", 0, "`%v = spec.const {value = 3} : i64` (or `{value = true} : i1`) — a literal.", (op, ctx) => {
    const v = op.attrs.value;
    if (typeof v !== "bigint" && typeof v !== "boolean") ctx.err("E0923", "spec.const needs an integer or boolean 'value'");
    else if ((typeof v === "boolean") !== isInt(op.results[0].type, 1)) ctx.err("E0922", "spec.const: a boolean value is i1, an integer i64");
  }],
  ["spec.param_value", 0, "`%v = spec.param_value {name = \"n\"} : i64` — the value of a spec param.", (op, ctx) => void strAttr(op, ctx, "name", false)],
  ["spec.read", 0, "`%v = spec.read {name = \"x\"} : T` — the current value of a state variable (also a place for spec.assign).", (op, ctx) => void strAttr(op, ctx, "name", false)],
  ["spec.local", 1, "`%v = spec.local %x` — a use of a bound name (action parameter, quantifier or `for` variable, spec.let).", (op, ctx) => {
    const v = op.operands[0];
    if (v && v.definingOp && v.definingOp.name !== "spec.let") ctx.err("E0922", "spec.local uses a binder or a spec.let result");
  }],
  ["spec.un", 1, "`%r = spec.un %a {op = \"!\"}` — `!` (i1) or unary `-` (i64).", (op, ctx) => void strAttr(op, ctx, "op", false, ["!", "-"])],
  ["spec.bin", 2, "`%r = spec.bin %a, %b {op = \"+\"}` — + - * / % (i32 wrap-around; / and % fail on 0), == != < <= > >=, && || =>.", (op, ctx) =>
    void strAttr(op, ctx, "op", false, ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "=>"])],
  ["spec.min", 2, "`%r = spec.min %a, %b : i64` — the smaller integer."],
  ["spec.max", 2, "`%r = spec.max %a, %b : i64` — the larger integer."],
  ["spec.index", 2, "`%r = spec.index %a, %i` — element i of an array or map; fails out of bounds / outside the key domain."],
  ["spec.field", 1, "`%r = spec.field %t {index = k}` — component k of a tuple.", (op, ctx) => void intAttr(op, ctx, "index", 0n, 1024n)],
  ["spec.tuple", [0, Infinity], "`%r = spec.tuple %a, %b {ty = [\"tuple\", ...]}` — a tuple value."],
  ["spec.in", 2, "`%r = spec.in %x, %s : i1` — set membership."],
  ["spec.method", [1, Infinity], "`%r = spec.method %set, %args... {method = \"insert\"}` — insert, remove, len, contains, union, inter, minus, is_empty (a new set or a query).", (op, ctx) =>
    void strAttr(op, ctx, "method", false, ["insert", "remove", "len", "contains", "union", "inter", "minus", "is_empty"])],
  ["spec.set", [0, Infinity], "`%r = spec.set %a, %b {ty = [\"set\", T]}` — a set literal (`set(a, b)`)."],
  ["spec.array", [0, Infinity], "`%r = spec.array %a, %b {ty = [\"array\", T, N]}` — an array literal."],
  ["spec.repeat", 2, "`%r = spec.repeat %v, %n` — `[v; n]`, n copies of v."],
  ["spec.ite", 3, "`%r = spec.ite %c, %a, %b` — c ? a : b, evaluating only the chosen side."],
  ["spec.honest", 1, "`%r = spec.honest %p : i1` — node p is not controlled by the byzantine adversary."],
  ["spec.byzantine", 1, "`%r = spec.byzantine %p : i1` — node p is controlled by the byzantine adversary."],
];
for (const [name, operands, doc, extra] of SPEC_EXPRS)
  registerOp({
    name,
    operands,
    results: 1,
    effect: name === "spec.read" ? "read" : "pure",
    allowedIn: SPEC,
    doc,
    verify(op, ctx) {
      specExpr(op, ctx);
      extra?.(op, ctx);
    },
  });
registerOp({
  name: "spec.quant",
  operands: 0,
  results: 1,
  regions: 1,
  effect: "pure",
  allowedIn: SPEC,
  doc: "`%r = spec.quant {q = \"forall\", vars = [\"p\"], var_types = [T]} { ^bb(%p: i64): ...; cf.yield %i1 }` — forall / exists (i1) or count (i64) over finite types.",
  verify(op, ctx) {
    specExpr(op, ctx);
    strAttr(op, ctx, "q", false, ["forall", "exists", "count"]);
    const names = stringList(op, ctx, "vars") ?? [];
    specTypeList(op, ctx, "var_types", names.length, "variable");
    specRegion(op, ctx, 0, names.length, [1], "body");
  },
});

// --- bit counts and labelled branches (WebAssembly control flow) ---------------------------------------

for (const [name, doc] of [
  ["i.clz", "leading zero bits (W for 0)"],
  ["i.ctz", "trailing zero bits (W for 0)"],
  ["i.popcnt", "number of set bits"],
] as const)
  registerOp({ name, operands: 1, results: 1, effect: "pure", doc: `\`%r = ${name} %a : iW\` — ${doc}.`, verify: I_ONLY });

const LABELLED = ["program", "fn", "hint"] as const;

/** The cf.block / cf.loop a branch of depth `depth` names, counting only labels outward from `op`. */
export function branchTarget(op: Op, depth: number): Op | undefined {
  let at: Op | undefined = op.parent?.parent?.parent;
  let d = depth;
  while (at) {
    if (at.name === "cf.block" || at.name === "cf.loop") {
      if (d === 0) return at;
      d--;
    }
    at = at.parent?.parent?.parent;
  }
  return undefined;
}

/** Types a branch to `target` carries: a cf.block's results, a cf.loop's region arguments. */
export function branchTypes(target: Op): Type[] {
  return target.name === "cf.loop" ? (target.regions[0]?.blocks[0]?.args ?? []).map((a) => a.type) : target.results.map((r) => r.type);
}

function checkBranch(op: Op, ctx: VerifyCtx, depth: bigint | undefined, vals: readonly Value[]): void {
  if (depth === undefined) return;
  const target = branchTarget(op, Number(depth));
  if (!target) return ctx.err("E0926", `${op.name}: no enclosing cf.block or cf.loop at depth ${depth}`);
  const want = branchTypes(target);
  if (want.length !== vals.length || want.some((ty, i) => !typeEq(ty, vals[i].type)))
    ctx.err("E0926", `${op.name} to depth ${depth} passes (${vals.map((v) => t(v.type)).join(", ")}), the ${target.name} takes (${want.map(t).join(", ")})`);
}

registerOp({
  name: "cf.block",
  operands: 0,
  results: [0, Infinity],
  regions: 1,
  effect: "structured",
  allowedIn: LABELLED,
  doc: "`%r.. = cf.block : R.. { ...; cf.yield %v.. }` — a label: a `cf.br` to it leaves the region with values of the result types; falling off its end yields them. The region ends with cf.yield, cf.br, cf.br_table or cf.trap.",
});
registerOp({
  name: "cf.loop",
  operands: [0, Infinity],
  results: [0, Infinity],
  regions: 1,
  effect: "structured",
  allowedIn: LABELLED,
  doc: "`%r.. = cf.loop %init.. : R.. { ^bb0(%a..: A..): ...; cf.yield %v.. }` — a label at its start: a `cf.br` to it runs the region again with new arguments (A = the init types); falling off its end yields the results.",
});
registerOp({
  name: "cf.br",
  operands: [0, Infinity],
  results: 0,
  effect: "terminator",
  allowedIn: LABELLED,
  doc: "`cf.br %v.. {depth = n}` — leaves the n-th enclosing cf.block with the values v.. as its results, or restarts the n-th enclosing cf.loop with them as its arguments (0 = innermost; other ops' regions do not count).",
  verify(op, ctx) {
    checkBranch(op, ctx, intAttr(op, ctx, "depth", 0n, 1n << 20n), op.operands);
  },
});
registerOp({
  name: "cf.br_if",
  operands: [1, Infinity],
  results: 0,
  effect: "effect",
  allowedIn: LABELLED,
  doc: "`cf.br_if %c, %v.. {depth = n}` — cf.br when the integer c is not 0 (with `zero = true`: when it is 0); otherwise goes on.",
  verify(op, ctx) {
    expectType(op, ctx, op.operands[0], (ty) => isInt(ty) && ty.width <= 32, "an integer condition of at most 32 bits");
    checkBranch(op, ctx, intAttr(op, ctx, "depth", 0n, 1n << 20n), op.operands.slice(1));
  },
});
registerOp({
  name: "cf.br_table",
  operands: 1,
  results: 0,
  effect: "terminator",
  allowedIn: LABELLED,
  doc: "`cf.br_table %i {depths = [d0, ...], default = d}` — cf.br to depth d_i when the i32 i is below the number of depths, else to the default; the targets take no values (a front end passes values through a cf.block per target that ends in a cf.br).",
  verify(op, ctx) {
    expectType(op, ctx, op.operands[0], (ty) => isInt(ty, 32), "an i32 index");
    const ds = op.attrs.depths;
    if (!Array.isArray(ds) || ds.some((d) => typeof d !== "bigint" || d < 0n)) return ctx.err("E0923", "cf.br_table needs a list of depths 'depths = [...]'");
    for (const d of ds) checkBranch(op, ctx, d as bigint, []);
    checkBranch(op, ctx, intAttr(op, ctx, "default", 0n, 1n << 20n), []);
  },
});
registerOp({
  name: "cf.trap",
  operands: 0,
  results: 0,
  effect: "terminator",
  allowedIn: LABELLED,
  doc: "`cf.trap {code = n, msg = \"...\"}` — stops the run with an error (WebAssembly `unreachable`, a function that cannot be compiled).",
  verify(op, ctx) {
    intAttr(op, ctx, "code", 0n, (1n << 31n) - 1n);
  },
});

// --- wasm: WebAssembly's linear memory, globals, tables (compiler/wasm lifts a module into these) ------

const WASM = ["program", "fn"] as const;
const isI32 = (ty: Type) => isInt(ty, 32);
const isI32or64 = (ty: Type) => isInt(ty, 32) || isInt(ty, 64);
function i32Operands(op: Op, ctx: VerifyCtx, vals: readonly Value[]): void {
  for (const v of vals) expectType(op, ctx, v, isI32, "i32 operands");
}

registerOp({
  name: "wasm.load",
  operands: 1,
  results: 1,
  effect: "effect",
  allowedIn: WASM,
  doc: "`%r = wasm.load %addr {offset = o, bytes = n, signed = s} : i32|i64` — n (1, 2, 4, 8) bytes of linear memory at addr + o (u32 each, no wrap), zero- or sign-extended; traps past the memory's current size.",
  verify(op, ctx) {
    i32Operands(op, ctx, op.operands);
    expectType(op, ctx, op.results[0], isI32or64, "an i32 or i64 result");
    intAttr(op, ctx, "offset", 0n, 0xffffffffn);
    const n = intAttr(op, ctx, "bytes", 1n, 8n);
    if (n !== undefined && ![1n, 2n, 4n, 8n].includes(n)) ctx.err("E0923", "wasm.load attribute 'bytes' must be 1, 2, 4 or 8");
  },
});
registerOp({
  name: "wasm.store",
  operands: 2,
  results: 0,
  effect: "effect",
  allowedIn: WASM,
  doc: "`wasm.store %addr, %v {offset = o, bytes = n}` — the low n bytes of v to linear memory at addr + o; traps past the memory's current size.",
  verify(op, ctx) {
    i32Operands(op, ctx, op.operands.slice(0, 1));
    expectType(op, ctx, op.operands[1], isI32or64, "an i32 or i64 value");
    intAttr(op, ctx, "offset", 0n, 0xffffffffn);
    intAttr(op, ctx, "bytes", 1n, 8n);
  },
});
registerOp({ name: "wasm.memory_size", operands: 0, results: 1, effect: "read", allowedIn: WASM, doc: "`%r = wasm.memory_size : i32` — the linear memory's size in 64 KiB pages." });
registerOp({
  name: "wasm.memory_grow",
  operands: 1,
  results: 1,
  effect: "effect",
  allowedIn: WASM,
  doc: "`%r = wasm.memory_grow %n : i32` — adds n pages (zeroed) and gives the old size, or −1 (leaving the size) when the maximum would be passed.",
  verify: (op, ctx) => i32Operands(op, ctx, [...op.operands, ...op.results]),
});
for (const [name, doc] of [
  ["wasm.memory_copy", "`wasm.memory_copy %dst, %src, %n` — copies n bytes (overlap allowed); traps, before writing, when either range passes the memory's size"],
  ["wasm.memory_fill", "`wasm.memory_fill %dst, %byte, %n` — sets n bytes to the low byte of the value; traps when the range passes the memory's size"],
  ["wasm.memory_init", "`wasm.memory_init %dst, %src, %n {segment = k}` — copies n bytes of passive data segment k from src; traps when either range is out of bounds (a dropped segment has length 0)"],
  ["wasm.table_init", "`wasm.table_init %dst, %src, %n {segment = k}` — copies n entries of passive element segment k into the table; traps when either range is out of bounds"],
  ["wasm.table_copy", "`wasm.table_copy %dst, %src, %n` — copies n table entries (overlap allowed); traps when either range is out of bounds"],
] as const)
  registerOp({ name, operands: 3, results: 0, effect: "effect", allowedIn: WASM, doc: `${doc}.`, verify: (op, ctx) => i32Operands(op, ctx, op.operands) });
for (const name of ["wasm.data_drop", "wasm.elem_drop"] as const)
  registerOp({
    name,
    operands: 0,
    results: 0,
    effect: "effect",
    allowedIn: WASM,
    doc: `\`${name} {segment = k}\` — the ${name === "wasm.data_drop" ? "data" : "element"} segment k becomes empty.`,
    verify: (op, ctx) => void intAttr(op, ctx, "segment", 0n, 0xffffffffn),
  });
registerOp({ name: "wasm.table_size", operands: 0, results: 1, effect: "pure", allowedIn: WASM, doc: "`%r = wasm.table_size : i32` — the number of table entries." });
registerOp({
  name: "wasm.global_get",
  operands: 0,
  results: 1,
  effect: "read",
  allowedIn: WASM,
  doc: "`%r = wasm.global_get {index = k} : i32|i64` — global k (the program item's `wasm_globals` lists them).",
  verify: (op, ctx) => void intAttr(op, ctx, "index", 0n, 0xffffffffn),
});
registerOp({
  name: "wasm.global_set",
  operands: 1,
  results: 0,
  effect: "effect",
  allowedIn: WASM,
  doc: "`wasm.global_set %v {index = k}` — sets global k.",
  verify: (op, ctx) => void intAttr(op, ctx, "index", 0n, 0xffffffffn),
});
registerOp({
  name: "wasm.call_indirect",
  operands: [1, Infinity],
  results: [0, Infinity],
  effect: "effect",
  allowedIn: WASM,
  doc: "`%r.. = wasm.call_indirect %a.., %i {sig = \"i32 i64 -> i32\"} : R..` — calls table entry i with a..; traps when i is past the table, the entry is empty, or its function's signature is not sig.",
  verify(op, ctx) {
    expectType(op, ctx, op.operands[op.operands.length - 1], isI32, "an i32 table index (the last operand)");
    strAttr(op, ctx, "sig", false);
  },
});
registerOp({
  name: "wasm.trap_if",
  operands: 1,
  results: 0,
  effect: "effect",
  allowedIn: WASM,
  doc: "`wasm.trap_if %c {code = n, msg = \"...\"}` — stops the run with an error when the integer c is not 0 (WebAssembly's signed-division overflow).",
  verify: (op, ctx) => void intAttr(op, ctx, "code", 0n, (1n << 31n) - 1n),
});
registerOp({ name: "wasm.sha256_compress", operands: 2, results: 0, effect: "effect", allowedIn: WASM, doc: "`wasm.sha256_compress %state, %block` — one SHA-256 compression of the 64-byte block at linear-memory address block into the 8 u32 words at state (the zkVM's precompile, import zkvm.sha256_compress); traps when either range passes the memory.", verify: (op, ctx) => i32Operands(op, ctx, op.operands) });
registerOp({ name: "wasm.keccak_f", operands: 1, results: 0, effect: "effect", allowedIn: WASM, doc: "`wasm.keccak_f %state` — Keccak-f[1600] on the 25 u64 lanes at linear-memory address state (the zkVM's precompile, import zkvm.keccak_f); traps when the range passes the memory.", verify: (op, ctx) => i32Operands(op, ctx, op.operands) });
for (const [name, n, doc] of [
  ["wasm.uint256_mulmod", 2, "`wasm.uint256_mulmod %x, %ym` — x = x·y mod m on 256-bit little-endian numbers, x at address x, y then m (64 bytes) at ym; m = 0 means 2^256 (import zkvm.uint256_mulmod)"],
  ["wasm.uint256_addmod", 2, "`wasm.uint256_addmod %x, %ym` — x = x + y mod m, operands as wasm.uint256_mulmod (import zkvm.uint256_addmod)"],
  ["wasm.secp256k1_add", 2, "`wasm.secp256k1_add %p, %q` — p = p + q on secp256k1, affine points as x ‖ y (32 bytes little-endian each), (0, 0) the point at infinity; a point off the curve traps (import zkvm.secp256k1_add)"],
  ["wasm.secp256k1_double", 1, "`wasm.secp256k1_double %p` — p = 2p on secp256k1, p as for wasm.secp256k1_add (import zkvm.secp256k1_double)"],
] as const)
  registerOp({ name, operands: n, results: 0, effect: "effect", allowedIn: WASM, doc: `${doc}; traps when a range passes the memory.`, verify: (op, ctx) => i32Operands(op, ctx, op.operands) });
registerOp({ name: "wasm.input_len", operands: 0, results: 1, effect: "effect", allowedIn: WASM, doc: "`%n = wasm.input_len : i32` — bytes of the input stream not read yet (a guest's import zkvm.input_len)." });
for (const [name, doc] of [
  ["wasm.read_input", "`wasm.read_input %ptr, %len` — the next len input bytes to linear memory at ptr; traps when fewer are left or the range passes the memory (zkvm.read_input)"],
  ["wasm.write_output", "`wasm.write_output %ptr, %len` — appends len bytes of linear memory at ptr to the output; traps when the range passes the memory (zkvm.write_output)"],
] as const)
  registerOp({ name, operands: 2, results: 0, effect: "effect", allowedIn: WASM, doc: `${doc}.`, verify: (op, ctx) => i32Operands(op, ctx, op.operands) });
registerOp({
  name: "wasm.exit",
  operands: 1,
  results: 0,
  effect: "effect",
  allowedIn: WASM,
  doc: "`wasm.exit %code` — halts the run with exit code code (0: success) (zkvm.exit).",
  verify: (op, ctx) => i32Operands(op, ctx, op.operands),
});
registerOp({
  name: "wasm.output",
  operands: [0, Infinity],
  results: 0,
  effect: "effect",
  allowedIn: WASM,
  doc: "`wasm.output %v..` — appends the values to the output stream (4 little-endian bytes per i32, 8 per i64): the results of each call of a test script.",
});

// --- effects for passes ---------------------------------------------------------------------------------

/** Can this op be deleted when its results are unused? (Structured ops: when their bodies can.) */
export function isRemovable(op: Op, module?: Module): boolean {
  const d = registry.get(op.name);
  if (!d) return false;
  // A constant index was bounds-checked by the verifier, so the access cannot fail.
  if ((op.name === "array.get" || op.name === "array.set") && op.operands[1]?.definingOp?.name === "i.const") return true;
  switch (d.effect) {
    case "pure":
    case "alloc":
    case "read":
      return true;
    case "structured":
      if (op.name === "cf.call") {
        const callee = module?.func(op.symAttr("callee") ?? "");
        return !!callee && bodyRemovable(callee.body.blocks.flatMap((b) => b.ops), module, new Set([callee.name]));
      }
      if (op.name === "cf.while" || op.name === "cf.loop") return false; // may not terminate
      return bodyRemovable(op.regions.flatMap((r) => r.blocks.flatMap((b) => b.ops)), module, new Set());
    default:
      return false;
  }
}

function bodyRemovable(ops: Op[], module: Module | undefined, seen: Set<string>): boolean {
  return ops.every((o) => {
    if (registry.get(o.name)?.effect === "terminator") return true;
    if (o.name === "cf.call") {
      const name = o.symAttr("callee") ?? "";
      if (seen.has(name)) return false;
      const callee = module?.func(name);
      return !!callee && bodyRemovable(callee.body.blocks.flatMap((b) => b.ops), module, new Set([...seen, name]));
    }
    if (o.regions.length) return isRemovable(o, module) || bodyRemovable(o.regions.flatMap((r) => r.blocks.flatMap((b) => b.ops)), module, seen);
    return isRemovable(o, module);
  });
}

/** May two identical copies of this op (same operands, attributes) be merged into one? */
export function isCseable(op: Op): boolean {
  const d = registry.get(op.name);
  return !!d && (d.effect === "pure" || d.effect === "may_fail") && op.regions.length === 0;
}

export function attrKey(a: Attr): string {
  if (typeof a === "bigint") return `${a}n`;
  return JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

// --- documentation ----------------------------------------------------------------------------------

const EFFECT_DOC: Record<Effect, string> = {
  pure: "pure",
  may_fail: "may fail",
  effect: "effect",
  alloc: "alloc",
  read: "reads memory",
  structured: "structured",
  terminator: "terminator",
};

/** The op reference table of spec/ir.md, generated from the registry (compiler/ir/gen-doc.ts writes it). */
export function opReferenceMarkdown(): string {
  const byDialect = new Map<string, OpDef[]>();
  for (const d of registry.values()) {
    const dialect = d.name.slice(0, d.name.indexOf("."));
    if (!byDialect.has(dialect)) byDialect.set(dialect, []);
    byDialect.get(dialect)!.push(d);
  }
  const out: string[] = [];
  for (const [dialect, defs] of byDialect) {
    out.push(`### \`${dialect}\``, "", "| Op | Form and meaning | Effect | Allowed in |", "|---|---|---|---|");
    for (const d of defs)
      out.push(`| \`${d.name}\` | ${d.doc.replace(/\|/g, "\\|")} | ${EFFECT_DOC[d.effect]} | ${d.allowedIn ? d.allowedIn.join(", ") : "any"} |`);
    out.push("");
  }
  return out.join("\n");
}

// Validates each WebAssembly function body (the algorithm of the core spec's validation appendix: a
// stack of operand types and a stack of control frames) and, in the same walk, lifts it to CWIR:
// - locals and the operand stack become SSA values (local.get/set/tee emit nothing);
// - block → cf.block, loop → cf.loop, if → a cf.block around an inner cf.block that the condition
//   leaves when it is 0 (the else arm follows the inner block); br / br_if → cf.br / cf.br_if with
//   the label depth counted in CWIR labels; br_table → cf.br_table through one cf.block per distinct
//   target, each ending in the cf.br that carries that target's values; return → cf.br to the block
//   around the whole body;
// - a local assigned inside a block or loop is carried: it is an extra result of the block (and an
//   extra argument of the loop), so every branch passes its current value along;
// - linear memory, globals, tables → the wasm dialect; signed division's overflow → wasm.trap_if.
// - float arithmetic and conversions → cf.call of the soft-float library's functions (softfloat.ts),
//   the trapping float → integer conversions with wasm.trap_if on the library's status.
// Post-MVP proposals are validated (where their encoding is known) but not lifted: the function is
// reported unsupported with the first such instruction.
import { type Value, Block, Op, Region, T, type Type } from "../ir/index.ts";
import { type FuncType, Reader, type ValType, type WasmModule, WasmError, valType } from "./binary.ts";

/**
 * Deepest nesting of blocks, loops and ifs in one function, and most distinct targets of one br_table
 * (each is a nested cf.block): the verifier and the backend walk CWIR regions recursively (900
 * levels overflowed the stack). 512 admits the Go 1.23 runtime's deepest function (runtime.initMetrics,
 * 453) and fmt's (406).
 */
export const MAX_NESTING = 512;

export const TRAP = {
  unreachable: 10,
  overflow: 12,
  unsupported: 16,
  invalidConversion: 18,
} as const;

type Unknown = "unknown";
interface Entry {
  t: ValType | Unknown;
  v?: Value;
}
interface Frame {
  kind: "block" | "loop" | "if" | "else" | "func";
  params: ValType[];
  results: ValType[];
  height: number;
  unreachable: boolean;
  /** entered in code that emits nothing (dead code or an unsupported function) */
  dead: boolean;
  levels: number;
  carried: number[];
  op?: Op;
  inner?: Op;
  /** the CWIR block to continue in after the frame */
  outer?: Block;
  entryLocals?: Value[];
}

export interface LiftedFunc {
  params: Type[];
  results: Type[];
  /** the ops of the body (ending in cf.return) */
  block: Block;
  /** the first instruction that cannot be lifted, with its offset */
  unsupported?: { what: string; offset: number };
}

// f32 and f64 values are carried as their bit patterns: moving, loading, storing, reinterpreting,
// comparing and the sign operations need nothing else; arithmetic and conversions call the
// soft-float library
const NUMTYPE: Record<string, Type> = { i32: T.i32, i64: T.i64, f32: T.i32, f64: T.i64 };
export const irType = (t: ValType): Type | undefined => NUMTYPE[t];
const sigOf = (ft: FuncType) => `${ft.params.join(" ")} -> ${ft.results.join(" ")}`;
export { sigOf };

/** Locals assigned inside each block / loop / if, keyed by the offset of its opcode. */
function assignedLocals(m: WasmModule, func: number, start: number, end: number): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  const open: Set<number>[] = [];
  const r = new Reader(m.bytes, start, end, func);
  while (!r.done) {
    const at = r.pos;
    const op = r.byte();
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      blockType(r, m);
      const s = new Set<number>();
      out.set(at, s);
      open.push(s);
      continue;
    }
    if (op === 0x0b) {
      open.pop();
      continue;
    }
    if (op === 0x21 || op === 0x22) {
      const i = r.u();
      for (const s of open) s.add(i);
      continue;
    }
    skipImmediates(r, op);
  }
  return out;
}

function blockType(r: Reader, m: WasmModule): FuncType {
  const at = r.pos;
  const b = r.b[r.pos];
  if (r.pos >= r.end) r.fail("unexpected end");
  if (b === 0x40) {
    r.pos++;
    return { params: [], results: [] };
  }
  if (b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f) {
    r.pos++;
    const t = (["i32", "i64", "f32", "f64", "v128", "funcref", "externref"] as const)[[0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f].indexOf(b)];
    return { params: [], results: [t] };
  }
  const idx = r.s(33);
  if (idx < 0n) r.fail("malformed block type", at);
  const t = m.types[Number(idx)];
  if (!t) r.fail(`unknown type ${idx}`, at);
  return t;
}

/** Skips the immediates of an instruction the pre-scan does not look into. */
export function skipImmediates(r: Reader, op: number): void {
  switch (op) {
    case 0x0c: case 0x0d: case 0x10: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: case 0xd2:
      r.u();
      return;
    case 0x0e: {
      const n = r.count("label");
      for (let i = 0; i <= n; i++) r.u();
      return;
    }
    case 0x11: r.u(); r.u(); return;
    case 0x1c: { const n = r.count("type"); for (let i = 0; i < n; i++) r.byte(); return; }
    case 0x3f: case 0x40: r.byte(); return;
    case 0x41: r.s(32); return;
    case 0x42: r.s(64); return;
    case 0x43: r.bytes(4); return;
    case 0x44: r.bytes(8); return;
    case 0xd0: r.byte(); return;
    case 0xfc: {
      const sub = r.u();
      if (sub === 8 || sub === 10 || sub === 12 || sub === 14) { r.u(); r.u(); }
      else if (sub === 9 || sub === 11 || sub === 13 || sub === 15 || sub === 16 || sub === 17) r.u();
      return;
    }
  }
  if (op >= 0x28 && op <= 0x3e) {
    r.u();
    r.u();
  }
}

// [name, operand types, result types, CWIR lowering]
type Lower = (l: FuncLifter, a: Value[]) => Value;
const bin = (name: string): Lower => (l, [a, b]) => l.emit1(name, [a, b], a.type);
const un = (name: string): Lower => (l, [a]) => l.emit1(name, [a], a.type);
const cmp = (pred: string): Lower => (l, [a, b]) => l.emit1("i.zext", [l.emit1("i.cmp", [a, b], T.i1, { pred })], T.i32);
const eqz: Lower = (l, [a]) => l.emit1("i.zext", [l.emit1("i.cmp", [a, l.konst(a.type, 0n)], T.i1, { pred: "eq" })], T.i32);
const divs = (name: string): Lower => (l, [a, b]) => {
  if (name === "i.divs") {
    const w = a.type.kind === "int" ? a.type.width : 32;
    const min = l.emit1("i.cmp", [a, l.konst(a.type, 1n << BigInt(w - 1))], T.i1, { pred: "eq" });
    const m1 = l.emit1("i.cmp", [b, l.konst(a.type, (1n << BigInt(w)) - 1n)], T.i1, { pred: "eq" });
    l.emit("wasm.trap_if", [l.emit1("i.and", [min, m1], T.i1)], [], { code: BigInt(TRAP.overflow), msg: "integer overflow" });
  }
  return l.emit1(name, [a, b], a.type);
};
const conv = (name: string, to: Type): Lower => (l, [a]) => l.emit1(name, [a], to);
const widthOf = (v: Value) => (v.type.kind === "int" ? v.type.width : 32);
const signBit = (v: Value) => 1n << BigInt(widthOf(v) - 1);
/** abs, neg, copysign: the sign bit alone */
const fsign = (kind: "abs" | "neg" | "copysign"): Lower => (l, [a, b]) => {
  const sign = l.konst(a.type, signBit(a));
  const rest = l.konst(a.type, signBit(a) - 1n);
  if (kind === "abs") return l.emit1("i.and", [a, rest], a.type);
  if (kind === "neg") return l.emit1("i.xor", [a, sign], a.type);
  return l.emit1("i.or", [l.emit1("i.and", [a, rest], a.type), l.emit1("i.and", [b, sign], a.type)], a.type);
};
/**
 * IEEE comparisons on bit patterns: false with a NaN (ne: true), +0 = −0, otherwise the order of the
 * sign-magnitude values, which is the unsigned order of key(x) = x ≥ 0 ? x | sign : ¬x.
 */
const fcmp = (pred: string): Lower => (l, [a, b]) => {
  const t = a.type;
  const sign = signBit(a);
  const rest = l.konst(t, sign - 1n);
  const inf = l.konst(t, widthOf(a) === 32 ? 0x7f800000n : 0x7ff0000000000000n);
  const ma = l.emit1("i.and", [a, rest], t);
  const mb = l.emit1("i.and", [b, rest], t);
  const ordered = l.emit1("i.and", [l.emit1("i.cmp", [ma, inf], T.i1, { pred: "ule" }), l.emit1("i.cmp", [mb, inf], T.i1, { pred: "ule" })], T.i1);
  const zeros = l.emit1("i.cmp", [l.emit1("i.or", [ma, mb], t), l.konst(t, 0n)], T.i1, { pred: "eq" });
  let r: Value;
  if (pred === "eq" || pred === "ne") {
    const same = l.emit1("i.or", [l.emit1("i.cmp", [a, b], T.i1, { pred: "eq" }), zeros], T.i1);
    r = l.emit1("i.and", [ordered, same], T.i1);
    if (pred === "ne") r = l.emit1("i.xor", [r, l.konst(T.i1, 1n)], T.i1);
  } else {
    const key = (x: Value) => {
      const neg = l.emit1("i.cmp", [x, l.konst(t, 0n)], T.i1, { pred: "slt" });
      return l.emit1("i.select", [neg, l.emit1("i.not", [x], t), l.emit1("i.or", [x, l.konst(t, sign)], t)], t);
    };
    const [x, y] = pred === "lt" || pred === "le" ? [a, b] : [b, a];
    const strict = pred === "lt" || pred === "gt";
    const order = l.emit1("i.cmp", [key(x), key(y)], T.i1, { pred: strict ? "ult" : "ule" });
    // ±0: never less than each other, always less-or-equal
    const zeroCase = strict ? l.emit1("i.xor", [zeros, l.konst(T.i1, 1n)], T.i1) : zeros;
    r = l.emit1("i.and", [ordered, strict ? l.emit1("i.and", [order, zeroCase], T.i1) : l.emit1("i.or", [order, zeroCase], T.i1)], T.i1);
  }
  return l.emit1("i.zext", [r], T.i32);
};
/** A call of the soft-float library's function `name` (compiler/wasm/softfloat.rs). */
const sf = (name: string, out: Type): Lower => (l, args) => l.softfloat(name, args, out);
/**
 * A trapping float → integer conversion: the library's status (1 NaN, 2 out of range) selects the
 * trap, then the saturating conversion gives the value.
 */
const sfTrunc = (name: string, out: Type): Lower => (l, [a]) => {
  const st = l.softfloat(`${name}_check`, [a], T.i32);
  l.emit("wasm.trap_if", [l.emit1("i.cmp", [st, l.konst(T.i32, 1n)], T.i1, { pred: "eq" })], [], { code: BigInt(TRAP.invalidConversion), msg: "invalid conversion to integer" });
  l.emit("wasm.trap_if", [l.emit1("i.cmp", [st, l.konst(T.i32, 2n)], T.i1, { pred: "eq" })], [], { code: BigInt(TRAP.overflow), msg: "integer overflow" });
  return l.softfloat(`${name}_sat`, [a], out);
};
const sext = (from: number, to: Type): Lower => (l, [a]) => l.emit1("i.sext", [l.emit1("i.trunc", [a], T.int(from))], to);

interface NumOp {
  name: string;
  in: ValType[];
  out: ValType[];
  lower?: Lower;
}
const NUM = new Map<number, NumOp>();
const def = (code: number, name: string, ins: string, outs: string, lower?: Lower) =>
  NUM.set(code, { name, in: ins ? (ins.split(" ") as ValType[]) : [], out: outs ? (outs.split(" ") as ValType[]) : [], lower });
{
  for (const [w, base, cbase] of [["i32", 0x6a, 0x45], ["i64", 0x7c, 0x50]] as const) {
    const p2 = `${w} ${w}`;
    def(cbase, `${w}.eqz`, w, "i32", eqz);
    ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"].forEach((n, i) =>
      def(cbase + 1 + i, `${w}.${n}`, p2, "i32", cmp(["eq", "ne", "slt", "ult", "sgt", "ugt", "sle", "ule", "sge", "uge"][i])));
    const c0 = w === "i32" ? 0x67 : 0x79;
    def(c0, `${w}.clz`, w, w, un("i.clz"));
    def(c0 + 1, `${w}.ctz`, w, w, un("i.ctz"));
    def(c0 + 2, `${w}.popcnt`, w, w, un("i.popcnt"));
    ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"].forEach((n, i) => {
      const ir = ["i.add", "i.sub", "i.mul", "i.divs", "i.divu", "i.rems", "i.remu", "i.and", "i.or", "i.xor", "i.shl", "i.shrs", "i.shru", "i.rotl", "i.rotr"][i];
      def(base + i, `${w}.${n}`, p2, w, n === "div_s" ? divs(ir) : bin(ir));
    });
  }
  for (const [w, c0] of [["f32", 0x5b], ["f64", 0x61]] as const)
    ["eq", "ne", "lt", "gt", "le", "ge"].forEach((n, i) => def(c0 + i, `${w}.${n}`, `${w} ${w}`, "i32", fcmp(n)));
  for (const [w, u0, b0] of [["f32", 0x8b, 0x92], ["f64", 0x99, 0xa0]] as const) {
    const t = irType(w)!;
    ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"].forEach((n, i) => def(u0 + i, `${w}.${n}`, w, w, n === "abs" ? fsign("abs") : n === "neg" ? fsign("neg") : sf(`${w}_${n}`, t)));
    ["add", "sub", "mul", "div", "min", "max", "copysign"].forEach((n, i) => def(b0 + i, `${w}.${n}`, `${w} ${w}`, w, n === "copysign" ? fsign("copysign") : sf(`${w}_${n}`, t)));
  }
  // reinterpretations: the same bits
  for (const [code, name, from, to] of [[0xbc, "i32.reinterpret_f32", "f32", "i32"], [0xbd, "i64.reinterpret_f64", "f64", "i64"], [0xbe, "f32.reinterpret_i32", "i32", "f32"], [0xbf, "f64.reinterpret_i64", "i64", "f64"]] as const)
    def(code, name, from, to, (_l, [a]) => a);
  def(0xa7, "i32.wrap_i64", "i64", "i32", conv("i.trunc", T.i32));
  def(0xa8, "i32.trunc_f32_s", "f32", "i32", sfTrunc("i32_trunc_f32_s", T.i32));
  def(0xa9, "i32.trunc_f32_u", "f32", "i32", sfTrunc("i32_trunc_f32_u", T.i32));
  def(0xaa, "i32.trunc_f64_s", "f64", "i32", sfTrunc("i32_trunc_f64_s", T.i32));
  def(0xab, "i32.trunc_f64_u", "f64", "i32", sfTrunc("i32_trunc_f64_u", T.i32));
  def(0xac, "i64.extend_i32_s", "i32", "i64", conv("i.sext", T.i64));
  def(0xad, "i64.extend_i32_u", "i32", "i64", conv("i.zext", T.i64));
  def(0xae, "i64.trunc_f32_s", "f32", "i64", sfTrunc("i64_trunc_f32_s", T.i64));
  def(0xaf, "i64.trunc_f32_u", "f32", "i64", sfTrunc("i64_trunc_f32_u", T.i64));
  def(0xb0, "i64.trunc_f64_s", "f64", "i64", sfTrunc("i64_trunc_f64_s", T.i64));
  def(0xb1, "i64.trunc_f64_u", "f64", "i64", sfTrunc("i64_trunc_f64_u", T.i64));
  def(0xb2, "f32.convert_i32_s", "i32", "f32", sf("f32_convert_i32_s", T.i32));
  def(0xb3, "f32.convert_i32_u", "i32", "f32", sf("f32_convert_i32_u", T.i32));
  def(0xb4, "f32.convert_i64_s", "i64", "f32", sf("f32_convert_i64_s", T.i32));
  def(0xb5, "f32.convert_i64_u", "i64", "f32", sf("f32_convert_i64_u", T.i32));
  def(0xb6, "f32.demote_f64", "f64", "f32", sf("f32_demote_f64", T.i32));
  def(0xb7, "f64.convert_i32_s", "i32", "f64", sf("f64_convert_i32_s", T.i64));
  def(0xb8, "f64.convert_i32_u", "i32", "f64", sf("f64_convert_i32_u", T.i64));
  def(0xb9, "f64.convert_i64_s", "i64", "f64", sf("f64_convert_i64_s", T.i64));
  def(0xba, "f64.convert_i64_u", "i64", "f64", sf("f64_convert_i64_u", T.i64));
  def(0xbb, "f64.promote_f32", "f32", "f64", sf("f64_promote_f32", T.i64));
  def(0xc0, "i32.extend8_s", "i32", "i32", sext(8, T.i32));
  def(0xc1, "i32.extend16_s", "i32", "i32", sext(16, T.i32));
  def(0xc2, "i64.extend8_s", "i64", "i64", sext(8, T.i64));
  def(0xc3, "i64.extend16_s", "i64", "i64", sext(16, T.i64));
  def(0xc4, "i64.extend32_s", "i64", "i64", sext(32, T.i64));
}
// loads and stores: [name, type, bytes, signed]
const MEMOPS = new Map<number, [string, ValType, number, boolean]>([
  [0x28, ["i32.load", "i32", 4, false]], [0x29, ["i64.load", "i64", 8, false]], [0x2a, ["f32.load", "f32", 4, false]], [0x2b, ["f64.load", "f64", 8, false]],
  [0x2c, ["i32.load8_s", "i32", 1, true]], [0x2d, ["i32.load8_u", "i32", 1, false]], [0x2e, ["i32.load16_s", "i32", 2, true]], [0x2f, ["i32.load16_u", "i32", 2, false]],
  [0x30, ["i64.load8_s", "i64", 1, true]], [0x31, ["i64.load8_u", "i64", 1, false]], [0x32, ["i64.load16_s", "i64", 2, true]], [0x33, ["i64.load16_u", "i64", 2, false]],
  [0x34, ["i64.load32_s", "i64", 4, true]], [0x35, ["i64.load32_u", "i64", 4, false]],
  [0x36, ["i32.store", "i32", 4, false]], [0x37, ["i64.store", "i64", 8, false]], [0x38, ["f32.store", "f32", 4, false]], [0x39, ["f64.store", "f64", 8, false]],
  [0x3a, ["i32.store8", "i32", 1, false]], [0x3b, ["i32.store16", "i32", 2, false]], [0x3c, ["i64.store8", "i64", 1, false]], [0x3d, ["i64.store16", "i64", 2, false]], [0x3e, ["i64.store32", "i64", 4, false]],
]);

const isNum = (t: ValType | Unknown) => t === "i32" || t === "i64" || t === "f32" || t === "f64" || t === "v128";
const isRef = (t: ValType | Unknown) => t === "funcref" || t === "externref";

export interface LiftContext {
  m: WasmModule;
  /** CWIR symbol of each function */
  syms: string[];
  /** functions that ref.func may name (declared in elements, exports, globals) */
  declaredRefs: Set<number>;
  /** the CWIR symbol of the soft-float library's function `name` (linked when used) */
  softfloat(name: string): string;
}

export class FuncLifter {
  private stack: Entry[] = [];
  private frames: Frame[] = [];
  private locals: Value[] = [];
  private localTypes: ValType[] = [];
  private cur: Block;
  private consts = new Map<string, Value>();
  private constOps: Op[] = [];
  private r: Reader;
  private assigned: Map<number, Set<number>>;
  private opAt = 0;
  unsupported?: { what: string; offset: number };
  readonly body = new Block();
  constructor(
    private ctx: LiftContext,
    private index: number,
  ) {
    const m = ctx.m;
    const b = m.bodies[index - m.importedFuncs];
    this.r = new Reader(m.bytes, b.start, b.end, index);
    this.assigned = assignedLocals(m, index, b.start, b.end);
    this.cur = this.body;
  }

  private get m(): WasmModule {
    return this.ctx.m;
  }
  private fail(msg: string, at = this.opAt): never {
    throw new WasmError(msg, at, this.index);
  }
  private get emitting(): boolean {
    const f = this.frames[this.frames.length - 1];
    return !this.unsupported && (!f || (!f.unreachable && !f.dead));
  }
  emit(name: string, operands: Value[], results: Type[] = [], attrs: Op["attrs"] = {}, regions: Region[] = []): Op {
    const op = new Op(name, operands, results, attrs, regions);
    this.cur.append(op);
    return op;
  }
  emit1(name: string, operands: Value[], result: Type, attrs: Op["attrs"] = {}): Value {
    return this.emit(name, operands, [result], attrs).results[0];
  }
  /** A constant, defined once at the top of the function (the entry block dominates every use). */
  konst(t: Type, v: bigint): Value {
    const w = t.kind === "int" ? t.width : 32;
    const val = BigInt.asUintN(w, v);
    const key = `${w}:${val}`;
    let c = this.consts.get(key);
    if (!c) {
      const op = new Op("i.const", [], [t], { value: val });
      this.constOps.push(op);
      c = op.results[0];
      this.consts.set(key, c);
    }
    return c;
  }
  /** A call of the soft-float library's function `name`. */
  softfloat(name: string, args: Value[], out: Type): Value {
    return this.emit1("cf.call", args, out, { callee: { sym: this.ctx.softfloat(name) } });
  }
  /** Notes the first instruction that cannot be lifted; in dead code (never run) it only validates. */
  private mark(what: string): void {
    if (this.emitting) this.unsupported = { what, offset: this.opAt };
  }

  // --- the validation algorithm -----------------------------------------------------------------

  private push(t: ValType | Unknown, v?: Value): void {
    this.stack.push({ t, v });
  }
  private pop(expect?: ValType): Entry {
    const f = this.frames[this.frames.length - 1];
    if (this.stack.length === f.height) {
      if (f.unreachable) return { t: "unknown" };
      this.fail(`type mismatch: expected ${expect ?? "a value"} on the stack, found none`);
    }
    const e = this.stack.pop()!;
    if (expect && e.t !== "unknown" && e.t !== expect) this.fail(`type mismatch: expected ${expect}, found ${e.t}`);
    return e;
  }
  private popAll(types: readonly ValType[]): Entry[] {
    const out: Entry[] = [];
    for (let i = types.length - 1; i >= 0; i--) out[i] = this.pop(types[i]);
    return out;
  }
  private vals(es: Entry[]): Value[] {
    return es.map((e) => e.v!);
  }
  private labelTypes(f: Frame): ValType[] {
    return f.kind === "loop" ? f.params : f.results;
  }
  private frameAt(depth: number): Frame {
    if (depth >= this.frames.length) this.fail(`unknown label ${depth}`);
    return this.frames[this.frames.length - 1 - depth];
  }
  /** CWIR label depth of WebAssembly label `depth` (an if in its then arm is two CWIR labels). */
  private cwDepth(depth: number): number {
    let d = 0;
    for (let i = 0; i < depth; i++) d += this.frames[this.frames.length - 1 - i].levels;
    return d + this.frameAt(depth).levels - 1;
  }
  private setUnreachable(): void {
    const f = this.frames[this.frames.length - 1];
    this.stack.length = f.height;
    f.unreachable = true;
  }
  private carriedTypes(f: Frame): Type[] {
    return f.carried.map((i) => this.locals[i].type);
  }
  /** The values a branch to frame f passes: its label values, then its carried locals. */
  private branchArgs(f: Frame, labelVals: Value[]): Value[] {
    return [...labelVals, ...f.carried.map((i) => this.locals[i])];
  }
  private pushFrame(kind: Frame["kind"], ft: FuncType, at: number): Frame {
    // the CWIR of deeper nesting would be walked recursively by the verifier and the backend
    if (this.frames.length >= MAX_NESTING) throw new UnsupportedError(`blocks nested deeper than ${MAX_NESTING}`, at, this.index);
    const dead = !this.emitting;
    // an index past the locals fails validation where its local.set is read; carry only real ones
    const carried = kind === "func" ? [] : [...(this.assigned.get(at) ?? [])].filter((i) => i < this.locals.length).sort((a, b) => a - b);
    const f: Frame = { kind, params: ft.params, results: ft.results, height: this.stack.length, unreachable: false, dead, levels: 1, carried };
    this.frames.push(f);
    return f;
  }

  lift(): LiftedFunc {
    const m = this.m;
    const ft = m.types[m.funcs[this.index]];
    const localTypes = [...ft.params, ...m.bodies[this.index - m.importedFuncs].locals];
    this.localTypes = localTypes;
    const bad = localTypes.find((t) => !irType(t)) ?? ft.results.find((t) => !irType(t));
    if (bad) {
      this.opAt = m.bodies[this.index - m.importedFuncs].start;
      this.mark(`a ${bad} ${localTypes.includes(bad) ? "parameter or local" : "result"}`);
    }
    const params = ft.params.map((t) => irType(t) ?? T.i32);
    const results = ft.results.map((t) => irType(t) ?? T.i32);
    for (const p of params) this.body.addArg(p);
    this.locals = localTypes.map((t, i) => (i < ft.params.length ? this.body.args[i] : this.konst(irType(t) ?? T.i32, 0n)));
    const top = this.pushFrame("func", { params: [], results: ft.results }, -1);
    let bodyOp: Op | undefined;
    if (this.emitting) {
      bodyOp = this.emit("cf.block", [], results, {}, [new Region([new Block()])]);
      top.op = bodyOp;
      top.outer = this.body;
      this.cur = bodyOp.regions[0].blocks[0];
    }
    this.run();
    if (this.r.pos !== this.r.end) this.fail("section size mismatch: the function body continues after its final end", this.r.pos);
    // the constants first: they dominate every use
    const ops = [...this.constOps, ...this.body.ops];
    this.body.setOps(ops);
    if (this.unsupported) {
      const blk = new Op("cf.block", [], results, {}, [new Region([new Block()])]);
      blk.regions[0].blocks[0].append(new Op("cf.trap", [], [], { code: BigInt(TRAP.unsupported), msg: `${this.unsupported.what} is not supported` }));
      this.body.setOps([blk, new Op("cf.return", blk.results, [])]);
    } else if (bodyOp) this.body.append(new Op("cf.return", bodyOp.results, []));
    return { params, results, block: this.body, unsupported: this.unsupported };
  }

  private run(): void {
    const r = this.r;
    const m = this.m;
    while (this.frames.length) {
      if (r.done) this.fail("unexpected end of the function body (missing end)", r.pos);
      this.opAt = r.pos;
      const at = r.pos;
      const op = r.byte();
      const num = NUM.get(op);
      if (num) {
        const args = this.popAll(num.in);
        if (!num.lower) {
          this.mark(`${num.name}${num.in.concat(num.out).some((t) => t === "f32" || t === "f64") ? " (floating point)" : ""}`);
          for (const t of num.out) this.push(t);
          continue;
        }
        const v = this.emitting ? num.lower(this, this.vals(args)) : undefined;
        this.push(num.out[0], v);
        continue;
      }
      const mem = MEMOPS.get(op);
      if (mem) {
        this.memOp(mem, op >= 0x36);
        continue;
      }
      switch (op) {
        case 0x00: // unreachable
          if (this.emitting) this.emit("cf.trap", [], [], { code: BigInt(TRAP.unreachable), msg: "unreachable" });
          this.setUnreachable();
          break;
        case 0x01: break;
        case 0x02: case 0x03: case 0x04: {
          const ft = blockType(r, m);
          if (op === 0x04) {
            const c = this.pop("i32");
            const ps = this.popAll(ft.params);
            this.beginIf(ft, at, c, ps);
          } else {
            const ps = this.popAll(ft.params);
            this.begin(op === 0x02 ? "block" : "loop", ft, at, ps);
          }
          break;
        }
        case 0x05: this.elseArm(); break;
        case 0x0b: this.end(); break;
        case 0x0c: { // br
          const d = r.u();
          const f = this.frameAt(d);
          const vs = this.popAll(this.labelTypes(f));
          if (this.emitting) this.emit("cf.br", this.branchArgs(f, this.vals(vs)), [], { depth: BigInt(this.cwDepth(d)) });
          this.setUnreachable();
          break;
        }
        case 0x0d: { // br_if
          const d = r.u();
          const c = this.pop("i32");
          const f = this.frameAt(d);
          const vs = this.popAll(this.labelTypes(f));
          if (this.emitting) this.emit("cf.br_if", [c.v!, ...this.branchArgs(f, this.vals(vs))], [], { depth: BigInt(this.cwDepth(d)) });
          this.labelTypes(f).forEach((t, i) => this.push(t, vs[i].v));
          break;
        }
        case 0x0e: this.brTable(); break;
        case 0x0f: { // return
          const f = this.frames[0];
          const vs = this.popAll(f.results);
          if (this.emitting) this.emit("cf.br", this.vals(vs), [], { depth: BigInt(this.cwDepth(this.frames.length - 1)) });
          this.setUnreachable();
          break;
        }
        case 0x10: { // call
          const fi = r.u();
          if (fi >= m.funcs.length) this.fail(`unknown function ${fi}`);
          const ft = m.types[m.funcs[fi]];
          const as = this.popAll(ft.params);
          const types = ft.results.map(irType);
          let res: Value[] = [];
          if (types.some((t) => !t) || ft.params.some((t) => !irType(t))) this.mark(`a call of a function with ${[...ft.params, ...ft.results].find((t) => !irType(t))} values`);
          else if (this.emitting) res = this.emit("cf.call", this.vals(as), types as Type[], { callee: { sym: this.ctx.syms[fi] } }).results;
          ft.results.forEach((t, i) => this.push(t, res[i]));
          break;
        }
        case 0x11: { // call_indirect
          const ti = r.u();
          const tab = r.u();
          if (!m.types[ti]) this.fail(`unknown type ${ti}`);
          if (!m.tables[tab]) this.fail(`unknown table ${tab}`);
          if (m.tables[tab].type !== "funcref") this.fail("type mismatch: call_indirect needs a table of funcref");
          const ft = m.types[ti];
          const idx = this.pop("i32");
          const as = this.popAll(ft.params);
          const types = ft.results.map(irType);
          let res: Value[] = [];
          if (tab !== 0) this.mark("call_indirect through a table other than table 0 (reference types)");
          if (types.some((t) => !t) || ft.params.some((t) => !irType(t))) this.mark(`call_indirect of a signature with ${[...ft.params, ...ft.results].find((t) => !irType(t))} values`);
          else if (this.emitting) res = this.emit("wasm.call_indirect", [...this.vals(as), idx.v!], types as Type[], { sig: sigOf(ft) }).results;
          ft.results.forEach((t, i) => this.push(t, res[i]));
          break;
        }
        case 0x12: case 0x13: this.unsupportedProposal(`${op === 0x12 ? "return_call" : "return_call_indirect"} (tail calls)`); break;
        case 0x1a: this.pop(); break; // drop
        case 0x1b: case 0x1c: { // select
          if (op === 0x1c) {
            const n = r.u();
            if (n !== 1) this.fail("invalid result arity: typed select takes one type");
            const t = valType(r);
            const c = this.pop("i32");
            const b = this.pop(t);
            const a = this.pop(t);
            this.select(t, a, b, c);
          } else {
            const c = this.pop("i32");
            const b = this.pop();
            const a = this.pop();
            if (isRef(a.t) || isRef(b.t)) this.fail("type mismatch: select without a type takes numbers");
            if (a.t !== "unknown" && b.t !== "unknown" && a.t !== b.t) this.fail(`type mismatch: select of ${a.t} and ${b.t}`);
            const t = a.t === "unknown" ? b.t : a.t;
            if (t !== "unknown" && !isNum(t)) this.fail("type mismatch");
            this.select(t, a, b, c);
          }
          break;
        }
        case 0x20: {
          const i = r.u();
          if (i >= this.localTypes.length) this.fail(`unknown local ${i}`);
          this.push(this.localTypes[i], this.locals[i]);
          break;
        }
        case 0x21: case 0x22: {
          const i = r.u();
          if (i >= this.localTypes.length) this.fail(`unknown local ${i}`);
          const e = this.pop(this.localTypes[i]);
          if (this.emitting && e.v) this.locals[i] = e.v;
          if (op === 0x22) this.push(this.localTypes[i], e.v);
          break;
        }
        case 0x23: case 0x24: {
          const gi = r.u();
          const g = m.globals[gi];
          if (!g) this.fail(`unknown global ${gi}`);
          const ty = irType(g.type);
          if (op === 0x23) {
            let v: Value | undefined;
            if (!ty) this.mark(`global.get of a ${g.type} global`);
            else if (this.emitting) {
              const init = g.init;
              if (!g.mutable && !init.imported) v = this.konst(ty, init.value);
              else v = this.emit1("wasm.global_get", [], ty, { index: BigInt(gi) });
            }
            this.push(g.type, v);
          } else {
            if (!g.mutable) this.fail("global is immutable");
            const e = this.pop(g.type);
            if (!ty) this.mark(`global.set of a ${g.type} global`);
            else if (this.emitting) this.emit("wasm.global_set", [e.v!], [], { index: BigInt(gi) });
          }
          break;
        }
        case 0x25: case 0x26: {
          const ti = r.u();
          if (!m.tables[ti]) this.fail(`unknown table ${ti}`);
          const t = m.tables[ti].type;
          if (op === 0x25) {
            this.pop("i32");
            this.push(t);
          } else {
            this.pop(t);
            this.pop("i32");
          }
          this.mark(`${op === 0x25 ? "table.get" : "table.set"} (reference types)`);
          break;
        }
        case 0x3f: case 0x40: {
          if (r.byte() !== 0) this.fail("zero byte expected (multiple memories are not supported)", r.pos - 1);
          if (!m.memories.length) this.fail("unknown memory 0");
          if (op === 0x3f) this.push("i32", this.emitting ? this.emit1("wasm.memory_size", [], T.i32) : undefined);
          else {
            const n = this.pop("i32");
            this.push("i32", this.emitting ? this.emit1("wasm.memory_grow", [n.v!], T.i32) : undefined);
          }
          break;
        }
        case 0x41: { const v = r.s(32); this.push("i32", this.emitting ? this.konst(T.i32, v) : undefined); break; }
        case 0x42: { const v = r.s(64); this.push("i64", this.emitting ? this.konst(T.i64, v) : undefined); break; }
        case 0x43: { const v = BigInt(r.u32le()); this.push("f32", this.emitting ? this.konst(T.i32, v) : undefined); break; }
        case 0x44: { const v = r.u64le(); this.push("f64", this.emitting ? this.konst(T.i64, v) : undefined); break; }
        case 0xd0: { // ref.null
          const t = r.byte();
          if (t !== 0x70 && t !== 0x6f) this.fail("malformed reference type");
          this.mark("ref.null (reference types)");
          this.push(t === 0x70 ? "funcref" : "externref");
          break;
        }
        case 0xd1: {
          const e = this.pop();
          if (!isRef(e.t) && e.t !== "unknown") this.fail("type mismatch: ref.is_null takes a reference");
          this.mark("ref.is_null (reference types)");
          this.push("i32");
          break;
        }
        case 0xd2: {
          const fi = r.u();
          if (fi >= m.funcs.length) this.fail(`unknown function ${fi}`);
          if (!this.ctx.declaredRefs.has(fi)) this.fail(`undeclared function reference ${fi}`);
          this.mark("ref.func (reference types)");
          this.push("funcref");
          break;
        }
        case 0xfc: this.prefixed(); break;
        case 0xfd: this.unsupportedProposal("a SIMD instruction (v128)"); break;
        case 0xfe: this.unsupportedProposal("an atomic instruction (threads)"); break;
        case 0xfb: this.unsupportedProposal("a GC instruction"); break;
        case 0x06: case 0x07: case 0x08: case 0x09: case 0x18: case 0x19: case 0x1f: this.unsupportedProposal("an exception-handling instruction"); break;
        default: this.fail(`illegal opcode 0x${op.toString(16)}`);
      }
    }
  }

  /** A proposal whose encoding this frontend does not know: it stops here (nothing after it is read). */
  private unsupportedProposal(what: string): never {
    throw new UnsupportedError(`${what} is not supported`, this.opAt, this.index);
  }

  private select(t: ValType | Unknown, a: Entry, b: Entry, c: Entry): void {
    let v: Value | undefined;
    if (t !== "unknown" && !irType(t)) this.mark(`select of ${t} values`);
    else if (this.emitting && a.v && b.v && c.v) v = this.emit1("i.select", [this.emit1("i.cmp", [c.v, this.konst(T.i32, 0n)], T.i1, { pred: "ne" }), a.v, b.v], a.v.type);
    this.push(t, v);
  }

  private memOp([name, t, bytes, signed]: [string, ValType, number, boolean], store: boolean): void {
    const r = this.r;
    const alignAt = r.pos;
    const align = r.u();
    const offset = r.u();
    if (!this.m.memories.length) this.fail("unknown memory 0");
    if (align >= 32 || 2 ** align > bytes) this.fail(`alignment must not be larger than natural (${name})`, alignAt);
    const ty = irType(t);
    if (!ty) this.mark(`${name} (floating point)`);
    if (store) {
      const v = this.pop(t);
      const a = this.pop("i32");
      if (ty && this.emitting) this.emit("wasm.store", [a.v!, v.v!], [], { offset: BigInt(offset), bytes: BigInt(bytes) });
    } else {
      const a = this.pop("i32");
      this.push(t, ty && this.emitting ? this.emit1("wasm.load", [a.v!], ty, { offset: BigInt(offset), bytes: BigInt(bytes), signed }) : undefined);
    }
  }

  private prefixed(): void {
    const r = this.r;
    const m = this.m;
    const sub = r.u();
    const dataIdx = () => {
      const k = r.u();
      if (m.dataCount === undefined) this.fail("data count section required");
      if (k >= m.dataCount) this.fail(`unknown data segment ${k}`);
      return k;
    };
    const zero = () => {
      if (r.byte() !== 0) this.fail("zero byte expected", r.pos - 1);
      if (!m.memories.length) this.fail("unknown memory 0");
    };
    const three = () => this.popAll(["i32", "i32", "i32"]);
    if (sub <= 7) {
      const names = ["i32.trunc_sat_f32_s", "i32.trunc_sat_f32_u", "i32.trunc_sat_f64_s", "i32.trunc_sat_f64_u", "i64.trunc_sat_f32_s", "i64.trunc_sat_f32_u", "i64.trunc_sat_f64_s", "i64.trunc_sat_f64_u"];
      const a = this.pop(sub % 4 < 2 ? "f32" : "f64");
      const out = sub < 4 ? T.i32 : T.i64;
      // the library's saturating conversion is the *_sat function of the trapping one
      this.push(sub < 4 ? "i32" : "i64", this.emitting ? this.softfloat(`${names[sub].replace("trunc_sat", "trunc").replace(".", "_")}_sat`, [a.v!], out) : undefined);
      return;
    }
    switch (sub) {
      case 8: {
        const k = dataIdx();
        zero();
        const [d, s, n] = three();
        if (this.emitting) this.emit("wasm.memory_init", [d.v!, s.v!, n.v!], [], { segment: BigInt(k) });
        return;
      }
      case 9: {
        const k = dataIdx();
        if (this.emitting) this.emit("wasm.data_drop", [], [], { segment: BigInt(k) });
        return;
      }
      case 10: {
        zero();
        zero();
        const [d, s, n] = three();
        if (this.emitting) this.emit("wasm.memory_copy", [d.v!, s.v!, n.v!]);
        return;
      }
      case 11: {
        zero();
        const [d, v, n] = three();
        if (this.emitting) this.emit("wasm.memory_fill", [d.v!, v.v!, n.v!]);
        return;
      }
      case 12: {
        const k = r.u();
        const ti = r.u();
        if (!m.tables[ti]) this.fail(`unknown table ${ti}`);
        if (k >= m.elems.length) this.fail(`unknown elem segment ${k}`);
        if (m.elems[k].type !== m.tables[ti].type) this.fail("type mismatch: element segment and table types differ");
        const [d, s, n] = three();
        if (ti !== 0) this.mark("table.init of a table other than table 0 (reference types)");
        else if (this.emitting) this.emit("wasm.table_init", [d.v!, s.v!, n.v!], [], { segment: BigInt(k) });
        return;
      }
      case 13: {
        const k = r.u();
        if (k >= m.elems.length) this.fail(`unknown elem segment ${k}`);
        if (this.emitting) this.emit("wasm.elem_drop", [], [], { segment: BigInt(k) });
        return;
      }
      case 14: {
        const t1 = r.u();
        const t2 = r.u();
        if (!m.tables[t1]) this.fail(`unknown table ${t1}`);
        if (!m.tables[t2]) this.fail(`unknown table ${t2}`);
        if (m.tables[t1].type !== m.tables[t2].type) this.fail("type mismatch: table.copy between tables of different types");
        const [d, s, n] = three();
        if (t1 !== 0 || t2 !== 0) this.mark("table.copy between tables other than table 0 (reference types)");
        else if (this.emitting) this.emit("wasm.table_copy", [d.v!, s.v!, n.v!]);
        return;
      }
      case 15: case 17: {
        const ti = r.u();
        if (!m.tables[ti]) this.fail(`unknown table ${ti}`);
        const t = m.tables[ti].type;
        if (sub === 15) {
          this.pop("i32");
          this.pop(t);
          this.push("i32");
        } else {
          this.pop("i32");
          this.pop(t);
          this.pop("i32");
        }
        this.mark(`${sub === 15 ? "table.grow" : "table.fill"} (reference types)`);
        return;
      }
      case 16: {
        const ti = r.u();
        if (!m.tables[ti]) this.fail(`unknown table ${ti}`);
        if (ti !== 0) this.mark("table.size of a table other than table 0");
        this.push("i32", this.emitting && ti === 0 ? this.emit1("wasm.table_size", [], T.i32) : undefined);
        return;
      }
    }
    this.unsupportedProposal(`the instruction 0xfc ${sub}`);
  }

  private begin(kind: "block" | "loop", ft: FuncType, at: number, ps: Entry[]): void {
    const emitting = this.emitting;
    const f = this.pushFrame(kind, ft, at);
    f.height = this.stack.length;
    if (emitting && ft.results.concat(ft.params).some((t) => !irType(t))) this.mark(`a ${kind} with ${ft.results.concat(ft.params).find((t) => !irType(t))} values`);
    if (!this.emitting) {
      f.dead = true;
      for (const t of ft.params) this.push(t);
      return;
    }
    const resTypes = [...ft.results.map((t) => irType(t)!), ...this.carriedTypes(f)];
    f.outer = this.cur;
    if (kind === "block") {
      const op = this.emit("cf.block", [], resTypes, {}, [new Region([new Block()])]);
      f.op = op;
      this.cur = op.regions[0].blocks[0];
      ps.forEach((p, i) => this.push(ft.params[i], p.v));
    } else {
      const init = [...this.vals(ps), ...f.carried.map((i) => this.locals[i])];
      const blk = new Block(init.map((v) => v.type));
      const op = this.emit("cf.loop", init, resTypes, {}, [new Region([blk])]);
      f.op = op;
      this.cur = blk;
      ps.forEach((_, i) => this.push(ft.params[i], blk.args[i]));
      f.carried.forEach((li, i) => (this.locals[li] = blk.args[ps.length + i]));
    }
  }

  private beginIf(ft: FuncType, at: number, c: Entry, ps: Entry[]): void {
    const emitting = this.emitting;
    const f = this.pushFrame("if", ft, at);
    if (emitting && ft.results.concat(ft.params).some((t) => !irType(t))) this.mark(`an if with ${ft.results.concat(ft.params).find((t) => !irType(t))} values`);
    f.entryLocals = [...this.locals];
    if (!this.emitting) {
      f.dead = true;
      for (const t of ft.params) this.push(t);
      return;
    }
    f.outer = this.cur;
    f.levels = 2;
    const outer = this.emit("cf.block", [], [...ft.results.map((t) => irType(t)!), ...this.carriedTypes(f)], {}, [new Region([new Block()])]);
    this.cur = outer.regions[0].blocks[0];
    const inner = this.emit("cf.block", [], ft.params.map((t) => irType(t)!), {}, [new Region([new Block()])]);
    this.cur = inner.regions[0].blocks[0];
    this.emit("cf.br_if", [c.v!, ...this.vals(ps)], [], { depth: 0n, zero: true });
    f.op = outer;
    f.inner = inner;
    ps.forEach((p, i) => this.push(ft.params[i], p.v));
  }

  /** Checks the stack at the end of a frame's arm; ends the arm's region with its yield / branch. */
  private closeArm(f: Frame): Entry[] {
    const vs = this.popAll(f.results);
    if (this.stack.length !== f.height) this.fail(`type mismatch: ${this.stack.length - f.height} values left on the stack at the end of a ${f.kind === "else" ? "if" : f.kind}`);
    return vs;
  }

  private elseArm(): void {
    const f = this.frames[this.frames.length - 1];
    if (f.kind !== "if") this.fail("else without a matching if");
    const vs = this.closeArm(f);
    const arm = !f.dead && !f.unreachable && !this.unsupported;
    if (arm) this.emit("cf.br", this.branchArgs(f, this.vals(vs)), [], { depth: 1n });
    f.kind = "else";
    f.unreachable = false;
    if (!f.dead && f.inner) {
      this.cur = f.op!.regions[0].blocks[0];
      f.levels = 1;
      this.locals = [...f.entryLocals!];
      f.inner.results.forEach((v, i) => this.push(f.params[i], v));
    } else for (const t of f.params) this.push(t);
  }

  private end(): void {
    const f = this.frames[this.frames.length - 1];
    if (f.kind === "if") {
      // an if without else: the missing else passes its parameters through
      if (f.params.length !== f.results.length || f.params.some((t, i) => t !== f.results[i])) this.fail("type mismatch: an if without else must give back its parameters");
      this.elseArm();
    }
    const vs = this.closeArm(f);
    const live = !f.dead && !f.unreachable && !this.unsupported;
    this.frames.pop();
    if (f.kind === "func") {
      if (live) this.emit("cf.yield", this.vals(vs));
      this.cur = this.body;
      return;
    }
    if (live) this.emit("cf.yield", this.branchArgs(f, this.vals(vs)));
    if (f.dead || !f.op) {
      for (const t of f.results) this.push(t);
      return;
    }
    this.cur = f.outer!;
    const res = f.op.results;
    if (!this.unsupported) {
      f.carried.forEach((li, i) => (this.locals[li] = res[f.results.length + i]));
      f.results.forEach((t, i) => this.push(t, res[i]));
    } else for (const t of f.results) this.push(t);
  }

  private brTable(): void {
    const r = this.r;
    const n = r.count("br_table label");
    const labels = Array.from({ length: n }, () => r.u());
    const def = r.u();
    const idx = this.pop("i32");
    const df = this.frameAt(def);
    const arity = this.labelTypes(df).length;
    // every target takes the same number of values, each of a type the stack has
    const popped: Entry[][] = [];
    for (const l of [...labels, def]) {
      const lt = this.labelTypes(this.frameAt(l));
      if (lt.length !== arity) this.fail("type mismatch: br_table targets of different arity");
      popped.push(this.popAll(lt));
      for (const e of popped[popped.length - 1]) this.push(e.t, e.v);
    }
    const vs = this.popAll(this.labelTypes(df));
    if (this.emitting) {
      const targets = [...new Set([...labels, def])];
      if (targets.length > MAX_NESTING) throw new UnsupportedError(`a br_table with more than ${MAX_NESTING} distinct targets`, this.opAt, this.index);
      if (targets.length === 1) this.emit("cf.br", this.branchArgs(df, this.vals(vs)), [], { depth: BigInt(this.cwDepth(def)) });
      else {
        // one cf.block per distinct target, nested; leaving block j runs the cf.br to target j
        const k = targets.length;
        const start = this.cur;
        const blocks: Op[] = [];
        let here = start;
        for (let j = k - 1; j >= 0; j--) {
          const op = new Op("cf.block", [], [], {}, [new Region([new Block()])]);
          here.append(op);
          blocks[j] = op;
          here = op.regions[0].blocks[0];
        }
        here.append(new Op("cf.br_table", [idx.v!], [], { depths: labels.map((l) => BigInt(targets.indexOf(l))), default: BigInt(targets.indexOf(def)) }));
        for (let j = 0; j < k; j++) {
          const container = j === k - 1 ? start : blocks[j + 1].regions[0].blocks[0];
          const f = this.frameAt(targets[j]);
          container.append(new Op("cf.br", this.branchArgs(f, this.vals(vs)), [], { depth: BigInt(this.cwDepth(targets[j]) + (k - 1 - j)) }));
        }
      }
    }
    this.setUnreachable();
  }
}

/** An instruction of a proposal this frontend cannot even decode: the function stops there. */
export class UnsupportedError extends WasmError {}

// The zkVM's tables as one symbolic AIR (runtime/air): one chip per instruction family, a program ROM,
// range, bitwise, power-of-two and bit-count tables, a memory init/final chip and a byte-copy chip for
// input/output, joined by LogUp buses (spec/zkvm.md, "Prover tables"). Every cell is a small
// non-negative integer (16-bit limbs, bytes, bits, timestamps < 2^24), so the same description holds
// over BabyBear and over BN254 Fr.
//
// Buses (tuple arity fixed per bus):
// - state (pc, fp, aux, clk): each executed instruction receives the state and sends the next one; a
//   halting instruction sends (HALT_PC, exit code low limb, high limb, clk + 1) instead.
// - rom (pc, opcode, a, ax, b, bx, c, cx): instruction rows send the instruction they execute, the ROM
//   chip receives it with a multiplicity column (immediates as two 16-bit limbs: x = high limb).
// - memory (space, addr, lo, hi, ts): timestamped offline memory checking. Space 0 is the register file
//   (addr = fp + r, a 32-bit cell as two limbs), space 1 linear memory (one byte per address, hi = 0),
//   space 2 the machine's other state (addr 0: input bytes left, 1: output bytes written, 2: the
//   accessible memory size). An access receives (addr, old value, old ts) and sends (addr, new value,
//   ts) with ts > old ts by a range check (ts − old ts − 1 < 2^24). Instruction accesses use
//   ts = 4·clk + slot (slot 1..3), so accesses within one instruction are ordered too; the memtouch chip
//   starts and ends each cell's history.
// - u16 (v), bitwise (kind, x, y, z) with kind 0 and, 1 or, 2 xor, 3 "both bytes" (z = 0): lookups
//   into one fixed 2^16-row table (table16); pow2 (e, 2^e as four limbs, e = 0) into a 64-row one;
//   bits (kind, x, y, popcount / clz / ctz of x + 256·y) into bits16. Each table has a multiplicity
//   column per kind of lookup; a program's AIR holds only the chips and tables its code can use.
// - io (kind, addr, cursor, count, clk): an ecall read/write hands a byte copy to the io chip, one row
//   per byte; input (left, byte) and output (position, byte) connect those rows to the public input and
//   output as boundary terms.
import { add, col, cnst, first, mul, neg, sub, sum, transition, type Air, type Chip, type Expr, type Interaction } from "../../air/index.ts";
import { OPC, OPS, type Program } from "../isa.ts";

/** The pc a halting instruction sends on the state bus (above every code index: MAX_CODE). */
export const HALT_PC = 1 << 24;
/** Timestamps are 4·clk + slot and stay below 2^24 (gaps range-checked in 16 + 8 bits): a run (one
 *  segment) has fewer than 2^22 instructions. */
export const MAX_CLK = 1 << 22;
export const SPACE_REG = 0;
export const SPACE_MEM = 1;
/** Space 2: the machine's other state cells: input bytes left, output bytes written, memory bound. */
export const SPACE_CUR = 2;
export const CUR_IN = 0;
export const CUR_OUT = 1;
export const CUR_BOUND = 2;
/** Linear memory addresses are below 2^26 (MAX_MEMORY): keys space·2^27 + addr order the touched cells. */
export const KEY_SHIFT = 1 << 27;

export const K = (v: number | bigint): Expr => cnst(v);
const lin = (...terms: [number, Expr][]): Expr => sum(terms.map(([k, e]) => (k === 1 ? e : mul(K(k), e))));

/** Builds one chip: named columns, constraints, interactions. */
export class ChipBuilder {
  readonly columns: string[] = [];
  readonly constraints: Expr[] = [];
  readonly interactions: Interaction[] = [];
  private readonly idx = new Map<string, number>();
  private readonly byteQueue: Expr[] = [];
  /** the chip's "row is real" expression: byte checks queued with `byte` are paired under it */
  gate?: Expr;
  constructor(readonly name: string) {}
  /** v < 256 on real rows: queued and checked two at a time (rows that are not real hold zeros) */
  byte(v: Expr): void {
    if (!this.gate) throw new Error(`chip ${this.name}: byte() needs a gate`);
    this.byteQueue.push(v);
  }
  /** the column `name` (created on first use) */
  c(name: string, next = false): Expr {
    let i = this.idx.get(name);
    if (i === undefined) {
      i = this.columns.length;
      this.idx.set(name, i);
      this.columns.push(name);
    }
    return col(i, next);
  }
  zero(e: Expr, gate?: Expr): void {
    this.constraints.push(gate ? mul(gate, e) : e);
  }
  eq(a: Expr, b: Expr, gate?: Expr): void {
    this.zero(sub(a, b), gate);
  }
  bit(e: Expr): void {
    this.zero(mul(e, sub(K(1), e)));
  }
  send(bus: string, values: Expr[], m: Expr): void {
    this.interactions.push({ bus, values, multiplicity: m });
  }
  recv(bus: string, values: Expr[], m: Expr): void {
    this.interactions.push({ bus, values, multiplicity: neg(m) });
  }
  u16(v: Expr, m: Expr): void {
    this.send("u16", [v], m);
  }
  /** v < 2^bits (bits ≤ 16): v and v·2^(16−bits) both in the u16 table */
  range(v: Expr, bits: number, m: Expr): void {
    this.u16(v, m);
    if (bits < 16) this.u16(mul(K(1 << (16 - bits)), v), m);
  }
  bytes(x: Expr, y: Expr, m: Expr): void {
    this.send("bitwise", [K(3), x, y, K(0)], m);
  }
  chip(fixed?: Chip["fixed"]): Chip {
    for (let i = 0; i < this.byteQueue.length; i += 2) this.bytes(this.byteQueue[i], this.byteQueue[i + 1] ?? K(0), this.gate!);
    this.byteQueue.length = 0;
    return { name: this.name, columns: this.columns, constraints: this.constraints, interactions: this.interactions, ...(fixed ? { fixed } : {}) };
  }
}

/**
 * One memory access of a chip row. Columns `<p>.l`, `<p>.h` (the value after; `<p>.v` for a byte),
 * `<p>.pl`, `<p>.ph` (the value before, only when the slot can write), `<p>.ts` (the previous access's
 * timestamp), `<p>.dlo`, `<p>.dhi` (ts − old ts − 1 in 16 + 8 bits; the byte is checked on every real
 * row of the chip, paired with another byte check). `readOnly`: rows where the slot
 * only reads (value after = value before). `range`: 16-bit checks of a written value.
 */
export function access(
  cb: ChipBuilder,
  p: string,
  o: { space: Expr; addr: Expr; ts: Expr; m: Expr; write?: boolean; readOnly?: Expr; byte?: boolean; range?: Expr },
): { l: Expr; h: Expr; pl: Expr; ph: Expr } {
  const l = cb.c(o.byte ? `${p}.v` : `${p}.l`);
  const h = o.byte ? K(0) : cb.c(`${p}.h`);
  let pl = l;
  let ph = h;
  if (o.write) {
    pl = cb.c(o.byte ? `${p}.pv` : `${p}.pl`);
    ph = o.byte ? K(0) : cb.c(`${p}.ph`);
    if (o.readOnly) {
      cb.eq(l, pl, o.readOnly);
      if (!o.byte) cb.eq(h, ph, o.readOnly);
    }
  }
  const ots = cb.c(`${p}.ts`);
  const dlo = cb.c(`${p}.dlo`);
  const dhi = cb.c(`${p}.dhi`);
  cb.eq(sub(sub(o.ts, ots), K(1)), lin([1, dlo], [65536, dhi]), o.m);
  cb.u16(dlo, o.m);
  if (cb.gate) cb.byte(dhi);
  else cb.range(dhi, 8, o.m);
  cb.recv("memory", [o.space, o.addr, pl, ph, ots], o.m);
  cb.send("memory", [o.space, o.addr, l, h, o.ts], o.m);
  if (o.range) {
    cb.u16(l, o.range);
    if (!o.byte) cb.u16(h, o.range);
  }
  return { l, h, pl, ph };
}

/** s = 0 ⇔ `<p>.z` = 1, on rows where `gate` = 1 (0 ≤ s < 2^26): z·s = 0, and when z = 0,
 *  s − 1 = tlo + 2^16·thi with tlo < 2^16, thi < 2^10 (so s ≠ 0: −1 is no such sum in either field). */
export function isZero(cb: ChipBuilder, p: string, s: Expr, gate: Expr): Expr {
  const z = cb.c(`${p}.z`);
  const tlo = cb.c(`${p}.tlo`);
  const thi = cb.c(`${p}.thi`);
  cb.bit(z);
  cb.zero(mul(z, s));
  cb.zero(mul(sub(gate, z), sub(sub(s, K(1)), lin([1, tlo], [65536, thi]))));
  cb.u16(tlo, gate);
  cb.range(thi, 10, gate);
  return z;
}

/** Bytes b0..b3 of a 32-bit value given as limbs (l, h); range-checked as two byte pairs on `m`. */
function byteSplit(cb: ChipBuilder, p: string, l: Expr, h: Expr, m: Expr, gate?: Expr): Expr[] {
  const b = [0, 1, 2, 3].map((i) => cb.c(`${p}${i}`));
  cb.eq(l, lin([1, b[0]], [256, b[1]]), gate);
  cb.eq(h, lin([1, b[2]], [256, b[3]]), gate);
  cb.bytes(b[0], b[1], m);
  cb.bytes(b[2], b[3], m);
  return b;
}

/**
 * n × n-byte product (n = 4 or 8): column k of the schoolbook sum plus the carry in equals
 * p_k + 256·carry_k. Column sums stay below 2^20 and carries below 2^16 (checked), so no equation wraps
 * in BabyBear. With `low`, the product must fit n bytes (the higher columns and the last carry are zero).
 */
function product(cb: ChipBuilder, p: string, x: Expr[], y: Expr[], m: Expr, low = false): Expr[] {
  const n = x.length;
  const nOut = low ? n : 2 * n;
  const out = Array.from({ length: nOut }, (_, k) => cb.c(`${p}.p${k}`));
  const carries = Array.from({ length: low ? n : 2 * n - 2 }, (_, k) => cb.c(`${p}.c${k}`));
  for (let k = 0; k < 2 * n - 1; k++) {
    const terms: Expr[] = [];
    for (let i = 0; i < n; i++) if (k - i >= 0 && k - i < n) terms.push(mul(x[i], y[k - i]));
    if (k > 0 && k - 1 < carries.length) terms.push(carries[k - 1]);
    const lhs = sum(terms);
    if (k < carries.length) cb.eq(lhs, lin([1, out[k]], [256, carries[k]]));
    else if (!low) cb.eq(lhs, lin([1, out[2 * n - 2]], [256, out[2 * n - 1]])); // the top two bytes
    else cb.zero(lhs);
  }
  for (let k = 0; k < nOut; k += 2) cb.bytes(out[k], out[k + 1], m);
  for (const c of carries) cb.u16(c, m);
  return out;
}

interface Instr {
  cb: ChipBuilder;
  sel: Record<string, Expr>;
  real: Expr;
  pc: Expr;
  fp: Expr;
  clk: Expr;
  a: Expr;
  ax: Expr;
  b: Expr;
  bx: Expr;
  c: Expr;
  cx: Expr;
  ts: (slot: number) => Expr;
  any: (...ops: string[]) => Expr;
}

/** The columns and interactions every instruction chip shares: the state it receives, the ROM entry
 *  it executes (opcode = Σ code·selector), one selector bit per opcode of the chip. */
function instrChip(name: string, ops: string[]): Instr {
  const cb = new ChipBuilder(name);
  const [pc, fp, clk, a, ax, b, bx, c, cx] = ["pc", "fp", "clk", "a", "ax", "b", "bx", "c", "cx"].map((n) => cb.c(n));
  const sel: Record<string, Expr> = {};
  for (const o of ops) {
    sel[o] = cb.c(`is_${o}`);
    cb.bit(sel[o]);
  }
  const real = sum(ops.map((o) => sel[o]));
  cb.bit(real);
  cb.gate = real;
  // a selector name may be an opcode with a suffix (sext8: sext with width 8)
  const opcode = sum(ops.map((o) => lin([OPC[o.toUpperCase()] ?? OPC[o.replace(/\d+$/, "").toUpperCase()], sel[o]])));
  cb.send("rom", [pc, opcode, a, ax, b, bx, c, cx], real);
  cb.recv("state", [pc, fp, K(0), clk], real);
  const ts = (slot: number) => add(mul(K(4), clk), K(slot));
  const any = (...os: string[]) => sum(os.map((o) => sel[o]));
  return { cb, sel, real, pc, fp, clk, a, ax, b, bx, c, cx, ts, any };
}

/** The next state for a row that neither jumps nor halts. */
function stepState(I: Instr, m: Expr, npc?: Expr, nfp?: Expr): void {
  I.cb.send("state", [npc ?? add(I.pc, K(1)), nfp ?? I.fp, K(0), add(I.clk, K(1))], m);
}

export const ALU_OPS = ["add", "sub", "addi", "and", "or", "xor", "andi", "ori", "xori", "const", "mov", "sext8", "sext16", "sext32"];
export const MUL_OPS = ["mul", "mulhu", "shl", "shli", "shru", "shrui", "shrs", "shrsi", "rotl", "rotr"];
export const DIV_OPS: [string, string, string, string] = ["divu", "remu", "divs", "rems"];
export const DIV64_OPS: [string, string, string, string] = ["divu64", "remu64", "divs64", "rems64"];
export const CMP_OPS = ["eq", "ne", "ltu", "leu", "lts", "les", "chkltu", "cmovnz"];
export const MEM_OPS = ["lw", "lbu", "lb", "lhu", "lh", "sw", "sh", "sb"];
export const MEM64_OPS = ["ld", "sd"];
export const MUL64_OPS = ["mul64", "shl64", "shru64", "shrs64"];
export const BITS_OPS = ["popcnt", "clz", "ctz"];
export const ALU64_OPS = ["add64", "sub64", "and64", "or64", "xor64", "eq64", "ltu64", "lts64", "const64"];
export const CF_OPS = ["jmp", "jmpr", "bez", "bnz", "call", "calli", "ret"];
export const ECALL_OPS = ["ecall"];

/** Which chip proves each opcode (opcodes missing here have no chip yet). */
export const CHIP_OF: Record<string, string> = Object.fromEntries([
  ...ALU_OPS.map((o) => [o, "alu"]),
  ["sext", "alu"],
  ...MUL_OPS.map((o) => [o, "mul"]),
  ...DIV_OPS.map((o) => [o, "div"]),
  ...DIV64_OPS.map((o) => [o, "div64"]),
  ...CMP_OPS.map((o) => [o, "cmp"]),
  ...MEM_OPS.map((o) => [o, "mem"]),
  ...MEM64_OPS.map((o) => [o, "mem64"]),
  ...MUL64_OPS.map((o) => [o, "mul64"]),
  ...BITS_OPS.map((o) => [o, "bits"]),
  ...ALU64_OPS.map((o) => [o, "alu64"]),
  ...CF_OPS.map((o) => [o, "cf"]),
  ...ECALL_OPS.map((o) => [o, "ecall"]),
]);

// 32-bit ALU: add/sub by 16-bit limbs with carry bits; and/or/xor byte-wise through the bitwise table;
// const and mov; sext of widths 8 and 16 from the bytes of x (sign = top bit of the last byte kept),
// 32 as a move. Slots: B read (1), C read (2, register forms), A write (3).
function aluChip(): Chip {
  const I = instrChip("alu", ALU_OPS);
  const { cb, sel, fp, a, b, c, cx } = I;
  const rrr = I.any("add", "sub", "and", "or", "xor");
  const rri = I.any("addi", "andi", "ori", "xori");
  const x = access(cb, "B", { space: K(SPACE_REG), addr: add(fp, b), ts: I.ts(1), m: sub(I.real, sel.const) });
  const y = access(cb, "C", { space: K(SPACE_REG), addr: add(fp, c), ts: I.ts(2), m: rrr });
  cb.eq(y.l, c, rri);
  cb.eq(y.h, cx, rri);
  const o = access(cb, "A", { space: K(SPACE_REG), addr: add(fp, a), ts: I.ts(3), m: I.real, write: true, range: I.real });
  const c0 = cb.c("c0");
  const c1 = cb.c("c1");
  cb.bit(c0);
  cb.bit(c1);
  const adds = I.any("add", "addi");
  cb.eq(o.l, lin([1, x.l], [1, y.l], [-65536, c0]), adds);
  cb.eq(o.h, lin([1, x.h], [1, y.h], [1, c0], [-65536, c1]), adds);
  cb.eq(x.l, lin([1, o.l], [1, y.l], [-65536, c0]), sel.sub);
  cb.eq(x.h, lin([1, o.h], [1, y.h], [1, c0], [-65536, c1]), sel.sub);
  const bitwise = I.any("and", "or", "xor", "andi", "ori", "xori");
  const kind = lin([1, I.any("or", "ori")], [2, I.any("xor", "xori")]);
  const xb = [0, 1, 2, 3].map((i) => cb.c(`xb${i}`));
  const yb = [0, 1, 2, 3].map((i) => cb.c(`yb${i}`));
  const zb = [0, 1, 2, 3].map((i) => cb.c(`zb${i}`));
  const split = add(bitwise, I.any("sext8", "sext16"));
  cb.eq(x.l, lin([1, xb[0]], [256, xb[1]]), split);
  cb.eq(x.h, lin([1, xb[2]], [256, xb[3]]), split);
  for (const [v, bs] of [[y, yb], [o, zb]] as const) {
    cb.eq(v.l, lin([1, bs[0]], [256, bs[1]]), bitwise);
    cb.eq(v.h, lin([1, bs[2]], [256, bs[3]]), bitwise);
  }
  const [sg, rest] = ["sg", "rest"].map((n) => cb.c(n));
  cb.bit(sg);
  const sx = I.any("sext8", "sext16");
  cb.eq(add(mul(sel.sext8, xb[0]), mul(sel.sext16, xb[1])), mul(sx, lin([128, sg], [1, rest])));
  cb.bytes(xb[0], xb[1], sx);
  cb.bytes(xb[2], xb[3], sx);
  cb.bytes(lin([2, rest]), K(0), sx);
  cb.eq(c, K(8), sel.sext8);
  cb.eq(c, K(16), sel.sext16);
  cb.eq(c, K(32), sel.sext32);
  cb.eq(o.l, lin([1, xb[0]], [0xff00, sg]), sel.sext8);
  cb.eq(o.l, x.l, I.any("sext16", "sext32"));
  cb.eq(o.h, lin([0xffff, sg]), sx);
  cb.eq(o.h, x.h, sel.sext32);
  for (let i = 0; i < 4; i++) cb.send("bitwise", [kind, xb[i], yb[i], zb[i]], bitwise);
  cb.eq(o.l, b, sel.const);
  cb.eq(o.h, I.bx, sel.const);
  cb.eq(o.l, x.l, sel.mov);
  cb.eq(o.h, x.h, sel.mov);
  stepState(I, I.real);
  return cb.chip();
}

// Multiplies and shifts: one byte-wise 32 × 32 → 64 product P = x · m. mul: m = y, low word; mulhu:
// high word. Shifts by s = amount mod 32 multiply by 2^e from the pow2 table: left shifts e = s (low
// word), right shifts e = (32 − s) mod 32 (high word, or x itself when s = 0), rotations low | high.
// An arithmetic shift of a negative x shifts ~x logically and complements the result: the product's
// input is x XOR (sg·0xffffffff), whose top bit must be 0, so sg is the sign of x.
function mulChip(): Chip {
  const I = instrChip("mul", MUL_OPS);
  const { cb, sel, fp, a, b, c, cx } = I;
  const imm = I.any("shli", "shrui", "shrsi");
  const x = access(cb, "B", { space: K(SPACE_REG), addr: add(fp, b), ts: I.ts(1), m: I.real });
  const y = access(cb, "C", { space: K(SPACE_REG), addr: add(fp, c), ts: I.ts(2), m: sub(I.real, imm) });
  cb.eq(y.l, c, imm);
  cb.eq(y.h, cx, imm);
  const o = access(cb, "A", { space: K(SPACE_REG), addr: add(fp, a), ts: I.ts(3), m: I.real, write: true, range: I.real });
  const mults = I.any("mul", "mulhu");
  const shifts = sub(I.real, mults);
  const left = I.any("shl", "shli", "rotl");
  const right = I.any("shru", "shrui", "shrs", "shrsi", "rotr");
  const arith = I.any("shrs", "shrsi");
  const [s, k, e, z, ml, mh] = ["s", "k", "e", "z", "ml", "mh"].map((n) => cb.c(n));
  cb.eq(y.l, lin([1, s], [32, k]), shifts);
  cb.range(s, 5, shifts);
  cb.range(k, 11, shifts);
  cb.send("pow2", [e, ml, mh, K(0), K(0), z], shifts);
  cb.eq(e, s, left);
  cb.eq(add(e, s), lin([32, sub(K(1), z)]), right);
  cb.eq(ml, y.l, mults);
  cb.eq(mh, y.h, mults);
  const sg = cb.c("sg");
  cb.bit(sg);
  cb.zero(mul(sg, sub(K(1), arith)));
  const xb = [0, 1, 2, 3].map((i) => cb.c(`xb${i}`));
  const x2 = [lin([1, xb[0]], [256, xb[1]]), lin([1, xb[2]], [256, xb[3]])];
  cb.eq(x.l, add(x2[0], mul(sg, sub(K(65535), lin([2, x2[0]])))));
  cb.eq(x.h, add(x2[1], mul(sg, sub(K(65535), lin([2, x2[1]])))));
  cb.bytes(xb[0], xb[1], I.real);
  cb.bytes(xb[2], xb[3], I.real);
  cb.bytes(lin([2, xb[3]]), K(0), arith);
  const mb = byteSplit(cb, "mb", ml, mh, I.real);
  const P = product(cb, "P", xb, mb, I.real);
  const lo = [lin([1, P[0]], [256, P[1]]), lin([1, P[2]], [256, P[3]])];
  const hi = [lin([1, P[4]], [256, P[5]]), lin([1, P[6]], [256, P[7]])];
  const outs = [o.l, o.h];
  const shr = [cb.c("rl"), cb.c("rh")];
  for (let i = 0; i < 2; i++) {
    cb.eq(outs[i], lo[i], I.any("mul", "shl", "shli"));
    cb.eq(outs[i], hi[i], sel.mulhu);
    cb.eq(shr[i], add(hi[i], mul(z, lo[i])), I.any("shru", "shrui", "shrs", "shrsi"));
    cb.eq(outs[i], shr[i], I.any("shru", "shrui"));
    cb.eq(outs[i], add(shr[i], mul(sg, sub(K(65535), lin([2, shr[i]])))), arith);
    cb.eq(outs[i], add(lo[i], hi[i]), I.any("rotl", "rotr"));
  }
  stepState(I, I.real);
  return cb.chip();
}

// 64-bit multiply (low 64 bits) and shifts by s = amount mod 64, as the 32-bit chip: an 8 × 8-byte
// product by y or by 2^e from the pow2 table (left e = s, right e = (64 − s) mod 64 and the high half).
function mul64Chip(): Chip {
  const I = instrChip("mul64", MUL64_OPS);
  const { cb, sel, fp, a, b, c } = I;
  const x = [0, 1].map((k) => access(cb, `B${k}`, { space: K(SPACE_REG), addr: add(fp, add(b, K(k))), ts: I.ts(1), m: I.real }));
  const y0 = access(cb, "C0", { space: K(SPACE_REG), addr: add(fp, c), ts: I.ts(2), m: I.real });
  const y1 = access(cb, "C1", { space: K(SPACE_REG), addr: add(fp, add(c, K(1))), ts: I.ts(2), m: I.real });
  const o = [0, 1].map((k) => access(cb, `A${k}`, { space: K(SPACE_REG), addr: add(fp, add(a, K(k))), ts: I.ts(3), m: I.real, write: true, range: I.real }));
  const shifts = sub(I.real, sel.mul64);
  const arith = sel.shrs64;
  const [s, k, e, z] = ["s", "k", "e", "z"].map((n) => cb.c(n));
  const M = [0, 1, 2, 3].map((i) => cb.c(`m${i}`));
  cb.eq(y0.l, lin([1, s], [64, k]), shifts);
  cb.range(s, 6, shifts);
  cb.range(k, 10, shifts);
  cb.send("pow2", [e, ...M, z], shifts);
  cb.eq(e, s, sel.shl64);
  cb.eq(add(e, s), lin([64, sub(K(1), z)]), I.any("shru64", "shrs64"));
  const Y = [y0.l, y0.h, y1.l, y1.h];
  for (let i = 0; i < 4; i++) cb.eq(M[i], Y[i], sel.mul64);
  const sg = cb.c("sg");
  cb.bit(sg);
  cb.zero(mul(sg, sub(K(1), arith)));
  const xb = Array.from({ length: 8 }, (_, i) => cb.c(`xb${i}`));
  const X = [x[0].l, x[0].h, x[1].l, x[1].h];
  for (let i = 0; i < 4; i++) {
    const x2 = lin([1, xb[2 * i]], [256, xb[2 * i + 1]]);
    cb.eq(X[i], add(x2, mul(sg, sub(K(65535), lin([2, x2])))));
    cb.bytes(xb[2 * i], xb[2 * i + 1], I.real);
  }
  cb.bytes(lin([2, xb[7]]), K(0), arith);
  const mb = Array.from({ length: 8 }, (_, i) => cb.c(`mb${i}`));
  for (let i = 0; i < 4; i++) {
    cb.eq(M[i], lin([1, mb[2 * i]], [256, mb[2 * i + 1]]));
    cb.bytes(mb[2 * i], mb[2 * i + 1], I.real);
  }
  const P = product(cb, "P", xb, mb, I.real);
  const limb = (j: number) => lin([1, P[2 * j]], [256, P[2 * j + 1]]);
  const O = [o[0].l, o[0].h, o[1].l, o[1].h];
  for (let i = 0; i < 4; i++) {
    const r = cb.c(`r${i}`);
    cb.eq(O[i], limb(i), I.any("mul64", "shl64"));
    cb.eq(r, add(limb(i + 4), mul(z, limb(i))), I.any("shru64", "shrs64"));
    cb.eq(O[i], r, sel.shru64);
    cb.eq(O[i], add(r, mul(sg, sub(K(65535), lin([2, r])))), arith);
  }
  stepState(I, I.real);
  return cb.chip();
}

// Division of n-byte words (n = 4: divu remu divs rems; n = 8: the 64-bit ones) by magnitudes:
// |x| = Q·|d| + R with Q·|d| below 2^(8n) (byte product, high half zero) and |d| = R + 1 + T (so R < |d|
// and d ≠ 0). A signed operand's magnitude is 2^(8n) − v by a limb chain; the quotient is negated when
// the signs differ, the remainder takes the sign of x (so −2^31 / −1 wraps to −2^31, as the executor).
function divChip(name: string, n: 4 | 8, ops: [string, string, string, string]): Chip {
  const I = instrChip(name, ops);
  const { cb, fp, a, b, c, real } = I;
  const L = n / 2;
  const regs = [0, 1].slice(0, L / 2);
  const X = regs.flatMap((k) => { const v = access(cb, `B${k}`, { space: K(SPACE_REG), addr: add(fp, add(b, K(k))), ts: I.ts(1), m: real }); return [v.l, v.h]; });
  const D = regs.flatMap((k) => { const v = access(cb, `C${k}`, { space: K(SPACE_REG), addr: add(fp, add(c, K(k))), ts: I.ts(2), m: real }); return [v.l, v.h]; });
  const O = regs.flatMap((k) => { const v = access(cb, `A${k}`, { space: K(SPACE_REG), addr: add(fp, add(a, K(k))), ts: I.ts(3), m: real, write: true, range: real }); return [v.l, v.h]; });
  const [qop, rop] = [I.any(ops[0], ops[2]), I.any(ops[1], ops[3])];
  const signed = I.any(ops[2], ops[3]);
  const limbs = (p: string) => Array.from({ length: L }, (_, k) => cb.c(`${p}${k}`));
  // V + A ≡ 0 mod 2^(16L) on rows `neg`, A = V on rows `keep`
  const chain = (p: string, V: Expr[], A: Expr[], neg: Expr, keep: Expr) => {
    const cs = limbs(`${p}c`);
    for (let k = 0; k < L; k++) {
      cb.bit(cs[k]);
      cb.eq(lin([1, A[k]], [1, V[k]], ...(k ? [[1, cs[k - 1]] as [number, Expr]] : [])), lin([65536, cs[k]]), neg);
      cb.eq(A[k], V[k], keep);
    }
  };
  const signOf = (p: string, top: Expr): Expr => {
    const [sg, rest] = [cb.c(`s${p}`), cb.c(`r${p}`)];
    cb.bit(sg);
    cb.zero(mul(sg, sub(K(1), signed)));
    cb.eq(top, lin([32768, sg], [1, rest]), signed);
    cb.range(rest, 15, signed);
    return sg;
  };
  const sx = signOf("x", X[L - 1]);
  const sd = signOf("d", D[L - 1]);
  const AX = limbs("ax");
  const AD = limbs("ad");
  for (const v of [...AX, ...AD]) cb.u16(v, real);
  chain("ax", X, AX, sx, sub(real, sx));
  chain("ad", D, AD, sd, sub(real, sd));
  const qb = Array.from({ length: n }, (_, i) => cb.c(`qb${i}`));
  const db = Array.from({ length: n }, (_, i) => cb.c(`db${i}`));
  const Q = Array.from({ length: L }, (_, k) => lin([1, qb[2 * k]], [256, qb[2 * k + 1]]));
  for (let k = 0; k < L; k++) {
    cb.eq(AD[k], lin([1, db[2 * k]], [256, db[2 * k + 1]]));
    cb.bytes(qb[2 * k], qb[2 * k + 1], real);
    cb.bytes(db[2 * k], db[2 * k + 1], real);
  }
  const P = product(cb, "P", qb, db, real, true);
  const R = limbs("rem");
  const T = limbs("t");
  const e = limbs("e");
  const f = limbs("f");
  for (let k = 0; k < L; k++) {
    cb.u16(R[k], real);
    cb.u16(T[k], real);
    cb.bit(e[k]);
    cb.bit(f[k]);
    // Q·|d| + R = |x| and R + 1 + T = |d|, limb by limb, no carry out of the top limb
    const top = k === L - 1;
    cb.eq(lin([1, P[2 * k]], [256, P[2 * k + 1]], [1, R[k]], ...(k ? [[1, e[k - 1]] as [number, Expr]] : [])), top ? AX[k] : lin([1, AX[k]], [65536, e[k]]));
    cb.eq(lin([1, R[k]], [1, T[k]], [1, k ? f[k - 1] : real]), top ? AD[k] : lin([1, AD[k]], [65536, f[k]]));
  }
  const [nq, nr] = [cb.c("nq"), cb.c("nr")];
  cb.eq(nq, mul(qop, sub(add(sx, sd), mul(K(2), mul(sx, sd)))));
  cb.eq(nr, mul(rop, sx));
  chain("oq", Q, O, nq, sub(qop, nq));
  chain("or", R, O, nr, sub(rop, nr));
  stepState(I, real);
  return cb.chip();
}

// Compares by one subtraction x − y = d with borrow bits: ltu is the final borrow, eq is d = 0; signed
// compares take the sign bits from the high limbs (x <s y: x negative and y not, or equal signs and
// x <u y). chkltu (a bounds check) writes nothing and requires the borrow. cmovnz writes y or keeps
// the old value of a, by an is-zero test of x.
function cmpChip(): Chip {
  const I = instrChip("cmp", CMP_OPS);
  const { cb, sel, fp, a, b, c } = I;
  const x = access(cb, "B", { space: K(SPACE_REG), addr: add(fp, b), ts: I.ts(1), m: I.real });
  const y = access(cb, "C", { space: K(SPACE_REG), addr: add(fp, c), ts: I.ts(2), m: I.real });
  const writes = sub(I.real, sel.chkltu);
  const o = access(cb, "A", { space: K(SPACE_REG), addr: add(fp, a), ts: I.ts(3), m: writes, write: true });
  const [b0, b1, dl, dh] = ["b0", "b1", "dl", "dh"].map((n) => cb.c(n));
  cb.bit(b0);
  cb.bit(b1);
  cb.u16(dl, I.real);
  cb.u16(dh, I.real);
  cb.eq(lin([1, x.l], [-1, y.l], [65536, b0]), dl);
  cb.eq(lin([1, x.h], [-1, y.h], [-1, b0], [65536, b1]), dh);
  const z = isZero(cb, "nz", add(dl, dh), I.real);
  const signed = I.any("lts", "les");
  const [sx, sy, rx, ry, slt] = ["sx", "sy", "rx", "ry", "slt"].map((n) => cb.c(n));
  cb.bit(sx);
  cb.bit(sy);
  cb.eq(x.h, lin([32768, sx], [1, rx]), signed);
  cb.eq(y.h, lin([32768, sy], [1, ry]), signed);
  cb.range(rx, 15, signed);
  cb.range(ry, 15, signed);
  // slt = sx·(1 − sy) + (sx = sy)·b1
  cb.eq(slt, add(sub(sx, mul(sx, sy)), mul(add(sub(K(1), add(sx, sy)), mul(K(2), mul(sx, sy))), b1)));
  const flags = sub(writes, sel.cmovnz);
  cb.zero(o.h, flags);
  cb.eq(o.l, z, sel.eq);
  cb.eq(o.l, sub(K(1), z), sel.ne);
  cb.eq(o.l, b1, sel.ltu);
  cb.eq(o.l, add(b1, z), sel.leu);
  cb.eq(o.l, slt, sel.lts);
  cb.eq(o.l, add(slt, z), sel.les);
  cb.eq(b1, K(1), sel.chkltu);
  const xz = isZero(cb, "xz", add(x.l, x.h), sel.cmovnz);
  cb.eq(o.l, add(mul(xz, o.pl), mul(sub(K(1), xz), y.l)), sel.cmovnz);
  cb.eq(o.h, add(mul(xz, o.ph), mul(sub(K(1), xz), y.h)), sel.cmovnz);
  stepState(I, I.real);
  return cb.chip();
}

/** bound − addr − width ≥ 0 (the executor's bounds check) as a 26-bit sum, on rows `m`; addr is
 *  below 2^27 already, so a negative difference is a field element near p, never such a sum. */
function inBounds(cb: ChipBuilder, bound: Expr, addr: Expr, width: Expr, m: Expr): void {
  const [glo, ghi] = [cb.c("bound.lo"), cb.c("bound.hi")];
  cb.eq(sub(sub(bound, addr), width), lin([1, glo], [65536, ghi]), m);
  cb.u16(glo, m);
  cb.range(ghi, 10, m);
}

/** The accessible memory size (the cell ecall MEM_BOUND writes), read at slot 2 on rows `m`. */
function memBound(cb: ChipBuilder, I: Instr, m: Expr): Expr {
  const v = access(cb, "MB", { space: K(SPACE_CUR), addr: K(CUR_BOUND), ts: I.ts(2), m });
  return lin([1, v.l], [65536, v.h]);
}

/** R[b] + imm (a signed immediate) as limbs with carry bits, with no wrap around 2^32 (as the executor
 *  computes it: the carry out of the high limb is exactly the immediate's sign bit), below
 *  memSize − width + 1. */
function address(I: Instr, base: { l: Expr; h: Expr }, memSize: number, width: Expr): Expr {
  const { cb, c, cx } = I;
  const [al, ah, k0, k1, cs, crest] = ["al", "ah", "k0", "k1", "cs", "crest"].map((n) => cb.c(n));
  cb.bit(k0);
  cb.bit(k1);
  cb.bit(cs);
  cb.eq(cx, lin([32768, cs], [1, crest]));
  cb.range(crest, 15, I.real);
  cb.eq(k1, cs);
  cb.eq(lin([1, base.l], [1, c]), lin([1, al], [65536, k0]));
  cb.eq(lin([1, base.h], [1, cx], [1, k0]), lin([1, ah], [65536, k1]));
  cb.u16(al, I.real);
  cb.u16(ah, I.real);
  cb.u16(sub(K(Math.ceil(memSize / 65536) - 1), ah), I.real);
  const addr = lin([1, al], [65536, ah]);
  inBounds(cb, memBound(cb, I, I.real), addr, width, I.real);
  return addr;
}

// 64-bit loads and stores: two registers (a, a + 1), eight byte accesses.
function mem64Chip(memSize: number): Chip {
  const I = instrChip("mem64", MEM64_OPS);
  const { cb, sel, fp, a, b } = I;
  const base = access(cb, "B", { space: K(SPACE_REG), addr: add(fp, b), ts: I.ts(1), m: I.real });
  const r = [0, 1].map((k) => access(cb, `A${k}`, { space: K(SPACE_REG), addr: add(fp, add(a, K(k))), ts: I.ts(3), m: I.real, write: true, readOnly: sel.sd }));
  const addr = address(I, base, memSize, K(8));
  const v = Array.from({ length: 8 }, (_, k) => access(cb, `M${k}`, { space: K(SPACE_MEM), addr: add(addr, K(k)), ts: I.ts(2), m: I.real, write: true, readOnly: sel.ld, byte: true }).l);
  for (let k = 0; k < 8; k += 2) cb.bytes(v[k], v[k + 1], I.real);
  for (let k = 0; k < 2; k++) {
    cb.eq(r[k].l, lin([1, v[4 * k]], [256, v[4 * k + 1]]));
    cb.eq(r[k].h, lin([1, v[4 * k + 2]], [256, v[4 * k + 3]]));
  }
  stepState(I, I.real);
  return cb.chip();
}

// 64-bit ALU on register pairs: add/sub by four limbs with carry bits (x − y = d with borrows serves
// sub64, eq64 as d = 0 and ltu64 as the last borrow; lts64 takes the signs from the top limbs),
// and/or/xor as eight byte lookups, const64 from two immediates. Slots: B0, B1 (1), C0, C1 (2), A0, A1 (3).
function alu64Chip(): Chip {
  const I = instrChip("alu64", ALU64_OPS);
  const { cb, sel, fp, a, b, c } = I;
  const reads = sub(I.real, sel.const64);
  const x = [0, 1].map((k) => access(cb, `B${k}`, { space: K(SPACE_REG), addr: add(fp, add(b, K(k))), ts: I.ts(1), m: reads }));
  const y = [0, 1].map((k) => access(cb, `C${k}`, { space: K(SPACE_REG), addr: add(fp, add(c, K(k))), ts: I.ts(2), m: reads }));
  const pair = I.any("add64", "sub64", "and64", "or64", "xor64", "const64");
  const o = [0, 1].map((k) => access(cb, `A${k}`, { space: K(SPACE_REG), addr: add(fp, add(a, K(k))), ts: I.ts(3), m: k ? pair : I.real, write: true, range: k ? pair : I.real }));
  const X = [x[0].l, x[0].h, x[1].l, x[1].h];
  const Y = [y[0].l, y[0].h, y[1].l, y[1].h];
  const O = [o[0].l, o[0].h, o[1].l, o[1].h];
  const cy = [0, 1, 2, 3].map((k) => cb.c(`c${k}`));
  const bw = [0, 1, 2, 3].map((k) => cb.c(`bw${k}`));
  const d = [0, 1, 2, 3].map((k) => cb.c(`d${k}`));
  for (let k = 0; k < 4; k++) {
    cb.bit(cy[k]);
    cb.bit(bw[k]);
    cb.u16(d[k], I.real);
    cb.eq(O[k], lin([1, X[k]], [1, Y[k]], ...(k ? [[1, cy[k - 1]] as [number, Expr]] : []), [-65536, cy[k]]), sel.add64);
    cb.eq(d[k], lin([1, X[k]], [-1, Y[k]], ...(k ? [[-1, bw[k - 1]] as [number, Expr]] : []), [65536, bw[k]]));
    cb.eq(O[k], d[k], sel.sub64);
  }
  const z = isZero(cb, "nz", sum(d), I.real);
  const [sx, sy, rx, ry] = ["sx", "sy", "rx", "ry"].map((n) => cb.c(n));
  cb.bit(sx);
  cb.bit(sy);
  cb.eq(X[3], lin([32768, sx], [1, rx]), sel.lts64);
  cb.eq(Y[3], lin([32768, sy], [1, ry]), sel.lts64);
  cb.range(rx, 15, sel.lts64);
  cb.range(ry, 15, sel.lts64);
  const slt = cb.c("slt");
  cb.eq(slt, add(sub(sx, mul(sx, sy)), mul(add(sub(K(1), add(sx, sy)), mul(K(2), mul(sx, sy))), bw[3])));
  const flags = I.any("eq64", "ltu64", "lts64");
  cb.zero(O[1], flags);
  cb.eq(O[0], z, sel.eq64);
  cb.eq(O[0], bw[3], sel.ltu64);
  cb.eq(O[0], slt, sel.lts64);
  const bitwise = I.any("and64", "or64", "xor64");
  const kind = lin([1, sel.or64], [2, sel.xor64]);
  for (const [v, p] of [[X, "xb"], [Y, "yb"], [O, "zb"]] as const) {
    const bs = Array.from({ length: 8 }, (_, i) => cb.c(`${p}${i}`));
    for (let k = 0; k < 4; k++) cb.eq(v[k], lin([1, bs[2 * k]], [256, bs[2 * k + 1]]), bitwise);
  }
  for (let i = 0; i < 8; i++) cb.send("bitwise", [kind, cb.c(`xb${i}`), cb.c(`yb${i}`), cb.c(`zb${i}`)], bitwise);
  cb.eq(O[0], I.b, sel.const64);
  cb.eq(O[1], I.bx, sel.const64);
  cb.eq(O[2], c, sel.const64);
  cb.eq(O[3], I.cx, sel.const64);
  stepState(I, I.real);
  return cb.chip();
}

// Loads and stores: address = R[b] + imm (two limbs with carries) below the accessible memory size,
// then one byte access per byte of the width, each to its own address (no alignment needed). The
// register slot A is written by loads, read by stores. Sign extension takes the top bit of the last byte.
function memChip(memSize: number): Chip {
  const I = instrChip("mem", MEM_OPS);
  const { cb, sel, fp, a, b, c, cx } = I;
  const loads = I.any("lw", "lbu", "lb", "lhu", "lh");
  const stores = I.any("sw", "sh", "sb");
  const base = access(cb, "B", { space: K(SPACE_REG), addr: add(fp, b), ts: I.ts(1), m: I.real });
  const r = access(cb, "A", { space: K(SPACE_REG), addr: add(fp, a), ts: I.ts(3), m: I.real, write: true, readOnly: stores });
  const addr = address(I, base, memSize, lin([1, I.real], [1, I.any("lw", "lhu", "lh", "sw", "sh")], [2, I.any("lw", "sw")]));
  const width = [I.real, I.any("lw", "lhu", "lh", "sw", "sh"), I.any("lw", "sw"), I.any("lw", "sw")];
  const v = width.map((m, k) => access(cb, `M${k}`, { space: K(SPACE_MEM), addr: add(addr, K(k)), ts: I.ts(2), m, write: true, readOnly: loads, byte: true }).l);
  cb.bytes(v[0], v[1], I.real);
  cb.bytes(v[2], v[3], I.real);
  const [sg, rest] = ["sg", "rest"].map((n) => cb.c(n));
  cb.bit(sg);
  const signed = I.any("lb", "lh");
  cb.eq(add(mul(sel.lb, v[0]), mul(sel.lh, v[1])), mul(signed, lin([128, sg], [1, rest])));
  cb.bytes(lin([2, rest]), K(0), signed);
  cb.eq(r.l, lin([1, v[0]], [256, v[1]]), I.any("lw", "lhu", "lh", "sw", "sh", "sb"));
  cb.eq(r.h, lin([1, v[2]], [256, v[3]]), I.any("lw", "sw"));
  cb.zero(r.h, I.any("lbu", "lhu"));
  cb.eq(r.l, v[0], sel.lbu);
  cb.eq(r.l, lin([1, v[0]], [0xff00, sg]), sel.lb);
  cb.eq(r.h, lin([0xffff, sg]), signed);
  stepState(I, I.real);
  return cb.chip();
}

// Control flow: jmp, jmpr (to R[a]), bez/bnz (is-zero of R[a]), call and calli (to R[a], read first:
// slot 1) write the return pc and the caller's fp into the callee's r0, r1 (slot 2) and move fp by n;
// ret reads them back; returning from the entry frame, r0 = 0xffffffff at fp 0, halts with exit code 0.
/** The highest frame pointer a call may set, as the executor computes it: the register file size less
 *  the reach of the highest register offset the code names (+ 2). */
export function regLimitOf(p: Program): number {
  let reach = 1;
  for (let i = 0; i < p.code.length; i += 4) {
    const k = OPS[p.code[i]].kinds;
    for (let j = 0; j < 3; j++) if (k[j] === "r" && p.code[i + 1 + j] + 2 > reach) reach = p.code[i + 1 + j] + 2;
  }
  return p.regs - reach;
}

function cfChip(p: Program): Chip {
  const I = instrChip("cf", CF_OPS);
  const { cb, sel, pc, fp, a, b, bx } = I;
  const [addr1, npc, nfp, hf] = ["addr1", "npc", "nfp", "halt"].map((n) => cb.c(n));
  const br = I.any("bez", "bnz", "jmpr");
  const calls = I.any("call", "calli");
  cb.eq(addr1, add(fp, a), br);
  cb.eq(addr1, lin([1, fp], [1, b], [65536, bx]), calls);
  cb.eq(addr1, fp, sel.ret);
  const r3 = access(cb, "R3", { space: K(SPACE_REG), addr: add(fp, a), ts: I.ts(1), m: sel.calli });
  const r1 = access(cb, "R1", { space: K(SPACE_REG), addr: addr1, ts: I.ts(2), m: I.any("bez", "bnz", "jmpr", "call", "calli", "ret"), write: true, readOnly: I.any("bez", "bnz", "jmpr", "ret"), range: calls });
  const r2 = access(cb, "R2", { space: K(SPACE_REG), addr: add(addr1, K(1)), ts: I.ts(2), m: I.any("call", "calli", "ret"), write: true, readOnly: sel.ret, range: calls });
  const v1 = lin([1, r1.l], [65536, r1.h]);
  const v2 = lin([1, r2.l], [65536, r2.h]);
  cb.eq(v1, add(pc, K(1)), calls);
  cb.eq(v2, fp, calls);
  const z = isZero(cb, "nz", add(r1.l, r1.h), I.any("bez", "bnz"));
  cb.eq(npc, a, I.any("jmp", "call"));
  cb.eq(npc, lin([1, r3.l], [65536, r3.h]), sel.calli);
  cb.eq(npc, v1, sel.jmpr);
  cb.eq(npc, add(mul(z, b), mul(sub(K(1), z), add(pc, K(1)))), sel.bez);
  cb.eq(npc, add(mul(z, add(pc, K(1))), mul(sub(K(1), z), b)), sel.bnz);
  const back = sub(sel.ret, hf);
  cb.eq(npc, v1, back);
  cb.eq(nfp, addr1, calls);
  cb.eq(nfp, v2, back);
  cb.eq(nfp, fp, I.any("jmp", "jmpr", "bez", "bnz"));
  cb.bit(hf);
  cb.zero(mul(hf, sub(K(1), sel.ret)));
  cb.eq(r1.l, K(0xffff), hf);
  cb.eq(r1.h, K(0xffff), hf);
  cb.zero(fp, hf);
  // the executor's traps, as range checks: a call's frame fits the register file (fp + n ≤ the limit);
  // ret goes back to a frame below the current one (fp − 1 − r1 ≥ 0, fp < 2^20); return, jmpr and calli
  // targets are below 2^24 as integers (so no value wraps modulo p onto a pc of the ROM)
  const [glo, ghi] = [cb.c("gap.lo"), cb.c("gap.hi")];
  cb.eq(sub(K(regLimitOf(p)), addr1), lin([1, glo], [65536, ghi]), calls);
  cb.eq(sub(sub(fp, K(1)), v2), lin([1, glo], [65536, ghi]), back);
  cb.u16(glo, add(calls, back));
  cb.range(ghi, 4, add(calls, back));
  // the same bounds make the words a call writes unique: pc + 1 < 2^24 and fp < 2^20 as limbs (l + 2^16·h
  // = v alone would admit v + p in BabyBear)
  cb.range(r2.h, 4, add(back, calls));
  cb.range(r1.h, 8, add(add(back, sel.jmpr), calls));
  cb.range(r3.h, 8, sel.calli);
  stepState(I, sub(I.real, hf), npc, nfp);
  cb.send("state", [K(HALT_PC), K(0), K(0), add(I.clk, K(1))], hf);
  return cb.chip();
}

// System calls: halt (exit code R[b]), input length (R[b] = bytes left), read / write (R[c] bytes
// between memory at R[b] and the input / output stream: the cursor cell moves by R[c] and the io chip
// copies the bytes, one row each), MEM_BOUND (the accessible memory size = R[b], at most the header's).
function ecallChip(memSize: number): Chip {
  const I = instrChip("ecall", ECALL_OPS);
  const { cb, fp, a, ax, b, c } = I;
  const [sHalt, sLen, sRead, sWrite, sBound] = ["halt", "len", "read", "write", "bound"].map((n) => cb.c(`sys_${n}`));
  for (const s of [sHalt, sLen, sRead, sWrite, sBound]) cb.bit(s);
  cb.eq(sum([sHalt, sLen, sRead, sWrite, sBound]), I.real);
  cb.eq(a, lin([1, sLen], [2, sRead], [3, sWrite], [4, sBound]));
  cb.zero(ax);
  const io = add(sRead, sWrite);
  const x = access(cb, "B", { space: K(SPACE_REG), addr: add(fp, b), ts: I.ts(1), m: I.real, write: true, readOnly: add(add(sHalt, io), sBound) });
  const n = access(cb, "C", { space: K(SPACE_REG), addr: add(fp, c), ts: I.ts(2), m: io });
  const cur = access(cb, "Q", { space: K(SPACE_CUR), addr: sWrite, ts: I.ts(3), m: add(sLen, io), write: true, readOnly: sLen });
  const before = lin([1, cur.pl], [65536, cur.ph]);
  const after = lin([1, cur.l], [65536, cur.h]);
  const len = lin([1, n.l], [65536, n.h]);
  // cursor values and lengths below 2^26, so the sums below are integer equations in both fields
  cb.u16(cur.l, io);
  cb.range(cur.h, 10, io);
  cb.range(n.h, 10, io);
  cb.range(x.h, 10, add(io, sBound));
  // the memory bound: read by a copy, written by MEM_BOUND (at most the header's memory size)
  const mb = access(cb, "MB", { space: K(SPACE_CUR), addr: K(CUR_BOUND), ts: I.ts(2), m: add(io, sBound), write: true, readOnly: io });
  inBounds(cb, lin([1, mb.pl], [65536, mb.ph]), lin([1, x.l], [65536, x.h]), len, io);
  cb.eq(mb.l, x.l, sBound);
  cb.eq(mb.h, x.h, sBound);
  inBounds(cb, K(memSize), lin([1, x.l], [65536, x.h]), K(0), sBound);
  cb.eq(add(after, len), before, sRead);
  cb.eq(after, add(before, len), sWrite);
  cb.eq(x.l, cur.pl, sLen);
  cb.eq(x.h, cur.ph, sLen);
  const z = isZero(cb, "nz", add(n.l, n.h), io);
  const go = cb.c("go");
  cb.eq(go, sub(io, z));
  cb.send("io", [sWrite, lin([1, x.l], [65536, x.h]), before, len, I.clk], go);
  stepState(I, sub(I.real, sHalt));
  cb.send("state", [K(HALT_PC), x.l, x.h, add(I.clk, K(1))], sHalt);
  return cb.chip();
}

// One row per byte an ecall copies: input bytes (keyed by the bytes left before them) are written to
// memory, output bytes (keyed by their position) read from it. Each row hands the rest of the copy
// (count − 1 bytes) to the next one through the io bus, until the last byte.
function ioChip(): Chip {
  const cb = new ChipBuilder("io");
  const [isIn, isOut, addr, cur, cnt, clk] = ["in", "out", "addr", "cur", "count", "clk"].map((n) => cb.c(n));
  cb.bit(isIn);
  cb.bit(isOut);
  const real = add(isIn, isOut);
  cb.bit(real);
  cb.gate = real;
  cb.recv("io", [isOut, addr, cur, cnt, clk], real);
  const v = access(cb, "M", { space: K(SPACE_MEM), addr, ts: add(mul(K(4), clk), K(3)), m: real, write: true, readOnly: isOut, byte: true }).l;
  cb.recv("input", [cur, v], isIn);
  cb.send("output", [cur, v], isOut);
  const last = isZero(cb, "nz", sub(cnt, K(1)), real);
  const more = cb.c("more");
  cb.eq(more, sub(real, last));
  cb.send("io", [isOut, add(addr, K(1)), add(cur, sub(isOut, isIn)), sub(cnt, K(1)), clk], more);
  return cb.chip();
}

/** Fixed lookup table: one multiplicity column per interaction, receiving the fixed tuple. */
function tableChip(name: string, cols: string[], rows: (h: number) => bigint[][], buses: { bus: string; values: Expr[] }[], valid?: number): Chip {
  const cb = new ChipBuilder(name);
  buses.forEach((bu, i) => cb.recv(bu.bus, bu.values, cb.c(`m${i}`)));
  // ROM padding rows must not be looked up: a multiplicity there would admit an instruction that is
  // not in the program
  if (valid !== undefined) cb.zero(mul(cb.c("m0"), sub(K(1), { op: "fixed", col: valid, next: false })));
  return cb.chip({ columns: cols, values: rows });
}
const F = (i: number): Expr => ({ op: "fixed", col: i, next: false });

export const U16_ROWS = 1 << 16;

/** ROM tuple of instruction i: pc, opcode, then each operand as (low limb, high limb) when it is an
 *  immediate, else (value, 0). */
export function romTuple(p: Program, i: number): number[] {
  const op = p.code[i * 4];
  const out = [i, op];
  OPS[op].kinds.forEach((k, j) => {
    const v = p.code[i * 4 + 1 + j];
    if (k === "i") out.push(v & 0xffff, v >>> 16);
    else out.push(v, 0);
  });
  return out;
}

/** pow2 table row: e, the four 16-bit limbs of 2^e, and whether e = 0 (e < 64). */
export const pow2Row = (e: number): number[] => [e, ...[0, 1, 2, 3].map((k) => (e >= 16 * k && e < 16 * k + 16 ? 2 ** (e - 16 * k) : 0)), e === 0 ? 1 : 0];

/** The AIR of one program: its ROM is preprocessed, the memory size bounds addresses. */
export function zkvmAir(p: Program): Air {
  const n = p.code.length >> 2;
  const rom = tableChip(
    "rom",
    ["pc", "opcode", "a", "ax", "b", "bx", "c", "cx", "valid"],
    (h) => Array.from({ length: h }, (_, i) => (i < n ? [...romTuple(p, i), 1] : [i, 0, 0, 0, 0, 0, 0, 0, 0]).map(BigInt)),
    [{ bus: "rom", values: [0, 1, 2, 3, 4, 5, 6, 7].map(F) }],
    8,
  );
  // one 2^16-row table serves the u16 range checks (v = x + 256·y) and the byte-wise and/or/xor/pair lookups
  const t16 = tableChip(
    "table16",
    ["x", "y", "and", "or", "xor"],
    (h) => Array.from({ length: h }, (_, i) => { const x = i & 255, y = i >> 8; return [x, y, x & y, x | y, x ^ y].map(BigInt); }),
    [
      { bus: "u16", values: [add(F(0), mul(K(256), F(1)))] },
      ...[0, 1, 2].map((k) => ({ bus: "bitwise", values: [K(k), F(0), F(1), F(2 + k)] })),
      { bus: "bitwise", values: [K(3), F(0), F(1), K(0)] },
    ],
  );
  const pow2 = tableChip("pow2", ["e", "m0", "m1", "m2", "m3", "zero"], (h) => Array.from({ length: h }, (_, i) => pow2Row(i).map(BigInt)), [{ bus: "pow2", values: [0, 1, 2, 3, 4, 5].map(F) }]);
  const bits16 = tableChip(
    "bits16",
    ["x", "y", "popcnt", "clz", "ctz"],
    (h) => Array.from({ length: h }, (_, i) => [i & 255, i >> 8, ...bits16Row(i)].map(BigInt)),
    [0, 1, 2].map((k) => ({ bus: "bits", values: [K(k), F(0), F(1), F(2 + k)] })),
  );
  // only the chips the program's code can use: a family with no instruction in the ROM has no rows
  const used = usedChips(p);
  const instr: [string, () => Chip][] = [
    ["alu", aluChip], ["mul", mulChip], ["div", () => divChip("div", 4, DIV_OPS)], ["div64", () => divChip("div64", 8, DIV64_OPS)],
    ["cmp", cmpChip], ["mem", () => memChip(p.memSize)], ["mem64", () => mem64Chip(p.memSize)], ["alu64", alu64Chip],
    ["mul64", mul64Chip], ["bits", bitsChip], ["cf", () => cfChip(p)], ["ecall", () => ecallChip(p.memSize)], ["io", ioChip],
  ];
  const chips = instr.filter(([n]) => used.has(n)).map(([, f]) => f());
  chips.push(memTouchChip(), rom, t16);
  if (used.has("pow2")) chips.push(pow2);
  if (used.has("bits16")) chips.push(bits16);
  return { chips };
}

/** popcount, leading zeros and trailing zeros of a 16-bit value (16 for 0). */
export function bits16Row(v: number): [number, number, number] {
  let pc = 0;
  for (let x = v; x; x &= x - 1) pc++;
  return [pc, v ? Math.clz32(v) - 16 : 16, v ? 31 - Math.clz32(v & -v) : 16];
}

/** The chips (and tables) a program's code needs. */
export function usedChips(p: Program): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < p.code.length; i += 4) {
    const op = OPS[p.code[i]].name;
    const c = CHIP_OF[op];
    if (!c) continue;
    out.add(c);
    if (c === "ecall") out.add("io");
    if (c === "mul64" || (c === "mul" && op !== "mul" && op !== "mulhu")) out.add("pow2");
    if (c === "bits") out.add("bits16");
  }
  return out;
}

// Bit counts of a 32-bit x from the bits16 table, one lookup per limb (which also checks x's bytes):
// popcnt = lo + hi; clz = 16 + clz(lo) when the high limb is 0, else clz(hi); ctz the other way round.
function bitsChip(): Chip {
  const I = instrChip("bits", BITS_OPS);
  const { cb, sel, fp, a, b } = I;
  const x = access(cb, "B", { space: K(SPACE_REG), addr: add(fp, b), ts: I.ts(1), m: I.real });
  const o = access(cb, "A", { space: K(SPACE_REG), addr: add(fp, a), ts: I.ts(3), m: I.real, write: true });
  const xb = [0, 1, 2, 3].map((i) => cb.c(`xb${i}`));
  cb.eq(x.l, lin([1, xb[0]], [256, xb[1]]));
  cb.eq(x.h, lin([1, xb[2]], [256, xb[3]]));
  const [flo, fhi] = [cb.c("flo"), cb.c("fhi")];
  const kind = lin([1, sel.clz], [2, sel.ctz]);
  cb.send("bits", [kind, xb[0], xb[1], flo], I.real);
  cb.send("bits", [kind, xb[2], xb[3], fhi], I.real);
  const z = isZero(cb, "nz", add(mul(sel.clz, x.h), mul(sel.ctz, x.l)), I.any("clz", "ctz"));
  cb.zero(o.h, I.real);
  cb.eq(o.l, add(flo, fhi), sel.popcnt);
  cb.eq(o.l, add(mul(z, add(K(16), flo)), mul(sub(K(1), z), fhi)), sel.clz);
  cb.eq(o.l, add(mul(z, add(K(16), fhi)), mul(sub(K(1), z), flo)), sel.ctz);
  stepState(I, I.real);
  return cb.chip();
}

/** Height of each fixed table (the ROM: the code padded to a power of two). */
export function fixedHeight(chip: string, p: Program): number | undefined {
  if (chip === "table16") return U16_ROWS;
  if (chip === "pow2") return 64;
  if (chip === "bits16") return U16_ROWS;
  if (chip === "rom") {
    let h = 1;
    while (h < p.code.length >> 2) h *= 2;
    return h;
  }
  return undefined;
}

/** Heights of the fixed tables of a program's AIR, as a prover's keygen needs them. */
export function fixedHeights(p: Program): Record<string, number> {
  const out: Record<string, number> = {};
  const used = usedChips(p);
  for (const c of ["rom", "table16", "pow2", "bits16"]) if (c === "rom" || c === "table16" || used.has(c)) out[c] = fixedHeight(c, p)!;
  return out;
}

// Every register, memory and state cell the run touches, once, in strictly increasing key order
// (key = space·2^27 + addr, checked < 2^29 on every row so the order cannot wrap): it starts the cell's
// history at value 0, ts 0 and takes its last (value, ts) back. Nonzero initial contents (the data
// segment, the entry frame's return pc, the input length, the memory size) are boundary terms that
// turn (addr, 0, 0) into the value at ts 0.
function memTouchChip(): Chip {
  const cb = new ChipBuilder("memtouch");
  const [real, space, klo, khi, fl, fh, fts, glo, ghi] = ["real", "space", "klo", "khi", "fl", "fh", "fts", "glo", "ghi"].map((n) => cb.c(n));
  cb.bit(real);
  cb.zero(mul(mul(space, sub(space, K(1))), sub(space, K(2))));
  cb.zero(mul(cb.c("real", true), sub(K(1), real)), transition);
  const key = lin([1, klo], [65536, khi]);
  const keyNext = lin([1, cb.c("klo", true)], [65536, cb.c("khi", true)]);
  cb.zero(mul(cb.c("real", true), sub(sub(keyNext, key), lin([1, K(1)], [1, cb.c("glo", true)], [65536, cb.c("ghi", true)]))), transition);
  cb.zero(glo, first);
  cb.zero(ghi, first);
  cb.u16(klo, real);
  cb.range(khi, 13, real);
  cb.u16(glo, real);
  cb.range(ghi, 13, real);
  const addr = sub(key, lin([KEY_SHIFT, space]));
  cb.send("memory", [space, addr, K(0), K(0), K(0)], real);
  cb.recv("memory", [space, addr, fl, fh, fts], real);
  return cb.chip();
}

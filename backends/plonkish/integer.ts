// Integer ops (`i.*` of CWIR) lowered to PLONKish constraints. An iW value is one cell holding its
// unsigned value; what makes it an integer is a proof that it is < 2^W:
//   - integer rows (a region beside the arithmetic rows, INT_REGION): words X, Y, Z and their 4-bit
//     limbs x_i, y_i, z_i (8 lanes, so 32 bits per word per row), the gate X = Σ 16^i·x_i (same for Y,
//     Z), and per lane a lookup of (tag_i, x_i, y_i, z_i) into the fixed table of tables.ts. A range
//     check of k ≤ 32 bits is half a row (X or Y); and/or/xor of 32-bit words is one row (Z = X op Y
//     limb by limb); wider values are split into 32-bit chunks.
//   - relations (carries, splits at a bit position, products) are rows of the arithmetic gate.
// Every integer wire carries a mask: the bits it may have set, always enforced by the constraints
// (a range check gives 2^k − 1; a split's parts are unique because both parts are range-checked).
// Masks make the common cases free: zext is the same cell, or/xor of disjoint masks is an addition,
// `(a as u64 + b as u64) & 0xffffffff` is one exact addition and one split, shifts of values with known
// zero bits need no range check.
//
// Wrapping arithmetic is exact: x + y = r + 2^W·c with r range-checked to W bits and c to one bit, so
// a prover has exactly one (r, c); x·y = r + 2^W·q with q range-checked to the product's excess bits
// (x·y < 2^2W ≪ p, so nothing wraps in the field).
import { type Diagnostic, error } from "../../base/diagnostics/index.ts";
import type { Module, Op, Type, Value } from "../../compiler/ir/index.ts";
import { EvalError, evalValueOp } from "../../compiler/interp/semantics.ts";
import { Expression, type Circuit, type Column } from "../../runtime/plonk/index.ts";
import { fr } from "../../runtime/poly/index.ts";
import { BIT_TAGS, type BitOp, LANES, LIMB_BITS, ROW_BITS, bitOp, intTableRows, rangeTag } from "./tables.ts";
import type { Getter, Operand } from "./lower.ts";

export const INT_REGION = "int";

type Meta = { name?: string; span?: Op["loc"] };
type Sel = { l?: bigint; r?: bigint; m?: bigint; o?: bigint; c?: bigint };

/** What the integer lowering needs from the layout (lower.ts). */
export interface IntHost {
  readonly c: Circuit;
  readonly module: Module;
  gate(cells: { a?: Operand; b?: Operand; c?: Operand }, sel: Sel, meta: Meta): void;
  place(op: Operand, col: Column, row: number, meta: Meta): void;
  getter(op: Operand): Getter;
  temp(g: Getter): Operand;
  resolve(v: Value): Operand;
  alias(v: Value, o: Operand): void;
  unsupported(op: Op, why: string): void;
  diag(d: Diagnostic): void;
}

const ones = (k: number): bigint => (1n << BigInt(k)) - 1n;
const bitlen = (m: bigint): number => (m === 0n ? 0 : m.toString(2).length);
const widthOf = (t: Type): number => (t.kind === "int" ? t.width : 0);

interface IntRow {
  rx: number[];
  ry: number[];
  op?: BitOp;
}

interface Columns {
  X: Column;
  Y: Column;
  Z: Column;
  x: Column[];
  y: Column[];
  z: Column[];
  tags: Column[];
  q: Column;
  table: Column[];
  /** Words without limbs, tied to X and Y by the relation gates (split rows). */
  U: Column;
  V: Column;
  /** Coefficients of kV·V + kX·X + kY·Y + kK = 0 and kU·U + kX2·X + kY2·Y = 0 (all 0 on other rows). */
  k: { V: Column; X: Column; Y: Column; K: Column; U: Column; X2: Column; Y2: Column };
}

export class IntLowering {
  private cols?: Columns;
  private readonly rows: IntRow[] = [];
  /** Row whose Y word is still free for a range check, and the op its X word checks for. */
  private pendingY?: { row: number; meta: Meta };
  private readonly masks = new Map<unknown, bigint>();
  /** Rotations written as (x >> k) | (x << (W − k)): the combining op → (x, k); its two shifts are skipped. */
  private rotations?: Map<Op, { x: Value; k: number }>;
  /** Majorities written as (a & b) ^ (a & c) ^ (b & c): the outer xor → t = a & b (an op kept) and a, b, c. */
  private readonly majorities = new Map<Op, { t: Value; abc: [Value, Value, Value] }>();
  private readonly skipped = new Set<Op>();
  /** Users of each value in the circuit body. */
  private users = new Map<Value, Op[]>();
  /**
   * Reductions not yet made: the value is s mod 2^k (exact), or only ≡ s (mod 2^k) (a sum whose every
   * user reduces it mod 2^j, j ≤ k). Only integer ops lowered here ever see such a value; the first one
   * that needs the value itself splits s once (cached in `reduced`).
   */
  private readonly lazy = new Map<Value, { s: Operand; ms: bigint; k: number; exact: boolean; meta: Meta }>();
  private readonly reduced = new Map<Value, Operand>();

  constructor(private readonly h: IntHost) {}

  // ---- masks

  private maskOf(o: Operand, w: number): bigint {
    if (o.kind === "const") return o.v;
    return this.masks.get(o.key) ?? ones(w);
  }

  private setMask(o: Operand, m: bigint): Operand {
    if (o.kind === "wire") this.masks.set(o.key, m);
    return o;
  }

  // ---- the integer rows

  private columns(span: Op["loc"]): Columns {
    if (this.cols) return this.cols;
    const c = this.h.c;
    const word = (n: string) => {
      const col = c.adviceColumn(n);
      c.enableEquality(col);
      return col;
    };
    const X = word("int_X");
    const Y = word("int_Y");
    const Z = word("int_Z");
    const lanes = (p: string) => Array.from({ length: LANES }, (_, i) => c.adviceColumn(`int_${p}${i}`));
    const x = lanes("x");
    const y = lanes("y");
    const z = lanes("z");
    const tags = Array.from({ length: LANES }, (_, i) => c.fixedColumn(`int_tag${i}`));
    const q = c.selector("q_int");
    const table = ["tag", "x", "y", "z"].map((n) => c.fixedColumn(`int_table_${n}`));
    const Q = (col: Column) => Expression.query(col);
    const recompose = (w: Column, ls: Column[]) =>
      Q(q).mul(ls.reduce((acc, l, i) => acc.sub(Q(l).mul(1n << BigInt(LIMB_BITS * i))), Q(w)));
    c.createGate("int-limbs", [recompose(X, x), recompose(Y, y), recompose(Z, z)], {
      region: INT_REGION,
      span,
      polyNames: ["X = Σ 16^i·x_i", "Y = Σ 16^i·y_i", "Z = Σ 16^i·z_i"],
    });
    for (let i = 0; i < LANES; i++)
      c.lookup(`int-limb${i}`, [Q(tags[i]), Q(x[i]), Q(y[i]), Q(z[i])], table.map(Q), { span, region: INT_REGION });
    const U = word("int_U");
    const V = word("int_V");
    const k = { V: c.fixedColumn("int_kV"), X: c.fixedColumn("int_kX"), Y: c.fixedColumn("int_kY"), K: c.fixedColumn("int_kK"), U: c.fixedColumn("int_kU"), X2: c.fixedColumn("int_kX2"), Y2: c.fixedColumn("int_kY2") };
    c.createGate(
      "int-relations",
      [
        Q(k.V).mul(Q(V)).add(Q(k.X).mul(Q(X))).add(Q(k.Y).mul(Q(Y))).add(Q(k.K)),
        Q(k.U).mul(Q(U)).add(Q(k.X2).mul(Q(X))).add(Q(k.Y2).mul(Q(Y))),
      ],
      { region: INT_REGION, span, polyNames: ["kV·V + kX·X + kY·Y + kK = 0", "kU·U + kX2·X + kY2·Y = 0"] },
    );
    this.cols = { X, Y, Z, x, y, z, tags, q, table, U, V, k };
    return this.cols;
  }

  private newRow(meta: Meta): number {
    const r = this.rows.length;
    this.rows.push({ rx: new Array(LANES).fill(0), ry: new Array(LANES).fill(0) });
    this.h.c.annotateRow(r, meta, INT_REGION);
    this.h.c.touch(r);
    return r;
  }

  private placeLimbs(g: Getter, cols: Column[], row: number, meta: Meta): void {
    cols.forEach((col, i) => this.h.place(this.h.temp((env) => (g(env) >> BigInt(LIMB_BITS * i)) & 15n), col, row, meta));
  }

  /** Proves o < 2^bits (lookups on limbs; chunks of 32 bits joined by one arithmetic row each). */
  range(o: Operand, bits: number, meta: Meta): void {
    if (o.kind === "const") {
      if (o.v >> BigInt(bits) !== 0n) this.h.diag(error("E0642", `constraint always fails: ${o.v} does not fit in ${bits} bits`, meta.span));
      return;
    }
    if (bits === 0) return this.h.gate({ a: o }, { l: 1n }, meta);
    if (bits > ROW_BITS) {
      const g = this.h.getter(o);
      const lo = this.h.temp((env) => g(env) & ones(ROW_BITS));
      const hi = this.h.temp((env) => g(env) >> BigInt(ROW_BITS));
      this.range(lo, ROW_BITS, meta);
      this.range(hi, bits - ROW_BITS, meta);
      this.lin([[1n, lo], [1n << BigInt(ROW_BITS), hi], [-1n, o]], 0n, meta);
      return;
    }
    const cols = this.columns(meta.span);
    let row: number;
    let useY = false;
    // Two checks share a row only when they come from one source span (one op, or the elements of one
    // parameter): a failing lookup names the row's span; the row's name lists both.
    const p = this.pendingY;
    if (p && p.meta.span?.start === meta.span?.start && p.meta.span?.file === meta.span?.file) {
      row = p.row;
      useY = true;
      this.pendingY = undefined;
      if (meta.name !== p.meta.name) this.h.c.annotateRow(row, { ...p.meta, name: `${p.meta.name} · ${meta.name}` }, INT_REGION);
    } else {
      row = this.newRow(meta);
      this.pendingY = { row, meta };
    }
    const r = this.rows[row];
    for (let i = 0; i < LANES; i++) (useY ? r.ry : r.rx)[i] = Math.max(0, Math.min(LIMB_BITS, bits - LIMB_BITS * i));
    this.h.place(o, useY ? cols.Y : cols.X, row, meta);
    this.placeLimbs(this.h.getter(o), useY ? cols.y : cols.x, row, meta);
  }

  /** Z = X op Y on words of at most 32 bits: one row. */
  private bitRow(op: BitOp, x: Operand, y: Operand, z: Operand, meta: Meta): void {
    const cols = this.columns(meta.span);
    const row = this.newRow(meta);
    const r = this.rows[row];
    r.op = op;
    for (const [o, W, ls] of [[x, cols.X, cols.x], [y, cols.Y, cols.y], [z, cols.Z, cols.z]] as const) {
      this.h.place(o, W, row, meta);
      this.placeLimbs(this.h.getter(o), ls, row, meta);
    }
  }

  /**
   * One row that range-checks X (xBits) and Y (yBits) and ties them to V by
   * kV·V + kX·X + kY·Y + kK = 0 (a split, a carry, a borrow); returns the row for a second relation.
   */
  private relRow(v: Operand, x: Operand, xBits: number, y: Operand, yBits: number, coef: { v: bigint; x: bigint; y: bigint; k?: bigint }, meta: Meta): number {
    const cols = this.columns(meta.span);
    const row = this.newRow(meta);
    const r = this.rows[row];
    // A constant 0 is not placed: its lanes get width 0, so the lookups pin its word to 0.
    const zero = (o: Operand) => o.kind === "const" && o.v === 0n;
    if (zero(x)) xBits = 0;
    if (zero(y)) yBits = 0;
    for (let i = 0; i < LANES; i++) {
      r.rx[i] = Math.max(0, Math.min(LIMB_BITS, xBits - LIMB_BITS * i));
      r.ry[i] = Math.max(0, Math.min(LIMB_BITS, yBits - LIMB_BITS * i));
    }
    for (const [o, W, ls] of [[x, cols.X, cols.x], [y, cols.Y, cols.y]] as const) {
      if (zero(o)) continue;
      this.h.place(o, W, row, meta);
      this.placeLimbs(this.h.getter(o), ls, row, meta);
    }
    this.h.place(v, cols.V, row, meta);
    const set = (col: Column, val?: bigint) => val && this.h.c.assignFixed(col, row, val);
    set(cols.k.V, coef.v);
    set(cols.k.X, coef.x);
    set(cols.k.Y, coef.y);
    set(cols.k.K, coef.k);
    return row;
  }

  /** The second relation of a relRow: kU·U + kX2·X + kY2·Y = 0 (a rotation's result). */
  private relRow2(row: number, u: Operand, coef: { u: bigint; x: bigint; y: bigint }, meta: Meta): void {
    const cols = this.columns(meta.span);
    this.h.place(u, cols.U, row, meta);
    this.h.c.assignFixed(cols.k.U, row, coef.u);
    this.h.c.assignFixed(cols.k.X2, row, coef.x);
    this.h.c.assignFixed(cols.k.Y2, row, coef.y);
  }

  /** Writes tags, selectors and the table (called once, after every op is laid out). */
  finish(): void {
    if (!this.cols) return;
    const c = this.h.c;
    const cols = this.cols;
    const used = new Set<number>();
    this.rows.forEach((r, row) => {
      c.enable(cols.q, row);
      for (let i = 0; i < LANES; i++) {
        const tag = r.op ? BIT_TAGS[r.op] : rangeTag(r.rx[i], r.ry[i]);
        used.add(tag);
        if (tag) c.assignFixed(cols.tags[i], row, BigInt(tag));
      }
    });
    intTableRows(used).forEach((t, row) => t.forEach((v, j) => v && c.assignFixed(cols.table[j], row, v)));
    c.regionRows.set(INT_REGION, this.rows.length);
  }

  // ---- arithmetic rows

  /** Σ coef·operand + k = 0, in as few arithmetic rows as the three wires per row allow. */
  lin(terms: Array<[bigint, Operand]>, k: bigint, meta: Meta): void {
    const wires: Array<[bigint, Operand]> = [];
    for (const [coef, o] of terms) {
      if (o.kind === "const") k += coef * o.v;
      else if (coef !== 0n) wires.push([coef, o]);
    }
    if (wires.length === 0) {
      if (k !== 0n) this.h.diag(error("E0642", "constraint always fails", meta.span));
      return;
    }
    while (wires.length > 3) {
      // Fold two terms into one partial sum: acc = c1·w1 + c2·w2.
      const [[c1, w1], [c2, w2]] = wires.splice(0, 2);
      const g1 = this.h.getter(w1);
      const g2 = this.h.getter(w2);
      const acc = this.h.temp((env) => c1 * g1(env) + c2 * g2(env));
      this.h.gate({ a: w1, b: w2, c: acc }, { l: c1, r: c2, o: -1n }, meta);
      wires.unshift([1n, acc]);
    }
    const [a, b, c] = wires;
    this.h.gate({ a: a?.[1], b: b?.[1], c: c?.[1] }, { l: a?.[0], r: b?.[0], o: c?.[0], c: k }, meta);
  }

  /** x = lo + 2^k·hi with lo < 2^k and hi within x's mask shifted down: both parts range-checked. */
  split(x: Operand, mx: bigint, k: number, meta: Meta): { lo: Operand; hi: Operand; row?: number } {
    const K = BigInt(k);
    if (x.kind === "const") return { lo: { kind: "const", v: x.v & ones(k) }, hi: { kind: "const", v: x.v >> K } };
    const mlo = mx & ones(k);
    const mhi = mx >> K;
    if (mhi === 0n) return { lo: x, hi: { kind: "const", v: 0n } };
    const g = this.h.getter(x);
    if (mlo === 0n) {
      const hi = this.setMask(this.h.temp((env) => g(env) >> K), mhi);
      this.lin([[1n << K, hi], [-1n, x]], 0n, meta);
      return { lo: { kind: "const", v: 0n }, hi };
    }
    const lo = this.setMask(this.h.temp((env) => g(env) & ones(k)), mlo);
    const hi = this.setMask(this.h.temp((env) => g(env) >> K), mhi);
    if (k <= ROW_BITS && bitlen(mhi) <= ROW_BITS) {
      // One integer row: X = lo, Y = hi, V = x with x = lo + 2^k·hi.
      const row = this.relRow(x, lo, k, hi, bitlen(mhi), { v: -1n, x: 1n, y: 1n << K }, meta);
      return { lo, hi, row };
    }
    this.range(lo, k, meta);
    this.range(hi, bitlen(mhi), meta);
    this.lin([[1n, lo], [1n << K, hi], [-1n, x]], 0n, meta);
    return { lo, hi };
  }

  /** A value that enters the circuit unchecked (parameter, hint result, array element, field cast). */
  entered(o: Operand, w: number, meta: Meta): void {
    if (w <= 1 || o.kind === "const") return;
    this.range(o, w, { ...meta, name: `${meta.name ?? "value"}: range check u${w}` });
    this.setMask(o, ones(w));
  }

  // ---- ops

  /**
   * Finds rotations spelled with shifts (std::hash::sha256::rotr): or/xor/add of x >> k and
   * x << (W − k), each shift used only there. One split row then gives the rotation (x = lo + 2^k·hi,
   * r = 2^(W−k)·lo + hi) instead of two splits and two arithmetic rows.
   */
  private findRotations(ops: readonly Op[]): Map<Op, { x: Value; k: number }> {
    const uses = new Map<Value, number>();
    for (const op of ops) for (const v of op.operands) uses.set(v, (uses.get(v) ?? 0) + 1);
    for (const op of ops) for (const v of op.operands) this.users.set(v, [...(this.users.get(v) ?? []), op]);
    const amount = (v: Value) => (v.definingOp?.name === "i.const" ? v.definingOp.bigAttr("value") : undefined);
    const found = new Map<Op, { x: Value; k: number }>();
    for (const op of ops) {
      if (!["i.or", "i.xor", "i.add"].includes(op.name)) continue;
      const W = widthOf(op.results[0].type);
      const [a, b] = op.operands;
      for (const [r, l] of [[a, b], [b, a]]) {
        const sr = r.definingOp;
        const sl = l.definingOp;
        if (sr?.name !== "i.shru" || sl?.name !== "i.shl" || sr.operands[0] !== sl.operands[0] || uses.get(r) !== 1 || uses.get(l) !== 1) continue;
        const kr = amount(sr.operands[1]);
        const kl = amount(sl.operands[1]);
        if (kr === undefined || kl === undefined) continue;
        const k = Number(kr % BigInt(W));
        if (k === 0 || Number(kl % BigInt(W)) !== W - k) continue;
        found.set(op, { x: sr.operands[0], k });
        this.skipped.add(sr);
        this.skipped.add(sl);
        break;
      }
    }
    this.findMajorities(ops, uses);
    return found;
  }

  /**
   * Finds SHA-256's Maj spelled (a & b) ^ (a & c) ^ (b & c) (the inner xor used only there): it equals
   * (a & b) + (c & (a ^ b)), the two terms sharing no bit. One of the three ands is kept as a & b
   * (unrolled rounds share one: this round's a & b is the next round's b & c); the others and the
   * inner xor are skipped where nothing else uses them: three bitwise rows per Maj instead of four.
   */
  private findMajorities(ops: readonly Op[], uses: Map<Value, number>): void {
    const def = (v: Value, name: string) => (v.definingOp?.name === name ? v.definingOp : undefined);
    for (const op of ops) {
      if (op.name !== "i.xor" || widthOf(op.results[0].type) <= 1) continue;
      for (const [p, q] of [[op.operands[0], op.operands[1]], [op.operands[1], op.operands[0]]]) {
        const inner = uses.get(p) === 1 ? def(p, "i.xor") : undefined;
        const a3 = def(q, "i.and");
        const a1 = inner && def(inner.operands[0], "i.and");
        const a2 = inner && def(inner.operands[1], "i.and");
        if (!inner || !a1 || !a2 || !a3) continue;
        const ands = [a1, a2, a3];
        const pairs = ands.map((o) => o.operands);
        const vals = [...new Set(pairs.flat())];
        const key = (x: Value, y: Value) => [x.id, y.id].sort((m, n) => m - n).join(",");
        if (vals.length !== 3 || new Set(pairs.map(([x, y]) => key(x, y))).size !== 3 || pairs.some(([x, y]) => x === y)) continue;
        const kept = ands.find((o) => (uses.get(o.results[0]) ?? 0) > 1) ?? a1;
        const [a, b] = kept.operands;
        const c = vals.find((v) => v !== a && v !== b)!;
        this.majorities.set(op, { t: kept.results[0], abc: [a, b, c] });
        this.skipped.add(inner);
        for (const o of ands) if (o !== kept && uses.get(o.results[0]) === 1) this.skipped.add(o);
        break;
      }
    }
  }

  /** The operand for v; a pending reduction is made first (one split row, once per value). */
  private operand(v: Value): Operand {
    const lz = this.lazy.get(v);
    if (!lz) return this.h.resolve(v);
    if (!lz.exact) throw new Error(`internal: ${v.name ?? `%${v.id}`} is known only modulo 2^${lz.k} but a user needs its value`);
    let r = this.reduced.get(v);
    if (!r) {
      r = this.split(lz.s, lz.ms, lz.k, lz.meta).lo;
      this.reduced.set(v, r);
    }
    return r;
  }

  /** Whether every user of v is an op this class lowers (so a pending reduction never leaves it). */
  private intUsersOnly(v: Value): boolean {
    const us = this.users.get(v) ?? [];
    return us.length > 0 && us.every((o) => o.name.startsWith("i.") && !["i.const", "i.select", "i.to_f"].includes(o.name));
  }

  /** A low mask 2^j − 1 as the constant operand of an i.and: j, else undefined. */
  private lowMaskOf(op: Op): { x: Value; j: number } | undefined {
    if (op.name !== "i.and") return undefined;
    for (const [x, c] of [[op.operands[0], op.operands[1]], [op.operands[1], op.operands[0]]]) {
      const cv = c.definingOp?.name === "i.const" ? c.definingOp.bigAttr("value") : undefined;
      if (cv !== undefined && cv > 0n && (cv & (cv + 1n)) === 0n && x !== c) return { x, j: bitlen(cv) };
    }
    return undefined;
  }

  /** Whether every user of v needs only v mod 2^j for some j ≤ k (an and with 2^j − 1, a trunc to j bits). */
  private reducedByUsers(v: Value, k: number): boolean {
    const us = this.users.get(v) ?? [];
    return us.length > 0 && us.every((o) => (o.name === "i.trunc" ? widthOf(o.results[0].type) <= k : (this.lowMaskOf(o)?.j ?? Infinity) <= k));
  }

  /**
   * Additions mod 2^32 done in a wider type, `((a as u64 + b as u64) & 0xffffffff) as u32` (std's sha256
   * add): the mask and the truncation leave the reduction pending, an addition of pending values whose
   * users all reduce is the plain sum of the cells, and the split is made where a value is needed — so
   * t1 = h + Σ1 + ch + K + w costs one split, not four.
   */
  private lowerLazy(op: Op, W: number, meta: Meta): boolean {
    const res = op.results[0];
    if (!res || W <= 1) return false;
    switch (op.name) {
      case "i.zext": {
        const l = this.lazy.get(op.operands[0]);
        if (!l || !this.intUsersOnly(res)) return false;
        this.lazy.set(res, l);
        return true;
      }
      case "i.add": {
        const [a, b] = op.operands;
        const [la, lb] = [this.lazy.get(a), this.lazy.get(b)];
        if (!la && !lb) return false;
        const k = Math.min(la?.k ?? W, lb?.k ?? W);
        if (k > W || !this.reducedByUsers(res, k)) return false;
        const part = (v: Value, l?: { s: Operand; ms: bigint }) => (l ? l : { s: this.operand(v), ms: this.maskOf(this.operand(v), W) });
        const [pa, pb] = [part(a, la), part(b, lb)];
        const [ga, gb] = [this.h.getter(pa.s), this.h.getter(pb.s)];
        const ms = ones(bitlen(pa.ms + pb.ms));
        if (bitlen(ms) > 200) return false;
        const s = this.setMask(this.h.temp((env) => ga(env) + gb(env)), ms);
        this.lin([[1n, pa.s], [1n, pb.s], [-1n, s]], 0n, meta);
        this.lazy.set(res, { s, ms, k, exact: false, meta });
        return true;
      }
      case "i.and":
      case "i.trunc": {
        const m = op.name === "i.trunc" ? { x: op.operands[0], j: W } : this.lowMaskOf(op);
        if (!m) return false;
        const l = this.lazy.get(m.x);
        if (l) {
          if (!l.exact && m.j > l.k) throw new Error(`internal: a reduction mod 2^${m.j} of a value known modulo 2^${l.k}`);
          const pending = { ...l, k: Math.min(l.k, m.j), exact: true };
          if (this.intUsersOnly(res)) this.lazy.set(res, pending);
          else this.h.alias(res, this.split(pending.s, pending.ms, pending.k, pending.meta).lo);
          return true;
        }
        const x = this.operand(m.x);
        const mx = this.maskOf(x, widthOf(m.x.type));
        if (x.kind !== "wire" || mx >> BigInt(m.j) === 0n || !this.intUsersOnly(res)) return false;
        this.lazy.set(res, { s: x, ms: mx, k: m.j, exact: true, meta });
        return true;
      }
    }
    return false;
  }

  lower(op: Op, meta: Meta): void {
    const h = this.h;
    this.rotations ??= this.findRotations(op.parent?.ops ?? []);
    if (this.skipped.has(op)) return;
    const maj = this.majorities.get(op);
    if (maj) {
      const W = widthOf(op.results[0].type);
      const [a, b, c] = maj.abc.map((v) => this.operand(v));
      const [ma, mb, mc] = [a, b, c].map((o) => this.maskOf(o, W));
      const [ga, gb, gc] = [a, b, c].map((o) => h.getter(o));
      const t = this.operand(maj.t);
      const u = this.bitwise("xor", a, b, ma, mb, W, h.temp((env) => ga(env) ^ gb(env)), meta);
      const v = this.bitwise("and", c, u, mc, this.maskOf(u, W), W, h.temp((env) => gc(env) & (ga(env) ^ gb(env))), meta);
      const r: Operand = { kind: "wire", key: op.results[0] };
      this.lin([[1n, t], [1n, v], [-1n, r]], 0n, meta);
      h.alias(op.results[0], this.setMask(r, this.maskOf(t, W) | this.maskOf(v, W)));
      return;
    }
    const rot = this.rotations.get(op);
    if (rot) {
      const W = widthOf(op.results[0].type);
      const x = this.operand(rot.x);
      h.alias(op.results[0], this.rotate(x, this.maskOf(x, W), rot.k, W, { kind: "wire", key: op.results[0] }, meta));
      return;
    }
    const res = op.results[0];
    const W = res ? widthOf(res.type) : 0;
    if (this.lowerLazy(op, W, meta)) return;
    const xs = op.operands.map((v) => this.operand(v));
    const [x, y] = xs;
    const inW = op.operands[0] ? widthOf(op.operands[0].type) : 0;
    const allConst = xs.every((o) => o.kind === "const");
    const out = (): Operand => ({ kind: "wire", key: res });
    const set = (o: Operand, m?: bigint) => {
      if (m !== undefined) this.setMask(o, m);
      h.alias(res, o);
    };
    if (allConst && op.name !== "i.from_f") {
      // The interpreter's semantics (a constant division by zero fails there, and here).
      let v: bigint;
      try {
        v = evalValueOp(h.module, op, xs.map((o) => (o as { v: bigint }).v))![0] as bigint;
      } catch (e) {
        if (!(e instanceof EvalError)) throw e;
        h.diag(error("E0642", `constraint always fails: ${e.message}`, op.loc));
        return;
      }
      return set({ kind: "const", v });
    }
    const mx = x ? this.maskOf(x, inW) : 0n;
    const my = y ? this.maskOf(y, inW) : 0n;
    const gx = x ? h.getter(x) : () => 0n;
    const gy = y ? h.getter(y) : () => 0n;
    const amount = () => (y.kind === "const" ? Number(y.v % BigInt(W)) : undefined);
    switch (op.name) {
      case "i.add":
        return set(this.add(x, y, mx, my, W, out(), meta), undefined);
      case "i.sub":
        return set(this.sub(x, y, W, out(), meta));
      case "i.mul":
        return set(this.mul(x, y, mx, my, W, out(), meta));
      case "i.divu":
      case "i.remu":
        return this.divrem(op, x, y, mx, W, meta);
      case "i.divs":
      case "i.rems":
        return this.signedDivrem(op, x, y, mx, my, W, meta);
      case "i.or":
      case "i.xor":
        if (W > 1 && complementary(op)) {
          // (u & f) and (~u & g) have no bit in common: or and xor are their sum (SHA-256's Ch).
          const r = out();
          this.lin([[1n, x], [1n, y], [-1n, r]], 0n, meta);
          return set(r, mx | my);
        }
        return set(this.bitwise(op.name.slice(2) as BitOp, x, y, mx, my, W, out(), meta));
      case "i.and":
        return set(this.bitwise(op.name.slice(2) as BitOp, x, y, mx, my, W, out(), meta));
      case "i.not": {
        const r = out();
        this.lin([[-1n, x], [-1n, r]], ones(W), meta);
        return set(r, ones(W));
      }
      case "i.shl": {
        const k = amount();
        if (k === undefined) return this.shiftBy(op, x, mx, y, my, W, meta);
        if (k === 0) return set(x);
        const K = BigInt(k);
        const src = (mx << K) >> BigInt(W) === 0n ? x : this.split(x, mx, W - k, meta).lo;
        const ms = src === x ? mx : mx & ones(W - k);
        const r = out();
        this.lin([[1n << K, src], [-1n, r]], 0n, meta);
        return set(r, ms << K);
      }
      case "i.shru": {
        const k = amount();
        if (k === undefined) return this.shiftBy(op, x, mx, y, my, W, meta);
        if (k === 0) return set(x);
        return set(this.split(x, mx, k, meta).hi);
      }
      case "i.shrs": {
        const k = amount();
        if (k === undefined) return this.shiftBy(op, x, mx, y, my, W, meta);
        if (k === 0) return set(x);
        const s = this.split(x, mx, W - 1, meta).hi;
        const hi = this.split(x, mx, k, meta).hi;
        const r = out();
        this.lin([[1n, hi], [(1n << BigInt(W)) - (1n << BigInt(W - k)), s], [-1n, r]], 0n, meta);
        return set(r, ones(W));
      }
      case "i.rotl":
      case "i.rotr": {
        const k0 = amount();
        if (k0 === undefined) return this.shiftBy(op, x, mx, y, my, W, meta);
        const k = op.name === "i.rotr" ? k0 : (W - k0) % W;
        if (k === 0) return set(x);
        return set(this.rotate(x, mx, k, W, out(), meta));
      }
      case "i.cmp":
        return set(this.cmp(op.strAttr("pred") ?? "eq", x, y, mx, my, inW, out(), meta));
      case "i.zext":
        return set(x);
      case "i.sext": {
        const s = this.split(x, mx, inW - 1, meta).hi;
        const r = out();
        this.lin([[1n, x], [(1n << BigInt(W)) - (1n << BigInt(inW)), s], [-1n, r]], 0n, meta);
        return set(r, ones(W));
      }
      case "i.trunc":
        if (mx >> BigInt(W) === 0n) return set(x);
        return set(this.split(x, mx, W, meta).lo);
      case "i.from_f":
        // "fails (constrains) unless a < 2^W": the range check is that constraint.
        if (x.kind === "const") {
          if (x.v >> BigInt(W) !== 0n) h.diag(error("E0642", `constraint always fails: ${x.v} does not fit in ${W} bits`, op.loc));
          return set(x);
        }
        this.range(x, W, { ...meta, name: `${meta.name}: range check u${W}` });
        this.setMask(x, ones(W));
        return set(x);
      default:
        return h.unsupported(op, "");
    }
  }

  /** r = x rotated right by k (0 < k < W): x = lo + 2^k·hi, r = 2^(W−k)·lo + hi. */
  private rotate(x: Operand, mx: bigint, k: number, W: number, r: Operand, meta: Meta): Operand {
    if (x.kind === "const") return { kind: "const", v: ((x.v >> BigInt(k)) | (x.v << BigInt(W - k))) & ones(W) };
    const { lo, hi, row } = this.split(x, mx, k, meta);
    if (row !== undefined) this.relRow2(row, r, { u: -1n, x: 1n << BigInt(W - k), y: 1n }, meta);
    else this.lin([[1n << BigInt(W - k), lo], [1n, hi], [-1n, r]], 0n, meta);
    return this.setMask(r, ((mx & ones(k)) << BigInt(W - k)) | (mx >> BigInt(k)));
  }

  private add(x: Operand, y: Operand, mx: bigint, my: bigint, W: number, r: Operand, meta: Meta): Operand {
    if (W === 1) return this.bitwise("xor", x, y, mx, my, W, r, meta);
    if (x.kind === "const" && x.v === 0n) return y;
    if (y.kind === "const" && y.v === 0n) return x;
    if (mx + my <= ones(W)) {
      // No wrap possible: the sum itself (disjoint masks keep their bits, others grow by a carry).
      this.lin([[1n, x], [1n, y], [-1n, r]], 0n, meta);
      return this.setMask(r, (mx & my) === 0n ? mx | my : ones(bitlen(mx + my)));
    }
    const gx = this.h.getter(x);
    const gy = this.h.getter(y);
    const carry = this.h.temp((env) => (gx(env) + gy(env)) >> BigInt(W));
    if (W <= ROW_BITS) {
      // s = x + y (an arithmetic row), then one integer row: s = r + 2^W·carry.
      const sum = this.h.temp((env) => gx(env) + gy(env));
      this.lin([[1n, x], [1n, y], [-1n, sum]], 0n, meta);
      this.relRow(sum, r, W, carry, 1, { v: -1n, x: 1n, y: 1n << BigInt(W) }, meta);
      return this.setMask(r, ones(W));
    }
    this.range(r, W, meta);
    this.range(carry, 1, meta);
    this.lin([[1n, x], [1n, y], [-1n, r], [-(1n << BigInt(W)), carry]], 0n, meta);
    return this.setMask(r, ones(W));
  }

  /** r = x − y mod 2^W. */
  private sub(x: Operand, y: Operand, W: number, r: Operand, meta: Meta): Operand {
    if (y.kind === "const" && y.v === 0n) return x;
    const h = this.h;
    const gx = h.getter(x);
    const gy = h.getter(y);
    const two = 1n << BigInt(W);
    if (W <= ROW_BITS) {
      // t = x − y + 2^W ∈ [1, 2^(W+1)) (an arithmetic row), then one integer row t = r + 2^W·c with
      // c = 1 − borrow: the same shape as an addition, every term non-negative.
      const t = h.temp((env) => gx(env) - gy(env) + two);
      const c = h.temp((env) => (gx(env) < gy(env) ? 0n : 1n));
      this.lin([[1n, x], [-1n, y], [-1n, t]], two, meta);
      this.relRow(t, r, W, c, 1, { v: -1n, x: 1n, y: two }, meta);
      return this.setMask(r, ones(W));
    }
    const b = h.temp((env) => (gx(env) < gy(env) ? 1n : 0n));
    this.range(r, W, meta);
    this.range(b, 1, meta);
    this.lin([[1n, x], [-1n, y], [-1n, r], [two, b]], 0n, meta);
    return this.setMask(r, ones(W));
  }

  /** out = s ? a : b for a bit s: d = a − b, u = s·d, out = b + u. */
  private choose(s: Operand, a: Operand, b: Operand, out: Operand, meta: Meta): Operand {
    if (s.kind === "const") return s.v ? a : b;
    const h = this.h;
    const [gs, ga, gb] = [h.getter(s), h.getter(a), h.getter(b)];
    const d = h.temp((env) => ga(env) - gb(env));
    const u = h.temp((env) => gs(env) * (ga(env) - gb(env)));
    this.lin([[1n, a], [-1n, b], [-1n, d]], 0n, meta);
    h.gate({ a: s, b: d, c: u }, { m: 1n, o: -1n }, meta);
    this.lin([[1n, b], [1n, u], [-1n, out]], 0n, meta);
    return out;
  }

  /**
   * Two's complement division (rounds toward 0, MIN / −1 wraps to MIN) and remainder (sign of the
   * dividend): the unsigned division of the magnitudes (|v| = v or 2^W − v by the sign bit), then the
   * quotient negated when the signs differ, the remainder when the dividend is negative.
   */
  private signedDivrem(op: Op, x: Operand, y: Operand, mx: bigint, my: bigint, W: number, meta: Meta): void {
    const h = this.h;
    if (y.kind === "const" && y.v === 0n) return h.diag(error("E0642", "constraint always fails: division by zero", op.loc));
    const magnitude = (v: Operand, mv: bigint): { s: Operand; a: Operand } => {
      if (v.kind === "const") {
        const neg = v.v >> BigInt(W - 1) === 1n;
        return { s: { kind: "const", v: neg ? 1n : 0n }, a: { kind: "const", v: neg ? (1n << BigInt(W)) - v.v : v.v } };
      }
      const s = this.split(v, mv, W - 1, meta).hi;
      const gv = h.getter(v);
      const neg = this.sub({ kind: "const", v: 0n }, v, W, h.temp((env) => ((1n << BigInt(W)) - gv(env)) & ones(W)), meta);
      const gs = h.getter(s);
      const a = this.choose(s, neg, v, h.temp((env) => (gs(env) ? ((1n << BigInt(W)) - gv(env)) & ones(W) : gv(env))), meta);
      return { s, a: this.setMask(a, ones(W)) };
    };
    const A = magnitude(x, mx);
    const B = magnitude(y, my);
    const [ga, gb] = [h.getter(A.a), h.getter(B.a)];
    const q = h.temp((env) => (gb(env) === 0n ? 0n : ga(env) / gb(env)));
    const r = h.temp((env) => (gb(env) === 0n ? 0n : ga(env) % gb(env)));
    this.divremCore(A.a, B.a, ones(W), W, q, r, meta);
    const res: Operand = { kind: "wire", key: op.results[0] };
    let v = r;
    let sign = A.s;
    if (op.name === "i.divs") {
      v = q;
      const [g1, g2] = [h.getter(A.s), h.getter(B.s)];
      sign = h.temp((env) => g1(env) ^ g2(env));
      h.gate({ a: A.s, b: B.s, c: sign }, { l: 1n, r: 1n, m: -2n, o: -1n }, meta);
    }
    const gv = h.getter(v);
    const neg = this.sub({ kind: "const", v: 0n }, v, W, h.temp((env) => ((1n << BigInt(W)) - gv(env)) & ones(W)), meta);
    h.alias(op.results[0], this.setMask(this.choose(sign, neg, v, res, meta), ones(W)));
  }

  private mul(x: Operand, y: Operand, mx: bigint, my: bigint, W: number, r: Operand, meta: Meta): Operand {
    if (W === 1) return this.bitwise("and", x, y, mx, my, W, r, meta);
    const full = mx * my;
    if (bitlen(full) > 240) {
      this.h.diag(error("E0640", `the plonkish backend cannot lower 'i.mul' on i${W}: the product may exceed the field`, meta.span, "multiply at most 120-bit integers"));
      return r;
    }
    const prod = (t: Operand) => {
      if (x.kind === "const") this.lin([[x.v, y], [-1n, t]], 0n, meta);
      else if (y.kind === "const") this.lin([[y.v, x], [-1n, t]], 0n, meta);
      else this.h.gate({ a: x, b: y, c: t }, { m: 1n, o: -1n }, meta);
    };
    if (full <= ones(W)) {
      prod(r);
      return this.setMask(r, ones(bitlen(full)));
    }
    this.mulParts(x, y, mx, my, W, meta, r);
    return this.setMask(r, ones(W));
  }

  /** x·y = lo + 2^W·hi with lo < 2^W and hi < 2^(bits of the product − W). */
  private mulParts(x: Operand, y: Operand, mx: bigint, my: bigint, W: number, meta: Meta, lo?: Operand): { lo: Operand; hi: Operand } {
    const gx = this.h.getter(x);
    const gy = this.h.getter(y);
    const t = this.h.temp((env) => gx(env) * gy(env));
    lo ??= this.h.temp((env) => (gx(env) * gy(env)) & ones(W));
    const hi = this.h.temp((env) => (gx(env) * gy(env)) >> BigInt(W));
    if (x.kind === "const") this.lin([[x.v, y], [-1n, t]], 0n, meta);
    else if (y.kind === "const") this.lin([[y.v, x], [-1n, t]], 0n, meta);
    else this.h.gate({ a: x, b: y, c: t }, { m: 1n, o: -1n }, meta);
    const hb = Math.max(0, bitlen(mx * my) - W);
    if (W <= ROW_BITS && hb <= ROW_BITS) {
      this.relRow(t, lo, W, hi, hb, { v: -1n, x: 1n, y: 1n << BigInt(W) }, meta);
      return { lo: this.setMask(lo, ones(W)), hi: this.setMask(hi, ones(hb)) };
    }
    this.range(lo, W, meta);
    this.range(hi, hb, meta);
    this.lin([[1n, t], [-1n, lo], [-(1n << BigInt(W)), hi]], 0n, meta);
    return { lo: this.setMask(lo, ones(W)), hi: this.setMask(hi, ones(hb)) };
  }

  /**
   * Shifts and rotations by a variable amount b (taken mod W, W a power of two): p = 2^(b mod W) from
   * the low bits of b (one product row per bit), then
   *   shl  = x·p mod 2^W (the multiplication gadget),
   *   shru = q where x = q·p + rem, rem < p,
   *   rotl = lo + hi where x·p = lo + 2^W·hi (rotr: rotl by (W − b) mod W),
   *   shrs = shru on the complement when the sign bit is set (~((~x) >> b)).
   */
  private shiftBy(op: Op, x: Operand, mx: bigint, b: Operand, mb: bigint, W: number, meta: Meta): void {
    const h = this.h;
    const res = op.results[0];
    const r: Operand = { kind: "wire", key: res };
    const n = Math.log2(W);
    if (!Number.isInteger(n)) return h.unsupported(op, `a variable shift of i${W} (width not a power of two)`);
    // x·2^s reaches 2^(2W − 1): beyond 120 bits that may wrap in the field.
    if (W > 120) return h.unsupported(op, `a variable shift of i${W} (x·2^b may exceed the field); shift by a constant`);
    let s = n === 0 ? ({ kind: "const", v: 0n } as Operand) : this.split(b, mb, n, meta).lo;
    if (op.name === "i.rotr" && s.kind === "wire") {
      // (W − s) mod W = the low n bits of 2^n − s.
      const gs = h.getter(s);
      const u = this.setMask(h.temp((env) => (1n << BigInt(n)) - gs(env)), ones(n + 1));
      this.lin([[-1n, s], [-1n, u]], 1n << BigInt(n), meta);
      s = this.split(u, ones(n + 1), n, meta).lo;
    }
    const p = this.pow2(s, n, meta);
    const full = ones(W);
    switch (op.name) {
      case "i.shl":
        h.alias(res, this.mul(x, p, mx, full, W, r, meta));
        return;
      case "i.rotl":
      case "i.rotr": {
        const { lo, hi } = this.mulParts(x, p, mx, full, W, meta);
        this.lin([[1n, lo], [1n, hi], [-1n, r]], 0n, meta);
        h.alias(res, this.setMask(r, full));
        return;
      }
      case "i.shru":
        h.alias(res, this.shruBy(x, mx, p, W, meta));
        return;
      case "i.shrs": {
        const sign = this.split(x, mx, W - 1, meta).hi;
        const flip = (v: Operand, out: Operand) => {
          // out = sign ? 2^W − 1 − v : v
          const gv = h.getter(v);
          const gsg = h.getter(sign);
          const sv = h.temp((env) => gsg(env) * gv(env));
          h.gate({ a: sign, b: v, c: sv }, { m: 1n, o: -1n }, meta);
          this.lin([[1n, v], [full, sign], [-2n, sv], [-1n, out]], 0n, meta);
          return this.setMask(out, full);
        };
        const gx = h.getter(x);
        const gsg = h.getter(sign);
        const y = flip(x, h.temp((env) => (gsg(env) ? full - gx(env) : gx(env))));
        const t = this.shruBy(y, full, p, W, meta);
        h.alias(res, flip(t, r));
        return;
      }
    }
  }

  /** 2^s for an n-bit s: its bits (range-checked), then p ← p·(1 + (2^(2^j) − 1)·bit_j). */
  private pow2(s: Operand, n: number, meta: Meta): Operand {
    if (s.kind === "const") return { kind: "const", v: 1n << s.v };
    const h = this.h;
    // Bits by successive splits (s = bit + 2·rest, one integer row each).
    const bits: Operand[] = [];
    let rest: Operand = s;
    for (let j = 0; j < n; j++) {
      const sp = this.split(rest, ones(n - j), 1, meta);
      bits.push(sp.lo);
      rest = sp.hi;
    }
    let p: Operand = { kind: "const", v: 1n };
    bits.forEach((bit, j) => {
      const c = (1n << (1n << BigInt(j))) - 1n;
      const gp = h.getter(p);
      const gb = h.getter(bit);
      const next = h.temp((env) => gp(env) * (1n + c * gb(env)));
      if (p.kind === "const") this.lin([[c, bit], [-1n, next]], 1n, meta);
      else h.gate({ a: p, b: bit, c: next }, { l: 1n, m: c, o: -1n }, meta);
      p = next;
    });
    return p;
  }

  /**
   * ⌊x / p⌋ for p = 2^s, s < W: the high part of x·2^(W−s), where 2^(W−s) = 2^W / p is fixed by
   * p·p' = 2^W (p ≠ 0) and x·p' = lo + 2^W·hi splits uniquely (both parts range-checked).
   */
  private shruBy(x: Operand, mx: bigint, p: Operand, W: number, meta: Meta): Operand {
    const h = this.h;
    const two = 1n << BigInt(W);
    const gp = h.getter(p);
    const pinv = h.temp((env) => two / gp(env));
    h.gate({ a: pinv, b: p }, { m: 1n, c: -two }, meta);
    return this.mulParts(x, pinv, mx, two, W, meta).hi;
  }

  /** x = q·y + r with r < y (so y ≠ 0, as i.divu/i.remu require), q and r range-checked. */
  private divrem(op: Op, x: Operand, y: Operand, mx: bigint, W: number, meta: Meta): void {
    const h = this.h;
    const res = op.results[0];
    const gx = h.getter(x);
    const gy = h.getter(y);
    const isDiv = op.name === "i.divu";
    const q: Operand = isDiv ? { kind: "wire", key: res } : h.temp((env) => (gy(env) === 0n ? 0n : gx(env) / gy(env)));
    const r: Operand = isDiv ? h.temp((env) => (gy(env) === 0n ? 0n : gx(env) % gy(env))) : { kind: "wire", key: res };
    if (y.kind === "const" && y.v === 0n) {
      h.diag(error("E0642", "constraint always fails: division by zero", op.loc));
      return;
    }
    this.divremCore(x, y, mx, W, q, r, meta);
    h.alias(res, isDiv ? q : r);
  }

  /** x = q·y + r with r < y (so y ≠ 0), q within x's bits and r range-checked. */
  private divremCore(x: Operand, y: Operand, mx: bigint, W: number, q: Operand, r: Operand, meta: Meta): void {
    const h = this.h;
    const gy = h.getter(y);
    this.range(q, bitlen(mx), meta);
    this.range(r, W, meta);
    const gr = h.getter(r);
    const d = h.temp((env) => gy(env) - gr(env) - 1n);
    this.range(d, W, meta);
    this.lin([[1n, y], [-1n, r], [-1n, d]], -1n, meta);
    if (y.kind === "const") this.lin([[y.v, q], [1n, r], [-1n, x]], 0n, meta);
    else {
      const gq = h.getter(q);
      const t = h.temp((env) => gq(env) * gy(env));
      h.gate({ a: q, b: y, c: t }, { m: 1n, o: -1n }, meta);
      this.lin([[1n, t], [1n, r], [-1n, x]], 0n, meta);
    }
    this.setMask(q, ones(bitlen(mx)));
    this.setMask(r, ones(W));
  }

  private bitwise(op: BitOp, x: Operand, y: Operand, mx: bigint, my: bigint, W: number, r: Operand, meta: Meta): Operand {
    if (x.kind === "const") [x, y, mx, my] = [y, x, my, mx];
    if (W === 1) {
      const sel: Sel = op === "and" ? { m: 1n, o: -1n } : op === "or" ? { l: 1n, r: 1n, m: -1n, o: -1n } : { l: 1n, r: 1n, m: -2n, o: -1n };
      if (y.kind === "const") {
        if (op === "and") return y.v ? x : y;
        if (op === "or") return y.v ? y : x;
        if (!y.v) return x;
        this.lin([[-1n, x], [-1n, r]], 1n, meta);
        return this.setMask(r, 1n);
      }
      this.h.gate({ a: x, b: y, c: r }, sel, meta);
      return this.setMask(r, 1n);
    }
    if (op === "and") {
      if ((mx & my) === 0n) return { kind: "const", v: 0n };
      if (y.kind === "const" && (mx & ~y.v) === 0n) return x;
      if (y.kind === "const" && (y.v & (y.v + 1n)) === 0n) return this.split(x, mx, bitlen(y.v), meta).lo;
    } else {
      if (y.kind === "const" && y.v === 0n) return x;
      if ((mx & my) === 0n) {
        // Disjoint bits: or and xor are the sum.
        this.lin([[1n, x], [1n, y], [-1n, r]], 0n, meta);
        return this.setMask(r, mx | my);
      }
    }
    const mr = op === "and" ? mx & my : mx | my;
    if (W <= ROW_BITS) {
      this.bitRow(op, x, y, r, meta);
      return this.setMask(r, mr);
    }
    // Wider words: 32-bit chunks, one row each, joined by arithmetic rows.
    const terms: Array<[bigint, Operand]> = [[-1n, r]];
    let [cx, cy, cmx, cmy] = [x, y, mx, my];
    for (let at = 0; at < W; at += ROW_BITS) {
      const sx = this.split(cx, cmx, ROW_BITS, meta);
      const sy = this.split(cy, cmy, ROW_BITS, meta);
      const lx = this.h.getter(sx.lo);
      const ly = this.h.getter(sy.lo);
      const z = this.h.temp((env) => bitOp(op, lx(env), ly(env)));
      this.bitRow(op, sx.lo, sy.lo, z, meta);
      terms.push([1n << BigInt(at), z]);
      [cx, cy, cmx, cmy] = [sx.hi, sy.hi, cmx >> BigInt(ROW_BITS), cmy >> BigInt(ROW_BITS)];
    }
    this.lin(terms, 0n, meta);
    return this.setMask(r, mr);
  }

  /** i.cmp: eq/ne by an inverse, unsigned order by a borrow, signed order on sign-flipped values. */
  private cmp(pred: string, x: Operand, y: Operand, mx: bigint, my: bigint, W: number, r: Operand, meta: Meta): Operand {
    const h = this.h;
    const gx = h.getter(x);
    const gy = h.getter(y);
    if (pred === "eq" || pred === "ne") {
      // d = x − y; i = d⁻¹ (0 when d = 0); e = 1 − d·i; d·e = 0.
      const d = h.temp((env) => gx(env) - gy(env));
      const gd = h.getter(d);
      const inv = h.temp((env) => invOrZero(gd(env)));
      const e = pred === "eq" ? r : h.temp((env) => (gx(env) === gy(env) ? 1n : 0n));
      this.lin([[1n, x], [-1n, y], [-1n, d]], 0n, meta);
      h.gate({ a: d, b: inv, c: e }, { m: 1n, o: 1n, c: -1n }, meta);
      h.gate({ a: d, b: e }, { m: 1n }, meta);
      if (pred === "ne") this.lin([[-1n, e], [-1n, r]], 1n, meta);
      return this.setMask(r, 1n);
    }
    const signed = pred.startsWith("s");
    let [a, b] = [x, y];
    if (signed) [a, b] = [this.flipSign(x, mx, W, meta), this.flipSign(y, my, W, meta)];
    const base = pred.slice(1);
    // lt(p, q) = p < q; gt = lt swapped; ge/le = 1 − lt.
    const [p, q, negate] = base === "lt" ? [a, b, false] : base === "gt" ? [b, a, false] : base === "ge" ? [a, b, true] : [b, a, true];
    const lt = negate ? h.temp(ltGetter(h.getter(p), h.getter(q))) : r;
    this.lessThan(p, q, W, lt, meta);
    if (negate) this.lin([[-1n, lt], [-1n, r]], 1n, meta);
    return this.setMask(r, 1n);
  }

  /** lt = (p < q) for W-bit p, q: q − p − 1 + 2^W·(1 − lt) = d with d < 2^W and lt one bit. */
  private lessThan(p: Operand, q: Operand, W: number, lt: Operand, meta: Meta): void {
    const gp = this.h.getter(p);
    const gq = this.h.getter(q);
    const d = this.h.temp((env) => gq(env) - gp(env) - 1n + (gp(env) < gq(env) ? 0n : 1n << BigInt(W)));
    if (W <= ROW_BITS) {
      // t = q − p, then one integer row: t + 2^W − 1 − 2^W·lt − d = 0.
      const t = this.h.temp((env) => gq(env) - gp(env));
      this.lin([[1n, q], [-1n, p], [-1n, t]], 0n, meta);
      this.relRow(t, d, W, lt, 1, { v: 1n, x: -1n, y: -(1n << BigInt(W)), k: (1n << BigInt(W)) - 1n }, meta);
      return;
    }
    this.range(d, W, meta);
    this.range(lt, 1, meta);
    const two = 1n << BigInt(W);
    this.lin([[1n, q], [-1n, p], [-two, lt], [-1n, d]], two - 1n, meta);
  }

  /** x + 2^(W−1) mod 2^W: signed order becomes unsigned order. */
  private flipSign(x: Operand, mx: bigint, W: number, meta: Meta): Operand {
    if (x.kind === "const") return { kind: "const", v: (x.v + (1n << BigInt(W - 1))) & ones(W) };
    const s = this.split(x, mx, W - 1, meta).hi;
    const g = this.h.getter(x);
    const f = this.h.temp((env) => (g(env) + (1n << BigInt(W - 1))) & ones(W));
    this.lin([[1n, x], [-(1n << BigInt(W)), s], [-1n, f]], 1n << BigInt(W - 1), meta);
    return this.setMask(f, ones(W));
  }
}

/** Whether the operands are u & f and ~u & g (in any order), so they share no set bit. */
function complementary(op: Op): boolean {
  const [a, b] = op.operands.map((v) => v.definingOp);
  if (a?.name !== "i.and" || b?.name !== "i.and") return false;
  const isNot = (v: Value, u: Value) => v.definingOp?.name === "i.not" && v.definingOp.operands[0] === u;
  return a.operands.some((u) => b.operands.some((w) => isNot(w, u) || isNot(u, w)));
}

function ltGetter(gp: Getter, gq: Getter): Getter {
  return (env) => (gp(env) < gq(env) ? 1n : 0n);
}

function invOrZero(d: bigint): bigint {
  d = ((d % fr.R) + fr.R) % fr.R;
  return d === 0n ? 0n : fr.pow(d, fr.R - 2n);
}

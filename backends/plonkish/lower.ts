// CWIR → PLONKish layout. Input: a circuit after inline/unroll/if→select (flat f.* ops, c.* constraints,
// hint calls, constant-index arrays). One row per arithmetic op with the standard gate
//   q_l·a + q_r·b + q_m·a·b + q_o·c + q_c = 0
// over advice columns a, b, c (constants fold into the selectors); c.assert_eq becomes a copy
// constraint (free); `c.lookup` becomes a lookup argument against the table's fixed columns (dynamic
// tables: against the rows `c.table_push` placed in advice, see dynamicTable below); calls to
// std::hash::poseidon::hashN go to the Poseidon round gate (21 rows for t = 3). Public parameters and
// outputs live in one instance column. Every row remembers the op (and source location) it came from.
//
// The layout is built once from the IR; the witness is filled later from the interpreter's values
// (every cell has a getter), so one layout serves keygen, proving and the MockProver.
import { type Diagnostic, error } from "../../base/diagnostics/index.ts";
import { type Func, type Module, type Op, type Type, type Value, type TableDecl, isField } from "../../compiler/ir/index.ts";
import type { RValue } from "../../compiler/interp/index.ts";
import { Circuit, Expression, type Column, type Cell, type Witness, emptyWitness } from "../../runtime/plonk/index.ts";
import { IntLowering } from "./integer.ts";
import { configurePoseidon, layoutPermutation, permutationTrace, POSEIDON_REGION, type PoseidonChip } from "./poseidon.ts";
import { fr } from "../../runtime/poly/index.ts";

const R = fr.R;
const modpow = fr.pow;

/** Witness values by SSA value: scalars (reduced mod r) and raw interpreter values (arrays). */
interface Env {
  val(v: Value): bigint;
  raw(v: Value): RValue | undefined;
}
export type Getter = (env: Env) => bigint;

/** A value the layout computes itself (inverse helpers, intermediate powers, Poseidon states). */
class Temp {
  constructor(readonly get: Getter) {}
}
type WireKey = Value | Temp;
export type Operand = { kind: "const"; v: bigint } | { kind: "wire"; key: WireKey };
/** An array or tuple value: its elements, scalars or nested aggregates (tuples are structs). */
type Agg = Array<Operand | Agg>;

export interface PlonkishProgram {
  circuit: Circuit;
  /** Names of the instance rows (public parameters, then outputs). */
  publicNames: string[];
  /** Builds the witness from the interpreter's values (RunResult.witness and params). */
  witness(values: (v: Value) => RValue | undefined): Witness;
}

/** Recognises std::hash::poseidon::hashN (N = t − 1) in a callee name. */
export function poseidonArity(callee: string): number | undefined {
  const m = /poseidon(?:::|_|\.)(?:.*(?:::|_|\.))?hash([1-5])$/.exec(callee);
  return m ? Number(m[1]) : undefined;
}

export function lowerCircuit(m: Module, f: Func): { program?: PlonkishProgram; diagnostics: Diagnostic[] } {
  return new Lowering(m, f).run();
}

class Lowering {
  readonly c: Circuit;
  readonly diags: Diagnostic[] = [];
  private readonly a: Column;
  private readonly b: Column;
  private readonly o: Column;
  private readonly q: { l: Column; r: Column; m: Column; o: Column; c: Column };
  private readonly pub: Column;
  private row = 0;
  /** Next free row of the Poseidon region, laid out beside the arithmetic rows (rows = the longer of the two). */
  private chipRow = 0;
  private readonly home = new Map<WireKey, Cell>();
  private readonly alias = new Map<Value, Operand | Agg>();
  private readonly cells: Array<{ col: Column; row: number; key: WireKey }> = [];
  private readonly constCells = new Map<bigint, Temp>();
  private readonly tables = new Map<string, { cols: Column[]; sel: Column; first: bigint[] }>();
  private readonly dynTables = new Map<string, { cols: Column[]; push: Column; lookup: Column }>();
  /** Advice columns beyond a, b, c that hold the 4th..8th entry of dynamic-table rows and lookups. */
  private readonly wide: Column[] = [];
  private chips = new Map<number, PoseidonChip>();
  /** Integer ops and range checks (integer.ts), in their own region of rows. */
  private readonly ints: IntLowering;
  private publicNames: string[] = [];
  private pubRow = 0;

  constructor(
    private readonly m: Module,
    private readonly f: Func,
  ) {
    const c = (this.c = new Circuit(f.name));
    this.a = c.adviceColumn("a");
    this.b = c.adviceColumn("b");
    this.o = c.adviceColumn("c");
    this.q = { l: c.fixedColumn("q_l"), r: c.fixedColumn("q_r"), m: c.fixedColumn("q_m"), o: c.fixedColumn("q_o"), c: c.fixedColumn("q_c") };
    this.pub = c.instanceColumn("public");
    for (const col of [this.a, this.b, this.o]) c.enableEquality(col);
    const Q = (x: Column) => Expression.query(x);
    const [A, B, C] = [Q(this.a), Q(this.b), Q(this.o)];
    c.createGate(
      "arith",
      [Q(this.q.l).mul(A).add(Q(this.q.r).mul(B)).add(Q(this.q.m).mul(A).mul(B)).add(Q(this.q.o).mul(C)).add(Q(this.q.c))],
      { polyNames: ["q_l·a + q_r·b + q_m·a·b + q_o·c + q_c = 0"] },
    );
    this.ints = new IntLowering({
      c,
      module: m,
      gate: (cells, sel, meta) => this.gate(cells, sel, meta),
      place: (o, col, row, meta) => this.place(o, col, row, meta),
      getter: (o) => this.getter(o),
      // Temps hold field elements: a relation's helper may be negative as an integer.
      temp: (g) => ({ kind: "wire", key: new Temp((env) => ((g(env) % R) + R) % R) }),
      resolve: (v) => this.resolve(v),
      alias: (v, o) => void this.alias.set(v, o),
      unsupported: (op, why) => this.unsupported(op, why),
      diag: (d) => void this.diags.push(d),
    });
  }

  run(): { program?: PlonkishProgram; diagnostics: Diagnostic[] } {
    const f = this.f;
    // Parameters have no source location of their own: their constraints point at their first use.
    const firstUse = new Map<Value, Op["loc"]>();
    for (const op of f.body.entry.ops) for (const v of op.operands) if (!firstUse.has(v) && op.loc) firstUse.set(v, op.loc);
    f.args.forEach((arg, i) => {
      const vis = f.vis(i);
      const name = arg.name ?? `param${i}`;
      if (arg.type.kind === "array" || arg.type.kind === "tuple") {
        // Every element is a wire of its own, constrained by its type (booleanity for bools); a public
        // aggregate puts each scalar in an instance row of its own, in element order (`digest[0]`, …).
        const elems = this.wireAggregate(arg, { name, span: firstUse.get(arg) });
        if (vis === "pub") this.publishAll(elems, name);
        return;
      }
      if (vis === "pub") this.publish(arg, name);
      this.typeConstraint({ kind: "wire", key: arg }, arg.type, { name, span: firstUse.get(arg) });
    });
    for (const op of f.body.entry.ops) this.lowerOp(op);
    this.ints.finish();
    if (this.diags.some((d) => d.severity === "error")) return { diagnostics: this.diags };
    const cells = this.cells;
    const program: PlonkishProgram = {
      circuit: this.c,
      publicNames: this.publicNames,
      witness: (values) => {
        const cache = new Map<Value, bigint>();
        const env: Env = {
          raw: values,
          val(v) {
            let x = cache.get(v);
            if (x === undefined) {
              const rv = values(v);
              if (typeof rv !== "bigint") throw new WitnessError(`no scalar value for ${v.name ?? `%${v.id}`}`);
              x = ((rv % R) + R) % R;
              cache.set(v, x);
            }
            return x;
          },
        };
        const w = emptyWitness(this.c);
        for (const cell of cells) {
          const val = cell.key instanceof Temp ? cell.key.get(env) : env.val(cell.key);
          if (cell.col.kind === "advice") w.advice[cell.col.index][cell.row] = val;
          else if (cell.col.kind === "instance") w.instance[cell.col.index][cell.row] = val;
        }
        for (const col of w.advice) for (let r = 0; r < col.length; r++) if (col[r] === undefined) col[r] = 0n;
        return w;
      },
    };
    this.c.regionRows.set("main", this.row);
    if (this.chipRow) this.c.regionRows.set(POSEIDON_REGION, this.chipRow);
    return { program, diagnostics: this.diags };
  }

  // ---- operands and cells

  private resolve(v: Value): Operand {
    const al = this.alias.get(v);
    if (al) {
      if (Array.isArray(al)) throw new Error("array used as a scalar");
      return al;
    }
    return { kind: "wire", key: v };
  }

  private resolveArray(v: Value): Agg | undefined {
    const al = this.alias.get(v);
    return Array.isArray(al) ? al : undefined;
  }

  /** A scalar's operand or an aggregate's elements (wired from the interpreter's value when nothing made it). */
  private resolveAny(v: Value): Operand | Agg {
    if (v.type.kind !== "array" && v.type.kind !== "tuple") return this.resolve(v);
    const al = this.resolveArray(v);
    if (al) return al;
    // Parameters and hint results are wired where they enter; any other array or struct must come
    // from an op this layout builds. Wiring it from the interpreter's value would leave it free.
    const def = v.definingOp;
    if (def) this.unsupported(def, "its array or struct result would not be constrained");
    return this.wireAggregate(v);
  }

  private getter(op: Operand): Getter {
    if (op.kind === "const") return () => op.v;
    const k = op.key;
    return k instanceof Temp ? k.get : (env) => env.val(k);
  }

  /** Puts a wire into a cell: the first placement is its home, later ones are copies of it. */
  private place(op: Operand, col: Column, row: number, meta: { name?: string; span?: Op["loc"] }): void {
    const key = op.kind === "const" ? this.constWire(op.v) : op.key;
    this.cells.push({ col, row, key });
    const h = this.home.get(key);
    if (h) this.c.copy(h, { column: col, row }, { name: meta.name, span: meta.span });
    else this.home.set(key, { column: col, row });
  }

  private constWire(v: bigint): Temp {
    let t = this.constCells.get(v);
    if (!t) {
      t = new Temp(() => v);
      this.constCells.set(v, t);
      const r = this.nextRow({ name: `constant ${v}` });
      this.place({ kind: "wire", key: t }, this.o, r, {});
      this.c.assignFixed(this.q.o, r, 1n);
      this.c.assignFixed(this.q.c, r, (R - v) % R);
    }
    return t;
  }

  private nextRow(meta: { name?: string; span?: Op["loc"] }): number {
    const r = this.row++;
    this.c.annotateRow(r, meta);
    this.c.touch(r);
    return r;
  }

  /** One arithmetic row: q_l·a + q_r·b + q_m·a·b + q_o·c + q_c = 0. */
  private gate(
    cells: { a?: Operand; b?: Operand; c?: Operand },
    sel: { l?: bigint; r?: bigint; m?: bigint; o?: bigint; c?: bigint },
    meta: { name?: string; span?: Op["loc"] },
  ): void {
    const row = this.nextRow(meta);
    if (cells.a) this.place(cells.a, this.a, row, meta);
    if (cells.b) this.place(cells.b, this.b, row, meta);
    if (cells.c) this.place(cells.c, this.o, row, meta);
    const set = (col: Column, v?: bigint) => v !== undefined && v % R !== 0n && this.c.assignFixed(col, row, ((v % R) + R) % R);
    set(this.q.l, sel.l);
    set(this.q.r, sel.r);
    set(this.q.m, sel.m);
    set(this.q.o, sel.o);
    set(this.q.c, sel.c);
  }

  private publish(v: Value | Temp, name: string, span?: Op["loc"]): void {
    const row = this.pubRow++;
    this.c.useInstance(row);
    this.publicNames.push(name);
    this.place({ kind: "wire", key: v }, this.pub, row, { name: `public ${name}`, span });
  }

  private publishAll(a: Operand | Agg, name: string): void {
    if (Array.isArray(a)) a.forEach((e, j) => this.publishAll(e, `${name}[${j}]`));
    else if (a.kind === "wire") this.publish(a.key, name);
  }

  /** A returned value: a scalar takes one instance row, an array or tuple one row per element (`output0[1]`). */
  private publishOutput(a: Operand | Agg, name: string, span: Op["loc"]): void {
    if (Array.isArray(a)) a.forEach((e, j) => this.publishOutput(e, `${name}[${j}]`, span));
    else this.publish(a.kind === "const" ? this.constWire(a.v) : a.key, name, span);
  }

  private boolean(w: Operand, what: { name: string; span: Op["loc"] }): void {
    this.gate({ a: w, b: w }, { m: 1n, l: -1n }, { name: `boolean: ${what.name} must be 0 or 1`, span: what.span });
  }

  /**
   * What a scalar's type demands of a wire the circuit does not compute itself (a private input, an
   * element of one, a hint's result): a `bool` (i1) must be 0 or 1, b·b − b = 0; a uN must be
   * below 2^N (integer.ts: lookups on its 4-bit limbs).
   */
  private typeConstraint(w: Operand, t: Type, what: { name: string; span: Op["loc"] }): void {
    if (w.kind === "wire" && t.kind === "int" && t.width === 1) this.boolean(w, what);
    else if (t.kind === "int") this.ints.entered(w, t.width, what);
  }

  private unsupported(op: Op, why = ""): void {
    this.diags.push(
      error("E0640", `the plonkish backend cannot lower '${op.name}'${why ? `: ${why}` : ""}`, op.loc, "run the circuit pipeline first (inline, unroll, if-to-select) or rewrite this part"),
    );
  }

  // ---- ops

  private lowerOp(op: Op): void {
    const meta = { name: op.strAttr("msg") ? `${op.name}: ${op.strAttr("msg")}` : op.name, span: op.loc };
    const [x, y] = op.operands.map((v) => (v.type.kind === "array" || v.type.kind === "tuple" ? undefined : this.resolve(v)));
    const res = op.results[0];
    const out = (): Operand => ({ kind: "wire", key: res });
    const k = (o?: Operand) => (o?.kind === "const" ? o.v : undefined);
    switch (op.name) {
      case "f.const":
      case "i.const":
        this.alias.set(res, { kind: "const", v: ((op.bigAttr("value") ?? 0n) % R + R) % R });
        return;
      case "f.add":
      case "f.sub": {
        const s = op.name === "f.add" ? 1n : -1n;
        if (k(x) !== undefined && k(y) !== undefined) return void this.alias.set(res, { kind: "const", v: (((k(x)! + s * k(y)!) % R) + R) % R });
        if (k(y) !== undefined) return this.gate({ a: x, c: out() }, { l: 1n, c: s * k(y)!, o: -1n }, meta);
        if (k(x) !== undefined) return this.gate({ b: y, c: out() }, { r: s, c: k(x)!, o: -1n }, meta);
        return this.gate({ a: x, b: y, c: out() }, { l: 1n, r: s, o: -1n }, meta);
      }
      case "f.mul": {
        if (k(x) !== undefined && k(y) !== undefined) return void this.alias.set(res, { kind: "const", v: (k(x)! * k(y)!) % R });
        if (k(y) !== undefined) return this.gate({ a: x, c: out() }, { l: k(y)!, o: -1n }, meta);
        if (k(x) !== undefined) return this.gate({ b: y, c: out() }, { r: k(x)!, o: -1n }, meta);
        return this.gate({ a: x, b: y, c: out() }, { m: 1n, o: -1n }, meta);
      }
      case "f.neg":
        if (k(x) !== undefined) return void this.alias.set(res, { kind: "const", v: (R - k(x)!) % R });
        return this.gate({ a: x, c: out() }, { l: -1n, o: -1n }, meta);
      case "f.div": {
        // r·y = x alone leaves r free when x = y = 0, so y also gets an inverse: y·t = 1 (t the
        // interpreter's y⁻¹) makes y = 0 unsatisfiable, as f.div fails for 0. std::field::unchecked_div
        // is the one-row form without it.
        if (k(y) === 0n) return void this.diags.push(error("E0642", "division by zero always fails", op.loc));
        if (k(y) !== undefined) return this.gate({ a: x, c: out() }, { l: modpow(k(y)!, R - 2n), o: -1n }, meta);
        const gy = this.getter(y!);
        const t: Operand = { kind: "wire", key: new Temp((env) => modpow(gy(env), R - 2n)) };
        this.gate({ a: y, b: t }, { m: 1n, c: -1n }, { ...meta, name: `${meta.name}: divisor is not 0` });
        return this.gate({ a: out(), b: y, c: x }, { m: 1n, o: -1n }, meta);
      }
      case "f.inv":
        // r is the interpreter's value; x·r = 1 pins it (and fails for x = 0, as f.inv must).
        return this.gate({ a: x, b: out() }, { m: 1n, c: -1n }, meta);
      case "f.pow":
        return this.lowerPow(x!, op.bigAttr("exp") ?? 0n, res, meta);
      case "f.select":
      case "i.select":
        return this.lowerSelect(op, meta);
      case "f.eq":
        return this.lowerEq(x!, y!, res, meta);
      case "i.to_f":
        // i1..iW values are already < 2^W < p; the field element is the same number.
        if (op.operands[0].type.kind === "int") return void this.alias.set(res, x!);
        return this.unsupported(op);
      case "c.assert_eq": {
        if (!isField(op.operands[0].type) && !(op.operands[0].type.kind === "int")) return this.unsupported(op, "operands must be scalars");
        if (k(x) !== undefined && k(y) !== undefined) {
          if (k(x) !== k(y)) this.diags.push(error("E0642", `constraint always fails: ${k(x)} ≠ ${k(y)}`, op.loc));
          return;
        }
        if (k(y) !== undefined) return this.gate({ a: x }, { l: 1n, c: -k(y)! }, meta);
        if (k(x) !== undefined) return this.gate({ a: y }, { l: 1n, c: -k(x)! }, meta);
        // Two wires: one copy constraint, no row (or, when one side has no cell yet, it simply
        // becomes the other: its later uses copy from there).
        return this.equate(x!, y!, meta);
      }
      case "c.assert":
        if (k(x) !== undefined) {
          if (k(x) !== 1n) this.diags.push(error("E0642", "constraint always fails", op.loc));
          return;
        }
        return this.gate({ a: x }, { l: 1n, c: -1n }, meta);
      case "c.lookup":
        return this.lowerLookup(op, meta);
      case "c.table_push":
        return this.lowerPush(op, meta);
      case "c.range":
        return this.unsupported(op, "run the range-lookup pass first (field values) or use a lookup table");
      case "array.make":
      case "tuple.make":
        this.alias.set(res, op.operands.map((v) => this.resolveAny(v)));
        return;
      case "tuple.get": {
        const tup = this.resolveAny(op.operands[0]) as Agg;
        const idx = op.bigAttr("index");
        if (idx === undefined || idx >= BigInt(tup.length)) return this.unsupported(op, "tuple index out of range");
        this.alias.set(res, tup[Number(idx)]);
        return;
      }
      case "array.get": {
        const arr = this.resolveAny(op.operands[0]) as Agg;
        const idx = k(this.resolve(op.operands[1]));
        if (idx === undefined || idx >= BigInt(arr.length)) return this.unsupported(op, "the index must be a constant after unrolling");
        this.alias.set(res, arr[Number(idx)]);
        return;
      }
      case "array.set": {
        const arr = this.resolveAny(op.operands[0]) as Agg;
        const idx = k(this.resolve(op.operands[1]));
        if (idx === undefined || idx >= BigInt(arr.length)) return this.unsupported(op, "the index must be a constant after unrolling");
        const copy = arr.slice();
        copy[Number(idx)] = this.resolveAny(op.operands[2]);
        this.alias.set(res, copy);
        return;
      }
      case "cf.call":
        return this.lowerCall(op, meta);
      case "cf.return":
        op.operands.forEach((v, i) => this.publishOutput(this.resolveAny(v), `output${i}`, op.loc));
        return;
      default:
        if (op.name.startsWith("i.")) return this.ints.lower(op, meta);
        return this.unsupported(op);
    }
  }

  /**
   * Arrays and structs from parameters or hints: every scalar inside (nested ones too) is a fresh
   * wire whose value the interpreter gives, constrained by its type (a bool element gets its
   * booleanity row, like a bool parameter).
   */
  private wireAggregate(v: Value, what?: { name: string; span: Op["loc"] }): Agg {
    const base = what?.name ?? v.name ?? `%${v.id}`;
    const span = what?.span ?? v.definingOp?.loc;
    const build = (t: Type, path: number[]): Operand | Agg => {
      if (t.kind === "array") return Array.from({ length: t.len }, (_, i) => build(t.elem, [...path, i]));
      if (t.kind === "tuple") return t.elems.map((et, i) => build(et, [...path, i]));
      const w: Operand = { kind: "wire", key: new Temp((env) => elemOf(env, v, path)) };
      this.typeConstraint(w, t, { name: `${base}${path.map((i) => `[${i}]`).join("")}`, span });
      return w;
    };
    const elems = build(v.type, []) as Agg;
    this.alias.set(v, elems);
    return elems;
  }

  private equate(x: Operand, y: Operand, meta: { name?: string; span?: Op["loc"] }): void {
    const kx = x.kind === "const" ? this.constWire(x.v) : x.key;
    const ky = y.kind === "const" ? this.constWire(y.v) : y.key;
    const hx = this.home.get(kx);
    const hy = this.home.get(ky);
    if (hx && hy) this.c.copy(hx, hy, { name: meta.name, span: meta.span });
    else if (hx) this.home.set(ky, hx);
    else if (hy) this.home.set(kx, hy);
    else this.home.set(ky, this.homeOf(x, meta));
  }

  private homeOf(o: Operand, meta: { name?: string; span?: Op["loc"] }): Cell {
    const key = o.kind === "const" ? this.constWire(o.v) : o.key;
    const h = this.home.get(key);
    if (h) return h;
    // A wire not placed yet (a hint result or private input): give it a row of its own.
    const row = this.nextRow(meta);
    this.place({ kind: "wire", key }, this.a, row, meta);
    return this.home.get(key)!;
  }

  private lowerPow(x: Operand, e: bigint, res: Value, meta: { name?: string; span?: Op["loc"] }): void {
    if (x.kind === "const") return void this.alias.set(res, { kind: "const", v: modpow(x.v, e) });
    if (e === 0n) return void this.alias.set(res, { kind: "const", v: 1n });
    if (e === 1n) return void this.alias.set(res, x);
    const gx = this.getter(x);
    // Left-to-right square and multiply; intermediate powers are temps.
    const bits = e.toString(2);
    let acc: Operand = x;
    let accExp = 1n;
    for (let i = 1; i < bits.length; i++) {
      const sqExp = accExp * 2n;
      const last = i === bits.length - 1 && bits[i] === "0";
      const sq: Operand = last ? { kind: "wire", key: res } : { kind: "wire", key: new Temp((env) => modpow(gx(env), sqExp)) };
      this.gate({ a: acc, b: acc, c: sq }, { m: 1n, o: -1n }, meta);
      acc = sq;
      accExp = sqExp;
      if (bits[i] === "1") {
        const mExp = accExp + 1n;
        const isLast = i === bits.length - 1;
        const mu: Operand = isLast ? { kind: "wire", key: res } : { kind: "wire", key: new Temp((env) => modpow(gx(env), mExp)) };
        this.gate({ a: acc, b: x, c: mu }, { m: 1n, o: -1n }, meta);
        acc = mu;
        accExp = mExp;
      }
    }
  }

  private lowerSelect(op: Op, meta: { name?: string; span?: Op["loc"] }): void {
    const [c, a, b] = op.operands.map((v) => this.resolve(v));
    const res = op.results[0];
    if (c.kind === "const") return void this.alias.set(res, c.v !== 0n ? a : b);
    // r = b + c·(a − b): t = a − b; u = c·t; r = u + b.
    const ga = this.getter(a);
    const gb = this.getter(b);
    const gc = this.getter(c);
    const t: Operand = { kind: "wire", key: new Temp((env) => (((ga(env) - gb(env)) % R) + R) % R) };
    const u: Operand = { kind: "wire", key: new Temp((env) => (gc(env) * ((((ga(env) - gb(env)) % R) + R) % R)) % R) };
    if (a.kind === "const" && b.kind === "const") {
      // r = b + c·(a − b) directly: one row.
      return this.gate({ a: c, c: { kind: "wire", key: res } }, { l: (a.v - b.v + R) % R, c: b.v, o: -1n }, meta);
    }
    if (a.kind === "const") this.gate({ b: b, c: t }, { r: -1n, c: a.v, o: -1n }, meta);
    else if (b.kind === "const") this.gate({ a: a, c: t }, { l: 1n, c: -b.v, o: -1n }, meta);
    else this.gate({ a: a, b: b, c: t }, { l: 1n, r: -1n, o: -1n }, meta);
    this.gate({ a: c, b: t, c: u }, { m: 1n, o: -1n }, meta);
    if (b.kind === "const") this.gate({ a: u, c: { kind: "wire", key: res } }, { l: 1n, c: b.v, o: -1n }, meta);
    else this.gate({ a: u, b: b, c: { kind: "wire", key: res } }, { l: 1n, r: 1n, o: -1n }, meta);
  }

  /** r = (a == b): d = a − b, i = d⁻¹ (0 when d = 0), r = 1 − d·i and d·r = 0. */
  private lowerEq(a: Operand, b: Operand, res: Value, meta: { name?: string; span?: Op["loc"] }): void {
    if (a.kind === "const" && b.kind === "const") return void this.alias.set(res, { kind: "const", v: a.v === b.v ? 1n : 0n });
    const ga = this.getter(a);
    const gb = this.getter(b);
    const diff = (env: Env) => (((ga(env) - gb(env)) % R) + R) % R;
    const d: Operand = { kind: "wire", key: new Temp(diff) };
    const inv: Operand = { kind: "wire", key: new Temp((env) => (diff(env) === 0n ? 0n : modpow(diff(env), R - 2n))) };
    const r: Operand = { kind: "wire", key: res };
    if (b.kind === "const") this.gate({ a, c: d }, { l: 1n, c: -b.v, o: -1n }, meta);
    else if (a.kind === "const") this.gate({ b, c: d }, { r: -1n, c: a.v, o: -1n }, meta);
    else this.gate({ a, b, c: d }, { l: 1n, r: -1n, o: -1n }, meta);
    this.gate({ a: d, b: inv, c: r }, { m: 1n, o: 1n, c: -1n }, meta);
    this.gate({ a: d, b: r }, { m: 1n }, meta);
  }

  private tableFor(name: string, op: Op): { cols: Column[]; sel: Column; first: bigint[] } | undefined {
    const hit = this.tables.get(name);
    if (hit) return hit;
    const decl: TableDecl | undefined = this.m.table(name);
    if (!decl) return void this.unsupported(op, `unknown table @${name}`);
    if (decl.columns.length > 3) return void this.unsupported(op, "tables wider than 3 columns are not supported yet");
    const rows: bigint[][] = decl.range
      ? Array.from({ length: Number(decl.range.hi - decl.range.lo) }, (_, i) => [decl.range!.lo + BigInt(i)])
      : (decl.rows ?? []);
    if (rows.length === 0) return void this.unsupported(op, `table @${name} is empty`);
    const cols = decl.columns.map((_, j) => this.c.fixedColumn(`${name}[${j}]`));
    rows.forEach((r, i) => cols.forEach((col, j) => this.c.assignFixed(col, i, ((r[j] % R) + R) % R)));
    const sel = this.c.selector(`q_lookup_${name}`);
    const first = rows[0].map((v) => ((v % R) + R) % R);
    const inputCols = [this.a, this.b, this.o].slice(0, cols.length);
    const q = Expression.query(sel);
    const notQ = Expression.constant(1).sub(q);
    // Disabled rows look up the table's first row, so no table needs an all-zero row.
    this.c.lookup(
      name,
      inputCols.map((col, j) => q.mul(Expression.query(col)).add(notQ.mul(first[j]))),
      cols.map((col) => Expression.query(col)),
      { span: op.loc },
    );
    const t = { cols, sel, first };
    this.tables.set(name, t);
    return t;
  }

  /** The columns a row of k entries occupies: a, b, c, then extra advice columns x3..x7 as needed. */
  private tupleColumns(k: number): Column[] {
    while (3 + this.wide.length < k) {
      const col = this.c.adviceColumn(`x${3 + this.wide.length}`);
      this.c.enableEquality(col);
      this.wide.push(col);
    }
    return [this.a, this.b, this.o, ...this.wide].slice(0, k);
  }

  /**
   * A dynamic table T of k columns: fixed selectors q_push_T (a pushed row) and q_lookup_T (a lookup),
   * the row's entries in the advice columns a, b, c, x3.. of that row (copy-constrained to the values),
   * and one logUp argument
   *   input (q_lookup_T + q_push_T, a, b, …)  ∈  table (q_push_T, a, b, …)
   * On a lookup row the input starts with 1, and only a push row has a table tuple starting with 1, so the
   * looked-up tuple must be a pushed row. Every other row's input equals its own table tuple (a push row:
   * (1, row); any other: (0, row)), so it is always found. Both tuples have degree 1 (the constraint
   * active·((φ' − φ)·f·t − m·f + t) has degree 4); rows past the usable ones are not active, so blinding
   * rows cannot add table rows.
   */
  private dynamicTable(name: string, op: Op): { cols: Column[]; push: Column; lookup: Column } | undefined {
    const hit = this.dynTables.get(name);
    if (hit) return hit;
    const decl: TableDecl | undefined = this.m.table(name);
    if (!decl) return void this.unsupported(op, `unknown table @${name}`);
    const cols = this.tupleColumns(decl.columns.length);
    const push = this.c.selector(`q_push_${name}`);
    const lookup = this.c.selector(`q_lookup_${name}`);
    const Q = (c: Column) => Expression.query(c);
    this.c.lookup(name, [Q(lookup).add(Q(push)), ...cols.map(Q)], [Q(push), ...cols.map(Q)], { span: op.loc });
    const t = { cols, push, lookup };
    this.dynTables.set(name, t);
    return t;
  }

  private lowerPush(op: Op, meta: { name?: string; span?: Op["loc"] }): void {
    const name = op.symAttr("table");
    if (!name) return this.unsupported(op, "missing table");
    const t = this.dynamicTable(name, op);
    if (!t) return;
    const row = this.nextRow(meta);
    op.operands.forEach((v, j) => this.place(this.resolve(v), t.cols[j], row, meta));
    this.c.enable(t.push, row);
  }

  private lowerLookup(op: Op, meta: { name?: string; span?: Op["loc"] }): void {
    const name = op.symAttr("table");
    if (!name) return this.unsupported(op, "missing table");
    if (this.m.table(name)?.dynamic) {
      const d = this.dynamicTable(name, op);
      if (!d) return;
      const row = this.nextRow(meta);
      op.operands.forEach((v, j) => this.place(this.resolve(v), d.cols[j], row, meta));
      this.c.enable(d.lookup, row);
      return;
    }
    const t = this.tableFor(name, op);
    if (!t) return;
    const ins = op.operands.map((v) => this.resolve(v));
    const row = this.nextRow(meta);
    const cols = [this.a, this.b, this.o];
    ins.forEach((o, j) => this.place(o, cols[j], row, meta));
    this.c.enable(t.sel, row);
  }

  private lowerCall(op: Op, meta: { name?: string; span?: Op["loc"] }): void {
    const callee = op.symAttr("callee") ?? "";
    const fn = this.m.func(callee);
    const arity = poseidonArity(callee);
    if (arity !== undefined && op.results.length === 1 && op.operands.length === arity) return this.lowerPoseidon(op, arity, meta);
    if (fn?.kind === "hint") {
      // Results are free witness values: their uses constrain them, and their types do here (a
      // returned bool must be 0 or 1 whatever the hint computed).
      op.results.forEach((r, i) => {
        const what = { name: `result${op.results.length > 1 ? ` ${i}` : ""} of hint @${callee}`, span: op.loc };
        if (r.type.kind === "array" || r.type.kind === "tuple") this.wireAggregate(r, what);
        else this.typeConstraint({ kind: "wire", key: r }, r.type, what);
      });
      return;
    }
    this.unsupported(op, `call to @${callee} (only hints and std::hash::poseidon stay calls)`);
  }

  private lowerPoseidon(op: Op, arity: number, meta: { name?: string; span?: Op["loc"] }): void {
    const t = arity + 1;
    let chip = this.chips.get(t);
    if (!chip) {
      chip = configurePoseidon(this.c, t, { span: op.loc });
      this.chips.set(t, chip);
    }
    const inputs: Operand[] = [{ kind: "const", v: 0n }, ...op.operands.map((v) => this.resolve(v))];
    const getters = inputs.map((o) => this.getter(o));
    const p = chip.params;
    let memoEnv: Env | undefined;
    let memo: bigint[][] = [];
    const trace = (env: Env) => {
      if (memoEnv !== env) {
        memo = permutationTrace(p, getters.map((g) => g(env)));
        memoEnv = env;
      }
      return memo;
    };
    const start = this.chipRow;
    const rows = layoutPermutation(chip, this.c, start);
    for (let r = 0; r < rows; r++) this.c.annotateRow(start + r, { name: `poseidon hash${arity} round ${r}`, span: meta.span }, POSEIDON_REGION);
    this.chipRow += rows;
    inputs.forEach((o, i) => this.place(o, chip!.state[i], start, meta));
    for (let r = 1; r < rows; r++)
      chip.state.forEach((col, i) => {
        const key: WireKey = r === rows - 1 && i === 0 ? op.results[0] : new Temp((env) => trace(env)[r][i]);
        this.place({ kind: "wire", key }, col, start + r, meta);
      });
  }
}

/** The scalar at `path` (array indices / struct field numbers) inside an aggregate's interpreter value. */
function elemOf(env: Env, agg: Value, path: number[]): bigint {
  let rv: RValue | undefined = env.raw(agg);
  for (const i of path) rv = Array.isArray(rv) ? rv[i] : undefined;
  if (typeof rv !== "bigint") throw new WitnessError(`no value for element [${path.join("][")}] of ${agg.name ?? `%${agg.id}`}`);
  return ((rv % R) + R) % R;
}

export class WitnessError extends Error {}

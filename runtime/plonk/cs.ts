// The PLONKish constraint system, independent of any proof system (halo2's plonk/circuit.rs):
// columns, custom gates as polynomial identities over rotated column queries, copy constraints,
// lookup arguments; plus the witness (advice and instance values per row). Every gate, lookup and
// copy may carry a name and a source span so that MockProver can say where a failure came from.
import type { Span } from "../../base/diagnostics/index.ts";
import { R, add, mul, neg, mod } from "../poly/fr.ts";

export type ColumnKind = "advice" | "fixed" | "instance" | ArgumentColumnKind;

/**
 * Columns the proving system adds on its own (the circuit builder never creates them): permutation
 * σ polynomials and grand products, lookup multiplicities and running sums, bus running sums, and the "special"
 * polynomials 0 = L_0, 1 = L_last, 2 = active-rows indicator, 3 = X itself. Writing the arguments'
 * constraints as ordinary Expressions over them lets prover and verifier share one definition.
 */
export type ArgumentColumnKind = "sigma" | "perm_z" | "lookup_m" | "lookup_phi" | "bus_phi" | "special";

export interface Column {
  readonly kind: ColumnKind;
  readonly index: number;
}

export interface Meta {
  name?: string;
  span?: Span;
}

type Node =
  | { op: "const"; value: bigint }
  | { op: "query"; column: Column; rot: number }
  | { op: "add"; a: Expression; b: Expression }
  | { op: "mul"; a: Expression; b: Expression }
  | { op: "neg"; a: Expression }
  | { op: "scale"; a: Expression; k: bigint };

/** A polynomial expression over column queries; immutable, built with the methods below. */
export class Expression {
  private constructor(readonly node: Node) {}

  static constant(v: bigint | number): Expression {
    return new Expression({ op: "const", value: mod(BigInt(v)) });
  }
  static query(column: Column, rot = 0): Expression {
    return new Expression({ op: "query", column, rot });
  }
  static sum(xs: readonly Expression[]): Expression {
    return xs.length === 0 ? Expression.constant(0) : xs.reduce((a, b) => a.add(b));
  }

  add(o: Expression | bigint | number): Expression {
    return new Expression({ op: "add", a: this, b: lift(o) });
  }
  sub(o: Expression | bigint | number): Expression {
    return new Expression({ op: "add", a: this, b: lift(o).neg() });
  }
  mul(o: Expression | bigint | number): Expression {
    if (typeof o !== "object") return new Expression({ op: "scale", a: this, k: mod(BigInt(o)) });
    return new Expression({ op: "mul", a: this, b: o });
  }
  neg(): Expression {
    return new Expression({ op: "neg", a: this });
  }
  square(): Expression {
    return this.mul(this);
  }
  /** Square-and-multiply, so compiled evaluators share the intermediate powers. */
  pow(e: number): Expression {
    if (e < 1) return Expression.constant(1);
    if (e === 1) return this;
    const half = this.pow(e >> 1);
    const sq = half.mul(half);
    return e & 1 ? sq.mul(this) : sq;
  }

  degree(): number {
    const n = this.node;
    switch (n.op) {
      case "const":
        return 0;
      case "query":
        return 1;
      case "add":
        return Math.max(n.a.degree(), n.b.degree());
      case "mul":
        return n.a.degree() + n.b.degree();
      case "neg":
      case "scale":
        return n.a.degree();
    }
  }

  /** Generic fold, used by every evaluator (rows, extended domain, verifier point). */
  evaluate<T>(f: {
    constant: (v: bigint) => T;
    query: (c: Column, rot: number) => T;
    add: (a: T, b: T) => T;
    mul: (a: T, b: T) => T;
    neg: (a: T) => T;
    scale: (a: T, k: bigint) => T;
  }): T {
    const n = this.node;
    switch (n.op) {
      case "const":
        return f.constant(n.value);
      case "query":
        return f.query(n.column, n.rot);
      case "add":
        return f.add(n.a.evaluate(f), n.b.evaluate(f));
      case "mul":
        return f.mul(n.a.evaluate(f), n.b.evaluate(f));
      case "neg":
        return f.neg(n.a.evaluate(f));
      case "scale":
        return f.scale(n.a.evaluate(f), n.k);
    }
  }

  /** Field value given a cell reader. */
  value(read: (c: Column, rot: number) => bigint): bigint {
    return this.evaluate<bigint>({ constant: (v) => v, query: read, add, mul, neg, scale: mul });
  }

  /** Every (column, rotation) this expression reads. */
  queries(out: Array<{ column: Column; rot: number }> = []): Array<{ column: Column; rot: number }> {
    this.evaluate<void>({
      constant: () => {},
      query: (column, rot) => void out.push({ column, rot }),
      add: () => {},
      mul: () => {},
      neg: () => {},
      scale: () => {},
    });
    return out;
  }

  toString(names?: (c: Column) => string): string {
    const nm = names ?? ((c: Column) => `${c.kind[0]}${c.index}`);
    return this.evaluate<string>({
      constant: (v) => (v > R / 2n ? `-${R - v}` : `${v}`),
      query: (c, r) => (r === 0 ? nm(c) : `${nm(c)}[${r > 0 ? "+" : ""}${r}]`),
      add: (a, b) => `(${a} + ${b})`,
      mul: (a, b) => `${a}*${b}`,
      neg: (a) => `-${a}`,
      scale: (a, k) => `${k > R / 2n ? `-${R - k}` : k}*${a}`,
    });
  }
}

function lift(o: Expression | bigint | number): Expression {
  return typeof o === "object" ? o : Expression.constant(o);
}

export interface Gate extends Meta {
  name: string;
  /** The layout region whose rows this gate constrains (its row annotations name the failing op). */
  region?: string;
  /** Each polynomial must vanish on every usable row. */
  polys: Expression[];
  /** Optional names of the individual polynomials (for messages). */
  polyNames?: string[];
}

export interface Lookup extends Meta {
  name: string;
  /** Input tuple; must be in the table on every usable row (a disabled row must map to a table row, e.g. all zeros). */
  inputs: Expression[];
  /**
   * Table tuple: expressions over fixed and advice columns (no instance). Advice makes a dynamic table:
   * it is committed before θ and β are drawn, so logUp stays sound; only active (usable) rows count,
   * so blinding rows cannot add table rows.
   */
  table: Expression[];
  /** The layout region whose rows feed the inputs (its row annotations name a failing lookup's op). */
  region?: string;
}

/**
 * One term of a bus (multiset) argument: on every usable row, the tuple `values` enters the multiset of
 * `bus` with multiplicity `multiplicity` (positive: sent, negative: received, 0: no part). The proof shows
 * that every bus balances: each tuple's multiplicities, over all rows and interactions, sum to zero
 * (spec/plonkish.md, "Bus argument"). Unlike a lookup, the multiplicities are the circuit's own
 * expressions, so a prover cannot choose them.
 */
export interface BusInteraction extends Meta {
  bus: string;
  values: Expression[];
  multiplicity: Expression;
  region?: string;
}

export interface Cell {
  column: Column;
  row: number;
}

export interface Copy extends Meta {
  a: Cell;
  b: Cell;
}

export interface ColumnInfo {
  column: Column;
  name: string;
  /** Selector columns are fixed columns holding 0/1; the layout tools use the flag. */
  selector?: boolean;
}

/**
 * A circuit: the constraint system plus its fixed values and copy constraints. Fixed columns have
 * `rows` entries (missing rows read as 0); the proving system pads to a power of two.
 */
export class Circuit {
  readonly columns: ColumnInfo[] = [];
  readonly gates: Gate[] = [];
  readonly lookups: Lookup[] = [];
  /** Bus interactions (the bus argument); empty for circuits without buses. */
  readonly buses: BusInteraction[] = [];
  readonly copies: Copy[] = [];
  /** Columns that take part in copy constraints, in a fixed order. */
  readonly equality: Column[] = [];
  /** fixed[i][row]; grows as rows are assigned. */
  readonly fixed: bigint[][] = [];
  private nAdvice = 0;
  private nInstance = 0;
  /** Number of rows the layout uses. */
  rows = 0;
  /**
   * Rows the instance columns use (public values live in rows too, so the domain must hold them as
   * usable rows even where no gate or copy touches those rows). Layouters record it with useInstance.
   */
  instanceRows = 0;
  /** Rows used by each layout region that runs beside the others (the layouter's accounting; rows = the longest). */
  readonly regionRows = new Map<string, number>();
  /** Where a row came from (the layouter's source op), for MockProver messages. */
  readonly rowMeta = new Map<number, Meta>();
  /** The same for regions laid out beside the main rows (sharing row numbers, not columns). */
  readonly regionMeta = new Map<string, Map<number, Meta>>();

  constructor(readonly name = "circuit") {}

  get numAdvice(): number {
    return this.nAdvice;
  }
  get numFixed(): number {
    return this.fixed.length;
  }
  get numInstance(): number {
    return this.nInstance;
  }

  adviceColumn(name?: string): Column {
    const c: Column = { kind: "advice", index: this.nAdvice++ };
    this.columns.push({ column: c, name: name ?? `advice${c.index}` });
    return c;
  }
  instanceColumn(name?: string): Column {
    const c: Column = { kind: "instance", index: this.nInstance++ };
    this.columns.push({ column: c, name: name ?? `instance${c.index}` });
    this.enableEquality(c);
    return c;
  }
  fixedColumn(name?: string): Column {
    const c: Column = { kind: "fixed", index: this.fixed.length };
    this.fixed.push([]);
    this.columns.push({ column: c, name: name ?? `fixed${c.index}` });
    return c;
  }
  selector(name?: string): Column {
    const c = this.fixedColumn(name ?? `q${this.fixed.length}`);
    this.columns[this.columns.length - 1].selector = true;
    return c;
  }

  columnName(c: Column): string {
    return this.columns.find((i) => i.column.kind === c.kind && i.column.index === c.index)?.name ?? `${c.kind}${c.index}`;
  }

  enableEquality(c: Column): void {
    if (!this.equality.some((e) => sameColumn(e, c))) this.equality.push(c);
  }

  createGate(name: string, polys: Expression[], meta: Omit<Meta, "name"> & { polyNames?: string[]; region?: string } = {}): Gate {
    const g: Gate = { name, polys, ...meta };
    this.gates.push(g);
    return g;
  }

  lookup(name: string, inputs: Expression[], table: Expression[], meta: Omit<Meta, "name"> & { region?: string } = {}): Lookup {
    if (inputs.length !== table.length || inputs.length === 0) {
      throw new Error(`lookup ${name}: input and table tuples must have the same non-zero length`);
    }
    for (const t of table)
      for (const q of t.queries())
        if (q.column.kind !== "fixed" && q.column.kind !== "advice")
          throw new Error(`lookup ${name}: table expressions may read fixed and advice columns only, not ${q.column.kind}`);
    const l: Lookup = { name, inputs, table, ...meta };
    this.lookups.push(l);
    return l;
  }

  /** Adds a term to the bus `bus` (see BusInteraction). Every interaction of one bus has the same arity. */
  busInteraction(bus: string, values: Expression[], multiplicity: Expression, meta: Omit<Meta, "name"> & { region?: string } = {}): BusInteraction {
    const other = this.buses.find((b) => b.bus === bus);
    if (other && other.values.length !== values.length)
      throw new Error(`bus ${bus}: tuples of ${values.length} values, but an earlier interaction has ${other.values.length}`);
    const b: BusInteraction = { bus, values, multiplicity, ...meta };
    this.buses.push(b);
    return b;
  }

  assignFixed(c: Column, row: number, v: bigint | number): void {
    if (c.kind !== "fixed") throw new Error("assignFixed: not a fixed column");
    this.fixed[c.index][row] = mod(BigInt(v));
    this.touch(row);
  }

  /** Selectors are fixed columns: enabling one on a row writes 1. */
  enable(selector: Column, row: number): void {
    this.assignFixed(selector, row, 1n);
  }

  copy(a: Cell, b: Cell, meta: Meta = {}): void {
    for (const c of [a, b])
      if (!this.equality.some((e) => sameColumn(e, c.column)))
        throw new Error(`copy: column ${this.columnName(c.column)} is not equality-enabled`);
    this.copies.push({ a, b, ...meta });
    this.touch(Math.max(a.row, b.row));
  }

  annotateRow(row: number, meta: Meta, region?: string): void {
    if (region === undefined) this.rowMeta.set(row, meta);
    else {
      let m = this.regionMeta.get(region);
      if (!m) this.regionMeta.set(region, (m = new Map()));
      m.set(row, meta);
    }
  }

  /** A row's source op for a gate of `region` (the main rows' when the region has none). */
  metaOf(row: number, region?: string): Meta | undefined {
    return (region === undefined ? undefined : this.regionMeta.get(region)?.get(row)) ?? this.rowMeta.get(row);
  }

  touch(row: number): void {
    if (row + 1 > this.rows) this.rows = row + 1;
  }

  /** Records that the instance columns hold a value on `row`. */
  useInstance(row: number): void {
    if (row + 1 > this.instanceRows) this.instanceRows = row + 1;
  }

  fixedValue(c: Column, row: number): bigint {
    return this.fixed[c.index][row] ?? 0n;
  }

  /** Max degree over gates and lookups, at least 3 (the permutation argument's minimum). */
  degree(): number {
    let d = 3;
    // Gates are multiplied by the active-rows indicator, hence + 1.
    for (const g of this.gates) for (const p of g.polys) d = Math.max(d, p.degree() + 1);
    // logUp: active · (Δφ·(f+β)(t+β) − m(f+β) + (t+β)).
    for (const l of this.lookups) {
      const df = Math.max(...l.inputs.map((e) => e.degree()));
      const dt = Math.max(...l.table.map((e) => e.degree()));
      d = Math.max(d, 2 + df + dt);
    }
    // Bus, one interaction per running sum at least: active · (Δφ·(f+β) − m).
    for (const b of this.buses) {
      const df = Math.max(0, ...b.values.map((e) => e.degree()));
      d = Math.max(d, 2 + df, 1 + b.multiplicity.degree());
    }
    return d;
  }

  /** Distinct rotations used per column (for opening sets and blinding). */
  queryRotations(): Map<string, { column: Column; rots: number[] }> {
    const m = new Map<string, { column: Column; rots: number[] }>();
    const note = (column: Column, rot: number) => {
      const k = colKey(column);
      const e = m.get(k) ?? { column, rots: [] };
      if (!e.rots.includes(rot)) e.rots.push(rot);
      m.set(k, e);
    };
    for (const g of this.gates) for (const p of g.polys) for (const q of p.queries()) note(q.column, q.rot);
    for (const l of this.lookups) for (const e of [...l.inputs, ...l.table]) for (const q of e.queries()) note(q.column, q.rot);
    for (const b of this.buses) for (const e of [...b.values, b.multiplicity]) for (const q of e.queries()) note(q.column, q.rot);
    for (const c of this.equality) note(c, 0);
    for (const e of m.values()) e.rots.sort((a, b) => a - b);
    return m;
  }
}

export function sameColumn(a: Column, b: Column): boolean {
  return a.kind === b.kind && a.index === b.index;
}

export function colKey(c: Column): string {
  return `${c.kind}:${c.index}`;
}

/** The prover's private input: advice values per column per row, and public instance values. */
export interface Witness {
  advice: bigint[][];
  instance: bigint[][];
}

export function emptyWitness(circuit: Circuit): Witness {
  return {
    advice: Array.from({ length: circuit.numAdvice }, () => []),
    instance: Array.from({ length: circuit.numInstance }, () => []),
  };
}

export function cellValue(circuit: Circuit, w: Witness, c: Column, row: number): bigint {
  switch (c.kind) {
    case "advice":
      return w.advice[c.index]?.[row] ?? 0n;
    case "instance":
      return w.instance[c.index]?.[row] ?? 0n;
    case "fixed":
      return circuit.fixedValue(c, row);
    default:
      throw new Error(`cellValue: ${c.kind} is not a circuit column`);
  }
}

/** Summary for `--stats`. */
export interface CircuitStats {
  rows: number;
  advice: number;
  fixed: number;
  instance: number;
  selectors: number;
  gates: number;
  gatePolys: number;
  lookups: number;
  copies: number;
  maxDegree: number;
  /** Rows per layout region, where regions run side by side (absent when the layouter reports none). */
  regions?: Record<string, number>;
}

export function stats(c: Circuit): CircuitStats {
  return {
    ...(c.regionRows.size ? { regions: Object.fromEntries(c.regionRows) } : {}),
    rows: c.rows,
    advice: c.numAdvice,
    fixed: c.numFixed,
    instance: c.numInstance,
    selectors: c.columns.filter((i) => i.selector).length,
    gates: c.gates.length,
    gatePolys: c.gates.reduce((s, g) => s + g.polys.length, 0),
    lookups: c.lookups.length,
    copies: c.copies.length,
    maxDegree: c.degree(),
  };
}


/**
 * Rows at the end of the domain hold random advice so that openings reveal nothing about the
 * witness (halo2's blinding factors): one per opened point of a column, plus slack for the batched
 * opening, at least 3 (the permutation product is opened at three points).
 */
export function blindingFactors(c: Circuit): number {
  let q = 0;
  for (const e of c.queryRotations().values()) if (e.column.kind === "advice") q = Math.max(q, e.rots.length);
  return Math.max(3, q) + 2;
}

/** Smallest k whose domain fits the used rows (instance rows too), the blinding rows and the reserved last row. */
export function minimumK(c: Circuit): number {
  const need = Math.max(c.rows, c.instanceRows, tableRows(c)) + blindingFactors(c) + 1;
  let k = 1;
  while (1 << k < need) k++;
  return k;
}

function tableRows(c: Circuit): number {
  let r = 0;
  for (const l of c.lookups)
    for (const t of l.table) for (const q of t.queries()) if (q.column.kind === "fixed") r = Math.max(r, c.fixed[q.column.index].length);
  return r;
}

/** Rows [0, usable) carry the circuit; row `usable` is the permutation's last row; the rest blind. */
export function usableRows(c: Circuit, k: number): number {
  return (1 << k) - blindingFactors(c) - 1;
}

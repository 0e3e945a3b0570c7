// The layout as a system of equations over cells: copy constraints merge cells into classes (one
// variable each), every gate polynomial on every row becomes a polynomial in those variables (fixed
// columns substituted), every enabled lookup row becomes a membership constraint against the tuples
// its table can hold. This is what the audit's propagation and witness search work on.
import { type Circuit, type Column, type Expression, type Cell } from "../../../runtime/plonk/index.ts";
import { Poly, TooBig } from "./poly.ts";

/** Most terms one expanded gate polynomial may have; larger ones stay opaque (checked, never solved). */
const TERM_BUDGET = 4096;

export interface GateConstraint {
  kind: "gate";
  gate: string;
  polyName?: string;
  region?: string;
  row: number;
  expr: Expression;
  /** The expanded polynomial; undefined when it exceeded the term budget. */
  poly?: Poly;
  vars: number[];
}

export interface LookupConstraint {
  kind: "lookup";
  lookup: string;
  row: number;
  /** Input tuple on this row. */
  inputs: Poly[];
  /** Tuples the input may equal: constants for fixed tables, polynomials for advice (dynamic) tables. */
  candidates: Poly[][];
  vars: number[];
}

export type Constraint = GateConstraint | LookupConstraint;

export interface Var {
  id: number;
  cells: Cell[];
}

export class System {
  readonly vars: Var[] = [];
  readonly constraints: Constraint[] = [];
  /** Per variable, the constraints that mention it. */
  readonly uses: number[][] = [];
  private readonly cellIds = new Map<string, number>();
  private readonly parent: number[] = [];
  private readonly cellList: Cell[] = [];
  private readonly varOfRoot = new Map<number, number>();

  constructor(readonly circuit: Circuit) {}

  private cellId(column: Column, row: number): number {
    const k = `${column.kind}:${column.index}:${row}`;
    let id = this.cellIds.get(k);
    if (id === undefined) {
      id = this.parent.length;
      this.parent.push(id);
      this.cellList.push({ column, row });
      this.cellIds.set(k, id);
    }
    return id;
  }

  private find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]];
      x = this.parent[x];
    }
    return x;
  }

  /** The variable of an advice or instance cell (created on first use; copies share one). */
  varOf(column: Column, row: number): number {
    const root = this.find(this.cellId(column, row));
    let v = this.varOfRoot.get(root);
    if (v === undefined) {
      v = this.vars.length;
      this.vars.push({ id: v, cells: [] });
      this.uses.push([]);
      this.varOfRoot.set(root, v);
    }
    return v;
  }

  /** The variable of a cell if the layout mentions it. */
  existingVar(column: Column, row: number): number | undefined {
    const id = this.cellIds.get(`${column.kind}:${column.index}:${row}`);
    return id === undefined ? undefined : this.varOfRoot.get(this.find(id));
  }

  static build(circuit: Circuit, progress?: (done: number, total: number) => void): System {
    const s = new System(circuit);
    for (const cp of circuit.copies) {
      const a = s.find(s.cellId(cp.a.column, cp.a.row));
      const b = s.find(s.cellId(cp.b.column, cp.b.row));
      if (a !== b) s.parent[a] = b;
    }
    const rows = circuit.rows;
    const total = circuit.gates.length + circuit.lookups.length;
    let done = 0;
    for (const g of circuit.gates) {
      // One memo per row across the gate's polynomials: they share subexpressions (a Poseidon row's S-boxes).
      for (let row = 0; row < rows; row++) {
        const memo = new Map<Expression, Poly>();
        g.polys.forEach((expr, pi) => {
          let poly: Poly | undefined;
          try {
            poly = s.instantiate(expr, row, memo);
            if (poly.isZero) return;
          } catch (e) {
            if (!(e instanceof TooBig)) throw e;
            poly = undefined;
          }
          const vars = poly ? poly.vars() : s.queriedVars(expr, row);
          s.add({ kind: "gate", gate: g.name, polyName: g.polyNames?.[pi], region: g.region, row, expr, poly, vars });
        });
      }
      progress?.(++done, total);
    }
    for (const l of circuit.lookups) {
      s.addLookup(l.name, l.inputs, l.table);
      progress?.(++done, total);
    }
    // Every cell of a copy is a variable even when no gate reads it (a public output, a placed input).
    for (const cp of circuit.copies) {
      s.varOf(cp.a.column, cp.a.row);
      s.varOf(cp.b.column, cp.b.row);
    }
    for (const [id, cell] of s.cellList.entries()) {
      const v = s.varOfRoot.get(s.find(id));
      if (v !== undefined) s.vars[v].cells.push(cell);
    }
    return s;
  }

  private add(c: Constraint): void {
    const i = this.constraints.length;
    this.constraints.push(c);
    for (const v of c.vars) this.uses[v].push(i);
  }

  /** An expression on one row with the fixed columns substituted (products short-circuit on 0). */
  instantiate(e: Expression, row: number, memo: Map<Expression, Poly>): Poly {
    const hit = memo.get(e);
    if (hit) return hit;
    const n = e.node;
    let p: Poly;
    switch (n.op) {
      case "const":
        p = Poly.constant(n.value);
        break;
      case "query":
        p = n.column.kind === "fixed" ? Poly.constant(this.fixedAt(n.column, row + n.rot)) : Poly.variable(this.varOf(n.column, row + n.rot));
        break;
      case "add":
        p = this.instantiate(n.a, row, memo).add(this.instantiate(n.b, row, memo));
        break;
      case "mul": {
        const a = this.instantiate(n.a, row, memo);
        p = a.isZero ? Poly.zero : a.mul(this.instantiate(n.b, row, memo), TERM_BUDGET);
        break;
      }
      case "neg":
        p = this.instantiate(n.a, row, memo).neg();
        break;
      case "scale":
        p = this.instantiate(n.a, row, memo).scale(n.k);
        break;
    }
    memo.set(e, p);
    return p;
  }

  fixedAt(c: Column, row: number): bigint {
    return row < 0 ? 0n : this.circuit.fixedValue(c, row);
  }

  private queriedVars(e: Expression, row: number): number[] {
    const out = new Set<number>();
    for (const q of e.queries()) if (q.column.kind === "advice" || q.column.kind === "instance") out.add(this.varOf(q.column, row + q.rot));
    return [...out];
  }

  private addLookup(name: string, inputs: Expression[], table: Expression[]): void {
    const rows = this.circuit.rows;
    const isStatic = table.every((t) => t.queries().every((q) => q.column.kind === "fixed"));
    const tuples: Poly[][] = [];
    const seen = new Set<string>();
    const push = (t: Poly[]) => {
      const k = t.map(key).join("|");
      if (!seen.has(k)) {
        seen.add(k);
        tuples.push(t);
      }
    };
    const tableAt = (row: number) => table.map((t) => this.instantiate(t, row, new Map()));
    for (let row = 0; row < rows; row++) push(tableAt(row));
    // Rows past the layout (up to the usable ones) hold 0 in every fixed column: a fixed table
    // always contains the all-zero tuple too. Advice there is free, but the dynamic tables' push
    // selector is 0 on those rows, so an input that starts with a nonzero constant cannot match them.
    if (isStatic) push(table.map(() => Poly.zero));
    for (let row = 0; row < rows; row++) {
      const ins = inputs.map((e) => this.instantiate(e, row, new Map()));
      if (ins.every((p) => p.constantValue !== undefined)) continue;
      // A row whose input is its own table tuple (a dynamic table's non-lookup row) always matches.
      if (!isStatic && tableAt(row).every((t, j) => key(t) === key(ins[j]))) continue;
      const candidates = tuples.filter((t) =>
        t.every((tp, j) => {
          const a = ins[j].constantValue;
          const b = tp.constantValue;
          return a === undefined || b === undefined || a === b;
        }),
      );
      const vars = new Set<number>();
      for (const p of ins) for (const v of p.vars()) vars.add(v);
      if (!isStatic) for (const t of candidates) for (const p of t) for (const v of p.vars()) vars.add(v);
      this.add({ kind: "lookup", lookup: name, row, inputs: ins, candidates, vars: [...vars] });
    }
  }
}

function key(p: Poly): string {
  return p.terms
    .map((t) => `${t.c}*${t.vars.join(".")}`)
    .sort()
    .join("+");
}

/** A plain variable input: the polynomial 1·v. */
export function plainVar(p: Poly): number | undefined {
  return p.terms.length === 1 && p.terms[0].c === 1n && p.terms[0].vars.length === 1 ? p.terms[0].vars[0] : undefined;
}

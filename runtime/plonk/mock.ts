// MockProver (halo2's dev::MockProver): checks every gate on every usable row, every copy constraint
// and every lookup directly on the witness, without any cryptography. Failures name the constraint,
// its source location and the row, so a wrong witness is found before anyone runs the real prover.
import { randomBytes } from "node:crypto";
import type { FileId, SourceFile } from "../../base/files/index.ts";
import { formatLocation, type Span } from "../../base/diagnostics/index.ts";
import { R, fromBytesBE } from "../poly/fr.ts";
import {
  type Circuit,
  type Column,
  type Witness,
  blindingFactors,
  minimumK,
  usableRows,
} from "./cs.ts";

export type Failure =
  | { kind: "gate"; gate: string; poly: number; polyName?: string; row: number; span?: Span; value: bigint; origin?: string }
  | { kind: "lookup"; lookup: string; row: number; span?: Span; inputs: bigint[]; origin?: string }
  | { kind: "copy"; name?: string; span?: Span; a: CellDesc; b: CellDesc }
  /** a tuple whose multiplicities on `bus` do not sum to zero (`row`: the first row that carries it) */
  | { kind: "bus"; bus: string; tuple: bigint[]; multiplicity: bigint; row: number; span?: Span; origin?: string }
  | { kind: "instance"; column: number; row: number; message: string }
  | { kind: "size"; message: string };

interface CellDesc {
  column: string;
  row: number;
  value: bigint;
}

export interface MockOptions {
  /** Domain size exponent; defaults to the smallest that fits. */
  k?: number;
  /** Resolves spans to files for messages. */
  fileOf?: (id: FileId) => SourceFile | undefined;
  /** Stop after this many failures (default 100). */
  maxFailures?: number;
}

export class MockProver {
  readonly failures: Failure[] = [];
  readonly k: number;
  private readonly n: number;
  private readonly usable: number;
  private readonly advice: bigint[][];

  private constructor(
    readonly circuit: Circuit,
    readonly witness: Witness,
    private readonly opts: MockOptions,
  ) {
    this.k = opts.k ?? minimumK(circuit);
    this.n = 1 << this.k;
    this.usable = usableRows(circuit, this.k);
    // Blinding rows get random values, as the real prover does: a gate or lookup that reads them
    // on a usable row then fails here instead of in the verifier.
    const b = blindingFactors(circuit);
    this.advice = witness.advice.map((col) => {
      const full = new Array<bigint>(this.n).fill(0n);
      for (let r = 0; r < Math.min(col.length, this.usable); r++) full[r] = col[r] ?? 0n;
      for (let r = this.n - b; r < this.n; r++) full[r] = fromBytesBE(randomBytes(32)) % R;
      return full;
    });
  }

  /** Runs every check; `failures` is empty when the witness satisfies the circuit. */
  static run(circuit: Circuit, witness: Witness, opts: MockOptions = {}): MockProver {
    const m = new MockProver(circuit, witness, opts);
    m.check();
    return m;
  }

  get ok(): boolean {
    return this.failures.length === 0;
  }

  private read(c: Column, row: number): bigint {
    const r = (((row % this.n) + this.n) % this.n) | 0;
    switch (c.kind) {
      case "advice":
        return this.advice[c.index][r];
      case "fixed":
        return this.circuit.fixed[c.index][r] ?? 0n;
      case "instance":
        return this.witness.instance[c.index]?.[r] ?? 0n;
      default:
        throw new Error(`MockProver: ${c.kind} is not a circuit column`);
    }
  }

  private full(): boolean {
    return this.failures.length >= (this.opts.maxFailures ?? 100);
  }

  private check(): void {
    const c = this.circuit;
    const rows = Math.max(c.rows, c.instanceRows);
    if (rows > this.usable) {
      this.failures.push({
        kind: "size",
        message: `circuit uses ${rows} rows${rows > c.rows ? " (public values)" : ""} but k=${this.k} leaves ${this.usable} usable rows`,
      });
      return;
    }
    for (const [i, col] of this.witness.instance.entries()) {
      if (col.length > this.usable)
        this.failures.push({ kind: "instance", column: i, row: col.length - 1, message: "instance column longer than the usable rows" });
    }
    for (const w of this.witness.advice.concat(this.witness.instance))
      for (let r = 0; r < w.length; r++)
        if (w[r] !== undefined && (w[r] < 0n || w[r] >= R))
          this.failures.push({ kind: "instance", column: -1, row: r, message: `value ${w[r]} is not a canonical field element` });
    this.checkGates();
    this.checkCopies();
    this.checkLookups();
    this.checkBuses();
  }

  private checkBuses(): void {
    // bus → tuple → net multiplicity, and where the tuple first occurs (for the message)
    const nets = new Map<string, Map<string, { tuple: bigint[]; m: bigint; row: number; span?: Span; region?: string }>>();
    for (const b of this.circuit.buses) {
      let net = nets.get(b.bus);
      if (!net) nets.set(b.bus, (net = new Map()));
      for (let row = 0; row < this.usable; row++) {
        const read = (col: Column, rot: number) => this.read(col, row + rot);
        const m = b.multiplicity.value(read);
        if (m === 0n) continue;
        const tuple = b.values.map((e) => e.value(read));
        const key = tuple.join(",");
        const e = net.get(key);
        if (e) e.m = (e.m + m) % R;
        else net.set(key, { tuple, m, row, span: b.span, region: b.region });
      }
    }
    for (const [bus, net] of nets)
      for (const e of net.values()) {
        if (e.m === 0n || this.full()) continue;
        const meta = this.circuit.metaOf(e.row, e.region);
        this.failures.push({ kind: "bus", bus, tuple: e.tuple, multiplicity: e.m > R / 2n ? e.m - R : e.m, row: e.row, span: meta?.span ?? e.span, origin: meta?.name });
      }
  }

  private checkGates(): void {
    for (const g of this.circuit.gates) {
      for (let row = 0; row < this.usable && !this.full(); row++) {
        g.polys.forEach((p, i) => {
          const v = p.value((col, rot) => this.read(col, row + rot));
          if (v !== 0n) {
            const meta = this.circuit.metaOf(row, g.region);
            this.failures.push({
              kind: "gate",
              gate: g.name,
              poly: i,
              polyName: g.polyNames?.[i],
              row,
              span: meta?.span ?? g.span,
              value: v,
              origin: meta?.name,
            });
          }
        });
      }
    }
  }

  private checkCopies(): void {
    for (const cp of this.circuit.copies) {
      if (this.full()) return;
      const va = this.read(cp.a.column, cp.a.row);
      const vb = this.read(cp.b.column, cp.b.row);
      if (va !== vb)
        this.failures.push({
          kind: "copy",
          name: cp.name,
          span: cp.span,
          a: { column: this.circuit.columnName(cp.a.column), row: cp.a.row, value: va },
          b: { column: this.circuit.columnName(cp.b.column), row: cp.b.row, value: vb },
        });
    }
  }

  private checkLookups(): void {
    for (const l of this.circuit.lookups) {
      const table = new Set<string>();
      for (let row = 0; row < this.usable; row++)
        table.add(l.table.map((t) => t.value((col, rot) => this.read(col, row + rot))).join(","));
      for (let row = 0; row < this.usable && !this.full(); row++) {
        const inputs = l.inputs.map((e) => e.value((col, rot) => this.read(col, row + rot)));
        if (table.has(inputs.join(","))) continue;
        // The row's own source op (one lookup argument serves every lookup into its table).
        const meta = this.circuit.metaOf(row, l.region);
        this.failures.push({ kind: "lookup", lookup: l.name, row, span: meta?.span ?? l.span, inputs, origin: meta?.name });
      }
    }
  }

  /** One line per failure: `path:line:col: gate "mul" (poly 0) not satisfied at row 7`. */
  messages(): string[] {
    return this.failures.map((f) => formatFailure(f, this.opts.fileOf));
  }

  /** Throws with every failure listed, for tests. */
  assertSatisfied(): void {
    if (!this.ok) throw new Error(`MockProver: ${this.failures.length} failure(s)\n${this.messages().join("\n")}`);
  }
}

export function formatFailure(f: Failure, fileOf?: (id: FileId) => SourceFile | undefined): string {
  const where = (s?: Span) => {
    if (!s) return "";
    // Spans parsed from CWIR text carry their printed position when the source file is not loaded.
    const printed = s as Span & { path?: string; line?: number; col?: number };
    let file: SourceFile | undefined;
    try {
      file = fileOf?.(s.file);
    } catch {
      file = undefined;
    }
    if (file && fileOf) return `${formatLocation(s, fileOf)}: `;
    if (printed.path !== undefined && printed.line !== undefined) return `${printed.path}:${printed.line}:${printed.col ?? 1}: `;
    return "";
  };
  switch (f.kind) {
    case "gate":
      return `${where(f.span)}gate "${f.gate}" (${f.polyName ?? `poly ${f.poly}`}) is not satisfied at row ${f.row}${f.origin ? ` (${f.origin})` : ""}`;
    case "lookup":
      return `${where(f.span)}lookup "${f.lookup}" at row ${f.row}: input (${f.inputs.join(", ")}) is not in the table`;
    case "copy":
      return `${where(f.span)}copy constraint${f.name ? ` "${f.name}"` : ""} violated: ${f.a.column}[${f.a.row}] = ${f.a.value} but ${f.b.column}[${f.b.row}] = ${f.b.value}`;
    case "bus":
      return `${where(f.span)}bus "${f.bus}": tuple (${f.tuple.join(", ")}) is left with multiplicity ${f.multiplicity} (first at row ${f.row}${f.origin ? `, ${f.origin}` : ""})`;
    case "instance":
      return `instance/witness value at row ${f.row}: ${f.message}`;
    case "size":
      return f.message;
  }
}

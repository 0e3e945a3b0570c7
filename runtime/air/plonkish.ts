// A symbolic AIR compiled to the PLONKish constraint system of runtime/plonk (BN254 Fr), proven with its
// KZG prover (spec/zkvm.md, "Prover (BN254 / KZG)"). Chips sit side by side on shared rows: every main
// column is an advice column, every fixed AIR column a fixed column; a chip of height h gets fixed
// selector columns at its own height (active: rows < h; first; last; transition: rows < h − 1), shared by
// chips of equal height. Rows h.. of a chip's advice are the prover's to fill, so every constraint is
// multiplied by `active` unless it already has a first/last/transition factor, and every multiplicity by
// `active` likewise. `next` is rotation 1: a constraint that reads it must have a transition factor (the
// AIR's `next` wraps from the last row to row 0, PLONKish rotation does not; with the factor the two
// agree). Bus interactions become the bus argument (runtime/plonk/bus); the public boundary terms are
// instance cells — per term one row holding its tuple and, in the column of its bus, its multiplicity —
// so the verifier's instance binds them and no verifier-side constant enters the argument.
import { Circuit, Expression, emptyWitness, minimumK, usableRows, type Column, type Witness } from "../plonk/index.ts";
import { R, mod } from "../poly/fr.ts";
import type { Air, BoundaryTerm, ChipTrace, Expr } from "./index.ts";

/** BN254's scalar field, the modulus the compiled circuit works in. */
export const BN254_R = R;

export class AirCompileError extends Error {}

export interface ChipLayout {
  chip: string;
  /** the chip's height in the AIR */
  height: number;
  /** advice column index of each main column, per block (one block unless the chip is folded) */
  advice: number[][];
}

export interface PlonkishAir {
  circuit: Circuit;
  air: Air;
  chips: ChipLayout[];
  /** the tallest chip's height */
  height: number;
  /** buses that may carry boundary terms, the instance column of each one's multiplicity, the tuple width */
  boundaryBuses: string[];
  boundaryRows: number;
  arity: number;
  /** the domain size exponent the circuit needs */
  k: number;
}

export interface CompileOptions {
  /** buses that carry public boundary terms (default: every bus of the AIR) */
  boundaryBuses?: string[];
  /** rows reserved for boundary terms (the statement's number of terms) */
  boundaryRows?: number;
  /**
   * Fold chips taller than this (a power of two) into column blocks of this height: row r of the chip
   * goes to block ⌊r / fold⌋, row r mod fold. Only for chips whose constraints and interactions read
   * neither the next row nor a selector (lookup tables), whose rows are independent; others keep their
   * height. A 2^16-row table then costs columns instead of a 2^17-row domain.
   */
  fold?: number;
}

/** Whether a chip's rows are independent (no `next`, no first/last/transition), so it may be folded. */
function foldable(chip: Air["chips"][number]): boolean {
  const uses = (e: Expr): boolean => e.op === "sel" || ((e.op === "main" || e.op === "fixed") && e.next) || ("a" in e && uses(e.a)) || ("b" in e && uses(e.b));
  return !chip.constraints.some(uses) && !chip.interactions.some((it) => uses(it.multiplicity) || it.values.some(uses));
}

type Sel = "first" | "last" | "transition";

/** The selectors that are a factor of `e` (a product with them, or a sum of terms that all have them). */
function factors(e: Expr): Set<Sel> {
  switch (e.op) {
    case "sel":
      return new Set([e.which]);
    case "mul": {
      const s = factors(e.a);
      for (const x of factors(e.b)) s.add(x);
      return s;
    }
    case "neg":
      return factors(e.a);
    case "add":
    case "sub": {
      const a = factors(e.a);
      const b = factors(e.b);
      return new Set([...a].filter((x) => b.has(x)));
    }
    default:
      return new Set();
  }
}

function readsNext(e: Expr): boolean {
  switch (e.op) {
    case "main":
    case "fixed":
      return e.next;
    case "add":
    case "sub":
    case "mul":
      return readsNext(e.a) || readsNext(e.b);
    case "neg":
      return readsNext(e.a);
    default:
      return false;
  }
}

/**
 * Compiles `air` for chips of the given heights (powers of two; every chip of the AIR needs one).
 * Throws AirCompileError on a chip without a height or a constraint that reads `next` ungated.
 */
export function compileAir(air: Air, heights: Record<string, number>, opts: CompileOptions = {}): PlonkishAir {
  const c = new Circuit("air");
  const layouts: ChipLayout[] = [];
  const fold = opts.fold;
  if (fold !== undefined && (fold < 1 || fold & (fold - 1))) throw new AirCompileError(`fold height ${fold} is not a power of two`);
  // blocks per chip: h / fold for a foldable chip taller than `fold`, else 1
  const blocksOf = new Map<string, number>();
  let H = 1;
  for (const chip of air.chips) {
    const h = heights[chip.name];
    if (!h || h & (h - 1)) throw new AirCompileError(`chip ${chip.name}: height ${h} is not a power of two`);
    const blocks = fold !== undefined && h > fold && foldable(chip) ? h / fold : 1;
    blocksOf.set(chip.name, blocks);
    H = Math.max(H, h / blocks);
  }
  // Selector columns per height, created on first use.
  const sels = new Map<string, Column>();
  const selector = (h: number, which: Sel | "active"): Expression => {
    const key = `${which}@${h}`;
    let col = sels.get(key);
    if (!col) {
      col = c.selector(`${which}_${h}`);
      sels.set(key, col);
      const rows = which === "first" ? [0] : which === "last" ? [h - 1] : Array.from({ length: which === "active" ? h : h - 1 }, (_, i) => i);
      for (const r of rows) c.enable(col, r);
      c.touch(h - 1);
    }
    return Expression.query(col);
  };

  for (const chip of air.chips) {
    const blocks = blocksOf.get(chip.name)!;
    const full = heights[chip.name];
    const h = full / blocks;
    const fixedVals = chip.fixed?.values(full);
    const adviceBlocks: number[][] = [];
    for (let blk = 0; blk < blocks; blk++) {
      const tag = blocks > 1 ? `#${blk}` : "";
      const advice = chip.columns.map((name) => c.adviceColumn(`${chip.name}${tag}.${name}`).index);
      adviceBlocks.push(advice);
      const fixedCols: number[] = [];
      if (chip.fixed && fixedVals) {
        chip.fixed.columns.forEach((name, j) => {
          const col = c.fixedColumn(`${chip.name}${tag}.${name}`);
          fixedCols.push(col.index);
          for (let r = 0; r < h; r++) {
            const v = fixedVals[blk * h + r][j];
            if (v !== 0n) c.assignFixed(col, r, mod(v));
          }
        });
      }
      c.touch(h - 1);
      const lower = (e: Expr): Expression => {
        switch (e.op) {
          case "main":
            return Expression.query({ kind: "advice", index: advice[e.col] }, e.next ? 1 : 0);
          case "fixed":
            return Expression.query({ kind: "fixed", index: fixedCols[e.col] }, e.next ? 1 : 0);
          case "const":
            return Expression.constant(mod(e.value));
          case "sel":
            return selector(h, e.which);
          case "add":
            return lower(e.a).add(lower(e.b));
          case "sub":
            return lower(e.a).sub(lower(e.b));
          case "mul":
            return lower(e.a).mul(lower(e.b));
          case "neg":
            return lower(e.a).neg();
        }
      };
      // A factor that vanishes outside the chip's rows: its own selector if it has one, else `active`.
      const gate = (e: Expr, what: string): Expression => {
        const f = factors(e);
        if (readsNext(e) && !f.has("transition"))
          throw new AirCompileError(
            `chip ${chip.name}: ${what} reads the next row without a transition factor (it would cross the chip's last row; multiply it by \`transition\`)`,
          );
        const x = lower(e);
        return f.size ? x : selector(h, "active").mul(x);
      };
      const polys = chip.constraints.map((e, i) => gate(e, `constraint ${i}`));
      if (polys.length)
        c.createGate(`${chip.name}${tag}`, polys, {
          region: chip.name,
          polyNames: polys.map((_, i) => `constraint ${i}`),
        });
      chip.interactions.forEach((it, i) => {
        if (it.values.some(readsNext) && !factors(it.multiplicity).has("transition"))
          throw new AirCompileError(`chip ${chip.name}: interaction ${i} (bus ${it.bus}) reads the next row without a transition factor in its multiplicity`);
        c.busInteraction(it.bus, it.values.map(lower), gate(it.multiplicity, `interaction ${i}'s multiplicity`), { region: chip.name });
      });
    }
    layouts.push({ chip: chip.name, height: full, advice: adviceBlocks });
  }

  // Boundary terms: instance columns v0..v(arity−1) hold each term's tuple, m_<bus> its multiplicity.
  const arityOf = new Map<string, number>();
  for (const chip of air.chips) for (const it of chip.interactions) arityOf.set(it.bus, it.values.length);
  const boundaryBuses = opts.boundaryBuses ?? [...arityOf.keys()].sort();
  for (const b of boundaryBuses) if (!arityOf.has(b)) throw new AirCompileError(`boundary bus ${b} has no interaction in the AIR`);
  const arity = Math.max(0, ...boundaryBuses.map((b) => arityOf.get(b)!));
  const boundaryRows = opts.boundaryRows ?? 0;
  if (boundaryBuses.length && boundaryRows > 0) {
    const vals = Array.from({ length: arity }, (_, j) => Expression.query(c.instanceColumn(`boundary.v${j}`)));
    for (const b of boundaryBuses) {
      const m = Expression.query(c.instanceColumn(`boundary.m_${b}`));
      c.busInteraction(b, vals.slice(0, arityOf.get(b)!), m, {
        region: "boundary",
      });
    }
    c.useInstance(boundaryRows - 1);
  }
  // No copy constraints: the instance columns need no permutation argument.
  c.equality.length = 0;
  return {
    circuit: c,
    air,
    chips: layouts,
    height: H,
    boundaryBuses,
    boundaryRows,
    arity,
    k: minimumK(c),
  };
}

/** The instance columns of a statement's boundary terms (what prover and verifier both pass). */
export function boundaryInstance(p: PlonkishAir, boundary: readonly BoundaryTerm[]): bigint[][] {
  if (p.boundaryRows === 0 || p.boundaryBuses.length === 0) {
    if (boundary.length) throw new AirCompileError(`${boundary.length} boundary terms, but the circuit reserves no boundary rows`);
    return [];
  }
  if (boundary.length > p.boundaryRows) throw new AirCompileError(`${boundary.length} boundary terms, but the circuit reserves ${p.boundaryRows} rows`);
  const cols = Array.from({ length: p.arity + p.boundaryBuses.length }, () => new Array<bigint>(boundary.length).fill(0n));
  boundary.forEach((t, r) => {
    const b = p.boundaryBuses.indexOf(t.bus);
    if (b < 0) throw new AirCompileError(`boundary term on bus ${t.bus}, which the circuit does not take boundary terms on`);
    t.values.forEach((v, j) => (cols[j][r] = mod(v)));
    cols[p.arity + b][r] = mod(t.multiplicity);
  });
  return cols;
}

/** The circuit's witness: each chip's trace in its advice columns, the boundary terms in the instance. */
export function plonkishWitness(p: PlonkishAir, traces: readonly ChipTrace[], boundary: readonly BoundaryTerm[]): Witness {
  const w = emptyWitness(p.circuit);
  const byName = new Map(traces.map((t) => [t.chip, t]));
  const usable = usableRows(p.circuit, p.k);
  for (const l of p.chips) {
    const t = byName.get(l.chip);
    if (!t) throw new AirCompileError(`no trace for chip ${l.chip}`);
    if (t.rows.length !== l.height) throw new AirCompileError(`chip ${l.chip}: trace of ${t.rows.length} rows, the circuit was compiled for ${l.height}`);
    const h = l.height / l.advice.length;
    if (h > usable) throw new AirCompileError(`chip ${l.chip}: ${h} rows do not fit ${usable} usable rows`);
    l.advice.forEach((block, blk) =>
      block.forEach((a, j) => {
        const col = new Array<bigint>(h);
        for (let r = 0; r < h; r++) {
          const v = t.rows[blk * h + r][j];
          col[r] = v >= 0n && v < BN254_R ? v : mod(v);
        }
        w.advice[a] = col;
      }),
    );
  }
  w.instance = boundaryInstance(p, boundary);
  return w;
}

/** Rows, columns and cells of a compiled AIR (for reports and benches). */
export function plonkishStats(p: PlonkishAir): {
  k: number;
  rows: number;
  advice: number;
  fixed: number;
  instance: number;
  cells: number;
  buses: number;
  degree: number;
} {
  const c = p.circuit;
  const rows = 1 << p.k;
  return {
    k: p.k,
    rows,
    advice: c.numAdvice,
    fixed: c.numFixed,
    instance: c.numInstance,
    cells: rows * (c.numAdvice + c.numFixed + c.numInstance),
    buses: c.buses.length,
    degree: c.degree(),
  };
}

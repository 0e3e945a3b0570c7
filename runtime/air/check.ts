// The mock checker of a symbolic AIR: evaluates every constraint on every row of concrete traces and
// balances every bus as a multiset, in the clear. It finds a bad trace before any proving (tests, trace
// generators under development) and names what fails; the provers must reject whatever it rejects.
import { evalExpr, type Air, type BoundaryTerm, type ChipTrace, type RowWindow } from "./index.ts";

export interface AirFailure {
  chip?: string;
  /** index into the chip's constraints */
  constraint?: number;
  row?: number;
  bus?: string;
  message: string;
}

export interface CheckOptions {
  /** the field the description is checked in (BabyBear by default) */
  modulus?: bigint;
  boundary?: BoundaryTerm[];
  /** stop after this many failures */
  limit?: number;
}

export const BABYBEAR = (1n << 31n) - (1n << 27n) + 1n;

export function checkAir(air: Air, traces: ChipTrace[], opts: CheckOptions = {}): AirFailure[] {
  const mod = opts.modulus ?? BABYBEAR;
  const limit = opts.limit ?? 20;
  const out: AirFailure[] = [];
  const byName = new Map(traces.map((t) => [t.chip, t]));
  // bus → tuple key → net multiplicity (mod p)
  const buses = new Map<string, Map<string, bigint>>();
  const credit = (bus: string, values: bigint[], mult: bigint) => {
    let b = buses.get(bus);
    if (!b) buses.set(bus, (b = new Map()));
    const key = values.join(",");
    b.set(key, (((b.get(key) ?? 0n) + mult) % mod + mod) % mod);
  };
  for (const chip of air.chips) {
    const t = byName.get(chip.name);
    if (!t) {
      out.push({ chip: chip.name, message: `no trace for chip ${chip.name}` });
      continue;
    }
    const h = t.rows.length;
    if (h === 0 || (h & (h - 1)) !== 0) {
      out.push({ chip: chip.name, message: `height ${h} is not a power of two` });
      continue;
    }
    const bad = t.rows.findIndex((r) => r.length !== chip.columns.length);
    if (bad >= 0) {
      out.push({ chip: chip.name, row: bad, message: `row ${bad} has ${t.rows[bad].length} cells, the chip has ${chip.columns.length} columns` });
      continue;
    }
    const fixed = chip.fixed?.values(h) ?? [];
    const w: RowWindow = {
      row: 0,
      height: h,
      main: (c, next) => t.rows[next ? (w.row + 1) % h : w.row][c],
      fixed: (c, next) => fixed[next ? (w.row + 1) % h : w.row][c],
    };
    for (let r = 0; r < h; r++) {
      w.row = r;
      chip.constraints.forEach((e, i) => {
        if (out.length < limit && evalExpr(e, w, mod) !== 0n) {
          out.push({ chip: chip.name, constraint: i, row: r, message: `${chip.name}: constraint ${i} fails on row ${r}` });
        }
      });
      for (const it of chip.interactions) {
        const m = evalExpr(it.multiplicity, w, mod);
        if (m !== 0n) credit(it.bus, it.values.map((v) => evalExpr(v, w, mod)), m);
      }
    }
  }
  for (const b of opts.boundary ?? []) credit(b.bus, b.values.map((v) => ((v % mod) + mod) % mod), b.multiplicity);
  for (const [bus, tuples] of buses) {
    for (const [key, m] of tuples) {
      if (m !== 0n && out.length < limit) out.push({ bus, message: `bus ${bus}: tuple (${key}) is left with multiplicity ${m > mod / 2n ? m - mod : m}` });
    }
  }
  return out;
}

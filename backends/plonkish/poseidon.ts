// Poseidon round gate. The state lives in t advice columns. Full rounds take one row each
// (`q_full`: next = MDS·(s + c)^5), or two (`q_full2`) when the S-box columns below can hold a whole
// state (t ≤ P − 1): x = (s + c)^5 in those columns, next = MDS·(MDS·x + c')^5. Partial rounds are packed P per row (`q_packed`, P = POSEIDON_PACK,
// the construction of Scroll's / PSE's Poseidon circuits): P − 1 extra advice columns x_m hold the
// S-box outputs of the row's first P − 1 rounds, each constrained x_m = (lin_m(s, x) + K_m)^5 where lin_m is
// the (precomputed, linear) state word 0 entering round m, and the row's last round gives next =
// MDS·((lin + K)^5, lin_1, …) + E. Round constants of the linear words fold into K_m and the vector E
// (fixed columns), so every constraint stays degree 5 (6 with the selector). Left-over partial rounds
// (RP mod P) use `q_partial`, one per row. With P = 4 a width-3 permutation costs 5 (full: the first
// alone, the others two per row) + 14 + 1 (partial) rows + 1 output row = 21 (66 unpacked); width 4:
// 8 + 14 + 1 = 23.
import { type Circuit, type Column, type Witness, Expression } from "../../runtime/plonk/index.ts";
import type { Span } from "../../base/diagnostics/index.ts";
import { type PoseidonParams, poseidonParams } from "../../runtime/hash/poseidon.ts";
import { fr } from "../../runtime/poly/index.ts";

const P = fr.R;

/** Partial rounds per row (1 = the unpacked layout of one round per row). */
export const POSEIDON_PACK = 4;

/** One row of a permutation's layout: what its selector is and the values of its fixed columns. */
interface ScheduledRow {
  kind: "full" | "full2" | "partial" | "packed";
  /** The first round the row computes. */
  round: number;
  /** Values of the chip's constant columns on this row. */
  fixed: bigint[];
}

/** Parameters with the row schedule of the packed layout (what `permutationTrace` follows). */
export interface PackedPoseidonParams extends PoseidonParams {
  pack: number;
  schedule: ScheduledRow[];
}

export interface PoseidonChip {
  params: PackedPoseidonParams;
  /** The t state columns, then the P − 1 S-box columns of packed rows. */
  state: Column[];
  constants: Column[];
  qFull: Column;
  qPartial: Column;
  qPacked: Column;
  qFull2: Column;
}

/** The chips' rows: a region beside the arithmetic rows, in columns of its own. */
export const POSEIDON_REGION = "poseidon";

/** A column of this circuit by name, created on first use: chips of different widths share them. */
function shared(c: Circuit, name: string, kind: "advice" | "fixed"): Column {
  const hit = c.columns.find((i) => i.name === name && i.column.kind === kind);
  if (hit) return hit.column;
  return kind === "advice" ? c.adviceColumn(name) : c.fixedColumn(name);
}

const add = (a: bigint, b: bigint) => (a + b) % P;
const mulm = (a: bigint, b: bigint) => (a * b) % P;

/** Linear forms over (s_0..s_{t−1}, x_0..x_{pack−2}) as coefficient vectors. */
type Lin = bigint[];

function mixLin(mds: readonly (readonly bigint[])[], ins: Lin[]): Lin[] {
  return mds.map((row) => ins[0].map((_, v) => row.reduce((acc, m, j) => add(acc, mulm(m, ins[j][v])), 0n)));
}

/**
 * The packed row's symbolic structure: lin[m] = the linear part of state word 0 entering sub-round m,
 * and the last sub-round's words 1.. (`tail`). Independent of the round constants.
 */
function packedForms(t: number, pack: number, mds: readonly (readonly bigint[])[]): { lin0: Lin[]; tail: Lin[] } {
  const nv = t + pack - 1;
  const unit = (v: number): Lin => Array.from({ length: nv }, (_, i) => (i === v ? 1n : 0n));
  let u: Lin[] = Array.from({ length: t }, (_, i) => unit(i));
  const lin0: Lin[] = [];
  for (let m = 0; m < pack; m++) {
    lin0.push(u[0]);
    if (m < pack - 1) u = mixLin(mds, [unit(t + m), ...u.slice(1)]);
  }
  return { lin0, tail: u.slice(1) };
}

/** K_m (S-box input constants) and E (output offset) of a packed row starting at `round`. */
function packedConstants(p: PoseidonParams, round: number, pack: number): { k: bigint[]; e: bigint[] } {
  const t = p.t;
  let d: bigint[] = Array(t).fill(0n);
  const k: bigint[] = [];
  for (let m = 0; m < pack; m++) {
    const c = p.constants[round + m];
    k.push(add(d[0], c[0]));
    const ins = [0n, ...d.slice(1).map((v, i) => add(v, c[i + 1]))];
    d = p.mds.map((row) => row.reduce((acc, mij, j) => add(acc, mulm(mij, ins[j])), 0n));
  }
  return { k, e: d };
}

function schedule(p: PoseidonParams, pack: number): ScheduledRow[] {
  const half = p.fullRounds / 2;
  const rows: ScheduledRow[] = [];
  const width = pack + p.t;
  const pad = (xs: readonly bigint[]) => [...xs, ...Array(width - xs.length).fill(0n)];
  // Two full rounds per row when the S-box columns can hold a whole state (pack − 1 ≥ t).
  // The first row holds only the inputs in the layout (lower.ts places the S-box columns from row 1),
  // so the first full round stays one per row.
  const fullRows = (from: number, to: number) => {
    let r = from;
    if (from === 0 && to > 0) rows.push({ kind: "full", round: r++, fixed: pad(p.constants[0]) });
    if (pack - 1 >= p.t) for (; r + 2 <= to; r += 2) rows.push({ kind: "full2", round: r, fixed: pad([...p.constants[r], ...p.constants[r + 1]]) });
    for (; r < to; r++) rows.push({ kind: "full", round: r, fixed: pad(p.constants[r]) });
  };
  fullRows(0, half);
  let r = half;
  const end = half + p.partialRounds;
  if (pack > 1)
    for (; r + pack <= end; r += pack) {
      const { k, e } = packedConstants(p, r, pack);
      rows.push({ kind: "packed", round: r, fixed: [...k, ...e] });
    }
  for (; r < end; r++) rows.push({ kind: "partial", round: r, fixed: pad(p.constants[r]) });
  fullRows(end, end + half);
  return rows;
}

/** Rows one permutation of width t takes in the layout (rounds packed `pack` per row, plus the output row). */
export function permutationRows(t: number, pack = POSEIDON_PACK): number {
  return schedule(poseidonParams(t), pack).length + 1;
}

/** Adds the round gates over the given state columns (created if absent). */
export function configurePoseidon(c: Circuit, t: number, opts: { span?: Span; pack?: number } = {}): PoseidonChip {
  const base = poseidonParams(t);
  const pack = opts.pack ?? POSEIDON_PACK;
  if (!Number.isInteger(pack) || pack < 1 || pack > base.partialRounds) throw new Error(`Poseidon chip: bad packing ${pack}`);
  const params: PackedPoseidonParams = { ...base, pack, schedule: schedule(base, pack) };
  // Every width shares one set of state columns: the chips' rows form one region beside the arithmetic rows.
  const words = Array.from({ length: t }, (_, i) => shared(c, `poseidon_s${i}`, "advice"));
  const extras = Array.from({ length: pack - 1 }, (_, m) => shared(c, `poseidon_x${m}`, "advice"));
  const constants = Array.from({ length: t + pack }, (_, i) => shared(c, `poseidon_rc${i}`, "fixed"));
  const qFull = c.selector(`q_poseidon${t}_full`);
  const qPartial = c.selector(`q_poseidon${t}_partial`);
  const qPacked = c.selector(`q_poseidon${t}_packed`);
  const qFull2 = c.selector(`q_poseidon${t}_full2`);
  const twoFull = pack - 1 >= t;
  const s = words.map((col) => Expression.query(col));
  const next = words.map((col) => Expression.query(col, 1));
  const withC = s.map((e, i) => e.add(Expression.query(constants[i])));
  const sbox = withC.map((e) => e.pow(5));
  const mix = (inputs: Expression[]) => params.mds.map((row) => Expression.sum(row.map((m, j) => inputs[j].mul(m))));
  const full = mix(sbox);
  const partial = mix([sbox[0], ...withC.slice(1)]);
  const names = words.map((_, i) => `state[${i}]`);
  // Two full rounds per row: x_i = (s_i + c_i)^5 in the S-box columns, next = MDS·(MDS·x + c')^5.
  const q2 = Expression.query(qFull2);
  const xq = extras.slice(0, t).map((col) => Expression.query(col));
  const mid = twoFull ? mix(xq).map((e, i) => e.add(Expression.query(constants[t + i])).pow(5)) : [];
  const full2 = twoFull ? mix(mid) : [];
  c.createGate(
    "poseidon-full-round",
    [
      ...full.map((e, i) => Expression.query(qFull).mul(next[i].sub(e)).add(twoFull ? q2.mul(next[i].sub(full2[i])) : Expression.constant(0))),
      ...(twoFull ? xq.map((x, i) => q2.mul(x.sub(sbox[i]))) : []),
    ],
    { span: opts.span, region: POSEIDON_REGION, polyNames: [...names, ...(twoFull ? xq.map((_, i) => `sbox[${i}]`) : [])] },
  );
  // Packed rows: expressions over this row's state and S-box columns.
  const vars = [...s, ...extras.map((col) => Expression.query(col))];
  const expr = (l: Lin) => Expression.sum(l.flatMap((coef, v) => (coef === 0n ? [] : [coef === 1n ? vars[v] : vars[v].mul(coef)])));
  const forms = packedForms(t, pack, params.mds);
  const kq = (m: number) => Expression.query(constants[m]);
  const sboxOut = (m: number) => expr(forms.lin0[m]).add(kq(m)).pow(5);
  const last = [sboxOut(pack - 1), ...forms.tail.map(expr)];
  const packed = params.mds.map((row, i) => Expression.sum(row.map((m, j) => last[j].mul(m))).add(Expression.query(constants[pack + i])));
  const qP = Expression.query(qPartial);
  const qK = Expression.query(qPacked);
  c.createGate(
    "poseidon-partial-round",
    [
      ...partial.map((e, i) => qP.mul(next[i].sub(e)).add(pack > 1 ? qK.mul(next[i].sub(packed[i])) : Expression.constant(0))),
      ...extras.map((x, m) => qK.mul(Expression.query(x).sub(sboxOut(m)))),
    ],
    { span: opts.span, region: POSEIDON_REGION, polyNames: [...names, ...extras.map((_, m) => `sbox[${m}]`)] },
  );
  for (const col of words) c.enableEquality(col);
  return { params, state: [...words, ...extras], constants, qFull, qPartial, qPacked, qFull2 };
}

/** Fixed side of one permutation at `row`: selectors and constants. Returns the rows used. */
export function layoutPermutation(chip: PoseidonChip, c: Circuit, row: number): number {
  const sched = chip.params.schedule;
  sched.forEach((r, i) => {
    c.enable({ full: chip.qFull, full2: chip.qFull2, partial: chip.qPartial, packed: chip.qPacked }[r.kind], row + i);
    r.fixed.forEach((v, j) => {
      if (v !== 0n) c.assignFixed(chip.constants[j], row + i, v);
    });
  });
  c.touch(row + sched.length);
  return sched.length + 1;
}

function isPacked(p: PoseidonParams): p is PackedPoseidonParams {
  return "schedule" in p;
}

/**
 * The chip's cells row by row: for each layout row the t state words (before the row's rounds), then
 * the P − 1 S-box outputs of a packed row (0 elsewhere); the last row holds the output state. With
 * unpacked parameters (poseidonParams(t)) one row per round and no S-box words.
 */
export function permutationTrace(p: PoseidonParams, input: readonly bigint[]): bigint[][] {
  const half = p.fullRounds / 2;
  const round = (s: bigint[], r: number, sboxes?: bigint[], all = false) => {
    const full = r < half || r >= half + p.partialRounds;
    const a = s.map((v, i) => (v + p.constants[r][i]) % P);
    const b = a.map((v, i) => (full || i === 0 ? pow5(v) : v));
    if (all) sboxes?.push(...b);
    else sboxes?.push(b[0]);
    return p.mds.map((mrow) => mrow.reduce((acc, m, j) => (acc + m * b[j]) % P, 0n));
  };
  let s = input.map((v) => ((v % P) + P) % P);
  if (!isPacked(p)) {
    const trace = [s];
    for (let r = 0; r < p.fullRounds + p.partialRounds; r++) trace.push((s = round(s, r)));
    return trace;
  }
  const extra = p.pack - 1;
  const trace: bigint[][] = [];
  for (const row of p.schedule) {
    const sboxes: bigint[] = [];
    const before = s;
    const n = row.kind === "packed" ? p.pack : row.kind === "full2" ? 2 : 1;
    for (let m = 0; m < n; m++) s = round(s, row.round + m, sboxes, row.kind === "full2");
    const xs =
      row.kind === "packed" ? sboxes.slice(0, extra) : row.kind === "full2" ? [...sboxes.slice(0, p.t), ...Array(extra - p.t).fill(0n)] : Array(extra).fill(0n);
    trace.push([...before, ...xs]);
  }
  trace.push([...s, ...Array(extra).fill(0n)]);
  return trace;
}

/** Lays out one permutation at `row` and fills the witness. */
export function assignPermutation(chip: PoseidonChip, c: Circuit, w: Witness, row: number, input: readonly bigint[]): { rows: number; output: bigint[] } {
  const rows = layoutPermutation(chip, c, row);
  const trace = permutationTrace(chip.params, input);
  trace.forEach((st, r) => chip.state.forEach((col, i) => (w.advice[col.index][row + r] = st[i])));
  return { rows, output: trace[trace.length - 1].slice(0, chip.params.t) };
}

function pow5(x: bigint): bigint {
  const x2 = (x * x) % P;
  return (((x2 * x2) % P) * x) % P;
}

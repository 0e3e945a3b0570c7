// Poseidon round gate: one row per round. With the state in t advice columns and the round
// constants in t fixed columns, `q_full` enforces next = MDS·(s + c)^5 and `q_partial` the same with
// the S-box on s_0 only, so a width-3 permutation costs 65 rows + 1 output row, against ~240 R1CS
// constraints for circomlib's Poseidon(2).
import { type Circuit, type Column, type Witness, Expression } from "../../runtime/plonk/index.ts";
import type { Span } from "../../compiler/diagnostics/index.ts";
import { type PoseidonParams, poseidonParams } from "./poseidon-params.ts";
import { fr } from "../../runtime/poly/index.ts";

const P = fr.R;

export interface PoseidonChip {
  params: PoseidonParams;
  state: Column[];
  constants: Column[];
  qFull: Column;
  qPartial: Column;
}

/** Adds the round gates over the given state columns (created if absent). */
export function configurePoseidon(c: Circuit, t: number, opts: { state?: Column[]; span?: Span } = {}): PoseidonChip {
  const params = poseidonParams(t);
  const state = opts.state ?? Array.from({ length: t }, (_, i) => c.adviceColumn(`poseidon_s${i}`));
  if (state.length !== t) throw new Error(`Poseidon chip: ${state.length} state columns for width ${t}`);
  const constants = Array.from({ length: t }, (_, i) => c.fixedColumn(`poseidon_rc${i}`));
  const qFull = c.selector("q_poseidon_full");
  const qPartial = c.selector("q_poseidon_partial");
  const s = state.map((col) => Expression.query(col));
  const next = state.map((col) => Expression.query(col, 1));
  const withC = s.map((e, i) => e.add(Expression.query(constants[i])));
  const sbox = withC.map((e) => e.pow(5));
  const mix = (inputs: Expression[]) =>
    params.mds.map((row) => Expression.sum(row.map((m, j) => inputs[j].mul(m))));
  const full = mix(sbox);
  const partial = mix([sbox[0], ...withC.slice(1)]);
  c.createGate(
    "poseidon-full-round",
    full.map((e, i) => Expression.query(qFull).mul(next[i].sub(e))),
    { span: opts.span, polyNames: state.map((_, i) => `state[${i}]`) },
  );
  c.createGate(
    "poseidon-partial-round",
    partial.map((e, i) => Expression.query(qPartial).mul(next[i].sub(e))),
    { span: opts.span, polyNames: state.map((_, i) => `state[${i}]`) },
  );
  for (const col of state) c.enableEquality(col);
  return { params, state, constants, qFull, qPartial };
}

/** Fixed side of one permutation at `row`: selectors and round constants. Returns the rows used. */
export function layoutPermutation(chip: PoseidonChip, c: Circuit, row: number): number {
  const p = chip.params;
  const rounds = p.fullRounds + p.partialRounds;
  const half = p.fullRounds / 2;
  for (let r = 0; r < rounds; r++) {
    const full = r < half || r >= half + p.partialRounds;
    c.enable(full ? chip.qFull : chip.qPartial, row + r);
    chip.constants.forEach((col, i) => c.assignFixed(col, row + r, p.constants[r][i]));
  }
  c.touch(row + rounds);
  return rounds + 1;
}

/** The state before every round and after the last: rounds + 1 rows of t values. */
export function permutationTrace(p: PoseidonParams, input: readonly bigint[]): bigint[][] {
  const rounds = p.fullRounds + p.partialRounds;
  const half = p.fullRounds / 2;
  const trace = [input.slice()];
  let s = input.slice();
  for (let r = 0; r < rounds; r++) {
    const full = r < half || r >= half + p.partialRounds;
    const a = s.map((v, i) => (v + p.constants[r][i]) % P);
    const b = a.map((v, i) => (full || i === 0 ? pow5(v) : v));
    s = p.mds.map((mrow) => mrow.reduce((acc, m, j) => (acc + m * b[j]) % P, 0n));
    trace.push(s);
  }
  return trace;
}

/** Lays out one permutation at `row` and fills the witness. */
export function assignPermutation(chip: PoseidonChip, c: Circuit, w: Witness, row: number, input: readonly bigint[]): { rows: number; output: bigint[] } {
  const rows = layoutPermutation(chip, c, row);
  const trace = permutationTrace(chip.params, input);
  trace.forEach((st, r) => chip.state.forEach((col, i) => (w.advice[col.index][row + r] = st[i])));
  return { rows, output: trace[trace.length - 1] };
}

function pow5(x: bigint): bigint {
  const x2 = (x * x) % P;
  return (((x2 * x2) % P) * x) % P;
}

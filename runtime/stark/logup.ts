// A chip's LogUp helper columns on the trace domain, h_g = Σ_{k∈g} m_k/(α − fp_k) for each group g of
// its interactions (air.ts), over a range of rows, so that prove computes them whole and proveParallel
// in row ranges on the pool workers; the running sum over them is a prefix sum, left to the caller.
import type { Chip } from "../air/index.ts";
import { poolTask } from "../pool/index.ts";
import { runRanges, sharedColumn, toShared } from "./shared.ts";
import { ExprEval, fingerprint, type Window } from "./air.ts";
import { add, type Ext } from "./field.ts";
import { extBatchInvCols } from "./ext-wasm.ts";
import { Alg, extVal, type Val } from "./vec.ts";

export interface LogupInput {
  chip: Pick<Chip, "name" | "columns" | "constraints" | "interactions">;
  groups: number[][];
  busIds: number[];
  /** trace columns (natural order, n rows) */
  main: Uint32Array[];
  fixed: Uint32Array[];
  alpha: Ext;
  beta: Ext;
}

/** Four columns per group for the rows [from, to). */
export function logupRange(q: LogupInput, from: number, to: number): Uint32Array[] {
  const n = q.main.length ? q.main[0].length : (q.fixed[0]?.length ?? 0);
  const len = to - from;
  const alg = new Alg(len);
  const cur = new Map<Uint32Array, Uint32Array>();
  const nxt = new Map<Uint32Array, Uint32Array>();
  const here = (c: Uint32Array) => {
    let r = cur.get(c);
    if (!r) cur.set(c, (r = c.subarray(from, to)));
    return r;
  };
  const next = (c: Uint32Array) => {
    let r = nxt.get(c);
    if (!r) {
      r = new Uint32Array(len);
      for (let i = 0; i < len; i++) r[i] = c[(from + i + 1) % n];
      nxt.set(c, r);
    }
    return r;
  };
  const sel = { first: new Uint32Array(len), last: new Uint32Array(len), transition: new Uint32Array(len).fill(1) };
  if (from === 0) sel.first[0] = 1;
  if (to === n) {
    sel.last[len - 1] = 1;
    sel.transition[len - 1] = 0;
  }
  const w: Window = {
    main: (c, nx) => [nx ? next(q.main[c]) : here(q.main[c])],
    fixed: (c, nx) => [nx ? next(q.fixed[c]) : here(q.fixed[c])],
    sel: (which) => [sel[which]],
  };
  const ev = new ExprEval(alg, w, q.chip as Chip);
  const out: Uint32Array[] = [];
  for (const group of q.groups) {
    const h = [new Uint32Array(len), new Uint32Array(len), new Uint32Array(len), new Uint32Array(len)];
    for (const k of group) {
      const it = q.chip.interactions[k];
      const fp = fingerprint(alg, q.busIds[k], it.values.map((v) => ev.eval(v)), q.beta);
      const d = toCols(alg.sub(extVal(q.alpha), fp), len);
      extBatchInvCols(d);
      const term = toCols(alg.mul(ev.eval(it.multiplicity), d), len);
      for (let j = 0; j < 4; j++) for (let r = 0; r < len; r++) h[j][r] = add(h[j][r], term[j][r]);
    }
    out.push(...h);
  }
  return out;
}

/** An extension value as four columns (copies: callers may write into them). */
export function toCols(v: Val, n: number): Uint32Array[] {
  const e = v.length === 4 ? v : [v[0], 0, 0, 0];
  return e.map((c) => (typeof c === "number" ? new Uint32Array(n).fill(c) : c.slice()));
}

export interface LogupTask {
  input: LogupInput;
  from: number;
  to: number;
  /** 4·groups shared columns of n rows; the task writes [from, to) */
  out: Uint32Array[];
}

const LOGUP_TASK = poolTask<LogupTask>(new URL("./tasks.ts", import.meta.url), "logupRange");

/** Below this many rows a chip's helpers are computed on this thread. */
const MIN_PARALLEL_ROWS = 1 << 12;

export async function logupPool(inputs: LogupInput[], threads: number): Promise<Uint32Array[][]> {
  const work: Promise<unknown>[] = [];
  const out = inputs.map((q) => {
    const n = q.main[0]?.length ?? q.fixed[0]?.length ?? 0;
    if (n < MIN_PARALLEL_ROWS || threads < 2) return logupRange(q, 0, n);
    const input = { ...q, main: q.main.map(toShared), fixed: q.fixed.map(toShared) };
    const cols = Array.from({ length: 4 * q.groups.length }, () => sharedColumn(n));
    work.push(...runRanges(LOGUP_TASK, threads, n, (from, to) => ({ input, from, to, out: cols })));
    return cols;
  });
  await Promise.all(work);
  return out;
}

// The DEEP quotient of all chips of one LDE size, on an aligned range of the (bit-reversed) LDE indices:
//   (G(x) − G(ζ))/(x − ζ) + (A(x) − A(ζω))/(x − ζω),
// where G = Σ_k γ^k f_k over every committed column of those chips and A the same sum without the
// quotient columns (which are opened at ζ only). Chips of one height share ζω_n, so one pair of
// denominators serves them all. prove computes it whole; proveParallel in ranges on the pool workers.
import { poolTask } from "../pool/index.ts";
import { runRanges, sharedColumn, toShared } from "./shared.ts";
import { GENERATOR, P, add, mul, pow, rootOfUnity, sub, type Ext } from "./field.ts";
import { extBatchInvCols } from "./ext-wasm.ts";
import { bitReverse, cosetPointsBitrev } from "./ntt.ts";
import { LinearCombiner, extMulCols } from "./vec.ts";

export interface DeepInput {
  logN: number;
  /** LDE columns opened at ζ and ζω, with their γ powers */
  cols: Uint32Array[];
  powers: Ext[];
  /** quotient LDE columns, opened at ζ only */
  qcols: Uint32Array[];
  qpowers: Ext[];
  /** G(ζ) and A(ζω) from the claimed openings */
  atZeta: Ext;
  atZetaNext: Ext;
  zeta: Ext;
  zetaNext: Ext;
}

/** The DEEP codeword at the LDE indices [from, to), as four columns. */
export function deepRange(d: DeepInput, from: number, to: number): Uint32Array[] {
  const len = to - from;
  const xs = cosetPointsBitrev(Math.log2(len), mul(GENERATOR, pow(rootOfUnity(d.logN), bitReverse(from, d.logN))));
  const combine = (cols: Uint32Array[], powers: Ext[]) => {
    const lc = new LinearCombiner(len);
    cols.forEach((c, k) => lc.add(powers[k], c.subarray(from, to)));
    const out = [new Uint32Array(len), new Uint32Array(len), new Uint32Array(len), new Uint32Array(len)];
    lc.addInto(out);
    return out;
  };
  const a = combine(d.cols, d.powers);
  const q = combine(d.qcols, d.qpowers);
  const inverses = (z: Ext) => {
    const c = [0, 1, 2, 3].map((j) => (j === 0 ? Uint32Array.from(xs, (x) => sub(x, z[0])) : new Uint32Array(len).fill(z[j] === 0 ? 0 : P - z[j])));
    extBatchInvCols(c);
    return c;
  };
  // G − G(ζ) and A − A(ζω)
  const g = [0, 1, 2, 3].map((j) => {
    const o = new Uint32Array(len);
    const x = a[j], y = q[j], v = d.atZeta[j];
    for (let i = 0; i < len; i++) o[i] = sub(add(x[i], y[i]), v);
    return o;
  });
  for (let j = 0; j < 4; j++) {
    const x = a[j], v = d.atZetaNext[j];
    for (let i = 0; i < len; i++) x[i] = sub(x[i], v);
  }
  const t1 = extMulCols(g, inverses(d.zeta));
  const t2 = extMulCols(a, inverses(d.zetaNext));
  for (let j = 0; j < 4; j++) {
    const x = t1[j], y = t2[j];
    for (let i = 0; i < len; i++) x[i] = add(x[i], y[i]);
  }
  return t1;
}

export interface DeepTask {
  input: DeepInput;
  from: number;
  to: number;
  out: Uint32Array[];
}

const DEEP_TASK = poolTask<DeepTask>(new URL("./tasks.ts", import.meta.url), "deepRange");

/** Below this many LDE points a codeword is computed on this thread. */
const MIN_PARALLEL_POINTS = 1 << 12;

export async function deepPool(inputs: DeepInput[], threads: number): Promise<Uint32Array[][]> {
  const work: Promise<unknown>[] = [];
  const out = inputs.map((d) => {
    const N = 1 << d.logN;
    if (N < MIN_PARALLEL_POINTS || threads < 2) return deepRange(d, 0, N);
    const input = { ...d, cols: d.cols.map(toShared), qcols: d.qcols.map(toShared) };
    const cols = [0, 1, 2, 3].map(() => sharedColumn(N));
    work.push(...runRanges(DEEP_TASK, threads, N, (from, to) => ({ input, from, to, out: cols })));
    return cols;
  });
  await Promise.all(work);
  return out;
}

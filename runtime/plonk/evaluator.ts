// Compiles the constraint list into one straight-line function of the extended-domain index that
// returns Σ y^i·C_i (Horner). compileCombined is the BigInt reference (tests check the fast path
// against it); the prover runs the same DAG on WASM vector kernels (runCombinedProgram), split across the
// runtime's worker pool for large domains (evaluateCombinedParallel).
// Every inner node becomes a local, deduplicated by its code, which gives common-subexpression
// elimination across constraints (Poseidon's S-box outputs feed three rows of the MDS, the
// permutation's factors repeat, ...). Sums stay unreduced, each product is reduced, and the result is
// brought into [0, r) once.
import type { Column, Expression } from "./cs.ts";
import { R, mod } from "../poly/fr.ts";
import { BN254_FR, FieldVec, fieldInstance, fieldModule, montParams, writeLimbs, type WasmInstance } from "../field/index.ts";
import { defaultThreads, getPool, poolTask } from "../pool/index.ts";
import type { QuotientJob } from "./quotient-task.ts";

export type ExtLookup = (c: Column) => readonly bigint[];

export function compileCombined(
  exprs: readonly Expression[],
  y: bigint,
  ext: ExtLookup,
  extN: number,
  extK: number,
): (i: number) => bigint {
  const arrays: (readonly bigint[])[] = [];
  const arrayIds = new Map<readonly bigint[], number>();
  const rots = new Map<number, string>();
  const temps: string[] = [];
  const memo = new Map<string, string>();
  const hoist = (code: string): string => {
    let name = memo.get(code);
    if (!name) {
      name = `t${temps.length}`;
      temps.push(`const ${name} = ${code};`);
      memo.set(code, name);
    }
    return name;
  };
  const gen = (e: Expression): string =>
    e.evaluate<string>({
      constant: (v) => `${v}n`,
      query: (c, rot) => {
        const arr = ext(c);
        let id = arrayIds.get(arr);
        if (id === undefined) {
          id = arrays.length;
          arrays.push(arr);
          arrayIds.set(arr, id);
        }
        let idx = rots.get(rot);
        if (idx === undefined) {
          idx = `r${rots.size}`;
          rots.set(rot, idx);
        }
        return hoist(`A${id}[${idx}]`);
      },
      add: (a, b) => hoist(`${a} + ${b}`),
      mul: (a, b) => hoist(`(${a} * ${b}) % R`),
      neg: (a) => hoist(`-${a}`),
      scale: (a, k) => hoist(`(${a} * ${k}n) % R`),
    });
  const results = exprs.map(gen);
  const mask = extN - 1;
  const idx = [...rots.entries()].map(([rot, name]) => `const ${name} = (i + ${(rot << extK) & mask}) & ${mask};`);
  const horner = results.map((r) => `acc = (acc * ${y}n + ${r}) % R;`);
  const body = `return function(i) {\n${idx.join("\n")}\n${temps.join("\n")}\nlet acc = 0n;\n${horner.join("\n")}\nreturn acc < 0n ? acc + R : acc;\n};`;
  const params = arrays.map((_, i) => `A${i}`);
  const factory = new Function("R", ...params, body) as (...a: unknown[]) => (i: number) => bigint;
  return factory(R, ...arrays);
}

/** Extended-coset values of a column, packed (Montgomery limbs, length extN). */
export type ExtVecLookup = (c: Column) => FieldVec;

type VecNode =
  | { op: "query"; column: number; shift: number }
  | { op: "const"; value: bigint }
  | { op: "add" | "mul"; a: number; b: number }
  | { op: "neg"; a: number }
  | { op: "scale"; a: number; k: bigint };

/**
 * The combined constraint program as plain data (structured-cloneable, so worker threads run the same
 * instructions): the deduplicated DAG in topological order, the node of each constraint, and the domain.
 * Column i of the program is the i-th entry of the `columns` list compileCombinedProgram returns.
 */
export interface CombinedProgram {
  nodes: VecNode[];
  results: number[];
  extN: number;
  numColumns: number;
}

/** Points per pass: the temporaries of one pass stay in cache and the WASM calls are long enough to amortise. */
export const CHUNK = 1024;

/** The expression DAG of Σ y^i·C_i, deduplicated like compileCombined's locals, and the columns it reads. */
export function compileCombinedProgram(
  exprs: readonly Expression[],
  ext: ExtVecLookup,
  extN: number,
  extK: number,
): { program: CombinedProgram; columns: FieldVec[] } {
  const columns: FieldVec[] = [];
  const columnIds = new Map<FieldVec, number>();
  const nodes: VecNode[] = [];
  const memo = new Map<string, number>();
  const mask = extN - 1;
  const node = (key: string, make: () => VecNode): number => {
    let id = memo.get(key);
    if (id === undefined) {
      id = nodes.length;
      nodes.push(make());
      memo.set(key, id);
    }
    return id;
  };
  const results = exprs.map((e) =>
    e.evaluate<number>({
      constant: (v) => node(`c${v}`, () => ({ op: "const", value: v })),
      query: (c, rot) => {
        const col = ext(c);
        if (col.length !== extN) throw new RangeError(`column ${c.kind}[${c.index}] has ${col.length} extended values, expected ${extN}`);
        let id = columnIds.get(col);
        if (id === undefined) {
          id = columns.length;
          columns.push(col);
          columnIds.set(col, id);
        }
        const shift = (rot * (1 << extK)) & mask;
        return node(`q${id}:${shift}`, () => ({ op: "query", column: id, shift }));
      },
      add: (a, b) => node(`+${Math.min(a, b)},${Math.max(a, b)}`, () => ({ op: "add", a, b })),
      mul: (a, b) => node(`*${Math.min(a, b)},${Math.max(a, b)}`, () => ({ op: "mul", a, b })),
      neg: (a) => node(`-${a}`, () => ({ op: "neg", a })),
      scale: (a, k) => node(`s${a},${k}`, () => ({ op: "scale", a, k })),
    }),
  );
  return { program: { nodes, results, extN, numColumns: columns.length }, columns };
}

/**
 * Runs the program over the points [from, to) (multiples of CHUNK, or the whole domain when it is smaller)
 * on the WASM instance `w` (holding BN254 Fr's kernels under the prefix `f`; its heap is reset), writing
 * Σ y^i·C_i(j) · periodic[j mod |periodic|] into out[j] (Montgomery limbs, out indexed like the domain).
 * Each pass copies the window of every (column, rotation) it reads into WASM memory, runs the instructions
 * (temporaries are reused after their last use) and copies the chunk of the result out, so WASM memory holds
 * O(DAG size × CHUNK) whatever the domain size, and no BigInt is allocated per point. Points are independent,
 * so any split of the domain gives the same words.
 */
export function runCombinedProgram(
  w: WasmInstance,
  program: CombinedProgram,
  columns: readonly Uint32Array[],
  y: bigint,
  periodic: readonly bigint[],
  from: number,
  to: number,
  out: Uint32Array,
): void {
  const { nodes, results, extN } = program;
  const F = BN254_FR;
  const m = montParams(F);
  const L = F.limbs;
  const S = 4 * L;
  const C = Math.min(CHUNK, extN);
  const mask = extN - 1;
  if (C % periodic.length !== 0) throw new RangeError("evaluateCombinedVec: the periodic factor must divide the chunk");
  if (from % C !== 0 || to % C !== 0 || from < 0 || to > extN) throw new RangeError(`runCombinedProgram: range [${from}, ${to}) is not whole chunks of ${C}`);
  if (columns.length !== program.numColumns) throw new RangeError(`runCombinedProgram: ${columns.length} columns, the program reads ${program.numColumns}`);
  for (const c of columns) if (c.length !== extN * L) throw new RangeError(`runCombinedProgram: a column has ${c.length} words, expected ${extN * L}`);
  const mont = (x: bigint) => (mod(x) * m.r) % F.p;
  const f = w.exports;
  w.reset();

  // Layout: accumulator, constants, query windows, then temporaries reused after their last use.
  const accPtr = w.alloc(C * S);
  const scalarPtr = new Map<bigint, number>();
  const scalar = (x: bigint): number => {
    let p = scalarPtr.get(x);
    if (p === undefined) scalarPtr.set(x, (p = w.alloc(S)));
    return p;
  };
  const yPtr = scalar(y);
  const zeroPtr = w.alloc(C * S);
  const periodicPtr = w.alloc(C * S);
  const lastUse = new Array<number>(nodes.length).fill(-1);
  nodes.forEach((nd, i) => {
    if (nd.op === "add" || nd.op === "mul") lastUse[nd.a] = lastUse[nd.b] = i;
    else if (nd.op === "neg" || nd.op === "scale") lastUse[nd.a] = i;
  });
  for (const r of results) lastUse[r] = nodes.length;
  const buf = new Array<number>(nodes.length).fill(-1);
  const free: number[] = [];
  const constFill: Array<{ ptr: number; value: bigint }> = [];
  nodes.forEach((nd, i) => {
    if (nd.op === "query") {
      buf[i] = w.alloc(C * S);
      return;
    }
    if (nd.op === "const") {
      buf[i] = w.alloc(C * S);
      constFill.push({ ptr: buf[i], value: nd.value });
      return;
    }
    if (nd.op === "scale") scalar(nd.k);
    buf[i] = free.pop() ?? w.alloc(C * S);
    const operands = nd.op === "add" || nd.op === "mul" ? [nd.a, nd.b] : [nd.a];
    for (const a of new Set(operands)) if (lastUse[a] === i && (nodes[a].op !== "query" && nodes[a].op !== "const")) free.push(buf[a]);
  });

  // Fill memory (after the last allocation: growing memory detaches earlier views).
  const u32 = new Uint32Array(w.memory.buffer);
  const mem8 = new Uint8Array(w.memory.buffer);
  mem8.fill(0, zeroPtr, zeroPtr + C * S);
  for (const [x, p] of scalarPtr) writeLimbs(u32, p / 4, L, mont(x));
  for (const { ptr, value } of constFill) {
    writeLimbs(u32, ptr / 4, L, mont(value));
    for (let j = 1; j < C; j++) u32.copyWithin(ptr / 4 + j * L, ptr / 4, ptr / 4 + L);
  }
  for (let j = 0; j < C; j++) writeLimbs(u32, periodicPtr / 4 + j * L, L, mont(periodic[j % periodic.length]));

  const ptr = new Array<number>(nodes.length);
  for (let s = from; s < to; s += C) {
    for (let i = 0; i < nodes.length; i++) {
      const nd = nodes[i];
      switch (nd.op) {
        case "query": {
          const data = columns[nd.column];
          const start = (s + nd.shift) & mask;
          const first = Math.min(C, extN - start);
          u32.set(data.subarray(start * L, (start + first) * L), buf[i] / 4);
          // The rotated window wraps around the end of the coset.
          if (first < C) u32.set(data.subarray(0, (C - first) * L), buf[i] / 4 + first * L);
          ptr[i] = buf[i];
          break;
        }
        case "const":
          ptr[i] = buf[i];
          break;
        case "add":
          f.f_vadd(buf[i], ptr[nd.a], ptr[nd.b], C);
          ptr[i] = buf[i];
          break;
        case "mul":
          f.f_vmul(buf[i], ptr[nd.a], ptr[nd.b], C);
          ptr[i] = buf[i];
          break;
        case "neg":
          f.f_vsub(buf[i], zeroPtr, ptr[nd.a], C);
          ptr[i] = buf[i];
          break;
        case "scale":
          f.f_vscale(buf[i], ptr[nd.a], scalarPtr.get(nd.k)!, C);
          ptr[i] = buf[i];
          break;
      }
    }
    const acc = accPtr;
    if (results.length === 0) mem8.fill(0, acc, acc + C * S);
    else mem8.copyWithin(acc, ptr[results[0]], ptr[results[0]] + C * S);
    for (let j = 1; j < results.length; j++) {
      f.f_vscale(acc, acc, yPtr, C);
      f.f_vadd(acc, acc, ptr[results[j]], C);
    }
    f.f_vmul(acc, acc, periodicPtr, C);
    out.set(u32.subarray(acc / 4, acc / 4 + C * L), s * L);
  }
}

/**
 * The fast path of compileCombined: Σ y^i·C_i times a periodic factor (1/Z_H on the coset), on runtime/field's
 * WASM Montgomery kernels, on the calling thread (see runCombinedProgram).
 */
export function evaluateCombinedVec(
  exprs: readonly Expression[],
  y: bigint,
  ext: ExtVecLookup,
  extN: number,
  extK: number,
  periodic: readonly bigint[],
): FieldVec {
  const { program, columns } = compileCombinedProgram(exprs, ext, extN, extK);
  const out = new FieldVec(BN254_FR, extN);
  runCombinedProgram(
    fieldInstance(BN254_FR),
    program,
    columns.map((c) => c.data),
    y,
    periodic,
    0,
    extN,
    out.data,
  );
  return out;
}

/** Below this many extended points one thread wins: workers pay for start-up, messages and column copies. */
/** quotient-task.ts's `quotientEval`, run by runtime/pool's workers. */
const QUOTIENT_TASK = poolTask<QuotientJob>(new URL("./quotient-task.ts", import.meta.url), "quotientEval");

export const PARALLEL_QUOTIENT_FROM = 1 << 14;

export interface ParallelOptions {
  /** Worker threads (default: available parallelism); 1 runs on the calling thread. */
  threads?: number;
  /** Smallest extended domain sent to workers (default PARALLEL_QUOTIENT_FROM). */
  minSize?: number;
}

// Columns of the proving key (fixed, sigma, special) are shared with workers once per key, not once per proof.
const sharedCopies = new WeakMap<Uint32Array, Uint32Array>();
function shared(data: Uint32Array): Uint32Array {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  let s = sharedCopies.get(data);
  if (!s) {
    s = new Uint32Array(new SharedArrayBuffer(data.byteLength));
    s.set(data);
    sharedCopies.set(data, s);
  }
  return s;
}

/**
 * evaluateCombinedVec on the runtime's worker pool: the columns go to shared memory (once), each job runs the
 * same program over a range of whole chunks and writes its slice of the shared result. Bit for bit the
 * single-thread result; small domains or one thread run on the calling thread.
 */
export async function evaluateCombinedParallel(
  exprs: readonly Expression[],
  y: bigint,
  ext: ExtVecLookup,
  extN: number,
  extK: number,
  periodic: readonly bigint[],
  opts: ParallelOptions = {},
): Promise<FieldVec> {
  const threads = Math.max(1, Math.floor(opts.threads ?? defaultThreads()));
  const C = Math.min(CHUNK, extN);
  const chunks = extN / C;
  if (threads === 1 || extN < (opts.minSize ?? PARALLEL_QUOTIENT_FROM) || chunks < 2) return evaluateCombinedVec(exprs, y, ext, extN, extK, periodic);
  const { program, columns } = compileCombinedProgram(exprs, ext, extN, extK);
  const out = new Uint32Array(new SharedArrayBuffer(extN * BN254_FR.limbs * 4));
  const data = columns.map((c) => shared(c.data));
  const compiled = fieldModule(BN254_FR);
  const pool = getPool(threads);
  // Two jobs per thread: a thread slowed by other load hands its second job to a faster one.
  const jobs = Math.min(chunks, threads * 2);
  await Promise.all(
    Array.from({ length: jobs }, (_, j) => {
      const from = Math.floor((j * chunks) / jobs) * C;
      const to = Math.floor(((j + 1) * chunks) / jobs) * C;
      return pool.run(QUOTIENT_TASK, { compiled, program, columns: data, y, periodic, from, to, out });
    }),
  );
  return new FieldVec(BN254_FR, extN, out);
}

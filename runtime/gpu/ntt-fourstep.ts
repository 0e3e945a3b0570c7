// Four-step NTT over any kernel executor, for transforms larger than the executor can hold (the 2^30
// plan, spec/kernels.md). With n = n1·n2 and x viewed as an n1 × n2 row-major matrix (x[n2·j1 + j2]):
//   pass 1  per column j2: n1-point NTT over j1, then × ω^(j2·k1)          (written back in place)
//   pass 2  per row k1:    n2-point NTT over j2, and the transpose X[k1 + n1·k2] (written to `output`)
// Only a chunk of 2^logChunk elements (a block of whole columns or rows) and √n-sized twiddle tables
// are resident on the executor; the rest stays in an ElementStore: host memory, or a file for 2^30.
// Elements travel as Montgomery limbs (the kernels' form); convert once at either end (packMont).
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { type FieldLimbs, type PrimeField, BN254_FR, packMont, unpackMont } from "../field/index.ts";
import type { DeviceBuffer, KernelExecutor } from "./executor.ts";

/** Field elements (L u32 words each) addressed by element index; reads and writes are contiguous runs. */
export interface ElementStore {
  readonly length: number;
  /** Copies elements [start, start + count) into `into` at word offset `at`. */
  read(start: number, count: number, into: Uint32Array, at: number): void;
  /** Writes `words` (a whole number of elements) at element `start`. */
  write(start: number, words: Uint32Array): void;
}

/** An ElementStore in host memory. */
export class MemoryStore implements ElementStore {
  readonly words: Uint32Array;
  constructor(
    readonly length: number,
    private L: number,
    words?: Uint32Array,
  ) {
    if (words && words.length !== length * L) throw new RangeError(`memory store: ${words.length} words for ${length} elements of ${L}`);
    this.words = words ?? new Uint32Array(length * L);
  }
  read(start: number, count: number, into: Uint32Array, at: number): void {
    into.set(this.words.subarray(start * this.L, (start + count) * this.L), at);
  }
  write(start: number, words: Uint32Array): void {
    this.words.set(words, start * this.L);
  }
}

/** An ElementStore in a file (created or overwritten with `length` elements when `create`), for inputs beyond RAM. */
export class FileStore implements ElementStore {
  private fd: number;
  constructor(
    readonly path: string,
    readonly length: number,
    private L: number,
    create = false,
  ) {
    this.fd = openSync(path, create ? "w+" : "r+");
    if (create && length > 0) writeSync(this.fd, new Uint8Array(1), 0, 1, length * L * 4 - 1);
  }
  read(start: number, count: number, into: Uint32Array, at: number): void {
    const bytes = new Uint8Array(into.buffer, into.byteOffset + at * 4, count * this.L * 4);
    let done = 0;
    while (done < bytes.length) {
      const r = readSync(this.fd, bytes, done, bytes.length - done, start * this.L * 4 + done);
      if (r === 0) throw new RangeError(`${this.path}: short read at element ${start}`);
      done += r;
    }
  }
  write(start: number, words: Uint32Array): void {
    const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, start * this.L * 4 + done);
  }
  close(): void {
    closeSync(this.fd);
  }
}

export interface FourStepProgress {
  pass: 1 | 2;
  /** Chunks finished in this pass, of `chunks`. */
  done: number;
  chunks: number;
  elapsedMs: number;
}

export interface FourStepOptions {
  /** log2 of the elements resident on the executor at once (a block of whole columns/rows): ≥ ⌈logn / 2⌉. */
  logChunk: number;
  inverse?: boolean;
  field?: PrimeField;
  onProgress?: (p: FourStepProgress) => void;
}

export interface FourStepStats {
  n1: number;
  n2: number;
  chunkElements: number;
  /** Chunks per pass (pass 1, pass 2). */
  chunks: [number, number];
  /** Largest number of u32 words allocated on the executor at once. */
  residentWords: number;
  /** u32 words moved host → executor and executor → host. */
  wordsUp: number;
  wordsDown: number;
}

/**
 * NTT of `input` (length n = 2^k, natural order) into `output` (natural order), the same convention as
 * runtime/curve `ntt`; `input` is overwritten with the intermediate. Kernels: stdlib/kernels/ntt.cwl.
 */
export async function nttFourStep(ex: KernelExecutor, fl: FieldLimbs, input: ElementStore, output: ElementStore, opts: FourStepOptions): Promise<FourStepStats> {
  const F = opts.field ?? BN254_FR;
  const n = input.length;
  if (n < 4 || (n & (n - 1)) !== 0) throw new RangeError(`four-step ntt: length must be a power of two ≥ 4, got ${n}`);
  if (output.length !== n) throw new RangeError(`four-step ntt: output holds ${output.length} elements, input ${n}`);
  const logn = Math.log2(n);
  const l1 = Math.floor(logn / 2);
  const l2 = logn - l1;
  const n1 = 2 ** l1;
  const n2 = 2 ** l2;
  const logC = Math.min(opts.logChunk, logn);
  if (!(Number.isInteger(logC) && logC >= l2)) throw new RangeError(`four-step ntt: a chunk of 2^${opts.logChunk} cannot hold one ${n2}-point row (need logChunk ≥ ${l2})`);
  const C = 2 ** logC;
  const L = fl.limbs;

  let w = F.rootOfUnity(logn);
  if (opts.inverse) w = F.inv(w);
  const powers = (base: bigint, count: number): bigint[] => {
    const out = new Array<bigint>(count);
    let x = 1n;
    for (let i = 0; i < count; i++, x = F.mul(x, base)) out[i] = x;
    return out;
  };
  // Sub-transform twiddles (ω1 = ω^n2 of order n1, ω2 = ω^n1 of order n2) and ω^e = lo[e mod 2^h]·hi[e >> h].
  const h = l2;
  const tables = {
    tw1: powers(F.pow(w, BigInt(n2)), Math.max(1, n1 / 2)),
    tw2: powers(F.pow(w, BigInt(n1)), n2 / 2),
    lo: powers(w, 2 ** h),
    hi: powers(F.pow(w, BigInt(2 ** h)), 2 ** (logn - h)),
    scale: [opts.inverse ? F.inv(BigInt(n)) : 1n],
  };
  const stats: FourStepStats = { n1, n2, chunkElements: C, chunks: [0, 0], residentWords: 0, wordsUp: 0, wordsDown: 0 };
  const dev: DeviceBuffer[] = [];
  const alloc = (words: number) => {
    const b = ex.alloc(words);
    dev.push(b);
    stats.residentWords += words;
    return b;
  };
  const upload = (b: DeviceBuffer, words: Uint32Array) => {
    ex.write(b, words);
    stats.wordsUp += words.length;
  };
  const t0 = performance.now();
  try {
    const tb = Object.fromEntries(
      Object.entries(tables).map(([k, v]) => {
        const b = alloc(v.length * L);
        upload(b, packMont(fl, v));
        return [k, b];
      }),
    ) as Record<keyof typeof tables, DeviceBuffer>;
    const src = alloc(C * L);
    const buf = alloc(C * L);
    const host = new Uint32Array(C * L);

    /** Batched radix-2 NTTs of size 2^logm over the chunk in `host` (count elements); result in `buf`. */
    const transform = (count: number, logm: number, tw: DeviceBuffer) => {
      upload(src, host.subarray(0, count * L));
      ex.launch("ntt_bitrev", count, [src, buf, logm]);
      const m = 2 ** logm;
      for (let half = 1; half < m; half <<= 1) ex.launch("ntt_stage", count / 2, [buf, tw, half, m / (2 * half)]);
    };
    const readBack = async (count: number) => {
      await ex.finish();
      const r = await ex.read(buf, count * L);
      stats.wordsDown += r.length;
      return r;
    };

    // Pass 1: blocks of `cols` whole columns, gathered column-major (column c at c·n1).
    const cols = Math.min(n2, C / n1);
    const row = new Uint32Array(cols * L);
    for (let c0 = 0, k = 0; c0 < n2; c0 += cols, k++) {
      for (let j1 = 0; j1 < n1; j1++) {
        input.read(n2 * j1 + c0, cols, row, 0);
        for (let c = 0; c < cols; c++) host.set(row.subarray(c * L, (c + 1) * L), (c * n1 + j1) * L);
      }
      transform(cols * n1, l1, tb.tw1);
      ex.launch("ntt_twiddle", cols * n1, [buf, tb.lo, tb.hi, l1, c0, h]);
      const out = await readBack(cols * n1);
      for (let k1 = 0; k1 < n1; k1++) {
        for (let c = 0; c < cols; c++) row.set(out.subarray((c * n1 + k1) * L, (c * n1 + k1 + 1) * L), c * L);
        input.write(n2 * k1 + c0, row);
      }
      opts.onProgress?.({ pass: 1, done: k + 1, chunks: n2 / cols, elapsedMs: performance.now() - t0 });
    }

    // Pass 2: blocks of `rows` whole rows (contiguous); row k1's k2-th output goes to X[k1 + n1·k2].
    const rows = C / n2;
    const run = new Uint32Array(rows * L);
    for (let r0 = 0, k = 0; r0 < n1; r0 += rows, k++) {
      input.read(n2 * r0, rows * n2, host, 0);
      transform(rows * n2, l2, tb.tw2);
      if (opts.inverse) ex.launch("ntt_scale", rows * n2, [buf, tb.scale]);
      const out = await readBack(rows * n2);
      for (let k2 = 0; k2 < n2; k2++) {
        for (let r = 0; r < rows; r++) run.set(out.subarray((r * n2 + k2) * L, (r * n2 + k2 + 1) * L), r * L);
        output.write(n1 * k2 + r0, run);
      }
      opts.onProgress?.({ pass: 2, done: k + 1, chunks: n1 / rows, elapsedMs: performance.now() - t0 });
    }
    stats.chunks = [n2 / cols, n1 / rows];
    return stats;
  } finally {
    for (const b of dev) ex.free(b);
  }
}

/** Four-step NTT of in-memory values (convenience over MemoryStore; same convention as runtime/curve `ntt`). */
export async function nttFourStepValues(ex: KernelExecutor, fl: FieldLimbs, values: readonly bigint[], opts: FourStepOptions): Promise<bigint[]> {
  const F = opts.field ?? BN254_FR;
  const n = values.length;
  const input = new MemoryStore(n, fl.limbs, packMont(fl, values.map((x) => F.fromBigint(x))));
  const output = new MemoryStore(n, fl.limbs);
  await nttFourStep(ex, fl, input, output, opts);
  return unpackMont(fl, output.words, n);
}

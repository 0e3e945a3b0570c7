// The PLONK prover's device backend on kernel executors: its commitment MSMs run through msmOnExecutor
// (stdlib/kernels/msm.cwl) and its NTTs through nttWordsOnExecutor (stdlib/kernels/ntt.cwl) when the
// shape fits; otherwise the call answers "not here" and the prover runs it on the CPU. With several
// executors (one per adapter) independent MSMs go to whichever executor is free, and an MSM of at least
// `splitMin` points is cut into one contiguous slice per executor, the partial sums added on the host:
// Σ s_i·P_i is the same point however the terms are grouped, so the result equals one device's.
// The object matches runtime/plonk's `ProverDevice` structurally (runtime/gpu does not import the prover).
import { G1, type G1Affine, type PackedG1 } from "../curve/index.ts";
import { BN254_FR, FieldVec, type FieldLimbs, montParams } from "../field/index.ts";
import type { KernelExecutor } from "./executor.ts";
import { gpuWindowBits, msmOnExecutor } from "./msm.ts";
import { msmShape } from "./msm-shape.ts";
import { nttWordsOnExecutor } from "./ntt.ts";
import type { WgslKernel } from "./artifacts.ts";
import { gpuLabel, openGpu, WebGpuExecutor } from "./webgpu.ts";

export interface ProverDeviceOptions {
  /** Executors holding the MSM kernels, one per device (several on one adapter stand in for several devices). */
  msm: readonly KernelExecutor[];
  /** Executors holding the NTT kernels (omit: NTTs stay on the CPU). */
  ntt?: readonly KernelExecutor[];
  /** The MSM kernels' base field (Fq) limbs and the NTT kernels' scalar field (Fr) limbs. */
  fq: FieldLimbs;
  fr?: FieldLimbs;
  /** Largest transform sent to the device (log2; default 20); larger ones run on the CPU. */
  maxNttLog?: number;
  /** Largest MSM (points) sent to the device (default 2^22); larger ones run on the CPU. */
  maxMsmPoints?: number;
  /** Points from which one MSM is split across all executors (default 2^14). */
  splitMin?: number;
}

/** How many calls ran on the device and how many fell back to the CPU. */
export interface DeviceCounts {
  msm: { device: number; cpu: number };
  ntt: { device: number; cpu: number };
}

/** One executor at a time per operation: the launches of two MSMs must not interleave on one queue. */
class Pool {
  private free: KernelExecutor[];
  private waiting: ((ex: KernelExecutor) => void)[] = [];
  constructor(readonly all: readonly KernelExecutor[]) {
    this.free = [...all];
  }
  async use<T>(fn: (ex: KernelExecutor) => Promise<T>): Promise<T> {
    const ex = this.free.pop() ?? (await new Promise<KernelExecutor>((r) => this.waiting.push(r)));
    try {
      return await fn(ex);
    } finally {
      const next = this.waiting.shift();
      if (next) next(ex);
      else this.free.push(ex);
    }
  }
}

export class GpuProverDevice {
  readonly label: string;
  readonly counts: DeviceCounts = { msm: { device: 0, cpu: 0 }, ntt: { device: 0, cpu: 0 } };
  private msmPool: Pool;
  private nttPool: Pool | undefined;
  private cosetPowers = new Map<string, FieldVec>();

  constructor(private o: ProverDeviceOptions) {
    if (o.msm.length === 0) throw new RangeError("prover device: no MSM executor");
    this.msmPool = new Pool(o.msm);
    // The NTT path hands FieldVec words to the kernels as they are: only when both use R = 2^256 over 8 limbs.
    const frOk = o.fr && o.fr.limbs === 8 && o.fr.r === montParams(BN254_FR).r;
    this.nttPool = o.ntt?.length && frOk ? new Pool(o.ntt) : undefined;
    this.label = `${o.msm.length} × ${o.msm[0].description}`;
  }

  /** Σ scalars[i]·points[i], or undefined when this MSM is left to the CPU. */
  async msm(points: PackedG1, scalars: FieldVec): Promise<G1Affine | undefined> {
    const n = points.n;
    if (n === 0 || n > (this.o.maxMsmPoints ?? 1 << 22) || scalars.field !== BN254_FR || scalars.length !== n) {
      this.counts.msm.cpu++;
      return undefined;
    }
    this.counts.msm.device++;
    const parts = n >= (this.o.splitMin ?? 1 << 14) ? this.o.msm.length : 1;
    const step = Math.ceil(n / parts);
    const slices: Promise<G1Affine>[] = [];
    for (let a = 0; a < n; a += step) {
      const m = Math.min(step, n - a);
      const pts: PackedG1 = { n: m, data: points.data.subarray(a * 16, (a + m) * 16) };
      const sc = new FieldVec(BN254_FR, m, scalars.data.subarray(a * 8, (a + m) * 8));
      slices.push(this.msmPool.use((ex) => msmOnExecutor(ex, this.o.fq, msmShape(gpuWindowBits(m)), pts, sc)));
    }
    let acc = G1.ZERO;
    for (const p of await Promise.all(slices)) acc = G1.addMixed(acc, p);
    return G1.toAffine(acc);
  }

  /**
   * In-place NTT of `v` (natural order, runtime/curve's convention): the inverse transform, or the forward
   * one on the coset g·H (coefficients scaled by g^i here, then transformed on the device). False when
   * left to the CPU (no NTT executors, an inverse coset transform, or a size out of range).
   */
  async ntt(v: FieldVec, opts: { inverse?: boolean; coset?: bigint } = {}): Promise<boolean> {
    const n = v.length;
    const logn = Math.log2(n);
    const pool = this.nttPool;
    if (!pool || v.field !== BN254_FR || n < 2 || !Number.isInteger(logn) || logn > (this.o.maxNttLog ?? 20) || (opts.coset !== undefined && opts.inverse)) {
      this.counts.ntt.cpu++;
      return false;
    }
    this.counts.ntt.device++;
    if (opts.coset !== undefined) v.mul(this.powers(opts.coset, n), v);
    const out = await pool.use((ex) => nttWordsOnExecutor(ex, this.o.fr!, v.data, n, { inverse: opts.inverse }));
    v.data.set(out);
    return true;
  }

  /** 1, g, g², … g^(n−1) (cached per g and n: every extended column uses the same coset). */
  private powers(g: bigint, n: number): FieldVec {
    const key = `${g}:${n}`;
    let p = this.cosetPowers.get(key);
    if (!p) {
      const xs = new Array<bigint>(n);
      const gm = BN254_FR.fromBigint(g);
      for (let i = 0, x = 1n; i < n; i++, x = BN254_FR.mul(x, gm)) xs[i] = x;
      this.cosetPowers.set(key, (p = FieldVec.fromBigints(BN254_FR, xs)));
    }
    return p;
  }

  /** "msm 12 on the device, 0 on the CPU; ntt 30 on the device, 2 on the CPU" (the progress detail). */
  summary(): string {
    const c = this.counts;
    return `msm ${c.msm.device} on the device, ${c.msm.cpu} on the CPU; ntt ${c.ntt.device} on the device, ${c.ntt.cpu} on the CPU`;
  }

  dispose(): void {
    for (const ex of new Set([...this.o.msm, ...(this.o.ntt ?? [])])) ex.dispose();
  }
}

export interface OpenProverDeviceOptions {
  /** The WGSL kernels of stdlib/kernels/msm.cwl and ntt.cwl as emitted (data: runtime/gpu does not compile them). */
  msmKernels: readonly WgslKernel[];
  nttKernels: readonly WgslKernel[];
  fq: FieldLimbs;
  fr: FieldLimbs;
  /** Executors to spread MSMs over (default 1). WebGPU in Node exposes one adapter: N executors share it. */
  gpus?: number;
}

/** A GpuProverDevice on the WebGPU adapter with every shader compiled, or why there is none. */
export async function openProverDevice(o: OpenProverDeviceOptions): Promise<GpuProverDevice | { reason: string }> {
  const gpus = o.gpus ?? 1;
  if (!(Number.isInteger(gpus) && gpus >= 1)) throw new RangeError(`prover device: gpus must be a positive integer, got ${gpus}`);
  const gpu = await openGpu();
  if ("reason" in gpu) return gpu;
  const msm = Array.from({ length: gpus }, () => new WebGpuExecutor(gpu, o.msmKernels));
  const ntt = new WebGpuExecutor(gpu, o.nttKernels);
  const errs: string[] = [];
  for (const ex of [...msm, ntt]) errs.push(...(await ex.compileAll()));
  if (errs.length) {
    for (const ex of [...msm, ntt]) ex.dispose();
    return { reason: `the WGSL kernels did not compile on ${gpuLabel(gpu.info)}: ${errs[0]}` };
  }
  // The largest binding bounds the shapes: an MSM's chunk accumulators take ≈ 1.6·n Jacobian points of 96
  // bytes at c = 10 (26 windows, 16 entries a chunk), so 256 bytes a point leaves margin; an NTT 32 a value.
  const limit = gpu.info.maxStorageBufferBindingSize;
  const maxMsmPoints = Math.min(1 << 22, 2 ** Math.floor(Math.log2(limit / 256)));
  const maxNttLog = Math.min(20, Math.floor(Math.log2(limit / 32)));
  return new GpuProverDevice({ msm, ntt: [ntt], fq: o.fq, fr: o.fr, maxMsmPoints, maxNttLog });
}

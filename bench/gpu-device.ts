// `npm run bench -- gpu-device`, or the esbuild bundle that scripts/device-gpu.sh runs on a lent GPU machine:
// the WGSL NTT/MSM kernels (stdlib/kernels, backends/wgsl, runtime/gpu) on WebGPU against the CPU path on all
// cores of the same machine (nttParallel and msmG1 on the worker pool), every GPU output checked against the
// CPU result. Unlike bench/gpu.ts it needs no binaryen (no WASM-kernel sections), and it splits each GPU figure
// into host preparation, upload, kernels alone (median of reps) and read-back, next to the end-to-end call of
// the runtime API, so that a slow figure says where the time goes.
// Sizes (defaults are small so that `npm run bench` stays short on 2 cores):
//   CWL_DEVICE_NTT_LOGS (12,14)  CWL_DEVICE_MSM_LOGS (10)  CWL_DEVICE_MSM_C (8: window bits, list)
//   CWL_DEVICE_REPS (3)  CWL_DEVICE_E2E_MAX_LOG (16: runtime-API end-to-end calls up to this size)
//   CWL_DEVICE_MSM_SEGLENS (none: other window-segment lengths to time, first window size only) at
//   CWL_DEVICE_MSM_SEGLEN_AT (the first MSM size)
//   CWL_DEVICE_STOP_MS (60000: a section stops growing once one size took longer)
//   CWL_DEVICE_OUT (a JSON file rewritten after every step, so a killed run still leaves its figures).
//   CWL_DEVICE_PROVE_HASHES (none: Poseidon-chain lengths to prove with and without the GPU, e.g. 64)
//   CWL_DEVICE_PROVE_GPUS (1: MSM executors of the prover device; each adapter's, or several on one)
// bench/results/gpu-device.json holds the H200 figures (assembled from a device run's output, with notes):
// `npm run bench -- gpu-device` here would overwrite it with lavapipe figures.
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { pathToFileURL } from "node:url";
import { analyzeKernels } from "../backends/kernels/index.ts";
import { type FieldLimbs, packMont } from "../runtime/field/index.ts";
import { emitWgsl } from "../backends/wgsl/index.ts";
import {
  G1,
  type G1Affine,
  type G1Jacobian,
  msmG1,
  nttParallel,
  packG1,
} from "../runtime/curve/index.ts";
import {
  BN254_FQ,
  BN254_FR,
  FieldVec,
  montParams,
} from "../runtime/field/index.ts";
import {
  kernelSource,
  msmKernels,
  type MsmShape,
  msmShape,
} from "../tooling/kernels/stdlib.ts";
import { encodeProofBinary, insecureDevSrs, keygen, minimumK, prove, verify } from "../runtime/plonk/index.ts";
import {
  GpuProverDevice,
  freeMsm,
  type Gpu,
  type KernelExecutor,
  launchMsm,
  type MsmPhase,
  type MsmPlan,
  msmOnExecutor,
  nttOnExecutor,
  openGpu,
  planMsm,
  readMsm,
  uploadMsm,
  WebGpuExecutor,
} from "../runtime/gpu/index.ts";

const now = () => performance.now();
/** A comma list of integers from the environment; "none" skips the section. */
const list = (v: string | undefined, d: number[]) =>
  v === "none" ? [] : v ? v.split(",").filter(Boolean).map(Number) : d;
const ms = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const say = (s: string) =>
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);

/** Random field elements < p as 8 random u32 limbs with the top limb below p's: already valid Montgomery words, no BigInt per element. */
function randomMontWords(n: number): Uint32Array {
  const top = Number(BN254_FR.p >> 224n);
  const w = new Uint32Array(n * 8);
  for (let i = 0; i < w.length; i += 16384)
    crypto.getRandomValues(w.subarray(i, Math.min(w.length, i + 16384)));
  for (let i = 7; i < w.length; i += 8) w[i] %= top;
  return w;
}

/** ω^0 … ω^(n/2−1) for ω = rootOfUnity(log n) in Montgomery words (the twiddles nttOnExecutor uploads). */
function twiddleWords(logn: number): Uint32Array {
  const F = BN254_FR;
  const w = F.rootOfUnity(logn);
  const tw = new Array<bigint>(2 ** (logn - 1));
  tw[0] = 1n;
  for (let i = 1; i < tw.length; i++) tw[i] = F.mul(tw[i - 1], w);
  return FieldVec.fromBigints(F, tw).data;
}

/** n distinct random affine points: a walk P0 + i·G in Jacobian form, normalized with one batch inversion. */
function randomPoints(n: number): G1Affine[] {
  const F = BN254_FQ;
  const jac: G1Jacobian[] = new Array(n);
  let p = G1.fromAffine(G1.mulAffine(G1.generator, BN254_FR.random()));
  for (let i = 0; i < n; i++) {
    jac[i] = p;
    p = G1.addMixed(p, G1.generator);
  }
  const zi = F.batchInverse(jac.map((q) => q.Z));
  return jac.map((q, i) => {
    const z2 = F.mul(zi[i], zi[i]);
    return {
      x: F.mul(q.X, z2),
      y: F.mul(q.Y, F.mul(z2, zi[i])),
      infinity: false,
    };
  });
}

/** Index of the first element whose Montgomery words differ, or −1 (the kernels reduce fully, so words are canonical). */
function firstMismatch(a: Uint32Array, b: Uint32Array, limbs: number): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i]) return Math.floor(i / limbs);
  return -1;
}

export async function run(): Promise<object> {
  const threads = availableParallelism();
  const reps = Number(process.env.CWL_DEVICE_REPS ?? 3);
  const stopMs = Number(process.env.CWL_DEVICE_STOP_MS ?? 60_000);
  const e2eMax = Number(process.env.CWL_DEVICE_E2E_MAX_LOG ?? 16);
  const outFile = process.env.CWL_DEVICE_OUT;
  const result: Record<string, unknown> = {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      node: process.version,
    },
    cpuThreads: threads,
    reps,
  };
  const save = () =>
    outFile && writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");

  const gpu = await openGpu();
  if ("reason" in gpu) {
    result.gpu = { skipped: gpu.reason };
    save();
    return result;
  }
  result.gpu = { ...gpu.info, hardware: !gpu.info.software };
  say(`adapter: ${JSON.stringify(gpu.info)}`);
  save();

  const nttLogs = list(process.env.CWL_DEVICE_NTT_LOGS, [12, 14]);
  const msmLogs = list(process.env.CWL_DEVICE_MSM_LOGS, [10]);
  if (nttLogs.length)
    await nttSection(gpu, nttLogs, result, save, {
      threads,
      reps,
      stopMs,
      e2eMax,
    });
  if (msmLogs.length)
    await msmSection(gpu, msmLogs, result, save, {
      threads,
      reps,
      stopMs,
      e2eMax,
    });
  const proveHashes = list(process.env.CWL_DEVICE_PROVE_HASHES, []);
  if (proveHashes.length)
    await proveSection(gpu, proveHashes, result, save, {
      threads,
      reps,
      stopMs,
      e2eMax,
    });
  save();
  return result;
}

/**
 * A Halo2-style proof (the Poseidon chain of test/plonk/circuits.ts: the Poseidon chip over 3 advice
 * columns, copy constraints, a public output) proven with and without the prover device in this process,
 * the same blinding stream for both: the proofs must be the same bytes, and the device's verifies. Times
 * are medians of `reps` proofs after one warm-up each; the ratio is CPU prove time over device prove time
 * (customer target ≥ 4×). Keygen runs once, on the CPU, outside the timings.
 */
async function proveSection(
  gpu: Gpu,
  hashesList: number[],
  result: Record<string, unknown>,
  save: () => void,
  { threads, reps }: Knobs,
) {
  const { poseidonChain } = await import("../test/plonk/circuits.ts");
  const gpus = Number(process.env.CWL_DEVICE_PROVE_GPUS ?? 1);
  const msmK = analyzeKernels(msmKernels(), "wgsl").km!;
  const nttK = analyzeKernels(kernelSource("ntt"), "wgsl").km!;
  const msmWgsl = emitWgsl(msmK);
  let t = now();
  const msm = Array.from({ length: gpus }, () => new WebGpuExecutor(gpu, msmWgsl));
  const ntt = new WebGpuExecutor(gpu, emitWgsl(nttK));
  const errs: string[] = [];
  for (const ex of [...msm, ntt]) errs.push(...(await ex.compileAll()));
  const section: Record<string, unknown> & { runs: object[] } = {
    circuit: "Poseidon chain (test/plonk/circuits.ts poseidonChain), insecure dev SRS",
    target: "CPU prove / GPU prove ≥ 4 (customer)",
    executors: gpus,
    cpuThreads: threads,
    compileMs: ms(now() - t),
    compileErrors: errs,
    runs: [],
  };
  result.prove = section;
  save();
  if (errs.length) return;
  const dev = new GpuProverDevice({ msm, ntt: [ntt], fq: msmK.fields.get("bn254_fq")!, fr: nttK.fields.get("bn254_fr")! });
  const stream = () => {
    let i = 0n;
    return () => (0x9e3779b97f4a7c15n * ++i + 0x1234n) % BN254_FR.p;
  };
  for (const hashes of hashesList) {
    const chain = poseidonChain(hashes);
    const k = minimumK(chain.circuit);
    t = now();
    const pk = await keygen(insecureDevSrs(1 << k), chain.circuit, { k });
    const keygenMs = ms(now() - t);
    say(`prove: chain of ${hashes}, k = ${k}, keygen ${keygenMs} ms`);
    const time = async (device: GpuProverDevice | undefined) => {
      const times: number[] = [];
      let phases: Record<string, number> = {};
      let proof: Uint8Array | undefined;
      for (let r = 0; r <= reps; r++) {
        const phaseMs: Record<string, number> = {};
        const t0 = now();
        const p = await prove(pk, chain.witness, { random: stream(), device, phaseMs });
        if (r > 0) times.push(now() - t0);
        phases = phaseMs;
        proof = encodeProofBinary(p);
        if (r === 0 && !(await verify(pk.vk, chain.witness.instance, p))) throw new Error(`prove: the ${device ? "device" : "CPU"} proof does not verify`);
      }
      return { ms: ms(median(times)), phases, proof: proof! };
    };
    const cpu = await time(undefined);
    say(`prove: CPU ${cpu.ms} ms`);
    dev.counts.msm = { device: 0, cpu: 0 };
    dev.counts.ntt = { device: 0, cpu: 0 };
    const dv = await time(dev);
    say(`prove: device ${dv.ms} ms (${dev.summary()})`);
    const same = Buffer.from(cpu.proof).equals(Buffer.from(dv.proof));
    if (!same) throw new Error("prove: the device's proof differs from the CPU's with the same randomness");
    section.runs.push({
      hashes,
      k,
      rows: chain.circuit.rows,
      keygenMs,
      cpuProveMs: cpu.ms,
      deviceProveMs: dv.ms,
      ratio: Math.round((cpu.ms / dv.ms) * 100) / 100,
      sameProof: same,
      calls: `${dev.summary()} (in ${reps + 1} proofs)`,
      cpuPhasesMs: Object.fromEntries(Object.entries(cpu.phases).map(([k, v]) => [k, ms(v)])),
      devicePhasesMs: Object.fromEntries(Object.entries(dv.phases).map(([k, v]) => [k, ms(v)])),
    });
    save();
  }
  dev.dispose();
}

interface Knobs {
  threads: number;
  reps: number;
  stopMs: number;
  e2eMax: number;
}

async function nttSection(
  gpu: Gpu,
  logs: number[],
  result: Record<string, unknown>,
  save: () => void,
  { threads, reps, stopMs, e2eMax }: Knobs,
) {
  const nttKm = analyzeKernels(kernelSource("ntt"), "wgsl").km!;
  const frL = nttKm.fields.get("bn254_fr")!;
  const probe = [3n, BN254_FR.p - 1n, 12345678901234567890n];
  const sameWords =
    firstMismatch(
      packMont(frL, probe),
      FieldVec.fromBigints(BN254_FR, probe).data,
      8,
    ) === -1;
  if (!sameWords || montParams(BN254_FR).r !== frL.r)
    throw new Error(
      "internal: runtime FieldVec and kernel limbs disagree on the Montgomery layout",
    );
  const nttEx = new WebGpuExecutor(gpu, emitWgsl(nttKm));
  let t = now();
  const nttErrs = await nttEx.compileAll();
  await nttOnExecutor(
    nttEx,
    frL,
    Array.from({ length: 16 }, () => BN254_FR.random()),
  );
  const nttRuns: object[] = [];
  result.ntt = {
    shaderCompileMs: ms(now() - t),
    compileErrors: nttErrs,
    runs: nttRuns,
  };
  say(`ntt shaders compiled + warm-up: ${ms(now() - t)} ms`);
  // CPU warm-up: the first parallel call starts the worker pool and instantiates the WASM modules in each worker.
  t = now();
  await nttParallel(new FieldVec(BN254_FR, 2 ** 14, randomMontWords(2 ** 14)), {
    threads,
  });
  say(`cpu ntt pool warm-up: ${ms(now() - t)} ms`);
  for (const lg of logs) {
    const n = 2 ** lg;
    if (n * 32 > gpu.info.maxStorageBufferBindingSize) {
      nttRuns.push({
        log2n: lg,
        skipped: `2^${lg} × 32 B exceeds maxStorageBufferBindingSize ${gpu.info.maxStorageBufferBindingSize}`,
      });
      continue;
    }
    const tSize = now();
    say(`ntt 2^${lg}: preparing inputs`);
    t = now();
    const input = randomMontWords(n);
    const tw = twiddleWords(lg);
    const hostPrepMs = now() - t;
    const g = await nttKernels(nttEx, input, tw, lg, reps);
    say(
      `ntt 2^${lg}: gpu kernels median ${ms(median(g.kernelMs))} ms (${g.kernelMs.map(ms).join(", ")}), upload ${ms(g.uploadMs)} ms, read ${ms(g.readMs)} ms`,
    );
    const cpuMs: number[] = [];
    let cpuOut: FieldVec | undefined;
    const vec = new FieldVec(BN254_FR, n, input);
    for (let r = 0; r < Math.max(1, Math.min(reps, 3)); r++) {
      t = now();
      cpuOut = await nttParallel(vec, { threads });
      cpuMs.push(now() - t);
    }
    const bad = firstMismatch(g.out, cpuOut!.data, 8);
    const rec: Record<string, unknown> = {
      log2n: lg,
      hostPrepMs: ms(hostPrepMs),
      uploadMs: ms(g.uploadMs),
      gpuKernelMs: ms(median(g.kernelMs)),
      gpuKernelMsAll: g.kernelMs.map(ms),
      readMs: ms(g.readMs),
      gpuUploadKernelReadMs: ms(g.uploadMs + median(g.kernelMs) + g.readMs),
      cpuNttParallelMs: ms(median(cpuMs)),
      cpuNttParallelMsAll: cpuMs.map(ms),
      cpuThreads: threads,
      speedupKernels: ms(median(cpuMs) / median(g.kernelMs)),
      speedupWithTransfers: ms(
        median(cpuMs) / (g.uploadMs + median(g.kernelMs) + g.readMs),
      ),
      launches: 1 + lg,
      equal: bad === -1,
      ...(bad === -1 ? {} : { firstMismatch: bad }),
    };
    say(
      `ntt 2^${lg}: cpu nttParallel(${threads} threads) median ${ms(median(cpuMs))} ms; equal ${bad === -1}`,
    );
    if (lg <= e2eMax) {
      // The runtime API from BigInts (what a caller of nttOnExecutor pays: BigInt twiddles and packing included).
      const xs = vec.toBigints();
      t = now();
      const got = await nttOnExecutor(nttEx, frL, xs);
      rec.gpuEndToEndNttOnExecutorMs = ms(now() - t);
      const exp = cpuOut!.toBigints();
      rec.endToEndEqual = got.every((v, i) => v === exp[i]);
    }
    nttRuns.push(rec);
    say(`ntt 2^${lg}: ${JSON.stringify(rec)}`);
    save();
    if (tooSlow(nttRuns, "NTT", lg, tSize, stopMs)) break;
  }
  nttEx.dispose();
}

/** Whether size 2^lg (started at tSize) ran past stopMs; if so, records that no larger size runs. */
function tooSlow(runs: object[], what: string, lg: number, tSize: number, stopMs: number): boolean {
  if (now() - tSize <= stopMs) return false;
  runs.push({ stopped: `2^${lg} took ${Math.round((now() - tSize) / 1000)} s (> ${stopMs / 1000} s): no larger ${what} sizes` });
  return true;
}

async function msmSection(
  gpu: Gpu,
  logs: number[],
  result: Record<string, unknown>,
  save: () => void,
  { threads, reps, stopMs, e2eMax }: Knobs,
) {
  const msmKm = analyzeKernels(msmKernels(), "wgsl").km!;
  const fqL = msmKm.fields.get("bn254_fq")!;
  const msmEx = new WebGpuExecutor(gpu, emitWgsl(msmKm));
  let t = now();
  const msmErrs = await msmEx.compileAll();
  // Warm-up launching every kernel (one-entry chunks, so the tree rounds run; both combinations).
  const w8 = randomPoints(8);
  for (const combine of ["host", "gpu"] as const)
    await msmOnExecutor(
      msmEx,
      fqL,
      msmShape(4, 254, 1),
      w8,
      w8.map(() => BN254_FR.random()),
      { combine },
    );
  const msmRuns: object[] = [];
  result.msm = {
    shaderCompileMs: ms(now() - t),
    compileErrors: msmErrs,
    runs: msmRuns,
  };
  say(`msm shaders compiled + warm-up: ${ms(now() - t)} ms`);
  t = now();
  const w12 = randomPoints(2 ** 12);
  await msmG1(
    w12,
    w12.map(() => BN254_FR.random()),
    { threads },
  );
  say(`cpu msm pool warm-up: ${ms(now() - t)} ms`);
  const cs = list(process.env.CWL_DEVICE_MSM_C, [8]);
  const segLens = list(process.env.CWL_DEVICE_MSM_SEGLENS, []);
  const segLenAt = Number(process.env.CWL_DEVICE_MSM_SEGLEN_AT ?? logs[0]);
  for (const lg of logs) {
    const n = 2 ** lg;
    const tSize = now();
    say(`msm 2^${lg}: generating ${n} points`);
    t = now();
    const pts = randomPoints(n);
    const genMs = now() - t;
    // Points packed once (Montgomery words, as an SRS would be kept); scalars as words (< r): both sides get these.
    t = now();
    const packed = packG1(pts);
    const pointPackMs = now() - t;
    const ks = randomMontWords(n);
    const cpuMs: number[] = [];
    let exp: G1Affine | undefined;
    for (let r = 0; r < Math.max(1, Math.min(reps, 2)); r++) {
      t = now();
      exp = await msmG1(packed, ks, { threads });
      cpuMs.push(now() - t);
    }
    say(
      `msm 2^${lg}: cpu msmG1(${threads} threads) ${cpuMs.map(ms).join(", ")} ms`,
    );
    for (const [ci, c] of cs.entries()) {
      const shape = msmShape(c);
      t = now();
      const plan = planMsm(shape, packed, ks);
      const planMs = now() - t;
      const g = await msmKernels_(msmEx, fqL, shape, plan, reps);
      const cpu = median(cpuMs);
      const kern = median(g.kernelMs);
      const rec: Record<string, unknown> = {
        log2n: lg,
        windowBits: c,
        windows: shape.windows,
        segLen: plan.segLen,
        segmentsPerWindow: plan.segs,
        chunks: plan.chunkFirst.length,
        reduceRounds: Math.ceil(Math.log2(Math.max(1, plan.maxLen))),
        pointGenMs: ms(genMs),
        pointPackMs: ms(pointPackMs),
        hostPlanMs: ms(planMs),
        uploadMs: ms(g.uploadMs),
        gpuKernelMs: ms(kern),
        gpuKernelMsAll: g.kernelMs.map(ms),
        gpuPhaseMs: g.phaseMs,
        readAndHostCombineMs: ms(g.hostCombineMs),
        gpuCombineKernelMs: ms(g.gpuCombineMs),
        gpuMsm: ms(kern + g.hostCombineMs),
        cpuMsmG1Ms: ms(cpu),
        cpuMsmG1MsAll: cpuMs.map(ms),
        cpuThreads: threads,
        speedupKernels: ms(cpu / (kern + g.hostCombineMs)),
        speedupWithHostPlanAndTransfers: ms(
          cpu / (planMs + g.uploadMs + kern + g.hostCombineMs),
        ),
        equal: G1.eqAffine(g.out, exp!),
        gpuCombineEqual: G1.eqAffine(g.outGpuCombine, exp!),
      };
      // Other segment lengths on the same inputs (first window size only): which default to keep.
      if (ci === 0 && segLens.length && lg === segLenAt) {
        const sweep: Record<string, unknown> = {};
        for (const segLen of segLens) {
          const p = planMsm(shape, packed, ks, { segLen });
          const gs = await msmKernels_(msmEx, fqL, shape, p, Math.min(reps, 3));
          sweep[segLen] = {
            gpuKernelMs: ms(median(gs.kernelMs)),
            gpuPhaseMs: gs.phaseMs,
            equal: G1.eqAffine(gs.out, exp!),
          };
        }
        rec.segLenSweep = sweep;
      }
      if (ci === 0 && lg <= e2eMax) {
        t = now();
        const got = await msmOnExecutor(msmEx, fqL, shape, packed, ks);
        rec.gpuEndToEndMsmOnExecutorMs = ms(now() - t);
        rec.endToEndEqual = G1.eqAffine(got, exp!);
      }
      msmRuns.push(rec);
      say(`msm 2^${lg} c=${c}: ${JSON.stringify(rec)}`);
      save();
    }
    if (tooSlow(msmRuns, "MSM", lg, tSize, stopMs)) break;
  }
  msmEx.dispose();
}

/** nttOnExecutor's launch sequence with the phases timed apart; the kernels run `reps` times from the same upload. */
async function nttKernels(
  ex: KernelExecutor,
  input: Uint32Array,
  tw: Uint32Array,
  logn: number,
  reps: number,
) {
  const n = 2 ** logn;
  const src = ex.alloc(n * 8);
  const buf = ex.alloc(n * 8);
  const twb = ex.alloc((n / 2) * 8);
  try {
    let t = now();
    ex.write(src, input);
    ex.write(twb, tw);
    await ex.finish();
    const uploadMs = now() - t;
    const kernelMs: number[] = [];
    for (let r = 0; r < reps; r++) {
      t = now();
      ex.launch("ntt_bitrev", n, [src, buf, logn]);
      for (let half = 1; half < n; half <<= 1)
        ex.launch("ntt_stage", n / 2, [buf, twb, half, n / (2 * half)]);
      await ex.finish();
      kernelMs.push(now() - t);
    }
    t = now();
    const out = await ex.read(buf);
    return { uploadMs, kernelMs, readMs: now() - t, out };
  } finally {
    ex.free(src);
    ex.free(buf);
    ex.free(twb);
  }
}

/**
 * msmOnExecutor's launch sequence (runtime/gpu launchMsm) with the phases timed apart: the kernels up to the
 * window sums `reps` times (msm_bucket_acc rewrites acc each time; the last rep waits after each phase),
 * then the read-back + host combination, and, for comparison, msm_combine on the GPU on the same window sums.
 */
async function msmKernels_(
  ex: KernelExecutor,
  fq: FieldLimbs,
  shape: MsmShape,
  plan: MsmPlan,
  reps: number,
) {
  let t = now();
  const r = uploadMsm(ex, fq, shape, plan);
  try {
    await ex.finish();
    const uploadMs = now() - t;
    const kernelMs: number[] = [];
    let phaseMs: Record<string, number> = {};
    for (let k = 0; k < reps; k++) {
      const split = k === reps - 1 && reps > 1;
      const phases: Record<string, number> = {};
      const t0 = now();
      let tp = t0;
      await launchMsm(ex, r, "host", split ? async (p: MsmPhase) => {
        await ex.finish();
        phases[p] = ms(now() - tp);
        tp = now();
      } : undefined);
      await ex.finish();
      if (split) phaseMs = phases;
      else kernelMs.push(now() - t0);
    }
    if (!kernelMs.length)
      kernelMs.push(Object.values(phaseMs).reduce((a, b) => a + b, 0));
    t = now();
    const out = await readMsm(ex, fq, r, "host");
    const hostCombineMs = now() - t;
    t = now();
    ex.launch("msm_combine", 1, [r.bufs.seg, r.bufs.out, shape.windows, shape.c, plan.segs]);
    await ex.finish();
    const gpuCombineMs = now() - t;
    const outGpuCombine = await readMsm(ex, fq, r, "gpu");
    return { uploadMs, kernelMs, phaseMs, hostCombineMs, gpuCombineMs, out, outGpuCombine };
  } finally {
    freeMsm(ex, r);
  }
}

// Direct run (the device bundle): write the figures and exit (the worker pool must not keep the process alive).
if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href
) {
  const r = await run();
  if (!process.env.CWL_DEVICE_OUT)
    process.stdout.write(JSON.stringify(r, null, 2) + "\n");
  say("done");
  process.exit(0);
}

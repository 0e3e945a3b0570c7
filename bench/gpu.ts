// `npm run bench -- gpu`: WGSL NTT/MSM (stdlib kernels on WebGPU) against the project's CPU path, in the
// same run, plus end-to-end correctness of every measured output. On lavapipe (software Vulkan on the
// CPU) the ratios measure nothing about GPUs and the result says so. Sizes: NTT 2^10 and 2^14 on WGSL
// (CWL_BENCH_NTT_LOGS overrides), the CPU WASM kernel path at 2^16 (CWL_BENCH_WASM_NTT_LOG, e.g. 22 for the
// 2^22 end-to-end validation), MSM 2^8 on WGSL and 2^12 on the WASM kernels. First of all (so the peak
// RSS it reports is its own) the four-step NTT driver at 2^CWL_BENCH_FOURSTEP_LOG (default 16; 22 for the
// 2^30 plan's CPU validation) in 2^CWL_BENCH_FOURSTEP_CHUNK-element chunks, streaming through files.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeKernels } from "../backends/kernels/index.ts";
import { packMont, unpackMont } from "../runtime/field/index.ts";
import { emitWasm } from "../backends/wasm/index.ts";
import { emitWgsl } from "../backends/wgsl/index.ts";
import { G1, msmG1, ntt } from "../runtime/curve/index.ts";
import { BN254_FR } from "../runtime/field/index.ts";
import { kernelSource, msmKernels, msmShape } from "../tooling/kernels/stdlib.ts";
import { FileStore, msmOnExecutor, nttFourStep, nttOnExecutor, WasmExecutor, WebGpuExecutor, openGpu } from "../runtime/gpu/index.ts";

const now = () => performance.now();
const logs = (v: string | undefined, d: number[]) => (v ? v.split(",").map(Number) : d);

function points(n: number) {
  const out = [];
  let p = G1.fromAffine(G1.mulAffine(G1.generator, BN254_FR.random()));
  for (let i = 0; i < n; i++) {
    out.push(G1.toAffine(p));
    p = G1.add(p, G1.fromAffine(G1.generator));
  }
  out[1] = G1.infinityAffine;
  return out;
}

export async function run(): Promise<object> {
  const result: Record<string, unknown> = { cpuThreads: availableParallelism() };
  const nttMod = kernelSource("ntt");
  const wasmNtt = new WasmExecutor(emitWasm(analyzeKernels(nttMod, "wasm").km!));
  const frL = analyzeKernels(nttMod, "wasm").km!.fields.get("bn254_fr")!;

  // Four-step NTT streaming through files on the WASM kernels, checked against runtime/curve ntt.
  {
    const logn = Number(process.env.CWL_BENCH_FOURSTEP_LOG ?? 16);
    const logChunk = Number(process.env.CWL_BENCH_FOURSTEP_CHUNK ?? Math.max(Math.ceil(logn / 2), logn - 6));
    const n = 2 ** logn;
    const dir = mkdtempSync(join(tmpdir(), "cwl-bench-fourstep-"));
    try {
      const input = new FileStore(join(dir, "in.bin"), n, frL.limbs, true);
      const output = new FileStore(join(dir, "out.bin"), n, frL.limbs, true);
      const xs = Array.from({ length: n }, () => BN254_FR.random());
      const block = 2 ** Math.min(logn, 16);
      for (let i = 0; i < n; i += block) input.write(i, packMont(frL, xs.slice(i, i + block)));
      let lastPrint = 0;
      let t = now();
      const stats = await nttFourStep(wasmNtt, frL, input, output, {
        logChunk,
        onProgress: (p) => {
          // Progress for long runs: at most one line per 10 s, plus each pass's end.
          if (p.done === p.chunks || p.elapsedMs - lastPrint > 10_000) {
            lastPrint = p.elapsedMs;
            process.stdout.write(`four-step 2^${logn}: pass ${p.pass} ${p.done}/${p.chunks} chunks, ${Math.round(p.elapsedMs / 1000)} s\n`);
          }
        },
      });
      const fourStepMs = now() - t;
      const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
      t = now();
      const exp = ntt(xs);
      const refMs = now() - t;
      let equal = true;
      const words = new Uint32Array(block * frL.limbs);
      for (let i = 0; i < n && equal; i += block) {
        output.read(i, block, words, 0);
        equal = unpackMont(frL, words).every((v, k) => v === exp[i + k]);
      }
      input.close();
      output.close();
      result.fourStepNtt = {
        log2n: logn,
        log2chunk: logChunk,
        split: `${stats.n1} × ${stats.n2}`,
        chunksPerPass: stats.chunks,
        executorResidentMiB: Math.round((stats.residentWords * 4) / 2 ** 20 * 100) / 100,
        hostToExecutorMiB: Math.round((stats.wordsUp * 4) / 2 ** 20),
        executorToHostMiB: Math.round((stats.wordsDown * 4) / 2 ** 20),
        store: "files (input overwritten by the intermediate, output separate)",
        fourStepMs: Math.round(fourStepMs),
        runtimeNttMs: Math.round(refMs),
        peakRssMiB,
        peakRssNote: "process peak after the four-step run, before the reference NTT; includes the 2^n BigInt inputs kept for the comparison",
        equal,
      };
      process.stdout.write(`four-step ntt: ${JSON.stringify(result.fourStepNtt)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // CPU WASM kernel path (the reference of the kernel targets) — large-size end-to-end check.
  const wlog = Number(process.env.CWL_BENCH_WASM_NTT_LOG ?? 16);
  {
    const xs = Array.from({ length: 2 ** wlog }, () => BN254_FR.random());
    let t = now();
    const got = await nttOnExecutor(wasmNtt, frL, xs);
    const wasmMs = now() - t;
    t = now();
    const exp = ntt(xs);
    const refMs = now() - t;
    result.wasmNtt = { log2n: wlog, wasmKernelMs: Math.round(wasmMs), runtimeNttMs: Math.round(refMs), equal: got.every((v, i) => v === exp[i]) };
    process.stdout.write(`wasm ntt 2^${wlog}: ${JSON.stringify(result.wasmNtt)}\n`);
  }

  const gpu = await openGpu();
  if ("reason" in gpu) {
    result.gpu = { skipped: gpu.reason };
    return result;
  }
  result.gpu = {
    ...gpu.info,
    note: gpu.info.software ? "lavapipe/llvmpipe: software Vulkan on the CPU — correctness only; ratios below say nothing about GPU speed" : "hardware adapter",
    // openGpu sets GALLIVM_PERF=nopt (lavapipe skips LLVM optimization: shaders compile several times faster, run slower).
    gallivmPerf: process.env.GALLIVM_PERF ?? "",
  };
  const nttEx = new WebGpuExecutor(gpu, emitWgsl(analyzeKernels(nttMod, "wgsl").km!));
  let t = now();
  await nttEx.compileAll();
  const nttRuns = [];
  // Warm-up run: lavapipe compiles pipelines lazily at first dispatch.
  await nttOnExecutor(nttEx, frL, Array.from({ length: 16 }, () => BN254_FR.random()));
  const compileMs = now() - t;
  for (const lg of logs(process.env.CWL_BENCH_NTT_LOGS, [10, 14])) {
    const xs = Array.from({ length: 2 ** lg }, () => BN254_FR.random());
    t = now();
    const got = await nttOnExecutor(nttEx, frL, xs);
    const gpuMs = now() - t;
    t = now();
    const exp = ntt(xs);
    const cpuMs = now() - t;
    const run = { log2n: lg, wgslMs: Math.round(gpuMs), cpuRuntimeNttMs: Math.round(cpuMs), speedup: Math.round((cpuMs / gpuMs) * 100) / 100, equal: got.every((v, i) => v === exp[i]) };
    nttRuns.push(run);
    process.stdout.write(`wgsl ntt: ${JSON.stringify(run)}\n`);
  }
  result.ntt = { shaderCompileMs: Math.round(compileMs), runs: nttRuns, cpuPath: "runtime/curve ntt (BigInt reference; the WASM/worker path will replace it)" };
  nttEx.dispose();

  // MSM: WGSL 2^8 (c = 4) vs runtime msmG1 on all cores; WASM kernels at 2^12 (c = 8) vs msmG1.
  const shape4 = msmShape(4);
  const msmMod = msmKernels();
  const fqL = analyzeKernels(msmMod, "wgsl").km!.fields.get("bn254_fq")!;
  const msmEx = new WebGpuExecutor(gpu, emitWgsl(analyzeKernels(msmMod, "wgsl").km!));
  t = now();
  await msmEx.compileAll();
  // Warm-up launching every kernel (one-entry chunks, so the tree rounds run): lavapipe compiles at first dispatch.
  await msmOnExecutor(msmEx, fqL, msmShape(4, 254, 1), points(8), [1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n]);
  const msmCompileMs = now() - t;
  const n = 2 ** 8;
  const pts = points(n);
  const ks = pts.map((_, i) => (i === 0 ? 0n : BN254_FR.random()));
  t = now();
  const got = await msmOnExecutor(msmEx, fqL, shape4, pts, ks);
  const gpuMs = now() - t;
  t = now();
  const exp = await msmG1(pts, ks, { threads: availableParallelism() });
  const cpuMs = now() - t;
  result.msm = { log2n: 8, windowBits: 4, shaderCompileMs: Math.round(msmCompileMs), wgslMs: Math.round(gpuMs), cpuMsmG1Ms: Math.round(cpuMs), speedup: Math.round((cpuMs / gpuMs) * 100) / 100, equal: G1.eqAffine(got, exp) };
  process.stdout.write(`wgsl msm: ${JSON.stringify(result.msm)}\n`);
  msmEx.dispose();

  const shape8 = msmShape(8);
  const wasmMsm = new WasmExecutor(emitWasm(analyzeKernels(msmMod, "wasm").km!));
  const n12 = 2 ** 12;
  const pts12 = points(n12);
  const ks12 = pts12.map((_, i) => (i === 0 ? 0n : BN254_FR.random()));
  t = now();
  const got12 = await msmOnExecutor(wasmMsm, fqL, shape8, pts12, ks12);
  const wasmMs = now() - t;
  const exp12 = await msmG1(pts12, ks12);
  result.wasmMsm = { log2n: 12, windowBits: 8, wasmKernelMs: Math.round(wasmMs), equal: G1.eqAffine(got12, exp12) };
  process.stdout.write(`wasm msm: ${JSON.stringify(result.wasmMsm)}\n`);
  return result;
}

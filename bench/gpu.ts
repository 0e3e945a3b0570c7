// `npm run bench -- gpu`: WGSL NTT/MSM (stdlib kernels on WebGPU) against the project's CPU path, in the
// same run, plus end-to-end correctness of every measured output. On lavapipe (software Vulkan on the
// CPU) the ratios measure nothing about GPUs and the result says so. Sizes: NTT 2^10 and 2^14 on WGSL
// (CWL_BENCH_NTT_LOGS overrides), the CPU WASM kernel path at 2^16 (CWL_BENCH_WASM_NTT_LOG, e.g. 22 for the
// 2^22 end-to-end validation), MSM 2^8 on WGSL and 2^12 on the WASM kernels.
import { availableParallelism } from "node:os";
import { analyzeKernels } from "../backends/kernels/index.ts";
import { emitWasm } from "../backends/wasm/index.ts";
import { emitWgsl } from "../backends/wgsl/index.ts";
import { G1, msmG1, ntt } from "../runtime/curve/index.ts";
import { BN254_FQ, BN254_FR } from "../runtime/field/index.ts";
import { kernelSource, msmKernels, msmShape } from "../stdlib/kernels/index.ts";
import { msmOnExecutor, nttOnExecutor, WasmExecutor, WebGpuExecutor, openGpu } from "../runtime/gpu/index.ts";

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
  result.gpu = { ...gpu.info, note: gpu.info.software ? "lavapipe/llvmpipe: software Vulkan on the CPU — correctness only; ratios below say nothing about GPU speed" : "hardware adapter" };
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
  const msmMod = msmKernels("bn254_fq", BN254_FQ.p, shape4);
  const fqL = analyzeKernels(msmMod, "wgsl").km!.fields.get("bn254_fq")!;
  const msmEx = new WebGpuExecutor(gpu, emitWgsl(analyzeKernels(msmMod, "wgsl").km!));
  t = now();
  await msmEx.compileAll();
  await msmOnExecutor(msmEx, fqL, shape4, points(4), [1n, 2n, 3n, 4n]);
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
  const wasmMsm = new WasmExecutor(emitWasm(analyzeKernels(msmKernels("bn254_fq", BN254_FQ.p, shape8), "wasm").km!));
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

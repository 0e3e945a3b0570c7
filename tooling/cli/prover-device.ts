// `--device gpu|auto` for the PLONK prover: compiles stdlib/kernels' MSM and NTT kernels to WGSL and hands
// them, as data, to runtime/gpu's prover device. `gpu` insists on an adapter (lavapipe counts: it runs the
// same shaders on the CPU, slowly, which is what tests use); `auto` takes a hardware GPU and otherwise
// falls back to the CPU with a note, since a software adapter is slower than the CPU prover.
import { analyzeKernels } from "../../backends/kernels/index.ts";
import { emitWgsl } from "../../backends/wgsl/index.ts";
import { openGpu, gpuLabel, openProverDevice, type GpuProverDevice } from "../../runtime/gpu/index.ts";
import { kernelSource, msmKernels } from "../kernels/stdlib.ts";
import { UserError } from "./main.ts";

export async function openDevice(kind: "gpu" | "auto", gpus: number, log: (s: string) => void): Promise<GpuProverDevice | undefined> {
  const gpu = await openGpu();
  if ("reason" in gpu) {
    if (kind === "gpu") throw new UserError(`--device gpu: ${gpu.reason}`, "use --device auto to fall back to the CPU, or --device cpu");
    log(`device: ${gpu.reason}; using the CPU`);
    return undefined;
  }
  if (kind === "auto" && gpu.info.software) {
    log(`device: ${gpuLabel(gpu.info)} is slower than the CPU prover; using the CPU (--device gpu forces it)`);
    return undefined;
  }
  const msm = analyzeKernels(msmKernels(), "wgsl").km!;
  const ntt = analyzeKernels(kernelSource("ntt"), "wgsl").km!;
  log(`device: compiling the MSM and NTT kernels for ${gpuLabel(gpu.info)}${gpus > 1 ? ` (${gpus} executors)` : ""}`);
  const dev = await openProverDevice({ msmKernels: emitWgsl(msm), nttKernels: emitWgsl(ntt), fq: msm.fields.get("bn254_fq")!, fr: ntt.fields.get("bn254_fr")!, gpus });
  if ("reason" in dev) {
    if (kind === "gpu") throw new UserError(`--device gpu: ${dev.reason}`, "use --device cpu");
    log(`device: ${dev.reason}; using the CPU`);
    return undefined;
  }
  return dev;
}

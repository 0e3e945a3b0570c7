// `--device gpu|auto` for the PLONK prover: compiles stdlib/kernels' MSM and NTT kernels to WGSL and hands
// them, as data, to runtime/gpu's prover device. `gpu` insists on an adapter (lavapipe counts: it runs the
// same shaders on the CPU, slowly, which is what tests use); `auto` takes a hardware GPU and otherwise
// falls back to the CPU with a note, since a software adapter is slower than the CPU prover.
// The flag check is light; WebGPU (dawn.node) and the kernel compiler load only when a device is asked for.
import type { GpuProverDevice } from "../../runtime/gpu/index.ts";
import { UserError, intFlag } from "./main.ts";

export type DeviceKind = "cpu" | "gpu" | "auto";

/** Checks `--device` and `--gpus` (before any slow work) and returns the device kind. */
export function deviceFlag(device: string | undefined, gpus: number | undefined): DeviceKind {
  const kind = device ?? "cpu";
  if (kind !== "cpu" && kind !== "gpu" && kind !== "auto") throw new UserError(`--device must be one of cpu, gpu, auto, not ${kind}`);
  intFlag("--gpus", gpus, 1, 64);
  if (gpus !== undefined && kind === "cpu") throw new UserError("--gpus applies with --device gpu or auto", "add --device gpu");
  return kind;
}

/** The prover device for `kind` (undefined: the CPU), with its notes on `log`. */
export async function deviceFor(kind: DeviceKind, gpus: number | undefined, log: (s: string) => void): Promise<GpuProverDevice | undefined> {
  return kind === "cpu" ? undefined : openDevice(kind, gpus ?? 1, log);
}

async function openDevice(kind: "gpu" | "auto", gpus: number, log: (s: string) => void): Promise<GpuProverDevice | undefined> {
  const { openGpu, gpuLabel, openProverDevice } = await import("../../runtime/gpu/index.ts");
  const { analyzeKernels } = await import("../../backends/kernels/index.ts");
  const { emitWgsl } = await import("../../backends/wgsl/index.ts");
  const { kernelSource, msmKernels } = await import("../kernels/stdlib.ts");
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

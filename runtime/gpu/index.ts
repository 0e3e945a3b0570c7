// Public face of runtime/gpu: one executor interface over the kernel targets (WebGPU/Dawn, HLS C
// simulation, WASM) and the NTT/MSM host loops that drive stdlib/kernels on any of them.
export { type KernelExecutor, type DeviceBuffer, type KernelArg, isBuffer } from "./executor.ts";
export { openGpu, gpuLabel, gpuInstance, WebGpuExecutor, type Gpu, type GpuInfo } from "./webgpu.ts";
export { HlsSimExecutor, buildCsim, haveGxx } from "./hls-sim.ts";
export { WasmExecutor } from "./wasm-exec.ts";
export { nttOnExecutor, type KernelNttOptions } from "./ntt.ts";
export {
  nttFourStep,
  nttFourStepValues,
  MemoryStore,
  FileStore,
  type ElementStore,
  type FourStepOptions,
  type FourStepProgress,
  type FourStepStats,
} from "./ntt-fourstep.ts";
export {
  msmOnExecutor,
  msmChunkedOnExecutor,
  planMsm,
  gpuWindowBits,
  uploadMsm,
  launchMsm,
  readMsm,
  freeMsm,
  type MsmPlan,
  type MsmOptions,
  type MsmResident,
  type MsmPhase,
} from "./msm.ts";

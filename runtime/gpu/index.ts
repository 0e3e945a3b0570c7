// Public face of runtime/gpu: one executor interface over the kernel targets (WebGPU/Dawn and WASM here;
// the HLS C simulation, which compiles C++, is tooling/kernels/hls-sim.ts), the artifact shapes they load,
// and the NTT/MSM host loops that drive stdlib/kernels on any of them.
export { type KernelExecutor, type DeviceBuffer, type KernelArg, isBuffer } from "./executor.ts";
export { openGpu, gpuLabel, gpuInstance, WebGpuExecutor, type Gpu, type GpuInfo } from "./webgpu.ts";
export { WasmExecutor } from "./wasm-exec.ts";
export { type KernelParamInfo, type WgslBinding, type WgslKernel, type WasmOutput } from "./artifacts.ts";
export { MSM_LIMITS, type MsmShape, msmShape, defaultSegLen } from "./msm-shape.ts";
export { nttOnExecutor, nttWordsOnExecutor, type KernelNttOptions } from "./ntt.ts";
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
export { GpuProverDevice, openProverDevice, type ProverDeviceOptions, type DeviceCounts, type OpenProverDeviceOptions } from "./prover-device.ts";

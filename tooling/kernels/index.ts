// Public face of tooling/kernels: what compiles a kernel and drives it from the host side: the `.cwl`
// kernel sources of stdlib/kernels compiled to CWIR (stdlib.ts), one artifact folder per target from the
// concrete backends (artifact.ts), and the HLS C-simulation executor, which builds its testbench with g++
// (hls-sim.ts). The executors that only run artifacts live in runtime/gpu.
export { KERNEL_SOURCE_DIR, kernelSource, msmKernels, MSM_LIMITS, type MsmShape, msmShape, defaultSegLen } from "./stdlib.ts";
export { emitKernelArtifact, type KernelArtifact } from "./artifact.ts";
export { HlsSimExecutor, buildCsim, haveGxx } from "./hls-sim.ts";

// Public face of the Vitis HLS backend: CWIR kernels → kernels.cpp (DATAFLOW tops) + csim testbench,
// the static Vitis-subset checker, and the path of the ap_int.h / hls_stream.h headers that let g++ run
// the C simulation.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
export {
  emitHls,
  MAX_UNROLL,
  STREAM_DEPTH,
  TRIPCOUNT_MAX,
  type HlsOptions,
  type HlsOutput,
  type HlsKernelStructure,
  type HlsStage,
  type HlsStream,
  type HlsLoop,
} from "./emit.ts";
export { dspPerMul, dspProduct, hlsFieldLib, hlsMulStructure, mulLatency, type HlsFieldMulStructure } from "./fieldlib.ts";
export { DEFAULT_DSP_BUDGET, U280, carriedMulChain, loopShaper, type LoopShaper } from "./shaping.ts";
export { checkVitisSubset, type VitisFinding, type VitisReport } from "./vitis-check.ts";
export { planDataflow, type DataflowPlan, type HlsPort } from "./dataflow.ts";

export const HLS_INCLUDE_DIR = join(dirname(fileURLToPath(import.meta.url)), "include");

// Public face of the Vitis HLS backend: CWIR kernels → kernels.cpp + csim testbench, and the path of the
// ap_int.h / hls_stream.h headers that let g++ run the C simulation.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
export { emitHls, type HlsOutput, type HlsKernelStructure } from "./emit.ts";
export { hlsFieldLib } from "./fieldlib.ts";

export const HLS_INCLUDE_DIR = join(dirname(fileURLToPath(import.meta.url)), "include");

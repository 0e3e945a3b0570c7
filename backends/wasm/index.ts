// Public face of the WASM backend: CWIR kernels → a WASM module (binaryen), the CPU reference path.
export { emitWasm, type WasmOutput } from "./emit.ts";

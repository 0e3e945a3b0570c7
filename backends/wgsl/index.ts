// Public face of the WGSL backend: CWIR kernels → WGSL compute shaders + bind-group layouts.
export { emitWgsl, type WgslKernel, type WgslBinding } from "./emit.ts";
export { wgslFieldLib, WGSL_LIMB_HELPERS, type WgslLibOptions } from "./fieldlib.ts";

// Public face of compiler/passes: the pass manager and every pass (each registers itself).
// Pipelines are strings: runPipeline(module, "inline,unroll,const-fold,if-to-select,cse,dce", { verifyEach: true }).
export * from "./manager.ts";
export { inlineFunc, inlineCall } from "./inline.ts";
export { unrollFunc, unrollLoop } from "./unroll.ts";
export { constFoldFunc, constOf } from "./const-fold.ts";
export { cseFunc } from "./cse.ts";
export { dceFunc } from "./dce.ts";
export { ifToSelectFunc } from "./if-to-select.ts";
export { rangeLookupFunc, ensureRange8 } from "./range-lookup.ts";
export { stripUnused } from "./strip-unused.ts";

/** The pipeline that flattens a circuit for PLONKish layout: a flat list of field ops and constraints. */
export const CIRCUIT_PIPELINE = "inline,unroll,const-fold,if-to-select,const-fold,cse,dce";

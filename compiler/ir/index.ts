// Public face of CWIR. Data structures (ir.ts), Builder (builder.ts), text form (text.ts),
// op registry and effects (ops.ts), verifier (verify.ts). Reference: spec/ir.md.
export * from "./ir.ts";
export * from "./builder.ts";
export * from "./text.ts";
export * from "./ops.ts";
export * from "./verify.ts";

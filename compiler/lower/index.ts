// Public face of compiler/lower: checked AST → CWIR.
export { lowerProgram, irType, type LowerOptions } from "./lower.ts";

// Public face of the spec model checker.
export type * from "./model.ts";
export { typecheck, showType, channelOf, type SpecProblem } from "./typing.ts";
export type { Ty, Value } from "./types.ts";
export { card, slots, tupleOffsets, valuesOf, indexOf } from "./types.ts";
export { instantiate, canonicalize, SpecRuntimeError, InstantiateError, type Instance, type Transition, type CompiledProperty } from "./compile.ts";
export { checkInstance, checkSafety, selfCompose, type CheckOptions, type CheckResult, type Violation, type TraceStep, type Progress, type System } from "./check.ts";
export { formatViolation, formatSummary, inconclusive, type Locate } from "./report.ts";
export { suggestRepair, type RepairEdit, type RepairOptions, type RepairSearch } from "./repair.ts";
export { exprText, typeText } from "./print.ts";
export { checkParallel } from "./parallel.ts";

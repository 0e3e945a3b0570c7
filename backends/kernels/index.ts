// Public face of the shared kernel lowering: subset check + binding layout (analyze.ts), Montgomery
// limb constants and packing (limbs.ts), the shared structured-control-flow printer (structured.ts), and
// artifact emission for every kernel target (artifact.ts).
export {
  analyzeKernels,
  identifier,
  KERNEL_TARGETS,
  type KernelTarget,
  type KernelInfo,
  type KernelModule,
  type KernelParam,
  type ParamKind,
} from "./analyze.ts";
export {
  type FieldLimbs,
  fieldLimbs,
  toLimbs,
  fromLimbs,
  toMontgomery,
  fromMontgomery,
  packMont,
  unpackMont,
  powExponent,
} from "./limbs.ts";
// Before artifact.ts: the backends it imports extend StructuredPrinter while this module loads.
export { type Slice, type StructuredSyntax, StructuredPrinter, sharedIntExpr, sliceOps, tripCount } from "./structured.ts";
export { emitKernelArtifact, type KernelArtifact } from "./artifact.ts";

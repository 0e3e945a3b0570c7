// Public face of the shared kernel lowering: subset check + binding layout (analyze.ts), Montgomery
// limb constants and packing (runtime/field's field-limbs.ts, re-exported: host loops share them), and the
// shared structured-control-flow printer (structured.ts). Assembling one artifact from the concrete
// backends is tooling/kernels/artifact.ts: a shared layer imports no concrete backend.
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
} from "../../runtime/field/index.ts";
export { type Slice, type StructuredSyntax, StructuredPrinter, sharedIntExpr, sliceOps, tripCount } from "./structured.ts";

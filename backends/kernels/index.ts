// Public face of the shared kernel lowering: subset check + binding layout (analyze.ts) and the shared
// structured-control-flow printer (structured.ts). The Montgomery limb constants and packing the targets
// emit with are runtime data (runtime/field's field-limbs.ts, shared with the host loops). Assembling one
// artifact from the concrete backends is tooling/kernels/artifact.ts: a shared layer imports no concrete backend.
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
export { type Slice, type StructuredSyntax, StructuredPrinter, sharedIntExpr, sliceOps, tripCount } from "./structured.ts";

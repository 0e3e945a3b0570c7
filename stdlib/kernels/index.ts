// Public face of stdlib/kernels: the `.cwl` kernel sources compiled through the front end (ntt.cwl),
// and the MSM kernels, built as CWIR (msm.ts) because they need Jacobian point formulas as helpers.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderAll } from "../../compiler/diagnostics/index.ts";
import type { Module } from "../../compiler/ir/index.ts";
import { compileFile, hasErrors } from "../../compiler/driver/pipeline.ts";
export { msmKernels, msmShape, type MsmShape, MSM_WORKGROUP } from "./msm.ts";
export { jacAdd, jacDouble, type Jac } from "./curve.ts";

export const KERNEL_SOURCE_DIR = dirname(fileURLToPath(import.meta.url));

/** Compiles stdlib/kernels/<name>.cwl (e.g. "ntt") to CWIR; throws with rendered diagnostics on errors (a stdlib bug). */
export function kernelSource(name: string): Module {
  const r = compileFile(join(KERNEL_SOURCE_DIR, `${name}.cwl`));
  if (hasErrors(r.diagnostics) || !r.ir) throw new Error(`stdlib/kernels/${name}.cwl:\n${renderAll(r.diagnostics, (id) => r.fm.get(id))}`);
  return r.ir;
}

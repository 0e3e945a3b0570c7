// The `.cwl` kernel sources of stdlib/kernels (ntt.cwl, msm.cwl with curve.cwl's point formulas) compiled
// through the front end. The MSM shape the host loop uses is runtime data (runtime/gpu/msm-shape.ts),
// re-exported here for the callers that compile the kernels and plan a launch together.
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { renderAll } from "../../base/diagnostics/index.ts";
import type { Module } from "../../compiler/ir/index.ts";
import { compileFile, hasErrors } from "../../compiler/pipeline/index.ts";

export { MSM_LIMITS, type MsmShape, msmShape, defaultSegLen } from "../../runtime/gpu/index.ts";

export const KERNEL_SOURCE_DIR = join(REPO_ROOT, "stdlib", "kernels");

/** Compiles stdlib/kernels/<name>.cwl (e.g. "ntt") to CWIR; throws with rendered diagnostics on errors (a stdlib bug). */
export function kernelSource(name: string): Module {
  const r = compileFile(join(KERNEL_SOURCE_DIR, `${name}.cwl`));
  if (hasErrors(r.diagnostics) || !r.ir) throw new Error(`stdlib/kernels/${name}.cwl:\n${renderAll(r.diagnostics, (id) => r.fm.get(id))}`);
  return r.ir;
}

/** The MSM kernels (stdlib/kernels/msm.cwl, over Bn254Fq); one build serves every shape. */
export function msmKernels(): Module {
  return kernelSource("msm");
}

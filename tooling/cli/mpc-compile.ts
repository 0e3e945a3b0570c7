// The protocol of a .cwl file compiled for SPDZ2k: parse, check, lower, inline/unroll/fold, then
// backends/spdz. Diagnostics come back rendered (file:line:col, message, hint).
import { renderAll } from "../../base/diagnostics/index.ts";
import { FileManager } from "../../base/files/index.ts";
import { compileFile, hasErrors, runPasses } from "../../compiler/pipeline/index.ts";
import { compileSpdz } from "../../backends/spdz/index.ts";
import type { Func } from "../../compiler/ir/index.ts";
import type { MpcProgram } from "../../runtime/mpc/index.ts";

/** The protocol compiled for SPDZ2k, or the rendered diagnostics. */
export function compileProtocol(file: string, entry?: string): { program?: MpcProgram; func?: Func; errors?: string } {
  const fm = new FileManager();
  const render = (ds: Parameters<typeof renderAll>[0]) => renderAll(ds, (id) => fm.get(id), { color: false });
  const r = compileFile(file, { fm });
  if (hasErrors(r.diagnostics) || !r.ir) return { errors: render(r.diagnostics) };
  const ds = runPasses(r.ir, "inline,unroll,const-fold");
  if (hasErrors(ds)) return { errors: render(ds) };
  const c = compileSpdz(r.ir, entry);
  if (!c.program) return { errors: render(c.diagnostics) };
  return { program: c.program, func: r.ir.funcs.find((f) => f.kind === "protocol" && f.name === c.program!.name) };
}

// Shared by the zkVM tests: compile a .cwl program to bytecode and run it next to the interpreter.
import type { Module } from "../../compiler/ir/index.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { run } from "../../compiler/interp/index.ts";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { decode, decodeOutputs, encodeInputs, execute } from "../../runtime/zkvm/index.ts";

export interface Both {
  refused?: string;
  interp: { ok: boolean; outputs: unknown[]; buffers: Record<string, unknown[]> };
  vm: { ok: boolean; outputs: unknown[]; buffers?: Record<string, unknown[]>; instructions: number; error?: string };
}

export function both(path: string, text: string, inputs: Record<string, unknown> | unknown[]): Both {
  const c = compileSource(path, text);
  if (!c.ir) throw new Error(`does not compile: ${c.diagnostics.map((d) => d.message).join("; ")}`);
  return bothIr(c.ir, inputs);
}

/** Runs a CWIR module's program in the interpreter and, when the backend accepts it, in the VM. */
export function bothIr(ir: Module, inputs: Record<string, unknown> | unknown[]): Both {
  const built = buildZkvm(ir);
  const ref = run(ir, { inputs });
  const prog = ir.funcs.find((f) => f.kind === "program");
  const buffers: Record<string, unknown[]> = {};
  ref.buffers.forEach((b, i) => {
    const name = prog?.paramAttrs[i]?.name;
    if (b && prog?.paramAttrs[i]?.access === "read_write" && typeof name === "string") buffers[name] = b.map((x) => (typeof x === "bigint" ? Number(x) : x));
  });
  const interp = { ok: ref.ok, outputs: ref.outputsJson, buffers };
  if (!built.bytes) return { refused: built.diagnostics.map((d) => d.message).join("; "), interp, vm: { ok: false, outputs: [], instructions: 0 } };
  const p = decode(built.bytes);
  if (!("code" in p)) throw new Error(`the backend wrote bytecode its decoder refuses: ${p.message}`);
  const input = encodeInputs(p.sig!, inputs);
  if (typeof input === "string") throw new Error(input);
  const r = execute(p, { input, maxInstructions: 1e8 });
  if (!r.ok) return { interp, vm: { ok: false, outputs: [], instructions: 0, error: r.message } };
  const outs = decodeOutputs(p.sig!, r.output);
  if (typeof outs === "string") throw new Error(outs);
  return { interp, vm: { ok: r.exitCode === 0, outputs: outs.outputs, buffers: outs.buffers, instructions: r.instructions } };
}

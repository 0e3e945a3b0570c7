// The plonkish pipeline: inline (keeping std::hash::poseidon calls for the round gate), unroll,
// if→select, constant folding, CSE, DCE, range checks → lookups; then the layout (lower.ts).
import { type Diagnostic, error } from "../../base/diagnostics/index.ts";
import { type Func, type Module, type Op, verifyModule, walkRegion } from "../../compiler/ir/index.ts";
import { inlineCall, rangeLookupFunc, runPipeline } from "../../compiler/passes/index.ts";
import { run as interpret, type RunResult } from "../../compiler/interp/index.ts";
import type { Witness } from "../../runtime/plonk/index.ts";
import { type PlonkishProgram, WitnessError, lowerCircuit, poseidonArity } from "./lower.ts";

export function pickCircuit(m: Module, entry?: string): Func | Diagnostic {
  const circuits = m.funcs.filter((f) => f.kind === "circuit" && (!entry || f.name === entry));
  if (circuits.length === 1) return circuits[0];
  if (circuits.length === 0) return error("E0643", entry ? `no circuit named '${entry}'` : "the module has no circuit", undefined, "the plonkish target proves `circuit` items");
  return error("E0644", `the module has ${circuits.length} circuits; name one with --entry`, undefined, circuits.map((c) => c.name).join(", "));
}

/** Inlines every fn call except Poseidon hashes (which the round gate implements). */
function inlineExceptPoseidon(m: Module, f: Func): void {
  for (let round = 0; round < 64; round++) {
    const calls: Op[] = [];
    walkRegion(f.body, (op) => {
      const callee = op.symAttr("callee") ?? "";
      if (op.name === "cf.call" && m.func(callee)?.kind === "fn" && poseidonArity(callee) === undefined) calls.push(op);
    });
    if (!calls.length) return;
    for (const c of calls) inlineCall(m, f, c);
  }
}

export interface CompiledCircuit {
  module: Module;
  func: Func;
  program: PlonkishProgram;
}

/** Runs the pipeline on a (copy of the) module and lays the circuit out. */
export function compilePlonkish(m: Module, entry?: string): { compiled?: CompiledCircuit; diagnostics: Diagnostic[] } {
  const picked = pickCircuit(m, entry);
  if (!("kind" in picked && "body" in picked)) return { diagnostics: [picked as Diagnostic] };
  const f = picked as Func;
  inlineExceptPoseidon(m, f);
  const diagnostics = runPipeline(m, "unroll,const-fold,if-to-select,const-fold,cse,dce", { verifyEach: false });
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  rangeLookupFunc(m, f);
  diagnostics.push(...runPipeline(m, "const-fold,dce"));
  const vd = verifyModule(m);
  if (vd.length) return { diagnostics: [...diagnostics, ...vd] };
  const lowered = lowerCircuit(m, f);
  diagnostics.push(...lowered.diagnostics);
  if (!lowered.program) return { diagnostics };
  return { compiled: { module: m, func: f, program: lowered.program }, diagnostics };
}

/**
 * Runs the interpreter on the compiled module and builds the witness. Constraint failures found by
 * the interpreter come back as diagnostics (the MockProver then says which rows they became).
 */
export function witnessFor(c: CompiledCircuit, inputs: Record<string, unknown> | unknown[]): { witness?: Witness; run: RunResult } {
  const run = interpret(c.module, { entry: c.func.name, inputs });
  if (!run.params.length && c.func.args.length) return { run };
  const byArg = new Map(c.func.args.map((a, i) => [a, run.params[i]]));
  try {
    const witness = c.program.witness((v) => byArg.get(v) ?? run.witness.get(v));
    return { witness, run };
  } catch (e) {
    if (!(e instanceof WitnessError)) throw e;
    run.diagnostics.push(error("E0645", `cannot build the witness: ${e.message}`, undefined, "the interpreter stopped before computing this value; fix the errors above"));
    run.ok = false;
    return { run };
  }
}

// runtime/plonk's pool task (run in a worker of runtime/pool): the combined constraint program over a
// range of the extended domain, written into the shared result. One WASM instance per worker: its memory,
// grown to the program's working set, is reused by later proofs.
import { WasmInstance, type CompiledModule } from "../field/index.ts";
import { runCombinedProgram, type CombinedProgram } from "./evaluator.ts";

export interface QuotientJob {
  /** BN254 Fr's field module (runtime/field fieldModule). */
  compiled: { module: CompiledModule; constEnd: number };
  program: CombinedProgram;
  /** Extended columns in shared memory (Montgomery limbs), indexed like the program's columns. */
  columns: Uint32Array[];
  y: bigint;
  periodic: bigint[] | readonly bigint[];
  /** Points [from, to) of the extended domain, written into `out`. */
  from: number;
  to: number;
  out: Uint32Array;
}

let instance: WasmInstance | undefined;

export function quotientEval(j: QuotientJob): void {
  instance ??= new WasmInstance(j.compiled.module, j.compiled.constEnd);
  runCombinedProgram(instance, j.program, j.columns, j.y, j.periodic, j.from, j.to, j.out);
}

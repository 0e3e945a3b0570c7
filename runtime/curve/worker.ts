// Worker side of the runtime pool: MSM tasks on a bn254 instance, four-step NTT slices on per-field engines,
// ranges of runtime/plonk's quotient program on one BN254 Fr field instance.
// Work arrives with shared buffers (SharedArrayBuffer views), so inputs and outputs are never copied.
import { parentPort, workerData } from "node:worker_threads";
import { NAMED_FIELDS, PrimeField, WasmInstance, type CompiledModule } from "../field/index.ts";
import { runMsmTask } from "./msm-task.ts";
import { fourStepColumns, fourStepRows, NttEngine } from "./ntt-fast.ts";
import type { WorkerRequest } from "./pool.ts";
import { runCombinedProgram } from "../plonk/evaluator.ts";

const { module, constEnd } = workerData as { module: CompiledModule; constEnd: number };
let msmInstance: WasmInstance | undefined;
let quotientInstance: WasmInstance | undefined;
const engines = new Map<string, NttEngine>();

function engineFor(p: bigint, compiled: { module: CompiledModule; constEnd: number }): NttEngine {
  let e = engines.get(p.toString());
  if (!e) {
    const field = Object.values(NAMED_FIELDS).find((f) => f.p === p) ?? new PrimeField(p);
    engines.set(p.toString(), (e = new NttEngine(field, compiled)));
  }
  return e;
}

parentPort!.on("message", (req: WorkerRequest) => {
  try {
    if (req.kind === "msm") {
      msmInstance ??= new WasmInstance(module, constEnd);
      const result = runMsmTask(msmInstance, req.task);
      parentPort!.postMessage({ result }, [result.buffer as ArrayBuffer]);
      return;
    }
    if (req.kind === "quotient-eval") {
      // One instance per worker: its memory, grown to the program's working set, is reused by later proofs.
      quotientInstance ??= new WasmInstance(req.compiled.module, req.compiled.constEnd);
      runCombinedProgram(quotientInstance, req.program, req.columns, req.y, req.periodic, req.from, req.to, req.out);
      parentPort!.postMessage({ result: new Uint32Array(0) });
      return;
    }
    const e = engineFor(req.p, req.compiled);
    if (req.kind === "ntt-columns") fourStepColumns(e, req.data, req.logN, req.inverse, req.coset, req.from, req.to);
    else fourStepRows(e, req.data, req.out!, req.logN, req.inverse, req.coset, req.from, req.to);
    parentPort!.postMessage({ result: new Uint32Array(0) });
  } catch (err) {
    parentPort!.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
});

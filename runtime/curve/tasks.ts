// runtime/curve's pool tasks (run in a worker of runtime/pool): MSM tasks on a BN254 instance, four-step
// NTT slices on per-field engines. Each worker keeps its instance and engines for later jobs. The callers
// (msm.ts, ntt.ts) address this module as new URL("./tasks.ts", import.meta.url).
import { NAMED_FIELDS, PrimeField, WasmInstance, type CompiledModule } from "../field/index.ts";
import { runMsmTask, type MsmTask } from "./msm-task.ts";
import { fourStepColumns, fourStepRows, NttEngine } from "./ntt-fast.ts";

type Compiled = { module: CompiledModule; constEnd: number };

export interface MsmJob {
  /** The BN254 module (runtime/curve/wasm bn254Module); compiled once, instantiated once per worker. */
  compiled: Compiled;
  task: MsmTask;
}

export interface NttSliceJob {
  p: bigint;
  compiled: Compiled;
  data: Uint32Array;
  out?: Uint32Array;
  logN: number;
  inverse: boolean;
  coset: bigint | undefined;
  from: number;
  to: number;
}

let msmInstance: WasmInstance | undefined;
const engines = new Map<string, NttEngine>();

function engineFor(p: bigint, compiled: Compiled): NttEngine {
  let e = engines.get(p.toString());
  if (!e) {
    const field = Object.values(NAMED_FIELDS).find((f) => f.p === p) ?? new PrimeField(p);
    engines.set(p.toString(), (e = new NttEngine(field, compiled)));
  }
  return e;
}

export function msm(job: MsmJob): Uint32Array {
  msmInstance ??= new WasmInstance(job.compiled.module, job.compiled.constEnd);
  return runMsmTask(msmInstance, job.task);
}

export function nttColumns(j: NttSliceJob): void {
  fourStepColumns(engineFor(j.p, j.compiled), j.data, j.logN, j.inverse, j.coset, j.from, j.to);
}

export function nttRows(j: NttSliceJob): void {
  fourStepRows(engineFor(j.p, j.compiled), j.data, j.out!, j.logN, j.inverse, j.coset, j.from, j.to);
}

// A lazily started pool of worker threads (MSM tasks, NTT slices, and ranges of runtime/plonk's quotient program). The worker body is TypeScript loaded by
// worker.mjs through tsx's API, which works from plain node, the CLI and vitest alike. Busy workers are ref'd
// (the process waits for them); idle ones are unref'd so that they never keep a process alive.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { CompiledModule } from "../field/index.ts";
import type { MsmTask } from "./msm-task.ts";
import type { CombinedProgram } from "../plonk/evaluator.ts";
import { bn254Module } from "./wasm/modules.ts";

export type WorkerRequest =
  | { kind: "msm"; task: MsmTask }
  | {
      kind: "ntt-columns" | "ntt-rows";
      p: bigint;
      compiled: { module: CompiledModule; constEnd: number };
      data: Uint32Array;
      out?: Uint32Array;
      logN: number;
      inverse: boolean;
      coset: bigint | undefined;
      from: number;
      to: number;
    }
  | {
      /** runtime/plonk's combined constraint program over the extended points [from, to), written into `out`. */
      kind: "quotient-eval";
      compiled: { module: CompiledModule; constEnd: number };
      program: CombinedProgram;
      /** Extended columns in shared memory (Montgomery limbs), indexed like the program's columns. */
      columns: Uint32Array[];
      y: bigint;
      periodic: bigint[] | readonly bigint[];
      from: number;
      to: number;
      out: Uint32Array;
    };

interface Job {
  req: WorkerRequest;
  resolve: (r: Uint32Array) => void;
  reject: (e: Error) => void;
}

class PoolWorker {
  readonly worker: Worker;
  private job: Job | undefined;
  constructor(compiled: { module: CompiledModule; constEnd: number }, onIdle: (w: PoolWorker) => void, onDead: (w: PoolWorker) => void) {
    this.worker = new Worker(new URL("./worker.mjs", import.meta.url), { execArgv: [], workerData: compiled });
    this.worker.unref();
    this.worker.on("message", (r: { result?: Uint32Array; error?: string }) => {
      const job = this.job!;
      this.job = undefined;
      this.worker.unref();
      if (r.error !== undefined) job.reject(new Error(`runtime worker: ${r.error}`));
      else job.resolve(r.result!);
      onIdle(this);
    });
    this.worker.on("error", (e) => {
      const job = this.job;
      this.job = undefined;
      onDead(this);
      job?.reject(e instanceof Error ? e : new Error(String(e)));
    });
  }
  start(job: Job): void {
    this.job = job;
    this.worker.ref();
    this.worker.postMessage(job.req);
  }
}

export class Pool {
  private readonly idle: PoolWorker[] = [];
  private readonly queue: Job[] = [];
  private size = 0;
  constructor(public maxSize: number) {}

  run(req: WorkerRequest): Promise<Uint32Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.pump();
    });
  }
  private pump(): void {
    while (this.queue.length) {
      let w = this.idle.pop();
      if (!w && this.size < this.maxSize) {
        w = new PoolWorker(
          bn254Module(),
          (x) => {
            this.idle.push(x);
            this.pump();
          },
          () => this.size--,
        );
        this.size++;
      }
      if (!w) return;
      w.start(this.queue.shift()!);
    }
  }
}

let pool: Pool | undefined;

/** Default thread count: the machine's available parallelism. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/** The shared pool, grown to at least `threads` workers. */
export function getPool(threads: number): Pool {
  pool ??= new Pool(defaultThreads());
  pool.maxSize = Math.max(pool.maxSize, threads);
  return pool;
}

// A lazily started pool of worker threads, one for all of the runtime's parallel work (runtime/curve's MSM
// tasks and NTT slices, runtime/plonk's quotient ranges, and whatever comes next). A job names a task: a
// function exported by a task module, addressed by the module's URL (`poolTask`), which the worker imports
// on first use and keeps, module state included (WASM instances, NTT engines). The pool imports no task
// module, so every runtime folder can use it without a cycle. The worker body is TypeScript loaded by
// worker.mjs through tsx's API, which works from plain node, the CLI bundle and vitest alike. Busy workers
// are ref'd (the process waits for them); idle ones are unref'd so that they never keep a process alive.
// Work travels in shared buffers (SharedArrayBuffer views), so inputs and outputs are never copied.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";

/**
 * A function `name(args)` exported by the module at `module` (a URL). What it returns comes back
 * structured-cloned, the buffers of its typed arrays (at the top or one level down) transferred unless shared.
 */
export interface PoolTask<A, R = Uint32Array> {
  readonly module: string;
  readonly name: string;
  /** Type-only: the argument the task takes and what it returns. */
  readonly types?: (args: A) => R;
}

/**
 * The task `name` of the module at `module`. Pass a literal path relative to the calling file,
 * `new URL("./x-task.ts", import.meta.url)`, never the task module's own `import.meta.url`: bundles
 * (scripts/build-cli.mjs, scripts/device-gpu.sh) keep the former pointing at the file they load, while
 * the latter would name the bundle itself.
 */
export function poolTask<A, R = Uint32Array>(module: URL, name: string): PoolTask<A, R> {
  return { module: module.href, name };
}

/** What a worker receives: the task's address and its argument (structured-cloned; shared buffers stay shared). */
export interface PoolRequest {
  module: string;
  name: string;
  args: unknown;
}

interface Job {
  req: PoolRequest;
  transfer: ArrayBuffer[];
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
}

class PoolWorker {
  readonly worker: Worker;
  private job: Job | undefined;
  constructor(onIdle: (w: PoolWorker) => void, onDead: (w: PoolWorker) => void) {
    this.worker = new Worker(new URL("./worker.mjs", import.meta.url), { execArgv: [] });
    this.worker.unref();
    this.worker.on("message", (r: { result?: unknown; error?: string }) => {
      const job = this.job!;
      this.job = undefined;
      this.worker.unref();
      if (r.error !== undefined) job.reject(new Error(`runtime worker: ${r.error}`));
      else job.resolve(r.result);
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
    this.worker.postMessage(job.req, job.transfer);
  }
}

export class Pool {
  private readonly idle: PoolWorker[] = [];
  private readonly queue: Job[] = [];
  private size = 0;
  constructor(public maxSize: number) {}

  /**
   * Runs `task(args)` on the next free worker; resolves to what it returned (an empty Uint32Array for
   * nothing). `transfer` lists buffers of `args` to move instead of copying (the caller loses them).
   */
  run<A, R>(task: PoolTask<A, R>, args: A, transfer: ArrayBuffer[] = []): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { module: task.module, name: task.name, args }, transfer, resolve: resolve as (r: unknown) => void, reject });
      this.pump();
    });
  }
  private pump(): void {
    while (this.queue.length) {
      let w = this.idle.pop();
      if (!w && this.size < this.maxSize) {
        w = new PoolWorker(
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

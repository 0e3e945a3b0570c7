// A lazily started pool of worker threads, one for all of the runtime's parallel work (runtime/curve's MSM
// tasks and NTT slices, runtime/plonk's quotient ranges, and whatever comes next). A job names a task: a
// function exported by a task module, addressed by the module's URL (`poolTask`), which the worker imports
// on first use and keeps, module state included (WASM instances, NTT engines). The pool imports no task
// module, so every runtime folder can use it without a cycle. The worker body is TypeScript loaded by
// worker.mjs through tsx's API, which works from plain node, the CLI bundle and vitest alike. Busy workers
// are ref'd (the process waits for them); idle ones are unref'd so that they never keep a process alive.
// Work travels in shared buffers (SharedArrayBuffer views), so inputs and outputs are never copied.
// A task that must talk with its caller while it runs (an execution lane answering state reads, runtime/exec)
// is opened as a channel instead (`Pool.open`): the same worker body on a worker of its own, with a
// message port for as long as the task runs.
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
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
  transfer: (ArrayBuffer | MessagePort)[];
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
}

class PoolWorker {
  readonly worker: Worker;
  private job: Job | undefined;
  private dead = false;
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
    // A worker that dies (an uncaught error, or terminated) fails the job it was running instead of
    // leaving it pending; "error" is followed by "exit", and the pool hears of the death once.
    const die = (e: Error) => {
      const job = this.job;
      this.job = undefined;
      if (!this.dead) onDead(this);
      this.dead = true;
      job?.reject(e);
    };
    this.worker.on("error", (e) => die(e instanceof Error ? e : new Error(String(e))));
    this.worker.on("exit", (code) => die(new Error(`runtime worker exited (${code})`)));
  }
  start(job: Job): void {
    this.job = job;
    this.worker.ref();
    this.worker.postMessage(job.req, job.transfer as ArrayBuffer[]);
  }
}

/** A task opened with `Pool.open`, running on its own worker until it returns or the channel is closed. */
export interface PoolChannel<R> {
  /** This end of the task's message port (the task got the other as `args.port`). */
  readonly port: MessagePort;
  /** What the task returned; rejects when it threw, or its worker died or was closed first. */
  readonly done: Promise<R>;
  /**
   * While ref'd, the channel's worker and port keep the process alive. A channel starts unref'd, so an
   * idle one never holds a process open; ref it around a conversation whose answer is awaited.
   */
  ref(): void;
  unref(): void;
  /** Ends the task's worker (a task still running is cut off, and `done` rejects). */
  close(): Promise<void>;
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
  run<A, R>(task: PoolTask<A, R>, args: A, transfer: (ArrayBuffer | MessagePort)[] = []): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { module: task.module, name: task.name, args }, transfer, resolve: resolve as (r: unknown) => void, reject });
      this.pump();
    });
  }
  /**
   * Starts `task({ ...args, port })` on a worker of its own, outside `maxSize` (short jobs never queue
   * behind a long-lived task, nor it behind them), and returns the other end of `port`. The worker is
   * the pool's (same body, same task loading) and ends with the channel.
   */
  open<A extends object, R = unknown>(task: PoolTask<A & { port: MessagePort }, R>, args: A): PoolChannel<R> {
    const { port1, port2 } = new MessageChannel();
    let settle!: { resolve: (r: unknown) => void; reject: (e: Error) => void };
    const done = new Promise<R>((resolve, reject) => (settle = { resolve: resolve as (r: unknown) => void, reject }));
    // Nobody need await `done` (closing rejects it): a rejection nobody handles is not an error here.
    done.catch(() => {});
    const w = new PoolWorker(
      () => void w.worker.terminate(),
      () => port1.close(),
    );
    w.start({ req: { module: task.module, name: task.name, args: { ...args, port: port2 } }, transfer: [port2], ...settle });
    w.worker.unref();
    port1.unref();
    return {
      port: port1,
      done,
      ref: () => {
        w.worker.ref();
        port1.ref();
      },
      unref: () => {
        w.worker.unref();
        port1.unref();
      },
      close: async () => {
        port1.close();
        await w.worker.terminate();
      },
    };
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

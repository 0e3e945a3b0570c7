import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, threadId, Worker, type MessagePort } from "node:worker_threads";

// Assembles WAT parts into one module, validates and optimises it with binaryen, and caches the compiled
// WebAssembly.Module per process (and the binary on disk). Nothing is checked in: the text is generated from the moduli at run time.
// Memory layout: [0, constEnd) constants and scratch declared by the parts (a data segment), then a heap
// handed out by WasmInstance.alloc (a bump allocator reset between operations).

/** Reserves `bytes.length` bytes (64-byte aligned) of constant/scratch memory initialised to `bytes`. */
export type ConstAlloc = (bytes: Uint8Array) => number;

export interface WatPart {
  code: string;
  /** Function names (without `$`) to export. */
  exports: string[];
}

export type PartBuilder = (alloc: ConstAlloc) => WatPart;

// tsconfig's lib has no WebAssembly declarations; these are the few members the runtime touches.
/** A compiled module (structured-cloneable to worker threads). */
export type CompiledModule = { readonly __compiledWasmModule: unique symbol };
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => CompiledModule;
  Instance: new (m: CompiledModule, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const compiled = new Map<string, { module: CompiledModule; constEnd: number }>();

function hexData(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += "\\" + b.toString(16).padStart(2, "0");
  return s;
}

/** Assembled WAT text of a module (exposed for tests and debugging). */
export function assembleWat(builders: PartBuilder[]): { wat: string; constEnd: number } {
  let top = 64; // address 0 stays unused so that 0 can mean "no pointer"
  const segments: string[] = [];
  const alloc: ConstAlloc = (bytes) => {
    const at = top;
    if (bytes.some((b) => b !== 0)) segments.push(`(data (i32.const ${at}) "${hexData(bytes)}")`);
    top = at + Math.ceil(Math.max(bytes.length, 1) / 64) * 64;
    return at;
  };
  const parts = builders.map((b) => b(alloc));
  const constEnd = top;
  const pages = Math.ceil(constEnd / 65536) + 1;
  const wat = `(module
(memory (export "memory") ${pages} 65536)
${segments.join("\n")}
${parts.map((p) => p.code).join("\n")}
${parts.flatMap((p) => p.exports.map((e) => `(export "${e}" (func $${e}))`)).join("\n")}
)`;
  return { wat, constEnd };
}

/** Where optimised binaries are cached between processes (never checked in): $CWL_WASM_CACHE or node_modules/.cache. */
function cacheDir(): string {
  return process.env.CWL_WASM_CACHE ?? join(dirname(fileURLToPath(import.meta.url)), "../../../node_modules/.cache/chainweave-wasm");
}

/**
 * binaryen settings (part of the cache key). -O3 compiled several times slower and ran no faster in V8.
 * Inlining the small field helpers (add, sub, copy, iszero, eq) into the curve code, whose calls V8 does not
 * inline, measured 13% faster batch additions and 7% faster bucket reductions.
 */
const BUILD_OPTIONS = { level: 2, alwaysInline: 40, flexibleInline: 150 };

let service: { worker: Worker; port: MessagePort; flag: Int32Array } | undefined;

/** Runs binaryen (parse, validate, -O2, emit) synchronously from the caller's view, in a helper thread. */
function binaryenCompile(wat: string): Uint8Array {
  if (!service) {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL("./binaryen-worker.mjs", import.meta.url), {
      execArgv: [],
      workerData: { port: port2, flag },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    service = { worker, port: port1, flag };
  }
  const { port, flag } = service;
  Atomics.store(flag, 0, 0);
  port.postMessage({ wat, opts: BUILD_OPTIONS });
  while (Atomics.wait(flag, 0, 0, 120_000) === "timed-out") {
    throw new Error("internal: binaryen helper thread did not answer within 120 s");
  }
  const msg = receiveMessageOnPort(port)?.message as { binary?: Uint8Array; error?: string } | undefined;
  if (!msg?.binary) throw new Error(`internal: binaryen failed: ${msg?.error ?? "no reply"}`);
  return msg.binary;
}

/**
 * Compiles (once per key and process) the module made of `builders`. The optimised binary is cached on disk
 * by the SHA-256 of its WAT text and build options, so binaryen only runs when either changes.
 */
export function compileModule(key: string, builders: PartBuilder[]): { module: CompiledModule; constEnd: number } {
  // A key always names the same builders: once compiled, the module is returned without generating its text
  // again (≈ 5 ms for the MSM module, which every MSM hands to its workers).
  const done = compiled.get(key);
  if (done) return done;
  const { wat, constEnd } = assembleWat(builders);
  let mod: CompiledModule | undefined;
  const hash = createHash("sha256").update(JSON.stringify(BUILD_OPTIONS)).update(wat).digest("hex").slice(0, 32);
  const file = join(cacheDir(), `${hash}.wasm`);
  let binary: Uint8Array | undefined;
  if (existsSync(file)) {
    try {
      binary = readFileSync(file);
      mod = new WA.Module(binary);
    } catch {
      mod = undefined;
    }
  }
  if (!mod) {
    binary = binaryenCompile(wat);
    mod = new WA.Module(binary);
    try {
      mkdirSync(cacheDir(), { recursive: true });
      const tmp = `${file}.${process.pid}.${threadId}.tmp`;
      writeFileSync(tmp, binary);
      renameSync(tmp, file);
    } catch {
      // A read-only tree only costs a rebuild next time.
    }
  }
  const entry = { module: mod, constEnd };
  compiled.set(key, entry);
  return entry;
}

/** One instance with its own memory and a bump allocator over the heap. */
export class WasmInstance {
  readonly exports: Record<string, (...args: number[]) => number>;
  readonly memory: WasmMemory;
  private readonly constEnd: number;
  private heapStart: number;
  private top: number;

  constructor(module: CompiledModule, constEnd: number) {
    const inst = new WA.Instance(module, {});
    this.exports = inst.exports as unknown as Record<string, (...args: number[]) => number>;
    this.memory = inst.exports.memory as WasmMemory;
    this.constEnd = constEnd;
    this.heapStart = constEnd;
    this.top = constEnd;
  }

  /** Keeps everything allocated so far across reset() (e.g. twiddle tables). */
  pin(): void {
    this.heapStart = this.top;
  }
  /** Drops the pinned region: the next reset() frees everything. */
  unpin(): void {
    this.heapStart = this.constEnd;
  }

  /** Resets the heap (all previous allocations become invalid). */
  reset(): void {
    this.top = this.heapStart;
  }
  /** Current heap mark, to release later allocations with `release(mark)`. */
  mark(): number {
    return this.top;
  }
  release(mark: number): void {
    this.top = mark;
  }
  /** Allocates `bytes` (64-byte aligned), growing memory as needed. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = at + Math.ceil(bytes / 64) * 64;
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / 65536));
    return at;
  }
  u32(ptr: number, words: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, ptr, words);
  }
  i32(ptr: number, words: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, words);
  }
  /** Copies words into a fresh allocation and returns its address. */
  put(words: Uint32Array): number {
    const p = this.alloc(words.length * 4);
    this.u32(p, words.length).set(words);
    return p;
  }
}

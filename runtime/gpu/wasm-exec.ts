// Runs emitted WASM kernels (the CPU reference path) behind the same executor interface as WGSL/HLS.
// Buffers are bump-allocated in the instance's linear memory above `heap_base` (freed all at once).
import type { WasmOutput } from "./artifacts.ts";
import { type DeviceBuffer, type KernelArg, type KernelExecutor, isBuffer } from "./executor.ts";

// tsconfig's lib has no WebAssembly declarations; these are the members used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
const WA = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object, imports: object) => WasmInstance } }).WebAssembly;

export class WasmExecutor implements KernelExecutor {
  readonly description = "wasm (binaryen, one thread)";
  private instance: WasmInstance;
  private memory: WasmMemory;
  private top: number;
  private addrs = new Map<number, number>();
  private nextId = 0;

  constructor(private out: WasmOutput) {
    this.instance = new WA.Instance(new WA.Module(out.binary), {});
    this.memory = this.instance.exports.memory as WasmMemory;
    this.top = out.heapBase;
  }

  alloc(words: number): DeviceBuffer {
    const addr = Math.ceil(this.top / 64) * 64;
    const end = addr + words * 4;
    if (end > 0xffff0000) throw new RangeError(`wasm: ${words} words exceed the 4 GiB address space (stream in chunks)`);
    const need = Math.ceil(end / 65536) - this.memory.buffer.byteLength / 65536;
    if (need > 0) this.memory.grow(need);
    this.top = end;
    const id = this.nextId++;
    this.addrs.set(id, addr);
    return { id, words };
  }
  private addr(b: DeviceBuffer): number {
    const a = this.addrs.get(b.id);
    if (a === undefined) throw new RangeError(`buffer ${b.id} was freed or belongs to another executor`);
    return a;
  }
  write(b: DeviceBuffer, data: Uint32Array, offsetWords = 0): void {
    new Uint32Array(this.memory.buffer, this.addr(b) + offsetWords * 4, data.length).set(data);
  }
  async read(b: DeviceBuffer, words = b.words, offsetWords = 0): Promise<Uint32Array> {
    return new Uint32Array(this.memory.buffer, this.addr(b) + offsetWords * 4, words).slice();
  }
  launch(kernel: string, threads: number, args: readonly KernelArg[]): void {
    const fn = this.instance.exports[kernel] as ((...a: number[]) => void) | undefined;
    const k = this.out.kernels.find((x) => x.name === kernel);
    if (!fn || !k) throw new RangeError(`no kernel \`${kernel}\``);
    if (args.length !== k.params.length) throw new RangeError(`kernel ${kernel} takes ${k.params.length} arguments, got ${args.length}`);
    const flat: number[] = [threads];
    args.forEach((a) => {
      if (isBuffer(a)) flat.push(this.addr(a), a.words);
      else flat.push(a | 0);
    });
    // A field buffer's length is in elements, as `mem.len` reports on every target.
    let i = 1;
    k.params.forEach((p) => {
      if (p.kind === "scalar") i += 1;
      else {
        if (p.kind === "fbuf") flat[i + 1] = Math.floor(flat[i + 1] / 8);
        i += 2;
      }
    });
    fn(...flat);
  }
  async finish(): Promise<void> {}
  free(b: DeviceBuffer): void {
    this.addrs.delete(b.id);
    if (this.addrs.size === 0) this.top = this.out.heapBase;
  }
  dispose(): void {
    this.addrs.clear();
  }
}

// WebGPU host on the `webgpu` npm package (Dawn). On machines without a GPU, Dawn runs on Mesa
// lavapipe (CPU Vulkan); `openGpu` reports which adapter it got, or why there is none, never throws.
import { availableParallelism } from "node:os";
import { create, globals } from "webgpu";
import type { WgslKernel } from "./artifacts.ts";
import { type DeviceBuffer, type KernelArg, type KernelExecutor, isBuffer } from "./executor.ts";

export interface GpuInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True on a CPU implementation (lavapipe/llvmpipe/SwiftShader): correct, but timings say nothing about GPUs. */
  software: boolean;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export interface Gpu {
  device: GPUDevice;
  info: GpuInfo;
}

/**
 * The dawn.node instance must stay referenced while any device from it is in use: once collected, its
 * worker threads are torn down under running work and the process aborts (futex/mutex errors).
 */
let instance: GPU | undefined;
/** The live dawn.node instance (undefined before openGpu succeeds). */
export function gpuInstance(): GPU | undefined {
  return instance;
}
let cached: Promise<Gpu | { reason: string }> | undefined;

/** Opens (once per process) the default WebGPU adapter and device, or explains why none is available. */
export function openGpu(): Promise<Gpu | { reason: string }> {
  cached ??= (async () => {
    // Hides every adapter (tests of the no-GPU paths on machines that have one, lavapipe included).
    if (process.env.CWL_NO_GPU) return { reason: "no WebGPU adapter (CWL_NO_GPU is set)" };
    try {
      // lavapipe sizes its thread pool from the host's CPU count, not the cgroup's; with too many
      // threads for the container it aborts ("futex facility returned an unexpected error code").
      process.env.LP_NUM_THREADS ??= String(Math.min(16, availableParallelism()));
      // lavapipe's LLVM optimization passes take most of a point-arithmetic shader's compile time (tens of
      // seconds each); without them compiles are several times faster and runs on small inputs barely
      // slower. Mesa's software drivers alone read this; set GALLIVM_PERF= (empty) to keep the passes.
      process.env.GALLIVM_PERF ??= "nopt";
      Object.assign(globalThis, globals);
      const gpu = create([]);
      instance = gpu;
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { reason: "no WebGPU adapter (install Mesa ≥ 24 lavapipe or a GPU driver: npm run setup:toolchains)" };
      const lim = adapter.limits;
      const device = await adapter.requestDevice({
        requiredLimits: {
          maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
          maxBufferSize: lim.maxBufferSize,
          maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage,
          maxComputeWorkgroupsPerDimension: lim.maxComputeWorkgroupsPerDimension,
        },
      });
      const ai = adapter.info;
      const text = `${ai.vendor} ${ai.architecture} ${ai.device} ${ai.description}`.toLowerCase();
      const info: GpuInfo = {
        vendor: ai.vendor,
        architecture: ai.architecture,
        device: ai.device,
        description: ai.description,
        software: /llvmpipe|lavapipe|swiftshader|software|cpu/.test(text),
        maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
        maxBufferSize: lim.maxBufferSize,
      };
      return { device, info };
    } catch (e) {
      return { reason: `WebGPU unavailable: ${(e as Error).message}` };
    }
  })();
  return cached;
}

export function gpuLabel(info: GpuInfo): string {
  const name = info.description || info.device || info.vendor || "unknown adapter";
  return info.software ? `${name} (software Vulkan on the CPU — not a GPU)` : name;
}

interface Entry {
  kernel: WgslKernel;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

/** Runs emitted WGSL kernels on a WebGPU device. */
export class WebGpuExecutor implements KernelExecutor {
  readonly description: string;
  private buffers = new Map<number, GPUBuffer>();
  private nextId = 0;
  private entries = new Map<string, Entry>();
  private encoder: GPUCommandEncoder | undefined;
  private pendingUniforms: GPUBuffer[] = [];
  private launchesInEncoder = 0;
  /** Bind groups of queued launches: held until the queue drains (a collected one crashes Dawn's node binding). */
  private keepAlive: GPUBindGroup[] = [];

  constructor(
    private gpu: Gpu,
    private kernels: readonly WgslKernel[],
  ) {
    this.description = `wgsl on ${gpuLabel(gpu.info)}`;
  }

  private get device(): GPUDevice {
    return this.gpu.device;
  }

  private entry(name: string): Entry {
    let e = this.entries.get(name);
    if (!e) {
      const kernel = this.kernels.find((k) => k.name === name);
      if (!kernel) throw new RangeError(`no kernel \`${name}\` (have ${this.kernels.map((k) => k.name).join(", ")})`);
      const module = this.device.createShaderModule({ code: kernel.code });
      const layout = this.device.createBindGroupLayout({
        entries: kernel.bindings.map((b) => ({
          binding: b.binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: b.type === "uniform" ? "uniform" : b.access === "read" ? "read-only-storage" : "storage" },
        })),
      });
      const pipeline = this.device.createComputePipeline({
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: kernel.entry },
      });
      e = { kernel, pipeline, layout };
      this.entries.set(name, e);
    }
    return e;
  }

  /** Compiles every kernel now; returns the shader compiler's errors (empty when all compiled). */
  async compileAll(): Promise<string[]> {
    const errs: string[] = [];
    for (const k of this.kernels) {
      this.device.pushErrorScope("validation");
      this.entry(k.name);
      const err = await this.device.popErrorScope();
      if (err) errs.push(`${k.name}: ${err.message}`);
    }
    return errs;
  }

  alloc(words: number): DeviceBuffer {
    const size = Math.max(16, Math.ceil((words * 4) / 16) * 16);
    const buf = this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const id = this.nextId++;
    this.buffers.set(id, buf);
    return { id, words };
  }

  private buf(b: DeviceBuffer): GPUBuffer {
    const g = this.buffers.get(b.id);
    if (!g) throw new RangeError(`buffer ${b.id} was freed or belongs to another executor`);
    return g;
  }

  write(b: DeviceBuffer, data: Uint32Array, offsetWords = 0): void {
    this.flush();
    // Dawn's writeBuffer takes no SharedArrayBuffer (runtime/curve packs points and scalars into shared memory for its workers).
    if (typeof SharedArrayBuffer !== "undefined" && data.buffer instanceof SharedArrayBuffer) data = data.slice();
    this.device.queue.writeBuffer(this.buf(b), offsetWords * 4, data.buffer, data.byteOffset, data.byteLength);
  }

  async read(b: DeviceBuffer, words = b.words, offsetWords = 0): Promise<Uint32Array> {
    this.flush();
    const size = Math.ceil((words * 4) / 4) * 4;
    const staging = this.device.createBuffer({ size: Math.max(4, size), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(this.buf(b), offsetWords * 4, staging, 0, size);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return out.subarray(0, words);
  }

  launch(name: string, threads: number, args: readonly KernelArg[]): void {
    const { kernel, pipeline, layout } = this.entry(name);
    if (args.length !== kernel.params.length)
      throw new RangeError(`kernel ${name} takes ${kernel.params.length} arguments, got ${args.length}`);
    if (threads <= 0) return;
    const entries: GPUBindGroupEntry[] = [];
    for (const b of kernel.bindings) {
      if (b.type === "uniform") {
        const words = new Uint32Array(Math.ceil(b.elemWords / 4) * 4);
        words[0] = threads;
        b.params.forEach((pi, i) => {
          const a = args[pi];
          if (isBuffer(a)) throw new TypeError(`kernel ${name}: parameter ${kernel.params[pi].name} is a u32, got a buffer`);
          words[i + 1] = a >>> 0;
        });
        const ubuf = this.device.createBuffer({ size: words.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
        this.device.queue.writeBuffer(ubuf, 0, words);
        this.pendingUniforms.push(ubuf);
        entries.push({ binding: b.binding, resource: { buffer: ubuf } });
      } else {
        const a = args[b.params[0]];
        if (!isBuffer(a)) throw new TypeError(`kernel ${name}: parameter ${b.name} is a buffer, got ${a}`);
        entries.push({ binding: b.binding, resource: { buffer: this.buf(a) } });
      }
    }
    const groups = Math.ceil(threads / kernel.workgroup);
    const maxX = 65535;
    const x = Math.min(groups, maxX);
    const y = Math.ceil(groups / x);
    // Queue writes (uniforms) are ordered before the next submit, so each launch gets its own encoder pass.
    this.encoder ??= this.device.createCommandEncoder();
    const pass = this.encoder.beginComputePass();
    pass.setPipeline(pipeline);
    const group = this.device.createBindGroup({ layout, entries });
    this.keepAlive.push(group);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    if (++this.launchesInEncoder >= 64) this.flush();
  }

  private flush(): void {
    if (!this.encoder) return;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = undefined;
    this.launchesInEncoder = 0;
  }

  async finish(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    for (const u of this.pendingUniforms) u.destroy();
    this.pendingUniforms = [];
    this.keepAlive = [];
  }

  free(b: DeviceBuffer): void {
    this.buffers.get(b.id)?.destroy();
    this.buffers.delete(b.id);
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
  }
}

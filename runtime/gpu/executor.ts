// One host-side interface over every kernel target: WGSL on a WebGPU device, HLS C simulation (g++),
// and WASM. Host loops (ntt.ts, msm.ts) are written once against it, so the same stage sequence runs
// — and is tested — on all three targets.

/** A device buffer of u32 words. */
export interface DeviceBuffer {
  readonly id: number;
  readonly words: number;
}

export type KernelArg = DeviceBuffer | number;

export interface KernelExecutor {
  /** e.g. "wgsl on llvmpipe (lavapipe, CPU Vulkan)", "hls csim (g++)", "wasm". */
  readonly description: string;
  alloc(words: number): DeviceBuffer;
  write(buf: DeviceBuffer, data: Uint32Array, offsetWords?: number): void;
  read(buf: DeviceBuffer, words?: number, offsetWords?: number): Promise<Uint32Array>;
  /** Runs `threads` invocations of `kernel` (global ids 0..threads−1); args follow the kernel's parameters. */
  launch(kernel: string, threads: number, args: readonly KernelArg[]): void;
  /** Waits until every launch so far has finished. */
  finish(): Promise<void>;
  free(buf: DeviceBuffer): void;
  dispose(): void;
}

export function isBuffer(a: KernelArg): a is DeviceBuffer {
  return typeof a === "object";
}

// The kernel artifacts the executors load, as data: backends/wgsl and backends/wasm emit these shapes,
// and the runtime runs them without importing a backend.

/** One kernel parameter: a field-element buffer, a u32 buffer, or a scalar (u32 or field element). */
export interface KernelParamInfo {
  name: string;
  kind: "fbuf" | "ubuf" | "scalar";
  field?: string;
}

export interface WgslBinding {
  binding: number;
  name: string;
  /** "storage" (read or read_write) or "uniform" (the scalar parameter block). */
  type: "storage" | "uniform";
  access: "read" | "read_write";
  /** u32 words per element (L for field buffers, 1 for u32 buffers; the uniform block: words in it). */
  elemWords: number;
  /** Kernel parameter indices this binding carries (one per buffer; the scalars for the uniform). */
  params: number[];
}

export interface WgslKernel {
  name: string;
  entry: string;
  workgroup: number;
  code: string;
  bindings: WgslBinding[];
  params: KernelParamInfo[];
}

export interface WasmOutput {
  binary: Uint8Array;
  /** Text form (for the artifact and debugging). */
  text: string;
  /** First free byte after constants and slots; buffers go above it. */
  heapBase: number;
  kernels: { name: string; params: KernelParamInfo[] }[];
}

// How one kernel splits into a Vitis DATAFLOW region (decoupled access/execute):
//   read    the backward slice of every load address (and of the conditions and loops around the
//           loads), issuing the loads over m_axi and pushing each loaded value into its own stream;
//   compute the backward slice of every store (address and value), popping loaded values from the
//           streams in the same order — both stages run the same control flow around each load,
//           computed from the same values, so pushes and pops pair up — and pushing (address, value)
//           tokens, one stream per written buffer, closed by an end token;
//   write   one process per written buffer, draining its token stream into its own m_axi port.
// Kernel invocations never touch an element another invocation of the same launch writes (the kernel
// contract), so reads of invocation g+1 may overtake the writes of invocation g. A read_write buffer
// that is both loaded and stored gets two ports (`x_r`, `x_w`; the host passes the same buffer to
// both) so that each m_axi port belongs to exactly one process.
import { type Op, type Value, walkFunc } from "../../compiler/ir/index.ts";
import { type KernelInfo, type KernelParam, type Slice, identifier, sliceOps } from "../kernels/index.ts";

export interface HlsPort {
  /** C++ parameter name of the port on the top function. */
  name: string;
  /** Kernel parameter it carries. */
  param: KernelParam;
  dir: "read" | "write";
  /** m_axi bundle (one per port; at link time a buffer's ports share its HBM pseudo-channel). */
  bundle: string;
}

export interface DataflowPlan {
  read: Slice;
  compute: Slice;
  /** Loads whose values the compute stage needs, in program order: one stream each. */
  streamed: Op[];
  /** Ports in top-function order (per parameter: read port, then write port). */
  ports: HlsPort[];
  readPort: Map<Value, HlsPort>;
  writePort: Map<Value, HlsPort>;
  /** Buffer arguments written by the kernel, in parameter order (one write process each). */
  written: Value[];
}

/** C++ name of a kernel parameter (generated names use the v/m/i/y + digits and k_ prefixes). */
export function paramName(p: KernelParam): string {
  const s = identifier(p.name);
  return /^([vmiy]\d+|k_.*|cwl_.*)$/.test(s) ? `p_${s}` : s;
}

export function planDataflow(k: KernelInfo): DataflowPlan {
  const ops: Op[] = [];
  walkFunc(k.func, (op) => ops.push(op));
  const stores = ops.filter((o) => o.name === "mem.store");
  const compute = sliceOps(stores, (op) => (op.name === "mem.load" ? [] : op.name === "mem.store" ? op.operands.slice(1) : op.operands));
  const streamed = ops.filter((o) => o.name === "mem.load" && compute.ops.has(o));
  const read = sliceOps(streamed);
  const loaded = new Set(ops.filter((o) => o.name === "mem.load" && read.ops.has(o)).map((o) => o.operands[0]));
  const stored = new Set(stores.map((o) => o.operands[0]));
  const ports: HlsPort[] = [];
  const readPort = new Map<Value, HlsPort>();
  const writePort = new Map<Value, HlsPort>();
  const written: Value[] = [];
  for (const p of k.params) {
    if (p.kind.kind === "scalar") continue;
    const arg = k.func.args[p.index];
    const nm = paramName(p);
    const both = loaded.has(arg) && stored.has(arg);
    if (loaded.has(arg)) {
      const port: HlsPort = { name: both ? `${nm}_r` : nm, param: p, dir: "read", bundle: `gmem${ports.length}` };
      ports.push(port);
      readPort.set(arg, port);
    }
    if (stored.has(arg)) {
      const port: HlsPort = { name: both ? `${nm}_w` : nm, param: p, dir: "write", bundle: `gmem${ports.length}` };
      ports.push(port);
      writePort.set(arg, port);
      written.push(arg);
    }
  }
  return { read, compute, streamed, ports, readPort, writePort, written };
}

// CWIR kernels → one Vitis HLS C++ translation unit: the field libraries and, per kernel, a DATAFLOW
// top function (`extern "C"`, m_axi ports on their own bundles, s_axilite control) that connects a read
// process, a compute process and one write process per written buffer through hls::stream FIFOs
// (dataflow.ts says how a kernel splits). The invocation loop of every process is pipelined at II=1;
// inner loops are shaped by shaping.ts: unrolled into it while they carry no value through multiplies
// and their multipliers fit the DSP budget, otherwise pipelined (II = the carried multiply chain's
// latency), and a kernel whose only loop carries such a value interleaves invocations through it
// (lanes of independent invocations round-robin at II = 1). A process whose multipliers exceed the
// budget shares them (ALLOCATION). The testbench (testbench.ts) drives the tops in C simulation.
import type { Op, Type, Value } from "../../compiler/ir/index.ts";
import type { KernelInfo, KernelModule, KernelParam, Slice } from "../kernels/index.ts";
import { type FieldLimbs, powExponent, toMontgomery } from "../../runtime/field/index.ts";
import { StructuredPrinter, type StructuredSyntax, sharedIntExpr, tripCount } from "../kernels/index.ts";
import { type DataflowPlan, type HlsPort, paramName, planDataflow } from "./dataflow.ts";
import { type HlsFieldMulStructure, dspPerMul, hlsFieldLib, hlsFieldType, hlsLiteral, hlsMulStructure, mulLatency } from "./fieldlib.ts";
import { DEFAULT_DSP_BUDGET, type LoopShaper, exclusiveMulSites, loopShaper } from "./shaping.ts";
import { testbench } from "./testbench.ts";

export interface HlsOutput {
  /** kernels.cpp: field libraries + kernel tops (the synthesizable part). */
  kernels: string;
  /** testbench.cpp: csim driver (`#include "kernels.cpp"`), stdin command protocol. */
  testbench: string;
  /** Per kernel: processes, loops, streams and ports as emitted (input to the FPGA model). */
  structure: HlsKernelStructure[];
  /** Per field: the multiplier datapath as emitted (words, products, partitioning). */
  fieldMuls: HlsFieldMulStructure[];
}

export interface HlsLoop {
  trips: number;
  /** sequential: holds a pipelined loop itself (Vitis pipelines only innermost loops without unrolling them). */
  directive: "unroll" | "pipeline" | "interleave" | "sequential";
  /** Requested II of a pipelined loop (*estimated* carried-chain latency where it carries one). */
  ii?: number;
}

export interface HlsStage {
  name: string;
  role: "read" | "compute" | "write";
  /** II requested on the process's invocation (or token) loop; 0: not pipelined (an inner loop pipelines instead). */
  ii: number;
  /** Inner loops with static trip counts, outermost first. */
  loops: HlsLoop[];
  /** Field multiplications per invocation (inner loops multiplied out; pow/inv counted per exponent bit). */
  fieldMuls: number;
  /**
   * Montgomery multipliers the process instantiates without resource sharing: f.mul/i.to_f/f.div call
   * sites, times the trip count of each unrolled loop around them (pipelined loops reuse theirs);
   * pow/inv count one multiplier each (their bit loop is not inlined).
   */
  mulInstances: number;
  loads: number;
  stores: number;
  /** Worst-case transfers per invocation on each stream and m_axi port the process touches. */
  transfers: Record<string, number>;
  /**
   * Cycles per invocation the process can reach: the requested II, raised to the most transfers one
   * stream or port makes per invocation (a FIFO or an m_axi port moves one element per cycle) and to
   * the multiplier sharing; interleaved processes: the II of their lane pipelines.
   */
  effectiveII: number;
  /** Montgomery multipliers after sharing (mulInstances, or the ALLOCATION limit below it). */
  multipliers: number;
  /** DSP48E2 slices of those multipliers (*estimated*). */
  dsp: number;
  /** ALLOCATION limit in Montgomery multipliers, when the process shares them. */
  mulLimit?: number;
  /** Invocations interleaved through the process's loop (lanes), when it interleaves. */
  lanes?: number;
  /**
   * *Estimated* steady-state cycles per invocation (pipelined: effectiveII; loops: trips × II summed;
   * interleaved: per invocation of a full group of `lanes`, whose every lane slot costs as much busy or idle).
   */
  cyclesPerInvocation: number;
}

export interface HlsStream {
  name: string;
  /** Payload bits per token (store tokens: address + value + end flag). */
  bits: number;
  depth: number;
  producer: string;
  consumer: string;
}

export interface HlsKernelStructure {
  name: string;
  /** II of the compute process's invocation loop (0: not pipelined). */
  ii: number;
  /** Field multiplications one invocation performs in the compute process. */
  mulsPerInvocation: number;
  fieldBits: number;
  stages: HlsStage[];
  streams: HlsStream[];
  ports: { name: string; param: string; dir: "read" | "write"; bundle: string; elemBits: number }[];
  buffers: { name: string; words: number; access: string }[];
}

export interface HlsOptions {
  /** FIFO depth of every stream (default STREAM_DEPTH). */
  streamDepth?: number;
  /** DSP48E2 slices one kernel may use (default DEFAULT_DSP_BUDGET, 70 % of a U280). */
  dspBudget?: number;
}

/** Most trips of an inner loop unrolled into the invocation pipeline (shaping.ts adds the other conditions). */
export const MAX_UNROLL = 16;
export const STREAM_DEPTH = 16;
/** LOOP_TRIPCOUNT bound on invocation loops (reports only): one launch of a 2^20-element chunk. */
export const TRIPCOUNT_MAX = 1 << 20;

const STORE_TOKEN = `// One buffer write travelling from the compute process to a write process; \`last\` closes the stream.
template <typename T>
struct cwl_store {
  uint32_t addr;
  T data;
  bool last;
  cwl_store() : addr(0), data(0), last(true) {}
  cwl_store(uint32_t a, const T& d) : addr(a), data(d), last(false) {}
};
`;

export function emitHls(km: KernelModule, opts: HlsOptions = {}): HlsOutput {
  const fields = [...km.fields.values()];
  const parts: string[] = [
    `// Generated by cwl. Vitis HLS C++ (C simulation: g++ -I<cwl>/backends/hls/include).`,
    `#include <stdint.h>`,
    `#include "ap_int.h"`,
    `#include "hls_stream.h"`,
    ``,
    ...fields.map(hlsFieldLib),
    STORE_TOKEN,
  ];
  const structure: HlsKernelStructure[] = [];
  const plans = new Map<string, DataflowPlan>();
  for (const k of km.kernels) {
    const plan = planDataflow(k);
    plans.set(k.name, plan);
    const { code, info } = printKernel(km, k, plan, opts.streamDepth ?? STREAM_DEPTH, resources(km, opts.dspBudget ?? DEFAULT_DSP_BUDGET));
    parts.push(code);
    structure.push(info);
  }
  return { kernels: parts.join("\n"), testbench: testbench(km, plans), structure, fieldMuls: fields.map(hlsMulStructure) };
}

const isBool = (t: Type) => t.kind === "int" && t.width === 1;

/** What one kernel may instantiate: sized by the widest field's multiplier. */
interface Resources {
  shaper: LoopShaper;
  /** Montgomery multipliers within the DSP budget (at least 1). */
  budgetMuls: number;
  dspPerMul: number;
  /** `mul` operators in one Montgomery multiplier (the unit of an operation ALLOCATION). */
  opsPerMul: number;
}

function resources(km: KernelModule, dspBudget: number): Resources {
  const fields = [...km.fields.values()];
  const widest = fields.reduce<FieldLimbs | undefined>((a, f) => (!a || f.limbs > a.limbs ? f : a), undefined);
  const m = widest ? hlsMulStructure(widest) : undefined;
  const dsp = m ? dspPerMul(m) : 1;
  const budgetMuls = Math.max(1, Math.floor(dspBudget / dsp));
  const shaper = loopShaper(m?.bits ?? 32, budgetMuls, m ? mulLatency(m) : 1, MAX_UNROLL);
  return { shaper, budgetMuls, dspPerMul: dsp, opsPerMul: m ? m.words * m.productsPerWord.length : 1 };
}

function cxxType(km: KernelModule, t: Type): string {
  if (t.kind === "field") return hlsFieldType(km.fields.get(t.field)!);
  return isBool(t) ? "bool" : "uint32_t";
}
function elemType(p: KernelParam): string {
  return p.kind.kind === "fbuf" ? hlsFieldType(p.kind.field) : "uint32_t";
}
function elemBits(p: KernelParam): number {
  return p.kind.kind === "fbuf" ? 32 * p.kind.field.limbs : 32;
}

function cxxSyntax(km: KernelModule): StructuredSyntax {
  return {
    varDecl: (t, name, init) => `${cxxType(km, t)} ${name} = ${init ?? "0"};`,
    constDecl: (t, name, e) => `const ${cxxType(km, t)} ${name} = ${e};`,
    assign: (name, e) => `${name} = ${e};`,
    forOpen: (iv, lo, hi, step) => `${iv}_loop: for (uint32_t ${iv} = ${lo}u; ${iv} < ${hi}u; ${iv} += ${step}u) {`,
    ifOpen: (c) => `if (${c}) {`,
    elseOpen: "} else {",
    close: "}",
  };
}

/** The body of the read or compute process: the kernel body restricted to the stage's slice. */
class StagePrinter extends StructuredPrinter {
  muls = 0;
  loads = 0;
  stores = 0;
  pipelined = true;
  readonly loops: HlsLoop[] = [];
  readonly transfers: Record<string, number> = {};
  mulInstances = 0;
  /** u32 multiplications the stage instantiates (they share the `mul` operator ALLOCATION). */
  intMuls = 0;
  /** Cycles per invocation spent in pipelined inner loops (trips × II, times enclosing rolled trips). */
  loopCycles = 0;
  /** II of the prologue, step and epilogue lane pipelines when the stage interleaves (from transfers). */
  laneII = { pro: 1, step: 1, epi: 1 };
  private mulScale = 1;
  private unrollScale = 1;
  private rolledScale = 1;
  private argParam = new Map<Value, KernelParam>();

  constructor(
    private km: KernelModule,
    private k: KernelInfo,
    private plan: DataflowPlan,
    private role: "read" | "compute",
    slice: Slice,
    private res: Resources,
  ) {
    super(cxxSyntax(km), slice);
    for (const p of k.params) {
      const arg = k.func.args[p.index];
      this.argParam.set(arg, p);
      if (p.kind.kind === "scalar") this.bind(arg, paramName(p));
    }
  }

  /** Multiplier sites with exclusive branches sharing (shaping.ts), over what this stage prints. */
  exclusiveSites(): number {
    return exclusiveMulSites(this.k.func.body.entry.ops, (op) => this.kept(op), this.res.shaper.unrolls);
  }

  print(): string[] {
    this.block(this.k.func.body.entry, "    ");
    return this.lines;
  }

  protected typeOf(v: Value): Type {
    return v.type;
  }
  protected loopPrologue(op: Op, trips: number): string[] {
    const { shaper } = this.res;
    if (shaper.unrolls(op)) {
      this.loops.push({ trips, directive: "unroll" });
      return [`#pragma HLS UNROLL`];
    }
    // A rolled inner loop keeps its own pipeline; the invocation loop then is not pipelined (its II
    // would be the inner trip count). A loop holding another rolled loop stays sequential.
    this.pipelined = false;
    if (hasRolledLoop(op.regions[0].entry.ops, shaper)) {
      this.loops.push({ trips, directive: "sequential" });
      return [];
    }
    // The read slice carries no field values (the dataflow split keeps them out of addresses).
    const ii = this.role === "read" ? 1 : shaper.chainII(op);
    this.loops.push({ trips, directive: "pipeline", ii });
    this.loopCycles += this.rolledScale * trips * ii;
    return ii > 1 ? [`#pragma HLS PIPELINE II=${ii}`, `// II: the carried value's multiply chain (estimated latency) ends before the next iteration starts`] : [`#pragma HLS PIPELINE II=1`];
  }
  protected enterLoop(op: Op, trips: number): void {
    this.mulScale *= trips;
    if (this.res.shaper.unrolls(op)) this.unrollScale *= trips;
    else this.rolledScale *= trips;
  }
  protected exitLoop(op: Op, trips: number): void {
    this.mulScale /= trips;
    if (this.res.shaper.unrolls(op)) this.unrollScale /= trips;
    else this.rolledScale /= trips;
  }

  /**
   * The stage as groups of `lanes` invocations: a pipelined lane loop for what precedes `loop`, then
   * per trip of `loop` a lane loop at II = 1 carrying each lane's values in arrays (a lane's next trip
   * starts `lanes` cycles after its last, past the multiply chain), then a lane loop for the rest.
   * Read and compute stages print the same phases in the same order, so stream pushes and pops pair.
   */
  printInterleaved(loop: Op, lanes: number, label: string): string[] {
    const ops = this.k.func.body.entry.ops;
    const at = ops.indexOf(loop);
    const [pro, epi] = [ops.slice(0, at), ops.slice(at + 1)];
    const I = "        ";
    const lane = (name: string, body: string[], extra: string[] = []) =>
      body.length === 0
        ? []
        : [
            `${name}:`,
            `    for (uint32_t k_lane = 0; k_lane < ${lanes}u; k_lane++) {`,
            `#pragma HLS PIPELINE II=1`,
            ...extra,
            `      const uint32_t k_gid = k_base + k_lane;`,
            `      if (k_gid < k_threads) {`,
            ...body,
            `      }`,
            `    }`,
          ];
    const decls: string[] = [];
    const arrayOf = (v: Value, name: string) => {
      decls.push(`    ${cxxType(this.km, v.type)} ${name}[${lanes}];`);
      return `${name}[k_lane]`;
    };
    // Phase 1: the prologue and the carried values' initial values, then every value later phases read
    // goes to a per-lane array.
    this.opList(pro, I);
    const kept = this.kept(loop);
    const pos = kept ? this.positionsOf(loop) : [];
    const carried = pos.map((i) => {
      const slot = arrayOf(loop.results[i], this.fresh("m"));
      this.lines.push(`${I}${slot} = ${this.n(loop.operands[i])};`);
      this.bind(loop.results[i], slot);
      this.bind(loop.regions[0].entry.args[i + 1], slot);
      return slot;
    });
    // Every printed prologue value gets a lane slot; slots no later phase reads are dropped below.
    const slots: { name: string; decl: string; set: string }[] = [];
    for (const op of pro)
      for (const r of op.results)
        if (this.names.has(r)) {
          const name = `${this.n(r)}_l`;
          slots.push({ name, decl: `    ${cxxType(this.km, r.type)} ${name}[${lanes}];`, set: `${I}${name}[k_lane] = ${this.n(r)};` });
          this.bind(r, `${name}[k_lane]`);
        }
    const proLines = this.lines;
    const afterPro = { ...this.transfers };
    // Phase 2: the loop's trips, each a lane loop.
    this.lines = [];
    let stepLines: string[] = [];
    const trips = tripCount(loop);
    if (kept) {
      const body = loop.regions[0].entry;
      const iv = this.fresh("i");
      this.bind(body.args[0], iv);
      this.mulScale *= trips;
      this.opList(body.ops, I);
      this.yieldTo(body, pos, carried, I);
      this.mulScale /= trips;
      const deps = carried.map((c) => `#pragma HLS DEPENDENCE variable=${c.slice(0, c.indexOf("["))} inter false`);
      stepLines = [
        `${label}_steps:`,
        `    for (uint32_t ${iv} = ${loop.bigAttr("lo") ?? 0n}u; ${iv} < ${loop.bigAttr("hi") ?? 0n}u; ${iv} += ${loop.bigAttr("step") ?? 1n}u) {`,
        ...lane(`${label}_lanes`, this.lines, deps.length ? [`// lanes are independent invocations: a lane reads its carried values ${lanes} iterations after writing them`, ...deps] : []).map((l) => (l.startsWith("#") || l.endsWith(":") ? l : "  " + l)),
        `    }`,
      ];
      this.loops.push({ trips, directive: "interleave", ii: 1 });
    }
    const afterLoop = { ...this.transfers };
    // Phase 3: the epilogue.
    this.lines = [];
    this.opList(epi, I);
    const epiLines = this.lines;
    this.lines = [];
    const later = [...stepLines, ...epiLines].join("\n");
    for (const sl of slots)
      if (later.includes(`${sl.name}[`)) {
        decls.push(sl.decl);
        proLines.push(sl.set);
      }
    // Each lane loop moves at most one element per cycle on a stream or port.
    for (const [s, n] of Object.entries(this.transfers)) {
      const [p, l] = [afterPro[s] ?? 0, afterLoop[s] ?? 0];
      this.laneII.pro = Math.max(this.laneII.pro, p);
      this.laneII.step = Math.max(this.laneII.step, Math.ceil((l - p) / Math.max(1, trips)));
      this.laneII.epi = Math.max(this.laneII.epi, n - l);
    }
    return [
      `${label}:`,
      `  for (uint32_t k_base = 0; k_base < k_threads; k_base += ${lanes}u) {`,
      `#pragma HLS LOOP_TRIPCOUNT min=1 max=${TRIPCOUNT_MAX / lanes}`,
      ...decls,
      ...lane(`${label}_prologue`, proLines),
      ...stepLines,
      ...lane(`${label}_epilogue`, epiLines),
      `  }`,
    ];
  }

  private field(t: Type): FieldLimbs {
    if (t.kind !== "field") throw new Error("not a field type");
    return this.km.fields.get(t.field)!;
  }
  private def(v: Value, expr: string, ind: string): void {
    const name = this.fresh();
    this.bind(v, name);
    this.lines.push(`${ind}const ${cxxType(this.km, v.type)} ${name} = ${expr};`);
  }
  private fcall(op: Op, fn: string, args: string[], ind: string, muls = 0): void {
    this.muls += muls * this.mulScale;
    if (muls) this.mulInstances += this.unrollScale;
    const f = this.field(op.result.type.kind === "field" ? op.result.type : op.operands[0].type);
    this.def(op.result, `${f.prefix}_${fn}(${args.join(", ")})`, ind);
  }
  private streamOf(op: Op): string {
    return `k_ld${this.plan.streamed.indexOf(op)}`;
  }
  private transfer(name: string): void {
    this.transfers[name] = (this.transfers[name] ?? 0) + this.mulScale;
  }

  protected op(op: Op, ind: string): void {
    const o = op.operands;
    const a = () => this.n(o[0]);
    const b = () => this.n(o[1]);
    switch (op.name) {
      case "k.global_id":
        return this.def(op.result, "k_gid", ind);
      case "k.local_id":
        return this.def(op.result, `k_gid % ${this.k.workgroup}u`, ind);
      case "k.workgroup_id":
        return this.def(op.result, `k_gid / ${this.k.workgroup}u`, ind);
      case "i.divu":
        return this.def(op.result, `${b()} == 0u ? 0u : ${a()} / ${b()}`, ind);
      case "i.remu":
        return this.def(op.result, `${b()} == 0u ? 0u : ${a()} % ${b()}`, ind);
      case "i.select":
      case "f.select":
        return this.def(op.result, `${a()} ? ${b()} : ${this.n(o[2])}`, ind);
      case "i.zext":
        return this.def(op.result, isBool(o[0].type) && !isBool(op.result.type) ? `(uint32_t)${a()}` : a(), ind);
      case "i.trunc":
        return this.def(op.result, isBool(op.result.type) && !isBool(o[0].type) ? `(${a()} & 1u) != 0u` : a(), ind);
      case "i.to_f":
        return this.fcall(op, "from_u32", [isBool(o[0].type) ? `(uint32_t)${a()}` : a()], ind, 1);
      case "f.const": {
        const f = this.field(op.result.type);
        return this.def(op.result, hlsLiteral(f, toMontgomery(f, op.bigAttr("value") ?? 0n)), ind);
      }
      case "f.add":
      case "f.sub":
        return this.fcall(op, op.name.slice(2), [a(), b()], ind);
      case "f.mul":
        return this.fcall(op, "mul", [a(), b()], ind, 1);
      case "f.neg":
        return this.fcall(op, "neg", [a()], ind);
      case "f.inv": {
        const f = this.field(op.result.type);
        return this.fcall(op, "inv", [a()], ind, 2 * f.limbs * 32);
      }
      case "f.div": {
        const f = this.field(op.result.type);
        this.muls += (2 * f.limbs * 32 + 1) * this.mulScale;
        this.mulInstances += 2 * this.unrollScale;
        return this.def(op.result, `${f.prefix}_mul(${a()}, ${f.prefix}_inv(${b()}))`, ind);
      }
      case "f.pow": {
        const f = this.field(op.result.type);
        return this.fcall(op, "pow", [a(), hlsLiteral(f, powExponent(f, op.bigAttr("exp") ?? 0n))], ind, 2 * f.limbs * 32);
      }
      case "f.eq":
        return this.fcall(op, "eq", [a(), b()], ind);
      case "mem.load":
        this.loads += this.mulScale;
        if (this.role === "compute") {
          this.transfer(this.streamOf(op));
          return this.def(op.result, `${this.streamOf(op)}.read()`, ind);
        }
        this.transfer(this.plan.readPort.get(o[0])!.name);
        this.def(op.result, `${this.plan.readPort.get(o[0])!.name}[${b()}]`, ind);
        if (this.plan.streamed.includes(op)) {
          this.transfer(this.streamOf(op));
          this.lines.push(`${ind}${this.streamOf(op)}.write(${this.n(op.result)});`);
        }
        return;
      case "mem.store": {
        this.stores += this.mulScale;
        const p = this.argParam.get(o[0])!;
        this.transfer(`k_st_${paramName(p)}`);
        this.lines.push(`${ind}k_st_${paramName(p)}.write(cwl_store<${elemType(p)}>(${b()}, ${this.n(o[2])}));`);
        return;
      }
      case "mem.len":
        return this.def(op.result, `${paramName(this.argParam.get(o[0])!)}_len`, ind);
      default: {
        const e = sharedIntExpr(op, (v) => this.n(v));
        if (e === undefined) throw new Error(`hls: unexpected op ${op.name}`);
        if (op.name === "i.mul") this.intMuls += this.unrollScale;
        return this.def(op.result, e, ind);
      }
    }
  }
}

function hasRolledLoop(ops: readonly Op[], shaper: LoopShaper): boolean {
  return ops.some((op) => (op.name === "cf.for" && !shaper.unrolls(op)) || op.regions.some((r) => hasRolledLoop(r.entry.ops, shaper)));
}

/** A printed read/compute process: its loop lines and its structure entry (multiplier sharing applied). */
function printStage(sp: StagePrinter, name: string, role: "read" | "compute", res: Resources, interleave: { loop: Op; lanes: number } | undefined): { lines: string[]; stage: HlsStage } {
  const label = `${name}_invocations`;
  let lines: string[];
  if (interleave) lines = sp.printInterleaved(interleave.loop, interleave.lanes, label);
  else {
    const body = sp.print();
    lines = [
      `${label}:`,
      `  for (uint32_t k_gid = 0; k_gid < k_threads; k_gid++) {`,
      sp.pipelined ? `#pragma HLS PIPELINE II=1` : `// not pipelined: an inner loop carries its own pipeline`,
      `#pragma HLS LOOP_TRIPCOUNT min=1 max=${TRIPCOUNT_MAX}`,
      ...body,
      `  }`,
    ];
  }
  // More multiplier sites than the budget: share them. Exclusive if-branches share one set (the
  // costlier branch's sites); beyond that Vitis raises the II to the sharing factor.
  const share = sp.mulInstances > res.budgetMuls;
  const path = sp.exclusiveSites();
  const multipliers = share ? Math.max(1, Math.min(res.budgetMuls, path)) : sp.mulInstances;
  const shareII = share ? Math.ceil(path / multipliers) : 1;
  if (share)
    lines.unshift(
      `#pragma HLS ALLOCATION operation instances=mul limit=${multipliers * res.opsPerMul + sp.intMuls}`,
      `// ${sp.mulInstances} Montgomery multiplier sites (${path} on the costliest exclusive path) share ${multipliers} multipliers (${res.opsPerMul} mul operators each, plus ${sp.intMuls} u32) to fit the DSP budget`,
    );
  const transferII = Math.max(1, ...Object.values(sp.transfers));
  let effectiveII: number;
  let cycles: number;
  if (interleave) {
    // Per invocation with every lane busy: one prologue, `trips` steps and one epilogue lane slot.
    const { pro, step, epi } = sp.laneII;
    effectiveII = Math.max(step, shareII);
    cycles = Math.max(pro, shareII) + tripCount(interleave.loop) * effectiveII + Math.max(epi, shareII);
  } else if (sp.pipelined) {
    effectiveII = Math.max(transferII, shareII);
    cycles = effectiveII;
  } else {
    effectiveII = 0;
    cycles = 1 + sp.loopCycles * shareII;
  }
  const stage: HlsStage = {
    name,
    role,
    ii: sp.pipelined || interleave ? 1 : 0,
    loops: sp.loops,
    fieldMuls: sp.muls,
    mulInstances: sp.mulInstances,
    loads: sp.loads,
    stores: sp.stores,
    transfers: sp.transfers,
    effectiveII,
    multipliers,
    dsp: multipliers * res.dspPerMul,
    ...(share ? { mulLimit: multipliers } : {}),
    ...(interleave ? { lanes: interleave.lanes } : {}),
    cyclesPerInvocation: cycles,
  };
  return { lines, stage };
}

function printKernel(km: KernelModule, k: KernelInfo, plan: DataflowPlan, depth: number, res: Resources): { code: string; info: HlsKernelStructure } {
  const K = k.name;
  // Scalars every process sees: u32 parameters, buffer lengths (mem.len) and the invocation count.
  const common: string[] = [];
  for (const p of k.params) common.push(`uint32_t ${paramName(p)}${p.kind.kind === "scalar" ? "" : "_len"}`);
  common.push("uint32_t k_threads");
  const commonArgs = common.map((c) => c.split(" ")[1]);
  const portDecl = (pt: HlsPort) => `${pt.dir === "read" ? "const " : ""}${elemType(pt.param)}* ${pt.name}`;
  const streamT = (op: Op) => cxxType(km, op.result.type);
  const storeT = (arg: Value) => {
    const p = k.params.find((q) => k.func.args[q.index] === arg)!;
    return `cwl_store<${elemType(p)}>`;
  };
  const stName = (arg: Value) => `k_st_${paramName(k.params.find((q) => k.func.args[q.index] === arg)!)}`;
  const readPorts = plan.ports.filter((p) => p.dir === "read");
  // Interleave invocations through the body's only loop when it carries a value through multiplies:
  // enough lanes that a lane's next trip starts after its multiply chain (estimated) has finished.
  const iloop = res.shaper.interleaved(k.func.body.entry.ops, plan.compute);
  const interleave = iloop ? { loop: iloop, lanes: 1 << Math.ceil(Math.log2(res.shaper.chainII(iloop) + 1)) } : undefined;
  const out: string[] = [`// kernel ${K}: DATAFLOW read → compute → write, one pipelined iteration per invocation (global id).`];
  const stages: HlsStage[] = [];
  const streams: HlsStream[] = [];
  const calls: string[] = [];

  const hasRead = plan.streamed.length > 0;
  if (hasRead) {
    const rp = printStage(new StagePrinter(km, k, plan, "read", plan.read, res), `${K}_read`, "read", res, interleave);
    const params = [...readPorts.map(portDecl), ...common, ...plan.streamed.map((op, i) => `hls::stream<${streamT(op)}>& k_ld${i}`)];
    out.push(`static void ${K}_read(${params.join(", ")}) {`, ...rp.lines, `}`, ``);
    calls.push(`  ${K}_read(${[...readPorts.map((p) => p.name), ...commonArgs, ...plan.streamed.map((_, i) => `k_ld${i}`)].join(", ")});`);
    stages.push(rp.stage);
    plan.streamed.forEach((op, i) => {
      const t = op.result.type;
      streams.push({ name: `k_ld${i}`, bits: t.kind === "field" ? 32 * km.fields.get(t.field)!.limbs : isBool(t) ? 1 : 32, depth, producer: `${K}_read`, consumer: `${K}_compute` });
    });
  }
  const cp = printStage(new StagePrinter(km, k, plan, "compute", plan.compute, res), `${K}_compute`, "compute", res, interleave);
  const cparams = [...common, ...plan.streamed.map((op, i) => `hls::stream<${streamT(op)}>& k_ld${i}`), ...plan.written.map((a) => `hls::stream<${storeT(a)} >& ${stName(a)}`)];
  out.push(
    `static void ${K}_compute(${cparams.join(", ")}) {`,
    ...cp.lines,
    ...plan.written.map((a) => `  ${stName(a)}.write(${storeT(a)}());`),
    `}`,
    ``,
  );
  calls.push(`  ${K}_compute(${[...commonArgs, ...plan.streamed.map((_, i) => `k_ld${i}`), ...plan.written.map(stName)].join(", ")});`);
  stages.push(cp.stage);
  for (const a of plan.written) {
    const port = plan.writePort.get(a)!;
    const T = storeT(a);
    const wn = `${K}_write_${paramName(port.param)}`;
    out.push(
      `static void ${wn}(${portDecl(port)}, hls::stream<${T} >& ${stName(a)}) {`,
      `  bool k_done = false;`,
      `${wn}_tokens:`,
      `  while (!k_done) {`,
      `#pragma HLS PIPELINE II=1`,
      `#pragma HLS LOOP_TRIPCOUNT min=1 max=${TRIPCOUNT_MAX}`,
      `    const ${T} k_t = ${stName(a)}.read();`,
      `    if (k_t.last) k_done = true;`,
      `    else ${port.name}[k_t.addr] = k_t.data;`,
      `  }`,
      `}`,
      ``,
    );
    calls.push(`  ${wn}(${port.name}, ${stName(a)});`);
    stages.push({ name: wn, role: "write", ii: 1, loops: [], fieldMuls: 0, mulInstances: 0, loads: 0, stores: 1, transfers: { [stName(a)]: 1, [port.name]: 1 }, effectiveII: 1, multipliers: 0, dsp: 0, cyclesPerInvocation: 1 });
    streams.push({ name: stName(a), bits: 32 + elemBits(port.param) + 1, depth, producer: `${K}_compute`, consumer: wn });
  }

  const sig: string[] = [];
  const pragmas: string[] = [];
  for (const p of k.params) {
    const nm = paramName(p);
    if (p.kind.kind === "scalar") {
      sig.push(`uint32_t ${nm}`);
      pragmas.push(`#pragma HLS INTERFACE s_axilite port=${nm}`);
      continue;
    }
    for (const pt of plan.ports.filter((q) => q.param === p)) {
      sig.push(portDecl(pt));
      pragmas.push(`#pragma HLS INTERFACE m_axi port=${pt.name} offset=slave bundle=${pt.bundle} depth=4096`, `#pragma HLS INTERFACE s_axilite port=${pt.name}`);
    }
    sig.push(`uint32_t ${nm}_len`);
    pragmas.push(`#pragma HLS INTERFACE s_axilite port=${nm}_len`);
  }
  sig.push("uint32_t k_threads");
  pragmas.push(`#pragma HLS INTERFACE s_axilite port=k_threads`, `#pragma HLS INTERFACE s_axilite port=return`);
  out.push(
    `extern "C" void ${K}(${sig.join(", ")}) {`,
    ...pragmas,
    `#pragma HLS DATAFLOW`,
    ...plan.streamed.map((op, i) => `  hls::stream<${streamT(op)}, ${depth}> k_ld${i}("k_ld${i}");`),
    ...plan.written.map((a) => `  hls::stream<${storeT(a)}, ${depth}> ${stName(a)}("${stName(a)}");`),
    ...calls,
    `}`,
    ``,
  );
  const info: HlsKernelStructure = {
    name: K,
    ii: cp.stage.ii,
    mulsPerInvocation: cp.stage.fieldMuls,
    fieldBits: Math.max(32, ...[...km.fields.values()].map((f) => f.limbs * 32)),
    stages,
    streams,
    ports: plan.ports.map((p) => ({ name: p.name, param: p.param.name, dir: p.dir, bundle: p.bundle, elemBits: elemBits(p.param) })),
    buffers: k.params
      .filter((p) => p.kind.kind !== "scalar")
      .map((p) => ({ name: p.name, words: p.kind.kind === "fbuf" ? p.kind.field.limbs : 1, access: (p.kind as { access: string }).access })),
  };
  return { code: out.join("\n"), info };
}

// CWIR kernels → one WASM module (binaryen): the CPU reference path of the kernel targets.
// Field values live in 32-byte-aligned slots of linear memory (addresses known at compile time: kernels
// run one invocation at a time per instance), u32/bool values in i32 locals. Each kernel is exported as
// `name(threads, …)` taking (ptr, len) per buffer and an i32 per scalar; it loops over global ids.
import binaryen from "binaryen";
import type { Block, Op, Value } from "../../compiler/ir/index.ts";
import type { KernelInfo, KernelModule } from "../kernels/index.ts";
import { type FieldLimbs, powExponent, toMontgomery } from "../../runtime/field/index.ts";
import type { WasmOutput } from "../../runtime/gpu/artifacts.ts";
import { addWasmFieldLib, fieldConstBytes, fieldConstData } from "./fieldlib.ts";

type Ref = binaryen.ExpressionRef;
const i32 = binaryen.i32;

/** The artifact's shape is runtime/gpu's (its WasmExecutor loads it). */
export type { WasmOutput };

/** Static memory: constants and value slots, bump-allocated from 64. */
class StaticMem {
  top = 64;
  segments: { offset: number; data: Uint8Array }[] = [];
  alloc(bytes: number): number {
    const a = Math.ceil(this.top / 32) * 32;
    this.top = a + bytes;
    return a;
  }
  data(bytes: Uint8Array): number {
    const a = this.alloc(bytes.length);
    this.segments.push({ offset: a, data: bytes });
    return a;
  }
}

function limbBytes(f: FieldLimbs, x: bigint): Uint8Array {
  const w = new Uint32Array(f.limbs);
  for (let j = 0; j < f.limbs; j++) {
    w[j] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
  return new Uint8Array(w.buffer);
}

export function emitWasm(km: KernelModule, opts: { optimize?: boolean } = {}): WasmOutput {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.MutableGlobals);
  const mem = new StaticMem();
  // Loads and stores bind to the memory when created; it is set again with the data segments at the end.
  m.setMemory(1, 65536);
  for (const f of km.fields.values()) {
    const addr = mem.alloc(fieldConstBytes(f));
    mem.segments.push({ offset: addr, data: fieldConstData(f) });
    addWasmFieldLib(m, f, addr);
  }
  const kernels: WasmOutput["kernels"] = [];
  for (const k of km.kernels) {
    new KernelBuilder(m, km, k, mem).build();
    m.addFunctionExport(k.name, k.name);
    kernels.push({ name: k.name, params: k.params.map((p) => ({ name: p.name, kind: p.kind.kind, field: p.kind.kind === "fbuf" ? p.kind.field.name : undefined })) });
  }
  const heapBase = Math.ceil(mem.top / 64) * 64;
  m.addGlobal("heap_base", i32, false, m.i32.const(heapBase));
  m.addGlobalExport("heap_base", "heap_base");
  const pages = Math.ceil(heapBase / 65536) + 1;
  m.setMemory(
    pages,
    65536,
    "memory",
    mem.segments.map((s) => ({ offset: m.i32.const(s.offset), data: s.data, passive: false })),
  );
  if (!m.validate()) throw new Error("wasm: binaryen rejected the generated module (a cwl bug)");
  if (opts.optimize !== false) {
    binaryen.setOptimizeLevel(2);
    m.optimize();
  }
  const out: WasmOutput = { binary: m.emitBinary(), text: m.emitText(), heapBase, kernels };
  m.dispose();
  return out;
}

type Slot = { kind: "int"; local: number } | { kind: "field"; addr: number; f: FieldLimbs };

class KernelBuilder {
  private vals = new Map<Value, Slot>();
  private nLocals = 0;
  private labels = 0;
  private gid = 0;
  constructor(
    private m: binaryen.Module,
    private km: KernelModule,
    private k: KernelInfo,
    private mem: StaticMem,
  ) {}

  private local(): number {
    return this.nLocals++;
  }
  private fieldOf(v: Value): FieldLimbs {
    if (v.type.kind !== "field") throw new Error("wasm: not a field value");
    return this.km.fields.get(v.type.field)!;
  }
  private newSlot(v: Value): Slot {
    const s: Slot = v.type.kind === "field" ? { kind: "field", addr: this.mem.alloc(4 * this.fieldOf(v).limbs), f: this.fieldOf(v) } : { kind: "int", local: this.local() };
    this.vals.set(v, s);
    return s;
  }
  private slot(v: Value): Slot {
    const s = this.vals.get(v);
    if (!s) throw new Error("wasm: value used before definition");
    return s;
  }
  private int(v: Value): Ref {
    const s = this.slot(v);
    if (s.kind !== "int") throw new Error("wasm: expected an integer value");
    return this.m.local.get(s.local, i32);
  }
  private addr(v: Value): Ref {
    const s = this.slot(v);
    if (s.kind !== "field") throw new Error("wasm: expected a field value");
    return this.m.i32.const(s.addr);
  }
  private call(name: string, args: Ref[], ret: binaryen.Type = binaryen.none): Ref {
    return this.m.call(name, args, ret);
  }
  /** Copies value `from` into the storage of `to` (a slot or local). */
  private assign(to: Slot, from: Value): Ref {
    if (to.kind === "int") return this.m.local.set(to.local, this.int(from));
    return this.call(`${to.f.prefix}_copy`, [this.m.i32.const(to.addr), this.addr(from)]);
  }

  build(): void {
    const m = this.m;
    const k = this.k;
    const params: binaryen.Type[] = [i32]; // threads
    this.nLocals = 1;
    for (const p of k.params) {
      const arg = k.func.args[p.index];
      if (p.kind.kind === "scalar") {
        this.vals.set(arg, { kind: "int", local: this.nLocals++ });
        params.push(i32);
      } else {
        // buffer: (ptr, len); the Value maps to the ptr local, len is the next one.
        this.vals.set(arg, { kind: "int", local: this.nLocals });
        this.nLocals += 2;
        params.push(i32, i32);
      }
    }
    const nParams = this.nLocals;
    this.gid = this.local();
    const body = this.block(k.func.body.entry);
    const loop = m.block(null, [
      m.local.set(this.gid, m.i32.const(0)),
      m.block("k_done", [
        m.loop(
          "k_loop",
          m.block(null, [
            m.br("k_done", m.i32.ge_u(m.local.get(this.gid, i32), m.local.get(0, i32))),
            m.block("k_next", body),
            m.local.set(this.gid, m.i32.add(m.local.get(this.gid, i32), m.i32.const(1))),
            m.br("k_loop"),
          ]),
        ),
      ]),
    ]);
    m.addFunction(k.name, binaryen.createType(params), binaryen.none, Array(this.nLocals - nParams).fill(i32), loop);
  }

  private block(b: Block): Ref[] {
    const out: Ref[] = [];
    for (const op of b.ops) out.push(...this.op(op));
    return out;
  }

  private setInt(op: Op, e: Ref): Ref[] {
    const s = this.newSlot(op.result);
    return [this.m.local.set((s as { local: number }).local, e)];
  }
  private elemAddr(buf: Value, idx: Value, bytes: number): Ref {
    return this.m.i32.add(this.int(buf), this.m.i32.mul(this.int(idx), this.m.i32.const(bytes)));
  }

  private op(op: Op): Ref[] {
    const m = this.m;
    const o = op.operands;
    const isBool = (v: Value) => v.type.kind === "int" && v.type.width === 1;
    const bin = (fn: (a: Ref, b: Ref) => Ref) => this.setInt(op, fn(this.int(o[0]), this.int(o[1])));
    const fres = () => this.newSlot(op.result) as Extract<Slot, { kind: "field" }>;
    switch (op.name) {
      case "k.global_id":
        return this.setInt(op, m.local.get(this.gid, i32));
      case "k.local_id":
        return this.setInt(op, m.i32.rem_u(m.local.get(this.gid, i32), m.i32.const(this.k.workgroup)));
      case "k.workgroup_id":
        return this.setInt(op, m.i32.div_u(m.local.get(this.gid, i32), m.i32.const(this.k.workgroup)));
      case "i.const":
        return this.setInt(op, m.i32.const(Number(BigInt.asUintN(32, op.bigAttr("value") ?? 0n)) | 0));
      case "i.add":
        return bin((a, b) => m.i32.add(a, b));
      case "i.sub":
        return bin((a, b) => m.i32.sub(a, b));
      case "i.mul":
        return bin((a, b) => m.i32.mul(a, b));
      case "i.divu":
      case "i.remu": {
        // x / 0 = x % 0 = 0 (no trap), matching the HLS code; each use of b is a fresh expression.
        const b = () => this.int(o[1]);
        const div = op.name === "i.divu" ? m.i32.div_u : m.i32.rem_u;
        return this.setInt(op, m.select(m.i32.eqz(b()), m.i32.const(0), div(this.int(o[0]), m.select(m.i32.eqz(b()), m.i32.const(1), b()))));
      }
      case "i.and":
        return bin((a, b) => m.i32.and(a, b));
      case "i.or":
        return bin((a, b) => m.i32.or(a, b));
      case "i.xor":
        return bin((a, b) => m.i32.xor(a, b));
      case "i.not":
        return this.setInt(op, isBool(op.result) ? m.i32.eqz(this.int(o[0])) : m.i32.xor(this.int(o[0]), m.i32.const(-1)));
      case "i.shl":
        return bin((a, b) => m.i32.shl(a, b)); // WASM masks the shift amount to 5 bits, as WGSL and the HLS code do
      case "i.shru":
        return bin((a, b) => m.i32.shr_u(a, b));
      case "i.cmp": {
        const pred = op.strAttr("pred");
        const f = { eq: m.i32.eq, ne: m.i32.ne, ult: m.i32.lt_u, ule: m.i32.le_u, ugt: m.i32.gt_u, uge: m.i32.ge_u }[pred as "eq"];
        return bin((a, b) => f(a, b));
      }
      case "i.select":
        return this.setInt(op, m.select(this.int(o[0]), this.int(o[1]), this.int(o[2])));
      case "i.zext":
        return this.setInt(op, this.int(o[0]));
      case "i.trunc":
        return this.setInt(op, isBool(op.result) && !isBool(o[0]) ? m.i32.and(this.int(o[0]), m.i32.const(1)) : this.int(o[0]));
      case "i.to_f": {
        const r = fres();
        return [this.call(`${r.f.prefix}_from_u32`, [m.i32.const(r.addr), this.int(o[0])])];
      }
      case "f.const": {
        const f = this.fieldOf(op.result);
        const addr = this.mem.data(limbBytes(f, toMontgomery(f, op.bigAttr("value") ?? 0n)));
        this.vals.set(op.result, { kind: "field", addr, f });
        return [];
      }
      case "f.add":
      case "f.sub":
      case "f.mul": {
        const r = fres();
        return [this.call(`${r.f.prefix}_${op.name.slice(2)}`, [m.i32.const(r.addr), this.addr(o[0]), this.addr(o[1])])];
      }
      case "f.neg": {
        const r = fres();
        const zero = this.mem.data(new Uint8Array(4 * r.f.limbs));
        return [this.call(`${r.f.prefix}_sub`, [m.i32.const(r.addr), m.i32.const(zero), this.addr(o[0])])];
      }
      case "f.inv": {
        const r = fres();
        return [this.call(`${r.f.prefix}_inv`, [m.i32.const(r.addr), this.addr(o[0])])];
      }
      case "f.div": {
        const r = fres();
        const tmp = this.mem.alloc(4 * r.f.limbs);
        return [this.call(`${r.f.prefix}_inv`, [m.i32.const(tmp), this.addr(o[1])]), this.call(`${r.f.prefix}_mul`, [m.i32.const(r.addr), this.addr(o[0]), m.i32.const(tmp)])];
      }
      case "f.pow": {
        const r = fres();
        const e = this.mem.data(limbBytes(r.f, powExponent(r.f, op.bigAttr("exp") ?? 0n)));
        return [this.call(`${r.f.prefix}_pow`, [m.i32.const(r.addr), this.addr(o[0]), m.i32.const(e)])];
      }
      case "f.eq": {
        const f = this.fieldOf(o[0]);
        return this.setInt(op, this.call(`${f.prefix}_eq`, [this.addr(o[0]), this.addr(o[1])], i32));
      }
      case "f.select": {
        const r = fres();
        return [this.call(`${r.f.prefix}_copy`, [m.i32.const(r.addr), m.select(this.int(o[0]), this.addr(o[1]), this.addr(o[2]))])];
      }
      case "mem.load": {
        if (op.result.type.kind === "field") {
          const r = fres();
          return [this.call(`${r.f.prefix}_copy`, [m.i32.const(r.addr), this.elemAddr(o[0], o[1], 4 * r.f.limbs)])];
        }
        return this.setInt(op, m.i32.load(0, 4, this.elemAddr(o[0], o[1], 4)));
      }
      case "mem.store": {
        if (o[2].type.kind === "field") {
          const f = this.fieldOf(o[2]);
          return [this.call(`${f.prefix}_copy`, [this.elemAddr(o[0], o[1], 4 * f.limbs), this.addr(o[2])])];
        }
        return [m.i32.store(0, 4, this.elemAddr(o[0], o[1], 4), this.int(o[2]))];
      }
      case "mem.len": {
        const s = this.slot(o[0]) as { local: number };
        return this.setInt(op, m.local.get(s.local + 1, i32));
      }
      case "cf.for":
        return this.forOp(op);
      case "cf.if":
        return this.ifOp(op);
      case "cf.return":
        return [m.br("k_next")];
      case "cf.yield":
        return [];
      case "k.barrier":
      default:
        throw new Error(`wasm: unexpected op ${op.name}`);
    }
  }

  /** Assigns yielded values to `dst` storage through temporaries (a yield may read what it overwrites). */
  private yieldTo(b: Block, dst: Slot[]): Ref[] {
    const y = b.terminator;
    if (!y || y.name !== "cf.yield" || !dst.length) return [];
    if (dst.length === 1) return [this.assign(dst[0], y.operands[0])];
    const out: Ref[] = [];
    const tmps = y.operands.map((v) => {
      const t: Slot = v.type.kind === "field" ? { kind: "field", addr: this.mem.alloc(4 * this.fieldOf(v).limbs), f: this.fieldOf(v) } : { kind: "int", local: this.local() };
      out.push(this.assign(t, v));
      return t;
    });
    tmps.forEach((t, i) => {
      const d = dst[i];
      out.push(d.kind === "int" ? this.m.local.set(d.local, this.m.local.get((t as { local: number }).local, i32)) : this.call(`${d.f.prefix}_copy`, [this.m.i32.const(d.addr), this.m.i32.const((t as { addr: number }).addr)]));
    });
    return out;
  }

  private forOp(op: Op): Ref[] {
    const m = this.m;
    const lo = Number(op.bigAttr("lo") ?? 0n);
    const hi = Number(op.bigAttr("hi") ?? 0n);
    const step = Number(op.bigAttr("step") ?? 1n);
    const carried = op.results.map((r) => this.newSlot(r));
    const init = carried.map((s, i) => this.assign(s, op.operands[i]));
    const body = op.regions[0].entry;
    const iv = this.local();
    this.vals.set(body.args[0], { kind: "int", local: iv });
    body.args.slice(1).forEach((a, i) => this.vals.set(a, carried[i]));
    const n = this.labels++;
    const inner = [...this.block(body), ...this.yieldTo(body, carried)];
    return [
      ...init,
      m.local.set(iv, m.i32.const(lo)),
      m.block(`for_exit${n}`, [
        m.loop(
          `for_loop${n}`,
          m.block(null, [
            m.br(`for_exit${n}`, m.i32.ge_u(m.local.get(iv, i32), m.i32.const(hi))),
            ...inner,
            m.local.set(iv, m.i32.add(m.local.get(iv, i32), m.i32.const(step))),
            m.br(`for_loop${n}`),
          ]),
        ),
      ]),
    ];
  }

  private ifOp(op: Op): Ref[] {
    const res = op.results.map((r) => this.newSlot(r));
    const arm = (i: number): Ref => {
      const b = op.regions[i]?.entry;
      return this.m.block(null, b ? [...this.block(b), ...this.yieldTo(b, res)] : []);
    };
    return [this.m.if(this.int(op.operands[0]), arm(0), arm(1))];
  }
}

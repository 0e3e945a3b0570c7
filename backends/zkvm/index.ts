// CWIR `program` items → zkVM bytecode (spec/zkvm.md, "From CWIR"). Every SSA value gets its own
// frame register (two for 64-bit integers and for buffers: base address and length), so there is no
// register allocation, as for WebAssembly locals. Structured control flow becomes branches; loop-carried
// values move into the block-argument registers at each yield. Integers narrower than 32 bits are
// kept zero-extended (masked after each op that can overflow). Buffers live in linear memory, bump
// allocated; every access is bounds-checked (chkltu) as the interpreter checks it. The prologue reads
// the parameters with ecall READ, the epilogue writes the results with ecall WRITE (runtime/zkvm/abi.ts).
// Calls of fn items get a frame above the caller's. What is not compiled is refused with E0680
// naming the op at its source span.
import { type Diagnostic, error } from "../../base/diagnostics/index.ts";
import { type Attr, type Block, type Func, type Module, type Op, type Type, type Value, isSymRef, walkFunc } from "../../compiler/ir/index.ts";
import { MAX_MEMORY, OPC, type Program, SYS, type SigType, type Signature, encode } from "../../runtime/zkvm/index.ts";
import { PRECOMPILE } from "../../runtime/zkvm/precompiles/index.ts";

export interface ZkvmBuild {
  program?: Program;
  bytes?: Uint8Array;
  diagnostics: Diagnostic[];
}

export interface ZkvmOptions {
  entry?: string;
  /** linear memory in bytes (default 16 MiB) */
  memory?: number;
  /** register file in cells (default 2^16) */
  regs?: number;
}

class Refuse {
  constructor(readonly diag: Diagnostic) {}
}

/** Memory: 0–15 scratch for moving values to and from the streams, 16 the heap pointer (HEAP_PTR),
 * from 64 the fixed regions of in-place array updates, then the heap. */
const HEAP_BASE = 64;
const TRAP_BOUNDS = 1;
const TRAP_ASSERT = 2;
const TRAP_INPUT = 3;
// WebAssembly traps (compiler/wasm's TRAP codes and the ones this backend adds)
const TRAP_MEM = 11;
const TRAP_TABLE = 13;
const TRAP_NULL = 14;
const TRAP_SIG = 15;
const TRAP_INIT = 17;
/** A WebAssembly page; the word at PAGES_ADDR holds the memory's current size in pages. */
const PAGE = 65536;
const WASM_HEAP = 65536;
const PAGES_ADDR = 32;

export function buildZkvm(m: Module, opts: ZkvmOptions = {}): ZkvmBuild {
  const progs = m.funcs.filter((f) => f.kind === "program");
  const f = opts.entry ? m.func(opts.entry) : progs.length === 1 ? progs[0] : undefined;
  if (!f || f.kind !== "program") {
    const msg = opts.entry
      ? `no program \`${opts.entry}\` in the module`
      : progs.length
        ? `the module has ${progs.length} programs; name one with --entry`
        : "the module has no program item to compile for the zkVM";
    return { diagnostics: [error("E0681", msg, undefined, progs.length ? `programs: ${progs.map((p) => p.name).join(", ")}` : "declare a `program`")] };
  }
  try {
    const ctx: Ctx = { m, code: [], staticEnd: HEAP_BASE, funcs: new Map(), pending: [], calls: [], maxFrame: 2, addrConsts: [] };
    if (f.attrs.wasm_globals !== undefined) {
      ctx.wasm = wasmLayout(f, opts);
      ctx.staticEnd = ctx.wasm.heapAt;
    }
    const g = new Gen(f, ctx, true);
    g.compile();
    while (ctx.pending.length) new Gen(ctx.pending.shift()!, ctx, false).compile();
    for (const c of ctx.calls) ctx.code[4 * c.at + 1] = ctx.funcs.get(c.callee)!;
    for (const c of ctx.addrConsts) ctx.code[4 * c.at + 2] = ctx.funcs.get(c.callee)!;
    const w = ctx.wasm;
    let data = { addr: 0, bytes: new Uint8Array(0) };
    if (w?.data.length && !w.initTrap) {
      const lo = Math.min(...w.data.map((d) => d.offset));
      const hi = Math.max(...w.data.map((d) => d.offset + d.bytes.length));
      const img = new Uint8Array(hi - lo);
      for (const d of w.data) img.set(d.bytes, d.offset - lo);
      data = { addr: w.base + lo, bytes: img };
    }
    ctx.code[4 * g.heapInit + 2] = ctx.staticEnd;
    const program: Program = {
      entry: 0,
      memSize: w ? w.base + w.maxPages * PAGE : (opts.memory ?? 1 << 24),
      regs: Math.max(opts.regs ?? 1 << 16, 2 * ctx.maxFrame + 2),
      code: Int32Array.from(ctx.code),
      dataAddr: data.addr,
      data: data.bytes,
      sig: g.sig,
    };
    return { program, bytes: encode(program), diagnostics: [] };
  } catch (e) {
    if (e instanceof Refuse) return { diagnostics: [e.diag] };
    throw e;
  }
}

const widthOf = (t: Type): number => (t.kind === "int" ? t.width : 0);

/** What the functions of one build share: the code, fixed regions, where each function starts. */
interface Ctx {
  m: Module;
  code: number[];
  staticEnd: number;
  /** function name → first instruction (-1 while queued) */
  funcs: Map<string, number>;
  pending: Func[];
  /** call instructions whose target is patched once every function is placed */
  calls: { at: number; callee: string }[];
  maxFrame: number;
  /** the layout of a lifted WebAssembly module (compiler/wasm), when the entry is one */
  wasm?: WasmLayout;
  /** `const` instructions that receive a function's first instruction (table entries) */
  addrConsts: { at: number; callee: string }[];
}

/** Where a WebAssembly module's state lives in the zkVM's memory (spec/wasm.md, "Memory layout"). */
interface WasmLayout {
  globals: { width: number; value: bigint }[];
  globalsAt: number;
  /** table entries: 8 bytes each, the function's first instruction and its signature id (0 = empty) */
  table: ({ sym: string; sig: string } | null)[];
  tableAt: number;
  /** passive element segments: a length word, then entries as in the table */
  elems: { at: number; entries: ({ sym: string; sig: string } | null)[] }[];
  /** passive data segments: a length word, then the bytes */
  passive: { at: number; bytes: Uint8Array }[];
  /** the bump heap of the entry's buffer parameters (WASM_HEAP bytes when it has any) */
  heapAt: number;
  /** linear memory's address 0 */
  base: number;
  minPages: number;
  maxPages: number;
  data: { offset: number; bytes: Uint8Array }[];
  initTrap?: string;
  sigIds: Map<string, number>;
}

/** Address of the heap pointer (a word in memory, so every function allocates from it). */
const HEAP_PTR = 16;

class Gen {
  next = 2;
  /** operands naming registers of the callee's frame, which starts where this frame ends */
  private frameRefs: { at: number; k: number; rel: number }[] = [];
  private slots = new Map<Value, number>();
  private rz = 0;
  private r4 = 0;
  private r8 = 0;
  sig: Signature = { params: [], results: [] };
  /** ops that use each value (as operands) */
  private users = new Map<Value, Op[]>();
  /** bytes of fixed regions (array updates done in place) below the heap */
  heapInit = -1;
  /** a function lifted from WebAssembly: constants fold into immediates, zero-extensions alias */
  private wasmFn: boolean;
  /** enclosing cf.block / cf.loop labels, innermost last */
  private labels: { op: Op; slots: number[]; sizes: number[]; top?: number; exits: { at: number; k: number }[]; yields: number[] }[] = [];
  constructor(
    private f: Func,
    private ctx: Ctx,
    private isEntry: boolean,
  ) {
    walkFunc(f, (op) => op.operands.forEach((v) => this.users.set(v, [...(this.users.get(v) ?? []), op])));
    this.wasmFn = f.attrs.noinline === true || f.attrs.wasm_globals !== undefined;
  }
  /** array.set whose source is read only by earlier array.gets of its block and whose result has one user. */
  private linear(op: Op): boolean {
    const [x] = op.operands;
    const blockOps = op.parent?.ops ?? [];
    const at = blockOps.indexOf(op);
    const xu = this.users.get(x) ?? [];
    const ok = xu.every((u) => u === op || (u.name === "array.get" && u.operands[0] === x && u.parent === op.parent && blockOps.indexOf(u) < at));
    // A function may run more than once while a caller holds the array it returned: only the entry.
    return this.isEntry && ok && xu.filter((u) => u === op).length === 1 && op.operands[2] !== x && (this.users.get(op.results[0])?.length ?? 0) <= 1;
  }
  private staticAlloc(bytes: number): number {
    const at = this.ctx.staticEnd;
    this.ctx.staticEnd += (bytes + 7) & ~7;
    return at;
  }

  private refuse(op: Op | undefined, what: string, hint?: string): never {
    throw new Refuse(error("E0680", `the zkvm backend cannot compile ${what}`, op?.loc, hint ?? "supported: i.* on integers up to 32 bits and 64-bit, mem.*, arrays of integers, cf.for/while/if/call, c.assert/assert_eq"));
  }
  private size(t: Type, op?: Op): number {
    if (t.kind === "mem") {
      const w = widthOf(t.elem);
      if (!(w === 1 || w === 8 || w === 16 || w === 32 || w === 64)) this.refuse(op, `a buffer of ${t.elem.kind === "int" ? "i" + w : t.elem.kind}`);
      return 2;
    }
    if (t.kind === "int" && t.width <= 32) return 1;
    // an array value is the address of its elements in linear memory
    if (t.kind === "array" && t.elem.kind === "int" && (t.elem.width <= 32 || t.elem.width === 64)) return 1;
    if (t.kind === "int" && t.width === 64) return 2;
    // a tuple (or struct) is its elements in consecutive registers
    if (t.kind === "tuple") return t.elems.reduce((n, e) => n + this.size(e, op), 0);
    return this.refuse(op, `values of type ${t.kind === "int" ? "i" + t.width : t.kind}`);
  }
  private alloc(n: number): number {
    const s = this.next;
    this.next += n;
    return s;
  }
  private def(v: Value, op?: Op, at?: number): number {
    const s = at ?? this.alloc(this.size(v.type, op));
    if (at !== undefined) this.size(v.type, op);
    this.slots.set(v, s);
    return s;
  }
  private r(v: Value): number {
    const s = this.slots.get(v);
    if (s === undefined) throw new Error("zkvm backend: value used before its definition");
    return s;
  }
  private get code(): number[] {
    return this.ctx.code;
  }
  private emit(op: number, a = 0, b = 0, c = 0): number {
    this.code.push(op, a, b, c);
    return this.code.length / 4 - 1;
  }
  private patch(at: number, k: number, v: number): void {
    this.code[4 * at + k] = v;
  }
  private get here(): number {
    return this.code.length / 4;
  }
  private konst(v: number): number {
    const s = this.alloc(1);
    this.emit(OPC.CONST, s, v | 0);
    return s;
  }

  compile(): void {
    const f = this.f;
    const entry = f.body.blocks[0];
    this.ctx.funcs.set(f.name, this.here);
    if (!this.isEntry) {
      // a called function: parameters at r2.. as the caller placed them; results go back there
      entry.args.forEach((a) => this.def(a));
      // a lifted WebAssembly function sets up the constant registers only when an op of it reads them
      if (!this.wasmFn || needsConstRegs(f)) {
        this.rz = this.konst(0);
        this.r4 = this.konst(4);
        this.r8 = this.konst(8);
      }
      const y = this.block(entry);
      if (y?.name !== "cf.return") this.emit(OPC.RET);
      return this.done();
    }
    this.rz = this.konst(0);
    this.r4 = this.konst(4);
    this.r8 = this.konst(8);
    const h = this.konst(0);
    this.heapInit = this.here - 1;
    this.emit(OPC.SW, h, this.rz, HEAP_PTR);
    entry.args.forEach((a, i) => {
      const name = typeof f.paramAttrs[i]?.name === "string" ? (f.paramAttrs[i].name as string) : `#${i}`;
      const s = this.def(a);
      const t = a.type;
      if (t.kind === "mem") {
        const w = widthOf(t.elem);
        // a buffer the program may write is an output too (as the interpreter reports it)
        const out = f.paramAttrs[i]?.access === "read_write";
        this.sig.params.push(out ? { name, type: { kind: "mem", width: w }, out } : { name, type: { kind: "mem", width: w } });
        this.emit(OPC.ECALL, SYS.READ, this.rz, this.r4);
        this.emit(OPC.LW, s + 1, this.rz, 0);
        const bytes = this.alloc(1);
        const sh = Math.log2(w <= 8 ? 1 : w / 8);
        // a count whose bytes would not fit memory traps here, before the size wraps around
        this.emit(OPC.CHKLTU, TRAP_INPUT, s + 1, this.konst(MAX_MEMORY >> sh));
        this.emit(OPC.SHLI, bytes, s + 1, sh);
        this.heapAlloc(s, bytes);
        this.emit(OPC.ECALL, SYS.READ, s, bytes);
      } else {
        if (t.kind !== "int") this.refuse(undefined, `a program parameter of type ${t.kind} (\`${name}\`)`, "program parameters: integers and byte/integer buffers");
        const w = widthOf(t);
        this.sig.params.push({ name, type: { kind: "int", width: w } });
        this.emit(OPC.ECALL, SYS.READ, this.rz, w === 64 ? this.r8 : this.r4);
        this.emit(w === 64 ? OPC.LD : OPC.LW, s, this.rz, 0);
        if (w < 32) this.emit(OPC.ANDI, s, s, mask(w));
      }
    });
    this.sig.results = f.results.map((t) => {
      this.size(t);
      if (t.kind !== "int") this.refuse(undefined, `a program that returns a ${t.kind}`, "return integers; write buffers to the output as results");
      return { kind: "int", width: t.width } satisfies SigType;
    });
    if (this.ctx.wasm) this.wasmPrologue(this.ctx.wasm);
    // a body that falls off its end returns nothing
    if (this.block(entry)?.name !== "cf.return") this.epilogue([]);
    this.done();
  }

  /** Writes the results, then each `out` buffer (count, elements), and halts. */
  private epilogue(results: readonly Value[]): void {
    results.forEach((v) => {
      const w = widthOf(v.type);
      this.emit(w === 64 ? OPC.SD : OPC.SW, this.r(v), this.rz, 0);
      this.emit(OPC.ECALL, SYS.WRITE, this.rz, w === 64 ? this.r8 : this.r4);
    });
    this.f.body.blocks[0].args.forEach((a, i) => {
      if (!this.sig.params[i]?.out || a.type.kind !== "mem") return;
      const s = this.r(a);
      this.emit(OPC.SW, s + 1, this.rz, 0);
      this.emit(OPC.ECALL, SYS.WRITE, this.rz, this.r4);
      const bytes = this.alloc(1);
      this.emit(OPC.SHLI, bytes, s + 1, Math.log2(elemBytes(widthOf(a.type.elem))));
      this.emit(OPC.ECALL, SYS.WRITE, s, bytes);
    });
    this.emit(OPC.ECALL, SYS.HALT, this.rz, this.rz);
  }

  /** The frame's size is known: place the callee frames of this function's calls above it. */
  private done(): void {
    for (const r of this.frameRefs) this.patch(r.at, r.k, this.next + r.rel);
    this.ctx.maxFrame = Math.max(this.ctx.maxFrame, this.next + 2);
  }

  /** s = heap pointer; heap pointer += bytes (register), rounded up to 8 */
  private heapAlloc(s: number, bytes: number): void {
    const h = this.alloc(1);
    this.emit(OPC.LW, h, this.rz, HEAP_PTR);
    this.emit(OPC.MOV, s, h);
    this.emit(OPC.ADD, h, h, bytes);
    this.emit(OPC.ADDI, h, h, 7);
    this.emit(OPC.ANDI, h, h, -8);
    this.emit(OPC.SW, h, this.rz, HEAP_PTR);
  }

  private call(op: Op): void {
    const name = op.symAttr("callee") ?? "";
    const pre = PRECOMPILE_FNS[name];
    if (pre) return this.precompile(op, pre);
    const callee = this.ctx.m.func(name);
    if (!callee || (callee.kind !== "fn" && callee.kind !== "hint")) this.refuse(op, `a call of @${name}`, "calls of fn items");
    if (!this.ctx.funcs.has(name)) {
      this.ctx.funcs.set(name, -1);
      this.ctx.pending.push(callee);
    }
    let off = 2;
    op.operands.forEach((v) => {
      for (let k = 0; k < this.size(v.type, op); k++) this.frameRefs.push({ at: this.emit(OPC.MOV, 0, this.r(v) + k), k: 1, rel: off++ });
    });
    const at = this.emit(OPC.CALL, 0, 0);
    this.ctx.calls.push({ at, callee: name });
    this.frameRefs.push({ at, k: 2, rel: 0 });
    off = 2;
    const slots = this.resultSlots(op);
    op.results.forEach((r, i) => {
      const s = this.def(r, op, slots?.[i]);
      for (let k = 0; k < this.size(r.type, op); k++) this.frameRefs.push({ at: this.emit(OPC.MOV, s + k, 0), k: 2, rel: off++ });
    });
  }

  /**
   * A call of a std::zkvm function becomes its precompile: the first argument (the state array) is
   * copied to a fresh array, which the ecall updates in place with the second argument's memory; the
   * software body in stdlib/zkvm/mod.cwl is not compiled.
   */
  private precompile(op: Op, pre: Precompiled): void {
    const s = this.def(op.results[0], op);
    this.heapAlloc(s, this.konst(pre.words * pre.esz));
    this.copyWords(s, this.r(op.operands[0]), pre.words, pre.esz);
    let src = op.operands.length > 1 ? this.r(op.operands[1]) : s;
    if (pre.bytes) {
      // (data, at): the block is data[at..at + bytes]; at < len bounds at (len < 2^26), so at + bytes − 1 cannot wrap
      const [data, at] = [this.r(op.operands[1]), this.r(op.operands[2])];
      this.emit(OPC.CHKLTU, TRAP_BOUNDS, at, data + 1);
      const last = this.alloc(1);
      this.emit(OPC.ADDI, last, at, pre.bytes - 1);
      this.emit(OPC.CHKLTU, TRAP_BOUNDS, last, data + 1);
      src = this.alloc(1);
      this.emit(OPC.ADD, src, data, at);
    }
    this.emit(OPC.ECALL, pre.call, s, src);
  }

  /** Moves values into registers as if at once (a yield may swap two loop-carried values). */
  private moves(dsts: number[], srcs: Value[], sizes: number[]): void {
    const words: [number, number][] = [];
    srcs.forEach((v, i) => {
      for (let k = 0; k < sizes[i]; k++) words.push([dsts[i] + k, this.r(v) + k]);
    });
    const ds = new Set(words.map(([d]) => d));
    const clash = words.some(([d, s]) => d !== s && ds.has(s));
    if (!clash) {
      for (const [d, s] of words) if (d !== s) this.emit(OPC.MOV, d, s);
      return;
    }
    const tmp = words.map(([, s]) => {
      const t = this.alloc(1);
      this.emit(OPC.MOV, t, s);
      return t;
    });
    words.forEach(([d], i) => this.emit(OPC.MOV, d, tmp[i]));
  }

  private block(b: Block): Op | undefined {
    for (const op of b.ops) {
      if (op.name === "cf.yield" || op.name === "cf.condition") return op;
      if (op.name === "cf.return" && !this.isEntry) {
        const sizes = this.sizes(op.operands);
        const dsts = sizes.map((_, i) => 2 + sizes.slice(0, i).reduce((a, b) => a + b, 0));
        this.moves(dsts, op.operands, sizes);
        this.emit(OPC.RET);
        return op;
      }
      if (op.name === "cf.return") {
        this.epilogue(op.operands);
        return op;
      }
      this.op(op);
    }
    return undefined;
  }

  private op(op: Op): void {
    const name = op.name;
    const [x, y] = op.operands;
    switch (name) {
      case "cf.for": return this.forLoop(op);
      case "cf.while": return this.whileLoop(op);
      case "cf.if": return this.ifElse(op);
      case "cf.call": return this.call(op);
      case "cf.block": return this.labelled(op);
      case "cf.loop": return this.labelled(op);
      case "cf.br": return this.branch(op, op.operands);
      case "cf.br_if": {
        const target = this.target(op);
        const zero = op.attrs.zero === true;
        const vals = op.operands.slice(1);
        if (this.movesNeeded(target.slots, vals, target.sizes)) {
          const skip = this.emit(zero ? OPC.BNZ : OPC.BEZ, this.r(x), 0);
          this.branch(op, vals);
          this.patch(skip, 2, this.here);
        } else this.jumpTo(target, this.emit(zero ? OPC.BEZ : OPC.BNZ, this.r(x), 0), 2);
        return;
      }
      case "cf.br_table": return this.brTable(op);
      case "cf.trap": {
        this.emit(OPC.TRAP, op.intAttr("code") ?? TRAP_ASSERT);
        return;
      }
      case "wasm.trap_if": {
        const skip = this.emit(OPC.BEZ, this.r(x), 0);
        this.emit(OPC.TRAP, op.intAttr("code") ?? TRAP_ASSERT);
        this.patch(skip, 2, this.here);
        return;
      }
      case "wasm.output":
        for (const v of op.operands) {
          const wide = widthOf(v.type) === 64;
          this.emit(wide ? OPC.SD : OPC.SW, this.r(v), this.rz, 0);
          this.emit(OPC.ECALL, SYS.WRITE, this.rz, wide ? this.r8 : this.r4);
        }
        return;
      case "wasm.load": case "wasm.store": case "wasm.memory_size": case "wasm.memory_grow": case "wasm.memory_copy":
      case "wasm.memory_fill": case "wasm.memory_init": case "wasm.data_drop": case "wasm.table_init": case "wasm.table_copy":
      case "wasm.elem_drop": case "wasm.table_size": case "wasm.global_get": case "wasm.global_set": case "wasm.call_indirect":
      case "wasm.input_len": case "wasm.read_input": case "wasm.write_output": case "wasm.exit":
      case "wasm.sha256_compress": case "wasm.keccak_f": case "wasm.uint256_mulmod": case "wasm.uint256_addmod":
      case "wasm.secp256k1_add": case "wasm.secp256k1_double":
        return this.wasmOp(op);
      case "c.assert": {
        const t = this.alloc(1);
        this.emit(OPC.XORI, t, this.r(x), 1);
        this.guard(t);
        return;
      }
      case "c.assert_eq": {
        if (op.operands.some((v) => v.type.kind !== "int")) this.refuse(op, `${name} on ${x.type.kind} values`);
        const t = this.alloc(1);
        if (widthOf(x.type) === 64) {
          this.emit(OPC.EQ64, t, this.r(x), this.r(y));
          this.emit(OPC.XORI, t, t, 1);
        } else this.emit(OPC.NE, t, this.r(x), this.r(y));
        this.guard(t);
        return;
      }
      case "mem.alloc": {
        const t = op.results[0].type;
        if (op.strAttr("space") === "workgroup") this.refuse(op, "workgroup memory");
        const s = this.def(op.results[0], op);
        const n = op.intAttr("len") ?? 0;
        const esz = t.kind === "mem" ? elemBytes(widthOf(t.elem)) : 1;
        this.emit(OPC.CONST, s + 1, n);
        this.heapAlloc(s, this.konst(n * esz));
        // memory outside the heap's past is zero: a bump allocator never reuses it
        return;
      }
      case "array.make":
      case "array.set": {
        const t = op.results[0].type;
        if (t.kind !== "array") return this.refuse(op, name);
        const esz = widthOf(t.elem) === 64 ? 8 : 4;
        const s = this.def(op.results[0], op);
        const st = esz === 8 ? OPC.SD : OPC.SW;
        if (name === "array.make") {
          this.heapAlloc(s, this.konst(t.len * esz));
          op.operands.forEach((v, i) => this.emit(st, this.r(v), s, i * esz));
        } else if (this.linear(op)) {
          // The old array is dead after this update and the new one has a single user, so no other
          // live value can hold this op's region: one fixed region per op, copied into only when
          // the source is elsewhere (a loop that updates an array carries the region's address).
          this.emit(OPC.CONST, s, this.staticAlloc(t.len * esz));
          const same = this.alloc(1);
          this.emit(OPC.EQ, same, s, this.r(x));
          const skip = this.emit(OPC.BNZ, same, 0);
          this.copyWords(s, this.r(x), t.len, esz);
          this.patch(skip, 2, this.here);
          this.emit(st, this.r(op.operands[2]), this.elemAddr(op, s, y, t.len, esz), 0);
        } else {
          this.heapAlloc(s, this.konst(t.len * esz));
          this.copyWords(s, this.r(x), t.len, esz);
          this.emit(st, this.r(op.operands[2]), this.elemAddr(op, s, y, t.len, esz), 0);
        }
        return;
      }
      case "array.get": {
        const t = x.type;
        if (t.kind !== "array") return this.refuse(op, name);
        const esz = widthOf(t.elem) === 64 ? 8 : 4;
        const addr = this.elemAddr(op, this.r(x), y, t.len, esz);
        const s = this.def(op.results[0], op);
        this.emit(esz === 8 ? OPC.LD : OPC.LW, s, addr, 0);
        return;
      }
      case "tuple.make": {
        const s = this.def(op.results[0], op);
        let off = 0;
        for (const v of op.operands) {
          const n = this.size(v.type, op);
          for (let k = 0; k < n; k++) this.emit(OPC.MOV, s + off + k, this.r(v) + k);
          off += n;
        }
        return;
      }
      case "tuple.get": {
        const t = x.type;
        const idx = op.intAttr("index") ?? 0;
        if (t.kind !== "tuple") return this.refuse(op, name);
        const off = t.elems.slice(0, idx).reduce((n, e) => n + this.size(e, op), 0);
        const s = this.def(op.results[0], op);
        for (let k = 0; k < this.size(t.elems[idx], op); k++) this.emit(OPC.MOV, s + k, this.r(x) + off + k);
        return;
      }
      case "mem.len": {
        const s = this.def(op.results[0], op);
        this.emit(OPC.MOV, s, this.r(x) + 1);
        return;
      }
      case "mem.load":
      case "mem.store": {
        const t = x.type.kind === "mem" ? x.type.elem : x.type;
        const w = widthOf(t);
        if (![1, 8, 16, 32, 64].includes(w)) this.refuse(op, `a buffer of ${t.kind}`);
        const m = this.r(x);
        this.emit(OPC.CHKLTU, TRAP_BOUNDS, this.r(y), m + 1);
        const addr = this.alloc(1);
        const esz = elemBytes(w);
        if (esz === 1) this.emit(OPC.ADD, addr, m, this.r(y));
        else {
          this.emit(OPC.SHLI, addr, this.r(y), Math.log2(esz));
          this.emit(OPC.ADD, addr, addr, m);
        }
        if (name === "mem.load") {
          const s = this.def(op.results[0], op);
          this.emit(esz === 1 ? OPC.LBU : esz === 2 ? OPC.LHU : esz === 4 ? OPC.LW : OPC.LD, s, addr, 0);
          // a bool buffer filled from the input may hold any byte: keep the value an i1
          if (w === 1) this.emit(OPC.ANDI, s, s, 1);
        } else {
          const v = this.r(op.operands[2]);
          this.emit(esz === 1 ? OPC.SB : esz === 2 ? OPC.SH : esz === 4 ? OPC.SW : OPC.SD, v, addr, 0);
        }
        return;
      }
    }
    if (op.dialect !== "i") this.refuse(op, name);
    this.intOp(op);
  }

  /** Copies n elements of esz (4 or 8) bytes from the array at register src to the one at dst. */
  private copyWords(dst: number, src: number, n: number, esz: number): void {
    const t = this.alloc(2);
    for (let i = 0; i < n; i++) {
      this.emit(esz === 8 ? OPC.LD : OPC.LW, t, src, i * esz);
      this.emit(esz === 8 ? OPC.SD : OPC.SW, t, dst, i * esz);
    }
  }

  /** Address of element idx of an array at base, bounds-checked. */
  private elemAddr(op: Op, base: number, idx: Value, len: number, esz: number): number {
    if (idx.type.kind !== "int" || widthOf(idx.type) > 32) this.refuse(op, `${op.name} with a ${idx.type.kind} index`);
    this.emit(OPC.CHKLTU, TRAP_BOUNDS, this.r(idx), this.konst(len));
    const addr = this.alloc(1);
    this.emit(OPC.SHLI, addr, this.r(idx), Math.log2(esz));
    this.emit(OPC.ADD, addr, addr, base);
    return addr;
  }

  /** Traps when register t is not 0. */
  private guard(t: number): void {
    const br = this.emit(OPC.BEZ, t, 0);
    this.emit(OPC.TRAP, TRAP_ASSERT);
    this.patch(br, 2, this.here);
  }

  private intOp(op: Op): void {
    const name = op.name;
    const res = op.results[0];
    const w = widthOf(res.type);
    const ops = op.operands;
    const ow = ops[0] ? widthOf(ops[0].type) : w;
    if (w === 0 || (w > 32 && w !== 64) || (ow > 32 && ow !== 64)) this.refuse(op, `${name} on ${res.type.kind === "int" ? "i" + w : res.type.kind} values`, "integers up to 32 bits, and 64 bits");
    const wide = w === 64;
    const [a, b] = ops.map((v) => this.r(v));
    if (this.wasmFn && this.fast(op, a, w, ow)) return;
    // a one-instruction i32 op may write straight into the register its result goes to next
    const one = this.wasmFn && w === 32 && ow === 32 && ["i.add", "i.sub", "i.mul", "i.and", "i.or", "i.xor", "i.divu", "i.remu"].includes(name);
    const s = this.def(res, op, one ? this.resultSlots(op)?.[0] : undefined);
    const fix = () => {
      if (w < 32) this.emit(OPC.ANDI, s, s, mask(w));
    };
    /** amount % w for shifts (w a power of two) */
    const amount = (): number => {
      if (w === 32) return b;
      if ((w & (w - 1)) !== 0) this.refuse(op, `${name} on i${w} (a width that is not a power of two)`);
      const t = this.alloc(1);
      this.emit(OPC.ANDI, t, b, w - 1);
      return t;
    };
    const sext = (r: number, width: number): number => {
      if (width >= 32) return r;
      const t = this.alloc(1);
      this.emit(OPC.SEXT, t, r, width);
      return t;
    };
    const bin32: Record<string, number> = { "i.add": OPC.ADD, "i.sub": OPC.SUB, "i.mul": OPC.MUL, "i.and": OPC.AND, "i.or": OPC.OR, "i.xor": OPC.XOR, "i.divu": OPC.DIVU, "i.remu": OPC.REMU };
    const bin64: Record<string, number> = { "i.add": OPC.ADD64, "i.sub": OPC.SUB64, "i.mul": OPC.MUL64, "i.and": OPC.AND64, "i.or": OPC.OR64, "i.xor": OPC.XOR64, "i.divu": OPC.DIVU64, "i.remu": OPC.REMU64 };
    switch (name) {
      case "i.const": {
        const v = BigInt.asUintN(w, op.bigAttr("value") ?? 0n);
        // every user takes it as an immediate (fast below): the register is never read
        if (this.wasmFn && w === 32 && (this.users.get(res) ?? []).every((u) => IMM_OPS.has(u.name) && u.operands[1] === res && u.operands[0] !== res && widthOf(u.results[0].type) === 32)) return;
        if (wide) this.emit(OPC.CONST64, s, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
        else this.emit(OPC.CONST, s, Number(v) | 0);
        return;
      }
      case "i.add": case "i.sub": case "i.mul": case "i.and": case "i.or": case "i.xor": case "i.divu": case "i.remu":
        this.emit((wide ? bin64 : bin32)[name], s, a, b);
        if (name !== "i.divu" && name !== "i.remu") fix();
        return;
      case "i.divs": case "i.rems":
        if (wide) {
          this.emit(name === "i.divs" ? OPC.DIVS64 : OPC.REMS64, s, a, b);
          return;
        }
        this.emit(name === "i.divs" ? OPC.DIVS : OPC.REMS, s, sext(a, w), sext(b, w));
        fix();
        return;
      case "i.not":
        if (wide) {
          const t = this.alloc(2);
          this.emit(OPC.CONST64, t, -1, -1);
          this.emit(OPC.XOR64, s, a, t);
        } else this.emit(OPC.XORI, s, a, mask(w));
        return;
      case "i.shl": case "i.shru": case "i.shrs": {
        if (wide) {
          this.emit(name === "i.shl" ? OPC.SHL64 : name === "i.shru" ? OPC.SHRU64 : OPC.SHRS64, s, a, b);
          return;
        }
        const amt = amount();
        if (name === "i.shl") this.emit(OPC.SHL, s, a, amt);
        else if (name === "i.shru") this.emit(OPC.SHRU, s, a, amt);
        else this.emit(OPC.SHRS, s, sext(a, w), amt);
        fix();
        return;
      }
      case "i.rotl": case "i.rotr": {
        if (w === 32) {
          this.emit(name === "i.rotl" ? OPC.ROTL : OPC.ROTR, s, a, b);
          return;
        }
        if (wide) {
          // (x << k) | (x >> (64 − k)), shift amounts mod 64 (k = 0 gives x | x)
          const t = this.alloc(6);
          this.emit(OPC.CONST64, t, 64, 0);
          this.emit(OPC.SUB64, t, t, b);
          const [left, right] = name === "i.rotl" ? [b, t] : [t, b];
          this.emit(OPC.SHL64, t + 2, a, left);
          this.emit(OPC.SHRU64, t + 4, a, right);
          this.emit(OPC.OR64, s, t + 2, t + 4);
          return;
        }
        // narrower: (x << k) | (x >> (w - k)) masked, k = amount mod w (rotr: k = w - amount mod w)
        const k = amount();
        const wr = this.konst(w);
        const rest = this.alloc(1);
        this.emit(OPC.SUB, rest, wr, k);
        const [left, right] = name === "i.rotl" ? [k, rest] : [rest, k];
        const hi = this.alloc(1);
        this.emit(OPC.SHL, hi, a, left);
        this.emit(OPC.SHRU, s, a, right);
        this.emit(OPC.OR, s, s, hi);
        fix();
        return;
      }
      case "i.cmp": return this.cmp(op, s, a, b, ow, sext);
      case "i.clz": case "i.ctz": case "i.popcnt": {
        const code = name === "i.clz" ? OPC.CLZ : name === "i.ctz" ? OPC.CTZ : OPC.POPCNT;
        if (w === 32) {
          this.emit(code, s, a);
          return;
        }
        if (!wide) this.refuse(op, `${name} on i${w}`, "bit counts of i32 and i64");
        const t = this.alloc(2);
        if (name === "i.popcnt") {
          this.emit(code, s, a);
          this.emit(code, t, a + 1);
          this.emit(OPC.ADD, s, s, t);
        } else {
          // clz: the high word's count, or 32 + the low word's when the high word is 0 (ctz: the other way round)
          const [first, second] = name === "i.clz" ? [a + 1, a] : [a, a + 1];
          this.emit(code, s, first);
          this.emit(code, t, second);
          this.emit(OPC.ADDI, t, t, 32);
          this.emit(OPC.EQ, t + 1, first, this.rz);
          this.emit(OPC.CMOVNZ, s, t + 1, t);
        }
        this.emit(OPC.CONST, s + 1, 0);
        return;
      }
      case "i.zext":
        this.emit(OPC.MOV, s, a);
        if (wide && ow < 64) this.emit(OPC.CONST, s + 1, 0);
        return;
      case "i.sext":
        if (wide) {
          if (ow === 64) this.emit(OPC.MOV, s + 1, a + 1);
          this.emit(OPC.SEXT, s, a, Math.min(ow, 32));
          if (ow < 64) this.emit(OPC.SHRSI, s + 1, s, 31);
          return;
        }
        this.emit(OPC.SEXT, s, a, ow);
        fix();
        return;
      case "i.trunc":
        this.emit(OPC.MOV, s, a);
        fix();
        return;
      case "i.select":
        this.emit(OPC.MOV, s, this.r(ops[2]));
        this.emit(OPC.CMOVNZ, s, a, b);
        if (wide) {
          this.emit(OPC.MOV, s + 1, this.r(ops[2]) + 1);
          this.emit(OPC.CMOVNZ, s + 1, a, b + 1);
        }
        return;
    }
    this.refuse(op, name);
  }

  /**
   * Lifted WebAssembly: a zero-extension to i32 and a truncation of an i64 to i32 reuse the operand's
   * (low) register, since narrower values are kept zero-extended and nothing writes a register after
   * its definition except the moves into labels' and loops' registers, which happen where the old
   * value is dead; an i32 op whose second operand is a constant uses the immediate form.
   */
  private fast(op: Op, a: number, w: number, ow: number): boolean {
    const res = op.results[0];
    if ((op.name === "i.zext" && w === 32) || (op.name === "i.trunc" && w === 32 && ow === 64)) {
      this.slots.set(res, a);
      return true;
    }
    const c = op.operands[1]?.definingOp;
    if (w !== 32 || ow !== 32 || c?.name !== "i.const") return false;
    const v = Number(BigInt.asIntN(32, c.bigAttr("value") ?? 0n));
    const imm: Record<string, [number, number]> = {
      "i.add": [OPC.ADDI, v], "i.sub": [OPC.ADDI, -v | 0], "i.and": [OPC.ANDI, v], "i.or": [OPC.ORI, v], "i.xor": [OPC.XORI, v],
      "i.shl": [OPC.SHLI, v & 31], "i.shru": [OPC.SHRUI, v & 31], "i.shrs": [OPC.SHRSI, v & 31],
    };
    const e = imm[op.name];
    if (!e) return false;
    this.emit(e[0], this.def(res, op, this.resultSlots(op)?.[0]), a, e[1]);
    return true;
  }

  private cmp(op: Op, s: number, a: number, b: number, ow: number, sext: (r: number, w: number) => number): void {
    const pred = op.strAttr("pred") ?? "";
    const signed = pred.startsWith("s");
    if (signed && ow < 32) {
      a = sext(a, ow);
      b = sext(b, ow);
    }
    // [opcode, swap operands, negate result]
    const table32: Record<string, [number, boolean, boolean]> = {
      eq: [OPC.EQ, false, false], ne: [OPC.NE, false, false],
      ult: [OPC.LTU, false, false], ugt: [OPC.LTU, true, false], ule: [OPC.LEU, false, false], uge: [OPC.LEU, true, false],
      slt: [OPC.LTS, false, false], sgt: [OPC.LTS, true, false], sle: [OPC.LES, false, false], sge: [OPC.LES, true, false],
    };
    const table64: Record<string, [number, boolean, boolean]> = {
      eq: [OPC.EQ64, false, false], ne: [OPC.EQ64, false, true],
      ult: [OPC.LTU64, false, false], ugt: [OPC.LTU64, true, false], ule: [OPC.LTU64, true, true], uge: [OPC.LTU64, false, true],
      slt: [OPC.LTS64, false, false], sgt: [OPC.LTS64, true, false], sle: [OPC.LTS64, true, true], sge: [OPC.LTS64, false, true],
    };
    const e = (ow === 64 ? table64 : table32)[pred];
    if (!e) this.refuse(op, `i.cmp with predicate ${pred}`);
    const [code, swap, neg] = e;
    this.emit(code, s, swap ? b : a, swap ? a : b);
    if (neg) this.emit(OPC.XORI, s, s, 1);
  }

  private sizes(vs: readonly Value[]): number[] {
    return vs.map((v) => this.size(v.type));
  }

  // --- labelled branches (cf.block / cf.loop / cf.br*): WebAssembly control flow -------------------

  private labelled(op: Op): void {
    const body = op.regions[0].blocks[0];
    const loop = op.name === "cf.loop";
    const sizes = (vs: readonly Value[]) => this.sizes(vs);
    let label: Gen["labels"][number];
    if (loop) {
      const args = body.args.map((a) => this.def(a));
      this.moves(args, op.operands, sizes(op.operands));
      label = { op, slots: args, sizes: sizes(body.args), top: this.here, exits: [], yields: [] };
    } else label = { op, slots: [], sizes: sizes(op.results), exits: [], yields: [] };
    // a cf.loop's results are its fall-through values; a cf.block's also what a cf.br passes. Results
    // that go straight on — yielded as they are by the enclosing label's region, or returned by the
    // function — take the registers they go to, so no move is needed there.
    const at = this.resultSlots(op);
    const res = op.results.map((r, i) => this.def(r, op, at?.[i]));
    label.yields = res;
    if (!loop) label.slots = res;
    this.labels.push(label);
    const y = this.block(body);
    if (y?.name === "cf.yield") this.moves(res, y.operands, sizes(op.results));
    this.labels.pop();
    for (const e of label.exits) this.patch(e.at, e.k, this.here);
  }

  /** Registers for the results of a cf.block / cf.loop that the next op passes on unchanged. */
  private resultSlots(op: Op): number[] | undefined {
    if (!this.wasmFn || !op.parent) return undefined;
    const ops = op.parent.ops;
    const next = ops[ops.indexOf(op) + 1];
    if (!next || next.operands.length !== op.results.length || next.operands.some((v, i) => v !== op.results[i])) return undefined;
    if (next.name === "cf.return" && !this.isEntry && op.parent === this.f.body.blocks[0]) {
      const sizes = this.sizes(op.results);
      return sizes.map((_, i) => 2 + sizes.slice(0, i).reduce((a, b) => a + b, 0));
    }
    const outer = this.labels[this.labels.length - 1];
    if (next.name === "cf.yield" && outer && op.parent.parent?.parent === outer.op) return outer.yields;
    return undefined;
  }

  private target(op: Op, depth = op.intAttr("depth") ?? 0): Gen["labels"][number] {
    const l = this.labels[this.labels.length - 1 - depth];
    if (!l) this.refuse(op, `${op.name} to depth ${depth} outside its labels`);
    return l;
  }

  private movesNeeded(dsts: number[], srcs: readonly Value[], sizes: number[]): boolean {
    return srcs.some((v, i) => this.r(v) !== dsts[i]) && sizes.some((n) => n > 0);
  }

  /** Makes the instruction at `at` (its operand k) go to the label: a loop's start, a block's end. */
  private jumpTo(l: Gen["labels"][number], at: number, k: number): void {
    if (l.top !== undefined) this.patch(at, k, l.top);
    else l.exits.push({ at, k });
  }

  private branch(op: Op, vals: readonly Value[]): void {
    const l = this.target(op);
    this.moves(l.slots, [...vals], this.sizes(vals));
    this.jumpTo(l, this.emit(OPC.JMP, 0), 1);
  }

  /** A jump table: instruction BASE + i is a jmp to target i; out of range goes to the default. */
  private brTable(op: Op): void {
    const idx = this.r(op.operands[0]);
    const depths = Array.isArray(op.attrs.depths) ? (op.attrs.depths as bigint[]).map(Number) : [];
    const def = this.target(op, op.intAttr("default") ?? 0);
    if (depths.length) {
      const inRange = this.alloc(1);
      this.emit(OPC.LTU, inRange, idx, this.konst(depths.length));
      this.jumpTo(def, this.emit(OPC.BEZ, inRange, 0), 2);
      const t = this.alloc(1);
      this.emit(OPC.ADDI, t, idx, this.here + 2);
      this.emit(OPC.JMPR, t);
      for (const d of depths) this.jumpTo(this.target(op, d), this.emit(OPC.JMP, 0), 1);
    } else this.jumpTo(def, this.emit(OPC.JMP, 0), 1);
  }

  // --- WebAssembly state: memory, globals, tables ------------------------------------------------

  /** Sets up the module's state: memory size, globals, table entries, passive segments. */
  private wasmPrologue(w: WasmLayout): void {
    if (w.initTrap) {
      this.emit(OPC.TRAP, TRAP_INIT);
      return;
    }
    const pages = this.konst(w.minPages);
    this.emit(OPC.SW, pages, this.rz, PAGES_ADDR);
    this.emit(OPC.ECALL, SYS.MEM_BOUND, this.konst(w.base + w.minPages * PAGE), this.rz);
    const t = this.alloc(2);
    w.globals.forEach((g, i) => {
      if (g.value === 0n) return;
      if (g.width === 64) {
        this.emit(OPC.CONST64, t, Number(g.value & 0xffffffffn) | 0, Number(g.value >> 32n) | 0);
        this.emit(OPC.SD, t, this.rz, w.globalsAt + 8 * i);
      } else {
        this.emit(OPC.CONST, t, Number(g.value) | 0);
        this.emit(OPC.SW, t, this.rz, w.globalsAt + 8 * i);
      }
    });
    const entries = (es: ({ sym: string; sig: string } | null)[], at: number) =>
      es.forEach((e, k) => {
        if (!e) return;
        this.ctx.addrConsts.push({ at: this.emit(OPC.CONST, t, 0), callee: this.queue(e.sym) });
        this.emit(OPC.SW, t, this.rz, at + 8 * k);
        this.emit(OPC.CONST, t, this.sigId(e.sig));
        this.emit(OPC.SW, t, this.rz, at + 8 * k + 4);
      });
    entries(w.table, w.tableAt);
    for (const el of w.elems) {
      this.emit(OPC.CONST, t, el.entries.length);
      this.emit(OPC.SW, t, this.rz, el.at);
      entries(el.entries, el.at + 8);
    }
    for (const d of w.passive) {
      this.emit(OPC.CONST, t, d.bytes.length);
      this.emit(OPC.SW, t, this.rz, d.at);
      for (let k = 0; k < d.bytes.length; k += 4) {
        const v = d.bytes[k] | ((d.bytes[k + 1] ?? 0) << 8) | ((d.bytes[k + 2] ?? 0) << 16) | ((d.bytes[k + 3] ?? 0) << 24);
        if (v === 0) continue;
        this.emit(OPC.CONST, t, v);
        this.emit(OPC.SW, t, this.rz, d.at + 4 + k);
      }
    }
  }

  private sigId(sig: string): number {
    const ids = this.ctx.wasm!.sigIds;
    if (!ids.has(sig)) ids.set(sig, ids.size + 1);
    return ids.get(sig)!;
  }

  /** Queues a function for compilation (a callee, or a table entry) and gives its name back. */
  private queue(name: string): string {
    const callee = this.ctx.m.func(name);
    if (!callee || (callee.kind !== "fn" && callee.kind !== "hint")) this.refuse(undefined, `a reference to @${name}`, "calls of fn items");
    if (!this.ctx.funcs.has(name)) {
      this.ctx.funcs.set(name, -1);
      this.ctx.pending.push(callee);
    }
    return name;
  }

  /** Traps (code) unless start + n ≤ size, all unsigned registers. */
  private checkRange(code: number, start: number, n: number, size: number): void {
    const t = this.alloc(2);
    this.emit(OPC.ADDI, t, size, 1);
    this.emit(OPC.CHKLTU, code, n, t);
    this.emit(OPC.SUB, t + 1, size, n);
    this.emit(OPC.ADDI, t + 1, t + 1, 1);
    this.emit(OPC.CHKLTU, code, start, t + 1);
  }

  /** A byte (or 8-byte entry) loop copying n units from src to dst, backwards when dst > src (memmove). */
  private copyLoop(dst: number, src: number, n: number, unit: 1 | 8, dstOff: number, srcOff: number): void {
    const [i, p, q, v, c] = [this.alloc(1), this.alloc(1), this.alloc(1), this.alloc(2), this.alloc(1)];
    const ld = unit === 1 ? OPC.LBU : OPC.LD;
    const st = unit === 1 ? OPC.SB : OPC.SD;
    const sh = unit === 1 ? 0 : 3;
    this.emit(OPC.LTU, c, src, dst);
    const back = this.emit(OPC.BNZ, c, 0);
    // forward
    this.emit(OPC.CONST, i, 0);
    let top = this.here;
    this.emit(OPC.LTU, c, i, n);
    let exit = this.emit(OPC.BEZ, c, 0);
    this.emit(OPC.ADD, p, src, i);
    this.emit(OPC.ADD, q, dst, i);
    if (sh) { this.emit(OPC.SHLI, p, p, sh); this.emit(OPC.SHLI, q, q, sh); }
    this.emit(ld, v, p, srcOff);
    this.emit(st, v, q, dstOff);
    this.emit(OPC.ADDI, i, i, 1);
    this.emit(OPC.JMP, top);
    const done = this.emit(OPC.JMP, 0);
    this.patch(exit, 2, done);
    // backward
    this.patch(back, 2, this.here);
    this.emit(OPC.MOV, i, n);
    top = this.here;
    exit = this.emit(OPC.BEZ, i, 0);
    this.emit(OPC.ADDI, i, i, -1);
    this.emit(OPC.ADD, p, src, i);
    this.emit(OPC.ADD, q, dst, i);
    if (sh) { this.emit(OPC.SHLI, p, p, sh); this.emit(OPC.SHLI, q, q, sh); }
    this.emit(ld, v, p, srcOff);
    this.emit(st, v, q, dstOff);
    this.emit(OPC.JMP, top);
    this.patch(exit, 2, this.here);
    this.patch(done, 1, this.here);
  }

  private memBytes(): number {
    const s = this.alloc(1);
    this.emit(OPC.LW, s, this.rz, PAGES_ADDR);
    this.emit(OPC.SHLI, s, s, 16);
    return s;
  }

  private wasmOp(op: Op): void {
    const w = this.ctx.wasm;
    if (!w) return this.refuse(op, `${op.name} outside a program lifted from WebAssembly`);
    const name = op.name;
    const ops = op.operands.map((v) => (op.name === "wasm.call_indirect" ? 0 : this.r(v)));
    switch (name) {
      case "wasm.load": {
        const bytes = op.intAttr("bytes") ?? 4;
        const off = op.bigAttr("offset") ?? 0n;
        const res = op.results[0];
        const s = this.def(res, op);
        const wide = widthOf(res.type) === 64;
        if (off + BigInt(w.base) >= 1n << 31n) {
          this.emit(OPC.TRAP, TRAP_MEM);
          return;
        }
        const imm = Number(off) + w.base;
        const signed = op.attrs.signed === true;
        const ld = bytes === 1 ? (signed ? OPC.LB : OPC.LBU) : bytes === 2 ? (signed ? OPC.LH : OPC.LHU) : bytes === 4 ? OPC.LW : OPC.LD;
        this.emit(ld, s, ops[0], imm);
        if (wide && bytes < 8) {
          if (signed) this.emit(OPC.SHRSI, s + 1, s, 31);
          else this.emit(OPC.CONST, s + 1, 0);
        }
        return;
      }
      case "wasm.store": {
        const bytes = op.intAttr("bytes") ?? 4;
        const off = op.bigAttr("offset") ?? 0n;
        if (off + BigInt(w.base) >= 1n << 31n) {
          this.emit(OPC.TRAP, TRAP_MEM);
          return;
        }
        const st = bytes === 1 ? OPC.SB : bytes === 2 ? OPC.SH : bytes === 4 ? OPC.SW : OPC.SD;
        this.emit(st, ops[1], ops[0], Number(off) + w.base);
        return;
      }
      case "wasm.memory_size":
        this.emit(OPC.LW, this.def(op.results[0], op), this.rz, PAGES_ADDR);
        return;
      case "wasm.memory_grow": {
        const s = this.def(op.results[0], op);
        const [old, room, ok] = [this.alloc(1), this.alloc(1), this.alloc(1)];
        this.emit(OPC.CONST, s, -1);
        this.emit(OPC.LW, old, this.rz, PAGES_ADDR);
        this.emit(OPC.SUB, room, this.konst(w.maxPages), old);
        this.emit(OPC.LEU, ok, ops[0], room);
        const skip = this.emit(OPC.BEZ, ok, 0);
        this.emit(OPC.ADD, room, old, ops[0]);
        this.emit(OPC.SW, room, this.rz, PAGES_ADDR);
        this.emit(OPC.SHLI, room, room, 16);
        this.emit(OPC.ADDI, room, room, w.base);
        this.emit(OPC.ECALL, SYS.MEM_BOUND, room, this.rz);
        this.emit(OPC.MOV, s, old);
        this.patch(skip, 2, this.here);
        return;
      }
      case "wasm.memory_copy": {
        const size = this.memBytes();
        this.checkRange(TRAP_MEM, ops[1], ops[2], size);
        this.checkRange(TRAP_MEM, ops[0], ops[2], size);
        this.copyLoop(ops[0], ops[1], ops[2], 1, w.base, w.base);
        return;
      }
      case "wasm.memory_fill": {
        const size = this.memBytes();
        this.checkRange(TRAP_MEM, ops[0], ops[2], size);
        const [i, p, c] = [this.alloc(1), this.alloc(1), this.alloc(1)];
        this.emit(OPC.CONST, i, 0);
        const top = this.here;
        this.emit(OPC.LTU, c, i, ops[2]);
        const exit = this.emit(OPC.BEZ, c, 0);
        this.emit(OPC.ADD, p, ops[0], i);
        this.emit(OPC.SB, ops[1], p, w.base);
        this.emit(OPC.ADDI, i, i, 1);
        this.emit(OPC.JMP, top);
        this.patch(exit, 2, this.here);
        return;
      }
      case "wasm.memory_init": case "wasm.table_init": {
        const k = op.intAttr("segment") ?? 0;
        const table = name === "wasm.table_init";
        const seg = table ? w.elems[k] : w.passive[k];
        const len = this.alloc(1);
        // an active or declarative segment counts as dropped: length 0
        if (seg) this.emit(OPC.LW, len, this.rz, seg.at);
        else this.emit(OPC.CONST, len, 0);
        this.checkRange(table ? TRAP_TABLE : TRAP_MEM, ops[1], ops[2], len);
        this.checkRange(table ? TRAP_TABLE : TRAP_MEM, ops[0], ops[2], table ? this.konst(w.table.length) : this.memBytes());
        if (seg) this.copyLoop(ops[0], ops[1], ops[2], table ? 8 : 1, table ? w.tableAt : w.base, seg.at + (table ? 8 : 4));
        return;
      }
      case "wasm.data_drop": case "wasm.elem_drop": {
        const k = op.intAttr("segment") ?? 0;
        const seg = name === "wasm.elem_drop" ? w.elems[k] : w.passive[k];
        if (seg) this.emit(OPC.SW, this.rz, this.rz, seg.at);
        return;
      }
      case "wasm.table_copy": {
        const size = this.konst(w.table.length);
        this.checkRange(TRAP_TABLE, ops[1], ops[2], size);
        this.checkRange(TRAP_TABLE, ops[0], ops[2], size);
        this.copyLoop(ops[0], ops[1], ops[2], 8, w.tableAt, w.tableAt);
        return;
      }
      case "wasm.table_size":
        this.emit(OPC.CONST, this.def(op.results[0], op), w.table.length);
        return;
      case "wasm.global_get": {
        const res = op.results[0];
        const k = op.intAttr("index") ?? 0;
        this.emit(widthOf(res.type) === 64 ? OPC.LD : OPC.LW, this.def(res, op), this.rz, w.globalsAt + 8 * k);
        return;
      }
      case "wasm.global_set": {
        const v = op.operands[0];
        const k = op.intAttr("index") ?? 0;
        this.emit(widthOf(v.type) === 64 ? OPC.SD : OPC.SW, this.r(v), this.rz, w.globalsAt + 8 * k);
        return;
      }
      case "wasm.call_indirect": return this.callIndirect(op, w);
      case "wasm.input_len":
        this.emit(OPC.ECALL, SYS.INPUT_LEN, this.def(op.results[0], op), this.rz);
        return;
      case "wasm.read_input": case "wasm.write_output": {
        this.checkRange(TRAP_MEM, ops[0], ops[1], this.memBytes());
        const at = this.alloc(1);
        this.emit(OPC.ADDI, at, ops[0], w.base);
        this.emit(OPC.ECALL, name === "wasm.read_input" ? SYS.READ : SYS.WRITE, at, ops[1]);
        return;
      }
      case "wasm.exit":
        this.emit(OPC.ECALL, SYS.HALT, ops[0], this.rz);
        return;
      case "wasm.sha256_compress": case "wasm.keccak_f": case "wasm.uint256_mulmod": case "wasm.uint256_addmod":
      case "wasm.secp256k1_add": case "wasm.secp256k1_double": {
        // guest addresses checked against the guest's memory, then moved to the VM's
        const [call, bytes] = WASM_PRECOMPILES[name];
        const size = this.memBytes();
        const at = ops.map((r, i) => {
          this.checkRange(TRAP_MEM, r, this.konst(bytes[i]), size);
          const t = this.alloc(1);
          this.emit(OPC.ADDI, t, r, w.base);
          return t;
        });
        this.emit(OPC.ECALL, call, at[0], at[at.length - 1]);
        return;
      }
    }
  }

  /** Checks the table entry (in range, not empty, same signature), then calls its function. */
  private callIndirect(op: Op, w: WasmLayout): void {
    const args = op.operands.slice(0, -1);
    const idx = this.r(op.operands[op.operands.length - 1]);
    this.emit(OPC.CHKLTU, TRAP_TABLE, idx, this.konst(w.table.length));
    const [e, target, sig, ok] = [this.alloc(1), this.alloc(1), this.alloc(1), this.alloc(1)];
    this.emit(OPC.SHLI, e, idx, 3);
    this.emit(OPC.LW, sig, e, w.tableAt + 4);
    this.emit(OPC.EQ, ok, sig, this.konst(this.sigId(op.strAttr("sig") ?? "")));
    const good = this.emit(OPC.BNZ, ok, 0);
    const empty = this.emit(OPC.BEZ, sig, 0);
    this.emit(OPC.TRAP, TRAP_SIG);
    this.patch(empty, 2, this.here);
    this.emit(OPC.TRAP, TRAP_NULL);
    this.patch(good, 2, this.here);
    this.emit(OPC.LW, target, e, w.tableAt);
    let off = 2;
    for (const v of args) for (let k = 0; k < this.size(v.type, op); k++) this.frameRefs.push({ at: this.emit(OPC.MOV, 0, this.r(v) + k), k: 1, rel: off++ });
    this.frameRefs.push({ at: this.emit(OPC.CALLI, target, 0), k: 2, rel: 0 });
    off = 2;
    const slots = this.resultSlots(op);
    op.results.forEach((r, i) => {
      const s = this.def(r, op, slots?.[i]);
      for (let k = 0; k < this.size(r.type, op); k++) this.frameRefs.push({ at: this.emit(OPC.MOV, s + k, 0), k: 2, rel: off++ });
    });
  }

  private forLoop(op: Op): void {
    const lo = op.bigAttr("lo") ?? 0n;
    const hi = op.bigAttr("hi") ?? 0n;
    const step = op.bigAttr("step") ?? 1n;
    if (lo < 0n || hi < 0n || step <= 0n || hi + step > 0xffffffffn) this.refuse(op, `cf.for over ${lo}..${hi} step ${step}`, "bounds within u32");
    const body = op.regions[0].blocks[0];
    const [iv, ...carried] = body.args;
    const ivs = this.def(iv);
    const slots = carried.map((a) => this.def(a));
    this.moves(slots, op.operands, this.sizes(op.operands));
    op.results.forEach((r, i) => this.def(r, op, slots[i]));
    const rhi = this.konst(Number(hi));
    this.emit(OPC.CONST, ivs, Number(lo) | 0);
    const top = this.here;
    const t = this.alloc(1);
    this.emit(OPC.LTU, t, ivs, rhi);
    const exit = this.emit(OPC.BEZ, t, 0);
    const y = this.block(body);
    if (y?.name !== "cf.yield") this.refuse(op, "a cf.for body that does not end in cf.yield");
    this.moves(slots, y.operands, this.sizes(y.operands));
    this.emit(OPC.ADDI, ivs, ivs, Number(step));
    this.emit(OPC.JMP, top);
    this.patch(exit, 2, this.here);
  }

  private whileLoop(op: Op): void {
    const before = op.regions[0].blocks[0];
    const after = op.regions[1].blocks[0];
    const bslots = before.args.map((a) => this.def(a));
    this.moves(bslots, op.operands, this.sizes(op.operands));
    const aslots = after.args.map((a) => this.def(a));
    op.results.forEach((r, i) => this.def(r, op, aslots[i]));
    const top = this.here;
    const c = this.block(before);
    if (c?.name !== "cf.condition") this.refuse(op, "a cf.while whose first region does not end in cf.condition");
    const [cond, ...vals] = c.operands;
    this.moves(aslots, vals, this.sizes(vals));
    const exit = this.emit(OPC.BEZ, this.r(cond), 0);
    const y = this.block(after);
    if (y?.name !== "cf.yield") this.refuse(op, "a cf.while body that does not end in cf.yield");
    this.moves(bslots, y.operands, this.sizes(y.operands));
    this.emit(OPC.JMP, top);
    this.patch(exit, 2, this.here);
  }

  private ifElse(op: Op): void {
    const slots = op.results.map((r) => this.def(r, op));
    const sizes = this.sizes(op.results);
    const br = this.emit(OPC.BEZ, this.r(op.operands[0]), 0);
    const arm = (k: number) => {
      const blk = op.regions[k]?.blocks[0];
      if (!blk) return;
      const y = this.block(blk);
      if (y?.name === "cf.yield") this.moves(slots, y.operands, sizes);
    };
    arm(0);
    const j = this.emit(OPC.JMP, 0);
    this.patch(br, 2, this.here);
    arm(1);
    this.patch(j, 1, this.here);
  }
}

/** i32 ops the backend gives an immediate form when their second operand is a constant (Gen.fast). */
const IMM_OPS = new Set(["i.add", "i.sub", "i.and", "i.or", "i.xor", "i.shl", "i.shru", "i.shrs"]);

const mask = (w: number) => (w >= 32 ? -1 : (2 ** w - 1) | 0);
/** WebAssembly precompile imports: the call number and the bytes each address operand names */
const WASM_PRECOMPILES: Record<string, [number, number[]]> = {
  "wasm.sha256_compress": [PRECOMPILE.SHA256_COMPRESS, [32, 64]],
  "wasm.keccak_f": [PRECOMPILE.KECCAK_F, [200]],
  "wasm.uint256_mulmod": [PRECOMPILE.UINT256_MULMOD, [32, 64]],
  "wasm.uint256_addmod": [PRECOMPILE.UINT256_ADDMOD, [32, 64]],
  "wasm.secp256k1_add": [PRECOMPILE.SECP256K1_ADD, [64, 64]],
  "wasm.secp256k1_double": [PRECOMPILE.SECP256K1_DOUBLE, [64]],
};

/** A std::zkvm function (stdlib/zkvm/mod.cwl) that compiles to a precompile: its call number, the
 * state array's length and element size and, for a block taken from a buffer (`data: Bytes, at: u32`),
 * the block's bytes */
interface Precompiled { call: number; words: number; esz: number; bytes?: number }
const PRECOMPILE_FNS: Record<string, Precompiled> = {
  "std.zkvm.sha256_compress": { call: PRECOMPILE.SHA256_COMPRESS_WORDS, words: 8, esz: 4 },
  "std.zkvm.sha256_compress_bytes": { call: PRECOMPILE.SHA256_COMPRESS, words: 8, esz: 4, bytes: 64 },
  "std.zkvm.keccak_f": { call: PRECOMPILE.KECCAK_F, words: 25, esz: 8 },
};

const elemBytes = (w: number) => (w <= 8 ? 1 : w <= 16 ? 2 : w <= 32 ? 4 : 8);

/** The memory layout of a lifted WebAssembly module, from the entry program's wasm_* attributes. */
function wasmLayout(f: Func, opts: ZkvmOptions): WasmLayout {
  const list = (k: string): Attr[] => (Array.isArray(f.attrs[k]) ? (f.attrs[k] as Attr[]) : []);
  const entry = (a: Attr) => (Array.isArray(a) && isSymRef(a[0]) && typeof a[1] === "string" ? { sym: a[0].sym, sig: a[1] } : null);
  const globals = list("wasm_globals").map((g) => {
    const [w, v] = g as bigint[];
    return { width: Number(w), value: v };
  });
  let at = HEAP_BASE;
  const globalsAt = at;
  at += 8 * globals.length;
  const table = list("wasm_table").map(entry);
  const tableAt = at;
  at += 8 * table.length;
  const elems = list("wasm_elems").map((es) => {
    const entries = (es as Attr[]).map(entry);
    const seg = { at, entries };
    at += 8 + 8 * entries.length;
    return seg;
  });
  const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
  const passive = list("wasm_passive").map((h) => {
    const bytes = fromHex(h as string);
    const seg = { at, bytes };
    at += (4 + bytes.length + 7) & ~7;
    return seg;
  });
  // buffers the entry reads from the input (a test script's `run` flags) go on a small heap below
  // linear memory, which no WebAssembly access can reach
  const heapAt = at;
  if (f.args.some((a) => a.type.kind === "mem")) at += WASM_HEAP;
  const base = (at + 15) & ~15;
  const mem = list("wasm_memory").map(Number);
  const cap = Math.floor(((opts.memory ?? MAX_MEMORY) - base) / PAGE);
  const minPages = mem[0] ?? 0;
  if (minPages > cap) throw new Refuse(error("E0680", `the zkvm backend cannot give the module its ${minPages} pages of memory: at most ${cap} pages (${MAX_MEMORY >> 20} MiB) fit`, undefined, "declare less memory"));
  const maxPages = Math.max(minPages, Math.min(mem[1] ?? cap, cap));
  const data = list("wasm_data").map((d) => {
    const [o, h] = d as [bigint, string];
    return { offset: Number(o), bytes: fromHex(h) };
  });
  const initTrap = typeof f.attrs.wasm_init_trap === "string" ? f.attrs.wasm_init_trap : undefined;
  return { globals, globalsAt, table, tableAt, elems, passive, heapAt, base, minPages, maxPages, data, initTrap, sigIds: new Map() };
}

/** Does a function read the constant registers (0, 4, 8) the backend keeps in every frame? */
function needsConstRegs(f: Func): boolean {
  const free = new Set(["wasm.load", "wasm.store", "wasm.call_indirect", "wasm.trap_if", "wasm.table_size", "cf.block", "cf.loop", "cf.br", "cf.br_if", "cf.br_table", "cf.trap", "cf.call", "cf.yield", "cf.return"]);
  let needs = false;
  walkFunc(f, (op) => {
    if (free.has(op.name)) return;
    if (op.dialect === "i" && op.name !== "i.clz" && op.name !== "i.ctz" && op.name !== "i.not") return;
    needs = true;
  });
  return needs;
}

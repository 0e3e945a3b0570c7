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
import { type Block, type Func, type Module, type Op, type Type, type Value, walkFunc } from "../../compiler/ir/index.ts";
import { MAX_MEMORY, OPC, type Program, SYS, type SigType, type Signature, encode } from "../../runtime/zkvm/index.ts";

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
    const ctx: Ctx = { m, code: [], staticEnd: HEAP_BASE, funcs: new Map(), pending: [], calls: [], maxFrame: 2 };
    const g = new Gen(f, ctx, true);
    g.compile();
    while (ctx.pending.length) new Gen(ctx.pending.shift()!, ctx, false).compile();
    for (const c of ctx.calls) ctx.code[4 * c.at + 1] = ctx.funcs.get(c.callee)!;
    ctx.code[4 * g.heapInit + 2] = ctx.staticEnd;
    const program: Program = {
      entry: 0,
      memSize: opts.memory ?? 1 << 24,
      regs: Math.max(opts.regs ?? 1 << 16, 2 * ctx.maxFrame + 2),
      code: Int32Array.from(ctx.code),
      dataAddr: 0,
      data: new Uint8Array(0),
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
  constructor(
    private f: Func,
    private ctx: Ctx,
    private isEntry: boolean,
  ) {
    walkFunc(f, (op) => op.operands.forEach((v) => this.users.set(v, [...(this.users.get(v) ?? []), op])));
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
      this.rz = this.konst(0);
      this.r4 = this.konst(4);
      this.r8 = this.konst(8);
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
    op.results.forEach((r) => {
      const s = this.def(r, op);
      for (let k = 0; k < this.size(r.type, op); k++) this.frameRefs.push({ at: this.emit(OPC.MOV, s + k, 0), k: 2, rel: off++ });
    });
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
    const s = this.def(res, op);
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
        if (wide) this.refuse(op, `${name} on i64`, "rotations of integers up to 32 bits");
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

const mask = (w: number) => (w >= 32 ? -1 : (2 ** w - 1) | 0);
const elemBytes = (w: number) => (w <= 8 ? 1 : w <= 16 ? 2 : w <= 32 ? 4 : 8);

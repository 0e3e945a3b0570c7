// The WebAssembly binary format (core spec §5): sections → a WasmModule that keeps each function body
// as a byte range (lift.ts decodes and validates the instructions). Every malformed input is a
// WasmError with its byte offset, never an exception of another kind: the fuzz test feeds it random
// and mutated modules. Names come from the `name` custom section, for diagnostics.

export class WasmError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** the function the error is in, when it is in a body */
    readonly func?: number,
  ) {
    super(message);
  }
}

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";
export interface FuncType {
  params: ValType[];
  results: ValType[];
}
export interface Limits {
  min: number;
  max?: number;
}
export interface Import {
  module: string;
  name: string;
  kind: "func" | "table" | "memory" | "global";
  /** type index (func), or the table/memory/global description */
  type?: number;
  global?: { type: ValType; mutable: boolean };
  limits?: Limits;
}
/** A constant expression, evaluated: its type and value (bits), or the function a ref.func names. */
export interface ConstExpr {
  type: ValType;
  value: bigint;
  /** ref.func's function (null for ref.null) */
  func?: number | null;
  /** reads an imported global, whose value the module does not know */
  imported?: boolean;
}
export interface Global {
  type: ValType;
  mutable: boolean;
  init: ConstExpr;
  offset: number;
}
export interface Elem {
  mode: "active" | "passive" | "declarative";
  table: number;
  offset?: ConstExpr;
  /** function index per entry, or null for ref.null */
  funcs: (number | null)[];
  type: ValType;
  at: number;
}
export interface Data {
  mode: "active" | "passive";
  offset?: ConstExpr;
  bytes: Uint8Array;
  at: number;
}
export interface Body {
  locals: ValType[];
  /** byte range of the instructions (up to and including the final `end`) */
  start: number;
  end: number;
}
export interface WasmModule {
  bytes: Uint8Array;
  types: FuncType[];
  imports: Import[];
  /** type index of every function, imported ones first */
  funcs: number[];
  importedFuncs: number;
  tables: { type: ValType; limits: Limits }[];
  memories: Limits[];
  globals: Global[];
  importedGlobals: number;
  exports: { name: string; kind: "func" | "table" | "memory" | "global"; index: number }[];
  start?: number;
  elems: Elem[];
  datas: Data[];
  dataCount?: number;
  bodies: Body[];
  /** function index → name from the name section */
  names: Map<number, string>;
}

const MAX_PAGES = 65536;
/** Limits that keep a hostile module from asking for huge allocations while decoding. */
const MAX_ITEMS = 1_000_000;
const MAX_LOCALS = 50_000;

export class Reader {
  pos: number;
  constructor(
    readonly b: Uint8Array,
    pos = 0,
    readonly end = b.length,
    /** function index for errors inside a body */
    public func?: number,
  ) {
    this.pos = pos;
  }
  fail(msg: string, at = this.pos): never {
    throw new WasmError(msg, at, this.func);
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  byte(): number {
    if (this.pos >= this.end) this.fail("unexpected end of the section or function");
    return this.b[this.pos++];
  }
  bytes(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail(`unexpected end: ${n} bytes needed, ${this.end - this.pos} left`);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** Unsigned LEB128 of at most `bits` bits. */
  u(bits = 32): number {
    const at = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      if (i >= Math.ceil(bits / 7)) this.fail("integer representation too long", at);
      const x = this.byte();
      result |= BigInt(x & 0x7f) << shift;
      shift += 7n;
      if (!(x & 0x80)) {
        if (i === Math.ceil(bits / 7) - 1 && x >> (bits - 7 * i) !== 0) this.fail("integer too large", at);
        break;
      }
    }
    return Number(result);
  }
  /** Signed LEB128 of `bits` bits, as a bigint in [−2^(bits−1), 2^(bits−1)). */
  s(bits: number): bigint {
    const at = this.pos;
    let result = 0n;
    let shift = 0;
    const max = Math.ceil(bits / 7);
    for (let i = 0; ; i++) {
      if (i >= max) this.fail("integer representation too long", at);
      const x = this.byte();
      result |= BigInt(x & 0x7f) << BigInt(shift);
      shift += 7;
      if (!(x & 0x80)) {
        if (i === max - 1) {
          // the unused bits of the last byte must all equal the sign bit
          const used = bits - 7 * i;
          const rest = x >> (used - 1);
          if (rest !== 0 && rest !== (0x7f >> (used - 1))) this.fail("integer too large", at);
        }
        if (shift < 64 + 7 && x & 0x40) result -= 1n << BigInt(shift);
        break;
      }
    }
    return BigInt.asIntN(bits, result);
  }
  count(what: string): number {
    const at = this.pos;
    const n = this.u();
    if (n > MAX_ITEMS || n > this.end - this.pos + 1) this.fail(`${what} count ${n} is larger than what follows`, at);
    return n;
  }
  name(): string {
    const n = this.u();
    const at = this.pos;
    const raw = this.bytes(n);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(raw);
    } catch {
      return this.fail("malformed UTF-8 encoding", at);
    }
  }
  u32le(): number {
    const v = this.bytes(4);
    return (v[0] | (v[1] << 8) | (v[2] << 16) | (v[3] << 24)) >>> 0;
  }
  u64le(): bigint {
    const lo = BigInt(this.u32le());
    return (BigInt(this.u32le()) << 32n) | lo;
  }
}

export function valType(r: Reader): ValType {
  const at = r.pos;
  const t = r.byte();
  switch (t) {
    case 0x7f: return "i32";
    case 0x7e: return "i64";
    case 0x7d: return "f32";
    case 0x7c: return "f64";
    case 0x7b: return "v128";
    case 0x70: return "funcref";
    case 0x6f: return "externref";
  }
  return r.fail(`malformed value type 0x${t.toString(16)}`, at);
}

function limits(r: Reader, maxMin: number, what: string): Limits {
  const at = r.pos;
  const flag = r.byte();
  if (flag > 1) r.fail(`malformed ${what} limits flag 0x${flag.toString(16)}${flag & 2 ? " (shared memory: the threads proposal is not supported)" : flag & 4 ? " (memory64 is not supported)" : ""}`, at);
  const min = r.u();
  const max = flag === 1 ? r.u() : undefined;
  if (min > maxMin) r.fail(`${what} size must be at most ${maxMin}${what === "memory" ? " pages (4 GiB)" : ""}`, at);
  if (max !== undefined && max > maxMin) r.fail(`${what} size must be at most ${maxMin}${what === "memory" ? " pages (4 GiB)" : ""}`, at);
  if (max !== undefined && max < min) r.fail(`${what}: size minimum must not be greater than maximum`, at);
  return { min, max };
}

function refType(r: Reader): ValType {
  const at = r.pos;
  const t = valType(r);
  if (t !== "funcref" && t !== "externref") r.fail("malformed reference type", at);
  return t;
}

/** What a constant expression may read: the globals before it, and how many functions exist. */
export interface ConstEnv {
  globals: Global[];
  funcs: number;
}

/**
 * Reads and evaluates a constant expression: constants, global.get of an immutable global,
 * ref.null / ref.func, and the extended-constant i32/i64 add, sub and mul.
 */
export function constExpr(r: Reader, env: ConstEnv): ConstExpr {
  const stack: ConstExpr[] = [];
  const start = r.pos;
  for (;;) {
    const at = r.pos;
    const op = r.byte();
    if (op === 0x0b) break;
    switch (op) {
      case 0x41: stack.push({ type: "i32", value: BigInt.asUintN(32, r.s(32)) }); break;
      case 0x42: stack.push({ type: "i64", value: BigInt.asUintN(64, r.s(64)) }); break;
      case 0x43: stack.push({ type: "f32", value: BigInt(r.u32le()) }); break;
      case 0x44: stack.push({ type: "f64", value: r.u64le() }); break;
      case 0x23: {
        const i = r.u();
        const g = env.globals[i];
        if (!g) r.fail(`unknown global ${i}`, at);
        if (g.mutable) r.fail("constant expression required (global.get of a mutable global)", at);
        stack.push({ ...g.init, type: g.type });
        break;
      }
      case 0xd2: {
        const i = r.u();
        if (i >= env.funcs) r.fail(`unknown function ${i}`, at);
        stack.push({ type: "funcref", value: 0n, func: i });
        break;
      }
      case 0xd0: stack.push({ type: refType(r), value: 0n, func: null }); break;
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e: {
        const t = op < 0x70 ? "i32" : "i64";
        const b = stack.pop();
        const a = stack.pop();
        if (!a || !b || a.type !== t || b.type !== t) r.fail("type mismatch in a constant expression", at);
        const k = (op - (t === "i32" ? 0x6a : 0x7c)) as 0 | 1 | 2;
        const v = k === 0 ? a.value + b.value : k === 1 ? a.value - b.value : a.value * b.value;
        stack.push({ type: t, value: BigInt.asUintN(t === "i32" ? 32 : 64, v), imported: a.imported || b.imported });
        break;
      }
      default: r.fail(`constant expression required (opcode 0x${op.toString(16)} is not constant)`, at);
    }
  }
  if (stack.length !== 1) r.fail("type mismatch: a constant expression must give one value", start);
  return stack[0];
}

export function decodeModule(bytes: Uint8Array): WasmModule {
  const r = new Reader(bytes);
  if (bytes.length < 4 || r.u32le() !== 0x6d736100) r.fail("magic header not detected (not a WebAssembly binary)", 0);
  if (bytes.length < 8 || r.u32le() !== 1) r.fail("unknown binary version", 4);
  const m: WasmModule = {
    bytes, types: [], imports: [], funcs: [], importedFuncs: 0, tables: [], memories: [], globals: [], importedGlobals: 0,
    exports: [], elems: [], datas: [], bodies: [], names: new Map(),
  };
  let lastId = 0;
  const order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];
  let declaredFuncs = 0;
  let sawFuncSection = false;
  let sawCode = false;
  while (!r.done) {
    const idAt = r.pos;
    const id = r.byte();
    const size = r.u();
    const start = r.pos;
    if (size > bytes.length - start) r.fail(`section size ${size} passes the end of the module (unexpected end)`, idAt);
    const s = new Reader(bytes, start, start + size);
    if (id !== 0) {
      if (id > 12) r.fail(`malformed section id ${id}`, idAt);
      if (order.indexOf(id) <= order.indexOf(lastId) && lastId !== 0) r.fail(`unexpected section ${id} (sections out of order or repeated)`, idAt);
      lastId = id;
    }
    switch (id) {
      case 0: customSection(s, m); break;
      case 1: for (let n = s.count("type"), i = 0; i < n; i++) {
        const at = s.pos;
        const form = s.byte();
        if (form !== 0x60) s.fail(`malformed function type form 0x${form.toString(16)}`, at);
        const params = Array.from({ length: s.count("parameter") }, () => valType(s));
        const results = Array.from({ length: s.count("result") }, () => valType(s));
        m.types.push({ params, results });
      } break;
      case 2: for (let n = s.count("import"), i = 0; i < n; i++) {
        const module = s.name();
        const name = s.name();
        const at = s.pos;
        const kind = s.byte();
        if (kind === 0) {
          const t = s.u();
          m.imports.push({ module, name, kind: "func", type: t });
          m.funcs.push(t);
          m.importedFuncs++;
        } else if (kind === 1) {
          const type = refType(s);
          m.tables.push({ type, limits: limits(s, 0xffffffff, "table") });
          m.imports.push({ module, name, kind: "table" });
        } else if (kind === 2) {
          const l = limits(s, MAX_PAGES, "memory");
          m.memories.push(l);
          m.imports.push({ module, name, kind: "memory", limits: l });
        } else if (kind === 3) {
          const type = valType(s);
          const mut = s.byte();
          if (mut > 1) s.fail("malformed mutability", s.pos - 1);
          m.imports.push({ module, name, kind: "global", global: { type, mutable: mut === 1 } });
          m.globals.push({ type, mutable: mut === 1, init: { type, value: 0n, imported: true }, offset: at });
          m.importedGlobals++;
        } else s.fail(`malformed import kind ${kind}`, at);
      } break;
      case 3: {
        sawFuncSection = true;
        declaredFuncs = s.count("function");
        for (let i = 0; i < declaredFuncs; i++) m.funcs.push(s.u());
        break;
      }
      case 4: for (let n = s.count("table"), i = 0; i < n; i++) {
        const type = refType(s);
        m.tables.push({ type, limits: limits(s, 0xffffffff, "table") });
      } break;
      case 5: for (let n = s.count("memory"), i = 0; i < n; i++) m.memories.push(limits(s, MAX_PAGES, "memory")); break;
      case 6: for (let n = s.count("global"), i = 0; i < n; i++) {
        const offset = s.pos;
        const type = valType(s);
        const mut = s.byte();
        if (mut > 1) s.fail("malformed mutability", s.pos - 1);
        const init = constExpr(s, { globals: m.globals, funcs: m.funcs.length });
        if (init.type !== type) s.fail(`type mismatch: a global of type ${type} initialised with ${init.type}`, offset);
        m.globals.push({ type, mutable: mut === 1, init, offset });
      } break;
      case 7: {
        const seen = new Set<string>();
        for (let n = s.count("export"), i = 0; i < n; i++) {
          const at = s.pos;
          const name = s.name();
          if (seen.has(name)) s.fail(`duplicate export name "${name}"`, at);
          seen.add(name);
          const k = s.byte();
          if (k > 3) s.fail(`malformed export kind ${k}`, s.pos - 1);
          m.exports.push({ name, kind: (["func", "table", "memory", "global"] as const)[k], index: s.u() });
        }
        break;
      }
      case 8: m.start = s.u(); break;
      case 9: for (let n = s.count("element segment"), i = 0; i < n; i++) m.elems.push(elemSegment(s, { globals: m.globals, funcs: m.funcs.length })); break;
      case 12: m.dataCount = s.u(); break;
      case 10: {
        sawCode = true;
        const n = s.count("function body");
        if (n !== declaredFuncs) s.fail("function and code section have inconsistent lengths", start);
        for (let i = 0; i < n; i++) {
          const size = s.u();
          const bstart = s.pos;
          if (size > s.end - bstart) s.fail("function body passes the end of the code section (unexpected end)", bstart);
          const b = new Reader(bytes, bstart, bstart + size, m.importedFuncs + i);
          const locals: ValType[] = [];
          for (let g = b.count("local group"), j = 0; j < g; j++) {
            const at = b.pos;
            const k = b.u();
            if (locals.length + k > MAX_LOCALS) b.fail(`too many locals (more than ${MAX_LOCALS})`, at);
            const t = valType(b);
            for (let q = 0; q < k; q++) locals.push(t);
          }
          m.bodies.push({ locals, start: b.pos, end: bstart + size });
          s.pos = bstart + size;
        }
        break;
      }
      case 11: {
        const n = s.count("data segment");
        if (m.dataCount !== undefined && n !== m.dataCount) s.fail("data count and data section have inconsistent lengths", start);
        for (let i = 0; i < n; i++) {
          const at = s.pos;
          const flag = s.u();
          if (flag > 2) s.fail(`malformed data segment flag ${flag}`, at);
          if (flag === 2 && s.u() !== 0) s.fail("unknown memory: only memory 0 exists", at);
          const offset = flag === 1 ? undefined : constExpr(s, { globals: m.globals, funcs: m.funcs.length });
          const len = s.u();
          m.datas.push({ mode: flag === 1 ? "passive" : "active", offset, bytes: s.bytes(len), at });
        }
        break;
      }
    }
    if (s.pos !== s.end) r.fail(`section size mismatch: section ${id} declares ${size} bytes, its contents take ${s.pos - start}`, idAt);
    r.pos = start + size;
  }
  if (sawFuncSection && declaredFuncs > 0 && !sawCode) r.fail("function and code section have inconsistent lengths", bytes.length);
  if (m.dataCount !== undefined && m.datas.length === 0 && m.dataCount !== 0) r.fail("data count and data section have inconsistent lengths", bytes.length);
  return m;
}

function elemSegment(s: Reader, env: ConstEnv): Elem {
  const at = s.pos;
  const flag = s.u();
  if (flag > 7) s.fail(`malformed element segment flag ${flag}`, at);
  const passiveOrDecl = (flag & 1) !== 0;
  const explicitTable = (flag & 2) !== 0;
  const exprs = (flag & 4) !== 0;
  const mode: Elem["mode"] = !passiveOrDecl ? "active" : explicitTable ? "declarative" : "passive";
  let table = 0;
  if (!passiveOrDecl && explicitTable) table = s.u();
  const offset = mode === "active" ? constExpr(s, env) : undefined;
  let type: ValType = "funcref";
  if (passiveOrDecl || explicitTable) {
    if (exprs) type = refType(s);
    else {
      const k = s.byte();
      if (k !== 0) s.fail("malformed element kind", s.pos - 1);
    }
  }
  const funcs: (number | null)[] = [];
  for (let n = s.count("element"), i = 0; i < n; i++) {
    if (!exprs) funcs.push(s.u());
    else {
      const e = constExpr(s, env);
      if (e.func === undefined) s.fail("type mismatch: an element expression must be a reference", at);
      funcs.push(e.func);
    }
  }
  return { mode, table, offset, funcs, type, at };
}

function customSection(s: Reader, m: WasmModule): void {
  const name = s.name();
  if (name !== "name") {
    s.pos = s.end;
    return;
  }
  // A malformed name section is ignored, as the spec allows for custom sections.
  try {
    while (!s.done) {
      const sub = s.byte();
      const size = s.u();
      const end = s.pos + size;
      if (end > s.end) return;
      if (sub === 1) {
        const n = s.u();
        for (let i = 0; i < n && s.pos < end; i++) {
          const idx = s.u();
          m.names.set(idx, s.name());
        }
      }
      s.pos = end;
    }
  } catch (e) {
    if (!(e instanceof WasmError)) throw e;
  } finally {
    s.pos = s.end;
  }
}

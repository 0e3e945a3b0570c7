// The WebAssembly frontend (spec/wasm.md): `.wasm` → CWIR. binary.ts reads the sections, lift.ts
// validates and lifts each function; this file checks the module level (indices, constant
// expressions, segments), lays the module's state out as attributes of the entry program item, and
// turns every error into a diagnostic naming the file, the function and the byte offset:
// E0690 malformed or invalid module, E0691 an instruction or feature not supported, E0692 no entry.
import { type Diagnostic, error } from "../../base/diagnostics/index.ts";
import { type Attr, Block, Func, Module, Op, Region, T, type Type, type Value, verifyModule } from "../ir/index.ts";
import { type ValType, type WasmModule, WasmError, decodeModule } from "./binary.ts";
import { FuncLifter, TRAP, UnsupportedError, irType, sigOf } from "./lift.ts";
import { softfloatFuncs, softfloatSym } from "./softfloat.ts";
import { WASI_MODULE, wasiForward, wasiFuncs, wasiProvides } from "./wasi.ts";

export { TRAP } from "./lift.ts";
export { WasmError, decodeModule } from "./binary.ts";

export interface WasmOptions {
  /** file name used in diagnostics */
  file?: string;
  /** the exported function to run; default `_start`, then `main` */
  entry?: string;
  /**
   * Instead of one entry: call these exported functions in order with these arguments and write
   * every result to the output (the spec-test runner). Unsupported functions then compile to a trap
   * instead of failing the build.
   */
  script?: { name: string; args: bigint[] }[];
}

export interface UnsupportedFunc {
  func: number;
  name: string;
  what: string;
  offset: number;
}

export interface WasmBuild {
  module?: Module;
  diagnostics: Diagnostic[];
  /** functions that compile to a trap (only with `script`; otherwise each is an E0691) */
  unsupported: UnsupportedFunc[];
  /** result types of the entry, or of each script call */
  results?: ValType[][];
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

export function funcName(m: WasmModule, i: number): string {
  const n = m.names.get(i);
  const exp = m.exports.find((e) => e.kind === "func" && e.index === i);
  return n ?? exp?.name ?? `#${i}`;
}

function describe(m: WasmModule | undefined, e: WasmError, file: string): string {
  const where = e.func !== undefined && m ? ` in function ${funcName(m, e.func)} (index ${e.func})` : "";
  return `${file}: ${e.message}${where} at byte 0x${e.offset.toString(16)}`;
}

export function compileWasm(bytes: Uint8Array, opts: WasmOptions = {}): WasmBuild {
  const file = opts.file ?? "module.wasm";
  let m: WasmModule | undefined;
  try {
    m = decodeModule(bytes);
    return lower(m, opts, file);
  } catch (e) {
    if (e instanceof UnsupportedError) return { diagnostics: [error("E0691", describe(m, e, file), undefined, "the zkVM runs the WebAssembly MVP (floats through soft-float), sign extension, saturating conversions, multi-value and bulk memory")], unsupported: [] };
    if (e instanceof WasmError) return { diagnostics: [error("E0690", describe(m, e, file), undefined, "the module is malformed or does not validate (WebAssembly core spec)")], unsupported: [] };
    throw e;
  }
}

/** The functions a guest may import from module "zkvm": the input and output streams, halting and the precompiles. */
const HOST: Record<string, { sig: string; op: string }> = {
  input_len: { sig: " -> i32", op: "wasm.input_len" },
  read_input: { sig: "i32 i32 -> ", op: "wasm.read_input" },
  write_output: { sig: "i32 i32 -> ", op: "wasm.write_output" },
  exit: { sig: "i32 -> ", op: "wasm.exit" },
  // precompiles (spec/zkvm.md "Precompiles"), the names guests/rust/cwl-guest declares
  sha256_compress: { sig: "i32 i32 -> ", op: "wasm.sha256_compress" },
  keccak_f: { sig: "i32 -> ", op: "wasm.keccak_f" },
  uint256_mulmod: { sig: "i32 i32 -> ", op: "wasm.uint256_mulmod" },
  uint256_addmod: { sig: "i32 i32 -> ", op: "wasm.uint256_addmod" },
  secp256k1_add: { sig: "i32 i32 -> ", op: "wasm.secp256k1_add" },
  secp256k1_double: { sig: "i32 -> ", op: "wasm.secp256k1_double" },
};

/** A body that traps: a cf.block of the result types holding the cf.trap, then cf.return. */
export function trapBody(f: Func, msg: string): void {
  const blk = new Op("cf.block", [], f.results, {}, [new Region([new Block()])]);
  blk.regions[0].blocks[0].append(new Op("cf.trap", [], [], { code: BigInt(TRAP.unsupported), msg }));
  f.body.entry.setOps([blk, new Op("cf.return", blk.results, [])]);
}

function checkModule(m: WasmModule): void {
  m.funcs.forEach((t, i) => {
    if (!m.types[t]) throw new WasmError(`unknown type ${t} of function ${i}`, 0);
  });
  if (m.memories.length > 1) throw new UnsupportedError("multiple memories (the multi-memory proposal) are not supported", 0);
  for (const e of m.exports) {
    const n = e.kind === "func" ? m.funcs.length : e.kind === "table" ? m.tables.length : e.kind === "memory" ? m.memories.length : m.globals.length;
    if (e.index >= n) throw new WasmError(`unknown ${e.kind} ${e.index} (export "${e.name}")`, 0);
  }
  if (m.start !== undefined) {
    const t = m.types[m.funcs[m.start]];
    if (!t) throw new WasmError(`unknown function ${m.start} (start)`, 0);
    if (t.params.length || t.results.length) throw new WasmError("start function must take and return nothing", 0);
  }
  for (const el of m.elems) {
    if (el.mode === "active") {
      if (!m.tables[el.table]) throw new WasmError(`unknown table ${el.table}`, el.at);
      if (m.tables[el.table].type !== el.type) throw new WasmError("type mismatch: element segment and table types differ", el.at);
      if (el.offset!.type !== "i32") throw new WasmError("type mismatch: element offset must be i32", el.at);
    }
    for (const f of el.funcs) if (f !== null && f >= m.funcs.length) throw new WasmError(`unknown function ${f}`, el.at);
  }
  for (const d of m.datas) {
    if (d.mode === "active") {
      if (!m.memories.length) throw new WasmError("unknown memory 0", d.at);
      if (d.offset!.type !== "i32") throw new WasmError("type mismatch: data offset must be i32", d.at);
    }
  }
}

function lower(m: WasmModule, opts: WasmOptions, file: string): WasmBuild {
  checkModule(m);
  const diagnostics: Diagnostic[] = [];
  // CWIR symbols: the name-section name made an identifier, unique
  const used = new Set<string>(["wasm_entry"]);
  const syms = m.funcs.map((_, i) => {
    const base = `w_${(m.names.get(i) ?? m.exports.find((e) => e.kind === "func" && e.index === i)?.name ?? String(i)).replace(/[^A-Za-z0-9_]/g, "_")}`.slice(0, 60);
    let s = base;
    for (let k = 1; used.has(s); k++) s = `${base}_${k}`;
    used.add(s);
    return s;
  });
  const declaredRefs = new Set<number>();
  for (const el of m.elems) for (const f of el.funcs) if (f !== null) declaredRefs.add(f);
  for (const e of m.exports) if (e.kind === "func") declaredRefs.add(e.index);
  for (const g of m.globals) if (typeof g.init.func === "number") declaredRefs.add(g.init.func);

  const mod = new Module();
  const unsupported: UnsupportedFunc[] = [];
  // the soft-float library's functions the float instructions call, linked after the guest's
  const floatFns = new Set<string>();
  let usesWasi = false;
  const softfloat = (name: string) => (floatFns.add(name), softfloatSym(name));
  for (const imp of m.imports) if (imp.kind !== "func") unsupported.push({ func: -1, name: `${imp.module}.${imp.name}`, what: `an imported ${imp.kind} (${imp.module}.${imp.name})`, offset: 0 });
  m.funcs.forEach((ti, i) => {
    const ft = m.types[ti];
    const params = ft.params.map((t) => irType(t) ?? T.i32);
    const results = ft.results.map((t) => irType(t) ?? T.i32);
    const f = new Func("fn", syms[i], params.map((t) => ({ type: t })), results, { noinline: true, wasm_name: funcName(m, i) });
    if (i < m.importedFuncs) {
      const imp = m.imports.filter((x) => x.kind === "func")[i];
      const host = imp.module === "zkvm" ? HOST[imp.name] : undefined;
      if (host && sigOf(ft) === host.sig) {
        // a host call: the zkVM's input and output streams
        const entry = f.body.entry;
        const op = entry.append(new Op(host.op, [...entry.args], host.sig.endsWith("-> i32") ? [T.i32] : []));
        entry.append(new Op("cf.return", op.results, []));
      } else if (imp.module === WASI_MODULE && wasiProvides(imp.name, sigOf(ft))) {
        // WASI on the zkVM's host calls (wasi.ts)
        usesWasi = true;
        wasiForward(f, imp.name);
      } else {
        unsupported.push({ func: i, name: funcName(m, i), what: `the imported function ${imp.module}.${imp.name}${host ? ` (its signature must be ${host.sig})` : ""}`, offset: 0 });
        trapBody(f, `import ${imp.module}.${imp.name} is not provided`);
      }
    } else {
      let lifted;
      try {
        lifted = new FuncLifter({ m, syms, declaredRefs, softfloat }, i).lift();
      } catch (e) {
        if (!(e instanceof UnsupportedError)) throw e;
        lifted = undefined;
        unsupported.push({ func: i, name: funcName(m, i), what: e.message.replace(/ is not supported$/, ""), offset: e.offset });
        trapBody(f, e.message);
      }
      if (lifted) {
        if (lifted.unsupported) unsupported.push({ func: i, name: funcName(m, i), what: lifted.unsupported.what, offset: lifted.unsupported.offset });
        // the lifted body's arguments replace the item's parameters
        const entry = f.body.entry;
        entry.args.splice(0, entry.args.length, ...lifted.block.args);
        for (const a of lifted.block.args) a.owner = entry;
        entry.setOps(lifted.block.ops);
      }
    }
    mod.addFunc(f);
  });
  for (const f of softfloatFuncs(floatFns)) mod.addFunc(f);
  if (usesWasi) {
    const w = wasiFuncs(m.globals.length);
    for (const f of w.funcs) mod.addFunc(f);
    m.globals.push(...w.globals);
  }

  // the entry program item
  const prog = new Func("program", "wasm_entry", [], [], {});
  const body = prog.body.entry;
  const call = (fi: number, args: Value[], into = body): Value[] => {
    const ft = m.types[m.funcs[fi]];
    const op = new Op("cf.call", args, ft.results.map((t) => irType(t) ?? T.i32), { callee: { sym: syms[fi] } });
    into.append(op);
    return op.results;
  };
  if (m.start !== undefined) call(m.start, []);
  let results: ValType[][] | undefined;
  const exportFunc = (name: string) => m.exports.find((e) => e.kind === "func" && e.name === name);
  if (opts.script) {
    results = [];
    // input `run`: one byte per call, 0 to skip it (a runner reruns the script without a call that trapped)
    const run = prog.addParam(T.mem(T.i8), { name: "run" });
    for (const c of opts.script) {
      const e = exportFunc(c.name);
      if (!e) return { diagnostics: [error("E0692", `${file}: no exported function "${c.name}"`)], unsupported };
      const ft = m.types[m.funcs[e.index]];
      if (ft.params.length !== c.args.length) return { diagnostics: [error("E0692", `${file}: "${c.name}" takes ${ft.params.length} arguments, given ${c.args.length}`)], unsupported };
      const guard = new Op("cf.block", [], [], {}, [new Region([new Block()])]);
      body.append(guard);
      const inner = guard.regions[0].blocks[0];
      const konst = (t: Type, v: bigint) => inner.append(new Op("i.const", [], [t], { value: BigInt.asUintN(t.kind === "int" ? t.width : 32, v) })).results[0];
      // the call's index: which byte of `run` guards it, and written after its results, so a run
      // that traps shows how many calls finished
      const mark = konst(T.i32, BigInt(results.length));
      const flag = inner.append(new Op("mem.load", [run, mark], [T.i8])).results[0];
      inner.append(new Op("cf.br_if", [flag], [], { depth: 0n, zero: true }));
      const args = c.args.map((a, k) => konst(irType(ft.params[k]) ?? T.int(ft.params[k] === "f64" ? 64 : 32), a));
      const rs = call(e.index, args, inner);
      inner.append(new Op("wasm.output", [...rs, mark], []));
      inner.append(new Op("cf.yield", [], []));
      results.push(ft.results);
    }
    body.append(new Op("cf.return", [], []));
  } else {
    const names = opts.entry ? [opts.entry] : ["_start", "main"];
    const e = names.map(exportFunc).find((x) => x);
    if (!e) {
      const exported = m.exports.filter((x) => x.kind === "func").map((x) => x.name);
      return {
        diagnostics: [error("E0692", `${file}: ${opts.entry ? `no exported function "${opts.entry}"` : "no exported function _start or main to run"}`, undefined, exported.length ? `exported functions: ${exported.slice(0, 20).join(", ")}; name one with --entry` : "export the entry function")],
        unsupported,
      };
    }
    const ft = m.types[m.funcs[e.index]];
    const bad = [...ft.params, ...ft.results].find((t) => !irType(t));
    if (bad) return { diagnostics: [error("E0691", `${file}: the entry "${opts.entry ?? funcName(m, e.index)}" takes or returns ${bad} values, which the zkVM does not support`)], unsupported };
    for (const t of ft.params) prog.addParam(irType(t)!, {});
    prog.paramAttrs.forEach((a, k) => (a.name = `arg${k}`));
    prog.results = ft.results.map((t) => irType(t)!);
    const rs = call(e.index, prog.args);
    body.append(new Op("cf.return", rs, []));
    results = [ft.results];
  }
  prog.attrs = moduleAttrs(m, syms);
  mod.addFunc(prog);

  if (!opts.script) {
    for (const u of reachableUnsupported(m, unsupported, prog, syms)) {
      const where = u.func >= 0 ? ` in function ${u.name}` : "";
      diagnostics.push(error("E0691", `${file}: ${u.what}${where} is not supported${u.offset ? ` (byte 0x${u.offset.toString(16)})` : ""}`, undefined, "the zkVM runs the WebAssembly MVP (floats through soft-float), sign extension, saturating conversions, multi-value and bulk memory"));
    }
    if (diagnostics.length) return { diagnostics, unsupported };
  }
  const vd = verifyModule(mod);
  if (vd.length) return { diagnostics: vd.map((d) => ({ ...d, message: `${file}: internal error lifting WebAssembly: ${d.message}` })), unsupported };
  return { module: mod, diagnostics, unsupported, results };
}

/** Unsupported functions a run may reach: through calls from the entry and start, and every table entry. */
function reachableUnsupported(m: WasmModule, unsupported: UnsupportedFunc[], prog: Func, syms: string[]): UnsupportedFunc[] {
  const bad = new Map(unsupported.filter((u) => u.func >= 0).map((u) => [u.func, u]));
  const out = unsupported.filter((u) => u.func < 0);
  if (!bad.size) return out;
  const callees = (i: number): number[] => {
    if (i < m.importedFuncs) return [];
    const b = m.bodies[i - m.importedFuncs];
    const found: number[] = [];
    // a coarse scan: every `call k` opcode pattern; over-approximates, which only widens the report
    for (let p = b.start; p < b.end - 1; p++) if (m.bytes[p] === 0x10) {
      let k = 0, s = 0, q = p + 1;
      for (; q < b.end && s < 35; q++, s += 7) {
        k |= (m.bytes[q] & 0x7f) << s;
        if (!(m.bytes[q] & 0x80)) break;
      }
      if (k >= 0 && k < m.funcs.length) found.push(k);
    }
    return found;
  };
  const seen = new Set<number>();
  const todo: number[] = [];
  for (const op of prog.body.entry.ops) {
    const idx = syms.indexOf(op.symAttr("callee") ?? "");
    if (idx >= 0) todo.push(idx);
  }
  for (const el of m.elems) for (const f of el.funcs) if (f !== null) todo.push(f);
  if (m.start !== undefined) todo.push(m.start);
  while (todo.length) {
    const i = todo.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    const u = bad.get(i);
    if (u) out.push(u);
    todo.push(...callees(i));
  }
  return out;
}

function moduleAttrs(m: WasmModule, syms: string[]): Record<string, Attr> {
  const attrs: Record<string, Attr> = {};
  const big = (n: number) => BigInt(n);
  const mem = m.memories[0];
  if (mem) attrs.wasm_memory = mem.max === undefined ? [big(mem.min)] : [big(mem.min), big(mem.max)];
  attrs.wasm_globals = m.globals.map((g) => [big(g.type === "i64" || g.type === "f64" ? 64 : 32), g.init.value]);
  const entryOf = (f: number | null): Attr => (f === null ? "" : [{ sym: syms[f] }, sigOf(m.types[m.funcs[f]])]);
  const table = m.tables[0];
  let initTrap: string | undefined;
  if (table) {
    const entries: Attr[] = Array.from({ length: Math.min(table.limits.min, 1 << 20) }, () => "");
    if (table.limits.min > 1 << 20) initTrap = "a table of more than 2^20 entries";
    for (const el of m.elems) {
      if (el.mode !== "active" || el.table !== 0 || initTrap) continue;
      const off = Number(el.offset!.value);
      if (off + el.funcs.length > entries.length) {
        initTrap = "out of bounds table access";
        break;
      }
      el.funcs.forEach((f, k) => (entries[off + k] = entryOf(f)));
    }
    attrs.wasm_table = entries;
  }
  // passive element segments stay for table.init; active and declarative ones are dropped
  attrs.wasm_elems = m.elems.map((el) => (el.mode === "passive" ? el.funcs.map(entryOf) : []));
  const active: Attr[] = [];
  if (!initTrap)
    for (const d of m.datas) {
      if (d.mode !== "active") continue;
      const off = Number(d.offset!.value);
      if (!mem || off + d.bytes.length > mem.min * 65536) {
        initTrap = "out of bounds memory access";
        break;
      }
      active.push([big(off), hex(d.bytes)]);
    }
  attrs.wasm_data = active;
  attrs.wasm_passive = m.datas.map((d) => (d.mode === "passive" ? hex(d.bytes) : ""));
  if (initTrap) attrs.wasm_init_trap = initTrap;
  return attrs;
}


// WASI for guests (spec/guests.md): the wasi_snapshot_preview1 functions a guest imports (a Go
// program built with GOOS=wasip1 imports a fixed set) are implemented in WebAssembly over the zkVM's
// host calls (wasi.wat, assembled into wasi-wasm.ts). A guest's WASI import becomes a call to the
// implementation's lifted `fn` item `wasi_<name>`. The implementation's loads and stores act on the
// guest's linear memory, since every lifted memory op addresses memory 0; its globals (the clock
// and the random stream's state) are appended to the guest's, and its global indices moved past the
// guest's.
import { Block, Func, Op, T } from "../ir/index.ts";
import { type Global, type WasmModule, decodeModule } from "./binary.ts";
import { FuncLifter, irType, sigOf } from "./lift.ts";
import { WASI_WASM_BASE64 } from "./wasi-wasm.ts";

export const WASI_MODULE = "wasi_snapshot_preview1";

let lib: WasmModule | undefined;
const library = (): WasmModule => (lib ??= decodeModule(new Uint8Array(Buffer.from(WASI_WASM_BASE64, "base64"))));

/** The CWIR symbol of the WASI function `name`. */
export const wasiSym = (name: string): string => `wasi_${name}`;

/** Whether WASI function `name` is provided with this signature (lift.ts's `sigOf` form). */
export function wasiProvides(name: string, sig: string): boolean {
  const m = library();
  const e = m.exports.find((x) => x.kind === "func" && x.name === name);
  return !!e && sigOf(m.types[m.funcs[e.index]]) === sig;
}

/** Makes `f` (a guest's imported WASI function) call the implementation of `name`. */
export function wasiForward(f: Func, name: string): void {
  const entry = f.body.entry;
  const call = entry.append(new Op("cf.call", [...entry.args], f.results, { callee: { sym: wasiSym(name) } }));
  entry.append(new Op("cf.return", call.results, []));
}

/** The zkVM host calls the implementation imports: one op each (spec/wasm.md). */
const HOST_OPS: Record<string, string> = { input_len: "wasm.input_len", read_input: "wasm.read_input", write_output: "wasm.write_output", exit: "wasm.exit" };

function moveGlobals(b: Block, base: number): void {
  for (const op of b.ops) {
    if ((op.name === "wasm.global_get" || op.name === "wasm.global_set") && typeof op.attrs.index === "bigint") op.attrs.index += BigInt(base);
    for (const r of op.regions) for (const blk of r.blocks) moveGlobals(blk, base);
  }
}

/**
 * Every function of the implementation as `fn` items, its global indices starting at `globalBase`
 * (the guest's global count), and the globals to append to the guest's.
 */
export function wasiFuncs(globalBase: number): { funcs: Func[]; globals: Global[] } {
  const m = library();
  const imports = m.imports.filter((i) => i.kind === "func");
  const syms = m.funcs.map((_, i) => (i < m.importedFuncs ? `wasi_host_${imports[i].name}` : `wasi_internal_${i}`));
  for (const e of m.exports) if (e.kind === "func") syms[e.index] = wasiSym(e.name);
  const ctx = { m, syms, declaredRefs: new Set<number>(), softfloat: (name: string) => name };
  const funcs = m.funcs.map((ti, i) => {
    const ft = m.types[ti];
    const f = new Func("fn", syms[i], ft.params.map((t) => ({ type: irType(t)! })), ft.results.map((t) => irType(t)!), { noinline: true, wasm_name: `${WASI_MODULE}.${syms[i].replace(/^wasi_/, "")}` });
    const entry = f.body.entry;
    if (i < m.importedFuncs) {
      const op = entry.append(new Op(HOST_OPS[imports[i].name], [...entry.args], ft.results.length ? [T.i32] : []));
      entry.append(new Op("cf.return", op.results, []));
      return f;
    }
    const lifted = new FuncLifter(ctx, i).lift();
    if (lifted.unsupported) throw new Error(`compiler/wasm/wasi.wat: ${syms[i]} does not lift: ${lifted.unsupported.what}`);
    moveGlobals(lifted.block, globalBase);
    entry.args.splice(0, entry.args.length, ...lifted.block.args);
    for (const a of lifted.block.args) a.owner = entry;
    entry.setOps(lifted.block.ops);
    return f;
  });
  return { funcs, globals: m.globals };
}

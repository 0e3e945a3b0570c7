// Links the soft-float library into a lifted guest. The library (compiler/wasm/softfloat.rs) is a
// WebAssembly module of integer code only (softfloat-wasm.ts holds its bytes); each of its exports a
// guest's float instructions call is lifted by the same FuncLifter as guest code and added to the
// CWIR module as a `fn` item `sf_<export>`.
import { Func } from "../ir/index.ts";
import { type WasmModule, decodeModule } from "./binary.ts";
import { FuncLifter, irType } from "./lift.ts";
import { SOFTFLOAT_WASM_BASE64 } from "./softfloat-wasm.ts";

let lib: WasmModule | undefined;
const library = (): WasmModule => (lib ??= decodeModule(new Uint8Array(Buffer.from(SOFTFLOAT_WASM_BASE64, "base64"))));

/** The CWIR symbol of the library's export `name`. */
export const softfloatSym = (name: string): string => `sf_${name}`;

/** The `fn` items of the library's exports `names`. */
export function softfloatFuncs(names: Iterable<string>): Func[] {
  const m = library();
  const syms = m.funcs.map((_, i) => `sf_internal_${i}`);
  for (const e of m.exports) if (e.kind === "func") syms[e.index] = softfloatSym(e.name);
  const out: Func[] = [];
  for (const name of [...new Set(names)].sort()) {
    const e = m.exports.find((x) => x.kind === "func" && x.name === name);
    if (!e) throw new Error(`the soft-float library has no function ${name}`);
    const lifted = new FuncLifter({ m, syms, declaredRefs: new Set(), softfloat: softfloatSym }, e.index).lift();
    if (lifted.unsupported) throw new Error(`the soft-float library's ${name} does not lift: ${lifted.unsupported.what}`);
    const ft = m.types[m.funcs[e.index]];
    const f = new Func("fn", softfloatSym(name), ft.params.map((t) => ({ type: irType(t)! })), ft.results.map((t) => irType(t)!), { noinline: true, wasm_name: `softfloat.${name}` });
    const entry = f.body.entry;
    entry.args.splice(0, entry.args.length, ...lifted.block.args);
    for (const a of lifted.block.args) a.owner = entry;
    entry.setOps(lifted.block.ops);
    out.push(f);
  }
  return out;
}

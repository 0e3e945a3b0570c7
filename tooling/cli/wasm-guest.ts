// `.wasm` guests on the command line (spec/wasm.md): read the file, lift it with compiler/wasm and
// compile it with backends/zkvm. Diagnostics go to stderr; undefined means exit code 1 is set.
import { renderAll } from "../../base/diagnostics/index.ts";
import { readUserFile } from "../../base/files/user-file.ts";
import { buildZkvm, type ZkvmBuild } from "../../backends/zkvm/index.ts";
import type { Module } from "../../compiler/ir/index.ts";
import { compileWasm } from "../../compiler/wasm/index.ts";
import { setExitCode } from "./main.ts";

const render = (ds: Parameters<typeof renderAll>[0]) => renderAll(ds, () => undefined, { color: process.stderr.isTTY });

/** The lifted CWIR of a .wasm file, or undefined after printing why not. */
export function liftWasmFile(file: string, entry?: string): Module | undefined {
  const bytes = new Uint8Array(readUserFile(file, { what: "WebAssembly module" }));
  const r = compileWasm(bytes, { file, entry });
  if (r.diagnostics.length) process.stderr.write(render(r.diagnostics) + "\n");
  if (!r.module) setExitCode(1);
  return r.module;
}

/** The zkVM build of a .wasm file, or undefined after printing why not. */
export function buildWasmFile(file: string, entry?: string): ZkvmBuild | undefined {
  const m = liftWasmFile(file, entry);
  if (!m) return undefined;
  const b = buildZkvm(m);
  if (b.diagnostics.length) process.stderr.write(render(b.diagnostics.map((d) => ({ ...d, message: `${file}: ${d.message}` }))) + "\n");
  if (!b.program) {
    setExitCode(1);
    return undefined;
  }
  return b;
}

const WASM_TRAPS: Record<number, string> = {
  1: "out of bounds", 10: "unreachable", 11: "out of bounds memory access", 12: "integer overflow",
  13: "undefined element", 14: "uninitialized element", 15: "indirect call type mismatch",
  16: "a function that is not supported was called", 17: "instantiation failed: a segment is out of bounds",
};

/** A zkVM trap message with the WebAssembly meaning of its code. */
export function wasmTrapMessage(msg: string): string {
  const m = /(?:trap|check) (\d+)/.exec(msg);
  const name = m ? WASM_TRAPS[Number(m[1])] : /division by zero/.test(msg) ? "integer divide by zero" : /outside memory/.test(msg) ? "out of bounds memory access" : undefined;
  return name ? `${msg} (${name})` : msg;
}

// `.wasm` guests end to end: the CWIR the frontend lifts prints, parses back and verifies, and the
// reparsed module compiles to the same bytecode; `cwl build guest.wasm --target zkvm` then
// `cwl run guest.cwvm` gives what `cwl run guest.wasm` gives, and SHA-256 in WebAssembly equals
// node:crypto through the zkVM; --entry picks another export.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import wabtInit from "wabt";
import { REPO_ROOT } from "../../base/files/index.ts";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { parseText, printModule, verifyModule } from "../../compiler/ir/index.ts";
import { compileWasm } from "../../compiler/wasm/index.ts";
import { execute } from "../../runtime/zkvm/index.ts";
import { runCwlInProcess } from "../util/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "cwl-wasm-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sha256Wasm(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const m = wabt.parseWat("sha256.wat", readFileSync(join(REPO_ROOT, "bench", "wasm", "sha256.wat"), "utf8"), {});
  const b = m.toBinary({ write_debug_names: true }).buffer;
  m.destroy();
  return b;
}

describe(".wasm guests", () => {
  it("the lifted CWIR prints, parses back, verifies and compiles to the same bytecode", async () => {
    const bin = await sha256Wasm();
    const r = compileWasm(bin, { entry: "main" });
    expect(r.diagnostics).toEqual([]);
    const text = printModule(r.module!);
    expect(text).toContain("cf.loop");
    expect(text).toContain("wasm.load");
    const back = parseText(text, "sha256.cwir");
    expect(back.diagnostics).toEqual([]);
    expect(verifyModule(back.module)).toEqual([]);
    expect(printModule(back.module)).toBe(text);
    expect(Buffer.from(buildZkvm(back.module).bytes!)).toEqual(Buffer.from(buildZkvm(r.module!).bytes!));
  });

  it("cwl build --target zkvm, cwl run of the bytecode and of the .wasm agree with node:crypto", { timeout: 60_000 }, async () => {
    writeFileSync(join(dir, "sha.wasm"), await sha256Wasm());
    writeFileSync(join(dir, "in.json"), JSON.stringify({ arg0: 200 }));
    const b = await runCwlInProcess(["build", "sha.wasm", "--target", "zkvm", "-o", "sha.cwvm"], dir);
    expect(b.status, b.out).toBe(0);
    const viaBytecode = await runCwlInProcess(["run", "sha.cwvm", "--input", "in.json"], dir);
    const viaWasm = await runCwlInProcess(["run", "sha.wasm", "--input", "in.json"], dir);
    expect(viaWasm.status, viaWasm.out).toBe(0);
    expect(viaWasm.out).toBe(viaBytecode.out);
    const msg = Buffer.from(Array.from({ length: 200 }, (_, i) => i & 255));
    const h = createHash("sha256").update(msg).digest();
    const words = Array.from({ length: 8 }, (_, i) => h.readUInt32BE(4 * i));
    expect(JSON.parse(viaWasm.out).outputs).toEqual(words);
    // a message past the guest's limit traps (its unreachable), exit 1
    writeFileSync(join(dir, "big.json"), JSON.stringify({ arg0: 70000 }));
    const big = await runCwlInProcess(["run", "sha.wasm", "--input", "big.json"], dir);
    expect(big.status).toBe(1);
    expect(big.out).toMatch(/unreachable/);
  });

  it("host imports (module zkvm): a guest reads its input, writes output and exits", async () => {
    const wabt = await wabtInit();
    const m = wabt.parseWat(
      "io.wat",
      `(module
        (import "zkvm" "input_len" (func $len (result i32)))
        (import "zkvm" "read_input" (func $read (param i32 i32)))
        (import "zkvm" "write_output" (func $write (param i32 i32)))
        (import "zkvm" "exit" (func $exit (param i32)))
        (memory 1)
        (func (export "_start") (local $n i32) (local $i i32)
          (local.set $n (call $len))
          (call $read (i32.const 100) (local.get $n))
          ;; the input reversed, then its length as a byte; exit code 7 when it is empty
          (block $done (loop $rev
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (i32.store8 offset=1000 (local.get $i) (i32.load8_u offset=99 (i32.sub (local.get $n) (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rev)))
          (i32.store8 offset=1000 (local.get $n) (local.get $n))
          (call $write (i32.const 1000) (i32.add (local.get $n) (i32.const 1)))
          (if (i32.eqz (local.get $n)) (then (call $exit (i32.const 7))))
          (call $write (i32.const 70000) (i32.const 1))))`,
      {},
    );
    const bin = m.toBinary({}).buffer;
    m.destroy();
    const r = compileWasm(bin, {});
    expect(r.diagnostics).toEqual([]);
    const p = buildZkvm(r.module!).program!;
    const run = execute(p, { input: new TextEncoder().encode("hello") });
    // the last write is past the one page of memory: a trap, after the first write's bytes
    expect(run.ok).toBe(false);
    expect(Buffer.from(run.output!).toString("latin1")).toBe("olleh\x05");
    const empty = execute(p, { input: new Uint8Array(0) });
    expect(empty.ok && empty.exitCode).toBe(7);
    expect(empty.ok && Array.from(empty.output)).toEqual([0]);
    // a signature other than the host's is an unsupported import
    const bad = wabt.parseWat("bad.wat", `(module (import "zkvm" "exit" (func (param i64))) (func (export "_start") (call 0 (i64.const 0))))`, {});
    const rb = compileWasm(bad.toBinary({}).buffer, { file: "bad.wasm" });
    bad.destroy();
    expect(rb.diagnostics[0]?.message).toMatch(/zkvm\.exit \(its signature must be i32 -> \)/);
  });

  it("--entry runs another export; without one, _start or main", async () => {
    const wabt = await wabtInit();
    const m = wabt.parseWat("e.wat", `(module (func (export "main") (result i32) (i32.const 7)) (func (export "other") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 3))))`, {});
    writeFileSync(join(dir, "e.wasm"), m.toBinary({}).buffer);
    m.destroy();
    writeFileSync(join(dir, "o.json"), JSON.stringify({ arg0: "5000000000" }));
    const main = await runCwlInProcess(["run", "e.wasm"], dir);
    expect(JSON.parse(main.out).outputs).toEqual([7]);
    const other = await runCwlInProcess(["run", "e.wasm", "--entry", "other", "--input", "o.json"], dir);
    expect(JSON.parse(other.out).outputs).toEqual(["15000000000"]);
  });
});

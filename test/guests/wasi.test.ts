// WASI on the zkVM (compiler/wasm/wasi.wat, wasi.ts): hand-written guests call the WASI functions a
// Go program imports. The stream behaviour (fd_read of stdin in chunks, fd_write with several iovecs,
// stderr, a bad descriptor, empty args and environment, proc_exit) is compared with Node's own WASI
// running the same module; the deterministic parts (clock, poll_oneoff, random_get) against a
// reference model. Imports that are not provided, or provided with another signature, are E0691.
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WASI } from "node:wasi";
import { describe, expect, it } from "vitest";
import wabtInit from "wabt";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { compileWasm } from "../../compiler/wasm/index.ts";
import { execute } from "../../runtime/zkvm/index.ts";
import { wasiSource } from "../../scripts/build-wasi.ts";
import { REPO_ROOT } from "../../base/files/index.ts";

const dir = mkdtempSync(join(tmpdir(), "cwl-wasi-"));
/** Node's WebAssembly engine (the project's TypeScript library settings do not declare it). */
const WASM = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<object>; instantiate(m: object, imports: object): Promise<object> } }).WebAssembly;

async function wat(text: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const m = wabt.parseWat("g.wat", text, {});
  const b = m.toBinary({}).buffer;
  m.destroy();
  return b;
}

function vm(bytes: Uint8Array, input: Uint8Array) {
  const c = compileWasm(bytes, { file: "g.wasm" });
  expect(c.diagnostics.map((d) => d.message)).toEqual([]);
  const b = buildZkvm(c.module!);
  expect(b.diagnostics).toEqual([]);
  const r = execute(b.program!, { input });
  if (!r.ok) throw new Error(r.message);
  return { exit: r.exitCode, out: Buffer.from(r.output) };
}

async function nodeWasi(bytes: Uint8Array, input: Uint8Array) {
  writeFileSync(join(dir, "in"), input);
  const inFd = openSync(join(dir, "in"), "r");
  const outFd = openSync(join(dir, "out"), "w");
  const errFd = openSync(join(dir, "err"), "w");
  try {
    const w = new WASI({ version: "preview1", args: [], env: {}, stdin: inFd, stdout: outFd, stderr: errFd, returnOnExit: true });
    const inst = await WASM.instantiate(await WASM.compile(bytes), w.getImportObject());
    const exit = w.start(inst);
    return { exit, out: readFileSync(join(dir, "out")) };
  } finally {
    for (const fd of [inFd, outFd, errFd]) closeSync(fd);
  }
}

const W = `"wasi_snapshot_preview1"`;
// Reads stdin 5 bytes at a time to 1000.., writes to stderr, writes the input back through two
// iovecs, then the errno of a write to fd 5, argc, argv size, environ count and size, exits with 7.
const STREAMS = `(module
  (import ${W} "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import ${W} "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import ${W} "args_sizes_get" (func $args (param i32 i32) (result i32)))
  (import ${W} "environ_sizes_get" (func $env (param i32 i32) (result i32)))
  (import ${W} "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 200) "noise")
  (func (export "_start") (local $total i32) (local $half i32)
    (block $eof (loop $more
      (i32.store (i32.const 0) (i32.add (i32.const 1000) (local.get $total)))
      (i32.store (i32.const 4) (i32.const 5))
      (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br_if $eof (i32.eqz (i32.load (i32.const 8))))
      (local.set $total (i32.add (local.get $total) (i32.load (i32.const 8))))
      (br $more)))
    (i32.store (i32.const 16) (i32.const 200)) (i32.store (i32.const 20) (i32.const 5))
    (drop (call $write (i32.const 2) (i32.const 16) (i32.const 1) (i32.const 8)))
    (local.set $half (i32.shr_u (local.get $total) (i32.const 1)))
    (i32.store (i32.const 16) (i32.const 1000)) (i32.store (i32.const 20) (local.get $half))
    (i32.store (i32.const 24) (i32.add (i32.const 1000) (local.get $half)))
    (i32.store (i32.const 28) (i32.sub (local.get $total) (local.get $half)))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 2) (i32.const 8)))
    (i32.store8 (i32.const 300) (call $write (i32.const 5) (i32.const 16) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 304) (i32.const 99)) (i32.store (i32.const 308) (i32.const 99))
    (drop (call $args (i32.const 304) (i32.const 308)))
    (i32.store (i32.const 312) (i32.const 99)) (i32.store (i32.const 316) (i32.const 99))
    (drop (call $env (i32.const 312) (i32.const 316)))
    (i32.store (i32.const 16) (i32.const 300)) (i32.store (i32.const 20) (i32.const 1))
    (i32.store (i32.const 24) (i32.const 304)) (i32.store (i32.const 28) (i32.const 16))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 2) (i32.const 8)))
    (call $exit (i32.const 7))))`;

// Two clock readings, a relative 5 ms sleep through poll_oneoff, a third reading, 20 random bytes.
const DETERMINISTIC = `(module
  (import ${W} "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import ${W} "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import ${W} "random_get" (func $random (param i32 i32) (result i32)))
  (import "zkvm" "write_output" (func $out (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 0)))
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 8)))
    (i64.store (i32.const 100) (i64.const 0x1122334455667788))
    (i32.store8 (i32.const 108) (i32.const 0))
    (i64.store (i32.const 124) (i64.const 5000000))
    (i32.store16 (i32.const 140) (i32.const 0))
    (drop (call $poll (i32.const 100) (i32.const 200) (i32.const 1) (i32.const 240)))
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 16)))
    (drop (call $random (i32.const 24) (i32.const 20)))
    (call $out (i32.const 0) (i32.const 44))
    (call $out (i32.const 200) (i32.const 32))
    (call $out (i32.const 240) (i32.const 4))))`;

function splitmix(n: number): Uint8Array {
  let s = 0x243f6a8885a308d3n;
  const out = new Uint8Array(n);
  const M = (1n << 64n) - 1n;
  for (let i = 0; i < n; i++) {
    s = (s + 0x9e3779b97f4a7c15n) & M;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
    z ^= z >> 31n;
    out[i] = Number(z & 255n);
  }
  return out;
}

describe("WASI guests on the zkVM", () => {
  it("compiler/wasm/wasi-wasm.ts is wasi.wat assembled (scripts/build-wasi.ts)", async () => {
    expect(readFileSync(join(REPO_ROOT, "compiler/wasm/wasi-wasm.ts"), "utf8")).toBe(await wasiSource());
  });

  it("stdin, stdout, stderr, a bad descriptor, args, environ and proc_exit behave as Node's WASI", async () => {
    const bytes = await wat(STREAMS);
    for (const input of ["", "a", "hello, zkvm!", "x".repeat(23)]) {
      const data = new TextEncoder().encode(input);
      const ours = vm(bytes, data);
      const node = await nodeWasi(bytes, data);
      expect(ours).toEqual(node);
      expect(ours.exit).toBe(7);
      expect(ours.out.subarray(0, data.length).toString()).toBe(input);
      expect(ours.out[data.length]).toBe(8); // EBADF
      expect([...ours.out.subarray(data.length + 1)]).toEqual(new Array(16).fill(0));
    }
  });

  it("the clock advances 1 µs a reading, a sleep moves it to its deadline, random_get is SplitMix64", async () => {
    const r = vm(await wat(DETERMINISTIC), new Uint8Array());
    const t = (i: number) => r.out.readBigUInt64LE(8 * i);
    expect([t(0), t(1), t(2)]).toEqual([1000n, 2000n, 2000n + 5_000_000n + 1000n]);
    expect([...r.out.subarray(24, 44)]).toEqual([...splitmix(20)]);
    // the event: userdata, error 0, type 0 (clock); one event
    expect(r.out.readBigUInt64LE(44)).toBe(0x1122334455667788n);
    expect(r.out.readUInt16LE(52)).toBe(0);
    expect(r.out[54]).toBe(0);
    expect(r.out.readUInt32LE(76)).toBe(1);
  });

  it("a WASI function that is not provided, or has another signature, is E0691", async () => {
    for (const [imp, why] of [
      [`(import ${W} "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))`, /E0691 .*the imported function wasi_snapshot_preview1\.path_open/],
      [`(import ${W} "fd_write" (func (param i32 i32) (result i32)))`, /E0691 .*the imported function wasi_snapshot_preview1\.fd_write/],
    ] as const) {
      const bytes = await wat(`(module ${imp} (func (export "_start") (drop (call 0 ${"(i32.const 0) ".repeat(imp.includes("path_open") ? 0 : 2)}${imp.includes("path_open") ? "(i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0)" : ""}))))`);
      const c = compileWasm(bytes, { file: "g.wasm" });
      expect(c.module).toBeUndefined();
      expect(c.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n")).toMatch(why);
    }
  });
});

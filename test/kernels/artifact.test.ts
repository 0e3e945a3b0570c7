// `cwl build examples/ntt.cwl --target wgsl|hls|wasm` artifacts: self-contained folders that run in the
// vendor flow (WASM instantiates and computes; the HLS folder compiles and simulates with only its own files).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packMont, unpackMont, fieldLimbs } from "../../runtime/field/index.ts";
import { compileFile } from "../../compiler/pipeline/index.ts";
import { BN254_FR } from "../../runtime/field/index.ts";
import { emitKernelArtifact, haveGxx } from "../../tooling/kernels/index.ts";

const ir = () => {
  const r = compileFile(join(import.meta.dirname, "../../examples/ntt.cwl"));
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.ir!;
};
const gxx = haveGxx();
if (gxx !== true) console.warn(`skipped: HLS artifact csim: ${gxx}`);

describe("kernel artifacts from examples/ntt.cwl", () => {
  it("wgsl: one shader per kernel, layout.json and a README line", () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-art-"));
    const r = emitKernelArtifact(ir(), "wgsl", dir);
    expect(r.diagnostics).toEqual([]);
    expect(r.files.sort()).toEqual(["README.md", "layout.json", "ntt_bitrev.wgsl", "ntt_scale.wgsl", "ntt_stage.wgsl"]);
    const layout = JSON.parse(readFileSync(join(dir, "layout.json"), "utf8"));
    expect(layout.bindGroups.find((g: { kernel: string }) => g.kernel === "ntt_stage").bindings.map((b: { type: string }) => b.type)).toEqual(["storage", "storage", "uniform"]);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toMatch(/^Run: /m);
  });

  it("wasm: the module instantiates from the folder alone and computes ntt_scale", () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-art-"));
    expect(emitKernelArtifact(ir(), "wasm", dir).diagnostics).toEqual([]);
    const WA = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: Record<string, unknown> }; Module: new (b: Uint8Array) => object } }).WebAssembly;
    const inst = new WA.Instance(new WA.Module(readFileSync(join(dir, "kernels.wasm"))), {});
    const mem = inst.exports.memory as { buffer: ArrayBuffer };
    const base = (inst.exports.heap_base as { value: number }).value;
    const f = fieldLimbs("bn254_fr", BN254_FR.p);
    const xs = [3n, BN254_FR.p - 1n, 0n, 12345n];
    new Uint32Array(mem.buffer, base, 32).set(packMont(f, xs));
    new Uint32Array(mem.buffer, base + 128, 8).set(packMont(f, [7n]));
    (inst.exports.ntt_scale as (...a: number[]) => void)(4, base, 4, base + 128, 1);
    expect(unpackMont(f, new Uint32Array(mem.buffer, base, 32).slice())).toEqual(xs.map((x) => BN254_FR.mul(x, 7n)));
  });

  it.skipIf(gxx !== true)("hls: kernels.cpp + testbench build with the folder's include/ and simulate", () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-art-"));
    const r = emitKernelArtifact(ir(), "hls", dir);
    expect(r.diagnostics).toEqual([]);
    for (const f of ["kernels.cpp", "testbench.cpp", "include/ap_int.h", "include/hls_stream.h", "run_hls.tcl", "README.md"]) expect(existsSync(join(dir, f))).toBe(true);
    expect(readFileSync(join(dir, "kernels.cpp"), "utf8")).toMatch(/#pragma HLS PIPELINE II=1/);
    execFileSync("g++", ["-O0", "-std=c++14", "-Iinclude", "testbench.cpp", "-o", "csim"], { cwd: dir });
    const f = fieldLimbs("bn254_fr", BN254_FR.p);
    const hex = (w: Uint32Array) => Array.from(w, (x) => x.toString(16)).join(" ");
    const script = `alloc 0 16\nwrite 0 0 16 ${hex(packMont(f, [5n, 6n]))}\nalloc 1 8\nwrite 1 0 8 ${hex(packMont(f, [9n]))}\nrun ntt_scale 2 b0 b1\nread 0 0 16\n`;
    const out = execFileSync(join(dir, "csim"), { input: script }).toString().trim().split(" ").map((h) => parseInt(h, 16));
    expect(unpackMont(f, Uint32Array.from(out))).toEqual([45n, 54n]);
  });

  it("reports unknown targets and non-kernel modules as diagnostics", () => {
    expect(emitKernelArtifact(ir(), "cuda", tmpdir()).diagnostics.map((d) => d.code)).toEqual(["E0657"]);
  });
});

describe("cwl kernel", () => {
  // One CLI spawn (loading every command costs seconds on 2 cores); artifacts themselves are tested above.
  it("reports a bad target as a diagnostic with exit code 1, no stack trace", () => {
    const root = join(import.meta.dirname, "../..");
    const dir = mkdtempSync(join(tmpdir(), "cwl-kcli-"));
    let err = "";
    try {
      execFileSync("node", ["bin/cwl.js", "kernel", "examples/ntt.cwl", "--target", "cuda", "-o", dir], { cwd: root, stdio: "pipe" });
    } catch (e) {
      const x = e as { status: number; stderr: Buffer };
      expect(x.status).toBe(1);
      err = x.stderr.toString();
    }
    expect(err).toContain("E0657");
    expect(err).not.toContain("    at "); // no stack trace
  });
});

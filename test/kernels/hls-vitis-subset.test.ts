// Vitis acceptance without Vitis: the emitted kernels.cpp of every stdlib kernel module passes the
// static subset check (backends/hls/vitis-check.ts) and compiles warning-free with g++ against our
// headers; each rule is shown to fire on a source that breaks it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeKernels } from "../../backends/kernels/index.ts";
import { compileFile } from "../../compiler/pipeline/index.ts";
import { HLS_INCLUDE_DIR, checkVitisSubset, emitHls } from "../../backends/hls/index.ts";
import type { Module } from "../../compiler/ir/index.ts";
import { emitKernelArtifact, haveGxx, kernelSource, msmKernels } from "../../tooling/kernels/index.ts";
import { fieldOpsModule } from "./fixtures.ts";
import { shapesModule } from "./hls-shapes.ts";

const kernels = (m: Module) => emitHls(analyzeKernels(m, "hls").km!).kernels;
const sources: [string, () => string][] = [
  ["ntt", () => kernels(kernelSource("ntt"))],
  ["msm", () => kernels(msmKernels())],
  ["fieldops bn254_fr", () => kernels(fieldOpsModule("bn254_fr"))],
  ["fieldops bn254_fq", () => kernels(fieldOpsModule("bn254_fq"))],
  ["kernel shapes", () => kernels(shapesModule())],
];

describe("emitted HLS stays in the Vitis subset", () => {
  for (const [name, src] of sources) {
    it(`${name}: no findings, one DATAFLOW region per top`, () => {
      const r = checkVitisSubset(src());
      expect(r.findings).toEqual([]);
      expect(r.tops.length).toBeGreaterThan(0);
      expect(r.dataflowRegions).toBe(r.tops.length);
      expect(r.streams).toBeGreaterThanOrEqual(r.tops.length);
      expect(r.loops).toBeGreaterThan(r.tops.length);
    });
  }

  const gxx = haveGxx();
  if (gxx !== true) console.warn(`skipped: g++ -fsyntax-only of emitted HLS: ${gxx}`);
  it.skipIf(gxx !== true)("compiles with g++ -std=c++14 -Wall -Wextra -Werror -fsyntax-only (HLS pragmas, loop labels and uniform process signatures excepted)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-hls-syntax-"));
    for (const [name, src] of sources) {
      const f = join(dir, `${name.replace(/\W/g, "_")}.cpp`);
      writeFileSync(f, src());
      execFileSync("g++", ["-std=c++14", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas", "-Wno-unused-label", "-Wno-unused-parameter", "-fsyntax-only", "-I", HLS_INCLUDE_DIR, f], { stdio: "pipe" });
    }
  });
});

describe("each subset rule fires", () => {
  const base = () => sources[0][1]();
  const rules = (src: string) => [...new Set(checkVitisSubset(src).findings.map((f) => f.rule))].sort();
  const cases: [string, (s: string) => string, string[]][] = [
    ["recursion", (s) => s + `\nstatic uint32_t fact(uint32_t n) {\n  return n == 0u ? 1u : n * fact(n - 1u);\n}\n`, ["no-recursion"]],
    ["std::vector in a kernel", (s) => s.replace("const uint32_t v0 = k_gid;", "std::vector<uint32_t> scratch(4);\n    const uint32_t v0 = k_gid;"), ["no-dynamic-memory"]],
    ["heap allocation", (s) => s + `\nstatic uint32_t* grab() {\n  return new uint32_t[4];\n}\n`, ["no-dynamic-memory"]],
    ["variable-bound loop without LOOP_TRIPCOUNT", (s) => s.replace(/#pragma HLS LOOP_TRIPCOUNT[^\n]*\n/, ""), ["loop-bounds"]],
    ["PIPELINE after a statement", (s) => s.replace("#pragma HLS PIPELINE II=1\n#pragma HLS LOOP_TRIPCOUNT min=1 max=1048576\n    const uint32_t v0 = k_gid;", "#pragma HLS LOOP_TRIPCOUNT min=1 max=1048576\n    const uint32_t v0 = k_gid;\n#pragma HLS PIPELINE II=1"), ["pragma-position"]],
    ["INTERFACE on a non-top function", (s) => s.replace("#pragma HLS INLINE\n", "#pragma HLS INLINE\n#pragma HLS INTERFACE s_axilite port=a\n"), ["pragma-position"]],
    ["ARRAY_PARTITION of an undeclared array", (s) => s.replace("variable=bw complete", "variable=bx complete"), ["pragma-position"]],
    ["a stream with two consumers", (s) => s.replace(/(\n  ntt_stage_compute\([^\n]*\n)/, "$1$1"), ["dataflow"]],
    ["a statement in a DATAFLOW body", (s) => s.replace(/(\n  ntt_stage_read\()/, "\n  uint32_t k_extra = 0;$1"), ["dataflow"]],
    ["two ports on one bundle", (s) => s.replace("port=buf_w offset=slave bundle=gmem1", "port=buf_w offset=slave bundle=gmem0"), ["top-interface"]],
    ["a scalar without s_axilite", (s) => s.replace("#pragma HLS INTERFACE s_axilite port=stride\n", ""), ["top-interface"]],
    ["ALLOCATION without a limit", (s) => s.replace("#pragma HLS INLINE\n", "#pragma HLS INLINE\n#pragma HLS ALLOCATION operation instances=mul\n"), ["pragma-position"]],
    ["ALLOCATION inside a loop", (s) => s.replace("#pragma HLS UNROLL\n", "#pragma HLS UNROLL\n#pragma HLS ALLOCATION operation instances=mul limit=4\n"), ["pragma-position"]],
    ["an unchecked pragma", (s) => s.replace("#pragma HLS INLINE\n", "#pragma HLS RESOURCE variable=t core=Mul\n"), ["unknown-pragma"]],
  ];
  for (const [what, mutate, expected] of cases) {
    it(what, () => {
      const src = base();
      const bad = mutate(src);
      expect(bad).not.toBe(src);
      expect(rules(bad)).toEqual(expected);
    });
  }
});

describe("cwl build --target hls artifact", () => {
  it("kernels.cpp passes the check; link.cfg puts each buffer on its own HBM pseudo-channel, shared by its _r/_w ports", () => {
    const r = compileFile(join(import.meta.dirname, "../../examples/ntt.cwl"));
    const dir = mkdtempSync(join(tmpdir(), "cwl-hls-art-"));
    expect(emitKernelArtifact(r.ir!, "hls", dir).diagnostics).toEqual([]);
    expect(checkVitisSubset(readFileSync(join(dir, "kernels.cpp"), "utf8")).findings).toEqual([]);
    const structure = JSON.parse(readFileSync(join(dir, "structure.json"), "utf8"));
    const sp = readFileSync(join(dir, "link.cfg"), "utf8").split("\n").filter((l) => l.startsWith("sp="));
    const ports = structure.kernels.flatMap((k: { name: string; ports: { name: string }[] }) => k.ports.map((p) => `${k.name}_1.${p.name}`));
    expect(sp.map((l) => l.slice(3, l.indexOf(":")))).toEqual(ports);
    const bank = new Map(sp.map((l) => [l.slice(3, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
    // One device buffer sits in one bank: a buffer's read and write ports must name the same channel.
    expect(bank.get("ntt_stage_1.buf_r")).toBe(bank.get("ntt_stage_1.buf_w"));
    const buffers = new Set(ports.map((p: string) => p.replace(/_[rw]$/, "")));
    expect(new Set(bank.values()).size).toBe(buffers.size);
    expect(ports).toContain("ntt_stage_1.buf_r");
  });
});

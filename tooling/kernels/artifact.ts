// `cwl build FILE --target wgsl|hls|wasm`: one self-contained artifact folder per target, each with a
// README line on how to run it in the vendor toolchain. Diagnostics are returned, never thrown.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import type { Module } from "../../compiler/ir/index.ts";
import { HLS_INCLUDE_DIR, emitHls } from "../../backends/hls/index.ts";
import { emitWasm } from "../../backends/wasm/index.ts";
import { emitWgsl } from "../../backends/wgsl/index.ts";
import { type KernelModule, type KernelTarget, KERNEL_TARGETS, analyzeKernels } from "../../backends/kernels/analyze.ts";

export interface KernelArtifact {
  diagnostics: Diagnostic[];
  /** Files written (relative to outDir). */
  files: string[];
}

function layout(km: KernelModule): object {
  return {
    format: "cwl-kernels/1",
    fields: [...km.fields.values()].map((f) => ({
      name: f.name,
      modulus: "0x" + f.modulus.toString(16),
      limbs: f.limbs,
      encoding: "little-endian u32 limbs, Montgomery form x·R mod p",
      R: `2^${32 * f.limbs}`,
    })),
    kernels: km.kernels.map((k) => ({
      name: k.name,
      workgroup: k.workgroup,
      params: k.params.map((p) => ({
        name: p.name,
        kind: p.kind.kind === "fbuf" ? "field-buffer" : p.kind.kind === "ubuf" ? "u32-buffer" : "u32",
        field: p.kind.kind === "fbuf" ? p.kind.field.name : undefined,
        access: p.kind.kind === "scalar" ? undefined : p.kind.access,
      })),
    })),
  };
}

export function emitKernelArtifact(module: Module, target: string, outDir: string): KernelArtifact {
  if (!KERNEL_TARGETS.includes(target as KernelTarget))
    return { diagnostics: [{ severity: "error", code: "E0657", message: `unknown kernel target \`${target}\``, hint: `use one of ${KERNEL_TARGETS.join(", ")}` }], files: [] };
  const { km, diagnostics } = analyzeKernels(module, target as KernelTarget);
  if (!km) return { diagnostics, files: [] };
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, text: string | Uint8Array) => {
    writeFileSync(join(outDir, name), text);
    files.push(name);
  };
  const names = km.kernels.map((k) => k.name).join(", ");
  if (target === "wgsl") {
    const ks = emitWgsl(km);
    for (const k of ks) put(`${k.name}.wgsl`, k.code);
    put("layout.json", JSON.stringify({ ...layout(km), bindGroups: ks.map((k) => ({ kernel: k.name, entry: k.entry, bindings: k.bindings })) }, null, 2) + "\n");
    put(
      "README.md",
      `# WGSL kernels: ${names}\n\nRun: load each \`<kernel>.wgsl\` with \`device.createShaderModule\`, build the bind group from \`layout.json\` (group 0; the uniform block's first u32 is the invocation count), dispatch \`ceil(count / workgroup)\` workgroups (fold counts above 65535 into y). In this repository, \`runtime/gpu\` (\`WebGpuExecutor\`) does exactly that on Dawn (\`webgpu\` npm) or lavapipe.\n\nBuffers hold field elements as little-endian u32 limbs in Montgomery form (see layout.json).\n`,
    );
  } else if (target === "hls") {
    const out = emitHls(km);
    put("kernels.cpp", out.kernels);
    put("testbench.cpp", out.testbench);
    mkdirSync(join(outDir, "include"), { recursive: true });
    for (const h of ["ap_int.h", "hls_stream.h"]) {
      copyFileSync(join(HLS_INCLUDE_DIR, h), join(outDir, "include", h));
      files.push(`include/${h}`);
    }
    put("structure.json", JSON.stringify({ kernels: out.structure, fieldMuls: out.fieldMuls }, null, 2) + "\n");
    // v++ link: one compute unit per kernel, each buffer parameter on its own HBM pseudo-channel (U280: 32).
    // The `x_r`/`x_w` ports of one buffer share a channel: the host passes one device buffer to both,
    // and an XRT buffer lives in one bank.
    let pc = 0;
    const channelOf = (k: { ports: { name: string; param: unknown }[] }) => {
      const byParam = new Map<unknown, number>();
      return (p: { param: unknown }) => {
        if (!byParam.has(p.param)) byParam.set(p.param, pc++ % 32);
        return byParam.get(p.param)!;
      };
    };
    put(
      "link.cfg",
      [
        `# v++ -l --config link.cfg: one HBM pseudo-channel per buffer (ports named in structure.json; x_r/x_w share one)`,
        `[connectivity]`,
        ...out.structure.flatMap((k) => [`nk=${k.name}:1:${k.name}_1`, ...((ch) => k.ports.map((p) => `sp=${k.name}_1.${p.name}:HBM[${ch(p)}]`))(channelOf(k))]),
        ``,
      ].join("\n"),
    );
    const tops = km.kernels.map((k) => k.name);
    put(
      "run_hls.tcl",
      [
        `# Vitis HLS: vitis_hls -f run_hls.tcl  (one solution per kernel top; Vitis's own ap_int.h is used)`,
        ...tops.flatMap((t) => [
          `open_project -reset prj_${t}`,
          `set_top ${t}`,
          `add_files kernels.cpp`,
          `add_files -tb testbench.cpp`,
          `open_solution -reset sol -flow_target vitis`,
          `set_part xcu280-fsvh2892-2L-e`,
          `create_clock -period 3.33`,
          `csynth_design`,
          `close_project`,
        ]),
        `exit`,
        ``,
      ].join("\n"),
    );
    put(
      "README.md",
      `# Vitis HLS kernels: ${names}\n\nRun: \`vitis_hls -f run_hls.tcl\` (synthesis for the Alveo U280 part at 300 MHz; link with \`v++ -l --config link.cfg\`, which puts every m_axi port on its own HBM pseudo-channel); C simulation without Vitis: \`g++ -O2 -std=c++14 -Iinclude testbench.cpp -o csim && ./csim < commands.txt\` (protocol in testbench.cpp's header).\n\nEach kernel is a DATAFLOW top: read → compute → write processes joined by hls::stream FIFOs. A buffer the kernel both reads and writes has two ports (\`x_r\`, \`x_w\`): pass the same device buffer to both. Ports, processes and their II are listed in structure.json.\n\n\`include/\` holds cwl's minimal ap_int.h/hls_stream.h for g++ only; do not pass it to Vitis.\n`,
    );
  } else {
    const out = emitWasm(km);
    put("kernels.wasm", out.binary);
    put("kernels.wat", out.text);
    put("layout.json", JSON.stringify({ ...layout(km), heapBase: out.heapBase, abi: "export <kernel>(threads: i32, then (ptr: i32, len: i32) per buffer and i32 per u32 parameter); buffers above heap_base" }, null, 2) + "\n");
    put(
      "README.md",
      `# WASM kernels: ${names}\n\nRun: \`const { instance } = await WebAssembly.instantiate(fs.readFileSync("kernels.wasm"))\`, place buffers in \`instance.exports.memory\` above \`heap_base\`, call \`instance.exports.<kernel>(threads, ...)\` (ABI in layout.json). Needs bulk-memory (Node ≥ 16, every current browser).\n`,
    );
  }
  return { diagnostics: [], files };
}

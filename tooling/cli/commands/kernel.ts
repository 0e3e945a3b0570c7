// `cwl kernel FILE --target wgsl|hls|wasm -o DIR`: compile a .cwl file's `kernel` items into one target's
// artifact folder (the same as `cwl build --target <kernel target>`, with kernel-specific help).
import type { CommandModule } from "yargs";
// The kernel backends load binaryen (seconds to import): only inside the handler, so other commands start fast.
import { KERNEL_TARGETS } from "../../../backends/kernels/analyze.ts";
import { renderAll } from "../../../base/diagnostics/index.ts";
import { FileManager } from "../../../base/files/index.ts";
import { makeUserDir } from "../../../base/files/user-file.ts";
import { setExitCode } from "../main.ts";
import { compileFile, hasErrors } from "../../../compiler/pipeline/index.ts";

interface Args {
  file: string;
  target: string;
  o?: string;
}

export const command: CommandModule<object, Args> = {
  command: "kernel <file>",
  describe: "Emit a .cwl file's kernels as WGSL (WebGPU), Vitis HLS C++ or WASM",
  builder: (y) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: ".cwl source with `kernel` items" })
      .option("target", { type: "string", demandOption: true, describe: `kernel target: ${KERNEL_TARGETS.join(", ")}` })
      .option("o", { type: "string", describe: "output folder (default build/<file>-<target>)" })
      .example("$0 kernel examples/ntt.cwl --target hls -o build/ntt-hls", "Vitis HLS sources, csim testbench and run_hls.tcl") as never,
  handler: async (argv) => {
    const fm = new FileManager();
    const r = compileFile(argv.file, { fm });
    const render = (ds: Parameters<typeof renderAll>[0]) => process.stderr.write(renderAll(ds, (id) => fm.get(id), { color: process.stderr.isTTY }) + "\n");
    if (r.diagnostics.length) render(r.diagnostics);
    if (hasErrors(r.diagnostics) || !r.ir) return setExitCode(1);
    const base = argv.file.replace(/^.*[\\/]/, "").replace(/\.cwl$/, "");
    const outDir = argv.o ?? `build/${base}-${argv.target}`;
    if (!KERNEL_TARGETS.includes(argv.target as never)) {
      render([{ severity: "error", code: "E0657", message: `unknown kernel target \`${argv.target}\``, hint: `targets: ${KERNEL_TARGETS.join(", ")}` }]);
      return setExitCode(1);
    }
    makeUserDir(outDir);
    const { emitKernelArtifact } = await import("../../kernels/artifact.ts");
    const res = emitKernelArtifact(r.ir, argv.target, outDir);
    if (res.diagnostics.length) render(res.diagnostics);
    if (hasErrors(res.diagnostics)) return setExitCode(1);
    process.stdout.write(`wrote ${outDir}: ${res.files.join(", ")}\n`);
  },
};

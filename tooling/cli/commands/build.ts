import { existsSync } from "node:fs";
import { join, basename, relative, resolve, sep } from "node:path";
import type { CommandModule } from "yargs";
import { renderAll } from "../../../base/diagnostics/index.ts";
import { FileManager, REPO_ROOT } from "../../../base/files/index.ts";
import { makeUserDir, writeUserFile } from "../../../base/files/user-file.ts";
import { type Module, printModule } from "../../../compiler/ir/index.ts";
import { FIELD_CHOICES } from "../../../compiler/sema/index.ts";
import { UserError, setExitCode } from "../main.ts";
import { hasErrors, runPasses } from "../../../compiler/pipeline/index.ts";
import { compileInProject } from "../../project/index.ts";
import { parseParams } from "./check-spec.ts";

const TARGETS = ["ir", "plonkish", "wgsl", "hls", "wasm", "promela", "ts", "zkvm"] as const;

interface Args {
  file: string;
  target: (typeof TARGETS)[number];
  emit?: string;
  o?: string;
  field: string;
  passes?: string;
  entry?: string;
  stats?: boolean;
  param?: string[];
}

export const command: CommandModule<object, Args> = {
  command: "build <file>",
  describe: "Compile a .cwl file to CWIR or a backend artifact",
  builder: (y) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: ".cwl source, or a .wasm module (targets ir and zkvm)" })
      .option("target", { type: "string", choices: TARGETS as unknown as string[], default: "ir", describe: "what to produce" })
      .option("emit", { type: "string", choices: ["ir"], describe: "also write the CWIR (before backend passes) next to the output" })
      .option("o", { type: "string", describe: "output file (ir) or folder (other targets; ts: typed bindings per item); default stdout / ./build" })
      .option("field", { type: "string", choices: FIELD_CHOICES as unknown as string[], default: "bn254", describe: "prime field for `F: Field` generics" })
      .option("entry", { type: "string", describe: "item to build when the file has several (plonkish; promela: the spec)" })
      .option("param", { type: "string", array: true, describe: "override a spec param: --param n=4 (promela; repeatable)" })
      .option("stats", { type: "boolean", default: false, describe: "print the layout statistics (plonkish)" })
      .option("passes", { type: "string", describe: "CWIR passes to run first, comma-separated (`default` = the standard pipeline)" })
      .example("$0 build c.cwl --target ir", "print the raw lowering as CWIR text")
      .example("$0 build c.cwl --target ir --passes default", "CWIR after inline, unroll, folding, if→select, CSE, DCE")
      .example("$0 build stdlib/specs/bft.cwl --target promela --entry Bft", "each spec as a Promela model for spin (build/Bft.pml)") as never,
  handler: async (argv) => {
    if (argv.file.endsWith(".wasm")) return buildWasm(argv);
    const fm = new FileManager();
    // Inside a project, its cwl.toml's dependencies apply.
    const r = compileInProject(argv.file, { fm, field: argv.field });
    if (r.diagnostics.length) process.stderr.write(renderAll(r.diagnostics, (id) => fm.get(id), { color: process.stderr.isTTY }) + "\n");
    if (hasErrors(r.diagnostics) || !r.ir) {
      setExitCode(1);
      return;
    }
    const ir = r.ir;
    const print = (m: Module) => printModule(m, { fileOf: (id) => fm.get(id) });
    if (argv.emit === "ir" && argv.target !== "ir") {
      const out = join(argv.o ?? "build", basename(argv.file).replace(/\.cwl$/, "") + ".cwir");
      writeUserFile(out, print(ir), "CWIR file");
    }
    if (argv.passes) {
      const ds = runPasses(ir, argv.passes);
      if (ds.length) {
        process.stderr.write(renderAll(ds, (id) => fm.get(id)) + "\n");
        if (hasErrors(ds)) return setExitCode(1);
      }
    }
    if (argv.target === "ir") {
      const text = print(ir);
      if (argv.o) writeUserFile(argv.o, text, "CWIR file");
      else process.stdout.write(text);
      return;
    }
    const outDir = argv.o ?? "build";
    if (argv.target === "promela") {
      const { buildPromela } = await import("../../../backends/promela/index.ts");
      const res = buildPromela(ir, { entry: argv.entry, params: parseParams(argv.param) });
      if (res.diagnostics.length) process.stderr.write(renderAll(res.diagnostics, (id) => fm.get(id)) + "\n");
      if (hasErrors(res.diagnostics)) return setExitCode(1);
      for (const pm of res.models) {
        const out = join(outDir, `${pm.spec}.pml`);
        writeUserFile(out, pm.text, "Promela file");
        process.stdout.write(`wrote ${out}\n`);
      }
      return;
    }
    if (argv.target === "zkvm") {
      // One program → one bytecode file (spec/zkvm.md); -o names the file.
      const { buildZkvm } = await import("../../../backends/zkvm/index.ts");
      let entry: string | undefined;
      if (argv.entry) {
        const inst = r.checked?.entries.find((i) => i.item.name.name === argv.entry && i.concrete);
        if (!inst) throw new UserError(`no item \`${argv.entry}\` in ${argv.file}`);
        entry = inst.irName;
      }
      const res = buildZkvm(ir, { entry });
      if (res.diagnostics.length) process.stderr.write(renderAll(res.diagnostics, (id) => fm.get(id)) + "\n");
      if (hasErrors(res.diagnostics) || !res.bytes) return setExitCode(1);
      const out = argv.o ?? join("build", basename(argv.file).replace(/\.cwl$/, "") + ".cwvm");
      writeUserFile(out, res.bytes, "zkVM bytecode file");
      process.stdout.write(`wrote ${out} (${res.bytes.length} bytes, ${res.program!.code.length / 4} instructions)\n`);
      return;
    }
    if (argv.target === "ts") {
      const { emitTsBindings } = await import("../../../backends/ts/index.ts");
      // The generated modules compile the source at run time, found relative to themselves.
      let rel = relative(resolve(outDir), resolve(argv.file)).split(sep).join("/");
      if (!rel.startsWith(".")) rel = `./${rel}`;
      const res = emitTsBindings(ir, { sourceFromOut: rel });
      if (!res.items.length) throw new UserError(`${argv.file} has no circuit, program, protocol or kernel to bind`);
      makeUserDir(outDir);
      for (const [name, text] of res.files) writeUserFile(join(outDir, name), text, "TypeScript file");
      process.stdout.write(`wrote ${outDir}: ${res.items.map((i) => `${i.kind} ${i.name}`).join(", ")}\n`);
      return;
    }
    if (argv.target === "plonkish") {
      const mod = await loadBackend("backends/plonkish/index.ts", "plonkish");
      const fn = mod.buildPlonkish as ((m: Module, opts: object) => unknown) | undefined;
      if (typeof fn !== "function") throw new UserError("target `plonkish` is not available yet", "use `--target ir` for now");
      makeUserDir(outDir);
      let entry: string | undefined;
      if (argv.entry) {
        const inst = r.checked?.entries.find((i) => i.item.name.name === argv.entry && i.concrete);
        if (!inst) throw new UserError(`no item \`${argv.entry}\` in ${argv.file}`);
        entry = inst.irName;
      }
      const res = await fn(ir, { outDir, name: basename(argv.file).replace(/\.cwl$/, ""), entry, stats: argv.stats });
      if (res && typeof res === "object" && "diagnostics" in res) {
        const ds = (res as { diagnostics: import("../../../base/diagnostics/index.ts").Diagnostic[] }).diagnostics;
        if (ds.length) process.stderr.write(renderAll(ds, (id) => fm.get(id)) + "\n");
        if (hasErrors(ds)) return setExitCode(1);
      }
      const file = res && typeof res === "object" && "file" in res ? (res as { file?: string }).file : undefined;
      process.stdout.write(`wrote ${file ?? outDir}\n`);
      return;
    }
    const mod = await loadBackend("tooling/kernels/artifact.ts", argv.target);
    const emit = mod.emitKernelArtifact as ((m: Module, target: string, outDir: string) => unknown) | undefined;
    if (typeof emit !== "function") throw new UserError(`target \`${argv.target}\` is not available yet`, "use `--target ir` for now");
    makeUserDir(outDir);
    const res = await emit(ir, argv.target, outDir);
    if (res && typeof res === "object" && "diagnostics" in res) {
      const ds = (res as { diagnostics: import("../../../base/diagnostics/index.ts").Diagnostic[] }).diagnostics;
      if (ds.length) process.stderr.write(renderAll(ds, (id) => fm.get(id)) + "\n");
      if (hasErrors(ds)) return setExitCode(1);
    }
    process.stdout.write(`wrote ${outDir}\n`);
  },
};

/** A .wasm guest: the lifted CWIR (`--target ir`) or zkVM bytecode (spec/wasm.md). */
async function buildWasm(argv: Args): Promise<void> {
  const { buildWasmFile, liftWasmFile } = await import("../wasm-guest.ts");
  if (argv.target !== "zkvm" && argv.target !== "ir") throw new UserError(`a .wasm module builds for --target zkvm or ir, not ${argv.target}`);
  if (argv.target === "ir") {
    const m = liftWasmFile(argv.file, argv.entry);
    if (!m) return;
    const text = printModule(m);
    if (argv.o) writeUserFile(argv.o, text, "CWIR file");
    else process.stdout.write(text);
    return;
  }
  const res = buildWasmFile(argv.file, argv.entry);
  if (!res?.bytes) return;
  const out = argv.o ?? join("build", basename(argv.file).replace(/\.wasm$/, "") + ".cwvm");
  writeUserFile(out, res.bytes, "zkVM bytecode file");
  process.stdout.write(`wrote ${out} (${res.bytes.length} bytes, ${res.program!.code.length / 4} instructions)\n`);
}

// Literal import specifiers, so that the prebuilt CLI bundle (scripts/build-cli.mjs) contains the backends.
const BACKENDS: Record<string, () => Promise<object>> = {
  "backends/plonkish/index.ts": () => import("../../../backends/plonkish/index.ts"),
  "tooling/kernels/artifact.ts": () => import("../../kernels/artifact.ts"),
};

async function loadBackend(rel: string, target: string): Promise<Record<string, unknown>> {
  const load = BACKENDS[rel];
  if (!load || !existsSync(join(REPO_ROOT, rel))) throw new UserError(`target \`${target}\` is not available yet`, "use `--target ir` for now");
  return (await load()) as Record<string, unknown>;
}

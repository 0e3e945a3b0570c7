import type { CommandModule } from "yargs";
import { renderAll } from "../../../base/diagnostics/index.ts";
import { FileManager } from "../../../base/files/index.ts";
import { encodeJson, run } from "../../../compiler/interp/index.ts";
import { FIELD_CHOICES } from "../../../compiler/sema/index.ts";
import { readUserFile, readUserJson } from "../../../base/files/user-file.ts";
import { UserError, intFlag, setExitCode } from "../main.ts";
import { hasErrors, runPasses } from "../../../compiler/pipeline/index.ts";
import { compileInProject } from "../../project/index.ts";

interface Args {
  file: string;
  input?: string;
  entry?: string;
  field: string;
  passes?: string;
  dispatch?: number;
}

export const command: CommandModule<object, Args> = {
  command: "run <file>",
  describe: "Run a circuit, program, protocol (in the clear) or kernel with the CWIR interpreter",
  builder: (y) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: ".cwl source, .cwvm zkVM bytecode (cwl build --target zkvm), or a .wasm module (compiled for the zkVM, then run)" })
      .option("input", { type: "string", describe: "JSON file with the inputs by parameter name" })
      .option("entry", { type: "string", describe: "item to run when the file has several" })
      .option("field", { type: "string", choices: FIELD_CHOICES as unknown as string[], default: "bn254", describe: "prime field for `F: Field` generics" })
      .option("passes", { type: "string", describe: "CWIR passes to run before interpreting (`default` = the standard pipeline)" })
      .option("dispatch", { type: "number", describe: "kernel dispatch size (invocations); default: length of the first buffer" })
      .example("$0 run examples/poseidon_preimage.cwl --input examples/poseidon_preimage.json", "check a witness") as never,
  handler: (argv) => {
    intFlag("--dispatch", argv.dispatch, 1, 2 ** 31 - 1);
    let inputs: Record<string, unknown> | unknown[] = {};
    if (argv.input) {
      inputs = readUserJson(argv.input, { what: "input file" }) as Record<string, unknown>;
      if (typeof inputs !== "object" || inputs === null) throw new UserError(`input file \`${argv.input}\` must hold a JSON object (inputs by name) or array`);
    }
    if (argv.file.endsWith(".cwvm")) return runBytecode(argv.file, inputs, argv.input !== undefined);
    if (argv.file.endsWith(".wasm")) return runWasm(argv.file, argv.entry, inputs, argv.input !== undefined);
    const fm = new FileManager();
    // Inside a project, its cwl.toml's dependencies apply.
    const r = compileInProject(argv.file, { fm, field: argv.field });
    const render = (ds: Parameters<typeof renderAll>[0]) => renderAll(ds, (id) => fm.get(id), { color: process.stderr.isTTY });
    if (r.diagnostics.length) process.stderr.write(render(r.diagnostics) + "\n");
    if (hasErrors(r.diagnostics) || !r.ir || !r.checked) return setExitCode(1);
    if (argv.passes) {
      const ds = runPasses(r.ir, argv.passes);
      if (hasErrors(ds)) {
        process.stderr.write(render(ds) + "\n");
        return setExitCode(1);
      }
    }
    let entry: string | undefined;
    if (argv.entry) {
      const inst = r.checked.entries.find((i) => i.item.name.name === argv.entry && i.concrete) ?? r.checked.instances.find((i) => i.irName === argv.entry);
      if (!inst)
        throw new UserError(
          `no item \`${argv.entry}\` in ${argv.file}`,
          `items: ${r.checked.entries.filter((i) => i.item.kind !== "Fn").map((i) => i.item.name.name).join(", ")}`,
        );
      entry = inst.irName;
    } else {
      const tops = r.checked.entries.filter((i) => i.concrete && i.item.kind !== "Fn");
      if (tops.length === 1) entry = tops[0].irName;
      else if (tops.length > 1) throw new UserError(`${argv.file} has ${tops.length} runnable items; pick one with --entry`, `items: ${tops.map((i) => i.item.name.name).join(", ")}`);
    }
    const res = run(r.ir, { entry, inputs, dispatch: argv.dispatch });
    if (res.diagnostics.length) process.stderr.write(render(res.diagnostics) + "\n");
    const f = entry ? r.ir.func(entry) : undefined;
    const out: Record<string, unknown> = { ok: res.ok };
    if (res.outputsJson.length) out.outputs = res.outputsJson;
    if (res.revealed.length) out.revealed = res.revealed.map((x) => (x.to === undefined ? x.json : { to: x.to, value: x.json }));
    if (f?.kind === "kernel") {
      const bufs: Record<string, unknown> = {};
      res.buffers.forEach((b, i) => {
        if (!b || !f) return;
        // Only the buffers a kernel may write are results.
        if (f.paramAttrs[i]?.access !== "read_write") return;
        const name = typeof f.paramAttrs[i]?.name === "string" ? (f.paramAttrs[i].name as string) : `#${i}`;
        const t = f.args[i].type;
        bufs[name] = b.map((v) => encodeJson(r.ir!, t.kind === "mem" ? t.elem : t, v));
      });
      if (Object.keys(bufs).length) out.buffers = bufs;
    }
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    if (!res.ok) setExitCode(1);
  },
};

/** Runs zkVM bytecode: prints the results and the instruction count (per table family too). */
async function runBytecode(file: string, inputs: Record<string, unknown> | unknown[], hasInput: boolean): Promise<void> {
  const zk = await import("../../../runtime/zkvm/index.ts");
  const bytes = new Uint8Array(readUserFile(file, { what: "zkVM bytecode file" }));
  const p = zk.decode(bytes);
  if (!("code" in p)) throw new UserError(`${file}: byte ${p.at ?? 0}: ${p.message}`, "rebuild it with `cwl build X.cwl --target zkvm -o " + file + "`");
  return runProgram(file, p, inputs, hasInput);
}

/** Compiles a .wasm module for the zkVM (spec/wasm.md) and runs it. */
async function runWasm(file: string, entry: string | undefined, inputs: Record<string, unknown> | unknown[], hasInput: boolean): Promise<void> {
  const { buildWasmFile, wasmTrapMessage } = await import("../wasm-guest.ts");
  const b = buildWasmFile(file, entry);
  if (b?.program) return runProgram(file, b.program, inputs, hasInput, wasmTrapMessage);
}

async function runProgram(
  file: string,
  p: import("../../../runtime/zkvm/index.ts").Program,
  inputs: Record<string, unknown> | unknown[],
  hasInput: boolean,
  explain: (msg: string) => string = (m) => m,
): Promise<void> {
  const zk = await import("../../../runtime/zkvm/index.ts");
  const sig = p.sig ?? { params: [], results: [] };
  if (sig.params.length && !hasInput) throw new UserError(`${file} takes inputs (${sig.params.map((x) => x.name).join(", ")}); pass them with --input in.json`);
  const input = zk.encodeInputs(sig, inputs);
  if (typeof input === "string") throw new UserError(`${file}: ${input}`);
  const r = zk.execute(p, { input, counts: true });
  if (!r.ok) {
    process.stdout.write(JSON.stringify({ ok: false, error: explain(r.message) }, null, 2) + "\n");
    process.stderr.write(`error: ${file}: ${explain(r.message)}\n`);
    return setExitCode(1);
  }
  const outputs = zk.decodeOutputs(sig, r.output);
  const out: Record<string, unknown> = { ok: r.exitCode === 0 };
  if (typeof outputs === "string") out.output = Array.from(r.output);
  else {
    if (outputs.outputs.length) out.outputs = outputs.outputs;
    if (Object.keys(outputs.buffers).length) out.buffers = outputs.buffers;
  }
  if (r.exitCode !== 0) out.exitCode = r.exitCode;
  out.instructions = r.instructions;
  out.families = r.families;
  out.peakMemoryBytes = r.peakMemoryBytes;
  out.peakRegisterCells = r.peakRegisterCells;
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  if (r.exitCode !== 0) setExitCode(1);
}

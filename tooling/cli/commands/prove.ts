// `cwl prove <file> --inputs in.json`: witness from the CWIR interpreter, MockProver, then the KZG
// proof, with the time of every phase on stderr.
import { progressRenderer } from "../../progress/index.ts";
import type { CommandModule } from "yargs";
import { CliError } from "../plonkish-error.ts";
import { readUserJson } from "../../../base/files/user-file.ts";
import { UserError, intFlag, setExitCode } from "../main.ts";
import { renderAll } from "../../../base/diagnostics/index.ts";

interface Args {
  file: string;
  inputs?: string;
  input?: string;
  field?: string;
  fold?: number;
  entry?: string;
  ptau?: string;
  "insecure-dev-srs"?: boolean;
  k?: number;
  out?: string;
  public?: string;
  vk?: string;
  device?: string;
  gpus?: number;
}

export const command: CommandModule<object, Args> = {
  command: "prove <file>",
  describe: "Prove a circuit on the given inputs (PLONKish, KZG on BN254)",
  builder: (y) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: ".cwl source, .cwir IR text, or .cwvm zkVM bytecode" })
      .option("inputs", { alias: "i", type: "string", describe: "inputs JSON (parameter name → value)" })
      .option("input", { type: "string", describe: "a .cwvm program's inputs JSON (as for `cwl run`)" })
      .option("field", { type: "string", describe: "a .cwvm program's proof system: babybear (STARK, the default) or bn254 (PLONKish, KZG)" })
      .option("fold", { type: "number", describe: "bn254 zkVM proofs: block height of the folded lookup tables (a power of two)" })
      .option("entry", { type: "string", describe: "circuit to use when the file has several" })
      .option("ptau", { type: "string", describe: "powers-of-tau file (snarkjs .ptau, BN254)" })
      .option("insecure-dev-srs", { type: "boolean", describe: "use a development SRS with a public tau (INSECURE)" })
      .option("k", { type: "number", describe: "domain size 2^k (must match setup)" })
      .option("vk", { type: "string", describe: "check that the circuit still matches this verifying key" })
      .option("out", { alias: "o", type: "string", describe: "proof file (.proof binary, .json JSON; default <file>.proof)" })
      .option("public", { type: "string", describe: "public inputs file (default <file>.public.json)" })
      .option("device", { type: "string", describe: "where MSMs and NTTs run: cpu (default), gpu (WebGPU; an error without an adapter), auto (a hardware GPU if present, else the CPU)" })
      .option("gpus", { type: "number", describe: "with --device gpu|auto: spread MSMs over this many device executors (default 1)" }),
  handler: async (a) => {
    // Heavy modules load only when this command runs, so other commands start fast.
    const { keygen, prove, MockProver } = await import("../../../runtime/plonk/index.ts");
    const { witnessFor } = await import("../../../backends/plonkish/index.ts");
    const { loadCircuit, checkSrsChoice, chooseSrs, domainK, writeProof, writePublic, readVk } = await import("../plonkish.ts");
    const log = (s: string) => process.stderr.write(s + "\n");
    if (a.file.endsWith(".cwvm")) {
      const { proveZkvm } = await import("../zkvm-prove.ts");
      try {
        return await proveZkvm({ file: a.file, input: a.input ?? a.inputs, field: a.field ?? "babybear", out: a.out, fold: a.fold, ptau: a.ptau, insecureDevSrs: a["insecure-dev-srs"] });
      } catch (e) {
        if (e instanceof CliError) throw new UserError(e.message, e.hint);
        throw e;
      }
    }
    if (a.field !== undefined || a.fold !== undefined) throw new UserError("--field and --fold apply to .cwvm zkVM programs; a circuit is proven over BN254");
    if (a.inputs === undefined) throw new UserError("missing --inputs <in.json> (the circuit's inputs by parameter name)");
    const { deviceFlag, deviceFor } = await import("../prover-device.ts");
    const device = deviceFlag(a.device, a.gpus);
    const { TWO_ADICITY } = await import("../../../runtime/poly/fr.ts");
    try {
      const t0 = performance.now();
      // The small files first: a bad inputs file or key is found before minutes of compiling and keygen.
      const inputs = readUserJson(a.inputs, { what: "inputs file" }) as Record<string, unknown>;
      if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs))
        throw new CliError(`inputs file \`${a.inputs}\` must hold a JSON object (inputs by parameter name)`);
      const expectedVk = a.vk ? readVk(a.vk) : undefined;
      checkSrsChoice({ ptau: a.ptau, insecureDevSrs: a["insecure-dev-srs"] });
      // The field's limit before compiling; the circuit's own bounds (domainK) once it is laid out.
      intFlag("--k", a.k, 1, TWO_ADICITY);
      const loaded = loadCircuit(a.file, a.entry);
      if (!loaded.compiled) {
        process.stderr.write(loaded.render() + "\n");
        setExitCode(1);
        return;
      }
      const c = loaded.compiled;
      log(`compile: ${(performance.now() - t0).toFixed(0)} ms`);
      let t = performance.now();
      const { witness, run } = witnessFor(c, inputs);
      if (!witness || run.diagnostics.length) {
        // Interpreter findings (bad inputs, failed assertions) carry source locations.
        process.stderr.write(renderAll(run.diagnostics, loaded.fileOf) + "\n");
        if (!witness) {
          setExitCode(1);
          return;
        }
      }
      log(`witness: ${(performance.now() - t).toFixed(0)} ms`);
      t = performance.now();
      // The MockProver checks at the domain the proof will use (-k), so a size it refuses is refused here.
      const k = domainK(c, a.k);
      // `cwl setup` refuses such a layout unless --allow-zk-gap; a proof of one still says so loudly.
      const { checkZeroKnowledge } = await import("../zk-check.ts");
      checkZeroKnowledge(c.program.circuit, k, true, log);
      const mock = MockProver.run(c.program.circuit, witness, { k, fileOf: loaded.fileOf });
      if (!mock.ok) {
        process.stderr.write(mock.messages().map((m) => `error: ${m}`).join("\n") + "\n");
        setExitCode(1);
        return;
      }
      log(`mock prover: ${(performance.now() - t).toFixed(0)} ms, all constraints hold (k=${k})`);
      const srs = chooseSrs({ ptau: a.ptau, insecureDevSrs: a["insecure-dev-srs"] }, k, log);
      const phases = progressRenderer({ prefix: "  " }).progress;
      const dev = await deviceFor(device, a.gpus, log);
      let proof;
      try {
        t = performance.now();
        const pk = await keygen(srs, c.program.circuit, { k, progress: phases, device: dev });
        log(`keygen: ${(performance.now() - t).toFixed(0)} ms (k=${k}, ${c.program.circuit.rows} rows)`);
        if (expectedVk) {
          if (Buffer.compare(Buffer.from(expectedVk.digest), Buffer.from(pk.vk.digest)) !== 0)
            throw new CliError(`${a.vk} does not match this circuit and SRS`, "run `cwl setup` again with the same --ptau and --k");
        }
        proof = await prove(pk, witness, { progress: phases, device: dev });
      } finally {
        dev?.dispose();
      }
      if (dev) log(`device: ${dev.label}: ${dev.summary()}`);
      const base = a.file.replace(/\.(cwl|cwir)$/, "");
      const out = a.out ?? base + ".proof";
      const pub = a.public ?? base + ".public.json";
      writeProof(out, proof);
      writePublic(pub, c.program.publicNames, witness.instance);
      process.stdout.write(`wrote ${out} and ${pub} (total ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    } catch (e) {
      if (e instanceof CliError) throw new UserError(e.message, e.hint);
      throw e;
    }
  },
};

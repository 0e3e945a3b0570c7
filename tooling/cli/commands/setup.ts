// `cwl setup <file>`: lays the circuit out (plonkish) and writes its verifying key.
import { progressRenderer } from "../../progress/index.ts";
import type { CommandModule } from "yargs";
import { CliError } from "../plonkish-error.ts";
import { UserError, intFlag, setExitCode } from "../main.ts";

interface Args {
  file: string;
  entry?: string;
  ptau?: string;
  "insecure-dev-srs"?: boolean;
  k?: number;
  out?: string;
  "allow-zk-gap"?: boolean;
  device?: string;
  gpus?: number;
}

export const command: CommandModule<object, Args> = {
  command: "setup <file>",
  describe: "Generate the verifying key of a circuit (PLONKish, KZG on BN254)",
  builder: (y) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: ".cwl source or .cwir IR text" })
      .option("entry", { type: "string", describe: "circuit to use when the file has several" })
      .option("ptau", { type: "string", describe: "powers-of-tau file (snarkjs .ptau, BN254)" })
      .option("insecure-dev-srs", { type: "boolean", describe: "use a development SRS with a public tau (INSECURE)" })
      .option("k", { type: "number", describe: "domain size 2^k (default: the smallest that fits)" })
      .option("out", { alias: "o", type: "string", describe: "verifying key file (.vk binary, .json JSON; default <file>.vk)" })
      .option("allow-zk-gap", { type: "boolean", describe: "write the key even if its proofs would not be zero-knowledge (loud warning)" })
      .option("device", { type: "string", describe: "where the key's commitment MSMs run: cpu (default), gpu (WebGPU; an error without an adapter), auto (a hardware GPU if present)" })
      .option("gpus", { type: "number", describe: "with --device gpu|auto: spread MSMs over this many device executors (default 1)" }),
  handler: async (a) => {
    // Heavy modules load only when this command runs, so other commands start fast.
    const { keygen } = await import("../../../runtime/plonk/index.ts");
    const { checkZeroKnowledge } = await import("../zk-check.ts");
    const { loadCircuit, checkSrsChoice, chooseSrs, domainK, writeVk } = await import("../plonkish.ts");
    const { TWO_ADICITY } = await import("../../../runtime/poly/fr.ts");
    try {
      checkSrsChoice({ ptau: a.ptau, insecureDevSrs: a["insecure-dev-srs"] });
      const { deviceFlag, deviceFor } = await import("../prover-device.ts");
      const device = deviceFlag(a.device, a.gpus);
      // The field's limit before compiling; the circuit's own bounds (domainK) once it is laid out.
      intFlag("--k", a.k, 1, TWO_ADICITY);
      const loaded = loadCircuit(a.file, a.entry);
      if (!loaded.compiled) {
        process.stderr.write(loaded.render() + "\n");
        setExitCode(1);
        return;
      }
      const k = domainK(loaded.compiled, a.k);
      // Checked on the shape alone, before the SRS is read and the key computed.
      checkZeroKnowledge(loaded.compiled.program.circuit, k, a["allow-zk-gap"] === true, (s) => process.stderr.write(s + "\n"));
      const srs = chooseSrs({ ptau: a.ptau, insecureDevSrs: a["insecure-dev-srs"] }, k, (s) => process.stderr.write(s + "\n"));
      const log = (s: string) => process.stderr.write(s + "\n");
      const dev = await deviceFor(device, a.gpus, log);
      const t = performance.now();
      let pk;
      try {
        pk = await keygen(srs, loaded.compiled.program.circuit, { k, progress: progressRenderer({ prefix: "  keygen: " }).progress, device: dev });
      } finally {
        dev?.dispose();
      }
      if (dev) log(`device: ${dev.label}: ${dev.summary()}`);
      const out = a.out ?? a.file.replace(/\.(cwl|cwir)$/, "") + ".vk";
      writeVk(out, pk.vk);
      process.stdout.write(`wrote ${out} (k=${k}, ${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
    } catch (e) {
      if (e instanceof CliError) throw new UserError(e.message, e.hint);
      throw e;
    }
  },
};

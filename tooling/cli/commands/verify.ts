// `cwl verify --vk k.vk --proof p.proof --public p.public.json`: exit 0 when the proof verifies.
import type { CommandModule } from "yargs";
import { CliError } from "../plonkish-error.ts";
import { UserError, setExitCode } from "../main.ts";

interface Args {
  vk?: string;
  proof: string;
  public?: string;
  program?: string;
  ptau?: string;
  "insecure-dev-srs"?: boolean;
}

export const command: CommandModule<object, Args> = {
  command: "verify",
  describe: "Verify a PLONKish proof against a verifying key and public inputs",
  builder: (y) =>
    y
      .option("vk", { type: "string", describe: "verifying key (from `cwl setup`)" })
      .option("proof", { type: "string", demandOption: true, describe: "proof (from `cwl prove`)" })
      .option("public", { type: "string", describe: "public inputs JSON (from `cwl prove`)" })
      .option("program", { type: "string", describe: "a zkVM proof's .cwvm program (the proof file holds the statement)" })
      .option("ptau", { type: "string", describe: "powers-of-tau file for a bn254 zkVM proof's key" })
      .option("insecure-dev-srs", { type: "boolean", describe: "a bn254 zkVM proof's key from the development SRS (INSECURE)" }),
  handler: async (a) => {
    // Heavy modules load only when this command runs, so other commands start fast.
    const { verifyDetailed, insecureSrsOf } = await import("../../../runtime/plonk/index.ts");
    const { readVk, readProof, readPublic } = await import("../plonkish.ts");
    try {
      if (a.program !== undefined) {
        const { verifyZkvm } = await import("../zkvm-prove.ts");
        const t = performance.now();
        const r = await verifyZkvm({ program: a.program, proof: a.proof, ptau: a.ptau, insecureDevSrs: a["insecure-dev-srs"] });
        if (r.ok) process.stdout.write(`proof OK (zkvm, ${r.summary}, ${(performance.now() - t).toFixed(0)} ms)\n`);
        else {
          process.stderr.write(`error: proof rejected: ${r.reason}\n`);
          setExitCode(1);
        }
        return;
      }
      if (a.vk === undefined || a.public === undefined) throw new UserError("missing --vk and --public (or --program for a zkVM proof)");
      const vk = readVk(a.vk);
      // A key from an SRS whose tau is known verifies forged proofs too: say so before the verdict.
      const weak = insecureSrsOf(vk.tauG2);
      if (weak) process.stderr.write(`WARNING: ${a.vk} was made with ${weak}: anyone can forge proofs that it accepts. Never rely on it in production.\n`);
      const proof = readProof(a.proof);
      const pub = readPublic(a.public);
      const t = performance.now();
      const r = verifyDetailed(vk, pub, proof);
      if (r.ok) process.stdout.write(`proof OK (${vk.shape.name}, ${(performance.now() - t).toFixed(0)} ms)\n`);
      else {
        process.stderr.write(`error: proof rejected: ${r.reason}\n`);
        setExitCode(1);
      }
    } catch (e) {
      if (e instanceof CliError) throw new UserError(e.message, e.hint);
      throw e;
    }
  },
};

// `cwl export-verifier <file> --solidity -o Verifier.sol`: a verifier contract for one circuit, made from
// its verifying key (a .vk / .json file written by `cwl setup`) or from the circuit itself (.cwl / .cwir,
// with the same SRS flags as `cwl setup`). The contract checks the exact proof bytes `cwl prove` writes.
import type { CommandModule } from "yargs";
import { CliError } from "../plonkish-error.ts";
import { UserError, intFlag, setExitCode } from "../main.ts";

interface Args {
  file: string;
  solidity?: boolean;
  out?: string;
  contract?: string;
  entry?: string;
  ptau?: string;
  "insecure-dev-srs"?: boolean;
  k?: number;
}

/** A .cwl / .cwir file is a circuit; any other file is read as a verifying key (.vk binary, .json JSON). */
const isVkFile = (f: string) => !f.endsWith(".cwl") && !f.endsWith(".cwir");

export const command: CommandModule<object, Args> = {
  command: "export-verifier <file>",
  describe: "Write an on-chain verifier (Solidity) for a circuit's proofs",
  builder: (y) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: "verifying key (.vk / .json from `cwl setup`), or a .cwl / .cwir circuit" })
      .option("solidity", { type: "boolean", describe: "emit a Solidity contract (EVM precompiles for BLAKE2b, modexp, BN254 add, mul and pairing)" })
      .option("out", { alias: "o", type: "string", describe: "output file (default <file>.sol)" })
      .option("contract", { type: "string", describe: "contract name (default ChainWeaveVerifier)" })
      .option("entry", { type: "string", describe: "circuit to use when the file has several (circuit input)" })
      .option("ptau", { type: "string", describe: "powers-of-tau file (circuit input; snarkjs .ptau, BN254)" })
      .option("insecure-dev-srs", { type: "boolean", describe: "use a development SRS with a public tau (circuit input; INSECURE)" })
      .option("k", { type: "number", describe: "domain size 2^k (circuit input; must match the prover's)" }),
  handler: async (a) => {
    const { generateSolidityVerifier, EvmVerifierError } = await import("../../../backends/evm-verifier/index.ts");
    const { keygen, insecureSrsOf } = await import("../../../runtime/plonk/index.ts");
    const { loadCircuit, checkSrsChoice, chooseSrs, domainK, readVk } = await import("../plonkish.ts");
    const { writeUserFile } = await import("../../../base/files/user-file.ts");
    const { TWO_ADICITY } = await import("../../../runtime/poly/fr.ts");
    const log = (s: string) => process.stderr.write(s + "\n");
    try {
      if (!a.solidity) throw new CliError("name the verifier's target", "pass --solidity (the one target so far)");
      // Checked before any keygen: a name solc would refuse.
      if (a.contract !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(a.contract))
        throw new CliError(`--contract '${a.contract}' is not a Solidity identifier`, "letters, digits and _, not starting with a digit");
      let vk;
      if (isVkFile(a.file)) {
        for (const flag of ["ptau", "insecure-dev-srs", "k", "entry"] as const)
          if (a[flag] !== undefined) throw new CliError(`--${flag} applies to a circuit input, not to a verifying key`, "the key already fixes the circuit and its SRS");
        vk = readVk(a.file);
      } else {
        checkSrsChoice({ ptau: a.ptau, insecureDevSrs: a["insecure-dev-srs"] });
        intFlag("--k", a.k, 1, TWO_ADICITY);
        const loaded = loadCircuit(a.file, a.entry);
        if (!loaded.compiled) {
          process.stderr.write(loaded.render() + "\n");
          setExitCode(1);
          return;
        }
        const k = domainK(loaded.compiled, a.k);
        const srs = chooseSrs({ ptau: a.ptau, insecureDevSrs: a["insecure-dev-srs"] }, k, log);
        vk = (await keygen(srs, loaded.compiled.program.circuit, { k })).vk;
      }
      // A contract over an SRS whose tau is known accepts forged proofs: say so where it is made.
      const weak = insecureSrsOf(vk.tauG2);
      if (weak) log(`WARNING: this verifying key was made with ${weak}: the contract accepts forged proofs. Never deploy it.`);
      let gen;
      try {
        gen = generateSolidityVerifier(vk, { contractName: a.contract });
      } catch (e) {
        if (e instanceof EvmVerifierError) throw new CliError(e.message);
        throw e;
      }
      const out = a.out ?? a.file.replace(/\.(cwl|cwir|vk|json)$/, "") + ".sol";
      writeUserFile(out, gen.source, "verifier contract");
      process.stdout.write(`wrote ${out} (contract ${gen.contractName}, circuit ${vk.shape.name}, proofs of ${gen.proofBytes} bytes)\n`);
    } catch (e) {
      if (e instanceof CliError) throw new UserError(e.message, e.hint);
      throw e;
    }
  },
};

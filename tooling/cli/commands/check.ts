import type { CommandModule } from "yargs";
import { renderAll } from "../../../base/diagnostics/index.ts";
import { FileManager } from "../../../base/files/index.ts";
import { FIELD_CHOICES } from "../../../compiler/sema/index.ts";
import { setExitCode } from "../main.ts";
import { compileFile, hasErrors } from "../../../compiler/pipeline/index.ts";

interface Args {
  files: string[];
  field: string;
}

export const command: CommandModule<object, Args> = {
  command: "check <files..>",
  describe: "Parse and type-check .cwl files; print every diagnostic",
  builder: (y) =>
    y
      .positional("files", { type: "string", array: true, demandOption: true, describe: ".cwl files to check" })
      .option("field", { type: "string", choices: FIELD_CHOICES as unknown as string[], default: "bn254", describe: "prime field for `F: Field` generics" })
      .example("$0 check examples/poseidon_preimage.cwl", "check one file") as never,
  handler: (argv) => {
    const fm = new FileManager();
    let failed = 0;
    for (const f of argv.files) {
      const r = compileFile(f, { fm, field: argv.field });
      if (r.diagnostics.length) process.stderr.write(renderAll(r.diagnostics, (id) => fm.get(id), { color: process.stderr.isTTY }) + "\n");
      if (hasErrors(r.diagnostics)) {
        failed++;
        const n = r.diagnostics.filter((d) => d.severity === "error").length;
        process.stderr.write(`${f}: ${n} error${n === 1 ? "" : "s"}\n`);
      } else process.stdout.write(`${f}: ok\n`);
    }
    if (failed) setExitCode(1);
  },
};

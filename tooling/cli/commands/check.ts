import { join } from "node:path";
import type { CommandModule } from "yargs";
import { renderAll } from "../../../base/diagnostics/index.ts";
import { FileManager } from "../../../base/files/index.ts";
import { FIELD_CHOICES } from "../../../compiler/sema/index.ts";
import { setExitCode } from "../main.ts";
import { hasErrors } from "../../../compiler/pipeline/index.ts";
import { type ProjectCache, compileInProject, cwlFilesUnder, displayPath, findManifest, loadProject } from "../../project/index.ts";
import { UserError } from "../main.ts";

interface Args {
  files: string[];
  field?: string;
}

export const command: CommandModule<object, Args> = {
  command: "check [files..]",
  describe: "Parse and type-check .cwl files; print every diagnostic",
  builder: (y) =>
    y
      .positional("files", { type: "string", array: true, describe: ".cwl files to check (default: the project's entry and tests/)" })
      .option("field", { type: "string", choices: FIELD_CHOICES as unknown as string[], describe: "prime field for `F: Field` generics (default: the project's, else bn254)" })
      .example("$0 check examples/poseidon_preimage.cwl", "check one file") as never,
  handler: (argv) => {
    const fm = new FileManager();
    let failed = 0;
    // A file inside a project compiles with the project's dependencies and field (its cwl.toml is found
    // upward from the file); without files, the project of the current folder is checked.
    let files = argv.files ?? [];
    const cache: ProjectCache = new Map();
    if (!files.length) {
      const manifest = findManifest(".");
      if (!manifest) throw new UserError("name the .cwl files to check", "or run `cwl check` inside a project (a folder with cwl.toml)");
      const loaded = loadProject(manifest, fm);
      cache.set(manifest, loaded);
      if (loaded.diagnostics.length) process.stderr.write(renderAll(loaded.diagnostics, (id) => fm.get(id), { color: process.stderr.isTTY }) + "\n");
      if (!loaded.project) return setExitCode(1);
      files = [loaded.project.entry, ...cwlFilesUnder(join(loaded.project.root, "tests")).map(displayPath)];
    }
    for (const f of files) {
      const r = compileInProject(f, { fm, field: argv.field, cache });
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

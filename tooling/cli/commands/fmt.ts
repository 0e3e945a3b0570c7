import { randomBytes } from "node:crypto";
import { renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { CommandModule } from "yargs";
import { renderAll } from "../../../base/diagnostics/index.ts";
import { MAX_SOURCE_BYTES, UserFileError, readUserText } from "../../../base/files/user-file.ts";
import { UserError, setExitCode } from "../main.ts";

interface Args {
  files: string[];
  check: boolean;
}

/** Replace `path` atomically: a crash mid-write leaves the old file, never half of the new one. */
function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString("hex")}.cwlfmt`);
  try {
    writeFileSync(tmp, text, { mode: statSync(path).mode });
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw new UserError(`cannot write \`${path}\`: ${(e as Error).message}`);
  }
}

export const command: CommandModule<object, Args> = {
  command: "fmt <files..>",
  describe: "Format .cwl files in place (prettier-based); --check lists files that are not formatted",
  builder: (y) =>
    y
      .positional("files", { type: "string", array: true, demandOption: true, describe: ".cwl files to format" })
      .option("check", { type: "boolean", default: false, describe: "change nothing; exit 1 if a file is not formatted" })
      .example("$0 fmt examples/*.cwl", "format in place")
      .example("$0 fmt --check src/*.cwl", "CI check") as never,
  handler: async (argv) => {
    const unformatted: string[] = [];
    let failed = false;
    for (const f of argv.files) {
      // Checked like every input (a directory, a binary, a huge file): never formatted, never rewritten;
      // the other files are still formatted, and the run exits 1.
      let text: string;
      try {
        text = readUserText(f, { what: "file", maxBytes: MAX_SOURCE_BYTES });
      } catch (e) {
        if (!(e instanceof UserFileError)) throw e;
        process.stderr.write(`error: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
        failed = true;
        continue;
      }
      // prettier loads only when formatting, not on every CLI start.
      const { formatSource } = await import("../../format/index.ts");
      const r = await formatSource(text, { path: f });
      if (!r.ok) {
        // Never rewrite a file that does not parse: the user's text could be lost.
        process.stderr.write(renderAll(r.diagnostics, (id) => r.fm.get(id), { color: process.stderr.isTTY }) + "\n");
        process.stderr.write(`${f}: not formatted (syntax errors)\n`);
        failed = true;
        continue;
      }
      if (!r.changed) continue;
      if (argv.check) unformatted.push(f);
      else {
        writeAtomic(f, r.text);
        process.stdout.write(`formatted ${f}\n`);
      }
    }
    if (unformatted.length) {
      process.stderr.write(`${unformatted.length} file${unformatted.length === 1 ? " is" : "s are"} not formatted:\n`);
      for (const f of unformatted) process.stderr.write(`  ${f}\n`);
      process.stderr.write("hint: run `cwl fmt` on them\n");
    }
    if (failed || unformatted.length) setExitCode(1);
  },
};

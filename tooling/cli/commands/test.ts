// `cwl test [filter]`: run the `@test` functions of the project (its entry file's modules and every
// `.cwl` file under tests/, which may `use` the package by its name) or of the given files.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { type Diagnostic, renderAll } from "../../../base/diagnostics/index.ts";
import { FileManager } from "../../../base/files/index.ts";
import { hasErrors } from "../../../compiler/pipeline/index.ts";
import { FIELD_CHOICES } from "../../../compiler/sema/index.ts";
import { type ProjectCache, compileInProject, cwlFilesUnder, displayPath, projectOf } from "../../project/index.ts";
import { collectTests, runTest } from "../../project/test-runner.ts";
import { UserError, intFlag, setExitCode } from "../main.ts";

interface Args {
  filter?: string;
  path?: string[];
  field?: string;
  seed?: number;
  "fuzz-runs"?: number;
}

export const command: CommandModule<object, Args> = {
  command: "test [filter]",
  describe: "Run the @test functions of the project (or of --path files) with the interpreter",
  builder: (y) =>
    y
      .positional("filter", { type: "string", describe: "run only tests whose name contains this" })
      .option("path", { type: "string", array: true, describe: ".cwl files or a project folder (default: the project of the current folder)" })
      .option("field", { type: "string", choices: FIELD_CHOICES as unknown as string[], describe: "prime field (default: the manifest's, else bn254)" })
      .option("seed", { type: "number", describe: "seed of the fuzzed inputs (printed on a failure; default: random)" })
      .option("fuzz-runs", { type: "number", default: 64, describe: "runs of each test that takes parameters" })
      .example("$0 test", "every test of the project")
      .example("$0 test digest --seed 7", "tests named *digest*, fuzzed from seed 7") as never,
  handler: (argv) => {
    const runs = intFlag("--fuzz-runs", argv["fuzz-runs"], 1, 1_000_000) ?? 64;
    const seed = intFlag("--seed", argv.seed, 0, 2 ** 32 - 1) ?? Math.floor(Math.random() * 2 ** 32);
    const fm = new FileManager();
    const render = (ds: Diagnostic[]) => renderAll(ds, (id) => fm.get(id), { color: process.stderr.isTTY });
    // What to compile: each file with whether it may `use` its own package (the files of tests/).
    const targets: string[] = [];
    const cache: ProjectCache = new Map();
    const paths = argv.path?.length ? argv.path : ["."];
    for (const p of paths) {
      if (!existsSync(p)) throw new UserError(`${p}: no such file or folder`, "give a .cwl file or a project folder");
      if (statSync(p).isFile()) {
        targets.push(p);
        continue;
      }
      const proj = projectOf(p, fm);
      if (proj.manifest) cache.set(proj.manifest, proj);
      if (proj.diagnostics.length) process.stderr.write(render(proj.diagnostics) + "\n");
      if (!proj.manifest)
        throw new UserError(`no cwl.toml in ${displayPath(p)} or a folder above`, "run `cwl test` inside a project (`cwl new NAME` makes one), or name files with --path");
      if (!proj.project || hasErrors(proj.diagnostics)) return setExitCode(1);
      targets.push(proj.project.entry, ...cwlFilesUnder(join(proj.project.root, "tests")).map(displayPath));
    }
    let passed = 0;
    let failed = 0;
    let broken = false;
    const failures: string[] = [];
    for (const file of targets) {
      const r = compileInProject(file, { fm, field: argv.field, cache });
      if (r.diagnostics.length) process.stderr.write(render(r.diagnostics) + "\n");
      if (hasErrors(r.diagnostics) || !r.ir || !r.checked) {
        broken = true;
        process.stderr.write(`${file}: does not compile; its tests were not run\n`);
        continue;
      }
      const { tests, errors } = collectTests(r.checked.entries, argv.filter);
      for (const e of errors) {
        process.stderr.write(render([e.diagnostic]) + "\n");
        failed++;
        failures.push(e.name);
      }
      for (const t of tests) {
        const o = runTest(r.ir, t, { runs, seed });
        if (o.status === "passed") {
          passed++;
          process.stdout.write(`test ${file}::${t.name} ... ok${o.runs > 1 ? ` (${o.runs} fuzz runs)` : ""}\n`);
          continue;
        }
        failed++;
        failures.push(`${file}::${t.name}`);
        process.stdout.write(`test ${file}::${t.name} ... FAILED\n`);
        let msg = `---- ${file}::${t.name} ----\n${o.reason}\n`;
        if (o.input) msg += `failing input (shrunk): ${JSON.stringify(o.input)}\nreproduce: cwl test ${t.name} --seed ${o.seed}\n`;
        if (o.diagnostics.length) msg += render(o.diagnostics) + "\n";
        else msg += render([{ severity: "note", code: "E0811", message: `test \`${t.name}\` is declared here`, span: t.inst.item.name.span }]) + "\n";
        process.stderr.write(msg);
      }
    }
    const summary = `test result: ${failed || broken ? "FAILED" : "ok"}. ${passed} passed; ${failed} failed${broken ? "; some files did not compile" : ""}`;
    if (failures.length) process.stdout.write(`\nfailures:\n${failures.map((f) => `    ${f}`).join("\n")}\n`);
    process.stdout.write(`\n${summary}\n`);
    if (failed || broken) setExitCode(1);
  },
};

// `cwl test [filter]`: run the `@test` functions of the project (its entry file's modules and every
// `.cwl` file under tests/, which may `use` the package by its name) or of the given files.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { type Diagnostic, renderAll } from "../../../base/diagnostics/index.ts";
import { FileManager } from "../../../base/files/index.ts";
import { hasErrors } from "../../../compiler/pipeline/index.ts";
import { FIELD_CHOICES } from "../../../compiler/sema/index.ts";
import { type ProjectCache, cwlFilesUnder, displayPath, findManifest, loadProject } from "../../project/index.ts";
import { type FileTestOptions, type FileTestReport, testFile } from "../../project/test-file.ts";
import { getPool, poolTask } from "../../../runtime/pool/index.ts";
import { UserError, intFlag, setExitCode } from "../main.ts";

interface Args {
  filter?: string;
  path?: string[];
  field?: string;
  seed?: number;
  "fuzz-runs"?: number;
  jobs?: number;
}

const TEST_TASK = poolTask<{ file: string; opts: FileTestOptions }, FileTestReport>(new URL("../../project/test-task.ts", import.meta.url), "testFileTask");

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
      .option("jobs", { alias: "j", type: "number", describe: "test files at once, each in a worker thread (default 1: compiling dominates small projects)" })
      .example("$0 test", "every test of the project")
      .example("$0 test digest --seed 7", "tests named *digest*, fuzzed from seed 7") as never,
  handler: async (argv) => {
    const runs = intFlag("--fuzz-runs", argv["fuzz-runs"], 1, 1_000_000) ?? 64;
    const seed = intFlag("--seed", argv.seed, 0, 2 ** 32 - 1) ?? Math.floor(Math.random() * 2 ** 32);
    const fm = new FileManager();
    const render = (ds: Diagnostic[]) => renderAll(ds, (id) => fm.get(id), { color: process.stderr.isTTY });
    // The files to test: those named, or a project's entry and the files under its tests/.
    const targets: string[] = [];
    const cache: ProjectCache = new Map();
    const paths = argv.path?.length ? argv.path : ["."];
    let manifestBroken = false;
    for (const p of paths) {
      if (!existsSync(p)) throw new UserError(`${p}: no such file or folder`, "give a .cwl file or a project folder");
      // Each manifest is read and its mistakes printed once, here; the per-file reports leave them out.
      const manifest = findManifest(p);
      let proj = manifest ? cache.get(manifest) : undefined;
      if (manifest && !proj) {
        cache.set(manifest, (proj = loadProject(manifest, fm)));
        if (proj.diagnostics.length) process.stderr.write(render(proj.diagnostics) + "\n");
        // A broken manifest fails the run even when the files compile alone.
        if (hasErrors(proj.diagnostics)) manifestBroken = true;
      }
      if (statSync(p).isFile()) {
        targets.push(p);
        continue;
      }
      if (!manifest || !proj)
        throw new UserError(`no cwl.toml in ${displayPath(p)} or a folder above`, "run `cwl test` inside a project (`cwl new NAME` makes one), or name files with --path");
      if (!proj.project || hasErrors(proj.diagnostics)) return setExitCode(1);
      targets.push(proj.project.entry, ...cwlFilesUnder(join(proj.project.root, "tests")).map(displayPath));
    }
    let passed = 0;
    let failed = 0;
    let broken = false;
    const failures: string[] = [];
    const jobs = intFlag("--jobs", argv.jobs, 1, 256) ?? 1;
    const opts: FileTestOptions = { field: argv.field, filter: argv.filter, seed, runs, color: process.stderr.isTTY === true, manifestReported: true };
    // With --jobs the files run at once in worker threads of runtime/pool; the reports print in file order.
    const parallel = jobs > 1 && targets.length > 1;
    const started = parallel ? targets.map((file) => getPool(jobs).run(TEST_TASK, { file, opts })) : [];
    const reports = targets.map((file, i) => () => (parallel ? started[i] : Promise.resolve(testFile(file, opts, cache))));
    for (const report of reports) {
      const rep = await report();
      process.stdout.write(rep.out);
      process.stderr.write(rep.err);
      passed += rep.passed;
      failed += rep.failed;
      broken ||= rep.broken;
      failures.push(...rep.failures);
    }
    const notes = [broken ? "some files did not compile" : "", manifestBroken ? "cwl.toml has errors" : ""].filter(Boolean);
    const summary = `test result: ${failed || broken || manifestBroken ? "FAILED" : "ok"}. ${passed} passed; ${failed} failed${notes.map((n) => `; ${n}`).join("")}`;
    if (failures.length) process.stdout.write(`\nfailures:\n${failures.map((f) => `    ${f}`).join("\n")}\n`);
    process.stdout.write(`\n${summary}\n`);
    if (failed || broken || manifestBroken) setExitCode(1);
  },
};

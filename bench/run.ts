// `npm run bench -- <suite...>`: runs bench/<suite>.ts (each exports `run(): Promise<object>`),
// prints the figures and writes bench/results/<suite>.json. With no suite, runs all but the ones that
// need a machine this one may not be (EXPLICIT_ONLY): naming them runs them.
import { readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cpus } from "node:os";

const dir = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".test.ts"))
  .map((f) => f.replace(/\.ts$/, ""))
  .sort();
/** gpu-device measures a real GPU (scripts/device-gpu.sh runs it there); here it would overwrite those figures. */
const EXPLICIT_ONLY = ["gpu-device"];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const suites = wanted.length ? wanted : available.filter((s) => !EXPLICIT_ONLY.includes(s));
const unknown = suites.filter((s) => !available.includes(s));
if (unknown.length) {
  process.stderr.write(`unknown bench suite(s): ${unknown.join(", ")}\navailable: ${available.join(", ")}\n`);
  process.exit(1);
}
mkdirSync(join(dir, "results"), { recursive: true });
for (const s of suites) {
  process.stdout.write(`== bench ${s} ==\n`);
  const mod = (await import(pathToFileURL(join(dir, s + ".ts")).href)) as { run: () => Promise<object> };
  const result = await mod.run();
  const record = {
    suite: s,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    ...result,
  };
  writeFileSync(join(dir, "results", s + ".json"), JSON.stringify(record, null, 2) + "\n");
  process.stdout.write(`wrote bench/results/${s}.json\n`);
}
process.exit(0); // worker pools (MSM threads) must not keep a finished bench alive

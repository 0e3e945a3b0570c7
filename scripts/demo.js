#!/usr/bin/env node
// `npm run demo`: the main job. Checks, builds to CWIR and runs every example, then runs the
// demo steps that backends register in scripts/demo.d/*.js (sorted), e.g. the KV accumulator job.
import { readdirSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cwl = join(root, "bin", "cwl.js");
let failed = 0;

function run(args, label) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cwl, ...args], { cwd: root, encoding: "utf8" });
  const ms = Date.now() - t0;
  const ok = r.status === 0;
  if (!ok) failed++;
  process.stdout.write(`${ok ? "ok  " : "FAIL"} ${label} (${ms} ms)\n`);
  // Progress lines redraw with \r: keep each line's final state.
  const lines = (t) => (t ?? "").split("\n").map((l) => l.split("\r").pop().trimEnd()).filter(Boolean);
  const shown = [...lines(r.stderr), ...lines(r.stdout)];
  if (shown.length) process.stdout.write(shown.map((l) => "     " + l).join("\n") + "\n");
  return ok;
}

const exDir = join(root, "examples");
const examples = existsSync(exDir) ? readdirSync(exDir).filter((f) => f.endsWith(".cwl")).sort() : [];
console.log(`== ${examples.length} examples: check, build --target ir, run ==`);
for (const f of examples) {
  const file = join("examples", f);
  const input = file.replace(/\.cwl$/, ".json");
  if (!run(["check", file], `check ${file}`)) continue;
  if (!run(["build", file, "--target", "ir", "-o", join("dist", "demo", f.replace(/\.cwl$/, ".cwir"))], `build ${file}`)) continue;
  if (existsSync(join(root, input))) run(["run", file, "--input", input], `run ${file}`);
}

const stepsDir = join(root, "scripts", "demo.d");
if (existsSync(stepsDir)) {
  for (const s of readdirSync(stepsDir).filter((f) => f.endsWith(".js")).sort()) {
    console.log(`== ${s} ==`);
    const mod = await import(pathToFileURL(join(stepsDir, s)).href);
    try {
      await mod.default({ root, run });
    } catch (e) {
      failed++;
      console.log(`FAIL ${s}: ${e?.message ?? e}`);
    }
  }
}
console.log(failed ? `demo: ${failed} step(s) failed` : "demo: all steps ok");
process.exitCode = failed ? 1 : 0;

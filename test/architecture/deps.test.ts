// The tier rules of .dependency-cruiser.cjs (spec/architecture.md) over the repository, and over a fixture
// tree that breaks each rule once: a rule that stopped firing (a typo in a path pattern, a tool upgrade that
// reads the config differently) fails here instead of letting every later violation through.
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { cruise, type IConfiguration, type IViolation } from "dependency-cruiser";
import { REPO_ROOT } from "../../base/files/index.ts";

const TIERS = ["base", "compiler", "backends", "runtime", "tooling"];
const config = createRequire(import.meta.url)(join(REPO_ROOT, ".dependency-cruiser.cjs")) as IConfiguration;

/** Every violation as "rule: file imports file" (folders, and the cycle's path, for folder rules). */
async function violations(baseDir: string): Promise<string[]> {
  const dirs = TIERS.filter((d) => existsSync(join(baseDir, d)));
  const r = await cruise(dirs, { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, baseDir });
  if (typeof r.output === "string") throw new Error(`dependency-cruiser returned text: ${r.output.slice(0, 200)}`);
  const show = (v: IViolation) => {
    const cycle = v.cycle?.length ? ` (cycle: ${[v.from, ...v.cycle.map((c) => c.name)].join(" → ")})` : "";
    return `${v.rule.name}: ${v.from} imports ${v.to}${cycle}`;
  };
  return r.output.summary.violations.map(show).sort();
}

describe("architecture: tier imports", () => {
  it("the repository breaks no rule", async () => {
    const found = await violations(REPO_ROOT);
    // Each entry names the rule, the importing file and the imported one; .dependency-cruiser.cjs says why.
    expect(found, found.join("\n")).toEqual([]);
  });

  it("each rule fires on the fixture that breaks it, and allowed arrows pass", async () => {
    const found = await violations(join(REPO_ROOT, "test", "architecture", "fixture"));
    const cycles = found.filter((v) => v.startsWith("no-folder-cycles:"));
    // One entry per rule (two for the runtime: a value import and a type-only one); nothing else, so
    // tooling importing every tier, backends importing the compiler, the runtime and the shared kernel
    // lowering, and sema importing syntax all pass.
    expect(found.filter((v) => !cycles.includes(v))).toEqual([
      "backend-imports-no-other-backend: backends/q/index.ts imports backends/p/index.ts",
      "backends-import-no-tooling: backends/r/index.ts imports tooling/t/index.ts",
      "base-imports-base: base/files/index.ts imports runtime/a/value.ts",
      "compiler-imports-no-backend-or-tooling: compiler/lower/index.ts imports backends/p/index.ts",
      "front-end-imports-no-later-stage: compiler/sema/late.ts imports compiler/ir/index.ts",
      "ir-imports-no-front-end: compiler/ir/index.ts imports compiler/syntax/index.ts",
      "kernel-lowering-imports-no-backend: backends/kernels/emit.ts imports backends/p/index.ts",
      "runtime-imports-runtime-and-base: runtime/a/types.ts imports compiler/c/index.ts",
      "runtime-imports-runtime-and-base: runtime/a/value.ts imports compiler/c/index.ts",
    ]);
    expect(cycles.length).toBeGreaterThan(0);
    for (const v of cycles) expect(v).toMatch(/^no-folder-cycles: runtime\/(m|n) imports runtime\/(n|m) \(cycle: /);
    // Every rule of the configuration is exercised above.
    const fired = new Set(found.map((v) => v.slice(0, v.indexOf(":"))));
    expect([...fired].sort()).toEqual((config.forbidden ?? []).map((r) => r.name).sort());
  });

  it("stdlib/ holds the .cwl library only (no TypeScript)", () => {
    const files = execFileSync("git", ["ls-files", "stdlib"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
    expect(files.filter((f) => !/\.(cwl|md)$/.test(f))).toEqual([]);
  });
});

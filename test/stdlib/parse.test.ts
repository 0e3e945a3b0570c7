// Every stdlib module this suite owns and every example parses without a diagnostic (stdlib modules
// also type-check and lower on their own).
import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { FileManager, REPO_ROOT, STDLIB_ROOT } from "../../base/files/index.ts";
import { compileFile } from "../../compiler/pipeline/index.ts";
import { parse } from "../../compiler/syntax/index.ts";
import { parseStdlib, render } from "./util.ts";

const STDLIB_FILES = ["field/mod.cwl", "hash/poseidon/mod.cwl", "hash/poseidon/constants.cwl", "hash/sha256.cwl", "merkle.cwl"];
const EXAMPLES = readdirSync(join(REPO_ROOT, "examples")).filter((f) => f.endsWith(".cwl"));

describe("stdlib and examples parse cleanly", () => {
  for (const rel of STDLIB_FILES)
    it(`stdlib/${rel}`, () => {
      const r = parseStdlib(rel);
      expect(render(r.diagnostics, r.fm)).toBe("");
      expect(r.module.items.length).toBeGreaterThan(0);
    });
  for (const rel of STDLIB_FILES)
    it(`stdlib/${rel} type-checks and lowers on its own`, () => {
      const r = compileFile(join(STDLIB_ROOT, rel));
      expect(render(r.diagnostics, r.fm)).toBe("");
      expect(r.ir).toBeDefined();
    });
  for (const f of EXAMPLES)
    it(`examples/${f}`, () => {
      const fm = new FileManager();
      const r = parse(fm.load(join(REPO_ROOT, "examples", f))!);
      expect(render(r.diagnostics, fm)).toBe("");
      const text = readFileSync(join(REPO_ROOT, "examples", f), "utf8");
      expect(text.split("\n")[0], "first line says what the example shows").toMatch(/^\/\/ \S/);
    });
});

// `cwl check` and the language server share compileSource: spec errors (E07xx) must reach it too.
import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";

const BAD = join(REPO_ROOT, "test/spec/fixtures/bad");

describe("spec diagnostics through the common pipeline", () => {
  for (const f of readdirSync(BAD).filter((f) => f.endsWith(".cwl"))) {
    const text = readFileSync(join(BAD, f), "utf8");
    const code = /\/\/ expect: (E07\d\d)/.exec(text)?.[1];
    if (!code) continue;
    it(`${f} reports ${code}`, () => {
      const r = compileSource(join(BAD, f), text, { checkOnly: true });
      expect(r.diagnostics.map((d) => d.code)).toContain(code);
    });
  }
  it("stdlib specs check clean", () => {
    for (const f of readdirSync(join(REPO_ROOT, "stdlib/specs")).filter((f) => f.endsWith(".cwl"))) {
      const path = join(REPO_ROOT, "stdlib/specs", f);
      const r = compileSource(path, readFileSync(path, "utf8"), { checkOnly: true });
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    }
  });
});

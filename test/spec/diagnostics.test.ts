// Bad specs (fixtures/bad/*.cwl, each naming its expected code on the first line) are reported
// as E07xx diagnostics with a source span, never as exceptions.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FileManager } from "../../base/files/index.ts";
import { specFromText } from "../../compiler/spec/index.ts";
import { instantiate, InstantiateError } from "../../runtime/spec/index.ts";
import { modelOf } from "./helpers.ts";

const dir = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "bad");

describe("spec diagnostics", () => {
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".cwl"))) {
    const text = readFileSync(join(dir, f), "utf8");
    const want = /expect: (E\d{4})/.exec(text)![1];
    it(`${f} → ${want}`, () => {
      const r = specFromText(new FileManager(), f, text, "T");
      expect(r.model).toBeUndefined();
      const d = r.diagnostics.find((d) => d.code === want);
      expect(d, r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n")).toBeDefined();
      expect(d!.span).toBeDefined();
      // Spec errors are reported with E07xx codes (syntax errors keep the parser's own).
      expect(r.diagnostics.filter((x) => x.code.startsWith("E07")).length).toBeGreaterThan(0);
    });
  }

  it("an unknown spec name lists the specs in the file (E0711)", () => {
    const r = specFromText(new FileManager(), "x.cwl", "spec A { state x: i32 = 0; }", "B");
    expect(r.diagnostics[0].code).toBe("E0711");
    expect(r.diagnostics[0].hint).toContain("A");
  });

  it("params that empty a domain are an instantiation error, not a crash (E0709)", () => {
    const m = modelOf("spec T { params n = 2; type N = 0..n; state x: Map<N, i32> = [0; n]; }", "T");
    expect(() => instantiate(m, { n: 0 })).toThrow(InstantiateError);
    expect(() => instantiate(m, { m: 1 })).toThrow(/no param `m`/);
  });
});

// spec/ir.md's op reference is generated from the op registry; this fails when they drift apart.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SPEC_PATH, withGeneratedOps } from "../../compiler/ir/gen-doc.ts";
import { allOpDefs } from "../../compiler/ir/index.ts";

describe("spec/ir.md", () => {
  const doc = readFileSync(SPEC_PATH, "utf8");
  it("op reference is up to date (run: node --import tsx compiler/ir/gen-doc.ts)", () => {
    expect(withGeneratedOps(doc)).toBe(doc);
  });
  it("documents every op", () => {
    for (const d of allOpDefs()) expect(doc, d.name).toContain(`| \`${d.name}\` |`);
  });
});

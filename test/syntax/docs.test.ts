// spec/language.md stays true to the parser: every ```chainweave example in it parses without a
// diagnostic, every grammar rule named in its EBNF is a rule of the parser (and the other way round),
// and every syntax code the parser can emit is documented in spec/errors.md.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { renderAll } from "../../base/diagnostics/index.ts";
import { REPO_ROOT } from "../../base/files/index.ts";
import { parse } from "../../compiler/syntax/index.ts";
import { fileOf, source } from "./util.ts";

const doc = readFileSync(join(REPO_ROOT, "spec", "language.md"), "utf8");
// The grammar is parser.ts and its parts under parser/ (one file per construct).
const syntaxDir = join(REPO_ROOT, "compiler", "syntax");
const parserFiles = ["parser.ts", ...readdirSync(join(syntaxDir, "parser")).map((f) => join("parser", f))];
const parserSrc = parserFiles.map((f) => readFileSync(join(syntaxDir, f), "utf8")).join("\n");

describe("spec/language.md", () => {
  const examples = [...doc.matchAll(/```chainweave\n([\s\S]*?)```/g)].map((m) => m[1]);

  it("has examples", () => expect(examples.length).toBeGreaterThanOrEqual(8));

  examples.forEach((ex, i) =>
    it(`example ${i + 1} parses: ${ex.split("\n")[0]}`, () => {
      const r = parse(source(ex, `language.md#${i + 1}`));
      expect(renderAll(r.diagnostics, fileOf)).toBe("");
    }),
  );

  it("documents exactly the parser's grammar rules", () => {
    const ebnf = [...doc.matchAll(/```ebnf\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n");
    const documented = new Set([...ebnf.matchAll(/^([a-zA-Z]+)\s+=/gm)].map((m) => m[1]));
    const implemented = new Set([...parserSrc.matchAll(/this\.RULE\(\s*"([a-zA-Z]+)"/g)].map((m) => m[1]));
    expect(implemented.size).toBeGreaterThan(40);
    const missing = [...implemented].filter((r) => !documented.has(r));
    // Token-class shorthands of the EBNF that the parser spells inline.
    const shorthands = new Set(["assignOp", "binaryOp"]);
    const extra = [...documented].filter((r) => !implemented.has(r) && !shorthands.has(r));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });
});

describe("spec/errors.md", () => {
  it("documents every syntax error code the parser emits", () => {
    const errors = readFileSync(join(REPO_ROOT, "spec", "errors.md"), "utf8");
    const syntax = errors.slice(errors.indexOf("## Syntax"), errors.indexOf("\n## ", errors.indexOf("## Syntax") + 1));
    const documented = new Set([...syntax.matchAll(/^\| (E00\d\d) \|/gm)].map((m) => m[1]));
    const emitted = new Set<string>();
    for (const f of [...parserFiles, "messages.ts", "index.ts"])
      for (const m of readFileSync(join(syntaxDir, f), "utf8").matchAll(/"(E00\d\d)"/g)) emitted.add(m[1]);
    expect(emitted.size).toBeGreaterThan(15);
    expect([...emitted].filter((c) => !documented.has(c))).toEqual([]);
  });
});

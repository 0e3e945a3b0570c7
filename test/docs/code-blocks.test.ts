// Docs that run: every fenced ```chainweave block in README.md and spec/*.md is compiled as a whole file
// (parse, type check, lowering to CWIR). A block meant to fail says so in its info string,
// ```chainweave fail=E0123, and must fail with that code; a block that cannot be a whole file says
// ```chainweave skip="why"``` and is only parsed for the marker. Anything else that does not compile
// fails this test, so an example in the reference cannot drift from the language.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { renderAll } from "../../base/diagnostics/index.ts";
import { compileSource, hasErrors } from "../../compiler/pipeline/index.ts";

export interface CodeBlock {
  /** Repository-relative markdown file. */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  info: string;
  text: string;
}

/** The fenced blocks of a markdown text whose language is `chainweave`. */
export function chainweaveBlocks(doc: string, markdown: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})\s*(\S*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith(fence); i++) body.push(lines[i]);
    if (open[2] === "chainweave") out.push({ doc, line: start + 1, info: open[3].trim(), text: body.join("\n") + "\n" });
  }
  return out;
}

const DOCS = ["README.md", ...readdirSync(join(REPO_ROOT, "spec")).filter((f) => f.endsWith(".md")).sort().map((f) => `spec/${f}`)];
const blocks = DOCS.flatMap((d) => chainweaveBlocks(d, readFileSync(join(REPO_ROOT, d), "utf8")));

describe("chainweave blocks in README.md and spec/*.md", () => {
  it("finds the reference's examples (the extractor is not silently empty)", () => {
    expect(blocks.filter((b) => b.doc === "spec/language.md").length).toBeGreaterThanOrEqual(8);
  });
  for (const b of blocks) {
    const fail = /(?:^|\s)fail=(E\d{4})\b/.exec(b.info)?.[1];
    const skip = /(?:^|\s)skip="([^"]+)"/.exec(b.info)?.[1];
    it.skipIf(!!skip)(`${b.doc}:${b.line}${fail ? ` fails with ${fail}` : " compiles"}${skip ? ` (skipped: ${skip})` : ""}`, () => {
      expect(b.info.replace(/(?:^|\s)(fail=E\d{4}|skip="[^"]+")/g, "").trim(), `unknown marker in \`\`\`chainweave ${b.info}`).toBe("");
      // Placed beside the document, so diagnostics name it and its line.
      const r = compileSource(join(REPO_ROOT, `${b.doc}.line${b.line}.cwl`), b.text);
      const shown = renderAll(r.diagnostics, (id) => r.fm.get(id));
      if (fail) {
        expect(r.diagnostics.map((d) => d.code), shown).toContain(fail);
      } else {
        expect(hasErrors(r.diagnostics), shown).toBe(false);
        expect(r.ir, shown).toBeDefined();
      }
    });
  }
});

describe("chainweaveBlocks", () => {
  it("reads info strings and bodies, and ignores other languages", () => {
    const md = "x\n```chainweave fail=E0101\nfn f() {}\n```\n```ts\nlet a;\n```\n````chainweave\nconst A: u32 = 1;\n````\n";
    expect(chainweaveBlocks("m.md", md)).toEqual([
      { doc: "m.md", line: 2, info: "fail=E0101", text: "fn f() {}\n" },
      { doc: "m.md", line: 8, info: "", text: "const A: u32 = 1;\n" },
    ]);
  });
});

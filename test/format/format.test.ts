// The formatter keeps meaning and text: for every example and stdlib file, formatting is idempotent,
// the AST (positions stripped) is unchanged and no token or comment is lost; the same holds for
// files whose layout and comments were scrambled at random.
import { describe, expect, it } from "vitest";
import { formatSource } from "../../tooling/format/index.ts";
import { corpus, fuzzLayout, parseText, stripSpans, tokenSummary, tokenTexts } from "./helpers.ts";

async function fmt(text: string): Promise<string> {
  const r = await formatSource(text);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return r.text;
}

const files = corpus();

describe("formatter on examples and stdlib", () => {
  it("finds the corpus", () => {
    expect(files.length).toBeGreaterThan(10);
  });
  for (const [path, text] of files) {
    it(path, async () => {
      const once = await fmt(text);
      const twice = await fmt(once);
      expect(twice).toBe(once);
      const before = parseText(text);
      const after = parseText(once);
      expect(after.errors).toBe(0);
      expect(stripSpans(after.module)).toEqual(stripSpans(before.module));
      expect(tokenTexts(once)).toEqual(tokenTexts(text));
      // Indentation is 4 spaces and no line ends in whitespace.
      for (const l of once.split("\n")) expect(l).not.toMatch(/[ \t]$/);
    });
  }
});

const sample = files.filter(([p]) => !p.includes("constants"));

describe("formatter on scrambled layouts (comments at line ends)", () => {
  for (const [path, text] of sample) {
    it(path, async () => {
      const fuzzed = fuzzLayout(text, 31 + path.length, true);
      expect(parseText(fuzzed).errors).toBe(0);
      const once = await fmt(fuzzed);
      expect(tokenSummary(once)).toEqual(tokenSummary(fuzzed));
      expect(stripSpans(parseText(once).module, true)).toEqual(stripSpans(parseText(fuzzed).module, true));
      expect(await fmt(once)).toBe(once);
    });
  }
});

// Comments dropped between any two tokens: prettier may move a comment across a `,` or out of an
// expression (and a second run may move it once more), but it must never drop or merge one.
describe("formatter on fuzzed layouts (comments anywhere)", () => {
  for (const [path, text] of sample) {
    for (const seed of [1, 2]) {
      it(`${path} seed ${seed}`, async () => {
        const fuzzed = fuzzLayout(text, seed * 7919 + path.length);
        // The scrambled file must itself still parse, or the test proves nothing.
        expect(parseText(fuzzed).errors).toBe(0);
        const once = await fmt(fuzzed);
        expect(tokenSummary(once)).toEqual(tokenSummary(fuzzed));
        // Random comments can separate a `///` from its item; the formatter may move them back, so
        // doc attachment is not compared here (it is for the unscrambled corpus above).
        expect(stripSpans(parseText(once).module, true)).toEqual(stripSpans(parseText(fuzzed).module, true));
        const twice = await fmt(once);
        expect(tokenSummary(twice)).toEqual(tokenSummary(once));
      });
    }
  }
});

describe("formatter details", () => {
  it("normalises layout", async () => {
    const src = "circuit C( pub a :Field,priv b: [Field;2] ){let x=a+b[0];assert_eq(x,a);}\n";
    expect(await fmt(src)).toBe(
      "circuit C(pub a: Field, priv b: [Field; 2]) {\n    let x = a + b[0];\n    assert_eq(x, a);\n}\n",
    );
  });
  it("keeps comments in an empty body and at the end of a line", async () => {
    const src = "fn f() {\n  // nothing yet\n}\nconst A: u32 = 1; // one\n";
    expect(await fmt(src)).toBe("fn f() {\n    // nothing yet\n}\nconst A: u32 = 1; // one\n");
  });
  it("keeps one blank line between items, drops extra ones", async () => {
    expect(await fmt("const A: u32 = 1;\n\n\n\nconst B: u32 = 2;\nconst C: u32 = 3;\n")).toBe(
      "const A: u32 = 1;\n\nconst B: u32 = 2;\nconst C: u32 = 3;\n",
    );
  });
  it("breaks long argument lists one per line with a trailing comma", async () => {
    const args = Array.from({ length: 12 }, (_, i) => `argument_number_${i}`).join(", ");
    const out = await fmt(`fn f() {\n    g(${args});\n}\n`);
    expect(out).toContain("    g(\n        argument_number_0,\n");
    expect(out).toContain("        argument_number_11,\n    );\n");
    expect(stripSpans(parseText(out).module)).toEqual(stripSpans(parseText(`fn f() { g(${args}); }`).module));
  });
  it("keeps one-element tuples and explicit parentheses", async () => {
    expect(await fmt("const T: (u32,) = (1,);\nconst P: u32 = (1 + 2) * 3;\n")).toBe(
      "const T: (u32,) = (1,);\nconst P: u32 = (1 + 2) * 3;\n",
    );
  });
  it("refuses a file with syntax errors and reports them", async () => {
    const r = await formatSource("fn f( {\n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics[0].code).toMatch(/^E00/);
  });
});

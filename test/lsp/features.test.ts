// The feature functions in-process, over every example and stdlib file: diagnostics match the
// compiler's, and every name answers hover / definition / references without throwing.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { REPO_ROOT } from "../../base/files/index.ts";
import { analyze, definition, documentSymbols, hover, references, semanticTokens } from "../../tooling/lsp/index.ts";
import { lspDiagnostics, toPosition } from "../../tooling/lsp/analysis.ts";
import { tokenize } from "../../compiler/syntax/index.ts";
import { corpus } from "../format/helpers.ts";

const BROKEN: [string, string][] = [
  ["unknown name", "fn f(x: u32) -> u32 {\n    x + y\n}\n"],
  ["type mismatch", "fn f(x: u32) -> bool {\n    x\n}\n"],
  ["syntax", "circuit C(pub a: u32 {\n}\n"],
  ["bad literal", "const A: u32 = 0x;\n"],
];

describe("diagnostics match `cwl check`", () => {
  for (const [name, text] of BROKEN) {
    it(name, () => {
      const path = join(REPO_ROOT, "examples", "__broken.cwl");
      const a = analyze(path, text, 1);
      const ref = compileSource(path, text);
      const ds = lspDiagnostics(a);
      expect(ds.length).toBeGreaterThan(0);
      expect(ds.map((d) => [d.code, d.message.split("\nhint: ")[0]])).toEqual(ref.diagnostics.map((d) => [d.code, d.message]));
      for (const [i, d] of ds.entries()) {
        const span = ref.diagnostics[i].span!;
        expect(d.range).toEqual({ start: toPosition(a.file, span.start), end: toPosition(a.file, span.end) });
      }
    });
  }
});

describe("every name in the corpus", () => {
  for (const [rel, text] of corpus()) {
    it(rel, () => {
      const a = analyze(join(REPO_ROOT, rel), text, 1);
      let resolved = 0;
      for (const t of tokenize(text)) {
        if (t.type !== "Ident") continue;
        const pos = toPosition(a.file, t.start);
        const h = hover(a, pos);
        const d = definition(a, pos);
        if (d) {
          resolved++;
          expect(d.uri).toMatch(/^file:\/\//);
          expect(h).not.toBeNull();
          expect(references(a, pos, true).length).toBeGreaterThan(0);
        }
      }
      expect(resolved).toBeGreaterThan(0);
      const data = semanticTokens(a);
      expect(data.length % 5).toBe(0);
      expect(documentSymbols(a).length).toBeGreaterThan(0);
    });
  }
});

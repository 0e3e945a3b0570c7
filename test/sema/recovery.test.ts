// After a syntax error the parser leaves Error nodes and empty names; sema must not add cascading
// name or type errors on top of them (the LSP checks half-typed code on every keystroke).
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline/index.ts";

const BROKEN = [
  "fn f(x: Field) -> Field {\n    let y = x + ;\n    let z: = 3;\n    y\n}\ncircuit C(pub a: Field) { assert f(a) == a }\n",
  "circuit C(pub a: Field) {\n    let b = a.;\n    assert b == ;\n}\n",
  "struct S { a: , b: u8 }\nfn g(s: S) -> u8 { s.b }\n",
  "fn (x: u32) -> u32 { x }\nfn h() -> u32 { 1 + }\n",
];

describe("error recovery", () => {
  BROKEN.forEach((src, i) => {
    it(`broken input ${i}: only syntax errors`, () => {
      const r = compileSource(`/virtual/broken${i}.cwl`, src, { checkOnly: true });
      expect(r.diagnostics.length).toBeGreaterThan(0);
      expect(r.diagnostics.filter((d) => !/^E00/.test(d.code)).map((d) => `${d.code} ${d.message}`)).toEqual([]);
    });
  });
});

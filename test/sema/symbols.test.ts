// The resolved-symbol table the language server uses: definition of a reference, all references,
// hover types of expressions — across generic instantiations and imported modules.
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { findAll } from "../../compiler/syntax/index.ts";

const SRC = `const K: u32 = 3;
fn twice<F: Field>(x: F) -> F { x + x }
circuit C(pub out: Field, priv a: Field) {
    let b = twice(a);
    let mut n = 0;
    n += K;
    assert out == b + (n as Field);
}
`;

describe("symbol table", () => {
  const r = compileSource("/virtual/sym.cwl", SRC);
  const p = r.checked!;
  const file = r.file!.id;
  const at = (needle: string, nth = 0) => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = SRC.indexOf(needle, i + 1);
    return i;
  };
  it("compiles cleanly", () => {
    expect(r.diagnostics).toEqual([]);
  });
  it("symbolAt finds the definition of a local from a use, and references lists every use", () => {
    const use = p.symbolAt(file, at("b + (n"))!;
    expect(use.name).toBe("b");
    expect(use.kind).toBe("local");
    expect(use.type).toBe("Bn254Fr");
    expect(use.def!.start).toBe(at("b = twice"));
    expect(p.references(use).map((s) => s.start)).toEqual([at("b = twice"), at("b + (n")]);
  });
  it("resolves functions and constants to their items", () => {
    const f = p.symbolAt(file, at("twice(a)"))!;
    expect(f.kind).toBe("fn");
    expect(f.def!.start).toBe(at("twice<"));
    expect(f.type).toContain("twice(x:");
    const k = p.symbolAt(file, at("K;"))!;
    expect(k.kind).toBe("const");
    expect(k.type).toBe("u32");
    expect(p.references(k)).toHaveLength(2);
  });
  it("a literal-initialised mutable local takes the type of its first typed use", () => {
    const n = p.symbolAt(file, at("n = 0"))!;
    expect(n.type).toBe("u32");
    expect(n.mutable).toBe(true);
  });
  it("typeOf gives the type of every expression", () => {
    const calls = findAll(r.ast!, "Call");
    expect(p.typeOf(calls[0])).toBe("Bn254Fr");
    const casts = findAll(r.ast!, "Cast");
    expect(p.typeOf(casts[0].expr)).toBe("u32");
  });
  it("references of a std import point into the stdlib file", () => {
    const r2 = compileSource("/virtual/std.cwl", "use std::field::Bn254Fr;\ncircuit D(pub x: Bn254Fr) { assert x == x; }\n");
    expect(r2.diagnostics).toEqual([]);
    const s = r2.checked!.symbolAt(r2.file!.id, "use std::field::Bn254Fr;\ncircuit D(pub x: B".length)!;
    expect(s.kind).toBe("prime-field");
    expect(r2.fm.get(s.def!.file).path).toMatch(/stdlib\/field\/mod\.cwl$/);
  });
  it("struct fields resolve from literals and field accesses to their declaration", () => {
    const src = "struct Leaf { key: Field, value: Field }\ncircuit L(pub k: Field) {\n    let l = Leaf { key: k, value: k };\n    assert l.key == l.value;\n}\n";
    const r3 = compileSource("/virtual/struct.cwl", src);
    expect(r3.diagnostics).toEqual([]);
    const s = r3.checked!.symbolAt(r3.file!.id, src.indexOf("key =="))!;
    expect(s.kind).toBe("struct-field");
    expect(s.def!.start).toBe(src.indexOf("key:"));
    expect(r3.checked!.references(s).map((x) => x.start)).toEqual([src.indexOf("key:"), src.indexOf("key: k"), src.indexOf("key ==")]);
  });
  it("localsAt lists the locals and parameters in scope at a position", () => {
    const names = p.localsAt(file, at("assert out")).map((s) => s.name).sort();
    expect(names).toEqual(["a", "b", "n", "out"]);
    expect(p.localsAt(file, at("let b")).map((s) => s.name).sort()).toEqual(["a", "out"]);
  });
});

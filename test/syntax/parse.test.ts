// The parser against fixture programs: fixtures/ok must parse cleanly, fixtures/err must report exactly
// the `// expect: CODE @ line:col` diagnostics they list, and fixtures/ast pin down tree shapes.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderAll } from "../../base/diagnostics/index.ts";
import { lineColOf } from "../../base/files/index.ts";
import {
  decodeInt,
  findAll,
  nodeAt,
  parse,
  tokenize,
  type ConstItem,
  type LetStmt,
  type TypeAliasItem,
} from "../../compiler/syntax/index.ts";
import { CwlParser } from "../../compiler/syntax/parser.ts";
import { exprS, typeS } from "./sexp.ts";
import { FIXTURES, fileOf, fixtureFiles, source, spanProblems } from "./util.ts";

describe("grammar", () => {
  it("passes chevrotain's grammar validation (no ambiguity, no duplicate occurrence index)", () => {
    // Production parsing skips these checks for start-up time; this is where they run.
    expect(() => new CwlParser(true)).not.toThrow();
  });
});

describe("fixtures/ok parse without diagnostics", () => {
  for (const f of fixtureFiles("ok"))
    it(f.name, () => {
      const file = source(f.text, `ok/${f.name}`);
      const r = parse(file);
      expect(renderAll(r.diagnostics, fileOf)).toBe("");
      expect(r.module.items.length).toBeGreaterThan(0);
      expect(spanProblems(r.module, r.diagnostics, f.text.length)).toBe("");
    });
});

describe("fixtures/err report exactly the expected diagnostics", () => {
  for (const f of fixtureFiles("err"))
    it(f.name, () => {
      const expected = [...f.text.matchAll(/\/\/ expect: (E\d{4}) @ (\d+):(\d+)/g)].map(
        (m) => `${m[1]} @ ${m[2]}:${m[3]}`,
      );
      expect(expected.length, "fixture lists its expectations").toBeGreaterThan(0);
      const file = source(f.text, `err/${f.name}`);
      const r = parse(file);
      const got = r.diagnostics.map((d) => {
        const lc = lineColOf(file, d.span!.start);
        return `${d.code} @ ${lc.line}:${lc.col}`;
      });
      expect(got, renderAll(r.diagnostics, fileOf)).toEqual(expected);
      for (const d of r.diagnostics) {
        expect(d.severity).toBe("error");
        expect(d.message).not.toMatch(/Expecting|but found|-->|\{"/); // our words, not chevrotain's
      }
      expect(spanProblems(r.module, r.diagnostics, f.text.length)).toBe("");
    });

  it("reports three independent errors of one file in one run, each with line and column", () => {
    const f = fixtureFiles("err").find((x) => x.name === "three_errors.cwl")!;
    const file = source(f.text);
    const r = parse(file);
    const lines = new Set(r.diagnostics.map((d) => lineColOf(file, d.span!.start).line));
    expect(lines).toEqual(new Set([2, 4, 6]));
    const rendered = renderAll(r.diagnostics, fileOf);
    expect(rendered).toMatch(/:2:18: error\[E0013\]: expected an expression, found `;`/);
    expect(rendered).toMatch(/:4:18: error\[E0011\]: expected `,` between struct fields/);
    expect(rendered).toMatch(/:6:17: error\[E0013\]/);
    // Recovery keeps the items around the errors.
    expect(r.module.items.map((i) => i.kind)).toEqual(["Fn", "Struct", "Circuit"]);
  });

  it("names the unclosed delimiter when the file ends inside it", () => {
    const file = source("fn f() {\n    let x = [1, 2];\n");
    const [d, ...rest] = parse(file).diagnostics;
    expect(rest).toEqual([]);
    expect(d.message).toBe("expected `}` to close the block, found end of file");
    expect(d.related?.map((r) => [r.message, lineColOf(file, r.span.start)])).toEqual([
      ["this `{` is never closed", { line: 1, col: 8 }],
    ]);
  });

  it("does not echo a recovered error as an unclosed block at the end of the file", () => {
    const r = parse(source("fn f() {\n    for i in 0..n\n    let x = 1;\n}\n"));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0011"]);
    expect(r.diagnostics[0].message).toBe("expected a block `{ ... }`, found keyword `let`");
  });

  it("parses 60 levels of nesting, and reports absurd nesting instead of crashing", () => {
    const nest = (n: number) => `const X = ${"([".repeat(n)}1${"])".repeat(n)};`;
    expect(parse(source(nest(30))).diagnostics).toEqual([]);
    const deep = parse(source(nest(5000))).diagnostics;
    expect(deep.map((d) => d.code)).toEqual(["E0026"]);
  });

  it("puts a missing `;` at the end of the line it belongs to", () => {
    const file = source("fn f() {\n    let x = 1\n    let y = 2;\n}\n");
    const [d] = parse(file).diagnostics;
    expect(d.code).toBe("E0010");
    expect(d.message).toBe("expected `;` after `let` statement, found keyword `let`");
    expect(lineColOf(file, d.span!.start)).toEqual({ line: 2, col: 14 });
    expect(d.hint).toBeTruthy();
  });
});

function astCases(name: string): [string, string][] {
  return readFileSync(join(FIXTURES, "ast", name), "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => {
      const i = l.lastIndexOf(" => ");
      return [l.slice(0, i), l.slice(i + 4)];
    });
}

describe("fixtures/ast: expression shapes", () => {
  for (const [src, want] of astCases("exprs.txt"))
    it(src, () => {
      const r = parse(source(`fn t() { let _v = ${src}; }`));
      expect(renderAll(r.diagnostics, fileOf)).toBe("");
      const [let_] = findAll(r.module, "Let") as LetStmt[];
      expect(exprS(let_.init)).toBe(want);
    });
});

describe("fixtures/ast: type shapes", () => {
  for (const [src, want] of astCases("types.txt"))
    it(src, () => {
      const r = parse(source(`type T = ${src};`));
      expect(renderAll(r.diagnostics, fileOf)).toBe("");
      expect(typeS((r.module.items[0] as TypeAliasItem).type)).toBe(want);
    });
});

describe("items, statements, docs and comments", () => {
  it("builds item nodes with names, visibility, generics and attributes", () => {
    const r = parse(source(fixtureFiles("ok").find((f) => f.name === "items.cwl")!.text));
    const kinds = r.module.items.map((i) => i.kind);
    expect(kinds).toContain("PrimeField");
    expect(kinds).toContain("Table");
    const p = r.module.items.find((i) => i.kind === "Struct" && i.name.name === "P");
    expect(p?.kind === "Struct" && p.isPub && p.generics.map((g) => g.kind)).toEqual(["TypeParam", "ConstParam"]);
    const inv = findAll(r.module, "Fn").find((f) => f.name.name === "inv")!;
    expect(inv.hint).toBe(true);
    const attrs = findAll(r.module, "Fn").find((f) => f.name.name === "attrs")!.attrs;
    expect(attrs.map((a) => [a.name.name, a.args.length])).toEqual([
      ["inline", 0],
      ["doc", 2],
    ]);
    const uses = findAll(r.module, "Use").map((u) => u.tree);
    expect(uses[1].group?.map((g) => g.prefix.map((x) => x.name).join("::"))).toEqual(["bn254", "goldilocks"]);
    expect(uses[2].alias?.name).toBe("y");
    expect(uses[4].glob).toBe(true);
    const mods = findAll(r.module, "Mod");
    expect(mods[0].items).toBeUndefined();
    expect(mods[1].items?.length).toBe(2);
  });

  it("attaches `///` docs to items, fields, params and spec members; `//!` to the module", () => {
    const text = [
      "//! Module docs.",
      "/// Depth of the tree.",
      "///   indented",
      "const D: u32 = 4;",
      "// plain comment, not a doc",
      "const E: u32 = 5;",
      "struct S {",
      "    /// the x",
      "    x: F,",
      "}",
      "circuit C(",
      "    /// public root",
      "    pub root: F,",
      ") {}",
      "spec Z {",
      "    /// a step",
      "    action step() {}",
      "}",
    ].join("\n");
    const r = parse(source(text));
    expect(r.diagnostics).toEqual([]);
    expect(r.module.doc).toBe("Module docs.");
    const [d, e] = findAll(r.module, "Const") as ConstItem[];
    expect(d.doc).toBe("Depth of the tree.\n  indented");
    expect(e.doc).toBeUndefined();
    expect(findAll(r.module, "FieldDecl")[0].doc).toBe("the x");
    expect(findAll(r.module, "Param")[0].doc).toBe("public root");
    expect(findAll(r.module, "SpecAction")[0].doc).toBe("a step");
    expect(r.comments.map((c) => c.kind)).toEqual([
      "InnerDocComment",
      "DocComment",
      "DocComment",
      "LineComment",
      "DocComment",
      "DocComment",
      "DocComment",
    ]);
  });

  it("keeps block comments with exact spans for the formatter", () => {
    const text = "fn f() { /* a */ let x = 1; /* b\n c */ }";
    const r = parse(source(text));
    expect(r.diagnostics).toEqual([]);
    expect(r.comments.map((c) => text.slice(c.span.start, c.span.end))).toEqual(["/* a */", "/* b\n c */"]);
    expect(r.comments.every((c) => c.kind === "BlockComment")).toBe(true);
  });

  it("accepts a byte-order mark and CRLF line ends", () => {
    const text = "\ufeff/// doc\r\nfn f() {\r\n    // note\r\n    let x = 1;\r\n}\r\n";
    const r = parse(source(text));
    expect(r.diagnostics).toEqual([]);
    expect(r.module.items[0].doc).toBe("doc");
    expect(r.comments.map((c) => c.text)).toEqual(["/// doc", "// note"]);
  });

  it("turns the final expression of a block into its tail", () => {
    const r = parse(source("fn f() -> F { let a = 1; if a { 2 } else { 3 } }\nfn g() { f(); }"));
    const [f, g] = findAll(r.module, "Fn");
    expect(f.body.stmts.length).toBe(1);
    expect(f.body.tail?.kind).toBe("If");
    expect(g.body.tail).toBeUndefined();
    expect(g.body.stmts[0]).toMatchObject({ kind: "ExprStmt", semi: true });
  });

  it("parses statements of every kind", () => {
    const r = parse(source(fixtureFiles("ok").find((f) => f.name === "circuit.cwl")!.text));
    const kinds = new Set<string>();
    for (const fn of findAll(r.module, "Block")) for (const s of fn.stmts) kinds.add(s.kind);
    for (const k of ["Let", "Assign", "Assert", "AssertEq", "Lookup", "For", "ExprStmt"]) expect(kinds).toContain(k);
    const lookups = findAll(r.module, "Lookup");
    expect(lookups.map((l) => [l.columns.length, l.table.segments.map((s) => s.name.name).join("::")])).toEqual([
      [1, "range8"],
      [2, "std::tables::xor4"],
    ]);
    const ops = findAll(r.module, "Assign").map((a) => a.op);
    expect(ops).toEqual(expect.arrayContaining(["=", "+=", "-=", "*=", "^=", "&=", "|=", "<<=", ">>=", "/=", "%="]));
    expect(findAll(r.module, "AssertEq")[1].message?.kind).toBe("StrLit");
  });

  it("parses protocol qualifiers and parties", () => {
    const r = parse(source(fixtureFiles("ok").find((f) => f.name === "protocol.cwl")!.text));
    const params = findAll(r.module, "Param");
    expect(params.map((p) => p.qualifier)).toEqual(["secret", "secret", "public", "secret", "secret", "public"]);
    const dotA = params[3];
    expect(dotA.party?.kind === "IntLit" && dotA.party.value).toBe(0n);
    expect(findAll(r.module, "Reveal").length).toBe(2);
  });

  it("parses a full spec", () => {
    const r = parse(source(fixtureFiles("ok").find((f) => f.name === "spec.cwl")!.text));
    const spec = findAll(r.module, "Spec")[0];
    const kinds = spec.members.map((m) => m.kind);
    for (const k of [
      "SpecParams",
      "TypeAlias",
      "SpecState",
      "SpecAction",
      "SpecInvariant",
      "SpecProperty",
      "SpecAdversary",
      "Const",
      "Fn",
    ])
      expect(kinds).toContain(k);
    const params = findAll(r.module, "SpecParam");
    expect(params.map((p) => [p.name.name, p.default ? exprS(p.default) : null])).toEqual([
      ["n", "4"],
      ["f", "1"],
      ["quorum", null],
    ]);
    const props = findAll(r.module, "SpecProperty");
    expect(props.map((p) => [p.name.name, p.fairness?.name.name, p.fairness?.args.length])).toEqual([
      ["live", "weak_fairness", 0],
      ["live2", "strong_fairness", 2],
      ["bounded_live", undefined, undefined],
      ["privacy", undefined, undefined],
    ]);
    const ni = props[3].body;
    expect(ni.kind === "Noninterference" && [ni.secret.map(exprS), ni.observer.map(exprS)]).toEqual([
      ["amount"],
      ["log"],
    ]);
    const adv = findAll(r.module, "SpecAdversary");
    expect(adv.map((a) => [a.name.name, a.args.map(exprS)])).toEqual([
      ["byzantine", ["f"]],
      ["network", ["drop", "delay", "duplicate", "reorder"]],
      ["flood", ["3"]],
      ["crash", []],
    ]);
    const vote = findAll(r.module, "SpecAction")[0];
    expect(exprS(vote.guard)).toBe("(! (paren (in v ([] votes p))))");
  });

  it("finds the innermost node at an offset", () => {
    const text = "fn f() { let x = a + bcd; }";
    const r = parse(source(text));
    const n = nodeAt(r.module, text.indexOf("bcd") + 1);
    expect(n?.kind).toBe("Ident");
    expect(n?.kind === "Ident" && n.name).toBe("bcd");
  });
});

describe("lexer", () => {
  it("tokenizes keywords, soft keywords, literals and comments", () => {
    const toks = tokenize("fn state assert_eq _ _x 0x1F_u32 ..= >>= // c\n/* b */");
    expect(toks.map((t) => t.type)).toEqual([
      "Kw_fn",
      "Kw_state",
      "Kw_assert_eq",
      "Underscore",
      "Ident",
      "IntLit",
      "DotDotEq",
      "ShrAssign",
      "LineComment",
      "BlockComment",
    ]);
  });

  it.each([
    ["42", 42n, 10, undefined],
    [
      "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001",
      0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n,
      16,
      undefined,
    ],
    ["0b1010_1010u8", 0xaan, 2, "u8"],
    ["1_000u64", 1000n, 10, "u64"],
    ["0xffu16", 255n, 16, "u16"],
  ])("decodes %s", (text, value, radix, suffix) => {
    expect(decodeInt(text)).toEqual({ ok: true, value, radix, suffix });
  });

  it.each(["0x", "0b", "12abc", "0b102", "5field", "1u7"])("rejects %s", (text) => {
    const d = decodeInt(text);
    expect(d.ok).toBe(false);
  });
});

// Long and deep expressions through every stage: a sum of 100,000 terms checks, lowers, prints as
// CWIR and formats (each stage walks operator chains with a loop); nesting deeper than a stage can
// take is E0026 at the expression, never a stack overflow or an internal error.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileManager, REPO_ROOT } from "../../base/files/index.ts";
import { printModule } from "../../compiler/ir/index.ts";
import { type Expr, MAX_EXPR_DEPTH, parse } from "../../compiler/syntax/index.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { formatSource } from "../../tooling/format/index.ts";

const wrap = (expr: string) =>
  `use std::field::Bn254Fr;\n\ncircuit C(pub y: Bn254Fr, priv x: Bn254Fr, priv z: Bn254Fr) {\n    assert_eq(${expr}, y);\n}\n`;
/** x + z + x + z ...: the operands alternate so that a stage that drops or reorders terms is caught. */
const sum = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? "z" : "x")).join(" + ");

function check(text: string) {
  const r = compileSource("deep.cwl", text);
  return { ...r, errors: r.diagnostics.filter((d) => d.severity === "error") };
}

describe("long operator chains", () => {
  for (const n of [2_000, 20_000, 100_000])
    it(`a sum of ${n.toLocaleString("en")} terms checks, lowers and prints as CWIR`, () => {
      const r = check(wrap(sum(n)));
      expect(r.errors).toEqual([]);
      const ir = printModule(r.ir!);
      // One field addition per `+`, each adding the next operand to the running sum in source order.
      const adds = [...ir.matchAll(/(%\d+) = f\.add (%\d+), (%\d+)/g)].map((m) => m.slice(1));
      expect(adds.length).toBe(n - 1);
      const [, x, z] = [...ir.matchAll(/(%\d+): !f<bn254_fr>/g)].map((m) => m[1]);
      expect(adds[0].slice(1)).toEqual([x, z]);
      const wrong = adds.findIndex((a, i) => i > 0 && (a[1] !== adds[i - 1][0] || a[2] !== (i % 2 ? x : z)));
      expect(wrong).toBe(-1);
    });

  it("every link of a long chain gets its type (hover on an inner `+`)", () => {
    const text = wrap(sum(2_000));
    const r = check(text);
    let inner: Expr = (r.ast!.items[1] as { body: { stmts: { kind: string; left: Expr }[] } }).body.stmts[0].left;
    for (let i = 0; i < 1_000; i++) inner = (inner as Extract<Expr, { kind: "Binary" }>).left;
    expect(r.checked!.typeOf(inner)).toBe("Bn254Fr");
  });

  it("a constant folded from 20,000 terms", () => {
    const terms = Array.from({ length: 20_000 }, (_, i) => String(i % 7)).join(" + ");
    const r = check(`const K: u32 = ${terms};\n\nfn f() -> u32 {\n    K\n}\n`);
    expect(r.errors).toEqual([]);
    const k = r.ast!.items.find((i) => i.kind === "Const");
    expect(k?.kind === "Const" && r.checked!.symbols.definedAt(k.name.span)?.type).toBe("u32");
  });

  for (const n of [2_000, 20_000, 100_000])
    it(`a sum of ${n.toLocaleString("en")} terms formats, one operand per line, and stays formatted`, async () => {
      const r = await formatSource(wrap(sum(n)));
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
      const lines = r.text.split("\n");
      expect(lines.filter((l) => /^ {12}[xz] \+$/.test(l)).length).toBe(n - 2);
      expect(r.text.replace(/\s+/g, "")).toBe(wrap(sum(n)).replace(/\s+/g, ""));
      const again = await formatSource(r.text);
      expect(again.ok && again.changed).toBe(false);
    }, 60_000);
});

describe("nesting deeper than the stages take", () => {
  const e0026 = (text: string) => {
    const fm = new FileManager();
    return parse(fm.add("deep.cwl", text)).diagnostics.filter((d) => d.code === "E0026");
  };

  for (const depth of [1_000, 100_000])
    it(`${depth.toLocaleString("en")} nested parentheses: E0026 over the parenthesised expression`, () => {
      const inner = "(".repeat(depth) + "x" + ")".repeat(depth);
      const text = wrap(inner);
      const ds = e0026(text);
      expect(ds).toHaveLength(1);
      expect(text.slice(ds[0].span!.start, ds[0].span!.end)).toBe(inner);
      expect(ds[0].hint).toMatch(/let/);
    });

  it("a method chain past the limit is E0026 over the whole chain, and the rest of the file is still checked", () => {
    const chain = "x" + ".inv()".repeat(MAX_EXPR_DEPTH + 1);
    const text = wrap(chain) + "\nfn g() -> u32 {\n    true\n}\n";
    const r = check(text);
    const deep = r.errors.filter((d) => d.code === "E0026");
    expect(deep).toHaveLength(1);
    expect(text.slice(deep[0].span!.start, deep[0].span!.end)).toBe(chain);
    // The replaced expression raises nothing more; `g` is still checked.
    expect(r.errors.map((d) => d.code).sort()).toEqual(["E0026", "E0201"]);
  });

  it("in a spec, whose stages recurse on operator chains too, a long sum is E0026, not an internal error", () => {
    const terms = Array.from({ length: 3_000 }, () => "x").join(" + ");
    const text = `spec S {\n    state x: u32 = 0;\n\n    invariant big: ${terms} >= 0;\n}\n`;
    const r = check(text);
    expect(r.errors.map((d) => d.code)).toEqual(["E0026"]);
    expect(text.slice(r.errors[0].span!.start, r.errors[0].span!.end)).toBe(`${terms} >= 0`);
  });

  it("a method chain at the limit compiles and formats", async () => {
    const text = wrap("x" + ".inv()".repeat(MAX_EXPR_DEPTH - 8));
    expect(check(text).errors).toEqual([]);
    expect((await formatSource(text)).ok).toBe(true);
  });

  it("cwl check: E0026 with exit 1 and no stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-deep-"));
    const file = join(dir, "deep.cwl");
    writeFileSync(file, wrap("(".repeat(100_000) + "x" + ")".repeat(100_000)));
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "cwl.js"), "check", file], { encoding: "utf8", cwd: REPO_ROOT });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/deep\.cwl:4:15: error\[E0026\]/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

// Dynamic-table syntax: `table t: (...) = dynamic;` and `push (a, b) into t;`, with `push`, `into` and
// `dynamic` still usable as names; the formatter prints both forms back.
import { describe, expect, it } from "vitest";
import { renderAll } from "../../base/diagnostics/index.ts";
import { formatSource } from "../../tooling/format/index.ts";
import { findAll, parse, type Stmt, type TableItem } from "../../compiler/syntax/index.ts";
import { fileOf, source } from "./util.ts";

function stmts(body: string): Stmt[] {
  const r = parse(source(`circuit C(priv a: Field) {\n${body}\n}\n`));
  expect(renderAll(r.diagnostics, fileOf)).toBe("");
  const c = r.module.items[0];
  if (c.kind !== "Circuit") throw new Error("no circuit");
  return c.body.stmts;
}

describe("push statements", () => {
  it("parses tuples, single values, qualified tables", () => {
    const [p1, p2, p3] = stmts("push (a, b, c) into kv;\npush x into t;\npush f(a) into m::t;");
    expect(p1.kind === "Push" && p1.columns.length).toBe(3);
    expect(p2.kind === "Push" && p2.columns.length).toBe(1);
    expect(p3.kind === "Push" && p3.table.segments.map((s) => s.name.name)).toEqual(["m", "t"]);
  });

  it("keeps `push` an ordinary name where no push statement can start", () => {
    const kinds = stmts("push(a);\npush = 1;\npush.x = 2;\nlet push = push;\npush[0] += 1;\npush (a) + 1;").map((s) => s.kind);
    expect(kinds).toEqual(["ExprStmt", "Assign", "Assign", "Let", "Assign", "ExprStmt"]);
  });

  it("keeps `into` and `dynamic` ordinary names (`= dynamic;` alone always declares a dynamic table)", () => {
    const r = parse(source("const dynamic: u32 = 1;\ntable t: u8 = 0..dynamic;\nfn into(dynamic: u32) -> u32 { dynamic }\n"));
    expect(renderAll(r.diagnostics, fileOf)).toBe("");
    const t = findAll(r.module, "Table")[0] as TableItem;
    expect(t.dynamic).toBeUndefined();
    expect(t.value?.kind).toBe("Range");
  });

  it("marks `= dynamic;` tables", () => {
    const text = "table kv: (Field, Field) = dynamic;\n";
    const r = parse(source(text));
    const t = r.module.items[0] as TableItem;
    expect(t.value).toBeUndefined();
    expect(t.dynamic).toBe(true);
  });
});

describe("formatter", () => {
  it("prints dynamic tables and push statements, idempotently", async () => {
    const messy = "table  kv :(Field,Field)=   dynamic ;\ncircuit C(priv a: Field) {\n  push   (a,a)   into kv;\n push a into   self::kv2;\n}\n";
    const r = await formatSource(messy);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.text).toBe("table kv: (Field, Field) = dynamic;\ncircuit C(priv a: Field) {\n    push (a, a) into kv;\n    push a into self::kv2;\n}\n");
    const again = await formatSource(r.text);
    expect(again.ok && again.text).toBe(r.text);
  });
});

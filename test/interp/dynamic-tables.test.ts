// Interpreter semantics of dynamic tables: c.table_push collects rows, c.lookup into a dynamic table is
// checked after the body ran (so it may precede its push), duplicates are fine, a miss is E0502 at the
// lookup, and a lookup in an untaken branch is not checked (as for fixed tables).
import { describe, expect, it } from "vitest";
import { parseText } from "../../compiler/ir/index.ts";
import { run } from "../../compiler/interp/index.ts";

const SRC = `field @bn254_fr = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001

table @kv : (!f<bn254_fr>, !f<bn254_fr>) = dynamic

table @fixed : (!f<bn254_fr>) = range 0..4

circuit @c(%0: !f<bn254_fr> {name = "k", vis = "priv"}, %1: !f<bn254_fr> {name = "v", vis = "priv"}, %2: i1 {name = "flag", vis = "priv"}) {
  c.lookup %0, %1 {table = @kv} loc("src/kv.cwl":3:5)
  c.table_push %0, %1 {table = @kv}
  c.table_push %0, %1 {table = @kv}
  %3 = f.const {value = 7} : !f<bn254_fr>
  cf.if %2 {
    c.lookup %3, %3 {table = @kv} loc("src/kv.cwl":9:9)
    c.lookup %3 {table = @fixed} loc("src/kv.cwl":10:9)
    cf.yield
  } {
    cf.yield
  }
  cf.return
}
`;

function runWith(inputs: Record<string, unknown>) {
  const p = parseText(SRC, "kv.cwir");
  expect(p.diagnostics).toEqual([]);
  return run(p.module, { inputs });
}

describe("dynamic tables in the interpreter", () => {
  it("a lookup before its push holds; duplicate rows are kept in dynamicRows", () => {
    const r = runWith({ k: "5", v: "6", flag: false });
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.dynamicRows.get("kv")).toEqual([
      [5n, 6n],
      [5n, 6n],
    ]);
  });

  it("a tuple nobody pushed fails with E0502 at the lookup, naming tuple and table", () => {
    const r = runWith({ k: "5", v: "6", flag: true });
    expect(r.ok).toBe(false);
    const msgs = r.diagnostics.map((d) => `${d.code} ${d.message}`).sort();
    expect(msgs).toEqual([
      expect.stringMatching(/^E0502 lookup failed: \(7\) is not in @fixed .*src\/kv.cwl:10:9/),
      expect.stringMatching(/^E0502 lookup failed: \(7, 7\) is not in @kv \(no row pushed into this dynamic table matches\) .*src\/kv.cwl:9:9/),
    ]);
  });
});

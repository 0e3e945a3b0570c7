// CWIR data structures, text form and verifier, driven by fixtures:
//   fixtures/roundtrip/*.cwir  canonical text: parse → print reproduces it exactly
//   fixtures/verify/*.cwir     parses, then the verifier reports exactly the `// ERROR: CODE text` lines
//   fixtures/parse/*.cwir      the parser reports `// ERROR: CODE line:col`
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileManager, lineColOf } from "../../base/files/index.ts";
import { Builder, Module, T, parseText, printModule, verifyModule, allOpDefs, cloneRegion, type Value } from "../../compiler/ir/index.ts";

const dir = (sub: string) => join(import.meta.dirname, "fixtures", sub);
const fixtures = (sub: string) => readdirSync(dir(sub)).filter((f) => f.endsWith(".cwir")).sort();
const read = (sub: string, f: string) => readFileSync(join(dir(sub), f), "utf8");
const errors = (text: string) => [...text.matchAll(/^\/\/ ERROR: (\S+) (.*)$/gm)].map((m) => ({ code: m[1], text: m[2] }));
const BN = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;

describe("round trip", () => {
  for (const f of fixtures("roundtrip"))
    it(f, () => {
      const text = read("roundtrip", f);
      const r = parseText(text, f);
      expect(r.diagnostics).toEqual([]);
      expect(verifyModule(r.module)).toEqual([]);
      const canonical = text.split("\n").filter((l) => !l.startsWith("//")).join("\n");
      const out = printModule(r.module);
      expect(out).toBe(canonical);
      expect(printModule(parseText(out).module)).toBe(out);
    });
});

describe("verifier fixtures", () => {
  for (const f of fixtures("verify"))
    it(f, () => {
      const text = read("verify", f);
      const r = parseText(text, f);
      expect(r.diagnostics).toEqual([]);
      const ds = verifyModule(r.module);
      const want = errors(text);
      expect(want.length).toBeGreaterThan(0);
      for (const w of want)
        expect(
          ds.some((d) => d.code === w.code && d.message.includes(w.text)),
          `expected ${w.code} "${w.text}" in:\n${ds.map((d) => `${d.code} ${d.message}`).join("\n")}`,
        ).toBe(true);
      // Nothing unexpected: every reported diagnostic is one of the expected ones.
      for (const d of ds) expect(want.some((w) => w.code === d.code && d.message.includes(w.text)), `unexpected ${d.code} ${d.message}`).toBe(true);
    });
});

describe("parser error fixtures", () => {
  for (const f of fixtures("parse"))
    it(f, () => {
      const text = read("parse", f);
      const fm = new FileManager();
      const r = parseText(text, f, fm);
      const [want] = errors(text);
      expect(r.diagnostics).toHaveLength(1);
      const d = r.diagnostics[0];
      expect(d.code).toBe(want.code);
      const { line, col } = lineColOf(fm.lookup(f)!, d.span!.start);
      expect(`${line}:${col}`).toBe(want.text);
    });
});

describe("locations", () => {
  it("resolves loc() against files known to the FileManager and prints them back", () => {
    const fm = new FileManager();
    fm.add("src/a.cwl", "line one\n  let x = y * z;\n");
    const text = 'field @p = 0x7\n\ncircuit @c(%0: !f<p>) {\n  %1 = f.mul %0, %0 : !f<p> loc("src/a.cwl":2:11)\n  cf.return\n}\n';
    const r = parseText(text, "x.cwir", fm);
    const op = r.module.func("c")!.body.entry.ops[0];
    expect(op.loc?.file).toBe(fm.lookup("src/a.cwl")!.id);
    expect(fm.lookup("src/a.cwl")!.text.slice(op.loc!.start, op.loc!.start + 5)).toBe("y * z");
    expect(printModule(r.module)).toBe(text);
  });
  it("prints Spans from the builder through fileOf", () => {
    const fm = new FileManager();
    const src = fm.add("b.cwl", "fn main() {\n    assert x;\n}\n");
    const m = new Module();
    m.addField("p", 7n);
    const b = new Builder(m);
    const f = b.func("circuit", "c", [{ type: T.i1, vis: "priv" }]);
    b.loc = { file: src.id, start: src.text.indexOf("assert"), end: src.text.indexOf(";") };
    b.c.assert(f.args[0], "x");
    b.loc = undefined;
    b.cf.return();
    expect(printModule(m, { fileOf: (id) => fm.get(id) })).toContain('c.assert %0 {msg = "x"} loc("b.cwl":2:5)');
    expect(printModule(m, { locs: false })).not.toContain("loc(");
  });
});

describe("builder", () => {
  it("builds every documented example op so that the module verifies", () => {
    const m = new Module();
    m.addField("bn254_fr", BN);
    const F = T.field("bn254_fr");
    const b = new Builder(m);
    m.addTable({ name: "range8", columns: [F], range: { lo: 0n, hi: 256n } });
    const fn = b.func("fn", "sq", [{ type: F }], [F]);
    b.cf.return([b.f.mul(fn.args[0], fn.args[0])]);
    const h = b.func("hint", "inv", [{ type: F }], [F]);
    b.cf.return([b.f.inv(h.args[0])]);
    const c = b.func("circuit", "main", [{ type: F, vis: "pub", name: "y" }, { type: T.array(F, 3), vis: "priv", name: "xs" }]);
    const [y, xs] = c.args;
    const [acc] = b.cf.for(0, 3, [b.f.const(0n, F)], (i, [a]) => [b.f.add(a, b.cf.call("sq", [b.array.get(xs, i)], [F])[0])]);
    const isZero = b.f.eq(acc, b.f.const(0n, F));
    const [r] = b.cf.if(isZero, [F], () => [b.f.const(1n, F)], () => [b.cf.call("inv", [acc], [F])[0]]);
    const bits = b.f.toBits(b.f.sub(r, b.f.neg(y)), 254 - 1);
    b.c.assertEq(b.f.fromBits(bits, F), b.f.add(r, y), "bits");
    b.c.range(acc, 64);
    b.c.lookup([b.f.const(5n, F)], "range8");
    const t = b.tuple.make([acc, isZero]);
    b.c.assert(b.i.cmp("eq", b.i.const(-1, T.i8), b.i.const(255, T.i8)));
    b.c.assertEq(b.tuple.get(t, 0), b.f.select(isZero, acc, b.f.pow(acc, 1n)));
    b.cf.return();
    const k = b.func("kernel", "k", [{ type: T.mem(T.i32), name: "a", attrs: { access: "read_write" } }], [], { workgroup: [4n] });
    const gid = b.k.globalId();
    const shared = b.mem.alloc(T.i32, 4, "workgroup");
    b.mem.store(shared, b.k.localId(), b.mem.load(k.args[0], gid));
    b.k.barrier();
    b.mem.store(k.args[0], gid, b.i.add(b.mem.load(shared, b.k.localId()), b.k.workgroupId()));
    b.cf.return();
    const SF = T.sfix("bn254_fr", 16);
    const p = b.func("protocol", "p", [{ type: T.array(T.array(SF, 2), 2), vis: "secret", party: 0, name: "x" }, { type: T.array(SF, 2), vis: "secret", party: 1, name: "w" }]);
    const prod = b.mpc.matmul(b.mpc.transpose(p.args[0]), p.args[1]);
    b.mpc.reveal(b.mpc.trunc(b.mpc.add(prod, prod), 1));
    b.cf.return();
    expect(verifyModule(m).map((d) => d.message)).toEqual([]);
    const text = printModule(m);
    const again = parseText(text);
    expect(again.diagnostics).toEqual([]);
    expect(printModule(again.module)).toBe(text);
    expect(text).toContain("i.const {value = 255} : i8");
  });

  it("insertion points: before/after an op, and cloning keeps SSA links", () => {
    const m = new Module();
    m.addField("p", 101n);
    const F = T.field("p");
    const b = new Builder(m);
    const f = b.func("fn", "f", [{ type: F }], [F]);
    const x = b.f.add(f.args[0], f.args[0]);
    const ret = b.cf.return([x]);
    b.setInsertionPointBefore(ret);
    const y = b.f.mul(x, x);
    ret.operands[0] = y;
    b.setInsertionPointAfter(x.definingOp!);
    b.f.neg(x);
    expect(f.body.entry.ops.map((o) => o.name)).toEqual(["f.add", "f.neg", "f.mul", "cf.return"]);
    const map = new Map<Value, Value>();
    const copy = cloneRegion(f.body, map);
    expect(copy.blocks[0].ops[2].operands[0]).toBe(copy.blocks[0].ops[0].results[0]);
    expect(verifyModule(m)).toEqual([]);
  });

  it("every registered op has documentation", () => {
    for (const d of allOpDefs()) expect(d.doc.length, d.name).toBeGreaterThan(10);
  });
});

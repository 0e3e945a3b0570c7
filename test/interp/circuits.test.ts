// Interpreter on circuits: field arithmetic cross-checked against @noble/curves' BN254 Fr,
// constraint failures reported with their .cwl span, all failures in one run, witness export.
import { bn254_Fr as Fr } from "@noble/curves/bn254.js";
import { describe, expect, it } from "vitest";
import { renderDiagnostic } from "../../base/diagnostics/index.ts";
import { FileManager } from "../../base/files/index.ts";
import { Builder, Module, T, parseText, walkFunc } from "../../compiler/ir/index.ts";
import { CIRCUIT_PIPELINE, runPipeline } from "../../compiler/passes/index.ts";
import { run } from "../../compiler/interp/index.ts";

const P = Fr.ORDER;
const F = T.field("bn254_fr");

function randFr(seed: number): bigint {
  let x = BigInt(seed) * 0x9e3779b97f4a7c15n + 0x1234567n;
  let acc = 0n;
  for (let i = 0; i < 5; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
    acc = (acc << 64n) | x;
  }
  return acc % P;
}

describe("field semantics vs @noble/curves bn254 Fr", () => {
  const m = new Module();
  m.addField("bn254_fr", P);
  const b = new Builder(m);
  const f = b.func("circuit", "ops", [{ type: F, name: "a", vis: "priv" }, { type: F, name: "b", vis: "priv" }], [F, F, F, F, F, F, F, T.i1]);
  const [a, c] = f.args;
  b.cf.return([b.f.add(a, c), b.f.sub(a, c), b.f.mul(a, c), b.f.div(a, c), b.f.inv(c), b.f.neg(a), b.f.pow(a, 0x1234567890abcdefn), b.f.eq(a, c)]);

  it("add, sub, mul, div, inv, neg, pow, eq agree on 200 random pairs", () => {
    for (let i = 0; i < 200; i++) {
      const x = randFr(i);
      const y = i === 7 ? x : randFr(i + 1000) || 1n;
      const r = run(m, { inputs: { a: x.toString(), b: "0x" + y.toString(16) } });
      expect(r.diagnostics).toEqual([]);
      expect(r.outputs).toEqual([
        Fr.add(x, y),
        Fr.sub(x, y),
        Fr.mul(x, y),
        Fr.div(x, y),
        Fr.inv(y),
        Fr.neg(x),
        Fr.pow(x, 0x1234567890abcdefn),
        x === y ? 1n : 0n,
      ]);
    }
  });

  it("inverse of zero is an E0504 failure, not a crash", () => {
    const r = run(m, { inputs: { a: "5", b: "0" } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0504"]);
    expect(r.diagnostics[0].message).toMatch(/f.div failed: division by zero/);
  });

  it("negative and out-of-range field inputs are refused, never reduced mod p", () => {
    const r = run(m, { inputs: { a: "-1", b: (P + 2n).toString() } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0506", "E0506"]);
    expect(r.diagnostics[0].message).toMatch(/^a = -1 is negative \(input 'a: .*'\)$/);
    expect(r.diagnostics[1].message).toMatch(new RegExp(`^b = ${P + 2n} is not below the field modulus .* \\(input 'b: .*'\\)$`));
    // The largest canonical value is accepted.
    expect(run(m, { inputs: { a: (P - 1n).toString(), b: "2" } }).outputs[0]).toBe(1n);
  });
});

describe("constraint failures", () => {
  const fm = new FileManager();
  const src = fm.add("examples/square.cwl", "circuit Square(pub y: F, priv x: F) {\n    assert_eq(x * x, y, \"y is x squared\");\n    lookup x in small;\n}\n");
  const line2 = src.text.indexOf("assert_eq");
  const line3 = src.text.indexOf("lookup");
  const text = `field @bn254_fr = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001

table @small : (!f<bn254_fr>) = range 0..16

circuit @Square(%0: !f<bn254_fr> {name = "y", vis = "pub"}, %1: !f<bn254_fr> {name = "x", vis = "priv"}) {
  %2 = f.mul %1, %1 : !f<bn254_fr> loc("examples/square.cwl":2:15)
  c.assert_eq %2, %0 {msg = "y is x squared"} loc("examples/square.cwl":2:5)
  c.lookup %1 {table = @small} loc("examples/square.cwl":3:5)
  c.range %1 {bits = 3}
  cf.return
}
`;
  const parsed = parseText(text, "square.cwir", fm);

  it("a valid witness passes", () => {
    expect(parsed.diagnostics).toEqual([]);
    const r = run(parsed.module, { inputs: { x: "3", y: "9" } });
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([]);
  });

  it("every failing constraint is reported with its source span and message", () => {
    const r = run(parsed.module, { inputs: { x: "20", y: "9" } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0501", "E0502", "E0503"]);
    const [eq, lk] = r.diagnostics;
    expect(eq.span?.start).toBe(line2);
    expect(lk.span?.start).toBe(line3);
    expect(eq.message).toContain("y is x squared: assert_eq failed: 400 != 9");
    const rendered = renderDiagnostic(eq, (id) => fm.get(id));
    expect(rendered).toContain("examples/square.cwl:2:5: error[E0501]");
    expect(rendered).toContain('assert_eq(x * x, y, "y is x squared");');
  });

  it("a loc whose file is unknown is still named in the message", () => {
    const other = parseText(text.replace(/examples\/square.cwl/g, "gone.cwl"), "s.cwir", new FileManager());
    const r = run(other.module, { inputs: { x: "2", y: "9" } });
    expect(r.diagnostics[0].span).toBeUndefined();
    expect(r.diagnostics[0].message).toContain("(at gone.cwl:2:5)");
  });

  it("bad inputs are diagnostics", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ x: "3" }, /missing input 'y'/],
      [{ x: "3", y: "9", z: 1 }, /unknown input 'z'/],
      [{ x: "three", y: "9" }, /expected an integer/],
      [{ x: [1], y: "9" }, /expected an integer/],
    ];
    for (const [inputs, re] of cases) {
      const r = run(parsed.module, { inputs });
      expect(r.ok).toBe(false);
      expect(r.diagnostics[0].code).toBe("E0506");
      expect(r.diagnostics.map((d) => d.message).join("\n")).toMatch(re);
    }
  });

  it("refuses a module that does not verify", () => {
    const bad = parseText(text.replace("c.range %1 {bits = 3}", "c.range %1 {bits = 999}"));
    const r = run(bad.module, { inputs: { x: "3", y: "9" } });
    expect(r.diagnostics[0].code).toBe("E0509");
  });
});

describe("witness on flattened circuits", () => {
  it("has a value for every op result after the circuit pipeline, and outputs match the unflattened run", () => {
    const m = new Module();
    m.addField("bn254_fr", P);
    const b = new Builder(m);
    const sq = b.func("fn", "sq", [{ type: F }], [F]);
    b.cf.return([b.f.mul(sq.args[0], sq.args[0])]);
    const f = b.func("circuit", "chain", [{ type: F, name: "x", vis: "priv" }, { type: T.array(F, 4), name: "k", vis: "priv" }, { type: T.i1, name: "flip", vis: "priv" }], [F]);
    const [x, k, flip] = f.args;
    const [acc] = b.cf.for(0, 4, [x], (i, [a]) => {
      const t = b.f.add(b.cf.call("sq", [a], [F])[0], b.array.get(k, i));
      return b.cf.if(flip, [F], () => [b.f.neg(t)], () => [t]);
    });
    b.c.range(b.f.const(200n, F), 8);
    b.cf.return([acc]);
    const inputs = { x: "3", k: ["1", "2", "3", "4"], flip: true };
    const before = run(m, { inputs });
    expect(before.ok).toBe(true);
    expect(runPipeline(m, CIRCUIT_PIPELINE, { verifyEach: true })).toEqual([]);
    const names = new Set<string>();
    walkFunc(f, (op) => names.add(op.name));
    expect([...names].filter((n) => n.startsWith("cf.") && n !== "cf.return")).toEqual([]);
    const after = run(m, { inputs });
    expect(after.outputs).toEqual(before.outputs);
    let count = 0;
    walkFunc(f, (op) => {
      for (const r of op.results) {
        expect(after.witness.has(r)).toBe(true);
        count++;
      }
    });
    expect(count).toBeGreaterThan(10);
    // reference: ((((3²+1)·-1)² + 2)·-1 ...)
    let v = 3n;
    for (const kk of [1n, 2n, 3n, 4n]) v = Fr.neg(Fr.add(Fr.mul(v, v), kk));
    expect(after.outputs[0]).toBe(v);
  });
});

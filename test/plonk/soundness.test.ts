// Types are constraints in the PLONKish backend. Each attack is played by a prover who builds the
// witness by hand — the layout's own witness builder fed values the interpreter would never produce
// (a bool of −3, a divisor of 0 with a free quotient, a hint that returns 7 for a bool) — and must be
// refused twice: by the MockProver, which names the violated constraint and its .cwl span, and by the
// real KZG verifier on a proof made without the prover's own satisfiability check. The honest witness of
// each circuit proves and verifies under the same key, so a rejection is the constraint's doing.
// Inputs outside their type are refused before any witness exists (E0506, naming parameter and type).
import { describe, it, expect, beforeAll } from "vitest";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { compilePlonkish, lowerCircuit, witnessFor, type CompiledCircuit } from "../../backends/plonkish/index.ts";
import { parseText, type Op, type Value } from "../../compiler/ir/index.ts";
import { run, type RValue } from "../../compiler/interp/index.ts";
import { MockProver, keygen, prove, verify, insecureDevSrs, insecureSrsOf, loadPtau, minimumK, Circuit, emptyWitness, type InsecureDevSrs, type Witness } from "../../runtime/plonk/index.ts";
import { devPtau, TEST_PTAU_POWER } from "../../tooling/ptau/dev-ptau.ts";
import { readPublic } from "../../tooling/cli/plonkish.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { bn254 } from "@noble/curves/bn254.js";
import { poseidon } from "../../runtime/hash/poseidon.ts";
import { fr } from "../../runtime/poly/index.ts";

const R = fr.R;
let srs: InsecureDevSrs;
beforeAll(() => {
  srs = insecureDevSrs(1 << 9);
});

interface Built {
  c: CompiledCircuit;
  fileOf: (id: number) => ReturnType<ReturnType<typeof compileSource>["fm"]["get"]> | undefined;
}

function build(name: string, text: string): Built {
  const r = compileSource(join(REPO_ROOT, "test/plonk", name), text);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const p = compilePlonkish(r.ir!);
  expect(p.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return { c: p.compiled!, fileOf: (id) => r.fm.get(id) };
}

/** The circuit's first op with this name (after the pipeline). */
function opNamed(c: CompiledCircuit, name: string): Op {
  const op = c.func.body.entry.ops.find((o) => o.name === name);
  if (!op) throw new Error(`no ${name} in the compiled circuit`);
  return op;
}

/**
 * A hand-built witness: the interpreter's values for honest inputs, with some values replaced
 * (parameters by name, other SSA values directly); the values computed from replaced ones are
 * recomputed the way the layout's gates compute them (f.select as b + c·(a − b) for any c), so only
 * the constraints on the replaced values can notice. Cells the layout derives itself (inverses,
 * Poseidon rounds) follow from these values.
 */
function forge(c: CompiledCircuit, honest: Record<string, unknown>, replace: Map<string | Value, RValue>): Witness {
  const r = run(c.module, { entry: c.func.name, inputs: honest });
  expect(r.ok, r.diagnostics.map((d) => d.message).join("\n")).toBe(true);
  const vals = new Map<Value, RValue>();
  c.func.args.forEach((a, i) => vals.set(a, replace.get(a) ?? replace.get(c.func.paramAttrs[i].name as string) ?? r.params[i]));
  const changed = new Set<Value>(c.func.args.filter((a, i) => vals.get(a) !== r.params[i]));
  const num = (v: Value) => vals.get(v) as bigint;
  for (const op of c.func.body.entry.ops) {
    const res = op.results[0];
    if (!res) continue;
    const given = replace.get(res);
    let v: RValue | undefined = given;
    if (v === undefined && op.operands.some((o) => changed.has(o))) {
      const [x, y, z] = op.operands;
      const idx = () => Number(op.name === "tuple.get" ? op.bigAttr("index") : num(y));
      if (op.name === "array.get" || op.name === "tuple.get") v = (vals.get(x) as RValue[])[idx()];
      else if (op.name === "f.select") v = fr.add(num(z), fr.mul(num(x), fr.sub(num(y), num(z))));
      else if (op.name === "f.add") v = fr.add(num(x), num(y));
      else if (op.name === "f.sub") v = fr.sub(num(x), num(y));
      else if (op.name === "f.mul") v = fr.mul(num(x), num(y));
      else if (op.name === "i.to_f") v = num(x);
      else if (op.name === "cf.call" && /poseidon.*hash\d$/.test(op.symAttr("callee") ?? "")) v = poseidon(op.operands.map(num));
      else throw new Error(`forge: cannot recompute ${op.name}; give its value`);
    }
    if (v !== undefined) changed.add(res);
    vals.set(res, v ?? r.witness.get(res)!);
  }
  return c.program.witness((v) => vals.get(v) ?? r.witness.get(v));
}

function honestWitness(c: CompiledCircuit, inputs: Record<string, unknown>): Witness {
  const { witness, run: r } = witnessFor(c, inputs);
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return witness!;
}

/** The honest witness proves and verifies; the forged one, proven without the prover's checks, does not. */
async function realProver(c: CompiledCircuit, honest: Witness, forged: Witness): Promise<void> {
  const pk = await keygen(srs, c.program.circuit);
  expect(await verify(pk.vk, honest.instance, await prove(pk, honest))).toBe(true);
  const bad = await prove(pk, forged, { unchecked: true });
  expect(await verify(pk.vk, forged.instance, bad)).toBe(false);
}

const mockMessages = (b: Built, w: Witness) => MockProver.run(b.c.program.circuit, w, { fileOf: b.fileOf }).messages();

const PICK = `use std::field::Bn254Fr;
circuit Pick(pub a: Bn254Fr, pub b: Bn254Fr, pub out: Bn254Fr, priv choice: [bool; 1]) {
    let r = if choice[0] { a } else { b };
    assert_eq(r, out, "out must be a or b");
}
`;

describe("bool array parameters", () => {
  it("Pick with choice = −3 cannot prove out = 50 for a = 10, b = 20", async () => {
    const b = build("pick.cwl", PICK);
    const honestIn = { a: "10", b: "20", out: "10", choice: [true] };
    // r = b + c·(a − b) = 20 + (−3)·(−10) = 50.
    const forged = forge(b.c, honestIn, new Map<string | Value, RValue>([["choice", [R - 3n]], ["out", 50n]]));
    const msgs = mockMessages(b, forged);
    expect(msgs.length).toBe(1);
    expect(msgs[0]).toMatch(/pick\.cwl:3:\d+: .*boolean: choice\[0\] must be 0 or 1/);
    await realProver(b.c, honestWitness(b.c, honestIn), forged);
  });

  it("bools inside struct parameters and nested arrays are constrained too", () => {
    const b = build(
      "nested.cwl",
      `use std::field::Bn254Fr;
struct Flag { x: Bn254Fr, on: bool }
circuit Nested(pub out: Bn254Fr, priv f: Flag, priv m: [[bool; 2]; 2]) {
    let g = if f.on { f.x } else { 0 };
    let h = if m[1][0] { g } else { 1 };
    assert_eq(h, out, "out");
}
`,
    );
    const honestIn = { out: "7", f: { x: "7", on: true }, m: [[false, false], [true, false]] };
    expect(mockMessages(b, honestWitness(b.c, honestIn))).toEqual([]);
    const forged = forge(b.c, honestIn, new Map<string | Value, RValue>([["f", [7n, 2n]], ["m", [[0n, 0n], [R - 1n, 0n]]]]));
    const msgs = mockMessages(b, forged).join("\n");
    expect(msgs).toMatch(/boolean: f\[1\] must be 0 or 1/);
    expect(msgs).toMatch(/boolean: m\[1\]\[0\] must be 0 or 1/);
  });
});

describe("Merkle membership with priv is_right: [bool; N] and if/else over poseidon::hash2", () => {
  const DEPTH = 2;
  const MERKLE = `use std::field::Bn254Fr;
use std::hash::poseidon;
circuit Member(pub root: Bn254Fr, priv leaf: Bn254Fr, priv path: [Bn254Fr; ${DEPTH}], priv is_right: [bool; ${DEPTH}]) {
    let mut node = leaf;
    for i in 0..${DEPTH} {
        let s = path[i];
        node = if is_right[i] { poseidon::hash2(s, node) } else { poseidon::hash2(node, s) };
    }
    assert_eq(node, root, "leaf is not in the tree with this root");
}
`;
  const h2 = (a: bigint, b: bigint) => poseidon([a, b]);

  it("lowers without --passes (if with calls: one hash2 per level), and a non-boolean is_right cannot forge membership", async () => {
    const b = build("member.cwl", MERKLE);
    const path = [11n, 22n];
    const root = h2(path[1], h2(5n, path[0])); // leaf 5: left child, then right child
    const honestIn = { root: root.toString(), leaf: "5", path: path.map(String), is_right: [false, true] };
    const honest = honestWitness(b.c, honestIn);
    expect(mockMessages(b, honest)).toEqual([]);
    // Both arms call hash2 once, so the layout hashes selected arguments: level i hashes
    // (n + c·(s − n), s + c·(n − s)), whose sum is s + n whatever c is. A leaf that is not in the
    // tree reaches the root's preimage (L, R) = (path[1], h2(5, path[0])) at the last level with the
    // sibling s = L + R − n and c = (L − n) / (s − n): only booleanity stops it.
    const fake = 6n;
    const n1 = h2(fake, path[0]);
    const [L, Rt] = [path[1], h2(5n, path[0])];
    const s1 = fr.sub(fr.add(L, Rt), n1);
    const c = fr.mul(fr.sub(L, n1), fr.inv(fr.sub(s1, n1)));
    expect(c > 1n).toBe(true);
    expect(b.c.func.body.entry.ops.filter((o) => o.name === "cf.call").length).toBe(DEPTH);
    const forged = forge(
      b.c,
      honestIn,
      new Map<string | Value, RValue>([
        ["leaf", fake],
        ["path", [path[0], s1]],
        ["is_right", [0n, c]],
      ]),
    );
    const msgs = mockMessages(b, forged);
    expect(msgs.join("\n")).toMatch(/member\.cwl:7:\d+: .*boolean: is_right\[1\] must be 0 or 1/);
    // Nothing but the booleanity row fails: the forgery is otherwise a valid witness.
    expect(msgs.every((m) => m.includes("boolean: is_right[1]"))).toBe(true);
    await realProver(b.c, honest, forged);
  });
});

describe("division constrains a nonzero divisor", () => {
  const DIV = `use std::field::Bn254Fr;
use std::field;
circuit Div(pub out: Bn254Fr, priv x: Bn254Fr, priv y: Bn254Fr) {
    assert_eq(x / y, out, "out is x / y");
}
circuit UDiv(pub out: Bn254Fr, priv x: Bn254Fr, priv y: Bn254Fr) {
    assert_eq(field::unchecked_div(x, y), out, "out is x / y");
}
`;
  it("x = y = 0 proves no output with `/`", async () => {
    const r = compileSource(join(REPO_ROOT, "test/plonk/div.cwl"), DIV);
    const p = compilePlonkish(r.ir!, r.checked!.entries.find((e) => e.item.name.name === "Div")!.irName);
    const b: Built = { c: p.compiled!, fileOf: (id) => r.fm.get(id) };
    const honestIn = { out: "5", x: "10", y: "2" };
    // The interpreter refuses the 0 divisor itself.
    expect(witnessFor(b.c, { out: "7", x: "0", y: "0" }).run.diagnostics.map((d) => d.code)).toContain("E0504");
    const forged = forge(b.c, honestIn, new Map<string | Value, RValue>([["x", 0n], ["y", 0n], ["out", 7n], [opNamed(b.c, "f.div").results[0], 7n]]));
    const msgs = mockMessages(b, forged);
    expect(msgs.length).toBe(1);
    expect(msgs[0]).toMatch(/div\.cwl:4:15: .*f\.div: divisor is not 0/);
    await realProver(b.c, honestWitness(b.c, honestIn), forged);
  });

  it("std::field::unchecked_div is the one-row form: x = y = 0 leaves the quotient free", () => {
    const r = compileSource(join(REPO_ROOT, "test/plonk/div.cwl"), DIV);
    const entry = (n: string) => r.checked!.entries.find((e) => e.item.name.name === n)!.irName;
    const checked = compilePlonkish(r.ir!, entry("Div")).compiled!;
    const unchecked = compilePlonkish(r.ir!, entry("UDiv")).compiled!;
    expect(unchecked.program.circuit.rows).toBe(checked.program.circuit.rows - 1);
    const hint = opNamed(unchecked, "cf.call").results[0];
    const forged = forge(unchecked, { out: "5", x: "10", y: "2" }, new Map<string | Value, RValue>([["x", 0n], ["y", 0n], ["out", 7n], [hint, 7n]]));
    expect(MockProver.run(unchecked.program.circuit, forged).messages()).toEqual([]);
  });
});

describe("aggregates", () => {
  it("an array made by an op the layout does not build is refused, not wired as a free input", () => {
    const { module, diagnostics } = parseText(`field @bn254_fr = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001

circuit @c(%0: !f<bn254_fr> {name = "x", vis = "priv"}) {
  %1 = array.make %0, %0 : !array<!f<bn254_fr>, 2>
  %2 = cf.for %1 {hi = 1, lo = 0, step = 1} : !array<!f<bn254_fr>, 2> {
  ^bb0(%3: i32, %4: !array<!f<bn254_fr>, 2>):
    cf.yield %4
  }
  %5 = i.const {value = 0} : i32
  %6 = array.get %2, %5 : !f<bn254_fr>
  c.assert_eq %6, %0
  cf.return
}
`);
    expect(diagnostics).toEqual([]);
    const r = lowerCircuit(module, module.func("c")!);
    expect(r.program).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message)).toContain("the plonkish backend cannot lower 'cf.for': its array or struct result would not be constrained");
  });
});

describe("hint results", () => {
  it("a bool returned by a hint fn is constrained to 0 or 1", async () => {
    const b = build(
      "hint.cwl",
      `use std::field::Bn254Fr;
hint fn is_small(x: Bn254Fr) -> bool { x == 1 }
circuit H(pub a: Bn254Fr, pub b: Bn254Fr, pub out: Bn254Fr, priv x: Bn254Fr) {
    let r = if is_small(x) { a } else { b };
    assert_eq(r, out, "out must be a or b");
}
`,
    );
    const honestIn = { a: "10", b: "20", out: "10", x: "1" };
    const call = opNamed(b.c, "cf.call").results[0];
    const forged = forge(b.c, honestIn, new Map<string | Value, RValue>([[call, R - 3n], ["out", 50n]]));
    const msgs = mockMessages(b, forged);
    expect(msgs.length).toBe(1);
    expect(msgs[0]).toMatch(/hint\.cwl:4:16: .*boolean: result of hint @\S*is_small must be 0 or 1/);
    await realProver(b.c, honestWitness(b.c, honestIn), forged);
  });
});

describe("inputs outside their type are refused, never reduced", () => {
  const TYPES = `use std::field::Bn254Fr;
circuit T(pub f: Bn254Fr, priv u: u8, priv b: bool, priv s: i8) {
    assert_eq(f, f, "f");
}
`;
  const r = compileSource(join(REPO_ROOT, "test/plonk/types.cwl"), TYPES);
  const ok = { f: "1", u: 255, b: false, s: -128 };
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ f: R.toString() }, /^f = \d+ is not below the field modulus \d+ \(input 'f: Bn254Fr'\)$/],
    [{ f: "-1" }, /^f = -1 is negative \(input 'f: Bn254Fr'\)$/],
    [{ f: true }, /^f: expected an integer .* \(input 'f: Bn254Fr'\)$/],
    [{ u: 256 }, /^u = 256 is out of range: 0 ≤ v < 2\^8 \(input 'u: u8'\)$/],
    [{ u: -1 }, /^u = -1 is out of range: 0 ≤ v < 2\^8 \(input 'u: u8'\)$/],
    [{ u: true }, /^u: expected an integer, got true \(input 'u: u8'\)$/],
    [{ b: 1 }, /^b: expected true or false, got 1 \(input 'b: bool'\)$/],
    [{ b: "-3" }, /^b: expected true or false, got "-3" \(input 'b: bool'\)$/],
    [{ s: -129 }, /^s = -129 is out of range: -2\^7 ≤ v < 2\^8 \(input 's: i8'\)$/],
  ];  it("in range: accepted (negative only for a signed integer)", () => {
    expect(run(r.ir!, { inputs: ok }).diagnostics).toEqual([]);
  });
  it.each(cases)("%o", (patch, msg) => {
    const res = run(r.ir!, { inputs: { ...ok, ...patch } });
    expect(res.ok).toBe(false);
    expect(res.diagnostics.map((d) => d.code)).toEqual(["E0506"]);
    expect(res.diagnostics[0].message).toMatch(msg);
  });
});

describe("keys and domain size", () => {
  it("the minimum domain counts instance rows, and the MockProver checks at the k it is given", async () => {
    // 20 public values and one gate row: the public values decide the domain.
    const params = Array.from({ length: 20 }, (_, i) => `pub p${i}: Bn254Fr`).join(", ");
    const b = build("wide.cwl", `use std::field::Bn254Fr;\ncircuit W(${params}) {\n    assert_eq(p0 * p1, p2, "p2");\n}\n`);
    const circuit = b.c.program.circuit;
    expect(circuit.instanceRows).toBe(20);
    const k = minimumK(circuit);
    expect((1 << k) - 6).toBeGreaterThanOrEqual(20);
    const inputs = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, i === 2 ? "2" : i === 1 ? "2" : "1"]));
    const w = honestWitness(b.c, inputs);
    expect(MockProver.run(circuit, w, { k }).messages()).toEqual([]);
    expect(MockProver.run(circuit, w, { k: k - 1 }).messages().join("\n")).toMatch(/usable rows/);
    const pk = await keygen(srs, circuit);
    expect(await verify(pk.vk, w.instance, await prove(pk, w))).toBe(true);
  });

  it("keys from an SRS whose tau is known are recognised by their tau·G2", async () => {
    expect(insecureSrsOf(insecureDevSrs(2).tauG2)).toMatch(/INSECURE development SRS/);
    expect(insecureSrsOf(loadPtau(await devPtau(TEST_PTAU_POWER, { log: () => {} }), 2).tauG2)).toMatch(/development powers-of-tau/);
    // Any other tau: no warning.
    expect(insecureSrsOf(insecureDevSrs(2, 0xfeedbeefn).tauG2)).toBeUndefined();
    expect(insecureSrsOf(bn254.G2.Point.BASE.multiply(3n))).toBeUndefined();
  });

  it("a public inputs file holds canonical field elements only (r itself would verify as 0)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-public-"));
    const file = (vals: string[]) => {
      const p = join(dir, `${vals.join("_").slice(0, 20)}.json`);
      writeFileSync(p, JSON.stringify({ public: [vals] }));
      return p;
    };
    expect(readPublic(file(["0", (R - 1n).toString()]))).toEqual([[0n, R - 1n]]);
    expect(() => readPublic(file(["1", R.toString()]))).toThrow(/public value 1 of column 0 .* is not below the field modulus/);
  });

  it("a hand-made circuit records its instance rows with useInstance", () => {
    const c = new Circuit("inst");
    c.instanceColumn("x");
    c.useInstance(40);
    expect(minimumK(c)).toBe(6);
    expect(emptyWitness(c).instance.length).toBe(1);
  });
});

describe("array outputs", () => {
  it("a returned array takes one instance row per element, and each row is bound to its value", async () => {
    const b = build(
      "array_out.cwl",
      `use std::field::Bn254Fr;
circuit Arr(pub a: Bn254Fr, priv b: Bn254Fr) -> [Bn254Fr; 3] {
    [a * b, a + b, 7]
}
`,
    );
    expect(b.c.program.publicNames).toEqual(["a", "output0[0]", "output0[1]", "output0[2]"]);
    const honest = honestWitness(b.c, { a: "3", b: "5" });
    expect(honest.instance[0].slice(0, 4)).toEqual([3n, 15n, 8n, 7n]);
    expect(mockMessages(b, honest)).toEqual([]);
    for (const row of [1, 2, 3]) {
      const forged: Witness = { ...honest, instance: [honest.instance[0].slice()] };
      forged.instance[0][row] = (forged.instance[0][row] + 1n) % R;
      expect(mockMessages(b, forged).length).toBeGreaterThan(0);
    }
    const forged: Witness = { ...honest, instance: [honest.instance[0].slice()] };
    forged.instance[0][3] = 8n;
    await realProver(b.c, honest, forged);
  });
});

// Integer ops in PLONKish circuits (backends/plonkish/integer.ts): every i.* op agrees with a reference
// written here (and with the interpreter, which must accept the same output), every uN value entering a
// circuit is range-checked, and witnesses built by hand to break a gadget (wrong carry, non-boolean bit,
// out-of-range limb, wrong xor, wrong borrow) are rejected by the MockProver and the real verifier.
import { describe, it, expect, beforeAll } from "vitest";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FileManager, REPO_ROOT } from "../../base/files/index.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { compilePlonkish, witnessFor, type CompiledCircuit } from "../../backends/plonkish/index.ts";
import { MockProver, keygen, prove, verify, loadPtau, minimumK, stats, type Circuit, type Witness, type Cell } from "../../runtime/plonk/index.ts";
import { devPtau, TEST_PTAU_POWER } from "../../tooling/ptau/dev-ptau.ts";
import { Builder, Module, T } from "../../compiler/ir/index.ts";

let fm: FileManager | undefined;
const fileOf = (id: number) => fm?.get(id);

function compile(src: string, path = "ints.cwl"): CompiledCircuit {
  const fe = compileSource(path, src);
  fm = fe.fm;
  if (!fe.ir) throw new Error(fe.diagnostics.map((d) => d.message).join("; "));
  const c = compilePlonkish(fe.ir);
  if (!c.compiled) throw new Error(c.diagnostics.map((d) => d.message).join("; "));
  return c.compiled;
}

function honest(c: CompiledCircuit, inputs: Record<string, unknown>): Witness {
  const { witness, run } = witnessFor(c, inputs);
  expect(run.diagnostics.map((d) => d.message)).toEqual([]);
  return witness!;
}

const mock = (c: CompiledCircuit, w: Witness) => MockProver.run(c.program.circuit, w, { fileOf }).messages();

// ---- hand-built witnesses: set a wire (every cell copy-constrained to one cell) to a value, and an
// integer word's limbs to match it as far as 4-bit lanes can (the top lane takes the excess).

function colIndex(circuit: Circuit, name: string): number {
  const info = circuit.columns.find((i) => i.name === name);
  if (!info) throw new Error(`no column ${name}`);
  return info.column.index;
}

function wireCells(circuit: Circuit, start: Cell): Cell[] {
  const key = (c: Cell) => `${c.column.kind}:${c.column.index}:${c.row}`;
  const adj = new Map<string, Cell[]>();
  for (const cp of circuit.copies) {
    for (const [a, b] of [[cp.a, cp.b], [cp.b, cp.a]]) {
      if (!adj.has(key(a))) adj.set(key(a), []);
      adj.get(key(a))!.push(b);
    }
  }
  const seen = new Map<string, Cell>([[key(start), start]]);
  const todo = [start];
  while (todo.length) for (const n of adj.get(key(todo.pop()!)) ?? []) if (!seen.has(key(n))) (seen.set(key(n), n), todo.push(n));
  return [...seen.values()];
}

function setWire(circuit: Circuit, w: Witness, start: Cell, v: bigint): void {
  const words: Record<string, string> = { int_X: "int_x", int_Y: "int_y", int_Z: "int_z" };
  for (const cell of wireCells(circuit, start)) {
    (cell.column.kind === "instance" ? w.instance : w.advice)[cell.column.index][cell.row] = v;
    const lanes = words[circuit.columnName(cell.column)];
    if (!lanes) continue;
    for (let i = 0; i < 8; i++) w.advice[colIndex(circuit, `${lanes}${i}`)][cell.row] = i < 7 ? (v >> BigInt(4 * i)) & 15n : v >> 28n;
  }
}

/** Cell `col` (a, b or c) of the nth arithmetic row annotated with `name` (the op that made it). */
function mainCell(circuit: Circuit, col: "a" | "b" | "c", name: RegExp, nth = 0): Cell {
  const row = [...circuit.rowMeta.entries()].filter(([, m]) => name.test(m.name ?? ""))[nth]?.[0];
  if (row === undefined) throw new Error(`no row ${nth} named ${name}`);
  return { column: circuit.columns.find((i) => i.name === col)!.column, row };
}

/** The int-region cell (word column, row) of the first row annotated with `name`. */
function intCell(circuit: Circuit, word: "int_X" | "int_Y" | "int_Z", name: RegExp): Cell {
  const rows = circuit.regionMeta.get("int");
  const row = [...(rows ?? new Map()).entries()].find(([, m]) => name.test(m.name ?? ""))?.[0];
  if (row === undefined) throw new Error(`no int row named ${name}`);
  return { column: circuit.columns.find((i) => i.name === word)!.column, row };
}

const clone = (w: Witness): Witness => ({ advice: w.advice.map((c) => c.slice()), instance: w.instance.map((c) => c.slice()) });

let ptau = "";
beforeAll(async () => {
  ptau = await devPtau(TEST_PTAU_POWER);
}, 600_000);

/** The real prover, forced past its own checks, and the verifier: must reject. */
async function forgedProofRejected(c: CompiledCircuit, w: Witness, ptauFile = ptau): Promise<boolean> {
  const pk = await keygen(loadPtau(ptauFile, 1 << minimumK(c.program.circuit)), c.program.circuit);
  const proof = await prove(pk, w, { unchecked: true });
  return !(await verify(pk.vk, w.instance, proof));
}

describe("range checks on values entering a circuit", () => {
  const SRC = `circuit Byte(pub out: Field, priv x: u8) {\n    assert_eq(x as Field, out, "out is a byte");\n}\n`;

  it("a private u8 is range-checked: out = 1000 cannot be proven (MockProver names the lookup and span; the verifier rejects)", async () => {
    const c = compile(SRC, "byte.cwl");
    const circuit = c.program.circuit;
    expect(stats(circuit).regions?.int).toBe(1);
    const w = honest(c, { out: "200", x: "200" });
    expect(mock(c, w)).toEqual([]);
    // The attacker's witness: x = out = 1000 everywhere x is copied, its limbs recomposing to 1000.
    const bad = clone(w);
    setWire(circuit, bad, { column: circuit.columns.find((i) => i.name === "public")!.column, row: 0 }, 1000n);
    const msgs = mock(c, bad);
    expect(msgs.length).toBeGreaterThan(0);
    // Limb 2 (bits 8..11) of a byte must be 0: 1000 = 0x3e8 puts 3 there.
    expect(msgs).toEqual([expect.stringMatching(/^byte\.cwl:2:\d+: lookup "int-limb2" at row 0: input \(0, 3, 0, 0\) is not in the table/)]);
    expect(await forgedProofRejected(c, bad)).toBe(true);
  }, 120_000);

  it("public and private integer parameters, array elements and hint results are all checked", () => {
    const c = compile(
      `hint fn h(x: u16) -> u16 { x }\ncircuit P(pub a: u16, priv b: [u32; 2], priv x: u64) {\n    let y = h(a);\n    assert_eq((y as Field) + (b[0] as Field) + (b[1] as Field) + (x as Field), 10, "sum");\n}\n`,
      "params.cwl",
    );
    const names = [...c.program.circuit.regionMeta.get("int")!.values()].map((m) => m.name);
    // The two elements of b share one row (one span); its name lists both.
    expect(names).toContain("b[0]: range check u32 · b[1]: range check u32");
    for (const what of ["a: range check u16", "x: range check u64"]) expect(names.some((n) => n?.includes(what))).toBe(true);
    expect(names.filter((n) => n?.includes("range check u16")).length).toBe(2);
    const w = honest(c, { a: "1", b: ["2", "3"], x: "4" });
    expect(mock(c, w)).toEqual([]);
  });
});

// ---- every op against a reference --------------------------------------------------------------

const mask = (w: number) => (1n << BigInt(w)) - 1n;
const signed = (x: bigint, w: number) => (x >> BigInt(w - 1) ? x - (1n << BigInt(w)) : x);

type Ref = (a: bigint, b: bigint, w: number, s: boolean) => bigint | undefined;
const BIN: Record<string, Ref> = {
  "+": (a, b, w) => (a + b) & mask(w),
  "-": (a, b, w) => (a - b) & mask(w),
  "*": (a, b, w) => (a * b) & mask(w),
  "&": (a, b) => a & b,
  "|": (a, b) => a | b,
  "^": (a, b) => a ^ b,
  "<<": (a, b, w) => (a << (b % BigInt(w))) & mask(w),
  ">>": (a, b, w, s) => (s ? signed(a, w) >> (b % BigInt(w)) : a >> (b % BigInt(w))) & mask(w),
};
const CMP: Record<string, (a: bigint, b: bigint) => boolean> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

function edgeInputs(w: number, seed: number): Array<[bigint, bigint]> {
  const m = mask(w);
  const half = 1n << BigInt(w - 1);
  let x = BigInt(seed) * 0x9e3779b97f4a7c15n;
  const rnd = () => (x = (x * 6364136223846793005n + 1442695040888963407n) & mask(64)) & m;
  return [[0n, 0n], [m, m], [m, 1n], [half, half - 1n], [1n, m], [rnd(), rnd()], [rnd(), (rnd() % BigInt(w)) + 1n]];
}

// u64 and u128 take the chunked paths (words wider than one 32-bit row).
const TYPES = [["u8", 8, false], ["u32", 32, false], ["u64", 64, false], ["u128", 128, false], ["i8", 8, true], ["i32", 32, true]] as const;

describe.each(TYPES)("%s ops agree with the reference", (ty, W, isSigned) => {
  const show = (v: bigint) => (isSigned ? signed(v, W) : v).toString();
  for (const [op, ref] of Object.entries(BIN)) {
    // A u128 product (and a shift by a variable amount, which multiplies by 2^b) may exceed the
    // field: the backend refuses them (E0640), tested below.
    if (W === 128 && (op === "*" || op === "<<" || op === ">>")) continue;
    it(`a ${op} b`, () => {
      const c = compile(`circuit T(pub out: ${ty}, priv a: ${ty}, priv b: ${ty}) { assert_eq(a ${op} b, out, "r"); }`);
      for (const [a, b] of edgeInputs(W, op.charCodeAt(0))) {
        const want = ref(a, b, W, isSigned);
        if (want === undefined) continue;
        const w = honest(c, { out: show(want), a: show(a), b: show(b) });
        expect(mock(c, w), `${a} ${op} ${b}`).toEqual([]);
        // The wrong output with the same private witness: rejected.
        const bad = clone(w);
        bad.instance[0][0] = (want + 1n) & mask(W);
        expect(mock(c, bad).length, `${a} ${op} ${b} ≠ ${want + 1n}`).toBeGreaterThan(0);
      }
    });
  }
  it("comparisons", () => {
    for (const [op, ref] of Object.entries(CMP)) {
      const c = compile(`circuit T(pub out: bool, priv a: ${ty}, priv b: ${ty}) { assert_eq(a ${op} b, out, "r"); }`);
      for (const [a, b] of [...edgeInputs(W, 7), [5n, 5n] as [bigint, bigint]]) {
        const [p, q] = isSigned ? [signed(a, W), signed(b, W)] : [a, b];
        const want = ref(p, q);
        const w = honest(c, { out: want, a: show(a), b: show(b) });
        expect(mock(c, w), `${a} ${op} ${b}`).toEqual([]);
        const bad = clone(w);
        bad.instance[0][0] = want ? 0n : 1n;
        expect(mock(c, bad).length, `${a} ${op} ${b} claimed ${!want}`).toBeGreaterThan(0);
      }
    }
  });
  it("not, casts, to_bits and from_bits", () => {
    const wide = isSigned ? "i64" : W >= 64 ? ty : "u64";
    const narrow = isSigned ? "i8" : "u8";
    // Field casts of unsigned values only (a signed value's field image is its own question).
    const fieldCasts = isSigned ? "" : `assert_eq(a as Field, f, "to field");\n    assert_eq(g as ${ty}, a, "from field");`;
    const c = compile(
      `circuit T(pub n: ${ty}, pub up: ${wide}, pub down: ${narrow}, pub f: Field, pub back: ${ty}, priv a: ${ty}, priv g: Field) {
    assert_eq(~a, n, "not");
    assert_eq(a as ${wide}, up, "widen");
    assert_eq(a as ${narrow}, down, "narrow");
    ${fieldCasts}
    let bits = a.to_bits(${W});
    let r = ${ty}::from_bits(bits);
    assert_eq(r, back, "bits round trip");
}`,
    );
    for (const [a] of edgeInputs(W, 3)) {
      const up = isSigned ? signed(a, W) & mask(64) : a;
      const inputs = { n: show(~a & mask(W)), up: (isSigned ? signed(up, 64) : up).toString(), down: (isSigned ? signed(a & 255n, 8) : a & 255n).toString(), f: a.toString(), back: show(a), a: show(a), g: a.toString() };
      const w = honest(c, inputs);
      expect(mock(c, w), `a = ${a}`).toEqual([]);
    }
  });
});

// Ops the surface language does not reach in circuits (integer `/` and `%` are refused there; no operator
// rotates): built as CWIR directly.
describe.each([8, 32])("CWIR i.divu, i.remu, i.divs, i.rems, i.rotl, i.rotr on i%i", (W) => {
  const REF: Record<string, Ref> = {
    "i.divu": (a, b) => (b === 0n ? undefined : a / b),
    "i.remu": (a, b) => (b === 0n ? undefined : a % b),
    "i.divs": (a, b) => (b === 0n ? undefined : (signed(a, W) / signed(b, W)) & mask(W)),
    "i.rems": (a, b) => (b === 0n ? undefined : (signed(a, W) % signed(b, W)) & mask(W)),
    "i.rotl": (a, b) => ((a << (b % BigInt(W))) | (a >> ((BigInt(W) - (b % BigInt(W))) % BigInt(W)))) & mask(W),
    "i.rotr": (a, b) => ((a >> (b % BigInt(W))) | (a << ((BigInt(W) - (b % BigInt(W))) % BigInt(W)))) & mask(W),
  };
  for (const [name, ref] of Object.entries(REF))
    for (const amount of name.startsWith("i.rot") ? [undefined, 3n, 0n] : [undefined, 7n, mask(W)])
      it(`${name} by ${amount === undefined ? "a variable" : `the constant ${amount}`}`, () => {
        const m = new Module();
        const b = new Builder(m);
        const I = T.int(W);
        const f = b.func("circuit", "Op", [{ type: I, vis: "pub", name: "out" }, { type: I, vis: "priv", name: "a" }, { type: I, vis: "priv", name: "b" }]);
        const [out, a, bv] = f.args;
        const rhs = amount === undefined ? bv : b.i.const(amount, I);
        b.c.assertEq(b.op(name, [a, rhs], [I]).results[0], out, "r");
        b.cf.return([]);
        const comp = compilePlonkish(m);
        expect(comp.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const c = comp.compiled!;
        const inputs = [...edgeInputs(W, name.length), [1n << BigInt(W - 1), mask(W)], [mask(W) - 6n, 3n]] as Array<[bigint, bigint]>;
        for (const [x, y0] of inputs) {
          const y = amount ?? y0;
          const want = ref(x, y, W, false);
          if (want === undefined) continue;
          const w = honest(c, { out: want.toString(), a: x.toString(), b: y.toString() });
          expect(MockProver.run(c.program.circuit, w).messages(), `${name}(${x}, ${y})`).toEqual([]);
          const bad = clone(w);
          bad.instance[0][0] = (want + 1n) & mask(W);
          expect(MockProver.run(c.program.circuit, bad).messages().length).toBeGreaterThan(0);
        }
      });

  it("i.divu: a quotient one too small (remainder ≥ divisor) is rejected", () => {
    const m = new Module();
    const b = new Builder(m);
    const I = T.int(W);
    const f = b.func("circuit", "Div", [{ type: I, vis: "pub", name: "q" }, { type: I, vis: "priv", name: "a" }, { type: I, vis: "priv", name: "d" }]);
    const [q, a, d] = f.args;
    b.c.assertEq(b.i.divu(a, d), q, "q");
    b.cf.return([]);
    const c = compilePlonkish(m).compiled!;
    const circuit = c.program.circuit;
    const w = honest(c, { q: "3", a: "20", d: "6" });
    const bad = clone(w);
    // 20 = 3·6 + 2 honestly; the attacker claims 2·6 + 8 (8 ≥ 6): q·d + r = a still holds.
    setWire(circuit, bad, { column: circuit.columns.find((i) => i.name === "public")!.column, row: 0 }, 2n);
    setWire(circuit, bad, mainCell(circuit, "b", /^i\.divu/, 0), 8n);
    const t = mainCell(circuit, "c", /^i\.divu/, 1);
    setWire(circuit, bad, t, 12n);
    // d − r − 1 = d' must be range-checked: 6 − 8 − 1 = −3.
    setWire(circuit, bad, mainCell(circuit, "c", /^i\.divu/, 0), 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n - 3n);
    expect(MockProver.run(circuit, bad).messages().some((msg) => msg.includes("int-limb"))).toBe(true);
  });
});

it("a u128 product or variable shift is refused: it may not fit the field", () => {
  expect(() => compile(`circuit T(pub out: u128, priv a: u128, priv b: u128) { assert_eq(a * b, out, "r"); }`)).toThrow(/i\.mul.*the product may exceed the field/);
  expect(() => compile(`circuit T(pub out: u128, priv a: u128, priv b: u128) { assert_eq(a << b, out, "r"); }`)).toThrow(/i\.shl.*a variable shift of i128/);
});

it("SHA-256's Ch and Maj (laid out as sums of bit-disjoint terms) agree with the reference", () => {
  const c = compile(`circuit M(pub ch: u32, pub maj: u32, priv a: u32, priv b: u32, priv c: u32) {
    assert_eq((a & b) ^ (~a & c), ch, "ch");
    assert_eq((a & b) ^ (a & c) ^ (b & c), maj, "maj");
}`);
  const rows = stats(c.program.circuit).regions?.int;
  for (const [a, b, d] of [[0x12345678n, 0x9abcdef0n, 0x0f0f0f0fn], [mask(32), 0n, mask(32)], [0n, 0n, 0n], [0xdeadbeefn, 0xcafebaben, 0x8badf00dn]]) {
    const ch = (a & b) ^ (~a & mask(32) & d);
    const maj = (a & b) ^ (a & d) ^ (b & d);
    const w = honest(c, { ch: ch.toString(), maj: maj.toString(), a: a.toString(), b: b.toString(), c: d.toString() });
    expect(mock(c, w)).toEqual([]);
    const bad = clone(w);
    bad.instance[0][1] = maj ^ 1n;
    expect(mock(c, bad).length).toBeGreaterThan(0);
  }
  // Range checks of the five parameters (4 rows: a and b are first used by one expression, so their
  // checks share a row), Ch's a & b (shared with Maj) and ~a & c, Maj's a ^ b and c & (a ^ b); as five
  // bitwise ops Maj would take 2 more.
  expect(rows).toBe(4 + 2 + 2);
});

it("pending reductions: additions mod 2^32 done in u64 agree with the reference wherever their values are used", () => {
  // add() is std's sha256 add; s is used both reduced and through its carry (so it must be exact), x
  // is pending and then compared, xored, truncated to a byte, masked wider and published.
  const c = compile(`fn add(a: u32, b: u32) -> u32 { (((a as u64) + (b as u64)) & 0xffffffff) as u32 }
circuit P(pub sum: u32, pub carry: u64, pub lt: bool, pub x8: u8, pub mixed: u32, pub wide: u64, priv a: u32, priv b: u32, priv c: u32) {
    let x = add(add(a, b), add(c, 0x9e3779b9));
    let s = (x as u64) + (c as u64);
    assert_eq((s & 0xffffffff) as u32, sum, "sum");
    assert_eq(s >> 32, carry, "carry");
    assert_eq(x < a, lt, "lt");
    assert_eq(x as u8, x8, "byte");
    assert_eq(add(x, a) ^ b, mixed, "mixed");
    assert_eq((x as u64) & 0xffffffffff, wide, "wide");
}`);
  const M = mask(32);
  for (const [a, b, d] of [[M, M, M], [0n, 0n, 0n], [0x80000000n, 0x80000000n, 1n], [0x12345678n, 0xfedcba98n, 0x0badf00dn]]) {
    const x = (((a + b) & M) + ((d + 0x9e3779b9n) & M)) & M;
    const s = x + d;
    const inputs = { sum: (s & M).toString(), carry: (s >> 32n).toString(), lt: x < a, x8: (x & 255n).toString(), mixed: (((x + a) & M) ^ b).toString(), wide: x.toString(), a: a.toString(), b: b.toString(), c: d.toString() };
    const w = honest(c, inputs);
    expect(mock(c, w), JSON.stringify(inputs)).toEqual([]);
    const bad = clone(w);
    bad.instance[0][0] = (s + 1n) & M;
    expect(mock(c, bad).length).toBeGreaterThan(0);
  }
});

describe("shifts by a variable amount", () => {
  it("std::hash::sha256::rotr on constant and variable amounts", () => {
    const c = compile(`use std::hash::sha256;\ncircuit R(pub out: u32, pub out2: u32, priv x: u32, priv n: u32) {\n    assert_eq(sha256::rotr(x, 7), out, "c");\n    assert_eq(sha256::rotr(x, n), out2, "v");\n}\n`);
    const rotr = (x: bigint, n: bigint) => ((x >> n) | (x << (32n - n))) & mask(32);
    for (const [x, n] of [[0x12345678n, 5n], [mask(32), 31n], [1n, 1n], [0x80000000n, 13n]]) {
      const w = honest(c, { out: rotr(x, 7n).toString(), out2: rotr(x, n).toString(), x: x.toString(), n: n.toString() });
      expect(mock(c, w)).toEqual([]);
    }
  });
});

// ---- attacks on the gadgets ----------------------------------------------------------------------

describe("hand-built witnesses are rejected", () => {
  it("wrong carry: a + b claimed as 2^32 + 1 (no wrap) with carry 0", async () => {
    const c = compile(`circuit A(pub out: Field, priv a: u32, priv b: u32) {\n    let s = a + b;\n    assert_eq(s as Field, out, "out");\n}\n`, "carry.cwl");
    const circuit = c.program.circuit;
    const w = honest(c, { out: "1", a: String(mask(32)), b: "2" });
    expect(mock(c, w)).toEqual([]);
    const bad = clone(w);
    // Sum cell r (X word of the add's range row) becomes 2^32 + 1, its carry (Y word) 0: the linear
    // relation a + b = r + 2^32·carry still holds; only r's range check can object.
    // s = a + b (an arithmetic row), then the integer row s = X + 2^32·Y with X = r, Y = carry.
    setWire(circuit, bad, intCell(circuit, "int_X", /^i\.add/), mask(32) + 2n);
    setWire(circuit, bad, intCell(circuit, "int_Y", /^i\.add/), 0n);
    const msgs = mock(c, bad);
    expect(msgs.length).toBeGreaterThan(0);
    expect(msgs.every((m) => m.includes('lookup "int-limb7"') && m.startsWith("carry.cwl:2:"))).toBe(true);
    expect(await forgedProofRejected(c, bad)).toBe(true);
  }, 120_000);

  it("non-boolean bit: bit 0 of x claimed as 3 (x = bit + 2·rest still holds)", async () => {
    const c = compile(`circuit B(pub b0: Field, priv x: u8) {\n    let bits = x.to_bits(8);\n    assert_eq(bits[0] as Field, b0, "bit");\n}\n`, "bits.cwl");
    const circuit = c.program.circuit;
    const w = honest(c, { b0: "1", x: "5" });
    expect(mock(c, w)).toEqual([]);
    const bad = clone(w);
    // x = 5 = 1 + 2·2 honestly; the attacker says 3 + 2·1.
    setWire(circuit, bad, { column: circuit.columns.find((i) => i.name === "public")!.column, row: 0 }, 3n);
    // The split row: V = x = X + 2·Y with X = lo (1 bit), Y = hi (7 bits).
    setWire(circuit, bad, intCell(circuit, "int_Y", /^i\.trunc/), 1n);
    const msgs = mock(c, bad);
    expect(msgs.length).toBeGreaterThan(0);
    expect(msgs).toEqual([expect.stringMatching(/^bits\.cwl:2:\d+: lookup "int-limb0" at row 1: input \(9, 3, 1, 0\) is not in the table/)]);
    expect(await forgedProofRejected(c, bad)).toBe(true);
  }, 120_000);

  it("wrong xor result: every limb recomposes, one limb's xor is wrong", async () => {
    const c = compile(`circuit X(pub out: u32, priv a: u32, priv b: u32) {\n    assert_eq(a ^ b, out, "xor");\n}\n`, "xor.cwl");
    const circuit = c.program.circuit;
    const w = honest(c, { out: String(0x12345678 ^ 0x0f0f0f0f), a: String(0x12345678), b: String(0x0f0f0f0f) });
    expect(mock(c, w)).toEqual([]);
    const bad = clone(w);
    setWire(circuit, bad, intCell(circuit, "int_Z", /^i\.xor/), BigInt(0x12345678 ^ 0x0f0f0f0f) ^ 0x100n);
    const msgs = mock(c, bad);
    expect(msgs.length).toBeGreaterThan(0);
    expect(msgs.every((m) => m.includes('lookup "int-limb2"'))).toBe(true);
    expect(await forgedProofRejected(c, bad)).toBe(true);
  }, 120_000);

  it("wrong comparison: 7 < 5 claimed true (the borrow makes the difference negative)", () => {
    const c = compile(`circuit L(pub lt: bool, priv a: u32, priv b: u32) {\n    assert_eq(a < b, lt, "lt");\n}\n`, "lt.cwl");
    const circuit = c.program.circuit;
    const w = honest(c, { lt: false, a: "7", b: "5" });
    const bad = clone(w);
    // b − a − 1 + 2^32·(1 − lt) = d: with lt = 1, d = −3 (a field element far above 2^32).
    setWire(circuit, bad, { column: circuit.columns.find((i) => i.name === "public")!.column, row: 0 }, 1n);
    // t = b − a (an arithmetic row), then the integer row t + 2^32 − 1 − 2^32·lt − d = 0 (X = d, Y = lt).
    setWire(circuit, bad, intCell(circuit, "int_X", /^i\.cmp/), 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n - 3n);
    expect(mock(c, bad)).toEqual([expect.stringMatching(/^lt\.cwl:2:\d+: lookup "int-limb7" at row \d+: input \(\d+, \d+, \d+, 0\) is not in the table/)]);
  });

  it("wrong high part of a product: the modular reduction is unique", () => {
    const c = compile(`circuit M(pub out: u32, priv a: u32, priv b: u32) {\n    assert_eq(a * b, out, "mul");\n}\n`, "mul.cwl");
    const circuit = c.program.circuit;
    const w = honest(c, { out: String((0xfffffffbn * 0x10001n) & mask(32)), a: String(0xfffffffbn), b: String(0x10001n) });
    expect(mock(c, w)).toEqual([]);
    const bad = clone(w);
    // Shift 2^32 between the low and high parts: lo + 2^32 (too wide), hi − 1.
    // t = a·b (an arithmetic row), then the integer row t = lo + 2^32·hi (X = lo, Y = hi).
    const lo = intCell(circuit, "int_X", /^i\.mul/);
    const hi = intCell(circuit, "int_Y", /^i\.mul/);
    setWire(circuit, bad, lo, w.advice[lo.column.index][lo.row] + (1n << 32n));
    setWire(circuit, bad, hi, w.advice[hi.column.index][hi.row] - 1n);
    expect(mock(c, bad).some((m) => m.includes('lookup "int-limb7"'))).toBe(true);
  });
});

// ---- SHA-256 --------------------------------------------------------------------------------------

describe("examples/sha256_preimage.cwl", () => {
  it("proves and verifies with the real KZG prover; the digest equals node:crypto's", async () => {
    const src = readFileSync(join(REPO_ROOT, "examples", "sha256_preimage.cwl"), "utf8");
    const inputs = JSON.parse(readFileSync(join(REPO_ROOT, "examples", "sha256_preimage.json"), "utf8"));
    const digest = createHash("sha256").update(Buffer.from(inputs.preimage)).digest();
    expect(inputs.digest).toEqual(Array.from({ length: 8 }, (_, i) => digest.readUInt32BE(4 * i)));
    const c = compile(src, "examples/sha256_preimage.cwl");
    const w = honest(c, inputs);
    expect(mock(c, w)).toEqual([]);
    expect(c.program.publicNames.slice(0, 2)).toEqual(["digest[0]", "digest[1]"]);
    const k = minimumK(c.program.circuit);
    const pk = await keygen(loadPtau(await devPtau(k), 1 << k), c.program.circuit);
    const proof = await prove(pk, w);
    expect(await verify(pk.vk, w.instance, proof)).toBe(true);
    const wrong = w.instance.map((col) => col.map((v, i) => (i === 0 ? v ^ 1n : v)));
    expect(await verify(pk.vk, wrong, proof)).toBe(false);
  }, 600_000);
});

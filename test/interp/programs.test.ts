// Programs: integer semantics cross-checked against JS/BigInt, SHA-256 against node:crypto (before
// and after the optimising passes), step limit, buffers.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Builder, Module, T, type Value, verifyModule, parseText, printModule } from "../../compiler/ir/index.ts";
import { runPipeline } from "../../compiler/passes/index.ts";
import { run } from "../../compiler/interp/index.ts";
import { pad, sha256Module } from "./sha256-program.ts";

function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s;
  };
}

describe("sha256 program", () => {
  const m = sha256Module();
  const digest = (mod: Module, msg: Uint8Array) => {
    const r = run(mod, { inputs: { blocks: pad(msg), out: new Array(32).fill(0) } });
    expect(r.diagnostics).toEqual([]);
    return Buffer.from((r.buffers[1] as bigint[]).map(Number)).toString("hex");
  };
  const rnd = seeded(42);
  const lengths = [0, 1, 3, 55, 56, 63, 64, 65, 119, 128, 200];
  const msgs = lengths.map((n) => Uint8Array.from({ length: n }, () => rnd() & 0xff));

  it("verifies and round-trips through text", () => {
    expect(verifyModule(m)).toEqual([]);
    const text = printModule(m);
    expect(printModule(parseText(text).module)).toBe(text);
  });

  it("equals node:crypto on 0..200-byte messages", () => {
    for (const msg of msgs) expect(digest(m, msg), `length ${msg.length}`).toBe(createHash("sha256").update(msg).digest("hex"));
  });

  it("still equals node:crypto after const-fold, cse, dce (and does fewer steps)", () => {
    const opt = parseText(printModule(m)).module;
    expect(runPipeline(opt, "const-fold,cse,dce", { verifyEach: true })).toEqual([]);
    for (const msg of msgs.slice(0, 6)) expect(digest(opt, msg)).toBe(createHash("sha256").update(msg).digest("hex"));
    const inputs = { blocks: pad(msgs[3]), out: new Array(32).fill(0) };
    expect(run(opt, { inputs }).steps).toBeLessThan(run(m, { inputs }).steps);
  });
});

describe("integer semantics vs JS", () => {
  const preds = ["eq", "ne", "ult", "ule", "ugt", "uge", "slt", "sle", "sgt", "sge"] as const;
  for (const width of [8, 32, 64]) {
    it(`i${width} ops agree with BigInt.asUintN/asIntN on random values`, () => {
      const m = new Module();
      const b = new Builder(m);
      const I = T.int(width);
      const f = b.func("program", "ops", [{ type: I, name: "a" }, { type: I, name: "b" }], []);
      const [a, c] = f.args;
      const outs: Value[] = [
        b.i.add(a, c), b.i.sub(a, c), b.i.mul(a, c), b.i.and(a, c), b.i.or(a, c), b.i.xor(a, c), b.i.not(a),
        b.i.shl(a, c), b.i.shru(a, c), b.i.shrs(a, c), b.i.rotl(a, c), b.i.rotr(a, c),
        b.i.divu(a, c), b.i.remu(a, c), b.i.divs(a, c), b.i.rems(a, c),
        ...preds.map((p) => b.i.zext(b.i.cmp(p, a, c), I)),
        b.i.trunc(b.i.sext(b.i.trunc(a, T.i1), T.int(width)), T.i1),
      ];
      f.results.push(...outs.map((v) => v.type));
      b.cf.return(outs);
      expect(verifyModule(m)).toEqual([]);
      const W = BigInt(width);
      const u = (x: bigint) => BigInt.asUintN(width, x);
      const s = (x: bigint) => BigInt.asIntN(width, x);
      const rnd = seeded(width);
      const rand = () => {
        let x = 0n;
        for (let i = 0; i < 3; i++) x = (x << 32n) | BigInt(rnd());
        const r = rnd() % 4;
        return u(r === 0 ? x % 5n : r === 1 ? -(x % 5n) : x);
      };
      for (let k = 0; k < 150; k++) {
        const x = rand();
        const y = rand() || 1n;
        const r = run(m, { inputs: { a: x.toString(), b: y.toString() } });
        expect(r.diagnostics).toEqual([]);
        const sh = y % W;
        const rot = (v: bigint, n: bigint) => u((v << n) | (v >> ((W - n) % W)));
        const cmp = { eq: x === y, ne: x !== y, ult: x < y, ule: x <= y, ugt: x > y, uge: x >= y, slt: s(x) < s(y), sle: s(x) <= s(y), sgt: s(x) > s(y), sge: s(x) >= s(y) };
        const want = [
          u(x + y), u(x - y), u(x * y), x & y, x | y, x ^ y, u(~x),
          u(x << sh), x >> sh, u(s(x) >> sh), rot(x, sh), rot(x, (W - sh) % W),
          x / y, x % y, u(s(x) / s(y)), u(s(x) % s(y)),
          ...preds.map((p) => (cmp[p] ? 1n : 0n)),
          x & 1n,
        ];
        const got = r.outputs.map((v) => v as bigint);
        expect(got, `a=${x} b=${y}`).toEqual(want);
      }
    });
  }
});

describe("limits and failures", () => {
  const loop = `program @spin(%0: i32 {name = "n"}) {
  %1 = i.const {value = 1} : i32
  %2 = cf.while %0 : i32 {
  ^bb0(%3: i32):
    %4 = i.cmp %3, %3 {pred = "eq"} : i1
    cf.condition %4, %3
  } {
  ^bb1(%5: i32):
    %6 = i.add %5, %1 : i32
    cf.yield %6
  } loc("spin.cwl":2:3)
  cf.return
}
`;
  it("a runaway loop hits the step limit with a diagnostic", () => {
    const { module } = parseText(loop);
    const r = run(module, { inputs: { n: 0 }, maxSteps: 10_000 });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].code).toBe("E0505");
    expect(r.diagnostics[0].message).toMatch(/step limit of 10000/);
    expect(r.steps).toBeLessThanOrEqual(10_001);
  });

  it("out-of-bounds buffer access and division by zero are E0504", () => {
    const m = new Module();
    const b = new Builder(m);
    const f = b.func("program", "p", [{ type: T.mem(T.i32), name: "buf" }, { type: T.i32, name: "i" }], [T.i32]);
    b.cf.return([b.i.divu(b.mem.load(f.args[0], f.args[1]), f.args[1])]);
    expect(run(m, { inputs: { buf: [1, 2], i: 5 } }).diagnostics[0].message).toMatch(/index 5 out of bounds/);
    expect(run(m, { inputs: { buf: [1, 2], i: 0 } }).diagnostics[0].message).toMatch(/division by zero/);
    expect(run(m, { inputs: { buf: [7, 2], i: 1 } }).outputs).toEqual([2n]);
    expect(run(m, { inputs: { buf: [1, 2], i: 4294967296 } }).diagnostics[0].code).toBe("E0506");
  });

  it("byte buffers accept hex and UTF-8 strings", () => {
    const m = new Module();
    const b = new Builder(m);
    const f = b.func("program", "len", [{ type: T.mem(T.i8), name: "bytes" }], [T.i32, T.i8]);
    b.cf.return([b.mem.len(f.args[0]), b.mem.load(f.args[0], b.i.const(0))]);
    expect(run(m, { inputs: { bytes: "0xff00" } }).outputs).toEqual([2n, 255n]);
    expect(run(m, { inputs: { bytes: "é" } }).outputs).toEqual([2n, 0xc3n]);
  });
});

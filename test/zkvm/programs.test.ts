// The zkVM backend + executor against the CWIR interpreter (the reference semantics): every `.cwl`
// program in the repository the backend accepts, and programs that reach each lowering path
// (narrow and 64-bit integers, signed compares, buffers, loops, branches, traps).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { both } from "./util.ts";

function cwlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === "node_modules" || n.startsWith(".")) return [];
    return statSync(p).isDirectory() ? cwlFiles(p) : n.endsWith(".cwl") ? [p] : [];
  });
}

const PROGRAM = /^\s*(pub\s+)?program\s/m;

describe("every .cwl program in the repository", () => {
  const files = ["examples", "test", "stdlib"].flatMap(cwlFiles).filter((f) => !f.includes("compile_failure") && PROGRAM.test(readFileSync(f, "utf8")));
  it("finds the program examples", () => expect(files.length).toBeGreaterThanOrEqual(3));
  for (const f of files) {
    it(f, () => {
      const text = readFileSync(f, "utf8");
      const c = compileSource(f, text);
      if (!c.ir || c.diagnostics.some((d) => d.severity === "error")) return; // fixtures of other errors
      const json = f.replace(/\.cwl$/, ".json");
      let inputs: Record<string, unknown> = {};
      try {
        inputs = JSON.parse(readFileSync(json, "utf8"));
      } catch {
        const prog = c.ir.funcs.find((x) => x.kind === "program");
        prog?.args.forEach((a, i) => (inputs[String(prog.paramAttrs[i].name)] = a.type.kind === "mem" ? [1, 2, 3, 0, 7] : 5));
      }
      const r = both(f, text, inputs);
      if (r.refused) {
        expect(r.refused).toMatch(/zkvm backend cannot compile/);
        return;
      }
      expect(r.vm.ok).toBe(r.interp.ok);
      expect(r.vm.outputs).toEqual(r.interp.outputs);
    });
  }
});

const cases: [string, string, Record<string, unknown>[]][] = [
  [
    "narrow integers wrap, signed compares and shifts",
    `program P(a: u8, b: u8, s: u32) -> u32 {
       let x: u8 = a + b;
       let y: u8 = a * b;
       let z: u8 = a - b;
       let sh: u8 = a << (s as u8);
       let q: u8 = a >> (s as u8);
       let mut r: u32 = 0;
       if (a as i8) < (b as i8) { r = 1; }
       (x as u32) * 1000000 + (y as u32) * 1000 + (z as u32) + (sh as u32) * 7 + (q as u32) * 11 + r * 13
     }`,
    [{ a: 200, b: 100, s: 3 }, { a: 5, b: 250, s: 9 }, { a: 255, b: 255, s: 0 }, { a: 0, b: 128, s: 7 }],
  ],
  [
    "64-bit arithmetic",
    `program P(a: u64, b: u64) -> u64 {
       let mut acc: u64 = a;
       for i in 0..5 { acc = acc * b + (acc >> 7) ^ (a << 3); }
       let s: i64 = (acc as i64) / ((b as i64) - 7) + (a as i64) % ((b as i64) - 7);
       if acc > a { acc - a + (s as u64) } else { acc / (b + 1) + acc % 3 }
     }`,
    [{ a: "18446744073709551615", b: "12345678901234" }, { a: 3, b: 0 }, { a: "4294967296", b: "4294967295" }, { a: 5, b: 7 }],
  ],
  [
    "buffers: write then read back, a while loop with two carried values",
    `program P(input: Bytes) -> u32 {
       let mut buf: [u32; 8] = [0; 8];
       let mut i = 0u32;
       let mut h: u32 = 2166136261;
       while i < input.len() {
         h = (h ^ (input[i] as u32)) * 16777619;
         buf[i % 8] = buf[i % 8] + h;
         i += 1;
       }
       let mut s: u32 = 0;
       for k in 0..8 { s = s ^ (buf[k] >> (k as u32)); }
       s + h
     }`,
    [{ input: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255] }, { input: [] }],
  ],
  [
    "array updates: in place when the old array is dead, copied when it is read afterwards",
    `program P(a: u32, input: Bytes) -> u32 {
       let mut xs: [u32; 4] = [1, 2, 3, 4];
       let mut total: u32 = 0;
       for i in 0..4 {
         let old = xs;
         xs[i] = xs[i] * a;
         total = total + old[i] + xs[(i + 1) % 4];
       }
       let mut counts: [u32; 16] = [0; 16];
       let mut k = 0u32;
       while k < input.len() { let b = (input[k] as u32) % 16; counts[b] = counts[b] + 1; k += 1; }
       total + xs[0] * 1000 + counts[3] * 100000
     }`,
    // (that 20,000 updates fit in 64 KiB is checked below, without the interpreter)
    [{ a: 3, input: Array.from({ length: 2_000 }, (_, i) => (i * 7) & 255) }, { a: 0, input: [3, 19, 35] }],
  ],
  [
    "calls: arguments and results of 32 and 64 bits, arrays passed by address, nested calls",
    `fn sq(n: u32) -> u32 { n * n }
     fn f(n: u32) -> u32 { if n < 2 { sq(n) } else { sq(n - 1) + sq(n - 2) } }
     fn pair(a: u64, b: u32) -> u64 { a * (b as u64) + 1 }
     fn sum(xs: [u32; 4]) -> u32 { let mut s: u32 = 0; for i in 0..4 { s += xs[i]; } s }
     fn mix(h: u32, b: u32) -> u32 { (h ^ b) * 16777619 }
     program P(n: u32, input: Bytes) -> u64 {
       let xs: [u32; 4] = [n, n + 1, n * 2, 7];
       let mut h: u32 = 2166136261;
       let mut i = 0u32;
       while i < input.len() { h = mix(h, input[i] as u32); i += 1; }
       pair(pair(n as u64, sum(xs)), f(n) + f(n + 1)) + (h as u64)
     }`,
    [{ n: 10, input: [1, 2, 3] }, { n: 4294967295, input: [] }],
  ],
  [
    "tuples and structs: built, taken apart, passed to and returned from calls, carried by a loop",
    `struct P2 { x: u32, y: u64 }
     fn pair(a: u32, b: u32) -> (u32, u32) { (a + b, a * b) }
     fn swap(p: P2) -> P2 { P2 { x: p.y as u32, y: p.x as u64 } }
     program P(a: u32, b: u32) -> u64 {
       let (q, r) = pair(a, b);
       let mut p = swap(P2 { x: q, y: r as u64 });
       for i in 0..3 { p = P2 { x: p.x + i, y: p.y * 3 }; }
       (p.x as u64) * 1000000 + p.y
     }`,
    [{ a: 7, b: 5 }, { a: 4294967295, b: 2 }],
  ],
  [
    "division by zero fails in both",
    `program P(a: u32, b: u32) -> u32 { a / b + a % b }`,
    [{ a: 7, b: 2 }, { a: 7, b: 0 }, { a: 4294967295, b: 4294967295 }],
  ],
  [
    "an out-of-bounds read fails in both",
    `program P(input: Bytes, i: u32) -> u32 { input[i] as u32 }`,
    [{ input: [9, 8, 7], i: 2 }, { input: [9, 8, 7], i: 3 }, { input: [], i: 4294967295 }],
  ],
];

describe("lowering paths agree with the interpreter", () => {
  for (const [name, src, inputs] of cases) {
    it(name, () => {
      let accepted = false;
      for (const inp of inputs) {
        const r = both("t.cwl", src, inp);
        if (r.refused) {
          // a refusal must name an op; it is recorded so the case below notices silent coverage loss
          expect(r.refused).toMatch(/zkvm backend cannot compile/);
          continue;
        }
        accepted = true;
        expect({ ok: r.vm.ok, out: r.vm.ok ? r.vm.outputs : [] }).toEqual({ ok: r.interp.ok, out: r.interp.ok ? r.interp.outputs : [] });
      }
      expect(accepted).toBe(true);
    });
  }
});

describe("refusals", () => {
  it("names the op and its .cwl span", () => {
    const src = `program P(x: u32) -> u32 {\n  let f: Field = x as Field;\n  (f * f) as u32\n}`;
    const c = compileSource("refuse.cwl", src);
    expect(c.ir).toBeDefined();
    const r = buildZkvm(c.ir!);
    expect(r.bytes).toBeUndefined();
    expect(r.diagnostics[0].code).toBe("E0680");
    expect(r.diagnostics[0].message).toMatch(/zkvm backend cannot compile/);
    expect(r.diagnostics[0].span).toBeDefined();
  });
  it("a module without a program", () => {
    const c = compileSource("c.cwl", "circuit C(x: Field) { assert x == x; }");
    expect(buildZkvm(c.ir!).diagnostics[0].code).toBe("E0681");
  });
});

describe("array updates in a loop", () => {
  it("reuse one region (64 KiB of memory suffice for 20,000 updates of a 64-byte array)", async () => {
    const { decode, encodeInputs, execute, decodeOutputs } = await import("../../runtime/zkvm/index.ts");
    const src = `program P(input: Bytes) -> u32 {
      let mut counts: [u32; 16] = [0; 16];
      let mut k = 0u32;
      while k < input.len() { let b = (input[k] as u32) % 16; counts[b] = counts[b] + 1; k += 1; }
      counts[3]
    }`;
    const c = compileSource("h.cwl", src);
    const b = buildZkvm(c.ir!, { memory: 1 << 16 });
    const p = decode(b.bytes!);
    if (!("code" in p)) throw new Error(p.message);
    const input = encodeInputs(p.sig!, { input: Array.from({ length: 20_000 }, (_, i) => i & 255) });
    const r = execute(p, { input: input as Uint8Array });
    if (!r.ok) throw new Error(r.message);
    expect(decodeOutputs(p.sig!, r.output)).toEqual({ outputs: [1250], buffers: {} });
  });
});

describe("SHA-256 as a CWIR program (test/interp/sha256-program.ts)", () => {
  it("equals node:crypto and the interpreter on 0..130-byte messages", async () => {
    const { createHash } = await import("node:crypto");
    const { pad, sha256Module } = await import("../interp/sha256-program.ts");
    const { bothIr } = await import("./util.ts");
    const m = sha256Module();
    for (const n of [0, 3, 55, 56, 64, 130]) {
      const msg = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const r = bothIr(m, { blocks: pad(msg), out: new Array(32).fill(0) });
      expect(r.refused).toBeUndefined();
      const want = createHash("sha256").update(msg).digest("hex");
      expect(Buffer.from(r.vm.buffers!.out as number[]).toString("hex"), `length ${n}`).toBe(want);
      expect(r.vm.buffers).toEqual(r.interp.buffers);
    }
  });
});

describe("every integer op at widths 8, 16, 32 and 64 (the shape of test/interp/programs.test.ts)", async () => {
  const { Builder, Module, T } = await import("../../compiler/ir/index.ts");
  const { bothIr } = await import("./util.ts");
  const preds = ["eq", "ne", "ult", "ule", "ugt", "uge", "slt", "sle", "sgt", "sge"] as const;
  for (const width of [8, 16, 32, 64]) {
    it(`i${width}: the VM equals the interpreter on edge and random values`, () => {
      const m = new Module();
      const b = new Builder(m);
      const I = T.int(width);
      const f = b.func("program", "ops", [{ type: I, name: "a" }, { type: I, name: "b" }], []);
      const [a, c] = f.args;
      const outs = [
        b.i.add(a, c), b.i.sub(a, c), b.i.mul(a, c), b.i.and(a, c), b.i.or(a, c), b.i.xor(a, c), b.i.not(a),
        b.i.shl(a, c), b.i.shru(a, c), b.i.shrs(a, c),
        ...(width < 64 ? [b.i.rotl(a, c), b.i.rotr(a, c)] : []),
        ...preds.map((p) => b.i.zext(b.i.cmp(p, a, c), I)),
        b.i.trunc(b.i.sext(b.i.trunc(a, T.i1), I), T.i1),
        b.i.select(b.i.cmp("ult", a, c), a, c),
      ];
      // division last: a zero divisor stops both runs, after the other results were checked
      const divs = [b.i.divu(a, c), b.i.remu(a, c), b.i.divs(a, c), b.i.rems(a, c)];
      f.results.push(...[...outs, ...divs].map((v) => v.type));
      b.cf.return([...outs, ...divs]);
      const max = (1n << BigInt(width)) - 1n;
      const edge = [0n, 1n, 2n, 7n, max, max - 1n, max >> 1n, (max >> 1n) + 1n];
      let seed = width;
      const rnd = () => {
        let x = 0n;
        for (let i = 0; i < 3; i++) x = (x << 32n) | BigInt((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0));
        return x & max;
      };
      const vals = [...edge, ...Array.from({ length: 6 }, rnd)];
      const js = (x: bigint) => (width <= 32 ? Number(x) : x.toString());
      for (const x of vals)
        for (const y of vals) {
          const r = bothIr(m, { a: js(x), b: js(y) });
          expect(r.refused).toBeUndefined();
          expect([x, y, r.vm.ok, r.vm.outputs]).toEqual([x, y, r.interp.ok, r.interp.ok ? r.interp.outputs : []]);
        }
    });
  }
});

describe("a guest is safe against the input stream, not only against the host's encoder", () => {
  it("a buffer count whose size wraps around 2^32 traps instead of aliasing memory", async () => {
    const { decode, execute } = await import("../../runtime/zkvm/index.ts");
    const { Builder, Module, T } = await import("../../compiler/ir/index.ts");
    // program @P(xs: !mem<i32>, i: i32) -> i32 { mem.load xs, i } (.cwl programs take only byte buffers)
    const m = new Module();
    const b = new Builder(m);
    const f = b.func("program", "P", [{ type: T.mem(T.i32), name: "xs" }, { type: T.i32, name: "i" }], [T.i32]);
    b.cf.return([b.mem.load(f.args[0], f.args[1])]);
    const p = decode(buildZkvm(m).bytes!);
    if (!("code" in p)) throw new Error(p.message);
    // count 2^30 (× 4 bytes = 2^32, 0 after wrapping), no elements, then i = 5
    const input = Uint8Array.from([0, 0, 0, 0x40, 5, 0, 0, 0]);
    expect(execute(p, { input })).toMatchObject({ ok: false, kind: "trap", message: expect.stringContaining("check 3 failed") });
  });
});

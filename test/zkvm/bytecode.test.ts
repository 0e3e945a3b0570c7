// The bytecode container, its text form and the executor on hand-written programs: text round-trips
// byte for byte, ALU results match BigInt references, calls keep frames apart, and a decoder fuzz run
// (random and mutated bytecodes) only ever yields a ZkvmError or a clean run.
import { describe, expect, it } from "vitest";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { OPC, OPS, type Program, assemble, decode, disassemble, encode, execute } from "../../runtime/zkvm/index.ts";

const asm = (text: string): Program => {
  const p = assemble(text);
  if (!("code" in p)) throw new Error(p.message);
  return p;
};

function compiled(): Uint8Array {
  const src = `program P(input: Bytes, n: u32) -> u64 {
    let mut acc: u64 = 1;
    let mut i = 0u32;
    while i < input.len() { acc = acc * 31 + (input[i] as u64); i += 1; }
    for k in 0..4 { if k < n { acc = acc ^ (acc >> 3); } }
    acc
  }`;
  const c = compileSource("p.cwl", src);
  // small memory and register file: the fuzz run below allocates them once per run
  const b = buildZkvm(c.ir!, { memory: 4096, regs: 256 });
  if (!b.bytes) throw new Error(b.diagnostics[0].message);
  return b.bytes;
}

describe("text form", () => {
  it("round-trips compiled bytecode byte for byte", () => {
    const bytes = compiled();
    const p = decode(bytes);
    if (!("code" in p)) throw new Error(p.message);
    const text = disassemble(p);
    const back = assemble(text);
    if (!("code" in back)) throw new Error(back.message);
    expect(encode(back)).toEqual(bytes);
    expect(disassemble(back)).toBe(text);
  });
  it("reports the line of a mistake", () => {
    expect(assemble(".regs 8\n  add r1, r2\n")).toMatchObject({ ok: false, kind: "asm", at: 2 });
    expect(assemble("  frob r1\n")).toMatchObject({ ok: false, message: expect.stringContaining("unknown instruction `frob`") });
    expect(assemble("  jmp 3\n")).toMatchObject({ ok: false, message: expect.stringContaining("target like @12") });
  });
});

describe("executor", () => {
  const run2 = (op: string, x: number, y: number, wide = false): bigint => {
    // r2,r3 = x; r4,r5 = y; op r6 (, r7) ; write r6 (, r7) via memory
    const p = asm(`.memory 64\n.regs 16\n  const r2, ${x | 0}\n  const r3, ${x | 0}\n  const r4, ${y | 0}\n  const r5, ${y | 0}\n  const r10, 0\n  const r11, ${wide ? 8 : 4}\n  ${op} r6, r2, r4\n  ${wide ? "sd" : "sw"} r6, r10, 0\n  ecall 3, r10, r11\n  ret\n`);
    const r = execute(p);
    if (!r.ok) throw new Error(r.message);
    return r.output.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
  };
  const vals = [0, 1, 2, 31, 32, 0x7fffffff, 0x80000000, 0xffffffff, 0xdeadbeef, 12345];
  const U = (v: number) => BigInt(v >>> 0);
  const S = (v: number) => BigInt(v | 0);
  const ref32: Record<string, (a: bigint, b: bigint, sa: bigint, sb: bigint) => bigint | undefined> = {
    add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, and: (a, b) => a & b, or: (a, b) => a | b, xor: (a, b) => a ^ b,
    shl: (a, b) => a << (b & 31n), shru: (a, b) => a >> (b & 31n), shrs: (_a, b, sa) => sa >> (b & 31n),
    rotl: (a, b) => (a << (b & 31n)) | (a >> ((32n - (b & 31n)) % 32n)), rotr: (a, b) => (a >> (b & 31n)) | (a << ((32n - (b & 31n)) % 32n)),
    mulhu: (a, b) => (a * b) >> 32n, divu: (a, b) => (b ? a / b : undefined), remu: (a, b) => (b ? a % b : undefined),
    divs: (_a, b, sa, sb) => (sb ? sa / sb : undefined), rems: (_a, b, sa, sb) => (sb ? sa % sb : undefined),
    eq: (a, b) => BigInt(a === b), ne: (a, b) => BigInt(a !== b), ltu: (a, b) => BigInt(a < b), leu: (a, b) => BigInt(a <= b),
    lts: (_a, _b, sa, sb) => BigInt(sa < sb), les: (_a, _b, sa, sb) => BigInt(sa <= sb),
  };
  it("32-bit ops equal BigInt references", () => {
    for (const [op, f] of Object.entries(ref32))
      for (const x of vals)
        for (const y of vals) {
          const want = f(U(x), U(y), S(x), S(y));
          if (want === undefined) continue;
          expect([op, x, y, run2(op, x, y)]).toEqual([op, x, y, BigInt.asUintN(32, want)]);
        }
  });
  it("64-bit ops equal BigInt references", () => {
    const ref64: Record<string, (a: bigint, b: bigint) => bigint | undefined> = {
      add64: (a, b) => a + b, sub64: (a, b) => a - b, mul64: (a, b) => a * b, and64: (a, b) => a & b, or64: (a, b) => a | b, xor64: (a, b) => a ^ b,
      shl64: (a, b) => a << (b & 63n), shru64: (a, b) => a >> (b & 63n), shrs64: (a, b) => BigInt.asIntN(64, a) >> (b & 63n),
      divu64: (a, b) => (b ? a / b : undefined), remu64: (a, b) => (b ? a % b : undefined),
      divs64: (a, b) => (b ? BigInt.asIntN(64, a) / BigInt.asIntN(64, b) : undefined),
      rems64: (a, b) => (b ? BigInt.asIntN(64, a) % BigInt.asIntN(64, b) : undefined),
    };
    for (const [op, f] of Object.entries(ref64))
      for (const x of vals)
        for (const y of vals) {
          // both words of each operand are x (resp. y): (x << 32 | x)
          const a = (U(x) << 32n) | U(x);
          const b = (U(y) << 32n) | U(y);
          const want = f(a, b);
          if (want === undefined) continue;
          expect([op, x, y, run2(op, x, y, true)]).toEqual([op, x, y, BigInt.asUintN(64, want)]);
        }
  });
  it("bit counts equal references", () => {
    for (const x of [...vals, 0x00010000, 0x80000001, 0x0f0f0f0f]) {
      const p = asm(`.memory 16\n.regs 16\n  const r2, ${x | 0}\n  clz r3, r2\n  ctz r4, r2\n  popcnt r5, r2\n  const r6, 0\n  sw r3, r6, 0\n  sw r4, r6, 4\n  sw r5, r6, 8\n  const r7, 12\n  ecall 3, r6, r7\n  ret\n`);
      const r = execute(p);
      if (!r.ok) throw new Error(r.message);
      const got = Array.from(new Uint32Array(r.output.buffer, r.output.byteOffset, 3));
      const bits = (x >>> 0).toString(2).padStart(32, "0");
      const ctz = x === 0 ? 32 : bits.length - 1 - bits.lastIndexOf("1");
      expect([x, ...got]).toEqual([x, bits.indexOf("1") < 0 ? 32 : bits.indexOf("1"), ctz, bits.split("").filter((c) => c === "1").length]);
    }
  });
  it("jmpr jumps to a register's target and traps outside the code", () => {
    const p = asm(`.memory 16\n.regs 8\n  const r2, 3\n  jmpr r2\n  trap 1\n  ret\n`);
    expect(execute(p)).toMatchObject({ ok: true, instructions: 3 });
    const q = asm(`.memory 16\n.regs 8\n  const r2, 4\n  jmpr r2\n  ret\n`);
    expect(execute(q)).toMatchObject({ ok: false, kind: "trap", message: expect.stringContaining("jump to 4, outside the code") });
  });
  it("calls get their own frame; return restores the caller's", () => {
    // main: r2 = 5; call f with frame at 10 (f's r2 is main's r12); f doubles its r2 and returns
    const p = asm(`.memory 16\n.regs 64\n  const r2, 5\n  const r12, 20\n  call @7, 10\n  add r3, r2, r12\n  sw r3, r4, 0\n  const r5, 4\n  jmp @10\n  add r2, r2, r2\n  ret\n  trap 9\n  ecall 3, r4, r5\n  ecall 0, r4, r4\n`);
    const r = execute(p);
    expect(r.ok && Array.from(r.output)).toEqual([45, 0, 0, 0]);
  });
  it("reports peak memory and registers", () => {
    // stores at 100..103 and 36..43; a call puts a frame at 20 whose highest register is r5 (sd r4 names a pair)
    const p = asm(`.memory 128\n.regs 64\n  const r2, 100\n  sw r2, r2, 0\n  call @5, 20\n  ecall 0, r3, r3\n  trap 0\n  const r3, 36\n  sd r4, r3, 0\n  ret\n`);
    const r = execute(p);
    expect(r.ok && [r.peakMemoryBytes, r.peakRegisterCells]).toEqual([104, 20 + 6]);
  });
  it("a frame that leaves the register file is a trap, not a crash", () => {
    const p = asm(`.memory 16\n.regs 8\n  call @0, 4\n`);
    expect(execute(p)).toMatchObject({ ok: false, kind: "trap", message: expect.stringContaining("stack overflow") });
  });
  it("running past the last instruction is a trap (found by the fuzz run)", () => {
    expect(execute(asm(`.memory 16\n.regs 8\n  const r2, 1\n`))).toMatchObject({ ok: false, kind: "trap", message: expect.stringContaining("past the end of the code") });
  });
  it("counts instructions per family", () => {
    const p = asm(`.memory 16\n.regs 8\n  const r2, 1000\n  addi r2, r2, -1\n  bnz r2, @1\n  ret\n`);
    const r = execute(p, { counts: true });
    expect(r.ok && r.instructions).toBe(2002);
    expect(r.ok && r.families).toMatchObject({ alu: 1001, cf: 1001 });
  });
});

describe("decoder fuzz", () => {
  it("10,000 random and mutated bytecodes: a ZkvmError or a clean run, nothing else", () => {
    // deterministic xorshift so a failure reproduces
    let seed = 0x9e3779b9;
    const rnd = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const base = compiled();
    const kinds = { error: 0, run: 0 };
    const input = Uint8Array.from([3, 0, 0, 0, 1, 2, 3, 2, 0, 0, 0]);
    for (let n = 0; n < 10_000; n++) {
      let bytes: Uint8Array;
      if (n % 4 === 0) {
        bytes = new Uint8Array(Math.floor(rnd() * 200));
        for (let i = 0; i < bytes.length; i++) bytes[i] = rnd() * 256;
        // half of the random ones get a valid magic and version, so the later checks are reached
        if (n % 8 === 0 && bytes.length >= 8) bytes.set([0x43, 0x57, 0x56, 0x4d, 1, 0, 0, 0]);
      } else {
        bytes = base.slice();
        const k = 1 + Math.floor(rnd() * 4);
        for (let j = 0; j < k; j++) {
          const at = Math.floor(rnd() * bytes.length);
          const mode = rnd();
          if (mode < 0.6) bytes[at] = rnd() * 256;
          else if (mode < 0.8) bytes[at] ^= 1 << Math.floor(rnd() * 8);
          else if (mode < 0.9) bytes = bytes.slice(0, at);
          else {
            // an opcode word replaced by a valid opcode keeps the decoder's later checks busy
            const ins = 40 + 16 * Math.floor(rnd() * ((bytes.length - 40) / 16));
            if (ins + 16 <= bytes.length) bytes[ins] = Math.floor(rnd() * OPS.length);
          }
        }
      }
      const p = decode(bytes);
      if (!("code" in p)) {
        expect(p.ok).toBe(false);
        expect(p.kind).toBe("format");
        expect(typeof p.message).toBe("string");
        kinds.error++;
        continue;
      }
      const r = execute(p, { input, maxInstructions: 5_000 });
      if (r.ok) kinds.run++;
      else {
        expect(["trap", "limit"]).toContain(r.kind);
        kinds.error++;
      }
    }
    expect(kinds.error + kinds.run).toBe(10_000);
    expect(kinds.run).toBeGreaterThan(100);
  });
  it("names what is wrong", () => {
    const bytes = compiled();
    expect(decode(bytes.slice(0, 10))).toMatchObject({ kind: "format", message: expect.stringContaining("too short") });
    const bad = bytes.slice();
    bad[0] = 0;
    expect(decode(bad)).toMatchObject({ message: expect.stringContaining("magic") });
    const op = bytes.slice();
    op[40] = 250;
    expect(decode(op)).toMatchObject({ message: expect.stringContaining("unknown opcode 250") });
    expect(decode(bytes.slice(0, bytes.length - 1))).toMatchObject({ message: expect.stringContaining("header describes") });
    expect(OPC.ADD).toBe(0);
  });
});

// The zkVM AIR (runtime/zkvm/air) in the mock checker: programs that reach every chip and opcode the
// prover covers are accepted in BabyBear and in BN254 Fr with the executor's output, and a prover who
// edits the trace or the statement by hand is rejected: a wrong output, a tampered cell, a load of a
// value never stored, a skipped instruction, an instruction that is not in the ROM, a carry that is not
// a bit, a limb of 2^16 or more.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import wabtInit from "wabt";
import { mulberry32 } from "../../base/prng/index.ts";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { compileWasm } from "../../compiler/wasm/index.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";
import type { ChipTrace } from "../../runtime/air/index.ts";
import { BABYBEAR } from "../../runtime/air/check.ts";
import { BN254_R } from "../../runtime/hash/poseidon.ts";
import { OPC, assemble, decode, encodeInputs, execute, type Program } from "../../runtime/zkvm/index.ts";
import { HALT_PC, proveProgram, verifyProgram, type ZkvmWitness } from "../../runtime/zkvm/air/index.ts";

/** Assembles text whose targets may be labels (`name:` on its own line, `@name` as a target operand,
 *  `#name` as an immediate). */
function asm(text: string): Program {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith(";"));
  const labels = new Map<string, number>();
  const body: string[] = [];
  for (const l of lines) {
    if (l.endsWith(":")) labels.set(l.slice(0, -1), body.filter((b) => !b.startsWith(".")).length);
    else body.push(l);
  }
  const p = assemble(body.map((l) => l.replace(/@([a-z_]\w*)/g, (_, n) => `@${labels.get(n)}`).replace(/#([a-z_]\w*)/g, (_, n) => String(labels.get(n)))).join("\n"));
  if ("kind" in p) throw new Error(p.message);
  return p;
}

// Every opcode with a chip, with edge values: shift amounts 0, 31 and ≥ 32, carries out of both limbs,
// sign extension of negative bytes and halves (loads and sext), signed shifts and compares of both signs, a call and
// an indirect call and their returns, an indirect jump, a loop, reads and writes. Every result register
// is stored and written to the output, so the executor's output checks each opcode's semantics.
const RESULTS = Array.from({ length: 82 - 4 + 1 }, (_, i) => `  sw r${i + 4}, r3, ${16 + 4 * i}`).join("\n");
const ALL = asm(`
  .memory 131072
  .regs 256
  .data 300 0102fe80
  ecall 1, r2, r0
  const r3, 100
  ecall 2, r3, r2
  lw r4, r3, 0
  lw r5, r3, 4
  lbu r6, r3, 1
  lb r7, r3, 3
  lh r8, r3, 2
  lhu r9, r3, 2
  add r10, r4, r5
  sub r11, r6, r4
  addi r12, r4, -7
  and r13, r4, r7
  or r14, r4, r5
  xor r15, r4, r7
  andi r16, r4, 65295
  ori r17, r5, -65536
  xori r18, r4, -1
  mov r19, r18
  mul r20, r4, r5
  mulhu r21, r4, r5
  const r22, 0
  const r23, 37
  shl r24, r4, r6
  shl r25, r4, r22
  shli r26, r5, 31
  shru r27, r4, r23
  shru r28, r4, r22
  shrui r29, r7, 31
  rotl r30, r4, r23
  rotr r31, r5, r6
  rotr r32, r5, r22
  divu r33, r4, r6
  remu r34, r4, r6
  divu r35, r6, r4
  eq r36, r4, r4
  eq r37, r4, r5
  ne r38, r4, r5
  ltu r39, r6, r4
  leu r40, r4, r4
  ltu r41, r4, r6
  chkltu 9, r6, r4
  sw r4, r3, 8
  sh r5, r3, 12
  sb r7, r3, 15
  lw r42, r3, 12
  lw r43, r22, 300
  const r44, 3
  loop:
  addi r44, r44, -1
  bnz r44, @loop
  bez r44, @over
  trap 1
  over:
  mov r102, r4
  call @double, 100
  mov r45, r102
  const r46, 16
  ecall 3, r3, r46
  shrs r48, r5, r6
  shrs r49, r4, r22
  shrsi r50, r4, 4
  shrsi r51, r6, 3
  lts r52, r4, r6
  lts r53, r6, r4
  les r54, r4, r4
  les r55, r5, r4
  lts r56, r4, r5
  mov r57, r6
  cmovnz r57, r22, r4
  mov r47, r57
  cmovnz r57, r6, r5
  const r58, #after_jr
  jmpr r58
  trap 3
  after_jr:
  const r59, #double
  mov r102, r5
  calli r59, 100
  mov r60, r102
  sext r61, r4, 8
  sext r62, r4, 16
  sext r63, r6, 32
  sext r64, r5, 8
  divs r65, r4, r7
  rems r66, r4, r7
  divs r67, r4, r6
  rems r68, r6, r7
  const r69, -2147483648
  const r70, -1
  divs r71, r69, r70
  rems r72, r69, r70
  const r73, 327680
  clz r74, r4
  clz r75, r22
  clz r76, r73
  ctz r77, r22
  ctz r78, r73
  popcnt r79, r5
  popcnt r80, r22
  const r81, 200
  lw r82, r81, -100
${RESULTS}
  const r46, 316
  ecall 3, r3, r46
  const r47, 0
  ecall 3, r3, r47
  jmp @done
  trap 2
  done:
  ret
  double:
  add r2, r2, r2
  ret
`);

const input = (...words: number[]) => new Uint8Array(new Uint32Array(words).buffer);

function prove(p: Program, inp: Uint8Array): ZkvmWitness {
  const w = proveProgram(p, inp);
  if ("kind" in w) throw new Error(w.message);
  return w;
}
const clone = (ts: ChipTrace[]): ChipTrace[] => ts.map((t) => ({ chip: t.chip, rows: t.rows.map((r) => r.slice()) }));
const chip = (ts: ChipTrace[], name: string) => ts.find((t) => t.chip === name)!;

describe("zkVM AIR: honest runs are accepted", () => {
  it("every covered opcode, in BabyBear and BN254 Fr, with the executor's output", () => {
    const inp = input(0x8765fff3, 0xfffe0019);
    const w = prove(ALL, inp);
    const run = execute(ALL, { input: inp });
    expect(run.ok && run.exitCode).toBe(0);
    if (!run.ok) return;
    expect(w.statement.output).toEqual(run.output);
    expect(w.statement.instructions).toBe(run.instructions);
    expect(w.statement.consumed).toBe(8);
    expect(w.statement.output.length).toBe(16 + 316);
    // every instruction chip has rows
    for (const c of ["alu", "mul", "div", "cmp", "mem", "bits", "cf", "ecall", "io", "memtouch"]) expect(w.used[c], c).toBeGreaterThan(0);
    expect(verifyProgram(ALL, w.statement, w.traces)).toEqual([]);
    expect(verifyProgram(ALL, w.statement, w.traces, { modulus: BN254_R })).toEqual([]);
  });

  it("64-bit ops on register pairs (shift amounts 0, 63 and ≥ 64), 64-bit loads and stores", () => {
    const stores = Array.from({ length: 66 - 8 + 1 }, (_, i) => `  sw r${i + 8}, r3, ${24 + 4 * i}`).join("\n");
    const p = asm(`
      .memory 65536
      .regs 80
      ecall 1, r2, r0
      const r3, 64
      ecall 2, r3, r2
      ld r4, r3, 0
      ld r6, r3, 8
      add64 r8, r4, r6
      sub64 r10, r4, r6
      sub64 r12, r6, r4
      and64 r14, r4, r6
      or64 r16, r4, r6
      xor64 r18, r4, r6
      eq64 r20, r4, r6
      eq64 r21, r4, r4
      ltu64 r22, r4, r6
      ltu64 r23, r6, r4
      lts64 r24, r4, r6
      lts64 r25, r6, r4
      lts64 r26, r4, r4
      const64 r27, -1, 305419896
      mul64 r29, r4, r6
      const64 r31, 0, 0
      const64 r33, 63, 0
      const64 r35, 100, 7
      shl64 r37, r4, r35
      shru64 r39, r4, r33
      shru64 r41, r4, r31
      shrs64 r43, r4, r35
      shrs64 r45, r6, r33
      shrs64 r47, r4, r31
      divu64 r49, r4, r6
      remu64 r51, r4, r6
      divs64 r53, r4, r6
      rems64 r55, r4, r6
      divs64 r57, r6, r4
      const64 r59, 0, -2147483648
      const64 r61, -1, -1
      divs64 r63, r59, r61
      rems64 r65, r59, r61
      sd r8, r3, 16
    ${stores}
      const r2, 260
      ecall 3, r3, r2
      ret
    `);
    const u64s = (...v: bigint[]) => new Uint8Array(new BigUint64Array(v).buffer);
    for (const inp of [u64s(0xffffffff00000001n, 0x00000001ffffffffn), u64s(0x8000000000000000n, 0x7fffffffffffffffn), u64s(5n, 5n)]) {
      const w = prove(p, inp);
      const run = execute(p, { input: inp });
      expect(run.ok && run.output).toEqual(w.statement.output);
      expect(w.used.alu64).toBe(19);
      expect(w.used.div64).toBe(7);
      expect(w.used.mul64).toBe(7);
      expect(w.used.mem64).toBe(3);
      expect(verifyProgram(p, w.statement, w.traces)).toEqual([]);
    }
  });

  it("random straight-line programs over every covered opcode, random inputs: the executor's output", () => {
    const rnd = mulberry32(20261208);
    const int = (n: number) => Math.floor(rnd() * n);
    const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)];
    const reg = () => `r${4 + int(36)}`;
    const pair = () => `r${4 + 2 * int(18)}`;
    const imm = () => pick([0, 1, -1, 31, 32, 0x7fff, -0x8000, 0x12345678, int(2 ** 31) - 2 ** 30]);
    const rrr = ["add", "sub", "and", "or", "xor", "shl", "shru", "shrs", "rotl", "rotr", "mul", "mulhu", "eq", "ne", "ltu", "leu", "lts", "les", "cmovnz"];
    const rri = ["addi", "andi", "ori", "xori", "shli", "shrui", "shrsi"];
    const p64 = ["add64", "sub64", "and64", "or64", "xor64", "mul64", "shl64", "shru64", "shrs64"];
    const c64 = ["eq64", "ltu64", "lts64"];
    const lines: string[] = [];
    for (let i = 0; i < 240; i++) {
      const k = int(10);
      if (k < 4) lines.push(`${pick(rrr)} ${reg()}, ${reg()}, ${reg()}`);
      else if (k === 4) lines.push(`${pick(rri)} ${reg()}, ${reg()}, ${imm()}`);
      else if (k === 5) lines.push(`${pick(["clz", "ctz", "popcnt", "mov"])} ${reg()}, ${reg()}`, `sext ${reg()}, ${reg()}, ${pick([8, 16, 32])}`);
      else if (k === 6) {
        // a division by a register forced odd (so nonzero)
        const d = reg();
        lines.push(`ori ${d}, ${d}, 1`, `${pick(["divu", "remu", "divs", "rems"])} ${reg()}, ${reg()}, ${d}`);
      } else if (k === 7) {
        const [a, b, c] = [pair(), pair(), pair()];
        if (rnd() < 0.25) lines.push(`ori ${c}, ${c}, 1`, `${pick(["divu64", "remu64", "divs64", "rems64"])} ${a}, ${b}, ${c}`);
        else lines.push(`${pick([...p64, ...c64])} ${a}, ${b}, ${c}`);
      } else if (k === 8) lines.push(`${pick(["lw", "lhu", "lh", "lbu", "lb", "sw", "sh", "sb"])} ${reg()}, r3, ${int(60)}`);
      else lines.push(`${pick(["ld", "sd"])} ${pair()}, r3, ${int(56)}`, `const64 ${pair()}, ${imm()}, ${imm()}`);
    }
    const out = Array.from({ length: 38 }, (_, i) => `  sw r${4 + i}, r3, ${64 + 4 * i}`).join("\n");
    const p = asm(`
      .memory 65536
      .regs 64
      ecall 1, r2, r0
      const r3, 256
      ecall 2, r3, r2
      ${Array.from({ length: 36 }, (_, i) => `lw r${4 + i}, r3, ${(4 * i) % 64}`).join("\n")}
      ${lines.join("\n")}
      ${out}
      const r2, 216
      ecall 3, r3, r2
      ret
    `);
    for (let t = 0; t < 3; t++) {
      const inp = new Uint8Array(64).map(() => (t === 0 ? pick([0, 0xff, 0x80, 0x7f]) : int(256)));
      const run = execute(p, { input: inp });
      expect(run.ok).toBe(true);
      const w = prove(p, inp);
      expect(run.ok && run.output).toEqual(w.statement.output);
      expect(verifyProgram(p, w.statement, w.traces)).toEqual([]);
    }
  });

  it("a program's AIR holds only the chips its code can use", () => {
    const p = asm(`
      .memory 65536
      .regs 16
      const r2, 7
      add r3, r2, r2
      ret
    `);
    const w = prove(p, new Uint8Array(0));
    expect(w.air.chips.map((c) => c.name)).toEqual(["alu", "cf", "memtouch", "rom", "table16"]);
    expect(verifyProgram(p, w.statement, w.traces)).toEqual([]);
  });

  it("a halt with an exit code is the public final state", () => {
    const p = asm(`
      .memory 65536
      .regs 16
      const r2, -559038737
      ecall 0, r2, r0
    `);
    const w = prove(p, new Uint8Array(0));
    expect(w.statement.exitCode).toBe(0xdeadbeef);
    expect(verifyProgram(p, w.statement, w.traces)).toEqual([]);
    expect(verifyProgram(p, { ...w.statement, exitCode: 0 }, w.traces).length).toBeGreaterThan(0);
  });

  it(".cwl guest programs compiled by backends/zkvm", () => {
    for (const f of ["test/sema/fixtures/execution_success/program.cwl", "test/sema/fixtures/execution_success/program_for.cwl"]) {
      const c = compileSource(f, readFileSync(f, "utf8"));
      const p = decode(buildZkvm(c.ir!).bytes!) as Program;
      const inp = encodeInputs(p.sig!, JSON.parse(readFileSync(f.replace(/\.cwl$/, ".json"), "utf8"))) as Uint8Array;
      const w = prove(p, inp);
      const run = execute(p, { input: inp });
      expect(run.ok && w.statement.output).toEqual(run.ok && run.output);
      expect(verifyProgram(p, w.statement, w.traces), f).toEqual([]);
      // ≤ 150 base-field cells per instruction in the widest instruction chip
      expect(Math.max(...w.stats.filter((s) => ["alu", "mul", "div", "cmp", "mem", "cf", "ecall"].includes(s.chip)).map((s) => s.columns))).toBeLessThanOrEqual(150);
    }
  });

  it("a .cwl program on 64-bit and signed integers (multiply, shifts, signed division)", () => {
    const src = `program P(a: u64, b: u64) -> u64 {
       let mut acc: u64 = a;
       for i in 0..5 { acc = acc * b + (acc >> 7) ^ (a << 3); }
       let s: i64 = (acc as i64) / ((b as i64) - 7) + (a as i64) % ((b as i64) - 7);
       if acc > a { acc - a + (s as u64) } else { acc / (b + 1) + acc % 3 }
     }`;
    const p = decode(buildZkvm(compileSource("p.cwl", src).ir!).bytes!) as Program;
    for (const inp of [{ a: "18446744073709551615", b: "12345678901234" }, { a: 3, b: 0 }]) {
      const input = encodeInputs(p.sig!, inp) as Uint8Array;
      const w = prove(p, input);
      const run = execute(p, { input });
      expect(run.ok && run.output).toEqual(w.statement.output);
      expect(verifyProgram(p, w.statement, w.traces)).toEqual([]);
    }
  });

  it("a WebAssembly guest: memory.grow (ecall 4), call_indirect, br_table, 64-bit ops, bit counts", async () => {
    const wat = `(module (memory 1 4) (data (i32.const 16) "\\01\\02\\03\\84")
      (table 2 funcref) (elem (i32.const 0) $sq $inc)
      (type $t (func (param i64) (result i64)))
      (func $sq (type $t) (i64.mul (local.get 0) (local.get 0)))
      (func $inc (type $t) (i64.add (local.get 0) (i64.const 1)))
      (func (export "main") (param i32 i64) (result i32 i64) (local i32 i64)
        (drop (memory.grow (i32.const 1)))
        (i64.store offset=70000 (i32.const 0) (local.get 1))
        (local.set 3 (i64.load offset=70000 (i32.const 0)))
        (local.set 2 (i32.const 0))
        (loop
          (local.set 3 (call_indirect (type $t) (local.get 3) (i32.and (local.get 2) (i32.const 1))))
          (br_if 0 (i32.lt_u (local.tee 2 (i32.add (local.get 2) (i32.const 1))) (i32.const 5))))
        (block (block (block (br_table 0 1 2 (i32.and (local.get 0) (i32.const 3))))
          (local.set 2 (i32.const 100))) (local.set 2 (i32.add (local.get 2) (i32.const 7))))
        (i32.add (local.get 2) (i32.add (i32.load8_s (i32.const 19)) (i32.clz (local.get 0))))
        (i64.rotl (local.get 3) (i64.extend_i32_u (i32.popcnt (local.get 0))))))`;
    const wabt = await wabtInit();
    const m = wabt.parseWat("g.wat", wat, { multi_value: true, sign_extension: true });
    const bin = m.toBinary({}).buffer;
    m.destroy();
    const lifted = compileWasm(bin, { entry: "main" });
    const p = buildZkvm(lifted.module!).program!;
    for (const [a, b] of [[5, 3n], [-1, 123456789n]] as const) {
      const input = encodeInputs(p.sig!, [a >>> 0, BigInt.asUintN(64, b).toString()]) as Uint8Array;
      const run = execute(p, { input });
      const w = prove(p, input);
      expect(run.ok && run.output).toEqual(w.statement.output);
      expect(verifyProgram(p, w.statement, w.traces)).toEqual([]);
    }
  });

  it("a system call or width without a chip is a clear error, a trapping run has no proof", () => {
    const p = asm(`
      .memory 65536
      .regs 16
      ecall 256, r2, r3
      ret
    `);
    const r = proveProgram(p, new Uint8Array(0));
    // the executor runs the precompile (SHA-256 of memory at 0); the prover has no chip for it and
    // the trace generator refuses it by name
    expect("kind" in r && r.message).toMatch(/instruction 0 \(ecall.*(unknown system call|no table for this system call)/);
    const s5 = proveProgram(asm(`
      .memory 65536
      .regs 16
      sext r2, r3, 5
      ret
    `), new Uint8Array(0));
    expect("kind" in s5 && s5.message).toMatch(/widths 8, 16 and 32 only/);
    const t = proveProgram(asm(`
      .memory 65536
      .regs 16
      trap 5
    `), new Uint8Array(0));
    expect("kind" in t && t.kind).toBe("trap");
  });
});

describe("zkVM AIR: a cheating prover is rejected", () => {
  const inp = input(0x8765fff3, 0xfffe0019);
  const w = prove(ALL, inp);
  const col = (name: string, c: string) => w.air.chips.find((x) => x.name === name)!.columns.indexOf(c);
  /** the row of chip `name` that executes instruction `pc` (first time) */
  const rowAt = (ts: ChipTrace[], name: string, pc: number) => chip(ts, name).rows.findIndex((r) => r[col(name, "pc")] === BigInt(pc) && r.some((v, j) => v !== 0n && w.air.chips.find((x) => x.name === name)!.columns[j].startsWith("is_")));
  const pcOf = (op: string, nth = 0) => {
    let k = -1;
    for (let i = 0; i < ALL.code.length; i += 4) if (ALL.code[i] === opCode(op) && ++k === nth) return i / 4;
    throw new Error(op);
  };
  const opCode = (op: string) => OPC[op.toUpperCase()];
  const reject = (ts: ChipTrace[], st = w.statement) => {
    const f = verifyProgram(ALL, st, ts);
    expect(f.length).toBeGreaterThan(0);
    return f;
  };

  it("a wrong output", () => {
    const out = w.statement.output.slice();
    out[0] ^= 1;
    const f = reject(w.traces, { ...w.statement, output: out });
    expect(f.some((x) => x.bus === "output")).toBe(true);
    // and a shorter one
    reject(w.traces, { ...w.statement, output: w.statement.output.slice(1) });
  });

  it("a tampered trace cell", () => {
    const ts = clone(w.traces);
    const r = rowAt(ts, "alu", pcOf("add"));
    chip(ts, "alu").rows[r][col("alu", "A.l")] += 1n;
    reject(ts);
  });

  it("a load that returns a value never stored (the row itself kept consistent)", () => {
    const ts = clone(w.traces);
    const mem = chip(ts, "mem");
    const r = rowAt(ts, "mem", pcOf("lbu"));
    // lbu: the byte read, its 'before' copy and the register written all change together, so every
    // constraint of the row holds; only the memory bus sees a value nobody wrote
    for (const c of ["M0.v", "M0.pv", "A.l"]) mem.rows[r][col("mem", c)] ^= 0x40n;
    const f = reject(ts);
    expect(f.every((x) => x.constraint === undefined)).toBe(true);
    expect(f.some((x) => x.bus === "memory")).toBe(true);
  });

  it("a skipped instruction", () => {
    const ts = clone(w.traces);
    const alu = chip(ts, "alu");
    const r = rowAt(ts, "alu", pcOf("mov"));
    alu.rows[r] = alu.rows[r].map(() => 0n);
    reject(ts);
    // skipping it by sending the state past it from the row before: that row is a mul (pc − 1), whose
    // next pc is pc + 1 by its constraints, so the attacker moves the mov's row to a later clk instead
    const ts2 = clone(w.traces);
    const rr = rowAt(ts2, "alu", pcOf("mov"));
    chip(ts2, "alu").rows[rr][col("alu", "clk")] += 1n;
    reject(ts2);
  });

  it("an instruction that is not in the ROM", () => {
    const ts = clone(w.traces);
    const alu = chip(ts, "alu");
    // turn an add into a sub with the row's values recomputed: the sub constraints hold (x = o + y)
    const r = rowAt(ts, "alu", pcOf("add"));
    const g = (c: string) => alu.rows[r][col("alu", c)];
    const set = (c: string, v: bigint) => (alu.rows[r][col("alu", c)] = v);
    const x = g("B.l") + 65536n * g("B.h");
    const y = g("C.l") + 65536n * g("C.h");
    const o = (x - y + (1n << 32n)) % (1n << 32n);
    set("is_add", 0n);
    set("is_sub", 1n);
    set("A.l", o & 0xffffn);
    set("A.h", o >> 16n);
    set("c0", (g("A.l") + g("C.l") - g("B.l")) / 65536n);
    set("c1", (g("A.h") + g("C.h") + g("c0") - g("B.h")) / 65536n);
    const f = reject(ts);
    expect(f.filter((x) => x.constraint !== undefined)).toEqual([]);
    expect(f.some((x) => x.bus === "rom")).toBe(true);
  });

  it("a carry that is not a bit, a limb of 2^16 or more", () => {
    // add r10, r4, r5 with r4 = 0x8765fff3, r5 = 0xfffe0019: the low limbs carry (c0 = 1)
    const r = rowAt(w.traces, "alu", pcOf("add"));
    const base = w.traces;
    const g = (ts: ChipTrace[], c: string) => chip(ts, "alu").rows[r][col("alu", c)];
    expect(g(base, "c0")).toBe(1n);
    expect(g(base, "A.h")).toBeGreaterThan(0n);
    // the carry kept in the low limb instead: A.l = x.l + y.l ≥ 2^16, A.h one less, same word value
    const ts = clone(base);
    chip(ts, "alu").rows[r][col("alu", "c0")] = 0n;
    chip(ts, "alu").rows[r][col("alu", "A.l")] += 65536n;
    chip(ts, "alu").rows[r][col("alu", "A.h")] -= 1n;
    let f = reject(ts);
    expect(f.some((x) => x.bus === "u16")).toBe(true);
    // a carry of 2: the low limb 2^16 lower (a field element near p), the high limb one higher; both
    // limb equations hold, the carry's bit constraint does not
    const ts2 = clone(base);
    chip(ts2, "alu").rows[r][col("alu", "c0")] = 2n;
    chip(ts2, "alu").rows[r][col("alu", "A.l")] += BABYBEAR - 65536n;
    chip(ts2, "alu").rows[r][col("alu", "A.h")] += 1n;
    f = reject(ts2);
    expect(f.some((x) => x.chip === "alu" && x.constraint !== undefined)).toBe(true);
  });

  it("a division whose remainder is not below the divisor (q − 1, r + d; every row constraint kept)", () => {
    const ts = clone(w.traces);
    const div = chip(ts, "div");
    const c = (n: string) => {
      const i = col("div", n);
      if (i < 0) throw new Error(`no column ${n}`);
      return i;
    };
    const r = div.rows.findIndex((x) => x[c("is_divu")] === 1n);
    const g = (n: string) => Number(div.rows[r][c(n)]);
    const set = (n: string, v: number | bigint) => (div.rows[r][c(n)] = ((BigInt(v) % BABYBEAR) + BABYBEAR) % BABYBEAR);
    const x = g("ax0") + 65536 * g("ax1");
    const d = g("ad0") + 65536 * g("ad1");
    const q = Math.floor(x / d) - 1;
    const rem = x - q * d;
    expect(rem).toBeGreaterThanOrEqual(d);
    expect(rem).toBeLessThan(65536);
    // quotient bytes, the byte product q·d (four bytes, carries), remainder and the two limb chains
    const qb = [0, 1, 2, 3].map((i) => (q >>> (8 * i)) & 255);
    const db = [0, 1, 2, 3].map((i) => g(`db${i}`));
    let carry = 0;
    for (let k = 0; k < 4; k++) {
      let sum = carry;
      for (let i = 0; i <= k; i++) sum += qb[i] * db[k - i];
      set(`P.p${k}`, sum & 255);
      carry = sum >>> 8;
      set(`P.c${k}`, carry);
      set(`qb${k}`, qb[k]);
    }
    const pq = q * d;
    set("rem0", rem);
    set("rem1", 0);
    set("e0", ((pq & 0xffff) + rem - (x & 0xffff)) / 65536);
    // R + 1 + T = d forces T = d − R − 1 < 0: a field element near p in the low limb
    set("f0", 0);
    set("t0", (d & 0xffff) - rem - 1);
    set("t1", (d >>> 16) - 0);
    set("A0.l", q & 0xffff);
    set("A0.h", q >>> 16);
    const f = reject(ts);
    expect(f.filter((x) => x.constraint !== undefined)).toEqual([]);
    expect(f.some((x) => x.bus === "u16")).toBe(true);
  });

  it("a load past the memory size (the executor traps), proven as if memory were larger", () => {
    const small = asm(`
      .memory 65536
      .regs 16
      const r3, 65534
      lw r2, r3, 0
      ecall 0, r2, r0
    `);
    expect(execute(small, {}).ok).toBe(false);
    const w2 = prove({ ...small, memSize: 131072 }, new Uint8Array(0));
    expect(verifyProgram(small, w2.statement, w2.traces).length).toBeGreaterThan(0);
    // the memory size the row reads (a state cell the boundary starts at 65536) and its last value in
    // memtouch rewritten, and the bound cells so the row's equation holds in the field: 65536 − 65534 − 4 = −2
    const ts = clone(w2.traces);
    const mem = chip(ts, "mem");
    const cols = w2.air.chips.find((c) => c.name === "mem")!.columns;
    const g = BABYBEAR - 2n;
    mem.rows[0][cols.indexOf("MB.l")] = 0n;
    mem.rows[0][cols.indexOf("MB.h")] = 1n;
    mem.rows[0][cols.indexOf("bound.lo")] = g % 65536n;
    mem.rows[0][cols.indexOf("bound.hi")] = g / 65536n;
    const mt = chip(ts, "memtouch");
    const mcols = w2.air.chips.find((c) => c.name === "memtouch")!.columns;
    const cell = mt.rows.findIndex((r) => r[mcols.indexOf("space")] === 2n && r[mcols.indexOf("klo")] === 2n);
    mt.rows[cell][mcols.indexOf("fl")] = 0n;
    mt.rows[cell][mcols.indexOf("fh")] = 1n;
    const f = verifyProgram(small, w2.statement, ts);
    expect(f.filter((x) => x.constraint !== undefined)).toEqual([]);
    expect(f.some((x) => x.bus === "u16")).toBe(true);
  });

  it("an address that wraps around 2^32 (the executor traps), patched into an honest trace", () => {
    // honest: r3 = 4, load at r3 + 0; claimed: r3 = 0xfffffffc, load at r3 + 8, which the executor
    // computes as 2^32 + 4 (outside memory) and a mod-2^32 address would take as 4
    const honest = asm(`
      .memory 65536
      .regs 16
      const r3, 4
      lw r2, r3, 0
      ecall 0, r2, r0
    `);
    const claimed = asm(`
      .memory 65536
      .regs 16
      const r3, -4
      lw r2, r3, 8
      ecall 0, r2, r0
    `);
    expect(execute(claimed, {}).ok).toBe(false);
    const h = prove(honest, new Uint8Array(0));
    const ts = clone(h.traces);
    const put = (name: string, cells: Record<string, bigint>) => {
      const cols = h.air.chips.find((c) => c.name === name)!.columns;
      const row = chip(ts, name).rows[0];
      for (const [k, v] of Object.entries(cells)) row[cols.indexOf(k)] = v;
    };
    put("alu", { b: 0xfffcn, bx: 0xffffn, "A.l": 0xfffcn, "A.h": 0xffffn });
    put("mem", { "B.l": 0xfffcn, "B.h": 0xffffn, c: 8n, k0: 1n, k1: 1n });
    const mt = chip(ts, "memtouch");
    const mcols = h.air.chips.find((c) => c.name === "memtouch")!.columns;
    const r3 = mt.rows.findIndex((r) => r[mcols.indexOf("klo")] === 3n && r[mcols.indexOf("space")] === 0n);
    mt.rows[r3][mcols.indexOf("fl")] = 0xfffcn;
    mt.rows[r3][mcols.indexOf("fh")] = 0xffffn;
    const f = verifyProgram(claimed, h.statement, ts);
    // the carry out of the high limb is not the immediate's sign
    expect(f.some((x) => x.chip === "mem" && x.constraint !== undefined)).toBe(true);
    expect(verifyProgram(honest, h.statement, h.traces)).toEqual([]);
  });

  it("a call whose frame does not fit the register file (the executor traps), proven with a larger one", () => {
    const small = asm(`
      .memory 65536
      .regs 16
      call @f, 14
      ecall 0, r2, r0
      f:
      const r2, 1
      ret
    `);
    expect(execute(small, {}).ok).toBe(false);
    const w2 = prove({ ...small, regs: 64 }, new Uint8Array(0));
    expect(verifyProgram(small, w2.statement, w2.traces).length).toBeGreaterThan(0);
    // the gap cells rewritten so the call row's equation holds in the field: limit 12 − frame 14 = −2
    const ts = clone(w2.traces);
    const cf = chip(ts, "cf");
    const cols = w2.air.chips.find((c) => c.name === "cf")!.columns;
    const r = cf.rows.findIndex((x) => x[cols.indexOf("is_call")] === 1n);
    const g = BABYBEAR - 2n;
    cf.rows[r][cols.indexOf("gap.lo")] = g % 65536n;
    cf.rows[r][cols.indexOf("gap.hi")] = g / 65536n;
    const f = verifyProgram(small, w2.statement, ts);
    expect(f.filter((x) => x.constraint !== undefined)).toEqual([]);
    expect(f.some((x) => x.bus === "u16")).toBe(true);
  });

  it("a statement out of range, or traces missing a chip, is refused with a message", () => {
    for (const st of [{ ...w.statement, instructions: 0 }, { ...w.statement, instructions: 1 << 22 }, { ...w.statement, consumed: 9 }, { ...w.statement, consumed: -1 }]) {
      const f = verifyProgram(ALL, st, w.traces);
      expect(f[0].message).toMatch(/^statement: /);
    }
    const f = verifyProgram(ALL, w.statement, w.traces.filter((t) => t.chip !== "cf"));
    expect(f.some((x) => /no trace for chip cf/.test(x.message))).toBe(true);
  });

  it("a final state that does not halt", () => {
    const f = reject(w.traces, { ...w.statement, instructions: w.statement.instructions + 1 });
    expect(f.some((x) => x.bus === "state" && x.message.includes(String(HALT_PC)))).toBe(true);
  });
});

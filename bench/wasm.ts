// `npm run bench -- wasm`: zkVM instructions per WebAssembly instruction for WebAssembly guests
// (spec/wasm.md). Each program (WebAssembly text here and in bench/wasm/) runs twice: in Node's
// WebAssembly engine with a counter added before every executed instruction (structural markers —
// block, loop, else, end, nop — do not count), and through the WASM frontend, the zkVM backend and
// the executor, counting zkVM instructions per table family. Both runs must agree on the results.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import wabtInit from "wabt";
import { REPO_ROOT } from "../base/files/index.ts";
import { buildZkvm } from "../backends/zkvm/index.ts";
import { compileWasm } from "../compiler/wasm/index.ts";
import { Reader } from "../compiler/wasm/binary.ts";
import { skipImmediates } from "../compiler/wasm/lift.ts";
import { decodeOutputs, encodeInputs, execute } from "../runtime/zkvm/index.ts";
import { mulberry32 } from "../base/prng/index.ts";
import { FLOAT_OPS, floatGuestWat, operands, width } from "../test/wasm/softfloat-ops.ts";

const PROGRAMS: { name: string; wat: string; args: number[] }[] = [
  { name: "sha256 of 1 KB", wat: readFileSync(join(REPO_ROOT, "bench", "wasm", "sha256.wat"), "utf8"), args: [1024] },
  { name: "sha256 of 128 B", wat: readFileSync(join(REPO_ROOT, "bench", "wasm", "sha256.wat"), "utf8"), args: [128] },
  {
    name: "recursive fib(20) (calls)",
    args: [20],
    wat: `(module (func $fib (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
      (func (export "main") (param i32) (result i32) (call $fib (local.get 0))))`,
  },
  {
    name: "insertion sort of 300 words (memory)",
    args: [300],
    wat: `(module (memory 1)
      (func (export "main") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $x i32) (local $s i32)
        (loop $fill (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.mul (i32.xor (local.get $i) (i32.const 0x5a5)) (i32.const 2654435761)))
          (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.set $i (i32.const 1))
        (loop $outer
          (local.set $x (i32.load (i32.shl (local.get $i) (i32.const 2))))
          (local.set $j (local.get $i))
          (block $placed (loop $inner
            (br_if $placed (i32.eqz (local.get $j)))
            (br_if $placed (i32.le_u (i32.load (i32.sub (i32.shl (local.get $j) (i32.const 2)) (i32.const 4))) (local.get $x)))
            (i32.store (i32.shl (local.get $j) (i32.const 2)) (i32.load (i32.sub (i32.shl (local.get $j) (i32.const 2)) (i32.const 4))))
            (local.set $j (i32.sub (local.get $j) (i32.const 1)))
            (br $inner)))
          (i32.store (i32.shl (local.get $j) (i32.const 2)) (local.get $x))
          (br_if $outer (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.set $i (i32.const 0))
        (loop $sum (local.set $s (i32.add (i32.rotl (local.get $s) (i32.const 5)) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
          (br_if $sum (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.get $s)))`,
  },
  {
    name: "br_table interpreter loop, i64 (2,000 steps)",
    args: [2000],
    wat: `(module (func (export "main") (param $n i32) (result i64) (local $acc i64) (local $i i32)
      (loop $step
        (block $d (block $c (block $b (block $a
          (br_table $a $b $c $d (i32.and (local.get $i) (i32.const 3))))
          (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i)))) (br $d))
          (local.set $acc (i64.mul (local.get $acc) (i64.const 3))) (br $d))
          (local.set $acc (i64.xor (local.get $acc) (i64.rotl (local.get $acc) (i64.const 13)))) (br $d))
        (local.set $acc (i64.sub (local.get $acc) (i64.const 7)))
        (br_if $step (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $acc)))`,
  },
];

/** Node's WebAssembly engine (the project's TypeScript library settings do not declare it). */
const WASM = (globalThis as unknown as { WebAssembly: { instantiate(b: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }> } }).WebAssembly;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};

/** The module with a mutable i64 global `__count` (exported) incremented before every counted instruction. */
export function instrument(bytes: Uint8Array): Uint8Array {
  const r = new Reader(bytes, 8);
  const sections: { id: number; body: Uint8Array }[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.u();
    sections.push({ id, body: r.bytes(size) });
  }
  const count = (body: Uint8Array) => new Reader(body).u();
  let importedGlobals = 0;
  const imp = sections.find((s) => s.id === 2);
  if (imp) {
    const ir = new Reader(imp.body);
    for (let n = ir.u(), i = 0; i < n; i++) {
      ir.name();
      ir.name();
      const k = ir.byte();
      if (k === 0) ir.u();
      else if (k === 1) (ir.byte(), ir.byte() === 1 ? (ir.u(), ir.u()) : ir.u());
      else if (k === 2) ir.byte() === 1 ? (ir.u(), ir.u()) : ir.u();
      else (importedGlobals++, ir.byte(), ir.byte());
    }
  }
  const gsec = sections.find((s) => s.id === 6);
  const g = importedGlobals + (gsec ? count(gsec.body) : 0);
  const withItem = (body: Uint8Array | undefined, item: number[]): Uint8Array => {
    if (!body) return Uint8Array.from([1, ...item]);
    const rr = new Reader(body);
    const n = rr.u();
    return Uint8Array.from([...leb(n + 1), ...body.subarray(rr.pos), ...item]);
  };
  const bump = [0x23, ...leb(g), 0x42, 0x01, 0x7c, 0x24, ...leb(g)];
  const code = sections.find((s) => s.id === 10);
  if (code) {
    const cr = new Reader(code.body);
    const out: number[] = [];
    const n = cr.u();
    out.push(...leb(n));
    for (let i = 0; i < n; i++) {
      const size = cr.u();
      const end = cr.pos + size;
      const br: Reader = new Reader(code.body, cr.pos, end);
      for (let groups = br.u(), k = 0; k < groups; k++) (br.u(), br.byte());
      const fn: number[] = Array.from(code.body.subarray(cr.pos, br.pos));
      while (!br.done) {
        const at = br.pos;
        const op = br.byte();
        if (op === 0x02 || op === 0x03 || op === 0x04) {
          const b = br.b[br.pos];
          if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) br.pos++;
          else br.s(33);
        } else skipImmediates(br, op);
        if (![0x02, 0x03, 0x05, 0x0b, 0x01].includes(op)) fn.push(...bump);
        fn.push(...code.body.subarray(at, br.pos));
      }
      out.push(...leb(fn.length), ...fn);
      cr.pos = end;
    }
    code.body = Uint8Array.from(out);
  }
  const global = [0x7e, 0x01, 0x42, 0x00, 0x0b];
  const exp = [...leb(7), ...Buffer.from("__count"), 0x03, ...leb(g)];
  const put = (id: number, item: number[]) => {
    const s = sections.find((x) => x.id === id);
    if (s) s.body = withItem(s.body, item);
    else {
      // sections in the binary format's order; 12 (data count) sits between 9 and 10
      const order = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];
      const at = sections.findIndex((x) => x.id !== 0 && order.indexOf(x.id) > order.indexOf(id));
      sections.splice(at < 0 ? sections.length : at, 0, { id, body: withItem(undefined, item) });
    }
  };
  put(6, global);
  put(7, exp);
  const out: number[] = [...bytes.subarray(0, 8)];
  for (const s of sections) out.push(s.id, ...leb(s.body.length), ...s.body);
  return Uint8Array.from(out);
}

/** Normal operands within 2^±20 (random sign and fraction): the cost of the common case. */
function normals(seed: number) {
  const rnd = mulberry32(seed);
  return (t: string): bigint => {
    const [F, X] = t === "f32" ? [23n, 8n] : t === "f64" ? [52n, 11n] : [0n, 0n];
    if (!X) return BigInt.asUintN(width(t), BigInt(Math.floor((rnd() - 0.5) * 2 ** 40)));
    const bias = (1n << (X - 1n)) - 1n;
    let frac = 0n;
    for (let i = 0n; i < F; i += 16n) frac = (frac << 16n) | BigInt(Math.floor(rnd() * 65536));
    return ((rnd() < 0.5 ? 1n : 0n) << (F + X)) | ((bias + BigInt(Math.floor(rnd() * 41) - 20)) << F) | (frac & ((1n << F) - 1n));
  };
}

/**
 * zkVM instructions per float instruction (the soft-float call included): a guest applies the
 * instruction to n operand records, a second guest only loads the operands; the difference over n.
 * Operands: the tests' mix of specials, subnormals and boundaries, and normal values near 1.
 */
async function floatCosts(wabt: Awaited<ReturnType<typeof wabtInit>>, n: number) {
  const rows = [];
  const count = (wat: string, input: Uint8Array) => {
    const m = wabt.parseWat("f.wat", wat, {});
    const bin = m.toBinary({}).buffer;
    m.destroy();
    const lifted = compileWasm(bin, { entry: "main" });
    const z = lifted.module && buildZkvm(lifted.module);
    if (!z?.program) throw new Error(`float guest: ${lifted.diagnostics[0]?.message ?? z?.diagnostics[0]?.message}`);
    const r = execute(z.program, { input, maxInstructions: 100_000_000 });
    if (!r.ok) throw new Error(`float guest: ${r.message}`);
    return r.instructions;
  };
  for (const [k, op] of FLOAT_OPS.entries()) {
    if (op.traps) continue; // the same code as trunc_sat plus two checks
    const costs: Record<string, number> = {};
    for (const [label, gen] of [["mixed", operands(9000 + k)], ["normal", normals(9000 + k)]] as const) {
      const input = Buffer.alloc(8 * op.ins.length * n);
      for (let i = 0; i < n * op.ins.length; i++) input.writeBigUInt64LE(gen(op.ins[i % op.ins.length]), 8 * i);
      const bytes = new Uint8Array(input);
      const full = count(floatGuestWat(op), bytes);
      const base = count(floatGuestWat(op, true), bytes);
      costs[label] = Math.round(((full - base) / n) * 10) / 10;
    }
    process.stdout.write(`${op.wasm}: ${costs.mixed} zkVM instructions (mixed operands), ${costs.normal} (normal operands)\n`);
    rows.push({ op: op.wasm, mixed: costs.mixed, normal: costs.normal });
  }
  return rows;
}

export async function run(): Promise<object> {
  const wabt = await wabtInit();
  const rows = [];
  for (const p of PROGRAMS) {
    const m = wabt.parseWat("p.wat", p.wat, { multi_value: true, bulk_memory: true, sign_extension: true });
    const bin = m.toBinary({ write_debug_names: true }).buffer;
    m.destroy();
    const inst = await WASM.instantiate(instrument(bin));
    const ex = inst.instance.exports;
    const native = (ex.main as (...a: number[]) => unknown)(...p.args);
    const wasmInstructions = Number((ex.__count as { value: bigint }).value);
    const lifted = compileWasm(bin, { entry: "main" });
    if (!lifted.module) throw new Error(`${p.name}: ${lifted.diagnostics[0]?.message}`);
    const z = buildZkvm(lifted.module);
    if (!z.program) throw new Error(`${p.name}: ${z.diagnostics[0]?.message}`);
    const input = encodeInputs(z.program.sig!, p.args);
    if (typeof input === "string") throw new Error(input);
    const t0 = performance.now();
    const r = execute(z.program, { input, counts: true });
    const ms = performance.now() - t0;
    if (!r.ok) throw new Error(`${p.name}: ${r.message}`);
    const outs = decodeOutputs(z.program.sig!, r.output);
    const want = (Array.isArray(native) ? native : [native]).map((v) => (typeof v === "bigint" ? BigInt.asUintN(64, v).toString() : (v as number) >>> 0));
    if (typeof outs === "string" || JSON.stringify(outs.outputs) !== JSON.stringify(want)) throw new Error(`${p.name}: the zkVM gave ${JSON.stringify(outs)}, the WebAssembly engine ${JSON.stringify(want)}`);
    const row = {
      program: p.name,
      wasmInstructions,
      zkvmInstructions: r.instructions,
      perWasmInstruction: Math.round((r.instructions / wasmInstructions) * 1000) / 1000,
      families: r.families,
      codeInstructions: z.program.code.length / 4,
      executeMs: Math.round(ms * 10) / 10,
    };
    process.stdout.write(`${p.name}: ${wasmInstructions} WebAssembly instructions → ${r.instructions} zkVM instructions (${row.perWasmInstruction} each)\n`);
    rows.push(row);
  }
  const floatOps = await floatCosts(wabt, 200);
  return {
    note: "zkVM instructions per executed WebAssembly instruction (block/loop/else/end/nop not counted); results checked against Node's WebAssembly engine. floatOps: zkVM instructions per float instruction (soft-float call included), mean over 200 operand records of the tests' mix (specials, subnormals, boundaries) and of normal values within 2^±20",
    rows,
    floatOps,
  };
}

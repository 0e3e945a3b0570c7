// Float instructions through the whole path (WASM frontend with the soft-float library linked,
// zkVM backend, executor) against V8 running the same .wasm: per operation one guest reads operand
// records from its input, applies the instruction to each and writes the results. Results must be
// bit-exact, NaN results the canonical NaN (V8 may give another NaN where the spec allows it). The
// trapping conversions get operands V8 does not trap on here; their traps are the spec tests'
// (conversions.wast) and the cases below.
import { describe, expect, it } from "vitest";
import wabtInit from "wabt";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { compileWasm } from "../../compiler/wasm/index.ts";
import { execute } from "../../runtime/zkvm/index.ts";
import { CANONICAL, FLOAT_OPS, type FloatOp, floatGuestWat as guestWat, isNaNBits, operands, width } from "./softfloat-ops.ts";

interface V8Api {
  instantiate(b: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const V8 = (globalThis as unknown as { WebAssembly: V8Api }).WebAssembly;
/** operand records per operation through the zkVM (the library alone meets 10,000 per op in softfloat.test.ts) */
const N = 300;

async function runV8(bin: Uint8Array, input: Uint8Array): Promise<Uint8Array | "trap"> {
  let mem: { buffer: ArrayBuffer } | undefined;
  let out = new Uint8Array(0);
  let at = 0;
  const zkvm = {
    input_len: () => input.length - at,
    read_input: (p: number, n: number) => (new Uint8Array(mem!.buffer).set(input.subarray(at, at + n), p), (at += n)),
    write_output: (p: number, n: number) => (out = new Uint8Array(mem!.buffer).slice(p, p + n)),
  };
  const inst = (await V8.instantiate(bin, { zkvm })).instance;
  mem = inst.exports.mem as { buffer: ArrayBuffer };
  try {
    (inst.exports.main as () => void)();
  } catch {
    return "trap";
  }
  return out;
}

const records = (op: FloatOp, gen: ReturnType<typeof operands>, n: number): bigint[][] => Array.from({ length: n }, () => op.ins.map((t) => gen(t)));
function encode(rs: bigint[][]): Uint8Array {
  const b = Buffer.alloc(rs.reduce((s, r) => s + 8 * r.length, 0));
  let o = 0;
  for (const r of rs) for (const v of r) (b.writeBigUInt64LE(v, o), (o += 8));
  return new Uint8Array(b);
}
const word = (b: Uint8Array, i: number, w: number) => BigInt.asUintN(w, Buffer.from(b.buffer, b.byteOffset, b.byteLength).readBigUInt64LE(8 * i));

describe("float instructions in the zkVM against V8", async () => {
  const wabt = await wabtInit();
  const binOf = (wat: string) => {
    const m = wabt.parseWat("g.wat", wat, {});
    const b = m.toBinary({}).buffer;
    m.destroy();
    return b;
  };
  const compile = (bin: Uint8Array) => {
    const lifted = compileWasm(bin, { entry: "main" });
    if (!lifted.module) throw new Error(lifted.diagnostics.map((d) => d.message).join("\n"));
    const z = buildZkvm(lifted.module);
    if (!z.program) throw new Error(z.diagnostics.map((d) => d.message).join("\n"));
    return z.program;
  };

  FLOAT_OPS.forEach((op, k) => {
    it(`${op.wasm}: ${N} operand records`, async () => {
      const bin = binOf(guestWat(op));
      const prog = compile(bin);
      const gen = operands(5000 + k);
      let rs = records(op, gen, N);
      if (op.traps) {
        // keep the operands V8 converts without trapping
        const t = op.ins[0];
        const i = t === "f32" ? "i32" : "i64";
        const probe = (await V8.instantiate(binOf(`(module (func (export "f") (param ${i}) (drop (${op.wasm} (${t}.reinterpret_${i} (local.get 0))))))`), {})).instance.exports.f as (x: number | bigint) => void;
        const converts = (x: bigint) => {
          try {
            probe(i === "i32" ? Number(BigInt.asIntN(32, x)) : BigInt.asIntN(64, x));
            return true;
          } catch {
            return false;
          }
        };
        rs = records(op, gen, 4 * N).filter((r) => converts(r[0])).slice(0, N);
      }
      const input = encode(rs);
      const want = await runV8(bin, input);
      if (want === "trap") throw new Error("V8 trapped");
      const r = execute(prog, { input, maxInstructions: 50_000_000 });
      if (!r.ok) throw new Error(r.message);
      const w = width(op.out);
      const bad: string[] = [];
      rs.forEach((args, i) => {
        const [g, v] = [word(r.output, i, w), word(want, i, w)];
        const ok = isNaNBits(op.out, v) ? g === CANONICAL[op.out as "f32" | "f64"] : g === v;
        if (!ok && bad.length < 5) bad.push(`${op.wasm}(${args.map((a) => `0x${a.toString(16)}`).join(", ")}) = 0x${g.toString(16)}, V8 0x${v.toString(16)}`);
      });
      expect(bad).toEqual([]);
      expect(rs.length).toBe(N);
    });
  });

  it("trapping conversions: NaN is an invalid conversion, out of range an integer overflow", () => {
    const op = (wasm: string) => FLOAT_OPS.find((o) => o.wasm === wasm)!;
    const cases: [string, bigint, RegExp][] = [
      ["i32.trunc_f64_s", 0x7ff8000000000001n, /trap 18/], ["i32.trunc_f64_s", 0x41e0000000000000n, /trap 12/], ["i32.trunc_f64_s", 0xc1e0000000200000n, /trap 12/],
      ["i32.trunc_f64_s", 0xc1e00000001fffffn, /^ok$/], ["i64.trunc_f32_u", 0xff800000n, /trap 12/], ["i64.trunc_f32_u", 0x5f800000n, /trap 12/],
      ["i64.trunc_f32_u", 0xffc00000n, /trap 18/], ["i64.trunc_f32_u", 0xbf7fffffn, /^ok$/],
    ];
    for (const [name, arg, want] of cases) {
      const r = execute(compile(binOf(guestWat(op(name)))), { input: encode([[arg]]) });
      expect(r.ok ? "ok" : r.message, `${name}(0x${arg.toString(16)})`).toMatch(want);
    }
  });
});

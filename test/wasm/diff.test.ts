// Differential test against Node's WebAssembly engine (V8) as the outside reference: random
// functions over every i32/i64 operator, locals, if/block/br_if/loop, memory loads and stores, run in
// both V8 and the zkVM (WASM frontend → backend → executor). Results must be equal, and a trap in one
// (division by zero, signed overflow, an address out of bounds, unreachable) must be a trap in the other.
import { describe, expect, it } from "vitest";
import wabtInit from "wabt";
import { mulberry32 } from "../../base/prng/index.ts";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { compileWasm } from "../../compiler/wasm/index.ts";
import { decodeOutputs, encodeInputs, execute } from "../../runtime/zkvm/index.ts";

interface V8Api {
  compile(b: Uint8Array): Promise<object>;
  instantiate(m: object): Promise<{ exports: Record<string, unknown> }>;
}
const V8 = (globalThis as unknown as { WebAssembly: V8Api }).WebAssembly;

type Ty = "i32" | "i64";
const EDGE32 = ["0", "1", "-1", "2", "31", "32", "0x7fffffff", "0x80000000", "0xffff", "0x8000", "0x7f800000", "0x3f800000", "0xbf800000"];
const EDGE64 = ["0", "1", "-1", "63", "64", "0x7fffffffffffffff", "0x8000000000000000", "0xffffffff", "0x100000000", "0x7ff0000000000000", "0x3ff0000000000000"];
const BIN = ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"];
const CMP = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];

function generator(seed: number) {
  const rnd = mulberry32(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)];
  const konst = (t: Ty) => `(${t}.const ${rnd() < 0.6 ? pick(t === "i32" ? EDGE32 : EDGE64) : t === "i32" ? String(int(2 ** 31) - 2 ** 30) : String(BigInt(int(2 ** 31)) * BigInt(int(2 ** 31)) - (1n << 40n))})`;
  // locals: 0 i32 param, 1 i64 param, 2 i32, 3 i64
  const local = (t: Ty) => (t === "i32" ? pick([0, 2]) : pick([1, 3]));
  const expr = (t: Ty, d: number): string => {
    if (d <= 0 || rnd() < 0.2) return rnd() < 0.5 ? konst(t) : `(local.get ${local(t)})`;
    const o: Ty = rnd() < 0.5 ? "i32" : "i64";
    switch (int(13)) {
      case 0: case 1: case 2: return `(${t}.${rnd() < 0.7 ? pick(BIN.filter((n) => !n.includes("div") && !n.includes("rem"))) : pick(BIN)} ${expr(t, d - 1)} ${expr(t, d - 1)})`;
      case 3: return t === "i32" ? `(${o}.${pick(CMP)} ${expr(o, d - 1)} ${expr(o, d - 1)})` : `(i64.extend_i32_${pick(["s", "u"])} ${expr("i32", d - 1)})`;
      case 4: return `(${t}.${pick(["clz", "ctz", "popcnt", "extend8_s", "extend16_s", ...(t === "i64" ? ["extend32_s"] : [])])} ${expr(t, d - 1)})`;
      case 5: return t === "i32" ? pick([`(i32.wrap_i64 ${expr("i64", d - 1)})`, `(${o}.eqz ${expr(o, d - 1)})`]) : `(i64.extend_i32_s ${expr("i32", d - 1)})`;
      case 6: return `(if (result ${t}) ${expr("i32", d - 1)} (then ${expr(t, d - 1)}) (else ${expr(t, d - 1)}))`;
      case 7: return `(block (result ${t}) (drop (br_if 0 ${expr(t, d - 1)} ${expr("i32", d - 1)})) ${expr(t, d - 1)})`;
      case 8: return `(local.tee ${local(t)} ${expr(t, d - 1)})`;
      case 9: {
        // a load, mostly in bounds, sometimes past the one page
        const w = t === "i32" ? pick(["load", "load8_s", "load8_u", "load16_s", "load16_u"]) : pick(["load", "load8_s", "load16_u", "load32_s", "load32_u"]);
        const addr = rnd() < 0.9 ? `(i32.and ${expr("i32", d - 1)} (i32.const 0xfff0))` : expr("i32", d - 1);
        return `(${t}.${w} offset=${rnd() < 0.05 ? 65530 : pick([0, 1, 7])} ${addr})`;
      }
      case 10: return `(select ${expr(t, d - 1)} ${expr(t, d - 1)} ${expr("i32", d - 1)})`;
      case 11: {
        // floats as bit patterns: the comparisons, and abs / neg / copysign
        const f = t === "i32" ? "f32" : "f64";
        const asF = (x: string) => `(${f}.reinterpret_${t} ${x})`;
        if (t === "i32" && rnd() < 0.5) {
          const g = pick(["f32", "f64"] as const);
          const gi = g === "f32" ? "i32" : "i64";
          return `(${g}.${pick(["eq", "ne", "lt", "gt", "le", "ge"])} (${g}.reinterpret_${gi} ${expr(gi, d - 1)}) (${g}.reinterpret_${gi} ${expr(gi, d - 1)}))`;
        }
        const op = pick(["abs", "neg", "copysign"]);
        return `(${t}.reinterpret_${f} (${f}.${op} ${asF(expr(t, d - 1))}${op === "copysign" ? ` ${asF(expr(t, d - 1))}` : ""}))`;
      }
      default: return `(${t}.${pick(["add", "xor", "mul"])} ${expr(t, d - 1)} ${expr(t, d - 1)})`;
    }
  };
  const stmt = (d: number): string => {
    switch (int(5)) {
      case 0: return `(local.set ${local("i32")} ${expr("i32", d)})`;
      case 1: return `(local.set ${local("i64")} ${expr("i64", d)})`;
      case 2: return `(i64.store${pick(["", "8", "32"])} offset=${pick([0, 3])} (i32.and ${expr("i32", d)} (i32.const 0xfff0)) ${expr("i64", d)})`;
      case 3: return `(i32.store${pick(["", "16"])} (i32.and ${expr("i32", d)} (i32.const 0xfff0)) ${expr("i32", d)})`;
      default: {
        // a bounded loop: local 4 (used nowhere else) counts to at most 5
        const body = Array.from({ length: 1 + int(2) }, () => pick([`(local.set 3 ${expr("i64", d - 1)})`, `(i32.store (i32.and ${expr("i32", d - 1)} (i32.const 0xfff0)) ${expr("i32", d - 1)})`])).join(" ");
        return `(local.set 4 (i32.const 0)) (loop ${body} (br_if 0 (i32.lt_u (local.tee 4 (i32.add (local.get 4) (i32.const 1))) (i32.const ${1 + int(5)}))))`;
      }
    }
  };
  return (): string => {
    const stmts = Array.from({ length: 1 + int(4) }, () => stmt(2 + int(2))).join("\n  ");
    const data = Array.from({ length: 64 }, () => `\\${int(256).toString(16).padStart(2, "0")}`).join("");
    return `(module (memory 1) (data (i32.const 16) "${data}")
  (func (export "main") (param i32 i64) (result i32 i64) (local i32 i64 i32)
  ${stmts}
  ${expr("i32", 3)} ${expr("i64", 3)}))`;
  };
}

describe("WASM frontend against V8", () => {
  it("300 random functions × 3 argument pairs: the same results, or a trap in both", { timeout: 120_000 }, async () => {
    const wabt = await wabtInit();
    const next = generator(20261208);
    const rnd = mulberry32(7);
    const args = () => [[0, 0n], [1, -1n], [Math.floor(rnd() * 2 ** 32) | 0, BigInt(Math.floor(rnd() * 2 ** 53)) - (1n << 52n)]] as [number, bigint][];
    const problems: string[] = [];
    let traps = 0;
    let compared = 0;
    for (let i = 0; i < 300; i++) {
      const wat = next();
      const m = wabt.parseWat("d.wat", wat, { multi_value: true, sign_extension: true });
      const bin = m.toBinary({}).buffer;
      m.destroy();
      const compiled = await V8.compile(bin);
      const lifted = compileWasm(bin, { entry: "main" });
      const z = lifted.module ? buildZkvm(lifted.module) : undefined;
      if (!z?.program) {
        problems.push(`#${i}: did not compile: ${(lifted.diagnostics[0] ?? z?.diagnostics[0])?.message}\n${wat}`);
        continue;
      }
      for (const [a, b] of args()) {
        // a fresh instance per call: the data segment and memory as the zkVM starts them
        const main = (await V8.instantiate(compiled)).exports.main as (a: number, b: bigint) => [number, bigint];
        let want: string;
        try {
          const [x, y] = main(a, b);
          want = `${x >>> 0},${BigInt.asUintN(64, y)}`;
        } catch {
          want = "trap";
        }
        const input = encodeInputs(z.program.sig!, [a >>> 0, BigInt.asUintN(64, b).toString()]);
        if (typeof input === "string") throw new Error(input);
        const r = execute(z.program, { input, maxInstructions: 1_000_000 });
        let got: string;
        if (!r.ok) got = r.kind === "trap" ? "trap" : r.message;
        else {
          const o = decodeOutputs(z.program.sig!, r.output);
          got = typeof o === "string" ? o : o.outputs.map(String).join(",");
        }
        compared++;
        if (want === "trap") traps++;
        if (got !== want) problems.push(`#${i} main(${a}, ${b}): V8 ${want}, zkVM ${got}${r.ok ? "" : ` (${r.message})`}\n${wat}`);
      }
    }
    console.log(`wasm vs V8: ${compared} calls compared, ${traps} trapped in both`);
    expect(problems.slice(0, 3)).toEqual([]);
    expect(traps).toBeGreaterThan(20);
    expect(compared - traps).toBeGreaterThan(450);
  });
});

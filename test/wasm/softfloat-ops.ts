// Shared by the soft-float tests: the float operations with their WebAssembly signatures, the
// soft-float export that implements each, and random operands weighted towards the special values.
import { mulberry32 } from "../../base/prng/index.ts";

export type FTy = "i32" | "i64";
export interface FloatOp {
  /** the WebAssembly instruction */
  wasm: string;
  /** operand types of the instruction (floats as "f32"/"f64") */
  ins: ("f32" | "f64" | "i32" | "i64")[];
  out: "f32" | "f64" | "i32" | "i64";
  /** a trapping float → integer conversion */
  traps?: boolean;
}

export const FLOAT_OPS: FloatOp[] = [];
for (const w of ["f32", "f64"] as const) {
  for (const n of ["add", "sub", "mul", "div", "min", "max"]) FLOAT_OPS.push({ wasm: `${w}.${n}`, ins: [w, w], out: w });
  for (const n of ["sqrt", "ceil", "floor", "trunc", "nearest"]) FLOAT_OPS.push({ wasm: `${w}.${n}`, ins: [w], out: w });
  for (const i of ["i32", "i64"] as const)
    for (const s of ["s", "u"]) {
      FLOAT_OPS.push({ wasm: `${w}.convert_${i}_${s}`, ins: [i], out: w });
      FLOAT_OPS.push({ wasm: `${i}.trunc_${w}_${s}`, ins: [w], out: i, traps: true });
      FLOAT_OPS.push({ wasm: `${i}.trunc_sat_${w}_${s}`, ins: [w], out: i });
    }
}
FLOAT_OPS.push({ wasm: "f64.promote_f32", ins: ["f32"], out: "f64" }, { wasm: "f32.demote_f64", ins: ["f64"], out: "f32" });

export const bitsOf = (t: string): FTy => (t === "f32" || t === "i32" ? "i32" : "i64");
export const width = (t: string) => (bitsOf(t) === "i32" ? 32 : 64);

/** Random operand bit patterns (unsigned bigints) for one type: specials, boundaries, random bits. */
export function operands(seed: number) {
  const rnd = mulberry32(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const bits = (n: number) => {
    let v = 0n;
    for (let i = 0; i < n; i += 16) v = (v << 16n) | BigInt(int(65536));
    return BigInt.asUintN(n, v);
  };
  const fl = (t: "f32" | "f64"): bigint => {
    const [F, X] = t === "f32" ? [23n, 8n] : [52n, 11n];
    const S = 1n << (F + X);
    const E = (1n << X) - 1n;
    const bias = (1n << (X - 1n)) - 1n;
    const sign = rnd() < 0.5 ? S : 0n;
    const frac = () => (rnd() < 0.3 ? [0n, 1n, (1n << F) - 1n, 1n << (F - 1n), (1n << (F - 1n)) + 1n, (1n << (F - 1n)) - 1n][int(6)] : bits(Number(F)));
    switch (int(10)) {
      case 0: return sign | [0n, E << F, (E << F) | 1n, (E << F) | (1n << (F - 1n)), (E << F) | bits(Number(F)) | 1n, 1n, (1n << F) - 1n, 1n << F, ((E - 1n) << F) | ((1n << F) - 1n)][int(9)];
      case 1: return sign | frac(); // subnormal
      case 2: // integral or half-integral values near 1 .. 2^F (rounding and conversions)
      case 3: {
        const e = BigInt(int(Number(F) + 3));
        return sign | ((bias + e) << F) | (rnd() < 0.5 ? frac() & ~((1n << F) - (1n << (F > e ? F - e : 0n)) ^ ((1n << F) - 1n)) : frac());
      }
      case 4: { // near the integer ranges' bounds (2^31, 2^32, 2^63, 2^64)
        const e = BigInt([30, 31, 32, 62, 63, 64][int(6)]);
        return sign | ((bias + e) << F) | (rnd() < 0.5 ? [0n, 1n, (1n << F) - 1n][int(3)] : frac());
      }
      case 5: return sign | ((bias + BigInt(int(8)) - 4n) << F) | frac(); // near 1
      default: return bits(Number(F + X + 1n));
    }
  };
  const integer = (t: "i32" | "i64"): bigint => {
    const n = t === "i32" ? 32 : 64;
    const k = int(6);
    if (k === 0) return BigInt.asUintN(n, [0n, 1n, -1n, 1n << BigInt(n - 1), (1n << BigInt(n - 1)) - 1n, (1n << 24n) + 1n, (1n << 53n) + 1n][int(7)]);
    if (k <= 2) return BigInt.asUintN(n, bits(1 + int(n)) * (rnd() < 0.5 ? -1n : 1n)); // varied magnitudes
    return bits(n);
  };
  return (t: "f32" | "f64" | "i32" | "i64") => (t === "f32" || t === "f64" ? fl(t) : integer(t));
}

/** The soft-float export implementing an operation: [value function, trap-status function?]. */
export function softfloatExports(op: FloatOp): { value: string; check?: string } {
  const name = op.wasm.replace(".", "_");
  if (op.traps) return { value: `${name}_sat`, check: `${name}_check` };
  if (op.wasm.includes("trunc_sat")) return { value: name.replace("trunc_sat", "trunc") + "_sat" };
  return { value: name };
}

/** NaN test on a result's bit pattern. */
export function isNaNBits(t: string, v: bigint): boolean {
  if (t === "f32") return (v & 0x7fffffffn) > 0x7f800000n;
  if (t === "f64") return (v & 0x7fffffffffffffffn) > 0x7ff0000000000000n;
  return false;
}
export const CANONICAL = { f32: 0x7fc00000n, f64: 0x7ff8000000000000n } as const;

/**
 * A guest applying `op` to every 8-byte operand record of its input (one operand per 8 bytes) and
 * writing one 8-byte result per record; `loadsOnly`: the same loop with a constant for the result.
 */
export function floatGuestWat(op: FloatOp, loadsOnly = false): string {
  const OUT = 0x20000;
  const args = op.ins.map((t, i) => `(${t}.load offset=${8 * i} (local.get $p))`);
  const value = loadsOnly ? `(block (result ${op.out}) ${args.map((a) => `(drop ${a})`).join(" ")} (${op.out}.const 0))` : `(${op.wasm} ${args.join(" ")})`;
  return `(module
  (import "zkvm" "input_len" (func $len (result i32)))
  (import "zkvm" "read_input" (func $read (param i32 i32)))
  (import "zkvm" "write_output" (func $write (param i32 i32)))
  (memory (export "mem") 4)
  (func (export "main") (local $n i32) (local $p i32) (local $q i32)
    (local.set $n (call $len))
    (call $read (i32.const 0) (local.get $n))
    (local.set $q (i32.const ${OUT}))
    (block (loop
      (br_if 1 (i32.ge_u (local.get $p) (local.get $n)))
      (${op.out}.store (local.get $q) ${value})
      (local.set $p (i32.add (local.get $p) (i32.const ${8 * op.ins.length})))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br 0)))
    (call $write (i32.const ${OUT}) (i32.sub (local.get $q) (i32.const ${OUT})))))`;
}

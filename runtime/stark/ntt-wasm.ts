// The BabyBear NTT butterflies in WebAssembly: a product is one i64 multiplication and a Montgomery
// reduction (R = 2^32) against twiddles kept as w·R mod p, so the data stays canonical (< p) and the
// transforms are drop-in replacements for ntt.ts's TypeScript loops (which remain the reference and
// the fallback where the module cannot be built). Built by runtime/field/wasm/module.ts (binaryen, cached
// on disk); one instance per thread, its twiddle tables kept once made.
import { compileModule, WasmInstance } from "../field/wasm/module.ts";
import { P, inv, mul, rootOfUnity } from "./field.ts";

const P_BIG = BigInt(P);
/** −p^{-1} mod 2^32 */
const NPINV = Number((1n << 32n) - (modInverse(P_BIG, 1n << 32n) as bigint));
const R_MOD_P = Number((1n << 32n) % P_BIG);

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

const WAT = `
(func $mm (param $x i64) (param $y i64) (result i64)
  (local $t i64) (local $u i64)
  (local.set $t (i64.mul (local.get $x) (local.get $y)))
  (local.set $u (i64.shr_u
    (i64.add (local.get $t)
      (i64.mul (i64.and (i64.mul (i64.and (local.get $t) (i64.const 0xffffffff)) (i64.const ${NPINV})) (i64.const 0xffffffff)) (i64.const ${P})))
    (i64.const 32)))
  (select (i64.sub (local.get $u) (i64.const ${P})) (local.get $u) (i64.ge_u (local.get $u) (i64.const ${P}))))

;; decimation in frequency: natural order in, bit-reversed out; tw[len + j] = ω_{2len}^j · R
(func $bb_dif (param $a i32) (param $n i32) (param $tw i32)
  (local $len i32) (local $i i32) (local $j i32) (local $p i32) (local $q i32) (local $u i64) (local $v i64) (local $s i64)
  (local.set $len (i32.shr_u (local.get $n) (i32.const 1)))
  (block $done (loop $stages
    (br_if $done (i32.eqz (local.get $len)))
    (local.set $i (i32.const 0))
    (block $bd (loop $blocks
      (br_if $bd (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $j (i32.const 0))
      (block $jd (loop $js
        (br_if $jd (i32.ge_u (local.get $j) (local.get $len)))
        (local.set $p (i32.add (local.get $a) (i32.shl (i32.add (local.get $i) (local.get $j)) (i32.const 2))))
        (local.set $q (i32.add (local.get $p) (i32.shl (local.get $len) (i32.const 2))))
        (local.set $u (i64.load32_u (local.get $p)))
        (local.set $v (i64.load32_u (local.get $q)))
        (local.set $s (i64.add (local.get $u) (local.get $v)))
        (i32.store (local.get $p) (i32.wrap_i64 (select (i64.sub (local.get $s) (i64.const ${P})) (local.get $s) (i64.ge_u (local.get $s) (i64.const ${P})))))
        (i32.store (local.get $q) (i32.wrap_i64 (call $mm
          (select (i64.sub (local.get $u) (local.get $v)) (i64.sub (i64.add (local.get $u) (i64.const ${P})) (local.get $v)) (i64.ge_u (local.get $u) (local.get $v)))
          (i64.load32_u (i32.add (local.get $tw) (i32.shl (i32.add (local.get $len) (local.get $j)) (i32.const 2)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $js)))
      (local.set $i (i32.add (local.get $i) (i32.shl (local.get $len) (i32.const 1))))
      (br $blocks)))
    (local.set $len (i32.shr_u (local.get $len) (i32.const 1)))
    (br $stages))))

;; decimation in time: bit-reversed order in, natural out
(func $bb_dit (param $a i32) (param $n i32) (param $tw i32)
  (local $len i32) (local $i i32) (local $j i32) (local $p i32) (local $q i32) (local $u i64) (local $v i64) (local $s i64)
  (local.set $len (i32.const 1))
  (block $done (loop $stages
    (br_if $done (i32.ge_u (local.get $len) (local.get $n)))
    (local.set $i (i32.const 0))
    (block $bd (loop $blocks
      (br_if $bd (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $j (i32.const 0))
      (block $jd (loop $js
        (br_if $jd (i32.ge_u (local.get $j) (local.get $len)))
        (local.set $p (i32.add (local.get $a) (i32.shl (i32.add (local.get $i) (local.get $j)) (i32.const 2))))
        (local.set $q (i32.add (local.get $p) (i32.shl (local.get $len) (i32.const 2))))
        (local.set $u (i64.load32_u (local.get $p)))
        (local.set $v (call $mm (i64.load32_u (local.get $q))
          (i64.load32_u (i32.add (local.get $tw) (i32.shl (i32.add (local.get $len) (local.get $j)) (i32.const 2))))))
        (local.set $s (i64.add (local.get $u) (local.get $v)))
        (i32.store (local.get $p) (i32.wrap_i64 (select (i64.sub (local.get $s) (i64.const ${P})) (local.get $s) (i64.ge_u (local.get $s) (i64.const ${P})))))
        (i32.store (local.get $q) (i32.wrap_i64
          (select (i64.sub (local.get $u) (local.get $v)) (i64.sub (i64.add (local.get $u) (i64.const ${P})) (local.get $v)) (i64.ge_u (local.get $u) (local.get $v)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $js)))
      (local.set $i (i32.add (local.get $i) (i32.shl (local.get $len) (i32.const 1))))
      (br $blocks)))
    (local.set $len (i32.shl (local.get $len) (i32.const 1)))
    (br $stages))))

;; a[i] ← a[i]·c for c given as c·R
(func $bb_scale (param $a i32) (param $n i32) (param $c i64)
  (local $p i32) (local $end i32)
  (local.set $p (local.get $a))
  (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $p) (local.get $end)))
    (i32.store (local.get $p) (i32.wrap_i64 (call $mm (i64.load32_u (local.get $p)) (local.get $c))))
    (local.set $p (i32.add (local.get $p) (i32.const 4)))
    (br $l))))
`;

interface Engine {
  w: WasmInstance;
  dif: (a: number, n: number, tw: number) => void;
  dit: (a: number, n: number, tw: number) => void;
  scale: (a: number, n: number, c: bigint) => void;
  tables: Map<string, number>;
}

let engine: Engine | null | undefined;

function getEngine(): Engine | null {
  if (engine !== undefined) return engine;
  try {
    const c = compileModule("babybear-ntt", [() => ({ code: WAT, exports: ["bb_dif", "bb_dit", "bb_scale"] })]);
    const w = new WasmInstance(c.module, c.constEnd);
    const ex = w.exports as unknown as Record<string, (...a: unknown[]) => void>;
    engine = { w, dif: ex.bb_dif as Engine["dif"], dit: ex.bb_dit as Engine["dit"], scale: ex.bb_scale as Engine["scale"], tables: new Map() };
  } catch {
    engine = null;
  }
  return engine;
}

/** Whether the WASM transforms are in use (CWL_STARK_WASM=0 turns them off). */
export function wasmNttAvailable(): boolean {
  return process.env.CWL_STARK_WASM !== "0" && getEngine() !== null;
}

function table(e: Engine, logN: number, inverse: boolean): number {
  const key = `${logN}${inverse ? "i" : "f"}`;
  let at = e.tables.get(key);
  if (at !== undefined) return at;
  const n = 1 << logN;
  const t = new Uint32Array(Math.max(n, 2));
  for (let len = 1, lg = 1; len < n; len <<= 1, lg++) {
    let w = rootOfUnity(lg);
    if (inverse) w = inv(w);
    let x = R_MOD_P;
    for (let j = 0; j < len; j++) {
      t[len + j] = x;
      x = mul(x, w);
    }
  }
  e.w.reset();
  at = e.w.put(t);
  e.w.pin();
  e.tables.set(key, at);
  return at;
}

/** Runs one transform on `a` in place inside the instance's memory. */
function run(a: Uint32Array, which: "dif" | "dit", inverse: boolean): void {
  const e = getEngine()!;
  const n = a.length;
  const logN = Math.log2(n);
  const tw = table(e, logN, inverse);
  e.w.reset();
  const ptr = e.w.put(a);
  (which === "dif" ? e.dif : e.dit)(ptr, n, tw);
  if (inverse && n > 1) e.scale(ptr, n, BigInt(mul(inv(n), R_MOD_P)));
  a.set(e.w.u32(ptr, n));
}

export function wasmDif(a: Uint32Array): void {
  run(a, "dif", false);
}

export function wasmDit(a: Uint32Array, inverse: boolean): void {
  run(a, "dit", inverse);
}


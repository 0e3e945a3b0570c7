// Quartic-extension arithmetic over BabyBear (F[X]/(X^4 − 11)) in WebAssembly, for the prover's column
// loops: products of extension columns (LogUp, quotient), batch inversion (LogUp's denominators) and
// the powers of a point (openings). A product of two canonical elements is below p² < 2^62, so a sum of
// up to four of them fits a u64 and is reduced once by i64.rem_u; the X^4 = 11 terms are reduced first
// (11·p² would not fit). Results are canonical, so they equal field.ts's scalar code bit for bit (the
// tests compare them); the TypeScript loops stay the reference and the fallback (CWL_STARK_WASM=0).
// Built like ntt-wasm.ts through runtime/field/wasm/module.ts; one instance per thread.
import { compileModule, WasmInstance } from "../field/wasm/module.ts";
import { P, eBatchInvCols, einv, type Ext } from "./field.ts";

// $em: out(o + k·so) = a(a + k·sa) · b(b + k·sb), the four coefficients of each at stride `s*` bytes.
const WAT = `
(func $em (param $a i32) (param $sa i32) (param $b i32) (param $sb i32) (param $o i32) (param $so i32)
  (local $x0 i64) (local $x1 i64) (local $x2 i64) (local $x3 i64) (local $y0 i64) (local $y1 i64) (local $y2 i64) (local $y3 i64)
  (local.set $x0 (i64.load32_u (local.get $a)))
  (local.set $x1 (i64.load32_u (i32.add (local.get $a) (local.get $sa))))
  (local.set $x2 (i64.load32_u (i32.add (local.get $a) (i32.shl (local.get $sa) (i32.const 1)))))
  (local.set $x3 (i64.load32_u (i32.add (local.get $a) (i32.mul (local.get $sa) (i32.const 3)))))
  (local.set $y0 (i64.load32_u (local.get $b)))
  (local.set $y1 (i64.load32_u (i32.add (local.get $b) (local.get $sb))))
  (local.set $y2 (i64.load32_u (i32.add (local.get $b) (i32.shl (local.get $sb) (i32.const 1)))))
  (local.set $y3 (i64.load32_u (i32.add (local.get $b) (i32.mul (local.get $sb) (i32.const 3)))))
  (i32.store (local.get $o) (i32.wrap_i64 (i64.rem_u
    (i64.add (i64.mul (local.get $x0) (local.get $y0))
      (i64.mul (i64.const 11) (i64.rem_u (i64.add (i64.add (i64.mul (local.get $x1) (local.get $y3)) (i64.mul (local.get $x2) (local.get $y2))) (i64.mul (local.get $x3) (local.get $y1))) (i64.const ${P}))))
    (i64.const ${P}))))
  (i32.store (i32.add (local.get $o) (local.get $so)) (i32.wrap_i64 (i64.rem_u
    (i64.add (i64.add (i64.mul (local.get $x0) (local.get $y1)) (i64.mul (local.get $x1) (local.get $y0)))
      (i64.mul (i64.const 11) (i64.rem_u (i64.add (i64.mul (local.get $x2) (local.get $y3)) (i64.mul (local.get $x3) (local.get $y2))) (i64.const ${P}))))
    (i64.const ${P}))))
  (i32.store (i32.add (local.get $o) (i32.shl (local.get $so) (i32.const 1))) (i32.wrap_i64 (i64.rem_u
    (i64.add (i64.add (i64.add (i64.mul (local.get $x0) (local.get $y2)) (i64.mul (local.get $x1) (local.get $y1))) (i64.mul (local.get $x2) (local.get $y0)))
      (i64.mul (i64.const 11) (i64.rem_u (i64.mul (local.get $x3) (local.get $y3)) (i64.const ${P}))))
    (i64.const ${P}))))
  (i32.store (i32.add (local.get $o) (i32.mul (local.get $so) (i32.const 3))) (i32.wrap_i64 (i64.rem_u
    (i64.add (i64.add (i64.mul (local.get $x0) (local.get $y3)) (i64.mul (local.get $x1) (local.get $y2)))
      (i64.add (i64.mul (local.get $x2) (local.get $y1)) (i64.mul (local.get $x3) (local.get $y0))))
    (i64.const ${P})))))

;; o = a·b for n elements, each array four columns of n words (column j at offset 4·n·j)
(func $ext_mul_cols (param $a i32) (param $b i32) (param $o i32) (param $n i32)
  (local $i i32) (local $s i32) (local $off i32)
  (local.set $s (i32.shl (local.get $n) (i32.const 2)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $off (i32.shl (local.get $i) (i32.const 2)))
    (call $em (i32.add (local.get $a) (local.get $off)) (local.get $s) (i32.add (local.get $b) (local.get $off)) (local.get $s) (i32.add (local.get $o) (local.get $off)) (local.get $s))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))

;; pre[i] = c[0]·…·c[i−1] (four columns of n words each); acc (4 words, starts at 1) ends as the product
(func $ext_prefix (param $c i32) (param $pre i32) (param $n i32) (param $acc i32)
  (local $i i32) (local $s i32) (local $off i32)
  (local.set $s (i32.shl (local.get $n) (i32.const 2)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $off (i32.shl (local.get $i) (i32.const 2)))
    (i32.store (i32.add (local.get $pre) (local.get $off)) (i32.load (local.get $acc)))
    (i32.store (i32.add (i32.add (local.get $pre) (local.get $off)) (local.get $s)) (i32.load offset=4 (local.get $acc)))
    (i32.store (i32.add (i32.add (local.get $pre) (local.get $off)) (i32.shl (local.get $s) (i32.const 1))) (i32.load offset=8 (local.get $acc)))
    (i32.store (i32.add (i32.add (local.get $pre) (local.get $off)) (i32.mul (local.get $s) (i32.const 3))) (i32.load offset=12 (local.get $acc)))
    (call $em (local.get $acc) (i32.const 4) (i32.add (local.get $c) (local.get $off)) (local.get $s) (local.get $acc) (i32.const 4))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))

;; from iv = (c[0]·…·c[n−1])^{-1}: c[i] ← iv·pre[i], iv ← iv·c[i], for i from n − 1 down (tmp: 4 words)
(func $ext_back (param $c i32) (param $pre i32) (param $n i32) (param $iv i32) (param $tmp i32)
  (local $i i32) (local $s i32) (local $off i32) (local $p i32)
  (local.set $s (i32.shl (local.get $n) (i32.const 2)))
  (local.set $i (local.get $n))
  (block $d (loop $l
    (br_if $d (i32.eqz (local.get $i)))
    (local.set $i (i32.sub (local.get $i) (i32.const 1)))
    (local.set $off (i32.shl (local.get $i) (i32.const 2)))
    (local.set $p (i32.add (local.get $c) (local.get $off)))
    (call $em (local.get $iv) (i32.const 4) (i32.add (local.get $pre) (local.get $off)) (local.get $s) (local.get $tmp) (i32.const 4))
    (call $em (local.get $iv) (i32.const 4) (local.get $p) (local.get $s) (local.get $iv) (i32.const 4))
    (i32.store (local.get $p) (i32.load (local.get $tmp)))
    (i32.store (i32.add (local.get $p) (local.get $s)) (i32.load offset=4 (local.get $tmp)))
    (i32.store (i32.add (local.get $p) (i32.shl (local.get $s) (i32.const 1))) (i32.load offset=8 (local.get $tmp)))
    (i32.store (i32.add (local.get $p) (i32.mul (local.get $s) (i32.const 3))) (i32.load offset=12 (local.get $tmp)))
    (br $l))))

;; o[i] += e·a[i] for i < n (e: 4 words; a, o: four columns of n words; tmp: 4 words)
(func $ext_axpy (param $e i32) (param $a i32) (param $o i32) (param $n i32) (param $tmp i32)
  (local $i i32) (local $s i32) (local $off i32) (local $p i32) (local $j i32) (local $v i32)
  (local.set $s (i32.shl (local.get $n) (i32.const 2)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $off (i32.shl (local.get $i) (i32.const 2)))
    (call $em (local.get $e) (i32.const 4) (i32.add (local.get $a) (local.get $off)) (local.get $s) (local.get $tmp) (i32.const 4))
    (local.set $j (i32.const 0))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $j) (i32.const 4)))
      (local.set $p (i32.add (i32.add (local.get $o) (local.get $off)) (i32.mul (local.get $s) (local.get $j))))
      (local.set $v (i32.add (i32.load (local.get $p)) (i32.load (i32.add (local.get $tmp) (i32.shl (local.get $j) (i32.const 2))))))
      (i32.store (local.get $p) (select (i32.sub (local.get $v) (i32.const ${P})) (local.get $v) (i32.ge_u (local.get $v) (i32.const ${P}))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jl)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))

;; out[i] = z^i for i < n (four columns of n words; z: 4 words)
(func $ext_powers (param $z i32) (param $out i32) (param $n i32)
  (local $i i32) (local $s i32) (local $off i32)
  (local.set $s (i32.shl (local.get $n) (i32.const 2)))
  (i32.store (local.get $out) (i32.const 1))
  (i32.store (i32.add (local.get $out) (local.get $s)) (i32.const 0))
  (i32.store (i32.add (local.get $out) (i32.shl (local.get $s) (i32.const 1))) (i32.const 0))
  (i32.store (i32.add (local.get $out) (i32.mul (local.get $s) (i32.const 3))) (i32.const 0))
  (local.set $i (i32.const 1))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $off (i32.shl (local.get $i) (i32.const 2)))
    (call $em (i32.sub (i32.add (local.get $out) (local.get $off)) (i32.const 4)) (local.get $s) (local.get $z) (i32.const 4) (i32.add (local.get $out) (local.get $off)) (local.get $s))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))
`;

interface Engine {
  w: WasmInstance;
  mulCols: (a: number, b: number, o: number, n: number) => void;
  prefix: (c: number, pre: number, n: number, acc: number) => void;
  back: (c: number, pre: number, n: number, iv: number, tmp: number) => void;
  powers: (z: number, out: number, n: number) => void;
  axpy: (e: number, a: number, o: number, n: number, tmp: number) => void;
}

let engine: Engine | null | undefined;

function getEngine(): Engine | null {
  if (engine !== undefined) return engine;
  try {
    const c = compileModule("babybear-ext4", [() => ({ code: WAT, exports: ["ext_mul_cols", "ext_prefix", "ext_back", "ext_powers", "ext_axpy"] })]);
    const w = new WasmInstance(c.module, c.constEnd);
    const ex = w.exports as unknown as Record<string, never>;
    engine = { w, mulCols: ex.ext_mul_cols, prefix: ex.ext_prefix, back: ex.ext_back, powers: ex.ext_powers, axpy: ex.ext_axpy };
  } catch {
    engine = null;
  }
  return engine;
}

/** Below this many elements the TypeScript loops are used (copying in and out would dominate). */
const MIN_WASM = 64;

/** The engine when the WASM loops are in use for `n` elements (CWL_STARK_WASM=0 turns them off). */
function use(n: number): Engine | null {
  if (n < MIN_WASM || process.env.CWL_STARK_WASM === "0") return null;
  return getEngine();
}

/** Copies four columns of n words into one allocation (column j at 4·n·j bytes). */
function putCols(w: WasmInstance, cols: Uint32Array[], n: number): number {
  const p = w.alloc(16 * n);
  for (let j = 0; j < 4; j++) w.u32(p + 4 * n * j, n).set(cols[j]);
  return p;
}

function getCols(w: WasmInstance, p: number, n: number, out: Uint32Array[]): void {
  for (let j = 0; j < 4; j++) out[j].set(w.u32(p + 4 * n * j, n));
}

/** The pointwise product of two extension columns, or null where the WASM loops are not in use. */
export function wasmExtMulCols(a: Uint32Array[], b: Uint32Array[]): Uint32Array[] | null {
  const n = a[0].length;
  const e = use(n);
  if (!e) return null;
  e.w.reset();
  const pa = putCols(e.w, a, n);
  const pb = putCols(e.w, b, n);
  const po = e.w.alloc(16 * n);
  e.mulCols(pa, pb, po, n);
  const o = [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)];
  getCols(e.w, po, n, o);
  return o;
}

/** Batch inversion of four extension columns in place; false where the WASM loops are not in use. */
export function wasmExtBatchInv(c: Uint32Array[]): boolean {
  const n = c[0].length;
  const e = use(n);
  if (!e) return false;
  e.w.reset();
  const pc = putCols(e.w, c, n);
  const pre = e.w.alloc(16 * n);
  const acc = e.w.put(Uint32Array.of(1, 0, 0, 0));
  e.prefix(pc, pre, n, acc);
  const total = Array.from(e.w.u32(acc, 4)) as Ext;
  if (total.every((v) => v === 0)) throw new Error("BabyBear^4: inverse of zero");
  const iv = e.w.put(Uint32Array.from(einv(total)));
  const tmp = e.w.alloc(16);
  e.back(pc, pre, n, iv, tmp);
  getCols(e.w, pc, n, c);
  return true;
}

/** z^0 … z^(n−1) as four columns, or null where the WASM loops are not in use. */
export function wasmExtPowers(z: Ext, n: number): Uint32Array[] | null {
  const e = use(n);
  if (!e) return null;
  e.w.reset();
  const pz = e.w.put(Uint32Array.from(z));
  const po = e.w.alloc(16 * n);
  e.powers(pz, po, n);
  const o = [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)];
  getCols(e.w, po, n, o);
  return o;
}

/** o[i] += e·a[i] over four extension columns each (FRI folding); false where the WASM loops are not in use. */
export function wasmExtAxpy(e: Ext, a: Uint32Array[], o: Uint32Array[]): boolean {
  const n = a[0].length;
  const en = use(n);
  if (!en) return false;
  en.w.reset();
  const pe = en.w.put(Uint32Array.from(e));
  const pa = putCols(en.w, a, n);
  const po = putCols(en.w, o, n);
  const tmp = en.w.alloc(16);
  en.axpy(pe, pa, po, n, tmp);
  getCols(en.w, po, n, o);
  return true;
}

/** Batch inversion of four extension columns in place (WASM where in use, else field.ts's loop). */
export function extBatchInvCols(c: Uint32Array[]): void {
  if (!wasmExtBatchInv(c)) eBatchInvCols(c);
}

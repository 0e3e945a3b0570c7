// WAT text for one prime field over packed little-endian 32-bit limbs in Montgomery form.
// Generic fields: fully unrolled CIOS in i64 lanes, in the "no-carry" form (valid when the modulus' top limb
// < 2^31 − 1, true for every named field but Goldilocks), which needs no extra accumulator words.
// Goldilocks: one i64 per element, Montgomery reduction specialised to p = 2^64 − 2^32 + 1.
// BabyBear is the one-limb case of the generic CIOS.
import type { PrimeField } from "../prime-field.ts";
import { montParams } from "../limbs.ts";
import type { WatPart, ConstAlloc } from "./module.ts";

const MASK = "(i64.const 0xffffffff)";
const g = (n: string) => `(local.get $${n})`;
const set = (n: string, v: string) => `(local.set $${n} ${v})`;
const c64 = (x: bigint | number) => `(i64.const ${BigInt(x)})`;

function limbsOf(x: bigint, n: number): bigint[] {
  return Array.from({ length: n }, (_, i) => (x >> BigInt(32 * i)) & 0xffffffffn);
}

export function bytesOfLimbs(x: bigint, n: number): Uint8Array {
  const out = new Uint8Array(4 * n);
  for (let i = 0; i < 4 * n; i++) out[i] = Number((x >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Whether the generic no-carry CIOS applies (top limb of p < 2^31 − 1). */
export function noCarryApplies(field: PrimeField): boolean {
  const top = field.p >> BigInt(32 * (field.limbs - 1));
  return top < 0x7fffffffn;
}

export function isGoldilocks(field: PrimeField): boolean {
  return field.p === (1n << 64n) - (1n << 32n) + 1n;
}

export function hasWasmField(field: PrimeField): boolean {
  return isGoldilocks(field) || noCarryApplies(field);
}

function locals(names: string[]): string {
  return names.map((n) => `(local $${n} i64)`).join(" ");
}

function genericArith(P: string, field: PrimeField): string {
  const m = montParams(field);
  const N = m.limbs;
  const p = limbsOf(field.p, N);
  const ld = (ptr: string, i: number) => `(i64.load32_u offset=${4 * i} ${g(ptr)})`;
  const st = (ptr: string, i: number, v: string) => `(i64.store32 offset=${4 * i} ${g(ptr)} ${v})`;
  const a = Array.from({ length: N }, (_, i) => `a${i}`);
  const t = Array.from({ length: N }, (_, i) => `t${i}`);
  const s = Array.from({ length: N }, (_, i) => `s${i}`);
  const out: string[] = [];

  // Conditional subtraction of p from t (known < 2p), storing into r.
  const reduceStore = (): string[] => {
    const L: string[] = [];
    for (let j = 0; j < N; j++) {
      const diff = j === 0 ? `(i64.sub ${g(t[j])} ${c64(p[j])})` : `(i64.sub (i64.sub ${g(t[j])} ${c64(p[j])}) ${g("br")})`;
      L.push(set("x", diff), set(s[j], `(i64.and ${g("x")} ${MASK})`), set("br", `(i64.shr_u ${g("x")} (i64.const 63))`));
    }
    for (let j = 0; j < N; j++) L.push(st("r", j, `(select ${g(s[j])} ${g(t[j])} (i64.eqz ${g("br")}))`));
    return L;
  };

  // mul
  {
    const L: string[] = [];
    for (let j = 0; j < N; j++) L.push(set(a[j], ld("a", j)));
    for (let i = 0; i < N; i++) {
      L.push(set("bi", ld("b", i)));
      const prod0 = `(i64.mul ${g(a[0])} ${g("bi")})`;
      L.push(set("x", i === 0 ? prod0 : `(i64.add ${g(t[0])} ${prod0})`));
      L.push(set("A", `(i64.shr_u ${g("x")} (i64.const 32))`), set(t[0], `(i64.and ${g("x")} ${MASK})`));
      L.push(set("m", `(i64.and (i64.mul ${g(t[0])} ${c64(m.pInv32)}) ${MASK})`));
      L.push(set("C", `(i64.shr_u (i64.add ${g(t[0])} (i64.mul ${g("m")} ${c64(p[0])})) (i64.const 32))`));
      for (let j = 1; j < N; j++) {
        const prod = `(i64.mul ${g(a[j])} ${g("bi")})`;
        L.push(set("x", i === 0 ? `(i64.add ${prod} ${g("A")})` : `(i64.add (i64.add ${g(t[j])} ${prod}) ${g("A")})`));
        L.push(set("A", `(i64.shr_u ${g("x")} (i64.const 32))`), set(t[j], `(i64.and ${g("x")} ${MASK})`));
        L.push(set("x", `(i64.add (i64.add ${g(t[j])} (i64.mul ${g("m")} ${c64(p[j])})) ${g("C")})`));
        L.push(set("C", `(i64.shr_u ${g("x")} (i64.const 32))`), set(t[j - 1], `(i64.and ${g("x")} ${MASK})`));
      }
      L.push(set(t[N - 1], `(i64.add ${g("C")} ${g("A")})`));
    }
    L.push(...reduceStore());
    out.push(`(func $${P}_mul (param $r i32) (param $a i32) (param $b i32) ${locals([...a, ...t, ...s, "bi", "m", "A", "C", "x", "br"])}
  ${L.join("\n  ")})`);
  }
  // add: a + b < 2p < 2^(32N) thanks to the spare top bit, then conditional subtraction.
  {
    const L: string[] = [];
    for (let j = 0; j < N; j++) {
      const sum = `(i64.add ${ld("a", j)} ${ld("b", j)})`;
      L.push(set("x", j === 0 ? sum : `(i64.add ${sum} ${g("cy")})`));
      L.push(set(t[j], `(i64.and ${g("x")} ${MASK})`), set("cy", `(i64.shr_u ${g("x")} (i64.const 32))`));
    }
    L.push(...reduceStore());
    out.push(`(func $${P}_add (param $r i32) (param $a i32) (param $b i32) ${locals([...t, ...s, "x", "br", "cy"])}
  ${L.join("\n  ")})`);
  }
  // sub: a − b, plus p when it borrowed.
  {
    const L: string[] = [];
    for (let j = 0; j < N; j++) {
      const d = `(i64.sub ${ld("a", j)} ${ld("b", j)})`;
      L.push(set("x", j === 0 ? d : `(i64.sub ${d} ${g("br")})`));
      L.push(set(t[j], `(i64.and ${g("x")} ${MASK})`), set("br", `(i64.shr_u ${g("x")} (i64.const 63))`));
    }
    L.push(set("mk", `(i64.sub (i64.const 0) ${g("br")})`));
    for (let j = 0; j < N; j++) {
      const sum = `(i64.add ${g(t[j])} (i64.and ${c64(p[j])} ${g("mk")}))`;
      L.push(set("x", j === 0 ? sum : `(i64.add ${sum} ${g("cy")})`));
      L.push(st("r", j, g("x")), set("cy", `(i64.shr_u ${g("x")} (i64.const 32))`));
    }
    out.push(`(func $${P}_sub (param $r i32) (param $a i32) (param $b i32) ${locals([...t, "x", "br", "cy", "mk"])}
  ${L.join("\n  ")})`);
  }
  return out.join("\n");
}

function goldilocksArith(P: string): string {
  const EPS = "(i64.const 0xffffffff)"; // 2^64 mod p
  const PV = "(i64.const 0xffffffff00000001)";
  // (a + b) mod p: on 64-bit overflow add 2^64 mod p, then one conditional subtraction.
  const add = `(func $${P}_add (param $r i32) (param $a i32) (param $b i32) (local $x i64) (local $y i64) (local $s i64)
  (local.set $x (i64.load (local.get $a))) (local.set $y (i64.load (local.get $b)))
  (local.set $s (i64.add (local.get $x) (local.get $y)))
  (if (i64.lt_u (local.get $s) (local.get $x)) (then (local.set $s (i64.add (local.get $s) ${EPS}))))
  (if (i64.ge_u (local.get $s) ${PV}) (then (local.set $s (i64.sub (local.get $s) ${PV}))))
  (i64.store (local.get $r) (local.get $s)))`;
  const sub = `(func $${P}_sub (param $r i32) (param $a i32) (param $b i32) (local $x i64) (local $y i64) (local $s i64)
  (local.set $x (i64.load (local.get $a))) (local.set $y (i64.load (local.get $b)))
  (local.set $s (i64.sub (local.get $x) (local.get $y)))
  (if (i64.lt_u (local.get $x) (local.get $y)) (then (local.set $s (i64.sub (local.get $s) ${EPS}))))
  (i64.store (local.get $r) (local.get $s)))`;
  // 64×64 → 128 by 32-bit halves, then Montgomery reduction by R = 2^64 exploiting p' = −(1 + 2^32)
  // (the reduction of Winterfell's f64), then one conditional subtraction to stay canonical.
  const mul = `(func $${P}_mul (param $r i32) (param $a i32) (param $b i32)
  (local $x i64) (local $y i64) (local $a0 i64) (local $a1 i64) (local $b0 i64) (local $b1 i64)
  (local $p00 i64) (local $p01 i64) (local $p10 i64) (local $mid i64) (local $lo i64) (local $hi i64)
  (local $u i64) (local $e i64) (local $v i64) (local $s i64)
  (local.set $x (i64.load (local.get $a))) (local.set $y (i64.load (local.get $b)))
  (local.set $a0 (i64.and (local.get $x) ${MASK})) (local.set $a1 (i64.shr_u (local.get $x) (i64.const 32)))
  (local.set $b0 (i64.and (local.get $y) ${MASK})) (local.set $b1 (i64.shr_u (local.get $y) (i64.const 32)))
  (local.set $p00 (i64.mul (local.get $a0) (local.get $b0)))
  (local.set $p01 (i64.mul (local.get $a0) (local.get $b1)))
  (local.set $p10 (i64.mul (local.get $a1) (local.get $b0)))
  (local.set $mid (i64.add (i64.add (i64.shr_u (local.get $p00) (i64.const 32)) (i64.and (local.get $p01) ${MASK})) (i64.and (local.get $p10) ${MASK})))
  (local.set $lo (i64.or (i64.and (local.get $p00) ${MASK}) (i64.shl (local.get $mid) (i64.const 32))))
  (local.set $hi (i64.add (i64.add (i64.mul (local.get $a1) (local.get $b1)) (i64.shr_u (local.get $p01) (i64.const 32)))
    (i64.add (i64.shr_u (local.get $p10) (i64.const 32)) (i64.shr_u (local.get $mid) (i64.const 32)))))
  (local.set $u (i64.add (local.get $lo) (i64.shl (local.get $lo) (i64.const 32))))
  (local.set $e (i64.extend_i32_u (i64.lt_u (local.get $u) (local.get $lo))))
  (local.set $v (i64.sub (i64.sub (local.get $u) (i64.shr_u (local.get $u) (i64.const 32))) (local.get $e)))
  (local.set $s (i64.sub (local.get $hi) (local.get $v)))
  (if (i64.lt_u (local.get $hi) (local.get $v)) (then (local.set $s (i64.sub (local.get $s) ${EPS}))))
  (if (i64.ge_u (local.get $s) ${PV}) (then (local.set $s (i64.sub (local.get $s) ${PV}))))
  (i64.store (local.get $r) (local.get $s)))`;
  return [add, sub, mul].join("\n");
}

/**
 * The field part: scalar ops (P_add/sub/mul/sqr/neg/copy/iszero/eq/inv/pow) and vector ops over linear memory
 * (P_vadd/vsub/vmul/vscale/vinner/vbatchinv/vtomont/vfrommont/vpowers), `n` counting elements.
 */
export function fieldPart(P: string, field: PrimeField, alloc: ConstAlloc): WatPart {
  const m = montParams(field);
  const N = m.limbs;
  const S = 4 * N;
  const one = alloc(bytesOfLimbs(m.r, N));
  const r2 = alloc(bytesOfLimbs(m.r2, N));
  const raw1 = alloc(bytesOfLimbs(1n, N));
  const zero = alloc(new Uint8Array(S));
  const exp = alloc(bytesOfLimbs(field.p - 2n, N));
  const tmp = [alloc(new Uint8Array(S)), alloc(new Uint8Array(S)), alloc(new Uint8Array(S))];
  const nbits = field.bits;
  const arith = isGoldilocks(field) ? goldilocksArith(P) : genericArith(P, field);
  // Copies and comparisons in 64-bit words (memory.copy costs a runtime call per use in V8).
  const wide = S % 8 === 0;
  const W = wide ? S / 8 : S / 4;
  const ty = wide ? "i64" : "i32";
  const wb = wide ? 8 : 4;
  const words = Array.from({ length: W }, (_, i) => i);
  const ld = (ptr: string, i: number) => `(${ty}.load offset=${wb * i} (local.get ${ptr}))`;
  const orAll = (expr: (i: number) => string) => words.map(expr).reduce((x, y) => `(${ty}.or ${x} ${y})`);
  const copyBody = (r: string, a: string) => words.map((i) => `(${ty}.store offset=${wb * i} (local.get ${r}) ${ld(a, i)})`).join(" ");
  const vec = (name: string, body: string) => `(func $${P}_${name} (param $out i32) (param $a i32) (param $b i32) (param $n i32)
  (local $i i32)
  (block $done (loop $l
    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
    ${body}
    (local.set $out (i32.add (local.get $out) (i32.const ${S})))
    (local.set $a (i32.add (local.get $a) (i32.const ${S})))
    (local.set $b (i32.add (local.get $b) (i32.const ${S})))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))`;
  const code = `${arith}
(func $${P}_sqr (param $r i32) (param $a i32) (call $${P}_mul (local.get $r) (local.get $a) (local.get $a)))
(func $${P}_neg (param $r i32) (param $a i32) (call $${P}_sub (local.get $r) (i32.const ${zero}) (local.get $a)))
(func $${P}_copy (param $r i32) (param $a i32) ${copyBody("$r", "$a")})
(func $${P}_one (param $r i32) (local $a i32) (local.set $a (i32.const ${one})) ${copyBody("$r", "$a")})
(func $${P}_iszero (param $a i32) (result i32) (${ty}.eqz ${orAll((i) => ld("$a", i))}))
(func $${P}_eq (param $a i32) (param $b i32) (result i32) (${ty}.eqz ${orAll((i) => `(${ty}.xor ${ld("$a", i)} ${ld("$b", i)})`)}))
;; r = a^e, e given as nbits little-endian bits in memory at $e (square-and-multiply from the top bit).
(func $${P}_pow (param $r i32) (param $a i32) (param $e i32) (param $nbits i32) (local $i i32)
  (memory.copy (i32.const ${tmp[0]}) (local.get $a) (i32.const ${S}))
  (memory.copy (i32.const ${tmp[1]}) (i32.const ${one}) (i32.const ${S}))
  (local.set $i (local.get $nbits))
  (block $done (loop $l
    (br_if $done (i32.eqz (local.get $i)))
    (local.set $i (i32.sub (local.get $i) (i32.const 1)))
    (call $${P}_mul (i32.const ${tmp[1]}) (i32.const ${tmp[1]}) (i32.const ${tmp[1]}))
    (if (i32.and (i32.shr_u (i32.load8_u (i32.add (local.get $e) (i32.shr_u (local.get $i) (i32.const 3))))
                            (i32.and (local.get $i) (i32.const 7))) (i32.const 1))
      (then (call $${P}_mul (i32.const ${tmp[1]}) (i32.const ${tmp[1]}) (i32.const ${tmp[0]}))))
    (br $l)))
  (memory.copy (local.get $r) (i32.const ${tmp[1]}) (i32.const ${S})))
;; Fermat inverse; 0 maps to 0.
(func $${P}_inv (param $r i32) (param $a i32) (call $${P}_pow (local.get $r) (local.get $a) (i32.const ${exp}) (i32.const ${nbits})))
${vec("vadd", `(call $${P}_add (local.get $out) (local.get $a) (local.get $b))`)}
${vec("vsub", `(call $${P}_sub (local.get $out) (local.get $a) (local.get $b))`)}
${vec("vmul", `(call $${P}_mul (local.get $out) (local.get $a) (local.get $b))`)}
(func $${P}_vscale (param $out i32) (param $a i32) (param $c i32) (param $n i32) (local $i i32)
  (block $done (loop $l
    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
    (call $${P}_mul (local.get $out) (local.get $a) (local.get $c))
    (local.set $out (i32.add (local.get $out) (i32.const ${S})))
    (local.set $a (i32.add (local.get $a) (i32.const ${S})))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))
(func $${P}_vtomont (param $out i32) (param $a i32) (param $n i32) (call $${P}_vscale (local.get $out) (local.get $a) (i32.const ${r2}) (local.get $n)))
(func $${P}_vfrommont (param $out i32) (param $a i32) (param $n i32) (call $${P}_vscale (local.get $out) (local.get $a) (i32.const ${raw1}) (local.get $n)))
;; out = c^0, c^1, …, c^(n−1)
(func $${P}_vpowers (param $out i32) (param $c i32) (param $n i32) (local $i i32)
  (if (i32.eqz (local.get $n)) (then (return)))
  (call $${P}_one (local.get $out))
  (local.set $i (i32.const 1))
  (block $done (loop $l
    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
    (call $${P}_mul (i32.add (local.get $out) (i32.const ${S})) (local.get $out) (local.get $c))
    (local.set $out (i32.add (local.get $out) (i32.const ${S})))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))
(func $${P}_vinner (param $out i32) (param $a i32) (param $b i32) (param $n i32) (local $i i32)
  (memory.copy (local.get $out) (i32.const ${zero}) (i32.const ${S}))
  (block $done (loop $l
    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
    (call $${P}_mul (i32.const ${tmp[2]}) (local.get $a) (local.get $b))
    (call $${P}_add (local.get $out) (local.get $out) (i32.const ${tmp[2]}))
    (local.set $a (i32.add (local.get $a) (i32.const ${S})))
    (local.set $b (i32.add (local.get $b) (i32.const ${S})))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))
;; Montgomery's trick; out must not alias a; zero elements map to zero.
(func $${P}_vbatchinv (param $out i32) (param $a i32) (param $n i32) (local $i i32) (local $po i32) (local $pa i32)
  (memory.copy (i32.const ${tmp[2]}) (i32.const ${one}) (i32.const ${S}))
  (block $done (loop $l
    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $po (i32.add (local.get $out) (i32.mul (local.get $i) (i32.const ${S}))))
    (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (i32.const ${S}))))
    (memory.copy (local.get $po) (i32.const ${tmp[2]}) (i32.const ${S}))
    (if (i32.eqz (call $${P}_iszero (local.get $pa)))
      (then (call $${P}_mul (i32.const ${tmp[2]}) (i32.const ${tmp[2]}) (local.get $pa))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))
  (call $${P}_inv (i32.const ${tmp[2]}) (i32.const ${tmp[2]}))
  (block $done2 (loop $l2
    (br_if $done2 (i32.eqz (local.get $i)))
    (local.set $i (i32.sub (local.get $i) (i32.const 1)))
    (local.set $po (i32.add (local.get $out) (i32.mul (local.get $i) (i32.const ${S}))))
    (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (i32.const ${S}))))
    (if (call $${P}_iszero (local.get $pa))
      (then (memory.copy (local.get $po) (i32.const ${zero}) (i32.const ${S})))
      (else
        (call $${P}_mul (local.get $po) (local.get $po) (i32.const ${tmp[2]}))
        (call $${P}_mul (i32.const ${tmp[2]}) (i32.const ${tmp[2]}) (local.get $pa))))
    (br $l2))))`;
  const exports = [
    "add", "sub", "mul", "sqr", "neg", "copy", "inv", "pow", "iszero", "eq",
    "vadd", "vsub", "vmul", "vscale", "vtomont", "vfrommont", "vpowers", "vinner", "vbatchinv",
  ].map((f) => `${P}_${f}`);
  return { code, exports };
}

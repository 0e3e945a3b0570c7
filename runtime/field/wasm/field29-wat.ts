// WAT for a ≤ 254-bit prime field in nine 29-bit limbs (one u32 each, 36 bytes per element), Montgomery form
// with R = 2^261. The MSM's curve arithmetic runs on it: with 29-bit limbs a product of two limbs leaves
// 6 spare bits in an i64, so the Montgomery multiplication sums its 162 partial products without a carry
// chain (carries are propagated once, at the end), where the 32-bit-limb CIOS of field-wat.ts carries after
// every product. Elements are canonical (< p) between operations, so equality is limb equality.
// Conversion from and to the 8 × 32-bit Montgomery form (R = 2^256) of the rest of the runtime is one
// multiplication by a constant each way (`from32`, `to32`).
import type { PrimeField } from "../prime-field.ts";
import type { ConstAlloc, WatPart } from "./module.ts";

export const LIMB29 = 29;
export const LIMBS29 = 9;
/** Bytes per element. */
export const E29 = 4 * LIMBS29;
const MASK = (1n << 29n) - 1n;

/** x as nine 29-bit limbs, 36 little-endian bytes. */
export function bytes29(x: bigint): Uint8Array {
  const out = new Uint8Array(E29);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < LIMBS29; i++) dv.setUint32(4 * i, Number((x >> BigInt(29 * i)) & MASK), true);
  return out;
}

/** Whether the 29-bit kernels apply: p < 2^254 keeps every intermediate below 2^64 (4p < R as well). */
export function field29Applies(field: PrimeField): boolean {
  return field.p < 1n << 254n;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

const g = (n: string) => `(local.get $${n})`;
const set = (n: string, v: string) => `(local.set $${n} ${v})`;
const c64 = (x: bigint | number) => `(i64.const ${BigInt(x)})`;
const M29 = c64(MASK);

/**
 * The part: P_mul, P_sqr, P_add, P_sub, P_subl (a − b + 2p, a multiplication operand only), P_neg, P_copy, P_one, P_iszero, P_eq, P_inv, P_from32, P_to32 and the
 * vector forms P_vfrom32 / P_vto32 / P_vmul (n elements; the 32-bit side has 32-byte elements).
 */
export function field29Part(P: string, field: PrimeField, alloc: ConstAlloc): WatPart {
  if (!field29Applies(field)) throw new RangeError(`field29: ${field.name} is wider than 254 bits`);
  const p = field.p;
  const N = LIMBS29;
  const R = 1n << 261n;
  const pl = Array.from({ length: N }, (_, i) => (p >> BigInt(29 * i)) & MASK);
  const mu = (1n << 29n) - modInverse(p % (1n << 29n), 1n << 29n); // −p^−1 mod 2^29
  const one = alloc(bytes29(R % p));
  const zero = alloc(new Uint8Array(E29));
  // from32: x·2^256 (read as an integer) times 2^266 / 2^261 = x·2^261; to32: x·2^261 times 2^256 / 2^261.
  const kFrom = alloc(bytes29(((1n << 266n) % p)));
  const kTo = alloc(bytes29(((1n << 256n) % p)));
  const exp = p - 2n;
  const tmp = [alloc(new Uint8Array(E29)), alloc(new Uint8Array(E29)), alloc(new Uint8Array(E29))];
  const ld = (ptr: string, i: number) => `(i64.load32_u offset=${4 * i} ${g(ptr)})`;
  const st = (ptr: string, i: number, v: string) => `(i64.store32 offset=${4 * i} ${g(ptr)} ${v})`;
  const locals = (names: string[]) => names.map((n) => `(local $${n} i64)`).join(" ");
  const a = Array.from({ length: N }, (_, i) => `a${i}`);
  const b = Array.from({ length: N }, (_, i) => `b${i}`);
  const t = Array.from({ length: N }, (_, i) => `t${i}`);
  const s = Array.from({ length: N }, (_, i) => `s${i}`);

  // t (limbs < 2^29, value < 2p) minus p when that does not borrow, stored into r.
  const reduceStore = (): string[] => {
    const L: string[] = [];
    for (let j = 0; j < N; j++) {
      const d = j === 0 ? `(i64.sub ${g(t[j])} ${c64(pl[j])})` : `(i64.sub (i64.sub ${g(t[j])} ${c64(pl[j])}) ${g("br")})`;
      L.push(set("x", d), set(s[j], `(i64.and ${g("x")} ${M29})`), set("br", `(i64.shr_u ${g("x")} (i64.const 63))`));
    }
    for (let j = 0; j < N; j++) L.push(st("r", j, `(select ${g(s[j])} ${g(t[j])} (i64.eqz ${g("br")}))`));
    return L;
  };

  // Montgomery multiplication, operand scanning with deferred carries: after step i, t_j holds limb j + i + 1
  // of the running sum; each step adds a_i·b and q·p (two products < 2^58 per limb) and shifts by one limb,
  // so a limb sums at most 18 products plus one carry < 2^36: below 2^63.
  const mulBody = (square: boolean): string => {
    const L: string[] = [];
    for (let j = 0; j < N; j++) L.push(set(a[j], ld("a", j)));
    if (!square) for (let j = 0; j < N; j++) L.push(set(b[j], ld("b", j)));
    const B = square ? a : b;
    const q = t; // q_i reuse the t locals
    // Product scanning: column k sums a_i·b_(k−i) and q_i·p_(k−i) into one accumulator (at most 18 products
    // < 2^58 plus the carry < 2^35: below 2^63); for k < N the column's low limb fixes q_k.
    for (let k = 0; k < 2 * N - 1; k++) {
      const terms: string[] = [];
      for (let i = Math.max(0, k - N + 1); i <= Math.min(k, N - 1); i++) {
        if (square && i > k - i) break;
        const pr = `(i64.mul ${g(a[i])} ${g(B[k - i])})`;
        terms.push(square && i !== k - i ? `(i64.shl ${pr} (i64.const 1))` : pr);
      }
      for (let i = Math.max(0, k - N + 1); i <= Math.min(k - 1, N - 1); i++) terms.push(`(i64.mul ${g(q[i])} ${c64(pl[k - i])})`);
      let sum = terms.reduce((x, y) => `(i64.add ${x} ${y})`);
      if (k > 0) sum = `(i64.add ${g("x")} ${sum})`;
      L.push(set("x", sum));
      if (k < N) {
        L.push(set(q[k], `(i64.and (i64.mul ${g("x")} ${c64(mu)}) ${M29})`));
        L.push(set("x", `(i64.shr_u (i64.add ${g("x")} (i64.mul ${g(q[k])} ${c64(pl[0])})) (i64.const 29))`));
      } else {
        L.push(set(s[k - N], `(i64.and ${g("x")} ${M29})`), set("x", `(i64.shr_u ${g("x")} (i64.const 29))`));
      }
    }
    L.push(set(s[N - 1], g("x")));
    for (let j = 0; j < N; j++) L.push(set(t[j], g(s[j])));
    L.push(...reduceStore());
    return L.join("\n  ");
  };

  const addBody = (): string => {
    const L: string[] = [];
    for (let j = 0; j < N; j++) {
      const sum = `(i64.add ${ld("a", j)} ${ld("b", j)})`;
      L.push(set("x", j === 0 ? sum : `(i64.add ${sum} ${g("cy")})`));
      L.push(set(t[j], `(i64.and ${g("x")} ${M29})`), set("cy", `(i64.shr_u ${g("x")} (i64.const 29))`));
    }
    L.push(...reduceStore());
    return L.join("\n  ");
  };
  const subBody = (): string => {
    const L: string[] = [];
    for (let j = 0; j < N; j++) {
      const d = `(i64.sub ${ld("a", j)} ${ld("b", j)})`;
      L.push(set("x", j === 0 ? d : `(i64.sub ${d} ${g("br")})`));
      L.push(set(t[j], `(i64.and ${g("x")} ${M29})`), set("br", `(i64.shr_u ${g("x")} (i64.const 63))`));
    }
    L.push(set("mk", `(i64.sub (i64.const 0) ${g("br")})`));
    for (let j = 0; j < N; j++) {
      const sum = `(i64.add ${g(t[j])} (i64.and ${c64(pl[j])} ${g("mk")}))`;
      L.push(set("x", j === 0 ? sum : `(i64.add ${sum} ${g("cy")})`));
      L.push(st("r", j, `(i64.and ${g("x")} ${M29})`), set("cy", `(i64.shr_u ${g("x")} (i64.const 29))`));
    }
    return L.join("\n  ");
  };

  // a − b + 2p for canonical a, b, as normalised limbs of a value in (0, 3p): not canonical, but a valid
  // operand of P_mul (any input below 8p gives a product below 2p, which its final subtraction makes
  // canonical). 2p is written with borrowed limbs (2^29 added to every limb but the top, 1 taken from the
  // next) so that no limb difference goes negative: one carry pass, no borrow pass, no selection.
  const p2 = pl.map((x, j) => 2n * x + (j === 0 ? 1n << 29n : j < N - 1 ? (1n << 29n) - 1n : -1n));
  const sublBody = (): string => {
    const L: string[] = [];
    for (let j = 0; j < N; j++) {
      const d = `(i64.add (i64.sub ${ld("a", j)} ${ld("b", j)}) ${c64(p2[j])})`;
      L.push(set("x", j === 0 ? d : `(i64.add ${d} ${g("cy")})`));
      L.push(st("r", j, `(i64.and ${g("x")} ${M29})`));
      if (j < N - 1) L.push(set("cy", `(i64.shr_u ${g("x")} (i64.const 29))`));
    }
    return L.join("\n  ");
  };

  // 8 × 32-bit words ↔ nine 29-bit limbs of the same integer (< 2^256 in, < 2^254 out).
  const split = (): string => {
    const L: string[] = [];
    for (let j = 0; j < N; j++) {
      const bit = 29 * j;
      const w = bit >>> 5;
      const sh = bit & 31;
      let v = `(i64.shr_u (i64.load32_u offset=${4 * w} ${g("a")}) (i64.const ${sh}))`;
      if (sh + 29 > 32 && w + 1 < 8) v = `(i64.or ${v} (i64.shl (i64.load32_u offset=${4 * (w + 1)} ${g("a")}) (i64.const ${32 - sh})))`;
      L.push(`(i32.store offset=${4 * j} (i32.const ${tmp[0]}) (i32.wrap_i64 (i64.and ${v} ${M29})))`);
    }
    return L.join("\n  ");
  };
  const join = (): string => {
    const L: string[] = [];
    for (let w = 0; w < 8; w++) {
      const lo = 32 * w;
      const parts: string[] = [];
      for (let j = 0; j < N; j++) {
        const bit = 29 * j;
        if (bit + 29 <= lo || bit >= lo + 32) continue;
        const limb = `(i64.load32_u offset=${4 * j} (i32.const ${tmp[1]}))`;
        parts.push(bit >= lo ? `(i64.shl ${limb} (i64.const ${bit - lo}))` : `(i64.shr_u ${limb} (i64.const ${lo - bit}))`);
      }
      L.push(`(i32.store offset=${4 * w} ${g("r")} (i32.wrap_i64 ${parts.reduce((x, y) => `(i64.or ${x} ${y})`)}))`);
    }
    return L.join("\n  ");
  };
  const ld32 = (ptr: string, i: number) => `(i32.load offset=${4 * i} ${g(ptr)})`;
  const orAll = (f: (i: number) => string) => Array.from({ length: N }, (_, i) => f(i)).reduce((x, y) => `(i32.or ${x} ${y})`);
  const copyBody = (r: string, src: string) =>
    [0, 8, 16, 24].map((o) => `(i64.store offset=${o} ${g(r)} (i64.load offset=${o} ${g(src)}))`).join(" ") + ` (i32.store offset=32 ${g(r)} ${ld32(src, 8)})`;
  const expBits = Array.from({ length: exp.toString(2).length }, (_, i) => Number((exp >> BigInt(i)) & 1n));
  const expAt = alloc(Uint8Array.from({ length: Math.ceil(expBits.length / 8) }, (_, k) => expBits.slice(8 * k, 8 * k + 8).reduce((acc, bit, j) => acc | (bit << j), 0)));
  const vloop = (name: string, inStride: number, outStride: number, body: string) => `(func $${P}_${name} (param $out i32) (param $a i32) (param $n i32)
  (block $done (loop $l
    (br_if $done (i32.eqz (local.get $n)))
    ${body}
    (local.set $out (i32.add (local.get $out) (i32.const ${outStride})))
    (local.set $a (i32.add (local.get $a) (i32.const ${inStride})))
    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
    (br $l))))`;
  const code = `
(func $${P}_mul (param $r i32) (param $a i32) (param $b i32) ${locals([...a, ...b, ...t, ...s, "q", "x", "br"])}
  ${mulBody(false)})
(func $${P}_sqr (param $r i32) (param $a i32) ${locals([...a, ...t, ...s, "q", "x", "br"])}
  ${mulBody(true)})
(func $${P}_add (param $r i32) (param $a i32) (param $b i32) ${locals([...t, ...s, "x", "br", "cy"])}
  ${addBody()})
(func $${P}_sub (param $r i32) (param $a i32) (param $b i32) ${locals([...t, "x", "br", "cy", "mk"])}
  ${subBody()})
(func $${P}_subl (param $r i32) (param $a i32) (param $b i32) ${locals(["x", "cy"])}
  ${sublBody()})
(func $${P}_neg (param $r i32) (param $a i32) (call $${P}_sub (local.get $r) (i32.const ${zero}) (local.get $a)))
(func $${P}_copy (param $r i32) (param $a i32) ${copyBody("r", "a")})
(func $${P}_one (param $r i32) (local $a i32) (local.set $a (i32.const ${one})) ${copyBody("r", "a")})
(func $${P}_iszero (param $a i32) (result i32) (i32.eqz ${orAll((i) => ld32("a", i))}))
(func $${P}_eq (param $a i32) (param $b i32) (result i32) (i32.eqz ${orAll((i) => `(i32.xor ${ld32("a", i)} ${ld32("b", i)})`)}))
;; Fermat inverse (p − 2 from the top bit); 0 maps to 0.
(func $${P}_inv (param $r i32) (param $a i32) (local $i i32)
  (call $${P}_copy (i32.const ${tmp[2]}) (local.get $a))
  (call $${P}_one (i32.const ${tmp[1]}))
  (local.set $i (i32.const ${expBits.length}))
  (block $done (loop $l
    (br_if $done (i32.eqz (local.get $i)))
    (local.set $i (i32.sub (local.get $i) (i32.const 1)))
    (call $${P}_sqr (i32.const ${tmp[1]}) (i32.const ${tmp[1]}))
    (if (i32.and (i32.shr_u (i32.load8_u (i32.add (i32.const ${expAt}) (i32.shr_u (local.get $i) (i32.const 3))))
                            (i32.and (local.get $i) (i32.const 7))) (i32.const 1))
      (then (call $${P}_mul (i32.const ${tmp[1]}) (i32.const ${tmp[1]}) (i32.const ${tmp[2]}))))
    (br $l)))
  (call $${P}_copy (local.get $r) (i32.const ${tmp[1]})))
;; r (29-bit form) from a (8 × 32-bit Montgomery form, canonical).
(func $${P}_from32 (param $r i32) (param $a i32)
  ${split()}
  (call $${P}_mul (local.get $r) (i32.const ${tmp[0]}) (i32.const ${kFrom})))
;; r (8 × 32-bit Montgomery form) from a (29-bit form); r may alias a.
(func $${P}_to32 (param $r i32) (param $a i32)
  (call $${P}_mul (i32.const ${tmp[1]}) (local.get $a) (i32.const ${kTo}))
  ${join()})
${vloop("vfrom32", 32, E29, `(call $${P}_from32 (local.get $out) (local.get $a))`)}
${vloop("vto32", E29, 32, `(call $${P}_to32 (local.get $out) (local.get $a))`)}
(func $${P}_vmul (param $out i32) (param $a i32) (param $b i32) (param $n i32)
  (block $done (loop $l
    (br_if $done (i32.eqz (local.get $n)))
    (call $${P}_mul (local.get $out) (local.get $a) (local.get $b))
    (local.set $out (i32.add (local.get $out) (i32.const ${E29})))
    (local.set $a (i32.add (local.get $a) (i32.const ${E29})))
    (local.set $b (i32.add (local.get $b) (i32.const ${E29})))
    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
    (br $l))))`;
  const exports = ["mul", "sqr", "add", "sub", "subl", "neg", "copy", "inv", "iszero", "eq", "from32", "to32", "vfrom32", "vto32", "vmul"].map((f) => `${P}_${f}`);
  return { code, exports };
}

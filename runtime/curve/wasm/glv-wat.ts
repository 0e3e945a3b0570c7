// WAT for the GLV scalar decomposition (runtime/curve/glv.ts has the definition and the constants) and the
// endomorphism on packed affine points. Integers are little-endian 32-bit limbs held in i64 locals; products
// are summed by columns, each 64-bit product split into its low half (this column) and high half (the next),
// so no column sum overflows. k1 and k2 are computed modulo 2^160 (two's complement) and returned as
// magnitudes (four limbs each, < 2^128) with their signs.
import type { ConstAlloc, WatPart } from "../../field/index.ts";
import { BN254_FQ, bytes29, bytesOfLimbs, E29 } from "../../field/index.ts";
import { GLV, GLV_MOD } from "../glv.ts";

const M = "(i64.const 0xffffffff)";
const g = (n: string) => `(local.get $${n})`;
const set = (n: string, v: string) => `(local.set $${n} ${v})`;

function limbs(x: bigint, n: number): bigint[] {
  return Array.from({ length: n }, (_, i) => (x >> BigInt(32 * i)) & 0xffffffffn);
}

interface Term {
  x: string[];
  y: bigint[];
}

/**
 * Code setting locals `${out}0 … ${out}(nOut−1)` to limbs [from, from + nOut) of Σ terms (+ add[col]),
 * all columns below `from` computed for their carries only. Returns the code and the locals it uses.
 */
function columns(out: string, terms: Term[], add: (col: number) => string | undefined, from: number, nOut: number): { code: string; locals: string[] } {
  const L: string[] = [];
  const locals = new Set<string>(["acc", "hi", "nhi", "pr"]);
  L.push(set("hi", "(i64.const 0)"));
  for (let col = 0; col < from + nOut; col++) {
    L.push(set("acc", g("hi")), set("nhi", "(i64.const 0)"));
    const a = add(col);
    if (a) L.push(set("acc", `(i64.add ${g("acc")} ${a})`));
    for (const t of terms)
      for (let i = 0; i < t.x.length; i++) {
        const j = col - i;
        if (j < 0 || j >= t.y.length || t.y[j] === 0n) continue;
        L.push(set("pr", `(i64.mul ${g(t.x[i])} (i64.const ${t.y[j]}))`));
        L.push(set("acc", `(i64.add ${g("acc")} (i64.and ${g("pr")} ${M}))`), set("nhi", `(i64.add ${g("nhi")} (i64.shr_u ${g("pr")} (i64.const 32)))`));
      }
    if (col >= from) {
      const name = `${out}${col - from}`;
      locals.add(name);
      L.push(set(name, `(i64.and ${g("acc")} ${M})`));
    }
    L.push(set("hi", `(i64.add (i64.shr_u ${g("acc")} (i64.const 32)) ${g("nhi")})`));
  }
  return { code: L.join("\n  "), locals: [...locals] };
}

/**
 * glv_split(out, signs, k, n): for n scalars (8 words, < r) writes |k1| ‖ |k2| (8 words) and sign bits (byte: 1 = k1 < 0,
 * 2 = k2 < 0); g1_endo(dst, src, n) applies φ to n packed affine points (and, given `field29`, the function
 * it names does so on points in that 29-bit-limb field).
 */
export function glvPart(alloc: ConstAlloc, fqPrefix = "fq", field29?: { name: string; field: string }): WatPart {
  const k = Array.from({ length: 8 }, (_, i) => `k${i}`);
  const c1 = columns("C1_", [{ x: k, y: limbs(GLV.g1, 5) }], () => undefined, 8, 4);
  const C1 = Array.from({ length: 4 }, (_, i) => `C1_${i}`);
  const c2 = columns("C2_", [{ x: k, y: limbs(GLV.g2, 3) }], () => undefined, 8, 3);
  const C2 = Array.from({ length: 3 }, (_, i) => `C2_${i}`);
  const m = (x: bigint) => limbs(((x % GLV_MOD) + GLV_MOD) % GLV_MOD, 5);
  const k1 = columns("A", [{ x: C1, y: m(GLV.e11) }, { x: C2, y: m(GLV.e12) }], (col) => (col < 8 ? g(k[col]) : undefined), 0, 5);
  const k2 = columns("B", [{ x: C1, y: m(GLV.e21) }, { x: C2, y: m(GLV.e22) }], () => undefined, 0, 5);
  // Magnitude of a five-limb two's-complement value into out[off … off + 4) (the top limb is its sign).
  const abs = (v: string, off: number, bit: number): string => {
    const L: string[] = [];
    L.push(set("neg", `(i64.shr_u ${g(`${v}4`)} (i64.const 31))`));
    L.push(set("mk", `(i64.sub (i64.const 0) ${g("neg")})`));
    L.push(set("acc", g("neg")));
    for (let i = 0; i < 4; i++) {
      L.push(set("acc", `(i64.add ${g("acc")} (i64.and (i64.xor ${g(`${v}${i}`)} ${g("mk")}) ${M}))`));
      L.push(`(i64.store32 offset=${4 * (off + i)} (local.get $out) ${g("acc")})`, set("acc", `(i64.shr_u ${g("acc")} (i64.const 32))`));
    }
    L.push(set("sg", `(i64.or ${g("sg")} (i64.shl ${g("neg")} (i64.const ${bit})))`));
    return L.join("\n  ");
  };
  const names = new Set([...k, ...c1.locals, ...c2.locals, ...k1.locals, ...k2.locals, "neg", "mk", "sg"]);
  const beta = alloc(bytesOfLimbs((GLV.beta << 256n) % BN254_FQ.p, 8)); // β in Montgomery form
  const endo29 = field29 && { ...field29, beta: alloc(bytes29((GLV.beta << 261n) % BN254_FQ.p)) };
  // dst[i] = φ(src[i]) = (β·x, y) for n affine points of 2E bytes ((0, 0) stays the identity).
  const endo = (name: string, F: string, E: number, b: number) => `(func $${name} (param $dst i32) (param $src i32) (param $n i32)
  (block $done (loop $l
    (br_if $done (i32.eqz (local.get $n)))
    (call $${F}_mul (local.get $dst) (local.get $src) (i32.const ${b}))
    (call $${F}_copy (i32.add (local.get $dst) (i32.const ${E})) (i32.add (local.get $src) (i32.const ${E})))
    (local.set $dst (i32.add (local.get $dst) (i32.const ${2 * E})))
    (local.set $src (i32.add (local.get $src) (i32.const ${2 * E})))
    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
    (br $l))))`;
  const code = `
(func $glv_split (param $out i32) (param $signs i32) (param $kp i32) (param $n i32) ${[...names].map((x) => `(local $${x} i64)`).join(" ")}
  (block $done (loop $l
    (br_if $done (i32.eqz (local.get $n)))
    ${k.map((x, i) => set(x, `(i64.load32_u offset=${4 * i} (local.get $kp))`)).join(" ")}
    ${c1.code}
    ${c2.code}
    ${k1.code}
    ${k2.code}
    ${set("sg", "(i64.const 0)")}
    ${abs("A", 0, 0)}
    ${abs("B", 4, 1)}
    (i32.store8 (local.get $signs) (i32.wrap_i64 ${g("sg")}))
    (local.set $out (i32.add (local.get $out) (i32.const 32)))
    (local.set $kp (i32.add (local.get $kp) (i32.const 32)))
    (local.set $signs (i32.add (local.get $signs) (i32.const 1)))
    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
    (br $l))))
${endo("g1_endo", fqPrefix, 32, beta)}
${endo29 ? endo(endo29.name, endo29.field, E29, endo29.beta) : ""}
`;
  return { code, exports: ["glv_split", "g1_endo", ...(endo29 ? [endo29.name] : [])] };
}

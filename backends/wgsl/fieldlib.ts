// WGSL Montgomery arithmetic on L×u32 limbs, generated per field. WGSL has no u64, so 32×32→64-bit
// products are built from four 16×16 half-products (`mul_wide`); multiplication is CIOS, fully unrolled
// with the modulus limbs inlined as constants (no loop overhead, no array indexing in hot code on GPUs).
import type { FieldLimbs } from "../../runtime/field/index.ts";

const hex = (x: number) => `0x${(x >>> 0).toString(16)}u`;

/** Helpers shared by every field of a shader (emit once). */
export const WGSL_LIMB_HELPERS = `// (lo, hi) of a·b without u64: four 16×16 half-products.
fn mul_wide(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return vec2<u32>((p00 & 0xffffu) | (mid << 16u), p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u));
}
// t + a·b + c as (lo, hi); never overflows 64 bits.
fn mac(t: u32, a: u32, b: u32, c: u32) -> vec2<u32> {
  let p = mul_wide(a, b);
  let lo = p.x + t;
  let hi = p.y + select(0u, 1u, lo < t);
  let lo2 = lo + c;
  return vec2<u32>(lo2, hi + select(0u, 1u, lo2 < lo));
}
// 0 at run time (the kernel entry stores k_threads >> 31, and launches stay below 2^31 invocations), but
// no shader compiler can prove it: loop bounds L + k_zero keep the rolled CIOS loops rolled. Mesa
// (lavapipe) inlines every call and unrolls constant-trip loops, and then spends tens of seconds per
// point-arithmetic shader in LLVM; with opaque bounds it compiles several times faster.
var<private> k_zero: u32;
// a + b as (sum, carry).
fn adc(a: u32, b: u32) -> vec2<u32> {
  let s = a + b;
  return vec2<u32>(s, select(0u, 1u, s < a));
}
`;

export function wgslFieldType(f: FieldLimbs): string {
  return `${f.prefix}_t`;
}

export function wgslLimbLiteral(f: FieldLimbs, x: bigint): string {
  const ls: string[] = [];
  for (let i = 0; i < f.limbs; i++) {
    ls.push(hex(Number(x & 0xffffffffn)));
    x >>= 32n;
  }
  return `${wgslFieldType(f)}(${ls.join(", ")})`;
}

/** The field library: add, sub, neg, mul, eq, pow, inv, from_u32 for one field. */
export interface WgslLibOptions {
  /** Fully unrolled CIOS (fastest on GPUs; Mesa/lavapipe then compiles point arithmetic for minutes). */
  unroll?: boolean;
}

export function wgslFieldLib(f: FieldLimbs, opts: WgslLibOptions = {}): string {
  const L = f.limbs;
  const P = f.prefix;
  const T = wgslFieldType(f);
  const p = f.pLimbs.map(hex);
  const out: string[] = [];
  out.push(`// ${f.name}: p = 0x${f.modulus.toString(16)}, Montgomery R = 2^${32 * L}`);
  out.push(`alias ${T} = array<u32, ${L}>;`);
  // t (L limbs) plus a high carry word → t mod p when t < 2p.
  const red: string[] = [`fn ${P}_reduce_once(t: ${T}, hi: u32) -> ${T} {`, `  var d: ${T};`, `  var bw = 0u;`];
  for (let i = 0; i < L; i++) {
    red.push(`  { let x = t[${i}] - ${p[i]}; let b1 = select(0u, 1u, t[${i}] < ${p[i]}); d[${i}] = x - bw; bw = b1 | select(0u, 1u, x < bw); }`);
  }
  red.push(`  if (hi != 0u || bw == 0u) { return d; }`, `  return t;`, `}`);
  out.push(red.join("\n"));

  const add: string[] = [`fn ${P}_add(a: ${T}, b: ${T}) -> ${T} {`, `  var s: ${T};`, `  var c = 0u;`];
  for (let i = 0; i < L; i++) add.push(`  { let r = adc(a[${i}], b[${i}]); let r2 = adc(r.x, c); s[${i}] = r2.x; c = r.y | r2.y; }`);
  add.push(`  return ${P}_reduce_once(s, c);`, `}`);
  out.push(add.join("\n"));

  const sub: string[] = [`fn ${P}_sub(a: ${T}, b: ${T}) -> ${T} {`, `  var d: ${T};`, `  var bw = 0u;`];
  for (let i = 0; i < L; i++) sub.push(`  { let x = a[${i}] - b[${i}]; let b1 = select(0u, 1u, a[${i}] < b[${i}]); d[${i}] = x - bw; bw = b1 | select(0u, 1u, x < bw); }`);
  sub.push(`  if (bw == 0u) { return d; }`, `  var s: ${T};`, `  var c = 0u;`);
  for (let i = 0; i < L; i++) sub.push(`  { let r = adc(d[${i}], ${p[i]}); let r2 = adc(r.x, c); s[${i}] = r2.x; c = r.y | r2.y; }`);
  sub.push(`  return s;`, `}`);
  out.push(sub.join("\n"));

  out.push(`fn ${P}_neg(a: ${T}) -> ${T} {\n  return ${P}_sub(${T}(), a);\n}`);
  out.push(`fn ${P}_eq(a: ${T}, b: ${T}) -> bool {\n  return ${Array.from({ length: L }, (_, i) => `a[${i}] == b[${i}]`).join(" && ")};\n}`);

  // CIOS: interleave one row of a·b_i with one word of Montgomery reduction.
  if (opts.unroll) {
    const mul: string[] = [`fn ${P}_mul(a: ${T}, b: ${T}) -> ${T} {`, `  var t: array<u32, ${L + 2}>;`, `  var r: vec2<u32>;`, `  var c: u32;`, `  var m: u32;`];
    for (let i = 0; i < L; i++) {
      mul.push(`  // row ${i}`, `  c = 0u;`);
      for (let j = 0; j < L; j++) mul.push(`  r = mac(t[${j}], a[${j}], b[${i}], c); t[${j}] = r.x; c = r.y;`);
      mul.push(`  r = adc(t[${L}], c); t[${L}] = r.x; t[${L + 1}] = r.y;`);
      mul.push(`  m = t[0] * ${hex(f.pInv32)};`);
      mul.push(`  r = mac(t[0], m, ${p[0]}, 0u); c = r.y;`);
      for (let j = 1; j < L; j++) mul.push(`  r = mac(t[${j}], m, ${p[j]}, c); t[${j - 1}] = r.x; c = r.y;`);
      mul.push(`  r = adc(t[${L}], c); t[${L - 1}] = r.x; t[${L}] = t[${L + 1}] + r.y;`);
    }
    mul.push(`  return ${P}_reduce_once(${T}(${Array.from({ length: L }, (_, i) => `t[${i}]`).join(", ")}), t[${L}]);`, `}`);
    out.push(mul.join("\n"));
  } else {
    // Rolled loops (bounds opaque through k_zero): Mesa inlines every call, so a compact body keeps
    // shader compile time sane on lavapipe.
    out.push(`const ${P}_PL = array<u32, ${L}>(${p.join(", ")});
fn ${P}_mul(a_in: ${T}, b_in: ${T}) -> ${T} {
  var a = a_in;
  var b = b_in;
  var t: array<u32, ${L + 2}>;
  let n = ${L}u + k_zero;
  for (var i = 0u; i < n; i++) {
    var c = 0u;
    let bi = b[i];
    for (var j = 0u; j < n; j++) { let r = mac(t[j], a[j], bi, c); t[j] = r.x; c = r.y; }
    var r = adc(t[${L}], c); t[${L}] = r.x; t[${L + 1}] = r.y;
    let m = t[0] * ${hex(f.pInv32)};
    r = mac(t[0], m, ${p[0]}, 0u); c = r.y;
    for (var j = 1u; j < n; j++) { r = mac(t[j], m, ${P}_PL[j], c); t[j - 1u] = r.x; c = r.y; }
    r = adc(t[${L}], c); t[${L - 1}] = r.x; t[${L}] = t[${L + 1}] + r.y;
  }
  var o: ${T};
  for (var k = 0u; k < ${L}u; k++) { o[k] = t[k]; }
  return ${P}_reduce_once(o, t[${L}]);
}`);
  }

  // Left-to-right square-and-multiply over a fixed exponent given as raw (non-Montgomery) limbs.
  out.push(`fn ${P}_pow(a: ${T}, e: ${T}) -> ${T} {
  var r = ${wgslLimbLiteral(f, f.r)};
  for (var w = ${L - 1}i; w >= 0i; w--) {
    for (var bit = 31i; bit >= 0i; bit--) {
      r = ${P}_mul(r, r);
      if (((e[w] >> u32(bit)) & 1u) != 0u) { r = ${P}_mul(r, a); }
    }
  }
  return r;
}`);
  // Fermat inverse; inv(0) = 0, the same total convention the HLS and WASM libraries use.
  out.push(`fn ${P}_inv(a: ${T}) -> ${T} {\n  return ${P}_pow(a, ${wgslLimbLiteral(f, f.modulus - 2n)});\n}`);
  const zeros = Array.from({ length: L - 1 }, () => "0u").join(", ");
  out.push(`fn ${P}_from_u32(x: u32) -> ${T} {\n  return ${P}_mul(${T}(x, ${zeros}), ${wgslLimbLiteral(f, f.r2)});\n}`);
  return out.join("\n") + "\n";
}

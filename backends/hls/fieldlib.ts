// Vitis HLS Montgomery arithmetic on ap_uint<32·L>, generated per field. Multiplication is word-serial
// CIOS: each of the L unrolled steps multiplies the full-width operand by one 32-bit digit (a
// 256×32 product maps to a DSP cascade) and reduces one word, keeping t < 2p throughout.
import type { FieldLimbs } from "../../runtime/field/index.ts";

export function hlsFieldType(f: FieldLimbs): string {
  return `${f.prefix}_t`;
}

export function hlsLiteral(f: FieldLimbs, x: bigint): string {
  return `${hlsFieldType(f)}("0x${x.toString(16)}", 16)`;
}

/** The Montgomery multiplier as hlsFieldLib emits it, for the FPGA model (bench/fpga.ts). */
export interface HlsFieldMulStructure {
  field: string;
  bits: number;
  /** CIOS steps, all unrolled (the `<prefix>_mul_word` loop), one per 32-bit word of b. */
  words: number;
  /** Products per step as [width, width] of unsigned operands: a·b_i, p·m, and m = t_0·p' (32×32). */
  productsPerWord: [number, number][];
  /** Partitioning of the limb array bw (complete on its only dimension). */
  limbPartition: "complete";
  inlined: true;
}

/** DSP48E2 count of an unsigned w1 × w2 product on 27×18 signed multipliers (26×17 unsigned tiles). */
export const dspProduct = (w1: number, w2: number) => Math.ceil(w1 / 26) * Math.ceil(w2 / 17);

/** DSP48E2 slices of one Montgomery multiplier as emitted (every CIOS word's products). */
export function dspPerMul(m: HlsFieldMulStructure): number {
  return m.words * m.productsPerWord.reduce((a, [w1, w2]) => a + dspProduct(w1, w2), 0);
}

/**
 * *Estimated* latency in cycles of one Montgomery multiplication as emitted: per CIOS word a product,
 * an accumulate and a one-word reduction (three register stages), words in sequence.
 */
export function mulLatency(m: HlsFieldMulStructure): number {
  return 3 * m.words;
}

export function hlsMulStructure(f: FieldLimbs): HlsFieldMulStructure {
  const W = 32 * f.limbs;
  return { field: f.name, bits: W, words: f.limbs, productsPerWord: [[W, 32], [W, 32], [32, 32]], limbPartition: "complete", inlined: true };
}

export function hlsFieldLib(f: FieldLimbs): string {
  const P = f.prefix;
  const T = hlsFieldType(f);
  const W = 32 * f.limbs;
  const TW = W + 34; // t + a·b_i + m·p < 2p + 2^33·p
  return `// ${f.name}: p = 0x${f.modulus.toString(16)}, Montgomery R = 2^${W}
typedef ap_uint<${W}> ${T};
static const ${T} ${P}_P = ${hlsLiteral(f, f.modulus)};
static const ${T} ${P}_R2 = ${hlsLiteral(f, f.r2)};
static const ${T} ${P}_ONE = ${hlsLiteral(f, f.r)};
static const ${T} ${P}_PM2 = ${hlsLiteral(f, f.modulus - 2n)};
static const ap_uint<32> ${P}_PINV = ${f.pInv32}u;

static ${T} ${P}_add(${T} a, ${T} b) {
#pragma HLS INLINE
  ap_uint<${W + 1}> s = (ap_uint<${W + 1}>)a + (ap_uint<${W + 1}>)b;
  if (s >= ${P}_P) s -= ${P}_P;
  return (${T})s;
}
static ${T} ${P}_sub(${T} a, ${T} b) {
#pragma HLS INLINE
  ap_uint<${W + 1}> s = (ap_uint<${W + 1}>)a + (ap_uint<${W + 1}>)${P}_P - (ap_uint<${W + 1}>)b;
  if (a >= b) s = (ap_uint<${W + 1}>)a - (ap_uint<${W + 1}>)b;
  return (${T})s;
}
static ${T} ${P}_neg(${T} a) {
#pragma HLS INLINE
  return a == 0 ? (${T})0 : (${T})(${P}_P - a);
}
static bool ${P}_eq(${T} a, ${T} b) {
#pragma HLS INLINE
  return a == b;
}
static ${T} ${P}_mul(${T} a, ${T} b) {
#pragma HLS INLINE
  // b's 32-bit words as registers (complete partition): every unrolled CIOS step reads its own word.
  ap_uint<32> bw[${f.limbs}];
#pragma HLS ARRAY_PARTITION variable=bw complete dim=1
${P}_mul_split:
  for (int i = 0; i < ${f.limbs}; i++) {
#pragma HLS UNROLL
    bw[i] = (ap_uint<32>)(b >> (32 * i));
  }
  ap_uint<${TW}> t = 0;
${P}_mul_word:
  for (int i = 0; i < ${f.limbs}; i++) {
#pragma HLS UNROLL
    t += (ap_uint<${TW}>)(a * bw[i]);
    ap_uint<32> m = (ap_uint<32>)((ap_uint<32>)t * ${P}_PINV);
    t += (ap_uint<${TW}>)(${P}_P * m);
    t >>= 32;
  }
  if (t >= ${P}_P) t -= ${P}_P;
  return (${T})t;
}
static ${T} ${P}_pow(${T} a, ${T} e) {
  ${T} r = ${P}_ONE;
${P}_pow_bit:
  for (int i = ${W - 1}; i >= 0; i--) {
    r = ${P}_mul(r, r);
    if (e[i]) r = ${P}_mul(r, a);
  }
  return r;
}
// Fermat inverse; inv(0) = 0 (the convention shared with the WGSL and WASM libraries).
static ${T} ${P}_inv(${T} a) {
  return ${P}_pow(a, ${P}_PM2);
}
static ${T} ${P}_from_u32(uint32_t x) {
#pragma HLS INLINE
  return ${P}_mul((${T})x, ${P}_R2);
}
`;
}

// NTT host loop over any kernel executor (WGSL, HLS csim, WASM): uploads Montgomery limbs, launches
// the stdlib kernels stage by stage, reads back. Inputs up to the device's buffer limit are resident;
// the 2^30 plan (spec/kernels.md) splits larger transforms four-step style into such sub-transforms.
import { type FieldLimbs, type PrimeField, BN254_FR, packMont, unpackMont } from "../field/index.ts";
import type { KernelExecutor } from "./executor.ts";

export interface KernelNttOptions {
  inverse?: boolean;
  field?: PrimeField;
}

/** NTT of a power-of-two-length vector (natural order in and out), same convention as runtime/curve `ntt`. */
export async function nttOnExecutor(ex: KernelExecutor, fl: FieldLimbs, values: readonly bigint[], opts: KernelNttOptions = {}): Promise<bigint[]> {
  const F = opts.field ?? BN254_FR;
  const n = values.length;
  return unpackMont(fl, await nttWordsOnExecutor(ex, fl, packMont(fl, values.map((x) => F.fromBigint(x))), n, opts), n);
}

/**
 * nttOnExecutor on elements already in the kernels' Montgomery limbs (n·L words in, n·L words out): no
 * BigInt per element, so a caller whose vectors share the kernels' layout (runtime/field's FieldVec over
 * BN254 Fr) passes its words straight through.
 */
export async function nttWordsOnExecutor(ex: KernelExecutor, fl: FieldLimbs, words: Uint32Array, n: number, opts: KernelNttOptions = {}): Promise<Uint32Array> {
  const F = opts.field ?? BN254_FR;
  if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`ntt: length must be a power of two ≥ 2, got ${n}`);
  const L = fl.limbs;
  if (words.length !== n * L) throw new RangeError(`ntt: ${words.length} words for ${n} elements of ${L} limbs`);
  const logn = Math.log2(n);
  let w = F.rootOfUnity(logn);
  if (opts.inverse) w = F.inv(w);
  const tw: bigint[] = new Array(n / 2);
  tw[0] = 1n;
  for (let i = 1; i < n / 2; i++) tw[i] = F.mul(tw[i - 1], w);
  const src = ex.alloc(n * L);
  const buf = ex.alloc(n * L);
  const twb = ex.alloc((n / 2) * L);
  try {
    ex.write(src, words);
    ex.write(twb, packMont(fl, tw));
    ex.launch("ntt_bitrev", n, [src, buf, logn]);
    for (let half = 1; half < n; half <<= 1) ex.launch("ntt_stage", n / 2, [buf, twb, half, n / (2 * half)]);
    if (opts.inverse) {
      const s = ex.alloc(L);
      ex.write(s, packMont(fl, [F.inv(BigInt(n))]));
      ex.launch("ntt_scale", n, [buf, s]);
      await ex.finish();
      ex.free(s);
    }
    await ex.finish();
    return await ex.read(buf, n * L);
  } finally {
    ex.free(src);
    ex.free(buf);
    ex.free(twb);
  }
}

// Public face of runtime/curve: BN254 G1 arithmetic and encodings, MSM (batch and streaming), and NTT over
// any 2-adic field (BN254 Fr by default).
export { G1, type G1Affine, type G1Jacobian } from "./g1.ts";
export { msmG1, msmG1Stream, packG1, unpackG1, packScalars, windowBits, type MsmOptions, type MsmChunk, type ScalarInput, type PointInput, type PackedG1 } from "./msm.ts";
export { msmG1Reference } from "./msm-ref.ts";
export { ntt, nttInPlace, nttParallel, intt, cosetNtt, cosetIntt, nttBigint, Domain, domainFor, FOUR_STEP_ABOVE, type NttOptions } from "./ntt.ts";
export type { Progress } from "../field/index.ts";

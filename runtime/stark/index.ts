// The BabyBear STARK of runtime/air's symbolic AIRs (spec/zkvm.md, "Prover (BabyBear STARK)"):
// keygen → (pk, vk), prove(pk, traces, boundary) → proof, verify(vk, proof, boundary) → ok or a reason,
// and the proof's byte encoding.
export { DEFAULT_PARAMS, SECURITY_FORMULA, interactionGroups, permWidth, securityBits, treeWidths, type ChipShape, type StarkParams, type VerifyingKey } from "./air.ts";
export { keygen, prove, proveParallel, type KeygenOptions, type ProveOptions, type ProvingKey } from "./prover.ts";
export { verify, verifyBytes, type VerifyResult } from "./verifier.ts";
export { ProofFormatError, decodeProof, encodeProof, type ProofMeta, type StarkProof } from "./proof.ts";
export { KeyFormatError, decodeVerifyingKey, encodeVerifyingKey } from "./vk.ts";

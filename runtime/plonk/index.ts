// Public face of runtime/plonk: the constraint system, MockProver, KZG on BN254, keygen, prover,
// verifier and encodings.
export {
  Circuit,
  Expression,
  type Column,
  type ColumnKind,
  type Cell,
  type Gate,
  type Lookup,
  type Copy,
  type BusInteraction,
  type Witness,
  type CircuitStats,
  emptyWitness,
  cellValue,
  stats,
  blindingFactors,
  minimumK,
  usableRows,
} from "./cs.ts";
export { MockProver, formatFailure, type Failure, type MockOptions } from "./mock.ts";
export {
  type Srs,
  type PtauSrs,
  type InsecureDevSrs,
  type G1,
  insecureDevSrs,
  loadPtau,
  isInsecure,
  insecureSrsOf,
  DEV_TAU,
  PtauError,
  commit,
} from "./kzg.ts";
export { keygen, KeygenError, zeroKnowledgeGaps, type ProvingKey, type VerifyingKey, type CircuitShape, type KeygenOptions } from "./keygen.ts";
export { prove, ProverError, type ProveOptions } from "./prover.ts";
export type { ProverDevice } from "./kzg.ts";
export { UnsatisfiedError } from "./vanishing/prover.ts";
export { LookupError } from "./lookup/prover.ts";
export { BusError } from "./bus/index.ts";
export { PermutationError } from "./permutation/keygen.ts";
export { verify, verifyDetailed, transcriptChallenges, type VerifyResult, type Challenges } from "./verifier.ts";
export {
  type Proof,
  EncodingError,
  encodeProofBinary,
  decodeProofBinary,
  proofToJson,
  proofFromJson,
  encodeVkBinary,
  decodeVkBinary,
  vkToJson,
  vkFromJson,
} from "./encoding.ts";

// On-chain verifiers generated from a verifying key (runtime/plonk data; no CWIR needed).
export { generateSolidityVerifier, EvmVerifierError, type SolidityOptions, type SolidityVerifier } from "./solidity.ts";

// Public face of backends/plonkish: CWIR circuits → Halo2-style layouts (runtime/plonk), the
// Poseidon round gate, and the witness from the CWIR interpreter.
export { compilePlonkish, witnessFor, pickCircuit, type CompiledCircuit } from "./compile.ts";
export { lowerCircuit, poseidonArity, WitnessError, type PlonkishProgram } from "./lower.ts";
export { configurePoseidon, assignPermutation, layoutPermutation, permutationTrace, type PoseidonChip } from "./poseidon.ts";
export { buildPlonkish, type BuildOptions } from "./build.ts";

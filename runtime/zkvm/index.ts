// The ChainWeave zkVM (spec/zkvm.md): ISA tables, bytecode container, text form and executor.
export * from "./isa.ts";
export * from "./bytecode.ts";
export * from "./asm.ts";
export * from "./exec.ts";
export * from "./abi.ts";

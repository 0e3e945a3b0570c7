// The zkVM instruction set (spec/zkvm.md): registers are 32-bit cells addressed relative to a frame
// pointer (one register per WebAssembly local or stack slot, as in Valida/WOMIR), so a WASM op or a
// CWIR op becomes about one instruction with no register allocation. 64-bit values use two adjacent
// registers (low word first). Every instruction is four little-endian 32-bit words: opcode, a, b, c.
// Operand kinds: r = register (frame offset), i = immediate (signed 32-bit), t = code target
// (instruction index), - = unused (must be 0, so the encoding of a program is unique).

export type OperandKind = "r" | "i" | "t" | "-";

/** Table families of the prover (spec/zkvm.md): every opcode belongs to exactly one. */
export const FAMILIES = ["alu", "muldiv", "cmp", "mem", "cf", "ecall"] as const;
export type Family = (typeof FAMILIES)[number];

export interface OpInfo {
  code: number;
  name: string;
  kinds: [OperandKind, OperandKind, OperandKind];
  family: Family;
}

const defs: [string, string, Family][] = [
  // 32-bit ALU: a = b op c
  ["add", "rrr", "alu"], ["sub", "rrr", "alu"], ["and", "rrr", "alu"], ["or", "rrr", "alu"], ["xor", "rrr", "alu"],
  ["shl", "rrr", "alu"], ["shru", "rrr", "alu"], ["shrs", "rrr", "alu"], ["rotl", "rrr", "alu"], ["rotr", "rrr", "alu"],
  // with an immediate: a = b op imm
  ["addi", "rri", "alu"], ["andi", "rri", "alu"], ["ori", "rri", "alu"], ["xori", "rri", "alu"],
  ["shli", "rri", "alu"], ["shrui", "rri", "alu"], ["shrsi", "rri", "alu"],
  ["const", "ri-", "alu"], ["mov", "rr-", "alu"],
  // a = sign-extension of the low imm bits of b (1 ≤ imm ≤ 32)
  ["sext", "rri", "alu"],
  // a = c when b ≠ 0 (select in two instructions: mov, cmovnz)
  ["cmovnz", "rrr", "alu"],
  ["mul", "rrr", "muldiv"], ["mulhu", "rrr", "muldiv"], ["divu", "rrr", "muldiv"], ["remu", "rrr", "muldiv"],
  ["divs", "rrr", "muldiv"], ["rems", "rrr", "muldiv"],
  // comparisons: a = (b pred c) ? 1 : 0
  ["eq", "rrr", "cmp"], ["ne", "rrr", "cmp"], ["ltu", "rrr", "cmp"], ["leu", "rrr", "cmp"], ["lts", "rrr", "cmp"], ["les", "rrr", "cmp"],
  // 64-bit ops on register pairs (a, a+1) = (b, b+1) op (c, c+1)
  ["add64", "rrr", "alu"], ["sub64", "rrr", "alu"], ["and64", "rrr", "alu"], ["or64", "rrr", "alu"], ["xor64", "rrr", "alu"],
  ["shl64", "rrr", "alu"], ["shru64", "rrr", "alu"], ["shrs64", "rrr", "alu"],
  ["mul64", "rrr", "muldiv"], ["divu64", "rrr", "muldiv"], ["remu64", "rrr", "muldiv"],
  // 64-bit compares write one 32-bit register
  ["eq64", "rrr", "cmp"], ["ltu64", "rrr", "cmp"], ["lts64", "rrr", "cmp"],
  // (a, a+1) = (imm b, imm c)
  ["const64", "rii", "alu"],
  // loads and stores: address = b + imm c (byte address into linear memory, little-endian)
  ["lb", "rri", "mem"], ["lbu", "rri", "mem"], ["lh", "rri", "mem"], ["lhu", "rri", "mem"], ["lw", "rri", "mem"], ["ld", "rri", "mem"],
  ["sb", "rri", "mem"], ["sh", "rri", "mem"], ["sw", "rri", "mem"], ["sd", "rri", "mem"],
  // control flow
  ["jmp", "t--", "cf"], ["bnz", "rt-", "cf"], ["bez", "rt-", "cf"],
  // traps unless b <u c (bounds checks of buffers); a is the trap code reported
  ["chkltu", "irr", "cf"],
  // call: the callee's frame starts at fp + b; it receives the return pc in its register 0 and the
  // caller's fp in register 1. calli: the target is the value of register a.
  ["call", "ti-", "cf"], ["calli", "ri-", "cf"], ["ret", "---", "cf"],
  ["trap", "i--", "cf"],
  // system calls: a = call number, b and c registers (spec/zkvm.md lists them)
  ["ecall", "irr", "ecall"],
  // for WebAssembly: bit counts (i32.clz/ctz/popcnt), a jump to the instruction index in register a
  // (br_table through a table of targets in memory), signed 64-bit division (traps on 0)
  ["clz", "rr-", "alu"], ["ctz", "rr-", "alu"], ["popcnt", "rr-", "alu"],
  ["jmpr", "r--", "cf"],
  ["divs64", "rrr", "muldiv"], ["rems64", "rrr", "muldiv"],
];

export const OPS: OpInfo[] = defs.map(([name, k, family], code) => ({ code, name, kinds: [k[0], k[1], k[2]] as OpInfo["kinds"], family }));
export const OP_BY_NAME = new Map(OPS.map((o) => [o.name, o]));
export const OP_COUNT = OPS.length;
export const OPC = Object.fromEntries(OPS.map((o) => [o.name.toUpperCase(), o.code])) as Record<string, number>;

/** System call numbers of `ecall`. */
export const SYS = {
  /** halt with exit code reg[b] (0 = success) */
  HALT: 0,
  /** reg[b] = bytes of input not yet read */
  INPUT_LEN: 1,
  /** copy reg[c] bytes of input to memory at reg[b] (trap when fewer remain) */
  READ: 2,
  /** append reg[c] bytes of memory at reg[b] to the output */
  WRITE: 3,
  /** memory from byte reg[b] on traps (reg[b] ≤ the header's memory size): WebAssembly's current
   * memory size, which memory.grow raises */
  MEM_BOUND: 4,
} as const;
/** Numbers from 0x100 on are precompiles: runtime/zkvm/precompiles/index.ts lists them (PRECOMPILE). */
export const PRECOMPILE_BASE = 0x100;

// Bytecode container (little-endian): magic "CWVM", version u16, flags u16, entry u32, memory size u32,
// register file size u32 (cells), code length u32 (instructions), data address u32, data length u32,
// signature length u32; then code (16 bytes per instruction), data, signature (UTF-8 JSON).
export const MAGIC = 0x4d565743; // "CWVM"
export const VERSION = 1;
export const HEADER_BYTES = 40;
export const MAX_MEMORY = 1 << 26;
export const MAX_REGS = 1 << 20;
export const MAX_CODE = 1 << 24;

/** Parameter and result types of the entry, so a host can encode JSON inputs and decode outputs. */
export interface Signature {
  /** `out`: a buffer the program may write, sent back after the results */
  params: { name: string; type: SigType; out?: boolean }[];
  results: SigType[];
}
/** `u8`..`u64` (width bits) or a buffer of them. */
export type SigType = { kind: "int"; width: number } | { kind: "mem"; width: number };

export interface Program {
  entry: number;
  memSize: number;
  regs: number;
  /** opcode, a, b, c per instruction */
  code: Int32Array;
  dataAddr: number;
  data: Uint8Array;
  sig?: Signature;
}

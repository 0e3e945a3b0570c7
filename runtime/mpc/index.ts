export { runProgram, PROGRAM_FORMAT, type MpcProgram, type Instr, type Reg, type ProgramInputs, type ProgramResult } from "./program.ts";

// The zkVM as one AIR (spec/zkvm.md, "Prover tables"): `proveProgram` runs a program and returns the
// traces, the public statement and its boundary terms, ready for a prover of `Air`s (runtime/stark over
// BabyBear, the PLONKish compiler over BN254); `verifyProgram` checks traces against the statement in
// the clear (runtime/air's mock checker). The statement's boundary terms are rebuilt from the program
// and the statement alone, never taken from the prover.
import type { Progress } from "../../../base/progress/index.ts";
import { checkAir, type AirFailure } from "../../air/check.ts";
import type { Air, BoundaryTerm, ChipTrace } from "../../air/index.ts";
import type { ZkvmError } from "../bytecode.ts";
import type { Program } from "../isa.ts";
import { zkvmAir } from "./chips.ts";
import { boundaryTerms, generateTrace, statementError, type ZkvmStatement, type ZkvmTrace } from "./trace.ts";

export * from "./chips.ts";
export * from "./trace.ts";

export interface ChipStats {
  chip: string;
  /** rows holding data (instructions, touched cells, copied bytes; the full table for fixed ones) */
  used: number;
  /** padded height and main columns */
  height: number;
  columns: number;
  cells: number;
  /** bus interactions per row (a STARK's LogUp commits 4 extension limbs per interaction, plus 4 for the running sum) */
  interactions: number;
}

export interface ZkvmWitness extends ZkvmTrace {
  stats: ChipStats[];
  /** main cells of every chip, padded, per executed instruction */
  cellsPerInstruction: number;
}

/** Runs `p` on `input` and returns what a prover needs: the AIR, traces, statement, boundary terms. */
export function proveProgram(p: Program, input: Uint8Array, opts: { maxInstructions?: number; progress?: Progress } = {}): ZkvmWitness | ZkvmError {
  const t = generateTrace(p, input, opts);
  if ("kind" in t) return t;
  const ints = new Map(t.air.chips.map((c) => [c.name, c.interactions.length]));
  const stats = t.traces.map((tr) => {
    const columns = tr.rows[0]?.length ?? 0;
    return { chip: tr.chip, used: t.used[tr.chip], height: tr.rows.length, columns, cells: tr.rows.length * columns, interactions: ints.get(tr.chip) ?? 0 };
  });
  const total = stats.reduce((s, c) => s + c.cells, 0);
  return { ...t, stats, cellsPerInstruction: total / t.statement.instructions };
}

/** The boundary terms the verifier uses for a statement (or why the statement is out of range). */
export function verifierBoundary(p: Program, st: ZkvmStatement): BoundaryTerm[] | string {
  return statementError(p, st) ?? boundaryTerms(p, st);
}

/** Mock verification: the traces satisfy the program's AIR with the statement's boundary terms in the
 *  given field (BabyBear by default). Returns the failures; empty means accepted. */
export function verifyProgram(p: Program, st: ZkvmStatement, traces: ChipTrace[], opts: { modulus?: bigint; air?: Air } = {}): AirFailure[] {
  const boundary = verifierBoundary(p, st);
  if (typeof boundary === "string") return [{ message: `statement: ${boundary}` }];
  return checkAir(opts.air ?? zkvmAir(p), traces, { boundary, modulus: opts.modulus });
}

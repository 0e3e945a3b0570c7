// The zero-knowledge layout check of `cwl setup`: before any key is made, the circuit's shape is checked
// against the counting argument of spec/plonkish.md ("Zero knowledge"), so a layout whose openings could
// reveal witness values is refused instead of silently producing non-hiding proofs.
import { zeroKnowledgeGaps, type Circuit } from "../../runtime/plonk/index.ts";
import { shapeOf } from "../../runtime/plonk/keygen.ts";
import { CliError } from "./plonkish-error.ts";

/**
 * Refuses (CliError, exit 1) when the circuit laid out at 2^k rows has zero-knowledge gaps, unless `allowGap`; then it writes one
 * loud warning per gap through `warn` and lets the caller go on. Returns the gaps found.
 */
export function checkZeroKnowledge(circuit: Circuit, k: number, allowGap: boolean, warn: (line: string) => void): string[] {
  const shape = shapeOf(circuit, k);
  const gaps = zeroKnowledgeGaps(shape);
  if (!gaps.length) return gaps;
  if (!allowGap)
    throw new CliError(
      `proofs of circuit '${shape.name}' would not be zero-knowledge (${shape.blinding} blinding rows):\n  ${gaps.join("\n  ")}`,
      "read fewer rotations of one advice column, or add a copy constraint or lookup (their masked sums hide h(τ)); " +
        "--allow-zk-gap writes the key anyway for proofs that need not hide the witness",
    );
  for (const g of gaps) warn(`WARNING: NOT ZERO-KNOWLEDGE: ${g}`);
  warn(`WARNING: proofs of circuit '${shape.name}' may reveal its private inputs`);
  return gaps;
}

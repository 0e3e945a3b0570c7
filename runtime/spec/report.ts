// Text rendering of checker results: verdict, numbered trace steps with the `.cwl` location of each
// action, and the variables each step changed.
import type { Span } from "./model.ts";
import type { CheckResult, Violation } from "./check.ts";

export type Locate = (span: Span) => string | undefined;

export function formatViolation(v: Violation, locate: Locate = () => undefined): string {
  const lines: string[] = [];
  const where = v.span ? locate(v.span) : undefined;
  lines.push(`violation: ${v.message}${where ? ` (${where})` : ""}`);
  lines.push(`counterexample (${v.trace.length - 1} step${v.trace.length === 2 ? "" : "s"}):`);
  for (const s of v.trace) {
    if (s.n === 0) lines.push(`  0. initial state`);
    else {
      const loc = s.span ? locate(s.span) : undefined;
      const mark = v.loopTo !== undefined && s.n === v.loopTo + 1 ? "  <- loop starts here" : "";
      lines.push(`  ${s.n}. ${s.adversarial ? "[adversary] " : ""}${s.action}${loc ? `  at ${loc}` : ""}${mark}`);
    }
    for (const [k, val] of s.changes) lines.push(`       ${k} = ${val}`);
  }
  if (v.loopTo !== undefined) lines.push(`  ... then back to step ${v.loopTo} and around the loop forever (up to renaming of symmetric ids)`);
  return lines.join("\n");
}

/** True when the run found no violation but stopped at the state limit: the verdict is "unknown". */
export function inconclusive(r: CheckResult): boolean {
  return r.ok && r.truncated;
}

export function formatSummary(r: CheckResult): string {
  // A truncated search proves nothing about the unexplored states, so it never reads as "holds".
  const verdict = r.ok ? (r.truncated ? `no violation found up to ${r.states} states; not a proof (state limit reached)` : "all properties hold") : "VIOLATED";
  return `${verdict}: ${r.states} states, ${r.transitions} transitions, depth ${r.depth}, ${r.elapsedMs.toFixed(0)} ms (${Math.round(r.statesPerSec)} states/s)`;
}

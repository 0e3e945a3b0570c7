// Phase reporting shared by keygen and the prover: one completion report per phase through the
// project's Progress hook (rendered by tooling/progress like every long job), and the phase's wall
// time recorded for benches.
import type { Progress } from "../../base/progress/index.ts";

export function reportPhase(opts: { progress?: Progress; phaseMs?: Record<string, number> }, phase: string, ms: number): void {
  if (opts.phaseMs) opts.phaseMs[phase] = (opts.phaseMs[phase] ?? 0) + ms;
  opts.progress?.(phase, 1, 1, `${Math.round(ms)} ms`);
}

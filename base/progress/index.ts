// The one progress hook of long operations (NTT, MSM, KV blocks, the audit's search, powers-of-tau
// generation, proving phases, model checking): the runtime calls it as work advances, and
// tooling/progress renders it on a terminal or into a log. Here because every tier reports progress and
// none may import the tier that renders it.

/**
 * `phase` names the stage; `done` of `total` units are finished (done = total: the phase is complete;
 * total 0: unknown). `detail` is shown beside the count (a rate, a depth, a completed phase's wall time).
 */
export type Progress = (phase: string, done: number, total: number, detail?: string) => void;

// Level-synchronous parallel BFS for large safety runs (`--workers N`): each level's frontier is cut
// into N parts, each expanded by a job on runtime/pool's workers (parallel-task.ts: successors,
// canonical form, invariants; a worker compiles the model once per search) that sends packed states
// back; the main thread keeps the seen-set, parents and depth, so counterexamples stay shortest.
// Temporal properties and noninterference use the single-threaded checker.
import { getPool, poolTask } from "../pool/index.ts";
import type { SpecModel } from "./model.ts";
import type { ExpandJob, ExpandReply } from "./parallel-task.ts";
import { instantiate, canonicalize } from "./compile.ts";
import { keyOf, traceTo, type CheckOptions, type CheckResult, type Violation } from "./check.ts";

const EXPAND = poolTask<ExpandJob, ExpandReply>(new URL("./parallel-task.ts", import.meta.url), "expand");
let searches = 0;

export async function checkParallel(
  model: SpecModel,
  params: Record<string, number>,
  opts: CheckOptions & { workers: number },
): Promise<CheckResult> {
  const t0 = performance.now();
  const inst = instantiate(model, params);
  const wanted = (n: string) => !opts.only || opts.only.includes(n);
  const invNames = [...inst.invariants.map((i) => i.name), ...inst.properties.filter((p) => p.kind === "always").map((p) => p.name)];
  const invs = invNames.map((n) => (wanted(n) ? 1 : 0));
  const perms = opts.symmetry === false ? [] : inst.symmetry;
  const W = inst.width;
  const jobs = Math.max(1, opts.workers);
  const pool = getPool(jobs);
  const search = `${process.pid}:${++searches}`;
  const ask = (chunk: Int32Array) => pool.run(EXPAND, { search, model, params, symmetry: opts.symmetry !== false, invs, chunk }, [chunk.buffer as ArrayBuffer]);
  const states: Int32Array[] = [];
  const parent: number[] = [];
  const via: number[] = [];
  const keys = new Map<string, number>();
  let transitions = 0;
  let depth = 0;
  let violation: { id: number; name: string; message: string; failing?: string; span?: Violation["span"] } | undefined;
  let truncated = false;
  const maxStates = opts.maxStates ?? 3_000_000;
  const add = (s: Int32Array, from: number, tid: number) => {
    const c = perms.length ? canonicalize(s, perms) : s;
    const k = keyOf(c);
    if (keys.has(k)) return -1;
    keys.set(k, states.length);
    states.push(c);
    parent.push(from);
    via.push(tid);
    return states.length - 1;
  };
  for (const s of inst.inits) {
    const id = add(s, -1, -1);
    if (id < 0) continue;
    const bad = inst.invariants.findIndex((inv, j) => invs[j] && !inv.holds(states[id]));
    if (bad >= 0 && !violation) violation = { id, name: invNames[bad], message: `invariant \`${invNames[bad]}\` is violated`, span: inst.invariants[bad].span };
  }
  let level = states.map((_, i) => i);
  let lastReport = t0;
  while (level.length && !violation && !truncated) {
    const per = Math.ceil(level.length / jobs);
    const parts = Array.from({ length: jobs }, (_, w) => level.slice(w * per, (w + 1) * per));
    const replies = await Promise.all(
      parts.map((ids) => {
        const chunk = new Int32Array(ids.length * W);
        ids.forEach((id, j) => chunk.set(states[id], j * W));
        return ask(chunk);
      }),
    );
    const next: number[] = [];
    replies.forEach((r, w) => {
      for (let j = 0; j < r.meta.length / 3 && !violation; j++) {
        const from = parts[w][r.meta[3 * j]];
        const tid = r.meta[3 * j + 1];
        const inv = r.meta[3 * j + 2];
        if (inv === -2) {
          const t = inst.transitions[tid];
          violation = { id: from, name: t.name, message: `${r.errors.shift()} in \`${inst.transitionText(t)}\``, failing: t.name, span: t.span };
          break;
        }
        transitions++;
        const id = add(r.states.subarray(j * W, (j + 1) * W).slice(), from, tid);
        if (id < 0) continue;
        next.push(id);
        if (inv >= 0) violation = { id, name: invNames[inv], message: `invariant \`${invNames[inv]}\` is violated`, span: (inst.invariants[inv] ?? inst.properties[inv - inst.invariants.length])?.span };
      }
    });
    if (next.length) depth++;
    level = next;
    if (states.length >= maxStates) truncated = true;
    const now = performance.now();
    if (now - lastReport < (opts.progressEveryMs ?? 500)) continue;
    lastReport = now;
    opts.onProgress?.({ states: states.length, transitions, depth, elapsedMs: now - t0, statesPerSec: (states.length * 1000) / (now - t0) });
  }
  const violations: Violation[] = [];
  if (violation) {
    const trace = traceTo(inst, states, parent, via, violation.id, perms);
    if (violation.failing) trace.push({ n: trace.length, action: violation.failing, span: violation.span, changes: [] });
    violations.push({ property: violation.name, kind: violation.failing ? "assert" : "invariant", message: violation.message, span: violation.span, trace });
  }
  const elapsedMs = performance.now() - t0;
  return {
    ok: !violation,
    states: states.length,
    transitions,
    depth,
    elapsedMs,
    statesPerSec: (states.length * 1000) / elapsedMs,
    truncated,
    violations,
    coverage: [...new Set(via.filter((t) => t >= 0).map((t) => inst.transitions[t]).filter((t) => !t.adversarial).map((t) => t.name))].sort(),
  };
}

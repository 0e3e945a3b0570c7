// checkParallel's pool task (run in a worker of runtime/pool): expands a chunk of packed states. A worker
// instantiates the model once per search (`search` names it) and keeps that instance for the search's
// later levels; the next search replaces it.
import { instantiate, canonicalize, SpecRuntimeError, type Instance } from "./compile.ts";
import type { SpecModel } from "./model.ts";

export interface ExpandJob {
  /** Unique per checkParallel call: a worker reuses its instance while this stays the same. */
  search: string;
  model: SpecModel;
  params: Record<string, number>;
  symmetry: boolean;
  /** Per invariant (then per `always` property): 1 if checked. */
  invs: number[];
  /** States back to back, `width` words each. */
  chunk: Int32Array;
}

export interface ExpandReply {
  /** Per successor: index in the chunk, transition id, failed invariant (-1 none, -2 runtime error). */
  meta: Int32Array;
  states: Int32Array;
  errors: string[];
}

interface Search {
  id: string;
  inst: Instance;
  perms: Instance["symmetry"];
  preds: { holds(s: Int32Array): boolean }[];
}

let current: Search | undefined;

function searchFor(job: ExpandJob): Search {
  if (current?.id !== job.search) {
    const inst = instantiate(job.model, job.params);
    current = {
      id: job.search,
      inst,
      perms: job.symmetry ? inst.symmetry : [],
      preds: [...inst.invariants, ...inst.properties.filter((p) => p.kind === "always").map((p) => p as unknown as { holds(s: Int32Array): boolean })],
    };
  }
  return current;
}

export function expand(job: ExpandJob): ExpandReply {
  const { inst, perms, preds } = searchFor(job);
  const { chunk, invs } = job;
  const W = inst.width;
  const meta: number[] = [];
  const out: Int32Array[] = [];
  const errors: string[] = [];
  const n = chunk.length / W;
  outer: for (let i = 0; i < n; i++) {
    const s = chunk.subarray(i * W, (i + 1) * W);
    for (const t of inst.transitions) {
      let next: Int32Array | null;
      try {
        next = t.fire(s);
      } catch (e) {
        if (!(e instanceof SpecRuntimeError)) throw e;
        meta.push(i, t.id, -2);
        out.push(new Int32Array(W));
        errors.push(e.message);
        break outer;
      }
      if (!next) continue;
      const c = perms.length ? canonicalize(next, perms) : next;
      const bad = preds.findIndex((p, j) => invs[j] && !p.holds(c));
      meta.push(i, t.id, bad);
      out.push(c);
    }
  }
  const states = new Int32Array(out.length * W);
  out.forEach((s, j) => states.set(s, j * W));
  return { meta: Int32Array.from(meta), states, errors };
}

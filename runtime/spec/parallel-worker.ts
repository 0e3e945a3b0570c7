// Worker side of checkParallel: expands a chunk of packed states.
import { parentPort, workerData } from "node:worker_threads";
import { instantiate, canonicalize, SpecRuntimeError } from "./compile.ts";
import type { SpecModel } from "./model.ts";

const { model, params, symmetry, invs } = workerData as { model: SpecModel; params: Record<string, number>; symmetry: boolean; invs: number[] };
const inst = instantiate(model, params);
const perms = symmetry ? inst.symmetry : [];
const preds = [...inst.invariants, ...inst.properties.filter((p) => p.kind === "always").map((p) => p as unknown as { holds(s: Int32Array): boolean })];
const W = inst.width;

parentPort!.on("message", (chunk: Int32Array) => {
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
  const m = Int32Array.from(meta);
  parentPort!.postMessage({ meta: m, states, errors }, [m.buffer as ArrayBuffer, states.buffer as ArrayBuffer]);
});

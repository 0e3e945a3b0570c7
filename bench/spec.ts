// `npm run bench -- spec`: the spec checker against spin on the same models (emitted by
// backends/promela). Figures: time to counterexample on every flawed stdlib variant, states/s on
// the larger correct instances, and the repair-hint search time. Spin's pan is built with -O2;
// its build time (spin -a + gcc) is reported apart from its search time.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FileManager, REPO_ROOT } from "../base/files/index.ts";
import { specFromText } from "../compiler/spec/index.ts";
import { instantiate, checkInstance, suggestRepair, type SpecModel } from "../runtime/spec/index.ts";
import { emitPromela, haveSpin, runSpin } from "../backends/promela/index.ts";

const dir = join(REPO_ROOT, "stdlib", "specs");
const load = (file: string, name: string): SpecModel => {
  const r = specFromText(new FileManager(), file, readFileSync(join(dir, file), "utf8"), name);
  if (!r.model) throw new Error(`${file} ${name}: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return r.model;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const flawed: [string, string][] = [
  ["bft.cwl", "BftHalfQuorum"],
  ["bft.cwl", "BftCommitteeWithoutAll"],
  ["crosschain.cwl", "HtlcEqualTimeouts"],
  ["crosschain.cwl", "RelayNoReplayCheck"],
  ["rollup.cwl", "RollupNoWindow"],
  ["ledger.cwl", "LedgerDeepReorg"],
  ["mixer.cwl", "MixerLeaky"],
];
const throughput: [string, string, Record<string, number>][] = [
  ["bft.cwl", "Bft", { n: 5, c: 4, mode: 1 }],
  ["bft.cwl", "Bft", { n: 6, f: 1, mode: 0, c: 4 }],
];

export async function run(): Promise<object> {
  const spin = haveSpin();
  if (!spin) process.stdout.write("spin or gcc missing: reporting our figures only\n");
  const counterexamples = [];
  for (const [file, name] of flawed) {
    const model = load(file, name);
    const ni = model.properties.find((p) => p.kind === "noninterference");
    const times: number[] = [];
    let r = checkInstance(instantiate(model));
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      r = checkInstance(instantiate(model));
      times.push(performance.now() - t0);
    }
    const v = r.violations[0];
    const focus = [...v.trace].reverse().map((s) => s.action?.split("(")[0]).filter((x): x is string => !!x);
    const rep = suggestRepair(model, {}, { focus });
    const row: Record<string, unknown> = {
      spec: name,
      property: v.property,
      steps: v.trace.length - 1,
      oursMs: +median(times).toFixed(2),
      oursStates: r.states,
      repair: rep.edit?.description ?? null,
      repairMs: +rep.elapsedMs.toFixed(1),
      repairCandidates: rep.tried,
    };
    if (spin) {
      const inst = instantiate(model);
      const pm = emitPromela(inst, ni ? { property: ni.name } : {});
      const s = runSpin(pm.text, { optimize: true });
      Object.assign(row, { spinVerdictAgrees: !s.ok, spinSearchMs: +s.searchMs.toFixed(1), spinBuildMs: +s.buildMs.toFixed(0), spinStates: s.states });
      row.ratioSpinOverOurs = +(s.searchMs / median(times)).toFixed(2);
    }
    process.stdout.write(`${JSON.stringify(row)}\n`);
    counterexamples.push(row);
  }
  const rates = [];
  for (const [file, name, params] of throughput) {
    const model = load(file, name);
    const invs = model.invariants.map((i) => i.name);
    const inst = instantiate(model, params);
    checkInstance(inst, { only: invs, symmetry: false });
    const t0 = performance.now();
    const r = checkInstance(inst, { only: invs, symmetry: false });
    const ms = performance.now() - t0;
    const row: Record<string, unknown> = {
      spec: name,
      params,
      verdict: r.ok ? "holds" : `violates ${r.violations[0].property}`,
      oursStates: r.states,
      oursMs: +ms.toFixed(1),
      oursStatesPerSec: Math.round((r.states * 1000) / ms),
    };
    if (spin) {
      const s = runSpin(emitPromela(inst).text, { optimize: true });
      Object.assign(row, { spinStates: s.states, spinSearchMs: +s.searchMs.toFixed(1), spinStatesPerSec: Math.round((s.states * 1000) / s.searchMs), spinAgrees: s.ok === r.ok });
    }
    process.stdout.write(`${JSON.stringify(row)}\n`);
    rates.push(row);
  }
  return {
    note: "ours: BFS over the compiled JS model (one thread); spin: pan -O2 -DSAFETY on the emitted Promela, search time only (pan process incl. start-up). Times in ms, median of 3 for ours.",
    counterexamples,
    throughput: rates,
  };
}

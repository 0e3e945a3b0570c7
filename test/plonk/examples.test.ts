// The issue's acceptance examples (.cwl → plonkish → MockProver → KZG proof → verify). They need the
// front end; while it cannot compile an example yet, that example is skipped with the reason printed.
import { describe, it, expect } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileFile } from "../../tooling/cli/pipeline.ts";
import { compilePlonkish, witnessFor, type CompiledCircuit } from "../../backends/plonkish/index.ts";
import { MockProver, keygen, prove, verify, loadPtau, minimumK, stats } from "../../runtime/plonk/index.ts";
import { devPtauPath } from "../../runtime/plonk/dev-ptau.ts";

const PTAU = devPtauPath();
const EXAMPLES = ["poseidon_preimage", "range_lookup", "merkle_membership"];

function build(name: string): { compiled?: CompiledCircuit; why?: string } {
  const src = join(REPO_ROOT, "examples", `${name}.cwl`);
  if (!existsSync(src)) return { why: `examples/${name}.cwl is missing` };
  const fe = compileFile(src);
  if (!fe.ir) return { why: `front end: ${fe.diagnostics.find((d) => d.severity === "error")?.message ?? "no IR"}` };
  const c = compilePlonkish(fe.ir);
  if (!c.compiled) return { why: `plonkish backend: ${c.diagnostics.map((d) => d.message).join("; ")}` };
  return { compiled: c.compiled };
}

describe.each(EXAMPLES)("example %s", (name) => {
  const built = build(name);
  // A backend failure is a real failure of this suite; only a front-end gap skips.
  const frontEndGap = !built.compiled && built.why?.startsWith("front end") === true;
  if (frontEndGap || !existsSync(PTAU)) console.warn(`skipped: example ${name}: ${frontEndGap ? built.why : `${PTAU} missing`}`);

  it.skipIf(frontEndGap || !existsSync(PTAU))("lowers, satisfies MockProver, proves and verifies; a wrong public input is rejected", async () => {
    expect(built.why).toBeUndefined();
    const c = built.compiled!;
    const inputs = JSON.parse(readFileSync(join(REPO_ROOT, "examples", `${name}.json`), "utf8"));
    const { witness, run } = witnessFor(c, inputs);
    expect(run.diagnostics).toEqual([]);
    expect(MockProver.run(c.program.circuit, witness!).messages()).toEqual([]);
    const k = minimumK(c.program.circuit);
    console.log(`${name}: ${JSON.stringify(stats(c.program.circuit))}, k=${k}`);
    const pk = await keygen(loadPtau(PTAU, 1 << k), c.program.circuit);
    const proof = await prove(pk, witness!);
    expect(await verify(pk.vk, witness!.instance, proof)).toBe(true);
    const wrong = witness!.instance.map((col) => col.map((v, i) => (i === 0 ? v ^ 1n : v)));
    expect(await verify(pk.vk, wrong, proof)).toBe(false);
  });
});

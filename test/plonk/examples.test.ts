// The PLONKish acceptance examples (.cwl → plonkish → MockProver → KZG proof → verify) under the
// project's development powers of tau. An example the front end or the backend cannot compile fails.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileFile } from "../../compiler/pipeline/index.ts";
import { compilePlonkish, witnessFor, type CompiledCircuit } from "../../backends/plonkish/index.ts";
import { MockProver, keygen, prove, verify, loadPtau, minimumK, stats } from "../../runtime/plonk/index.ts";
import { devPtau, TEST_PTAU_POWER } from "../../tooling/ptau/dev-ptau.ts";

const EXAMPLES = ["poseidon_preimage", "range_lookup", "merkle_membership"];

function build(name: string): { compiled?: CompiledCircuit; why?: string } {
  const fe = compileFile(join(REPO_ROOT, "examples", `${name}.cwl`));
  if (!fe.ir) return { why: `front end: ${fe.diagnostics.filter((d) => d.severity === "error").map((d) => d.message).join("; ") || "no IR"}` };
  const c = compilePlonkish(fe.ir);
  if (!c.compiled) return { why: `plonkish backend: ${c.diagnostics.map((d) => d.message).join("; ")}` };
  return { compiled: c.compiled };
}

let ptau = "";
beforeAll(async () => {
  ptau = await devPtau(TEST_PTAU_POWER);
}, 600_000);

describe.each(EXAMPLES)("example %s", (name) => {
  it("lowers, satisfies MockProver, proves and verifies; a wrong public input is rejected", async () => {
    const built = build(name);
    expect(built.why).toBeUndefined();
    const c = built.compiled!;
    const inputs = JSON.parse(readFileSync(join(REPO_ROOT, "examples", `${name}.json`), "utf8"));
    const { witness, run } = witnessFor(c, inputs);
    expect(run.diagnostics).toEqual([]);
    expect(MockProver.run(c.program.circuit, witness!).messages()).toEqual([]);
    const k = minimumK(c.program.circuit);
    console.log(`${name}: ${JSON.stringify(stats(c.program.circuit))}, k=${k}`);
    const pk = await keygen(loadPtau(ptau, 1 << k), c.program.circuit);
    const proof = await prove(pk, witness!);
    expect(await verify(pk.vk, witness!.instance, proof)).toBe(true);
    const wrong = witness!.instance.map((col) => col.map((v, i) => (i === 0 ? v ^ 1n : v)));
    expect(await verify(pk.vk, wrong, proof)).toBe(false);
  });
});

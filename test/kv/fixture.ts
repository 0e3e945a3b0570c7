// A .cwl circuit fixture of test/kv/fixtures, compiled for the PLONKish backend, and its check:
// interpreter failures (assert_eq messages) or MockProver's, empty when the inputs satisfy it.
import { join } from "node:path";
import { expect } from "vitest";
import { REPO_ROOT } from "../../compiler/files/index.ts";
import { compileFile } from "../../compiler/driver/pipeline.ts";
import { compilePlonkish, witnessFor, type CompiledCircuit } from "../../backends/plonkish/index.ts";
import { MockProver } from "../../runtime/plonk/index.ts";

export function compileFixture(name: string): CompiledCircuit {
  const fe = compileFile(join(REPO_ROOT, "test/kv/fixtures", name));
  expect(fe.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const c = compilePlonkish(fe.ir!);
  expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return c.compiled!;
}

export function checkInputs(circuit: CompiledCircuit, inputs: Record<string, unknown>): string[] {
  const { witness, run } = witnessFor(circuit, inputs);
  if (!witness) return run.diagnostics.map((d) => d.message);
  return MockProver.run(circuit.program.circuit, witness).messages();
}

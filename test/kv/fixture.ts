// A .cwl circuit fixture of test/kv/fixtures, compiled for the PLONKish backend (check inputs against it
// with runtime/kv's mockInputs).
import { join } from "node:path";
import { expect } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileFile } from "../../compiler/pipeline/index.ts";
import { compilePlonkish, type CompiledCircuit } from "../../backends/plonkish/index.ts";

export function compileFixture(name: string): CompiledCircuit {
  const fe = compileFile(join(REPO_ROOT, "test/kv/fixtures", name));
  expect(fe.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const c = compilePlonkish(fe.ir!);
  expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return c.compiled!;
}

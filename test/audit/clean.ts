// The circuits `cwl audit` must find clean (or justify in allow.json): every example the PLONKish
// backend lowers, stdlib wrappers in test/audit/stdlib, the attacks of issue 14 in test/audit/clean (as
// the backend now constrains them), and the generated std::kv circuits at small sizes.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT, lineColOf } from "../../base/files/index.ts";
import { loadCircuit } from "../../tooling/cli/plonkish.ts";
import { accessCircuitSource } from "../../tooling/kv/circuit.ts";
import { batchCircuitSource } from "../../tooling/kv/batch.ts";
import { storageCircuitSource } from "../../tooling/kv/storage.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { renderAll } from "../../base/diagnostics/index.ts";
import { compilePlonkish, type CompiledCircuit } from "../../backends/plonkish/index.ts";
import { auditCompiled, type AuditReport } from "../../backends/plonkish/audit/index.ts";
import type { SourceFile } from "../../base/files/index.ts";

export interface CleanCase {
  name: string;
  load: () => { compiled?: CompiledCircuit; fileOf?: (id: number) => SourceFile | undefined; why?: string };
}

const fromFile = (rel: string): CleanCase => ({
  name: rel,
  load: () => {
    const l = loadCircuit(join(REPO_ROOT, rel));
    return { compiled: l.compiled, fileOf: l.fileOf, why: l.compiled ? undefined : l.render() };
  },
});

/** A circuit tooling/kv generates, compiled here from its source so that findings keep their lines. */
const generated = (name: string, path: string, source: () => string): CleanCase => ({
  name,
  load: () => {
    const fe = compileSource(join(REPO_ROOT, path), source());
    const fileOf = (id: number) => fe.fm.get(id);
    if (!fe.ir) return { fileOf, why: renderAll(fe.diagnostics, fileOf) };
    const c = compilePlonkish(fe.ir);
    return { compiled: c.compiled, fileOf, why: c.compiled ? undefined : renderAll(c.diagnostics, fileOf) };
  },
});

export function cleanCases(): CleanCase[] {
  const examples = readdirSync(join(REPO_ROOT, "examples"))
    .filter((f) => f.endsWith(".cwl") && /^circuit\s/m.test(readFileSync(join(REPO_ROOT, "examples", f), "utf8")))
    .sort()
    .map((f) => fromFile(`examples/${f}`));
  const dir = (d: string) =>
    readdirSync(join(REPO_ROOT, "test", "audit", d))
      .filter((f) => f.endsWith(".cwl"))
      .sort()
      .map((f) => fromFile(`test/audit/${d}/${f}`));
  return [
    ...examples,
    ...dir("stdlib"),
    // Issue 14's attacks as the backend lowers them now: each must be clean.
    ...dir("clean"),
    generated("std::kv access (depth 4)", "stdlib/kv/__audit_access.cwl", () => accessCircuitSource(4)),
    generated("std::kv batch (depth 4, 2 ops, 2 keys)", "stdlib/kv/__audit_batch.cwl", () => batchCircuitSource({ depth: 4, k: 2, keys: 2 })),
    generated("std::evm::storage (depth 4, 2 ops, 2 keys, trace 2)", "stdlib/evm/__audit_storage.cwl", () => storageCircuitSource({ depth: 4, k: 2, keys: 2 }, 2)),
  ];
}

/** A finding as the allow-list names it: code and `path:line` (repository-relative; generated sources by name). */
export function findingKeys(report: AuditReport, fileOf?: (id: number) => SourceFile | undefined): string[] {
  return report.findings.map((f) => {
    const src = f.span ? fileOf?.(f.span.file) : undefined;
    const at = src && f.span ? `${relative(REPO_ROOT, src.path)}:${lineColOf(src, f.span.start).line}` : (f.subject ?? "?");
    return `${f.code} ${at}`;
  });
}

export { auditCompiled };

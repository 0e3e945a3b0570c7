// `cwl audit` on a corpus of deliberately under-constrained circuits: each file's `// expect:` line
// lists the codes (optionally `CODE@LINE`) its report must contain. A confirmed finding carries two
// witnesses; MockProver — not the audit's own evaluator — must accept both, with the same public
// values, so a confirmation is a real pair of proofs' worth of witnesses a cheating prover could use.
import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, lineColOf } from "../../base/files/index.ts";
import { loadCircuit } from "../../tooling/cli/plonkish.ts";
import { auditCompiled } from "../../backends/plonkish/audit/index.ts";
import { MockProver } from "../../runtime/plonk/index.ts";

const dir = join(REPO_ROOT, "test", "audit", "corpus");
const files = readdirSync(dir).filter((f) => f.endsWith(".cwl")).sort();

describe("audit: under-constrained corpus", () => {
  it("has at least ten circuits", () => expect(files.length).toBeGreaterThanOrEqual(10));

  for (const file of files)
    it(file, () => {
      const path = join(dir, file);
      const expects = /\/\/ expect:(.*)/.exec(readFileSync(path, "utf8"))?.[1].trim().split(/\s+/) ?? [];
      expect(expects.length, "the file names its expected findings").toBeGreaterThan(0);
      const loaded = loadCircuit(path);
      expect(loaded.compiled, loaded.render()).toBeDefined();
      const report = auditCompiled(loaded.compiled!, { searchMs: 3000 });
      const got = report.findings.map((f) => {
        const src = f.span ? loaded.fileOf(f.span.file) : undefined;
        return { code: f.code, line: src && f.span ? lineColOf(src, f.span.start).line : undefined, f };
      });
      for (const e of expects) {
        const [code, line] = e.split("@");
        const hit = got.find((g) => g.code === code && (line === undefined || g.line === Number(line)));
        expect(hit, `${file}: expected ${e} among ${got.map((g) => `${g.code}@${g.line}`).join(", ")}`).toBeDefined();
      }
      for (const { f } of got) {
        if (!f.witnesses) continue;
        const [w1, w2] = f.witnesses;
        const c = loaded.compiled!.program.circuit;
        expect(MockProver.run(c, w1).failures, `${file}: first witness of ${f.message}`).toEqual([]);
        expect(MockProver.run(c, w2).failures, `${file}: second witness of ${f.message}`).toEqual([]);
        // Same public parameters (outputs may differ: that is what an output finding says).
        const names = loaded.compiled!.program.publicNames;
        const params = (w: typeof w1) => (w.instance[0] ?? []).filter((_, r) => !/^output\d+$/.test(names[r] ?? ""));
        expect(params(w2)).toEqual(params(w1));
        expect(f.values![0]).not.toBe(f.values![1]);
      }
    });
});

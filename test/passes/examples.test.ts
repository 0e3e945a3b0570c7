// The passes on real lowered programs (examples/ and stdlib/): each is compiled by the front end, printed and
// re-parsed (exact round trip), run through the full pass pipeline with the verifier after every pass,
// and interpreted before and after on its example input: the results must not change.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileFile } from "../../compiler/pipeline/index.ts";
import { parseText, printModule, verifyModule } from "../../compiler/ir/index.ts";
import { runPipeline } from "../../compiler/passes/index.ts";
import { run } from "../../compiler/interp/index.ts";

const dir = join(REPO_ROOT, "examples");
const examples = readdirSync(dir).filter((f) => f.endsWith(".cwl") && existsSync(join(dir, f.replace(/\.cwl$/, ".json"))));

describe("passes on the examples", () => {
  it("has examples", () => expect(examples.length).toBeGreaterThan(3));
  for (const ex of examples)
    it(ex, () => {
      const res = compileFile(join(dir, ex));
      expect(res.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const m = res.ir!;
      const text = printModule(m, { fileOf: (id) => res.fm.get(id) });
      const re = parseText(text, ex, res.fm);
      expect(re.diagnostics).toEqual([]);
      expect(printModule(re.module, { fileOf: (id) => res.fm.get(id) })).toBe(text);

      const inputs = JSON.parse(readFileSync(join(dir, ex.replace(/\.cwl$/, ".json")), "utf8")) as Record<string, unknown>;
      const summary = (r: ReturnType<typeof run>) => ({ ok: r.ok, codes: r.diagnostics.map((d) => d.code), outputs: r.outputsJson, revealed: r.revealed.map((v) => v.json), buffers: r.buffers.map((b) => b?.map(String)) });
      const before = summary(run(re.module, { inputs }));
      expect(before.ok).toBe(true);
      const ds = runPipeline(re.module, "inline,unroll,const-fold,if-to-select,const-fold,range-lookup,cse,dce", { verifyEach: true });
      expect(ds.filter((d) => d.severity === "error")).toEqual([]);
      expect(summary(run(re.module, { inputs }))).toEqual(before);
    });
});

function cwlFiles(d: string): string[] {
  return (readdirSync(d, { recursive: true }) as string[]).filter((f) => f.endsWith(".cwl")).sort();
}

describe("stdlib modules", () => {
  const std = join(REPO_ROOT, "stdlib");
  const files = cwlFiles(std);
  it("has stdlib modules", () => expect(files.length).toBeGreaterThan(3));
  for (const f of files)
    // Passes on the stdlib run through the examples above (unrolling every Poseidon width here costs ~20 s).
    it(`${f}: round-trips and verifies`, () => {
      const res = compileFile(join(std, f));
      expect(res.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const fileOf = (id: number) => res.fm.get(id);
      const text = printModule(res.ir!, { fileOf });
      const re = parseText(text, f, res.fm);
      expect(re.diagnostics).toEqual([]);
      expect(printModule(re.module, { fileOf })).toBe(text);
      expect(verifyModule(re.module)).toEqual([]);
    });
});

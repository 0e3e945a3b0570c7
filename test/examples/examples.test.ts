// Every example: check (parse + sema + lowering + CWIR verifier), build to CWIR text (which must parse
// back and print identically), run with its input (expected reveals/buffers from test/examples/cases.json),
// and a wrong input (a patch over the good one, from cases.json) fails with the expected diagnostic,
// naming the .cwl line for constraint failures. An example without a case entry fails the suite. One CLI
// run checks exit code and rendering end to end.
import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "../../base/files/index.ts";
import { encodeJson, type RValue } from "../../compiler/interp/index.ts";
import { parseModule, printModule } from "../../compiler/ir/index.ts";
import { compileOk } from "../stdlib/util.ts";

interface Case {
  /** The item to run when the file has several (e.g. one kernel of a pipeline). */
  entry?: string;
  /** The input, for an example without a stand-alone `<name>.json` (its host program drives it). */
  input?: Record<string, unknown>;
  revealed?: unknown[];
  buffers?: Record<string, unknown[]>;
  wrong?: { patch: Record<string, unknown>; error: string };
  wrong2?: { patch: Record<string, unknown>; error: string };
}
const CASES = JSON.parse(readFileSync(join(REPO_ROOT, "test/examples/cases.json"), "utf8")) as Record<string, Case>;
const EX_DIR = join(REPO_ROOT, "examples");
const ALL = readdirSync(EX_DIR)
  .filter((f) => f.endsWith(".cwl"))
  .map((f) => f.slice(0, -4));
const EXAMPLES = ALL.filter((n) => n in CASES);
const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8")) as Record<string, unknown>;

describe("examples", () => {
  it("there are at least five, each with a case entry, an input and a README line", () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(5);
    expect(ALL.filter((n) => !(n in CASES)), "examples without an entry in test/examples/cases.json").toEqual([]);
    const readme = readFileSync(join(EX_DIR, "README.md"), "utf8");
    for (const n of EXAMPLES) {
      expect(existsSync(join(EX_DIR, `${n}.json`)) !== (CASES[n]!.input !== undefined), `${n}: either ${n}.json or an input in cases.json`).toBe(true);
      expect(readme).toContain(`\`${n}.cwl\``);
    }
  });

  for (const name of EXAMPLES) {
    describe(name, () => {
      const c = compileOk(`examples/${name}.cwl`);
      const good = CASES[name]!.input ?? readJson(join(EX_DIR, `${name}.json`));
      const entry = CASES[name]!.entry;

      it("builds to CWIR text that parses back identically", () => {
        const fileOf = (id: number) => c.fm.get(id);
        const text = printModule(c.ir!, { fileOf });
        expect(text.length).toBeGreaterThan(0);
        const back = parseModule(c.fm.add(`${name}.cwir`, text));
        expect(back.diagnostics).toEqual([]);
        expect(printModule(back.module, { fileOf })).toBe(text);
      });

      it("runs with its input", () => {
        const r = c.runEntry(entry, good);
        expect(c.render(r.diagnostics)).toBe("");
        expect(r.ok).toBe(true);
        const want = CASES[name];
        if (want.revealed) expect(r.revealed.map((x) => x.json)).toEqual(want.revealed);
        if (want.buffers) {
          const f = c.ir!.funcs.find((g) => g.kind === "kernel" && (entry === undefined || g.name === entry))!;
          for (const [buf, values] of Object.entries(want.buffers)) {
            const i = f.paramAttrs.findIndex((a) => a?.name === buf);
            const t = f.args[i].type;
            const got = (r.buffers[i] ?? []).map((v: RValue) => encodeJson(c.ir!, t.kind === "mem" ? t.elem : t, v));
            expect(got).toEqual(values);
          }
        }
      });

      for (const key of ["wrong", "wrong2"] as const) {
        const w = CASES[name][key];
        if (!w) continue;
        it(`fails on a wrong input (${Object.keys(w.patch).join(", ")})`, () => {
          const r = c.runEntry(entry, { ...good, ...w.patch });
          expect(r.ok).toBe(false);
          expect(c.render(r.diagnostics)).toContain(w.error);
        });
      }
    });
  }

  it("the CLI reports a failing witness with file:line:col and exit code 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-ex-"));
    const input = join(dir, "wrong.json");
    writeFileSync(input, JSON.stringify({ ...readJson(join(EX_DIR, "poseidon_preimage.json")), ...CASES.poseidon_preimage.wrong!.patch }));
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin/cwl.js"), "run", "examples/poseidon_preimage.cwl", "--input", input], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(CASES.poseidon_preimage.wrong!.error);
    expect(r.stderr).toContain("^^^");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

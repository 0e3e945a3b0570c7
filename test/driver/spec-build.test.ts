// `cwl build` on spec items: `--target ir` and `--emit ir` give the `spec` dialect (with `.cwl` locations), and
// `--target promela` writes, per spec, exactly the Promela the backend emits for the checked model —
// so the model checker and spin see one model whichever path a user takes. User mistakes are
// diagnostics with exit 1.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileManager, REPO_ROOT } from "../../base/files/index.ts";
import { loadSpecs } from "../../compiler/spec/index.ts";
import { instantiate } from "../../runtime/spec/index.ts";
import { emitPromela } from "../../backends/promela/index.ts";

const run = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, "bin", "cwl.js"), "build", ...args], { encoding: "utf8", cwd: REPO_ROOT });

describe("cwl build on specs", () => {
  it("--target ir prints the spec dialect; --target promela writes each spec's model", () => {
    const ir = run("stdlib/specs/bft.cwl", "--target", "ir");
    expect(ir.status, ir.stderr).toBe(0);
    for (const name of ["Bft", "BftHalfQuorum", "BftCommitteeWithoutAll"]) expect(ir.stdout).toContain(`spec @${name}() {`);
    for (const op of ["spec.param", "spec.domain", "spec.state", "spec.action", "spec.invariant", "spec.property", "spec.adversary", "spec.quant", "spec.honest"])
      expect(ir.stdout).toContain(op);
    expect(ir.stdout).toMatch(/spec\.action \{byzantine = true, name = "vote".*\} \{\n.*\n.*loc\("stdlib\/specs\/bft\.cwl":18:\d+\)/);

    const out = mkdtempSync(join(tmpdir(), "cwl-pml-"));
    const pml = run("stdlib/specs/rollup.cwl", "--target", "promela", "-o", out, "--param", "w=3", "--emit", "ir");
    expect(pml.status, pml.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["Rollup.pml", "RollupNoWindow.pml", "rollup.cwir"]);
    expect(readFileSync(join(out, "rollup.cwir"), "utf8")).toMatch(/^spec @Rollup\(\) \{\n  spec\.param \{default = 2, name = "w"\}/);
    const fm = new FileManager();
    const models = loadSpecs(fm, fm.load(join(REPO_ROOT, "stdlib", "specs", "rollup.cwl"))!).models;
    for (const [name, model] of models) expect(readFileSync(join(out, `${name}.pml`), "utf8"), name).toBe(emitPromela(instantiate(model, { w: 3 })).text);
  });

  it("refuses an unknown spec and params that empty a domain, with a diagnostic and exit 1", () => {
    const out = mkdtempSync(join(tmpdir(), "cwl-pml-"));
    const unknown = run("stdlib/specs/bft.cwl", "--target", "promela", "--entry", "Bf", "-o", out);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("error[E0711]: no spec named `Bf`");
    expect(unknown.stderr).toContain("specs here: Bft, BftHalfQuorum, BftCommitteeWithoutAll");
    const empty = run("stdlib/specs/bft.cwl", "--target", "promela", "--entry", "Bft", "--param", "n=0", "-o", out);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/bft\.cwl:\d+:\d+: error\[E0709\]: spec `Bft`: domain `Node` is empty/);
    expect(empty.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(out)).toEqual([]);
  });
});

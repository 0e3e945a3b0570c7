// `cwl check-spec`: exit codes, verdict, trace with file positions, repair hint, user errors
// without stack traces.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";

const cwl = (...args: string[]) => {
  const r = spawnSync("node", [join(REPO_ROOT, "bin", "cwl.js"), "check-spec", ...args], { cwd: REPO_ROOT, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("cwl check-spec", () => {
  it("exits 0 when every property holds", () => {
    const r = cwl("stdlib/specs/rollup.cwl", "--spec", "Rollup", "--param", "w=2");
    expect(r.err).not.toContain("internal error");
    expect(r.code).toBe(0);
    expect(r.out).toContain("all properties hold");
  });
  it("exits 1 with a trace and a repair hint on a violation; writes Promela on request", () => {
    const pml = join(mkdtempSync(join(tmpdir(), "cwl-")), "m.pml");
    const r = cwl("stdlib/specs/rollup.cwl", "--spec", "RollupNoWindow", "--promela", pml);
    expect(readFileSync(pml, "utf8")).toContain("active proctype main()");
    expect(r.code).toBe(1);
    expect(r.out).toContain("violation: invariant `no_fraudulent_finality` is violated");
    expect(r.out).toMatch(/1\. post\(\)  at stdlib\/specs\/rollup\.cwl:\d+:\d+/);
    expect(r.out).toContain("repair hint");
    expect(r.out).toContain("+ posted && !challenged && !finalized && clock >= posted_at + w");
  });
  it("reports user errors without a stack trace", () => {
    // Each CLI start costs a second or more, so two representative cases: a bad flag, bad params.
    for (const args of [["stdlib/specs/bft.cwl", "--spec", "Bft", "--param", "n"], ["stdlib/specs/bft.cwl", "--spec", "Bft", "--param", "n=0"]]) {
      const r = cwl(...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.err).not.toMatch(/internal error|\n\s+at /);
      expect(r.err).toMatch(/error/);
    }
  });
});

import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";

const cwl = join(REPO_ROOT, "bin", "cwl.js");
const run = (...args: string[]) => spawnSync(process.execPath, [cwl, ...args], { encoding: "utf8", cwd: REPO_ROOT });
const fixture = (p: string) => join("test", "sema", "fixtures", p);
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

describe("cwl CLI", () => {
  it("prints help and exits 0", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("cwl <command>");
    for (const c of ["check", "build", "run"]) expect(r.stdout).toContain(c);
  });
  it("rejects an unknown command with exit code 1 and a hint, no stack trace", () => {
    const r = run("no-such-command");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("hint:");
    noStack(r.stderr);
  });
});

describe("cwl check / build / run", () => {
  const dir = mkdtempSync(join(tmpdir(), "cwl-cli-"));
  it("check: ok file exits 0; a file with errors prints each with file:line:col and a snippet, exit 1", () => {
    const ok = run("check", fixture("execution_success/square.cwl"));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("ok");
    const bad = run("check", fixture("compile_failure/three_errors.cwl"));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("three_errors.cwl:3:17: error[E0101]");
    expect(bad.stderr).toContain("three_errors.cwl:4:18: error[E0201]");
    expect(bad.stderr).toContain("three_errors.cwl:5:17: error[E0301]");
    expect(bad.stderr).toMatch(/\|\s+\^+/);
    noStack(bad.stderr);
  });
  it("build --target ir writes CWIR text with source locations; missing files are user errors", () => {
    const out = join(dir, "square.cwir");
    const r = run("build", fixture("execution_success/square.cwl"), "--target", "ir", "-o", out, "--passes", "default");
    expect(r.status).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toContain("circuit @Square(");
    expect(text).toContain("c.assert");
    expect(text).toMatch(/loc\(".*square\.cwl":13:5\)/);
    // Inlined and unrolled by the default pipeline: no calls or loops left in the circuit.
    expect(text).not.toContain("cf.for");
    const missing = run("build", "no/such/file.cwl", "--target", "ir");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("cannot read file");
    noStack(missing.stderr);
  });
  it("run: prints outputs as JSON; a failing assertion names the .cwl span and exits 1", () => {
    const ok = run("run", fixture("execution_success/arith.cwl"), "--input", fixture("execution_success/arith.json"));
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, outputs: ["1000051"] });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ y: "27", x: "4" }));
    const r = run("run", fixture("execution_failure/wrong_witness.cwl"), "--input", bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("wrong_witness.cwl:4:5: error[E0501]");
    expect(r.stderr).toContain("y must be x^3");
    noStack(r.stderr);
    // Inputs outside their type are refused (not reduced), naming the element, parameter and type.
    const range = join(dir, "range.json");
    writeFileSync(range, JSON.stringify({ x: "-1", xs: [1, 2, 3, 2 ** 32], y: true }));
    const o = run("run", fixture("execution_success/arith.cwl"), "--input", range);
    expect(o.status).toBe(1);
    expect(o.stderr).toContain("error[E0506]: x = -1 is negative (input 'x: Bn254Fr')");
    expect(o.stderr).toContain("error[E0506]: xs[3] = 4294967296 is out of range: 0 ≤ v < 2^32 (input 'xs: [u32; 4]')");
    expect(o.stderr).toContain("error[E0506]: y: expected an integer (number, decimal or 0x string), got true (input 'y: Bn254Fr')");
    noStack(o.stderr);
  });
});

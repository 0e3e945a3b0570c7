// `cwl audit` as a user runs it: exit 0 with no findings, 1 with findings (diagnostics with file:line:col
// and a hint), --json, --circuit, and a circuit that does not lower (the lowering's diagnostics, exit 1).
// Also: a typed parameter whose range check the layout lost is reported (E0663) and confirmed.
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { loadCircuit } from "../../tooling/cli/plonkish.ts";
import { auditCompiled } from "../../backends/plonkish/audit/index.ts";

const cwl = join(REPO_ROOT, "bin", "cwl.js");
let dir: string;
const run = (...args: string[]) => spawnSync(process.execPath, [cwl, ...args], { encoding: "utf8", cwd: REPO_ROOT });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cwl-audit-"));
  writeFileSync(
    join(dir, "two.cwl"),
    `hint fn h(x: Field) -> Field { x }
circuit Good(priv x: Field) -> Field { x * x }
circuit Bad(priv x: Field) -> Field { h(x) + x }
`,
  );
});

describe("cwl audit", () => {
  it("exit 0 on a clean example, 1 with located findings, --json, --circuit", () => {
    const ok = run("audit", "examples/range_lookup.cwl");
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/no findings/);
    const bad = run("audit", "test/audit/corpus/square_root.cwl");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/square_root\.cwl:\d+:\d+: error\[E0661\]: public output0 is not uniquely determined/);
    expect(bad.stderr).toMatch(/hint: /);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const js = run("audit", "test/audit/corpus/square_root.cwl", "--json");
    expect(js.status).toBe(1);
    const report = JSON.parse(js.stdout);
    expect(report.circuit).toBe("Root");
    expect(report.findings.some((f: { code: string; status: string; location: string }) => f.code === "E0661" && f.status === "confirmed" && /square_root\.cwl:8:/.test(f.location))).toBe(true);
    expect(run("audit", join(dir, "two.cwl"), "--circuit", "Good").status).toBe(0);
    const b = run("audit", join(dir, "two.cwl"), "--circuit", "Bad");
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/E0661/);
  });

  it("a file that does not lower or is missing: diagnostics, exit 1, no stack trace", () => {
    const several = run("audit", join(dir, "two.cwl"));
    expect(several.status).toBe(1);
    expect(several.stderr).toMatch(/E0644/);
    const missing = run("audit", join(dir, "absent.cwl"));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/error: /);
    for (const r of [several, missing]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a u8 parameter whose range lookups are removed from the layout is reported and confirmed", () => {
    const path = join(dir, "byte.cwl");
    writeFileSync(path, `circuit Byte(pub out: Field, priv x: u8) { assert_eq(x as Field, out, "out is a byte"); }\n`);
    const loaded = loadCircuit(path);
    const clean = auditCompiled(loaded.compiled!, { searchMs: 1000 });
    expect(clean.findings).toEqual([]);
    // The attacker's view of a backend that forgot the range check: same layout without its lookups.
    loaded.compiled!.program.circuit.lookups.length = 0;
    const r = auditCompiled(loaded.compiled!, { searchMs: 2000 });
    const f = r.findings.find((x) => x.code === "E0663");
    expect(f?.message).toMatch(/private parameter 'x' has type u8 but it is not held to 0\.\.255/);
    expect(f?.status).toBe("confirmed");
  });
});

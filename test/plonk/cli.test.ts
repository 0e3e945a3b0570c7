// `cwl setup` → `cwl prove` → `cwl verify` on a CWIR fixture, plus the failure paths a user meets.
// Each spawn pays the CLI's start-up, so the suite keeps to five.
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, copyFileSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";

const cwl = join(REPO_ROOT, "bin", "cwl.js");
let dir: string;
const PICK = `use std::field::Bn254Fr;
circuit Pick(pub a: Bn254Fr, pub b: Bn254Fr, pub out: Bn254Fr, priv choice: [bool; 1]) {
    let r = if choice[0] { a } else { b };
    assert_eq(r, out, "out must be a or b");
}
`;
const run = (...args: string[]) => spawnSync(process.execPath, [cwl, ...args], { encoding: "utf8", cwd: dir });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cwl-plonk-"));
  copyFileSync(join(REPO_ROOT, "test/plonk/fixtures/select.cwir"), join(dir, "select.cwir"));
  writeFileSync(join(dir, "in.json"), JSON.stringify({ out: "49", x: "7", y: "7" }));
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ out: "49", x: "7", y: "3" }));
  writeFileSync(join(dir, "pick.cwl"), PICK);
  writeFileSync(join(dir, "pick.json"), JSON.stringify({ a: "10", b: "20", out: "50", choice: [-3] }));
});

describe("cwl setup / prove / verify", () => {
  it("round trip with the dev SRS at a chosen k, labelled insecure by setup and verify; tampered public input rejected", () => {
    const s = run("setup", "select.cwir", "--insecure-dev-srs", "--k", "6", "-o", "select.vk.json");
    expect(s.status, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/INSECURE/);
    const p = run("prove", "select.cwir", "-i", "in.json", "--insecure-dev-srs", "--k", "6", "--vk", "select.vk.json");
    expect(p.status, p.stderr).toBe(0);
    for (const phase of ["witness", "mock prover", "keygen", "advice commitments", "quotient", "batched opening"]) expect(p.stderr).toContain(phase);
    // -k reaches the MockProver too (it checks at the domain the proof uses).
    expect(p.stderr).toMatch(/all constraints hold \(k=6\)/);
    const v = run("verify", "--vk", "select.vk.json", "--proof", "select.proof", "--public", "select.public.json");
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/proof OK/);
    // The key records its SRS through tau·G2: verify warns that proofs under it can be forged.
    expect(v.stderr).toMatch(/WARNING: select\.vk\.json was made with the INSECURE development SRS/);
    const pub = JSON.parse(readFileSync(join(dir, "select.public.json"), "utf8"));
    pub.public[0][0] = "50";
    writeFileSync(join(dir, "wrong.public.json"), JSON.stringify(pub));
    const w = run("verify", "--vk", "select.vk.json", "--proof", "select.proof", "--public", "wrong.public.json");
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/proof rejected/);
  });

  it("a bad witness stops before proving, naming the source location", () => {
    const p = run("prove", "select.cwir", "-i", "bad.json", "--insecure-dev-srs", "-o", "bad.proof");
    expect(p.status).toBe(1);
    expect(p.stderr).toContain('select.cwl:9:3: copy constraint "c.assert_eq: out = x == y ? x*y : 1" violated');
    expect(p.stderr).not.toMatch(/\n\s+at /);
  });

  it("an input outside its type is a diagnostic naming the parameter and its type, before any witness", () => {
    const p = run("prove", "pick.cwl", "-i", "pick.json", "--insecure-dev-srs");
    expect(p.status).toBe(1);
    expect(p.stderr).toContain("error[E0506]: choice[0]: expected true or false, got -3 (input 'choice: [bool; 1]')");
    expect(p.stderr).not.toMatch(/\n\s+at /);
    expect(p.stderr).not.toMatch(/mock prover/);
  });
});

// `cwl fmt`: rewrites files in place, `--check` reports without writing, broken files are left alone.
// Two CLI runs only: starting the CLI costs seconds on a loaded CI machine.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { formatSource } from "../../tooling/format/index.ts";

function cwl(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin/cwl.js"), ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("cwl fmt", () => {
  const dir = mkdtempSync(join(tmpdir(), "cwlfmt-"));
  const messy = join(dir, "messy.cwl");
  const clean = join(dir, "clean.cwl");
  const broken = join(dir, "broken.cwl");
  const messyText = "const A:u32=1;// one\nfn f(x:u32)->u32{x+A}\n";
  writeFileSync(messy, messyText);
  writeFileSync(clean, "const A: u32 = 1;\n");
  writeFileSync(broken, "fn f( {\n");

  it("--check lists unformatted files, exits 1 and writes nothing", () => {
    const r = cwl("fmt", "--check", messy, clean);
    expect(r.code).toBe(1);
    expect(r.err).toContain(messy);
    expect(r.err).not.toContain(clean);
    expect(readFileSync(messy, "utf8")).toBe(messyText);
  });

  it("formats in place without temp files and refuses a file with syntax errors", async () => {
    const r = cwl("fmt", messy, clean, broken);
    expect(r.code).toBe(1);
    const out = readFileSync(messy, "utf8");
    expect(out).toBe("const A: u32 = 1; // one\nfn f(x: u32) -> u32 {\n    x + A\n}\n");
    const again = await formatSource(out);
    expect(again.ok && again.changed).toBe(false);
    expect(r.out).toContain(`formatted ${messy}`);
    expect(r.out).not.toContain(clean);
    expect(r.err).toMatch(/broken\.cwl:1:7: error\[E0011\]/);
    expect(r.err).not.toContain("    at ");
    expect(readFileSync(broken, "utf8")).toBe("fn f( {\n");
    expect(readdirSync(dir).sort()).toEqual(["broken.cwl", "clean.cwl", "messy.cwl"]);
  });
});

// Every .cwl file under examples/ and stdlib/ is as `cwl fmt` leaves it: one `cwl fmt --check` run over
// all of them (the CLI a user runs in CI) exits 0 and names no file.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";

function cwlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? cwlFiles(join(dir, e.name)) : e.name.endsWith(".cwl") ? [join(dir, e.name)] : [],
  );
}

describe("examples/ and stdlib/ are formatted", () => {
  it("cwl fmt --check over every .cwl file exits 0", () => {
    const files = ["examples", "stdlib"].flatMap((d) => cwlFiles(join(REPO_ROOT, d))).map((f) => relative(REPO_ROOT, f));
    expect(files.length).toBeGreaterThan(10);
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin/cwl.js"), "fmt", "--check", ...files], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(r.stderr, "run `cwl fmt` on the files named").toBe("");
    expect(r.status).toBe(0);
  });
});

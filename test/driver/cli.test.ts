import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../compiler/files/index.ts";

const cwl = join(REPO_ROOT, "bin", "cwl.js");
const run = (...args: string[]) => spawnSync(process.execPath, [cwl, ...args], { encoding: "utf8" });

describe("cwl CLI", () => {
  it("prints help and exits 0", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("cwl <command>");
  });
  it("rejects an unknown command with exit code 1 and a hint, no stack trace", () => {
    const r = run("no-such-command");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("hint:");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

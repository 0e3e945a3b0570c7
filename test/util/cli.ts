// Running the `cwl` CLI from tests: as a child process through bin/cwl.js (what a user runs), or in
// this process through tooling/cli's main with its output captured (fast, for many small cases).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { main } from "../../tooling/cli/main.ts";

export interface CwlProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/cwl.js ARGS` from the repository root; `sources` skips the bundle (CWL_NO_BUNDLE). */
export function spawnCwl(args: string[], opts: { sources?: boolean } = {}): Promise<CwlProcessResult> {
  const env = opts.sources ? { ...process.env, CWL_NO_BUNDLE: "1" } : process.env;
  return new Promise((done) => {
    const c = spawn(process.execPath, [join(REPO_ROOT, "bin/cwl.js"), ...args], { cwd: REPO_ROOT, env });
    let stdout = "";
    let stderr = "";
    c.stdout.on("data", (d) => (stdout += d));
    c.stderr.on("data", (d) => (stderr += d));
    c.on("close", (status) => done({ status, stdout, stderr }));
  });
}

/** Runs the CLI's main in this process (from `cwd` when given), stdout and stderr captured together. */
export async function runCwlInProcess(args: string[], cwd?: string): Promise<{ status: number; out: string }> {
  let out = "";
  const saved = { o: process.stdout.write, e: process.stderr.write, cwd: process.cwd() };
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stderr.write;
  if (cwd) process.chdir(cwd);
  try {
    return { status: await main(args), out };
  } finally {
    process.stdout.write = saved.o;
    process.stderr.write = saved.e;
    if (cwd) process.chdir(saved.cwd);
  }
}

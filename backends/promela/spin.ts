// Runs spin on an emitted model: `spin -a`, gcc, `./pan -E` (invalid end states are deadlocks of
// the spec, which the checker allows). Verdict: an assertion violation or not.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SpinResult {
  ok: boolean;
  errors: number;
  states: number;
  /** Wall time of the search (pan) alone, and of spin + gcc. */
  searchMs: number;
  buildMs: number;
  output: string;
}

let available: boolean | undefined;
/** Whether spin and gcc are on PATH (tests skip visibly when not). */
export function haveSpin(): boolean {
  if (available === undefined) {
    const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
    available = ok("spin", ["-V"]) && ok("gcc", ["--version"]);
  }
  return available;
}

/**
 * `optimize` compiles pan with -O2 (benchmarks); tests use -O0, which builds several times faster
 * and searches these small models just as well.
 */
export function runSpin(text: string, opts: { maxDepth?: number; keep?: boolean; optimize?: boolean } = {}): SpinResult {
  const dir = mkdtempSync(join(tmpdir(), "cwl-spin-"));
  try {
    writeFileSync(join(dir, "model.pml"), text);
    const t0 = performance.now();
    execFileSync("spin", ["-a", "model.pml"], { cwd: dir, stdio: "pipe" });
    execFileSync("gcc", [opts.optimize ? "-O2" : "-O0", "-DSAFETY", "-DNOFAIR", "-DMEMLIM=4096", "-w", "-o", "pan", "pan.c"], { cwd: dir, stdio: "pipe" });
    const t1 = performance.now();
    const r = spawnSync("./pan", ["-E", "-w20", `-m${opts.maxDepth ?? 1_000_000}`], { cwd: dir, encoding: "utf8", maxBuffer: 64 << 20 });
    const t2 = performance.now();
    const output = (r.stdout ?? "") + (r.stderr ?? "");
    const errors = Number(/errors:\s*(\d+)/.exec(output)?.[1] ?? "-1");
    const states = Number(/(\d+)\s+states, stored/.exec(output)?.[1] ?? "0");
    if (errors < 0) throw new Error(`spin did not finish:\n${output.slice(-2000)}`);
    return { ok: errors === 0, errors, states, searchMs: t2 - t1, buildMs: t1 - t0, output };
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

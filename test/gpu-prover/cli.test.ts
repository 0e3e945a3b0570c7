// `cwl prove --device`: without an adapter `gpu` is a diagnostic (exit 1) and `auto` proves on the CPU
// with a note; with CWL_SLOW_KERNEL_TESTS and an adapter (lavapipe), a proof made on the device verifies
// with `cwl verify` against `cwl setup`'s key, and the run says where every MSM and NTT ran.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { openGpu } from "../../runtime/gpu/index.ts";

const T = mkdtempSync(join(tmpdir(), "cwl-gpu-prover-"));
afterAll(() => rmSync(T, { recursive: true, force: true }));
const src = join(REPO_ROOT, "examples", "range_lookup.cwl");
const inputs = join(REPO_ROOT, "examples", "range_lookup.json");

function cwl(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "cwl.js"), ...args], { cwd: T, encoding: "utf8", env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const prove = (name: string, ...flags: string[]) => ["prove", src, "-i", inputs, "--insecure-dev-srs", "-o", join(T, `${name}.proof`), "--public", join(T, `${name}.json`), ...flags];

describe("cwl prove --device without an adapter", () => {
  it("--device gpu is a diagnostic with a hint, exit 1, no stack trace", () => {
    const r = cwl(prove("gpu", "--device", "gpu"), { CWL_NO_GPU: "1" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: --device gpu: no WebGPU adapter/);
    expect(r.stderr).toMatch(/hint: use --device auto/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("cwl setup --device gpu is the same diagnostic; --device auto writes the key on the CPU", () => {
    const r = cwl(["setup", src, "--insecure-dev-srs", "-o", join(T, "s.vk"), "--device", "gpu"], { CWL_NO_GPU: "1" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: --device gpu: no WebGPU adapter/);
    const a = cwl(["setup", src, "--insecure-dev-srs", "-o", join(T, "s.vk"), "--device", "auto"], { CWL_NO_GPU: "1" });
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/using the CPU/);
  }, 60_000);

  it("--device auto proves on the CPU and says so", () => {
    const r = cwl(prove("auto", "--device", "auto", "--gpus", "2"), { CWL_NO_GPU: "1" });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/device: no WebGPU adapter .*; using the CPU/);
    expect(r.stdout).toMatch(/wrote .*auto\.proof/);
  }, 60_000);
});

const gpu = await openGpu();
describe.skipIf(!process.env.CWL_SLOW_KERNEL_TESTS || "reason" in gpu)("cwl prove --device gpu on an adapter (CWL_SLOW_KERNEL_TESTS)", () => {
  it("the device's proof verifies against cwl setup's key; every MSM and NTT ran on the device", () => {
    const vk = join(T, "rl.vk");
    expect(cwl(["setup", src, "--insecure-dev-srs", "-o", vk]).status).toBe(0);
    const r = cwl(prove("dev", "--device", "gpu", "--gpus", "2", "--vk", vk));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/device: 2 × wgsl on .*: msm \d+ on the device, 0 on the CPU; ntt \d+ on the device, 0 on the CPU/);
    const v = cwl(["verify", "--vk", vk, "--proof", join(T, "dev.proof"), "--public", join(T, "dev.json")]);
    expect(v.status, v.stderr + v.stdout).toBe(0);
  }, 300_000);
});

// A Rust guest's zkVM run proven with the BabyBear STARK (runtime/zkvm/air): examples/guests/rust/fib.rs
// on a small n. The proof verifies with the statement of the run (its output equal to the native
// run's), and is rejected for a statement that claims another output or exit code. Skips, saying why,
// without a rustc that has the wasm32 standard library.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { buildRust, findRustc } from "../../tooling/guest/index.ts";
import { proveProgramStark, verifyProgramStark, zkvmKeygen } from "../../runtime/zkvm/air/stark.ts";
import { nativeRun, u32le, vmProgram } from "./util.ts";

const rc = findRustc();
if (typeof rc === "string") console.log(`test/guests/prove: skipped: ${rc} (npm run setup:toolchains installs it)`);

describe.skipIf(typeof rc === "string")("a Rust guest's run proven (BabyBear STARK)", () => {
  it("verifies with its statement, not with another output or exit code", { timeout: 600_000 }, async () => {
    const src = join(REPO_ROOT, "examples", "guests", "rust", "fib.rs");
    const p = await vmProgram(buildRust(src));
    const input = u32le(12);
    const { pk, vk } = zkvmKeygen(p);
    const r = proveProgramStark(pk, p, input);
    if ("kind" in r) throw new Error(r.message);
    expect(Buffer.from(r.statement.output).toString()).toBe(nativeRun(buildRust(src, "host"), input).out);
    expect(Buffer.from(r.statement.output).toString()).toBe("144");
    expect(verifyProgramStark(vk, p, r.statement, r.proof)).toEqual({ ok: true });
    const forged = { ...r.statement, output: new TextEncoder().encode("145") };
    expect(verifyProgramStark(vk, p, forged, r.proof).ok).toBe(false);
    expect(verifyProgramStark(vk, p, { ...r.statement, exitCode: 1 }, r.proof).ok).toBe(false);
  });
});

// A bug in cwl (an exception inside the compiler) is reported as an internal-error diagnostic and
// makes the CLI exit 2, the code for "please report it", never 1 (a mistake in the user's program).
import { afterEach, describe, expect, it } from "vitest";
import { FileManager } from "../../base/files/index.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";
// The CLI registers the listener that turns an internal-error diagnostic into exit code 2.
import "../../tooling/cli/main.ts";

const g = globalThis as { __cwlSetExit?: (c: number) => void };
afterEach(() => delete g.__cwlSetExit);

/** A FileManager that fails when the checker asks it for a file: an exception the compiler did not expect. */
class BrokenFiles extends FileManager {
  armed = false;
  override get(id: number) {
    if (this.armed) throw new Error("boom");
    return super.get(id);
  }
}

describe("internal errors", () => {
  it("an exception inside the compiler is E0499 and sets exit code 2", () => {
    const codes: number[] = [];
    g.__cwlSetExit = (c) => codes.push(c);
    const fm = new BrokenFiles();
    fm.setOverlay("t.cwl", "fn f() {}\n");
    fm.armed = true;
    const r = compileSource("t.cwl", "fn f() {}\n", { fm });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0499"]);
    expect(codes).toEqual([2]);
  });

  it("a user's mistake sets no exit code here (the command exits 1)", () => {
    const codes: number[] = [];
    g.__cwlSetExit = (c) => codes.push(c);
    const r = compileSource("t.cwl", "fn f() -> u32 {\n    true\n}\n");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0201"]);
    expect(codes).toEqual([]);
  });
});

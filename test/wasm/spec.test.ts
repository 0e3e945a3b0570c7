// WebAssembly core spec tests (test/wasm/spec/, Apache-2.0, see its LICENSE) through the WASM
// frontend, the zkVM backend and the executor. Every assert_return / assert_trap runs; every
// assert_invalid / assert_malformed binary must be refused with E0690. An assertion about a function
// the frontend does not compile yet (reference types, multiple memories) counts as
// unsupported; none may fail. The per-file table is the one in spec/wasm.md (UPDATE_WASM_SPEC=1
// rewrites it there).
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { type FileReport, runWast } from "./wast.ts";

const DIR = join(REPO_ROOT, "test", "wasm", "spec");
const DOC = join(REPO_ROOT, "spec", "wasm.md");
const BEGIN = "<!-- spec-tests:begin (written by test/wasm/spec.test.ts) -->";
const END = "<!-- spec-tests:end -->";

function table(rows: [string, FileReport][]): string {
  const tot = rows.reduce((t, [, r]) => ({ p: t.p + r.passed, f: t.f + r.failed, u: t.u + r.unsupported, s: t.s + r.skipped }), { p: 0, f: 0, u: 0, s: 0 });
  return [
    "| file | passed | failed | unsupported | text-format (skipped) |",
    "|---|---:|---:|---:|---:|",
    ...rows.map(([f, r]) => `| ${f} | ${r.passed} | ${r.failed} | ${r.unsupported} | ${r.skipped} |`),
    `| **total** | **${tot.p}** | **${tot.f}** | **${tot.u}** | **${tot.s}** |`,
  ].join("\n");
}

describe("WebAssembly spec tests", () => {
  it("every assertion passes or is unsupported; the table in spec/wasm.md is this run's", async () => {
    const rows: [string, FileReport][] = [];
    for (const f of readdirSync(DIR).filter((x) => x.endsWith(".wast")).sort()) rows.push([f, await runWast(readFileSync(join(DIR, f), "utf8"))]);
    const t = table(rows);
    console.log(t);
    const failures = rows.flatMap(([f, r]) => r.failures.map((x) => `${f}: ${x}`));
    expect(failures).toEqual([]);
    // the integer, float, control-flow and memory assertions all run: nothing but proposals is left out
    const passed = Object.fromEntries(rows.map(([f, r]) => [f, r.passed]));
    expect(passed["i32.wast"]).toBeGreaterThan(450);
    expect(passed["memory_copy.wast"]).toBeGreaterThan(4000);
    expect(passed["f64.wast"]).toBeGreaterThan(2500);
    expect(passed["conversions.wast"]).toBeGreaterThan(600);
    const doc = readFileSync(DOC, "utf8");
    const next = doc.slice(0, doc.indexOf(BEGIN) + BEGIN.length) + "\n" + t + "\n" + doc.slice(doc.indexOf(END));
    if (process.env.UPDATE_WASM_SPEC) writeFileSync(DOC, next);
    else expect(doc).toBe(next);
  });
});

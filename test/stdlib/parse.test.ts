// Every stdlib module this suite owns and every example parses without a diagnostic (stdlib modules
// also type-check and lower on their own), and the committed
// Poseidon constants are exactly what scripts/gen-poseidon-constants.ts makes from circomlibjs.
import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { FileManager, REPO_ROOT, STDLIB_ROOT } from "../../base/files/index.ts";
import { compileFile } from "../../tooling/cli/pipeline.ts";
import { parse, type Expr } from "../../compiler/syntax/index.ts";
import { loadCircomlibConstants, renderConstants, OUT_PATH, ROUNDS_F, ROUNDS_P, T_MAX } from "../../scripts/gen-poseidon-constants.ts";
import { parseStdlib, render } from "./util.ts";

const STDLIB_FILES = ["field/mod.cwl", "hash/poseidon/mod.cwl", "hash/poseidon/constants.cwl", "hash/sha256.cwl", "merkle.cwl"];
// The examples this suite owns are the ones with cases in test/examples/cases.json (ntt.cwl belongs to the kernels work).
const OWNED = Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, "test/examples/cases.json"), "utf8")) as Record<string, unknown>);
const EXAMPLES = readdirSync(join(REPO_ROOT, "examples")).filter((f) => f.endsWith(".cwl") && OWNED.includes(f.slice(0, -4)));

describe("stdlib and examples parse cleanly", () => {
  for (const rel of STDLIB_FILES)
    it(`stdlib/${rel}`, () => {
      const r = parseStdlib(rel);
      expect(render(r.diagnostics, r.fm)).toBe("");
      expect(r.module.items.length).toBeGreaterThan(0);
    });
  for (const rel of STDLIB_FILES)
    it(`stdlib/${rel} type-checks and lowers on its own`, () => {
      const r = compileFile(join(STDLIB_ROOT, rel));
      expect(render(r.diagnostics, r.fm)).toBe("");
      expect(r.ir).toBeDefined();
    });
  for (const f of EXAMPLES)
    it(`examples/${f}`, () => {
      const fm = new FileManager();
      const r = parse(fm.load(join(REPO_ROOT, "examples", f))!);
      expect(render(r.diagnostics, fm)).toBe("");
      const text = readFileSync(join(REPO_ROOT, "examples", f), "utf8");
      expect(text.split("\n")[0], "first line says what the example shows").toMatch(/^\/\/ \S/);
    });
});

function arrayLit(e: Expr): Expr[] {
  if (e.kind !== "ArrayLit") throw new Error(`expected an array literal, got ${e.kind}`);
  return e.elems;
}
const intOf = (e: Expr): bigint => {
  if (e.kind !== "IntLit") throw new Error(`expected an integer literal, got ${e.kind}`);
  return e.value;
};

describe("Poseidon constants", () => {
  it("constants.cwl is up to date with circomlibjs (scripts/gen-poseidon-constants.ts)", async () => {
    expect(readFileSync(OUT_PATH, "utf8") === renderConstants(await loadCircomlibConstants())).toBe(true);
  });

  it("parsed C<t>/M<t> equal circomlibjs' C and M for t = 2..6", async () => {
    const k = await loadCircomlibConstants();
    const { module } = parseStdlib("hash/poseidon/constants.cwl");
    const consts = new Map(module.items.flatMap((i) => (i.kind === "Const" ? [[i.name.name, i.value] as const] : [])));
    for (let t = 2; t <= T_MAX; t++) {
      const rows = arrayLit(consts.get(`C${t}`)!);
      expect(rows.length).toBe(ROUNDS_F + ROUNDS_P[t - 2]);
      expect(rows.flatMap((r) => arrayLit(r).map(intOf))).toEqual(k.C[t - 2].map(BigInt));
      const m = arrayLit(consts.get(`M${t}`)!).map((r) => arrayLit(r).map(intOf));
      expect(m).toEqual(k.M[t - 2].map((r) => r.map(BigInt)));
    }
  });
});

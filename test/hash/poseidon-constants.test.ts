// Poseidon's constants exist once: runtime/hash/poseidon-bn254.json, and constants.cwl written from it.
// Both are regenerated here (scripts/gen-poseidon.ts: the reference Grain procedure) and compared byte
// for byte with the committed files; the generated constants equal circomlibjs's (an outside
// reference), and what the runtime, the PLONKish chip and std::hash::poseidon read is that data.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../../base/files/index.ts";
import type { Expr } from "../../compiler/syntax/index.ts";
import { CWL_PATH, JSON_PATH, ROUNDS_F, ROUNDS_P, T_MAX, grainParams, renderCwl, renderJson } from "../../scripts/gen-poseidon.ts";
import { poseidonParams, POSEIDON_MAX_INPUTS } from "../../runtime/hash/poseidon.ts";
import { parseStdlib } from "../stdlib/util.ts";

// circomlibjs does not export this subpath, so import the file by path.
async function circomlibConstants(): Promise<{ C: string[][]; M: string[][][] }> {
  return (await import(pathToFileURL(join(REPO_ROOT, "node_modules/circomlibjs/src/poseidon_constants.js")).href)).default;
}

function arrayLit(e: Expr): Expr[] {
  if (e.kind !== "ArrayLit") throw new Error(`expected an array literal, got ${e.kind}`);
  return e.elems;
}
const intOf = (e: Expr): bigint => {
  if (e.kind !== "IntLit") throw new Error(`expected an integer literal, got ${e.kind}`);
  return e.value;
};

describe("Poseidon constants: one generated source", () => {
  const json = renderJson();

  it("the committed data file and constants.cwl are what the generator writes, byte for byte", () => {
    expect(readFileSync(JSON_PATH, "utf8") === json, "rerun scripts/gen-poseidon.ts").toBe(true);
    expect(readFileSync(CWL_PATH, "utf8") === renderCwl(json), "rerun scripts/gen-poseidon.ts").toBe(true);
  });

  it("the Grain procedure reproduces circomlibjs's C and M for t = 2..6", async () => {
    const k = await circomlibConstants();
    for (let t = 2; t <= T_MAX; t++) {
      const g = grainParams(t);
      expect(g.constants.length).toBe(ROUNDS_F + ROUNDS_P[t - 2]!);
      expect(g.constants.flat()).toEqual(k.C[t - 2]!.map(BigInt));
      expect(g.mds).toEqual(k.M[t - 2]!.map((r) => r.map(BigInt)));
    }
    // A different width's stream differs: the comparison above is not vacuous.
    expect(grainParams(3).constants[0]).not.toEqual(grainParams(4).constants[0]!.slice(0, 3));
  });

  it("runtime/hash (and so the PLONKish chip) serves the generated constants", () => {
    expect(POSEIDON_MAX_INPUTS).toBe(T_MAX - 1);
    for (let t = 2; t <= T_MAX; t++) {
      const p = poseidonParams(t);
      const g = grainParams(t);
      expect([p.t, p.fullRounds, p.partialRounds]).toEqual([t, ROUNDS_F, ROUNDS_P[t - 2]]);
      expect(p.constants).toEqual(g.constants);
      expect(p.mds).toEqual(g.mds);
    }
    expect(() => poseidonParams(T_MAX + 1)).toThrow(/unsupported width/);
  });

  it("std::hash::poseidon::constants parses to the same C<t>/M<t>", () => {
    const { module } = parseStdlib("hash/poseidon/constants.cwl");
    const consts = new Map(module.items.flatMap((i) => (i.kind === "Const" ? [[i.name.name, i.value] as const] : [])));
    for (let t = 2; t <= T_MAX; t++) {
      const p = poseidonParams(t);
      expect(arrayLit(consts.get(`C${t}`)!).map((r) => arrayLit(r).map(intOf))).toEqual(p.constants);
      expect(arrayLit(consts.get(`M${t}`)!).map((r) => arrayLit(r).map(intOf))).toEqual(p.mds);
    }
  });
});

// backends/plonkish end to end on CWIR fixtures (test/plonk/fixtures/*.cwir): each declares inputs that
// must satisfy the circuit (INPUT-OK: MockProver clean, and the first one proves and verifies) and
// inputs that must not (each INPUT-BAD is paired with a MOCK-BAD: the start of a MockProver message,
// i.e. the source location and the constraint it must name).
import { describe, it, expect, beforeAll } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseText, Builder, Module, T, type Value } from "../../compiler/ir/index.ts";
import { compilePlonkish, witnessFor } from "../../backends/plonkish/index.ts";
import { poseidonParams } from "../../runtime/hash/poseidon.ts";
import { MockProver, keygen, prove, verify, insecureDevSrs, stats, minimumK, type InsecureDevSrs } from "../../runtime/plonk/index.ts";
import { buildPoseidonReference } from "circomlibjs";
import { fr } from "../../runtime/poly/index.ts";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixtures = readdirSync(DIR).filter((f) => f.endsWith(".cwir"));
const directives = (text: string, key: string) =>
  text.split("\n").filter((l) => l.startsWith(`// ${key}: `)).map((l) => l.slice(`// ${key}: `.length));

let srs: InsecureDevSrs;
beforeAll(() => {
  srs = insecureDevSrs(1 << 10);
});

describe.each(fixtures)("fixture %s", (name) => {
  const text = readFileSync(join(DIR, name), "utf8");
  const compile = () => {
    const parsed = parseText(text, name);
    expect(parsed.diagnostics).toEqual([]);
    const r = compilePlonkish(parsed.module!);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    return r.compiled!;
  };

  it("good inputs satisfy the layout; the first proves and verifies", async () => {
    const c = compile();
    const oks = directives(text, "INPUT-OK");
    expect(oks.length).toBeGreaterThan(0);
    for (const [i, input] of oks.entries()) {
      const { witness, run } = witnessFor(c, JSON.parse(input));
      expect(run.diagnostics).toEqual([]);
      expect(MockProver.run(c.program.circuit, witness!).messages()).toEqual([]);
      if (i === 0) {
        const pk = await keygen(srs, c.program.circuit);
        const proof = await prove(pk, witness!);
        expect(await verify(pk.vk, witness!.instance, proof)).toBe(true);
        const tampered = witness!.instance.map((col) => col.map((v) => fr.add(v, 1n)));
        expect(await verify(pk.vk, tampered, proof)).toBe(false);
      }
    }
  });

  it("bad inputs fail in MockProver at the expected place", () => {
    const c = compile();
    const bads = directives(text, "INPUT-BAD");
    const expected = directives(text, "MOCK-BAD");
    expect(bads.length).toBeGreaterThan(0);
    expect(expected.length).toBe(bads.length);
    bads.forEach((input, i) => {
      const { witness } = witnessFor(c, JSON.parse(input));
      const msgs = MockProver.run(c.program.circuit, witness!).messages();
      expect(msgs.length).toBeGreaterThan(0);
      expect(msgs.filter((m) => m.startsWith(expected[i])), msgs.join("\n")).not.toEqual([]);
    });
  });
});

/** circuit @main(pub h, priv a, priv b) { assert_eq(<hash>(a, b), h) } with the hash as a fn. */
function poseidonModule(fnName: string): Module {
  const m = new Module();
  m.addField("bn254_fr", 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n);
  const F = T.field("bn254_fr");
  const b = new Builder(m);
  const p = poseidonParams(3);
  const fn = b.func("fn", fnName, [{ type: F, name: "a" }, { type: F, name: "b" }], [F]);
  let s: Value[] = [b.f.const(0n, F), fn.args[0], fn.args[1]];
  const half = p.fullRounds / 2;
  for (let r = 0; r < p.fullRounds + p.partialRounds; r++) {
    const full = r < half || r >= half + p.partialRounds;
    const x = s.map((v, i) => b.f.add(v, b.f.const(p.constants[r][i], F)));
    const y = x.map((v, i) => (full || i === 0 ? b.f.pow(v, 5n) : v));
    s = p.mds.map((row) => row.map((mij, j) => b.f.mul(b.f.const(mij, F), y[j])).reduce((acc, v) => b.f.add(acc, v)));
  }
  b.cf.return([s[0]]);
  const main = b.func("circuit", "main", [
    { type: F, name: "h", vis: "pub" },
    { type: F, name: "a", vis: "priv" },
    { type: F, name: "b", vis: "priv" },
  ]);
  const [h] = b.cf.call(fnName, [main.args[1], main.args[2]], [F]);
  b.c.assertEq(h, main.args[0], "hash mismatch");
  b.cf.return([]);
  return m;
}

describe("Poseidon calls use the round gate", () => {
  it("std::hash::poseidon::hash2 → 21 rows (packed rounds), matching circomlibjs; inlined it costs far more", async () => {
    const ref = await buildPoseidonReference();
    const h = ref.F.toObject(ref([3n, 4n])) as bigint;
    const gate = compilePlonkish(poseidonModule("std.hash.poseidon.hash2")).compiled!;
    const { witness, run } = witnessFor(gate, { h: h.toString(), a: "3", b: "4" });
    expect(run.diagnostics).toEqual([]);
    expect(MockProver.run(gate.program.circuit, witness!).messages()).toEqual([]);
    const rows = stats(gate.program.circuit).rows;
    expect(rows).toBeLessThanOrEqual(25); // 21 for the permutation plus the call's own rows
    const inlined = compilePlonkish(poseidonModule("myhash")).compiled!;
    expect(stats(inlined.program.circuit).rows).toBeGreaterThan(5 * rows);
    const wrong = witnessFor(gate, { h: (h + 1n).toString(), a: "3", b: "4" });
    expect(MockProver.run(gate.program.circuit, wrong.witness!).messages().join("\n")).toMatch(/copy constraint "c.assert_eq: hash mismatch"/);
    const pk = await keygen(srs, gate.program.circuit, { k: Math.max(minimumK(gate.program.circuit), 7) });
    const proof = await prove(pk, witness!);
    expect(await verify(pk.vk, [[h]], proof)).toBe(true);
    expect(await verify(pk.vk, [[h + 1n]], proof)).toBe(false);
  });
});

describe("buildPlonkish (cwl build --target plonkish)", () => {
  it("writes the layout summary and prints the stats", async () => {
    const { mkdtempSync, readFileSync: read } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { buildPlonkish } = await import("../../backends/plonkish/index.ts");
    const dir = mkdtempSync(join(tmpdir(), "cwl-build-"));
    const out: string[] = [];
    const parsed = parseText(readFileSync(join(DIR, "lookup.cwir"), "utf8"), "lookup.cwir");
    const r = buildPlonkish(parsed.module!, { outDir: dir, name: "lookup", stats: true, write: (s) => out.push(s) });
    expect(r.diagnostics).toEqual([]);
    expect(out.join("")).toMatch(/rows {8}256 \(domain 2\^9 = 512\)[\s\S]*lookups {5}2[\s\S]*max degree {2}5/);
    const summary = JSON.parse(read(r.file!, "utf8"));
    expect(summary).toMatchObject({ circuit: "xor", rows: 256, lookups: ["xor2", "range8"], public: ["z"] });
  });
});

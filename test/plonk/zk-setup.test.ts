// `cwl setup`'s zero-knowledge layout check: a circuit whose advice rotations need more blinding rows than
// its layout has (and no permutation or lookup to mask h(τ)) is refused before any key is made; with
// --allow-zk-gap the key is written under a loud warning, and `cwl prove` warns the same way. The circuit
// is built by hand and handed to the commands in place of a compiled one.
import { describe, it, expect, vi, beforeEach, afterEach } from "vitest";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Circuit, Expression, emptyWitness, minimumK, zeroKnowledgeGaps } from "../../runtime/plonk/index.ts";
import { shapeOf } from "../../runtime/plonk/keygen.ts";
import { checkZeroKnowledge } from "../../tooling/cli/zk-check.ts";
import { CliError } from "../../tooling/cli/plonkish-error.ts";

const handed = vi.hoisted(() => ({ circuit: undefined as unknown, witness: undefined as unknown }));
vi.mock("../../tooling/cli/plonkish.ts", async (original) => ({
  ...(await original<typeof import("../../tooling/cli/plonkish.ts")>()),
  loadCircuit: () => ({ compiled: { program: { circuit: handed.circuit } }, diagnostics: [], render: () => "", fileOf: () => undefined }),
  domainK: (_c: unknown, k?: number) => k ?? minimumK(handed.circuit as Circuit),
}));

vi.mock("../../backends/plonkish/index.ts", async (original) => ({
  ...(await original<typeof import("../../backends/plonkish/index.ts")>()),
  witnessFor: () => ({ witness: handed.witness, run: { diagnostics: [] } }),
}));

/** One advice column read at rotations 0..reach by one gate; `copy` adds an equality column and a copy. */
function rotations(reach: number, copy = false): Circuit {
  const c = new Circuit(`rotations-${reach}${copy ? "-copy" : ""}`);
  const a = c.adviceColumn("a");
  const q = c.selector("q");
  const A = (r: number) => Expression.query(a, r);
  let prod = A(1);
  for (let r = 2; r <= reach; r++) prod = prod.mul(A(r));
  c.createGate("product", [Expression.query(q).mul(prod.sub(A(0)))]);
  if (copy) {
    const b = c.adviceColumn("b");
    c.enableEquality(a);
    c.enableEquality(b);
    c.copy({ column: a, row: 0 }, { column: b, row: 0 });
  }
  return c;
}

describe("zero-knowledge layout check", () => {
  it("counts distinct rotations + 1 per blinded column against the blinding rows", () => {
    // Rotations 0, 1 and 2 of one advice column: B = max(3, 3) + 2 = 5 ≥ 1 + 3 and 2·3 > 5 is masked by
    // nothing only without a permutation or lookup.
    const c = rotations(2);
    const shape = shapeOf(c, minimumK(c));
    expect(shape.blinding).toBe(5);
    expect(zeroKnowledgeGaps(shape)).toEqual([expect.stringMatching(/h\(τ\) reads advice\[0\] at τ·ω\^r: 6 points with only 5 blinding rows/)]);
    // The same gate beside a copy constraint: the last grand product's z(ωτ) masks h(τ).
    const withCopy = rotations(2, true);
    expect(zeroKnowledgeGaps(shapeOf(withCopy, minimumK(withCopy)))).toEqual([]);
    // A layout with fewer blinding rows than the openings of a column (here forced by hand): each blinded
    // column that is revealed at more points than it has random rows is named.
    const short = { ...shapeOf(withCopy, minimumK(withCopy)), blinding: 3 };
    const gaps = zeroKnowledgeGaps(short);
    expect(gaps).toContain("advice[0] is revealed at 4 points but has only 3 blinding rows");
    // z (rotations 0 and 1 with one chunk) fits 3 rows but no longer masks h(τ) (it needs 2·2 ≤ B).
    expect(gaps.some((g) => g.startsWith("perm_z[0] is revealed"))).toBe(false);
    expect(gaps).toContain("h(τ) reads perm_z[0] at τ·ω^r: 4 points with only 3 blinding rows, and no permutation or lookup masks it");
    expect(gaps.some((g) => g.startsWith("advice[1]"))).toBe(false);
  });

  it("checkZeroKnowledge refuses a gap with a hint, or warns loudly when allowed", () => {
    const c = rotations(3);
    const err = (() => {
      try {
        checkZeroKnowledge(c, minimumK(c), false, () => {});
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(/would not be zero-knowledge \(6 blinding rows\):\n  h\(τ\) reads advice\[0\]/);
    expect((err as CliError).hint).toMatch(/--allow-zk-gap/);
    const lines: string[] = [];
    expect(checkZeroKnowledge(c, minimumK(c), true, (l) => lines.push(l))).toHaveLength(1);
    expect(lines.join("\n")).toMatch(/WARNING: NOT ZERO-KNOWLEDGE: h\(τ\) reads advice\[0\]/);
    const fine = rotations(3, true);
    expect(checkZeroKnowledge(fine, minimumK(fine), false, () => {})).toEqual([]);
  });

  describe("cwl setup and cwl prove", () => {
    let dir: string;
    let stderr: string[];
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "cwl-zk-"));
      stderr = [];
      vi.spyOn(process.stderr, "write").mockImplementation((s) => (stderr.push(String(s)), true));
      vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    });
    afterEach(() => {
      vi.restoreAllMocks();
      rmSync(dir, { recursive: true, force: true });
    });
    const setup = async (extra: Record<string, unknown>) => {
      const { command } = await import("../../tooling/cli/commands/setup.ts");
      const out = join(dir, "gap.vk");
      await (command.handler as (a: object) => Promise<void>)({ _: [], $0: "cwl", file: "gap.cwl", "insecure-dev-srs": true, out, ...extra });
      return out;
    };

    it("refuses a circuit with a gap and writes no key", async () => {
      handed.circuit = rotations(3);
      await expect(setup({})).rejects.toThrow(/would not be zero-knowledge/);
      expect(existsSync(join(dir, "gap.vk"))).toBe(false);
    });

    it("writes the key under a warning with --allow-zk-gap; a circuit without a gap passes silently", async () => {
      handed.circuit = rotations(3);
      expect(existsSync(await setup({ "allow-zk-gap": true }))).toBe(true);
      expect(stderr.join("")).toMatch(/WARNING: NOT ZERO-KNOWLEDGE/);
      stderr.length = 0;
      handed.circuit = rotations(3, true);
      expect(existsSync(await setup({}))).toBe(true);
      expect(stderr.join("")).not.toMatch(/ZERO-KNOWLEDGE/);
    });

    it("cwl prove of a circuit with a gap warns loudly and still proves", async () => {
      const c = rotations(3);
      // The gate on row 0 reads rows 1..3: at k = 4 they are usable rows, not blinding rows.
      c.enable({ kind: "fixed", index: 0 }, 0);
      const w = emptyWitness(c);
      w.advice[0] = [8n, 1n, 2n, 4n];
      handed.circuit = c;
      handed.witness = w;
      writeFileSync(join(dir, "in.json"), "{}");
      const { command } = await import("../../tooling/cli/commands/prove.ts");
      const out = join(dir, "gap.proof");
      const args = { _: [], $0: "cwl", file: "gap.cwl", inputs: join(dir, "in.json"), "insecure-dev-srs": true, k: 4, out, public: join(dir, "gap.public.json") };
      await (command.handler as (a: object) => Promise<void>)(args);
      expect(stderr.join("")).toMatch(/WARNING: NOT ZERO-KNOWLEDGE: h\(τ\) reads advice\[0\]/);
      expect(existsSync(out), stderr.join("")).toBe(true);
    });
  });
});

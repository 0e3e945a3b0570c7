// std::hash::poseidon, compiled and run by the interpreter, equals circomlibjs' Poseidon (the JS twin of
// circomlib's circuit) for t = 2..6: zeros, p - 1 and random inputs. A wrong claimed hash must fail
// with the span of the assertion.
import { describe, it, expect, beforeAll } from "vitest";
import { buildPoseidon } from "circomlibjs";
import { bn254 } from "@noble/curves/bn254.js";
import { join } from "node:path";
import { DEFAULT_PASSES, compileSource, runPasses } from "../../compiler/pipeline/index.ts";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileTextOk, render, type Compiled } from "./util.ts";

const R = bn254.fields.Fr.ORDER;
const SRC_PATH = "test/stdlib/poseidon_t.cwl";
// One circuit per width; `out` is public, the inputs private, as in a preimage proof.
const SOURCE = [
  "use std::field::Bn254Fr;",
  "use std::hash::poseidon;",
  ...[1, 2, 3, 4, 5].map((n) => {
    const args = Array.from({ length: n }, (_, i) => `x[${i}]`).join(", ");
    return `circuit P${n}(pub out: Bn254Fr, priv x: [Bn254Fr; ${n}]) {\n    assert_eq(poseidon::hash${n}(${args}), out, "poseidon mismatch");\n}`;
  }),
].join("\n");

/** Seeded so a failure reproduces; 256-bit draws reduced mod r. */
function rng(seed: bigint) {
  return () => {
    let x = 0n;
    for (let i = 0; i < 4; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      x = (x << 64n) | (seed ^ (seed >> 29n));
    }
    return x % R;
  };
}

type Ref = ((xs: bigint[]) => unknown) & { F: { toObject(x: unknown): bigint } };

describe("std::hash::poseidon equals circomlibjs", () => {
  let ref: Ref;
  let c: Compiled;
  beforeAll(async () => {
    ref = (await buildPoseidon()) as unknown as Ref;
    c = compileTextOk(SRC_PATH, SOURCE);
  });

  for (let n = 1; n <= 5; n++) {
    it(`hash${n} (t = ${n + 1})`, () => {
      const rand = rng(BigInt(1000 + n));
      const cases = [Array(n).fill(0n), Array(n).fill(R - 1n), ...Array.from({ length: 4 }, () => Array.from({ length: n }, rand))];
      for (const xs of cases) {
        const want = ref.F.toObject(ref(xs));
        const r = c.runEntry(`P${n}`, { out: want.toString(), x: xs.map(String) });
        expect(c.render(r.diagnostics), `inputs ${xs}`).toBe("");
        expect(r.ok).toBe(true);
      }
    });
  }

  it("hash1 still equals circomlibjs after the default pass pipeline (inline, unroll, folding, CSE, DCE)", () => {
    const one = compileTextOk("test/stdlib/poseidon_opt.cwl", SOURCE.split("\n").slice(0, 5).join("\n"));
    expect(one.render(runPasses(one.ir!, DEFAULT_PASSES))).toBe("");
    const rand = rng(77n);
    for (const xs of [[0n], [rand()]]) {
      const want = ref.F.toObject(ref(xs)).toString();
      expect(one.runEntry("P1", { out: want, x: xs.map(String) }).ok).toBe(true);
      expect(one.runEntry("P1", { out: "5", x: xs.map(String) }).ok).toBe(false);
    }
  });

  it("Poseidon on another field's elements is a type error (its constants are BN254 values)", () => {
    const src = "use std::field::Goldilocks;\nuse std::hash::poseidon;\ncircuit G(pub h: Goldilocks, priv x: Goldilocks) {\n    assert_eq(poseidon::hash2(x, x), h);\n}\n";
    const r = compileSource(join(REPO_ROOT, "test/stdlib/poseidon_goldilocks.cwl"), src);
    const text = render(r.diagnostics, r.fm);
    expect(text).toMatch(/poseidon_goldilocks\.cwl:4:31: error\[E0201\]: expected Bn254Fr, found Goldilocks/);
    expect(r.ir).toBeUndefined();
  });

  it("a wrong hash fails at the assertion's span", () => {
    const xs = [1n, 2n];
    const want = ref.F.toObject(ref(xs));
    expect(want).toBe(7853200120776062878684798364095072458815029376092732009249414926327459813530n);
    const r = c.runEntry("P2", { out: ((want + 1n) % R).toString(), x: xs.map(String) });
    expect(r.ok).toBe(false);
    const text = c.render(r.diagnostics);
    expect(text).toMatch(/poseidon_t\.cwl:7:5: error\[E0501\]: poseidon mismatch/);
  });
});

// The hole `cwl audit` reports in a canonical key split (corpus/key_split_wrapped.cwl, the check
// std::kv::index_bits made before it range-checked the high part too): both splits of key = p − 12
// satisfy the layout. The honest witness comes from the hint that computes the canonical split, the
// cheating one from a hint that returns the wrapped split; the two layouts are the same circuit (same
// gates, fixed columns and copies), and MockProver accepts both witnesses with the same public key and
// different index bits.
import { describe, it, expect } from "vitest";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { loadCircuit } from "../../tooling/cli/plonkish.ts";
import { witnessFor } from "../../backends/plonkish/index.ts";
import { MockProver } from "../../runtime/plonk/index.ts";
import { fr } from "../../runtime/poly/index.ts";

describe("audit: the wrapped key split is a real hole", () => {
  it("two witnesses for key = p − 12 with different low bits both satisfy the layout", () => {
    const key = (fr.R - 12n).toString();
    const honest = loadCircuit(join(REPO_ROOT, "test/audit/corpus/key_split_wrapped.cwl")).compiled!;
    const evil = loadCircuit(join(REPO_ROOT, "test/audit/fixtures/key_split_evil.cwl")).compiled!;
    const a = honest.program.circuit;
    const b = evil.program.circuit;
    // Same layout: the hints differ only in the witness they compute.
    expect([b.rows, b.numAdvice, b.copies.length, b.gates.length]).toEqual([a.rows, a.numAdvice, a.copies.length, a.gates.length]);
    expect(b.fixed).toEqual(a.fixed);
    expect(b.copies.map((c) => [c.a, c.b])).toEqual(a.copies.map((c) => [c.a, c.b]));
    const w1 = witnessFor(honest, { key }).witness!;
    const w2 = witnessFor(evil, { key }).witness!;
    expect(MockProver.run(a, w1).failures).toEqual([]);
    expect(MockProver.run(a, w2).failures).toEqual([]);
    // Instance: the key, then the output (low bit 0): 1 for the canonical split, 0 for the wrapped one.
    expect(w1.instance[0]).toEqual([fr.R - 12n, 1n]);
    expect(w2.instance[0]).toEqual([fr.R - 12n, 0n]);
  });
});

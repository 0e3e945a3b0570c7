// std::merkle: paths built in TypeScript with circomlibjs' Poseidon verify in the compiled circuit
// (examples/merkle_membership.cwl, depth 20, and verify_path at depth 4); a wrong sibling, a wrong root
// and a non-boolean path bit fail with the span of the violated assertion.
import { describe, it, expect, beforeAll } from "vitest";
import { buildPoseidon } from "circomlibjs";
import { bn254 } from "@noble/curves/bn254.js";
import { compileOk, compileTextOk, type Compiled } from "./util.ts";

const R = bn254.fields.Fr.ORDER;
type Ref = ((xs: bigint[]) => unknown) & { F: { toObject(x: unknown): bigint } };

interface Path {
  root: bigint;
  leaf: bigint;
  path: bigint[];
  bits: number[];
}

/** A leaf at `index` in a tree whose other nodes are arbitrary: siblings drawn from a seeded LCG. */
function makePath(H: (xs: bigint[]) => bigint, depth: number, index: number, seed: bigint): Path {
  const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) % R);
  const leaf = next();
  let node = leaf;
  const path: bigint[] = [];
  const bits: number[] = [];
  for (let i = 0; i < depth; i++) {
    const sib = next();
    const bit = Math.floor(index / 2 ** i) % 2;
    path.push(sib);
    bits.push(bit);
    node = bit ? H([sib, node]) : H([node, sib]);
  }
  return { root: node, leaf, path, bits };
}

const inputs = (p: Path) => ({ root: p.root.toString(), leaf: p.leaf.toString(), path: p.path.map(String), index_bits: p.bits.map(String) });

describe("std::merkle", () => {
  let H: (xs: bigint[]) => bigint;
  let example: Compiled;
  let small: Compiled;
  beforeAll(async () => {
    const ref = (await buildPoseidon()) as unknown as Ref;
    H = (xs) => ref.F.toObject(ref(xs));
    example = compileOk("examples/merkle_membership.cwl");
    small = compileTextOk(
      "test/stdlib/merkle_small.cwl",
      [
        "use std::field::Bn254Fr;",
        "use std::merkle;",
        "circuit Small(pub root: Bn254Fr, priv leaf: Bn254Fr, priv path: [Bn254Fr; 4], priv index_bits: [Bn254Fr; 4]) {",
        "    merkle::verify_path(root, leaf, path, index_bits);",
        "}",
        "circuit Update(pub old_root: Bn254Fr, pub new_root: Bn254Fr, priv old_leaf: Bn254Fr, priv new_leaf: Bn254Fr, priv path: [Bn254Fr; 4], priv index_bits: [Bn254Fr; 4]) {",
        "    assert_eq(merkle::update(old_root, old_leaf, new_leaf, path, index_bits), new_root, \"wrong new root\");",
        "}",
      ].join("\n"),
    );
  });

  it("a depth-20 path computed with circomlibjs verifies (examples/merkle_membership.cwl)", () => {
    for (const index of [0, 2 ** 20 - 1, 0x5a5a5]) {
      const r = example.runEntry(undefined, inputs(makePath(H, 20, index, BigInt(index) + 7n)));
      expect(example.render(r.diagnostics)).toBe("");
      expect(r.ok).toBe(true);
    }
  });

  it("a wrong sibling fails with the span of the root check", () => {
    const p = makePath(H, 20, 12345, 99n);
    p.path[7] = (p.path[7] + 1n) % R;
    const r = example.runEntry(undefined, inputs(p));
    expect(r.ok).toBe(false);
    expect(example.render(r.diagnostics)).toMatch(/examples\/merkle_membership\.cwl:13:5: error\[E0501\]: leaf is not in the tree with this root/);
  });

  it("swapped path bits fail", () => {
    const p = makePath(H, 20, 6, 5n);
    [p.bits[1], p.bits[3]] = [p.bits[3], p.bits[1]];
    expect(example.runEntry(undefined, inputs(p)).ok).toBe(false);
  });

  it("verify_path at depth 4: every leaf position verifies; a wrong root fails inside std::merkle", () => {
    for (let index = 0; index < 16; index++) {
      const r = small.runEntry("Small", inputs(makePath(H, 4, index, BigInt(index))));
      expect(small.render(r.diagnostics)).toBe("");
    }
    const p = makePath(H, 4, 9, 3n);
    p.root = (p.root + 1n) % R;
    const r = small.runEntry("Small", inputs(p));
    expect(r.ok).toBe(false);
    expect(small.render(r.diagnostics)).toMatch(/stdlib\/merkle\.cwl:\d+:\d+: error\[E0501\]: Merkle path does not lead to the root/);
  });

  it("update: the new root equals circomlibjs' root after writing the leaf; a stale old root fails", () => {
    const p = makePath(H, 4, 13, 21n);
    const newLeaf = 424242n;
    // Same siblings and position, new leaf: recompute the root in TypeScript.
    let node = newLeaf;
    p.path.forEach((sib, i) => (node = p.bits[i] ? H([sib, node]) : H([node, sib])));
    const inp = { old_root: p.root.toString(), new_root: node.toString(), old_leaf: p.leaf.toString(), new_leaf: newLeaf.toString(), path: p.path.map(String), index_bits: p.bits.map(String) };
    const ok = small.runEntry("Update", inp);
    expect(small.render(ok.diagnostics)).toBe("");
    const stale = small.runEntry("Update", { ...inp, old_root: node.toString() });
    expect(stale.ok).toBe(false);
    expect(small.render(stale.diagnostics)).toMatch(/stdlib\/merkle\.cwl:\d+:\d+: error\[E0501\]: old leaf is not in the tree with the old root/);
  });

  it("a path bit that is not 0 or 1 is rejected", () => {
    // bit = 2 would select left = 2*sibling - node: a different, forgeable tree walk.
    const p = makePath(H, 4, 0, 11n);
    p.bits[2] = 2;
    const r = small.runEntry("Small", inputs(p));
    expect(r.ok).toBe(false);
    expect(small.render(r.diagnostics)).toMatch(/stdlib\/merkle\.cwl:\d+:\d+: error\[E0501\]: index bit must be 0 or 1/);
  });
});

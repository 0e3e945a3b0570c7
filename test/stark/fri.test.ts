// FRI alone: codewords of low degree at two sizes (one rolled in) pass; a codeword of too high a degree,
// a changed layer value and a changed final coefficient fail. The Merkle hash is checked against
// @noble/hashes' SHA-256, the transcript for determinism and proof of work.
import { describe, it, expect } from "vitest";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { mulberry32 } from "../../base/prng/index.ts";
import { GENERATOR, P, type Ext } from "../../runtime/stark/field.ts";
import { evaluateCosetBitrev } from "../../runtime/stark/ntt.ts";
import { friProve, friVerify, type Codewords, type FriParams } from "../../runtime/stark/fri.ts";
import { MerkleTree, hashRow, sha256, verifyPath } from "../../runtime/stark/merkle.ts";
import { Transcript } from "../../runtime/stark/transcript.ts";

const rnd = mulberry32(5);
const rf = () => Math.floor(rnd() * P);

/** A codeword of 2^logN points of degree < deg (four base polynomials). */
function codeword(logN: number, deg: number): Uint32Array[] {
  return [0, 1, 2, 3].map(() => evaluateCosetBitrev(Uint32Array.from({ length: deg }, rf), logN, GENERATOR));
}

const params: FriParams = { logBlowup: 2, numQueries: 12, powBits: 4, logFinalLen: 1 };

function run(inputs: Codewords, tamper?: (p: ReturnType<typeof friProve>["proof"]) => void): string | undefined {
  const { proof } = friProve(inputs, new Transcript("fri-test"), params);
  tamper?.(proof);
  return friVerify(proof, new Transcript("fri-test"), params, [...inputs.keys()], (_q, index, logN) => {
    const c = inputs.get(logN)!;
    return [c[0][index], c[1][index], c[2][index], c[3][index]] as Ext;
  });
}

describe("Merkle and transcript", () => {
  it("hashes with SHA-256 (as @noble/hashes) and opens every leaf", () => {
    const d = new Uint8Array([1, 2, 3, 250]);
    expect([...sha256(d)]).toEqual([...nobleSha256(d)]);
    const rows = Array.from({ length: 8 }, (_, i) => Uint32Array.from([i, i * 7, P - 1 - i]));
    const tree = new MerkleTree(8, 3, (i, out) => out.set(rows[i]));
    for (let i = 0; i < 8; i++) expect(verifyPath(tree.root, i, rows[i], tree.path(i))).toBe(true);
    expect(verifyPath(tree.root, 3, rows[4], tree.path(3))).toBe(false);
    expect(verifyPath(tree.root, 3, Uint32Array.from([3, 21, P - 3]), tree.path(3))).toBe(false);
    expect(tree.levels[0].subarray(0, 32)).toEqual(hashRow(rows[0]));
  });
  it("draws the same challenges from the same observations, different ones otherwise; grinding is checked", () => {
    const a = new Transcript("x");
    const b = new Transcript("x");
    a.observeU32s([1, 2]);
    b.observeU32s([1, 2]);
    expect(a.sampleExt()).toEqual(b.sampleExt());
    const c = new Transcript("x");
    c.observeU32s([1, 3]);
    const d = new Transcript("x");
    d.observeU32s([1, 2]);
    expect(c.sampleExt()).not.toEqual(d.sampleExt());
    const nonce = d.grind(8);
    const e = new Transcript("x");
    e.observeU32s([1, 3]);
    e.sampleExt();
    expect(e.checkGrind(8, nonce)).toBe(false);
  });
});

describe("FRI", () => {
  it("accepts low-degree codewords at two sizes", () => {
    const inputs: Codewords = new Map([
      [8, codeword(8, 64)],
      [6, codeword(6, 16)],
    ]);
    expect(run(inputs)).toBeUndefined();
  });
  it("rejects a codeword of twice the degree bound", () => {
    expect(run(new Map([[8, codeword(8, 128)]]))).toMatch(/FRI/);
  });
  it("rejects a rolled-in codeword of too high a degree", () => {
    expect(run(new Map([[8, codeword(8, 64)], [6, codeword(6, 32)]]))).toMatch(/FRI/);
  });
  it("rejects a changed layer value, final coefficient or nonce", () => {
    const inputs: Codewords = new Map([[7, codeword(7, 32)]]);
    expect(run(inputs, (p) => (p.queries[3][1].leaf[2] = (p.queries[3][1].leaf[2] + 1) % P))).toMatch(/Merkle/);
    expect(run(inputs, (p) => (p.finalPoly[0][0] = (p.finalPoly[0][0] + 1) % P))).toMatch(/FRI/);
    expect(run(inputs, (p) => (p.nonce += 1))).toMatch(/FRI/);
  });
});

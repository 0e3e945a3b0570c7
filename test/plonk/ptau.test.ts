// .ptau import: the prepared dev file's powers satisfy e(τ^{i+1}·G1, G2) = e(τ^i·G1, τ·G2).
import { describe, it, expect } from "vitest";
import { existsSync } from "node:fs";
import { bn254 } from "@noble/curves/bn254.js";
import { G1 } from "../../runtime/curve/index.ts";
import { loadPtau, PtauError, insecureDevSrs } from "../../runtime/plonk/index.ts";
import { devPtauPath } from "../../runtime/plonk/dev-ptau.ts";

const PTAU = devPtauPath();
const have = existsSync(PTAU);
if (!have) console.warn(`skipped: ${PTAU} is missing (ptau import tests)`);

function consecutive(g1: readonly { x: bigint; y: bigint; infinity: boolean }[], i: number, g2: unknown, tauG2: unknown) {
  const a = bn254.pairing(G1.toNoble(g1[i + 1]), g2 as never);
  const b = bn254.pairing(G1.toNoble(g1[i]), tauG2 as never);
  return bn254.fields.Fp12.eql(a, b);
}

describe.skipIf(!have)("ptau import", () => {
  it("reads tauG1 and tauG2 and they match (pairing check)", () => {
    const srs = loadPtau(PTAU, 1 << 15);
    expect(srs.kind).toBe("ptau");
    expect(srs.g1.length).toBe(1 << 15);
    expect(srs.g1[0]).toEqual({ x: 1n, y: 2n, infinity: false });
    for (const i of [0, 1, 4097, (1 << 15) - 2]) expect(consecutive(srs.g1, i, srs.g2, srs.tauG2)).toBe(true);
    // A non-consecutive pair must fail, or the check above proves nothing.
    expect(consecutive([srs.g1[0], srs.g1[2]], 0, srs.g2, srs.tauG2)).toBe(false);
  });

  it("refuses more powers than the file holds", () => {
    expect(() => loadPtau(PTAU, 1 << 17)).toThrow(PtauError);
  });
});

describe("ptau errors and the dev SRS", () => {
  it("rejects a file that is not a ptau", () => {
    expect(() => loadPtau(new URL(import.meta.url).pathname, 4)).toThrow(/bad magic/);
  });
  it("dev SRS powers are consistent", () => {
    const s = insecureDevSrs(8, 12345n);
    expect(consecutive(s.g1, 3, s.g2, s.tauG2)).toBe(true);
  });
});

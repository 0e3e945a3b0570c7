import { describe, expect, it } from "vitest";
import { bn254 } from "@noble/curves/bn254.js";
import { BN254_FR, FieldVec } from "../../../runtime/field/index.ts";
import { G1, msmG1, msmG1Reference, msmG1Stream, packG1, packScalars, unpackG1, type G1Affine } from "../../../runtime/curve/index.ts";

const NP = bn254.G1.Point;
const r = BN254_FR.p;
/** n distinct points k·G, (k+d)·G, … from one random start and step. */
function randomPoints(n: number): G1Affine[] {
  const out: G1Affine[] = [];
  let p = NP.BASE.multiply(BN254_FR.random() || 1n);
  const step = NP.BASE.multiply(BN254_FR.random() || 1n);
  for (let i = 0; i < n; i++, p = p.add(step)) out.push(G1.fromNoble(p));
  return out;
}
const randomScalars = (n: number) => Array.from({ length: n }, () => BN254_FR.random());
function naive(points: G1Affine[], scalars: bigint[]): G1Affine {
  let acc = NP.ZERO;
  for (let i = 0; i < points.length; i++) {
    const k = BN254_FR.fromBigint(scalars[i]);
    if (k !== 0n && !points[i].infinity) acc = acc.add(G1.toNoble(points[i]).multiplyUnsafe(k));
  }
  return G1.fromNoble(acc);
}

describe("msmG1 (WASM, calling thread) against the naive sum (noble)", () => {
  it("sizes 1 … 128 with random scalars", async () => {
    for (const n of [1, 2, 3, 7, 16, 33, 64, 128]) {
      const pts = randomPoints(n);
      const ks = randomScalars(n);
      expect(await msmG1(pts, ks, { threads: 1 }), `n=${n}`).toEqual(naive(pts, ks));
    }
  });
  it("window widths 2 … 16 give the same answer (digit recoding edges)", async () => {
    const pts = randomPoints(40);
    const ks = [...randomScalars(34), 0n, 1n, r - 1n, (1n << 253n) + 7n, r - (1n << 200n), 2n ** 128n - 1n];
    const want = naive(pts, ks);
    for (const c of [2, 3, 5, 8, 11, 13, 16]) expect(await msmG1(pts, ks, { threads: 1, windowBits: c }), `c=${c}`).toEqual(want);
  });
  it("edge cases: zero scalars, identity points, duplicates, P and −P, r−1, all zero", async () => {
    const base = randomPoints(6);
    const pts = [...base, base[0], base[0], G1.infinityAffine, G1.negAffine(base[1]), base[2]];
    const ks = [0n, 1n, r - 1n, 5n, 0n, BN254_FR.random(), 3n, 3n, 99n, 7n, 0n];
    expect(await msmG1(pts, ks, { threads: 1 })).toEqual(naive(pts, ks));
    expect((await msmG1(pts, ks.map(() => 0n), { threads: 1 })).infinity).toBe(true);
    expect((await msmG1([], [])).infinity).toBe(true);
    expect(await msmG1(pts, FieldVec.fromBigints(BN254_FR, ks), { threads: 1 })).toEqual(naive(pts, ks));
    expect(await msmG1(pts, packScalars(ks), { threads: 1 })).toEqual(naive(pts, ks));
    const tooBig = packScalars(ks);
    tooBig[7] = 0x40000000;
    await expect(msmG1(pts, tooBig)).rejects.toThrow(RangeError);
    await expect(msmG1(pts, ks.slice(1))).rejects.toThrow(RangeError);
  });
  it("one point many times, with equal and opposite scalars (doublings and cancellations in one bucket)", async () => {
    const [p] = randomPoints(1);
    const k = BN254_FR.random();
    const pts = Array.from({ length: 300 }, () => p);
    const same = pts.map(() => k);
    expect(await msmG1(pts, same, { threads: 1 })).toEqual(G1.fromNoble(G1.toNoble(p).multiplyUnsafe(BN254_FR.mul(k, 300n))));
    const alternating = pts.map((_, i) => (i % 2 ? k : r - k));
    expect((await msmG1(pts, alternating, { threads: 1 })).infinity).toBe(true);
    const mixed = [...pts, G1.negAffine(p), G1.negAffine(p)];
    const ks = [...same, k, 2n * k];
    expect(await msmG1(mixed, ks, { threads: 1 })).toEqual(G1.fromNoble(G1.toNoble(p).multiplyUnsafe(BN254_FR.mul(k, 297n))));
  });
  it("packG1/unpackG1 round-trip", () => {
    const pts = [...randomPoints(5), G1.infinityAffine];
    const packed = packG1(pts);
    expect(pts.map((_, i) => unpackG1(packed, i))).toEqual(pts);
    expect(() => packG1([{ x: BN254_FR.p * 2n, y: 1n, infinity: false }])).toThrow(RangeError);
  });
});

/** Points with known discrete logs: P_i = (s + i·d)·G, so Σ k_i·P_i = (Σ k_i·(s + i·d))·G is an independent oracle. */
function loggedPoints(n: number): { pts: G1Affine[]; logs: bigint[] } {
  const s = BN254_FR.random() || 1n;
  const d = BN254_FR.random() || 1n;
  const step = NP.BASE.multiply(d);
  const pts: G1Affine[] = [];
  const logs: bigint[] = [];
  let p = NP.BASE.multiply(s);
  for (let i = 0; i < n; i++, p = p.add(step)) {
    pts.push(G1.fromNoble(p));
    logs.push(BN254_FR.add(s, BN254_FR.mul(BigInt(i), d)));
  }
  return { pts, logs };
}
function byLogs(logs: bigint[], ks: bigint[], skip: (i: number) => boolean = () => false): G1Affine {
  let e = 0n;
  for (let i = 0; i < logs.length; i++) if (!skip(i)) e = BN254_FR.add(e, BN254_FR.mul(BN254_FR.fromBigint(ks[i]), logs[i]));
  return G1.fromNoble(NP.BASE.multiplyUnsafe(e));
}

describe("msmG1 on worker threads, against the discrete-log oracle", () => {
  it("2^12 points (two and three workers), identity points, zero scalars, progress reports", async () => {
    const n = 1 << 12;
    const { pts, logs } = loggedPoints(n);
    const isInf = (i: number) => i % 97 === 5;
    const input = pts.map((p, i) => (isInf(i) ? G1.infinityAffine : p));
    const ks = randomScalars(n).map((k, i) => (i % 89 === 3 ? 0n : k));
    const want = byLogs(logs, ks, isInf);
    const seen: number[] = [];
    expect(await msmG1(packG1(input), ks, { threads: 2, progress: (_p, done) => seen.push(done) })).toEqual(want);
    expect(seen.at(-1)).toBeGreaterThan(0);
    expect(await msmG1(input, ks, { threads: 3, windowBits: 7 })).toEqual(want);
  });
  it("the BigInt reference Pippenger agrees with the oracle", () => {
    const { pts, logs } = loggedPoints(300);
    const ks = randomScalars(300);
    expect(G1.toAffine(msmG1Reference(pts, ks))).toEqual(byLogs(logs, ks));
  });
});

describe("msmG1Stream", () => {
  it("streaming over chunks equals the one-shot MSM", async () => {
    const pts = randomPoints(100);
    const ks = randomScalars(100);
    async function* chunks() {
      for (let i = 0; i < 100; i += 30) yield { points: pts.slice(i, i + 30), scalars: ks.slice(i, i + 30) };
    }
    expect(await msmG1Stream(chunks(), { threads: 1 })).toEqual(naive(pts, ks));
  });
});

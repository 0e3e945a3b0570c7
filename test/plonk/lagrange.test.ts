// Commitments through the SRS's Lagrange basis (keygen's fixed and σ columns, the prover's value-form
// columns) must be the very points the coefficient form gives: checked against noble (L_i(τ)·G for a known
// τ), against coefficient-form commitments, and on the development ptau file's phase-2 section, including a
// tampered copy, which must be refused (the coefficient form is used instead, same keys).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bn254 } from "@noble/curves/bn254.js";
import { G1, ntt, unpackG1 } from "../../runtime/curve/index.ts";
import { BN254_FR, FieldVec } from "../../runtime/field/index.ts";
import { commit, commitLagrange, commitMany, lagrangeBasis } from "../../runtime/plonk/kzg.ts";
import { insecureDevSrs, keygen, loadPtau, minimumK, prove, verify, type Srs } from "../../runtime/plonk/index.ts";
import { rootOfUnity } from "../../runtime/poly/fr.ts";
import { devPtau, TEST_PTAU_POWER } from "../../tooling/ptau/dev-ptau.ts";
import { fibonacci, range8 } from "./circuits.ts";

const F = BN254_FR;
const coeffsOf = (values: bigint[]) => ntt(values, { inverse: true }) as bigint[];

async function agreesWithCoefficients(srs: Srs, k: number): Promise<void> {
  const n = 1 << k;
  const dense = Array.from({ length: n }, () => F.random());
  const sparse = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? BigInt(i) : 0n));
  const short = [5n, F.p - 1n];
  const x = F.random();
  const got = await commitLagrange(srs, k, [{ values: dense }, { values: sparse }, { values: FieldVec.fromBigints(F, dense) }, { values: short }, { values: sparse, x }]);
  expect(got).toBeDefined();
  const shortPadded = [...short, ...new Array(n - 2).fill(0n)];
  // x·X added to the sparse column: coefficient 1 gains x.
  const withX = coeffsOf(sparse);
  withX[1] = F.add(withX[1], x);
  const want = await commitMany(srs, [coeffsOf(dense), coeffsOf(sparse), coeffsOf(dense), coeffsOf(shortPadded), withX]);
  got!.forEach((p, i) => expect(G1.eqAffine(p, want[i]), `column ${i}`).toBe(true));
}

describe("Lagrange basis of an insecure SRS (known τ)", () => {
  it("its points are L_i(τ)·G (noble) and τ·G last", async () => {
    const srs = insecureDevSrs(1 << 4);
    const k = 3;
    const basis = (await lagrangeBasis(srs, k))!;
    expect(basis.n).toBe(9);
    const n = 8n;
    const omega = rootOfUnity(k);
    for (let i = 0; i < 8; i++) {
      const wi = F.pow(omega, BigInt(i));
      const li = F.mul(F.mul(F.sub(F.pow(srs.tau, n), 1n), F.inv(n)), F.div(wi, F.sub(srs.tau, wi)));
      expect(unpackG1(basis, i)).toEqual(G1.fromNoble(bn254.G1.Point.BASE.multiply(li)));
    }
    expect(unpackG1(basis, 8)).toEqual(srs.g1[1]);
    // insecureDevSrs's own powers (batched fixed-base multiplication) against noble.
    for (const i of [0, 1, 2, 15]) expect(srs.g1[i]).toEqual(G1.fromNoble(bn254.G1.Point.BASE.multiply(F.pow(srs.tau, BigInt(i)))));
  });
  it("commitments from values equal commitments from coefficients (dense, sparse, packed, short, plus x·X)", async () => {
    const srs = insecureDevSrs(1 << 12);
    await agreesWithCoefficients(srs, 5);
    await agreesWithCoefficients(srs, 12); // MSMs on the worker pool
  });
  it("no basis when the SRS is too short for the domain", async () => {
    expect(await lagrangeBasis(insecureDevSrs(8), 4)).toBeUndefined();
    expect(await commitLagrange(insecureDevSrs(8), 4, [{ values: [1n] }])).toBeUndefined();
  });
});

describe("keygen and prove through the Lagrange basis", () => {
  it("fixed and σ commitments equal the coefficient-form ones; proofs verify", async () => {
    for (const { circuit, witness } of [fibonacci(20), range8([0n, 7n, 255n, 128n])]) {
      const srs = insecureDevSrs(1 << minimumK(circuit));
      const pk = await keygen(srs, circuit);
      const fixed = await commitMany(srs, pk.fixedCoeffs);
      const sigma = await commitMany(srs, pk.sigmaCoeffs);
      expect(pk.vk.fixedCommitments).toEqual(fixed);
      expect(pk.vk.sigmaCommitments).toEqual(sigma);
      expect(pk.vk.sigmaCommitments.length).toBe(circuit.equality.length);
      // Counted blinding values, so the advice columns can be rebuilt here: rows past the usable ones,
      // column by column, take the next count.
      let count = 0n;
      const proof = await prove(pk, witness, { random: () => (count += 1n) * 7919n });
      expect(verify(pk.vk, witness.instance, proof)).toBe(true);
      let again = 0n;
      const n = pk.domain.n;
      const advice = witness.advice.map((col) => {
        const v = Array.from({ length: n }, (_, r) => col[r] ?? 0n);
        for (let r = pk.usable + 1; r < n; r++) v[r] = (again += 1n) * 7919n;
        return coeffsOf(v);
      });
      expect(proof.advice).toEqual(await commitMany(srs, advice));
    }
  });
});

describe("Lagrange basis of the development ptau file (phase-2 section 12)", () => {
  let path = "";
  let dir = "";
  beforeAll(async () => {
    path = await devPtau(TEST_PTAU_POWER);
    dir = mkdtempSync(join(tmpdir(), "cwl-lagrange-"));
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is read, checked and gives the coefficient form's commitments", async () => {
    const srs = loadPtau(path, 1 << 6);
    expect(await lagrangeBasis(srs, 6)).toBeDefined();
    await agreesWithCoefficients(srs, 6);
    await agreesWithCoefficients(srs, 3);
  });
  it("a tampered Lagrange point is refused and keygen falls back to the same keys", async () => {
    const bytes = readFileSync(path);
    // Level 5 of section 12 starts at point 2^5 − 1: swap two of its points (both stay on the curve).
    const sec = findSection(bytes, 12);
    const a = sec + 31 * 64 + 64 * 3;
    const b = sec + 31 * 64 + 64 * 4;
    const tampered = Buffer.from(bytes);
    bytes.copy(tampered, a, b, b + 64);
    bytes.copy(tampered, b, a, a + 64);
    const bad = join(dir, "tampered.ptau");
    writeFileSync(bad, tampered);
    const srsBad = loadPtau(bad, 1 << 5);
    expect(await lagrangeBasis(srsBad, 5)).toBeUndefined();
    const { circuit } = fibonacci(10);
    const good = await keygen(loadPtau(path, 1 << 5), circuit, { k: 5 });
    const fallback = await keygen(srsBad, circuit, { k: 5 });
    expect(fallback.vk.digest).toEqual(good.vk.digest);
    expect(await commit(srsBad, [1n])).toEqual(srsBad.g1[0]);
  });
});

/** Byte offset of a `.ptau` section's body. */
function findSection(b: Buffer, id: number): number {
  let pos = 12;
  for (let i = 0; i < b.readUInt32LE(8); i++) {
    const type = b.readUInt32LE(pos);
    const len = Number(b.readBigUInt64LE(pos + 4));
    if (type === id) return pos + 12;
    pos += 12 + len;
  }
  throw new Error(`no section ${id}`);
}

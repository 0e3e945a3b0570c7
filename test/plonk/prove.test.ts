// Hand-built circuits through keygen → prove → verify, with every way a proof should be rejected.
import { describe, it, expect, beforeAll } from "vitest";
import {
  MockProver,
  keygen,
  prove,
  verify,
  verifyDetailed,
  insecureDevSrs,
  encodeProofBinary,
  decodeProofBinary,
  proofToJson,
  proofFromJson,
  encodeVkBinary,
  decodeVkBinary,
  vkToJson,
  vkFromJson,
  UnsatisfiedError,
  LookupError,
  ProverError,
  EncodingError,
  type ProvingKey,
  type Proof,
  type InsecureDevSrs,
} from "../../runtime/plonk/index.ts";
import { fibonacci, range8 } from "./circuits.ts";
import { fr } from "../../runtime/poly/index.ts";

let srs: InsecureDevSrs;
let fib: ReturnType<typeof fibonacci>;
let fibPk: ProvingKey;
let fibProof: Proof;

beforeAll(async () => {
  srs = insecureDevSrs(1 << 9);
  fib = fibonacci(20);
  fibPk = await keygen(srs, fib.circuit);
  fibProof = await prove(fibPk, fib.witness);
});

describe("fibonacci circuit (gates with rotations, copies to the instance)", () => {
  it("a valid witness passes MockProver, proves and verifies", async () => {
    expect(MockProver.run(fib.circuit, fib.witness).messages()).toEqual([]);
    expect(await verifyDetailed(fibPk.vk, fib.witness.instance, fibProof)).toEqual({ ok: true });
  });

  it("labels the dev SRS as insecure", () => {
    expect(srs.kind).toBe("INSECURE-dev");
    expect(srs.source).toMatch(/INSECURE/);
  });

  it("rejects a wrong public input", async () => {
    const inst = [[fib.witness.instance[0][0] + 1n, 1n, 1n]];
    expect(await verify(fibPk.vk, inst, fibProof)).toBe(false);
    expect(await verify(fibPk.vk, [[fib.witness.instance[0][0], 1n, 2n]], fibProof)).toBe(false);
  });

  it("rejects tampered proofs: a changed evaluation, commitment or opening", async () => {
    const evals = fibProof.evals.slice();
    evals[3] = fr.add(evals[3], 1n);
    expect(await verify(fibPk.vk, fib.witness.instance, { ...fibProof, evals })).toBe(false);
    const advice = fibProof.advice.slice();
    advice[1] = fibProof.advice[0];
    expect(await verify(fibPk.vk, fib.witness.instance, { ...fibProof, advice })).toBe(false);
    const opening = fibProof.opening.slice().reverse();
    expect(await verify(fibPk.vk, fib.witness.instance, { ...fibProof, opening })).toBe(false);
    const quotient = fibProof.quotient.slice();
    quotient[0] = fibProof.permZ[0];
    expect(await verify(fibPk.vk, fib.witness.instance, { ...fibProof, quotient })).toBe(false);
  });

  it("rejects a proof for another circuit", async () => {
    const other = fibonacci(21);
    const otherPk = await keygen(srs, other.circuit);
    const otherProof = await prove(otherPk, other.witness);
    expect(await verify(otherPk.vk, other.witness.instance, otherProof)).toBe(true);
    expect(await verify(fibPk.vk, other.witness.instance, otherProof)).toBe(false);
    expect(await verify(otherPk.vk, fib.witness.instance, fibProof)).toBe(false);
  });

  it("a wrong witness fails in MockProver (naming the gate and row) and cannot be proved", async () => {
    const bad = fibonacci(20);
    bad.witness.advice[1][7] += 1n;
    const m = MockProver.run(bad.circuit, bad.witness);
    expect(m.ok).toBe(false);
    const msgs = m.messages();
    expect(msgs).toContain('gate "fib-step" (b\' = a + b) is not satisfied at row 6');
    expect(msgs).toContain('gate "fib-step" (a\' = b) is not satisfied at row 7');
    await expect(prove(fibPk, bad.witness)).rejects.toBeInstanceOf(UnsatisfiedError);
    // Forced through, the proof is rejected.
    const forged = await prove(fibPk, bad.witness, { unchecked: true });
    expect(await verify(fibPk.vk, bad.witness.instance, forged)).toBe(false);
  });

  it("a broken copy constraint is caught by MockProver and by the verifier", async () => {
    const bad = fibonacci(20);
    bad.witness.instance[0][0] += 1n; // still consistent gates, but the copy to the instance breaks
    const m = MockProver.run(bad.circuit, bad.witness);
    expect(m.messages().join("\n")).toMatch(/copy constraint "publish" violated: out\[20\] = \d+ but result\[0\] = \d+/);
    await expect(prove(fibPk, bad.witness)).rejects.toBeInstanceOf(ProverError);
    const forged = await prove(fibPk, bad.witness, { unchecked: true });
    expect(await verify(fibPk.vk, bad.witness.instance, forged)).toBe(false);
  });

  it("proof and verifying key round-trip through binary and JSON", async () => {
    const bin = encodeProofBinary(fibProof);
    const p2 = decodeProofBinary(bin);
    const vk2 = decodeVkBinary(encodeVkBinary(fibPk.vk));
    expect(Buffer.from(vk2.digest).equals(Buffer.from(fibPk.vk.digest))).toBe(true);
    expect(await verify(vk2, fib.witness.instance, p2)).toBe(true);
    const p3 = proofFromJson(JSON.parse(JSON.stringify(proofToJson(fibProof))));
    const vk3 = vkFromJson(JSON.parse(JSON.stringify(vkToJson(fibPk.vk))));
    expect(await verify(vk3, fib.witness.instance, p3)).toBe(true);
    // A flipped byte inside a point is either off-curve (decode error) or a different proof (reject).
    const flipped = bin.slice();
    flipped[40] ^= 1;
    let rejected = false;
    try {
      rejected = !(await verify(fibPk.vk, fib.witness.instance, decodeProofBinary(flipped)));
    } catch (e) {
      rejected = e instanceof EncodingError;
    }
    expect(rejected).toBe(true);
    expect(() => decodeProofBinary(bin.subarray(0, bin.length - 1))).toThrow(EncodingError);
    expect(() => decodeVkBinary(bin)).toThrow(EncodingError);
  });
});

describe("range check via a lookup table", () => {
  it("values in [0, 256) prove and verify", async () => {
    const { circuit, witness } = range8([0n, 1n, 17n, 200n, 255n, 255n]);
    expect(MockProver.run(circuit, witness).ok).toBe(true);
    const pk = await keygen(srs, circuit);
    const proof = await prove(pk, witness);
    expect(await verifyDetailed(pk.vk, witness.instance, proof)).toEqual({ ok: true });
  });

  it("a value out of range fails in MockProver, the prover and the verifier", async () => {
    const { circuit, witness } = range8([3n, 256n, 9n]);
    const m = MockProver.run(circuit, witness);
    expect(m.messages()).toEqual(['lookup "range8" at row 1: input (256) is not in the table']);
    const pk = await keygen(srs, circuit);
    await expect(prove(pk, witness)).rejects.toBeInstanceOf(LookupError);
    const forged = await prove(pk, witness, { unchecked: true });
    expect(await verify(pk.vk, witness.instance, forged)).toBe(false);
  });
});

describe("verify as a library function", () => {
  it("is synchronous and answers false (never throws) for malformed input", () => {
    const ok = verify(fibPk.vk, fib.witness.instance, fibProof);
    expect(ok).toBe(true);
    const offCurve = { x: 1n, y: 3n, infinity: false };
    expect(verify(fibPk.vk, fib.witness.instance, { ...fibProof, advice: [offCurve, ...fibProof.advice.slice(1)] })).toBe(false);
    expect(verify(fibPk.vk, fib.witness.instance, { ...fibProof, evals: fibProof.evals.slice(1) })).toBe(false);
    expect(verify(fibPk.vk, [[1n]], fibProof)).toBe(false);
    expect(verify(fibPk.vk, [], fibProof)).toBe(false);
    expect(verify(fibPk.vk, fib.witness.instance, { ...fibProof, evals: fibProof.evals.map(() => "x" as unknown as bigint) })).toBe(false);
    expect(verifyDetailed(fibPk.vk, fib.witness.instance, { ...fibProof, opening: [] })).toMatchObject({ ok: false });
  });
});

// The verifier: replays the transcript, rebuilds every constraint at x from the opened values (the
// instance and special polynomials it evaluates itself), derives the value h(x) the quotient must have,
// and checks every opening, h's included, with one batched KZG pairing equation. Any malformed input
// makes it return false.
import { R, add, mul, pow, sub } from "../poly/fr.ts";
import { Domain } from "../poly/domain.ts";
import type { Column } from "./cs.ts";
import { G1 as G1Ops } from "../curve/index.ts";
import type { VerifyingKey } from "./keygen.ts";
import { type G1, type VerifierQuery, verifyBatch } from "./kzg.ts";
import { Transcript } from "./transcript.ts";
import { SPECIAL, allConstraints, openingQueries, permutationChunks } from "./constraints.ts";
import { expectedQuotientEval, quotientCommitment } from "./vanishing/verifier.ts";
import { TRANSCRIPT_LABEL, absorbInstance } from "./prover.ts";
import type { Proof } from "./encoding.ts";
import { busGroups } from "./bus/index.ts";

/** Why a proof was rejected (for CLI messages); `verify` only answers yes or no. */
export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** True when `proof` proves the circuit of `vk` for these public inputs (one array per instance column). */
export function verify(vk: VerifyingKey, publicInputs: readonly (readonly bigint[])[], proof: Proof): boolean {
  return verifyDetailed(vk, publicInputs, proof).ok;
}

export function verifyDetailed(vk: VerifyingKey, instance: readonly (readonly bigint[])[], proof: Proof): VerifyResult {
  try {
    return verifyUnsafe(vk, instance, proof);
  } catch (e) {
    // Malformed input from a library caller (wrong types, points not on the curve, ...) is a rejection.
    return { ok: false, reason: `malformed input: ${(e as Error).message}` };
  }
}

export interface Challenges {
  theta: bigint;
  beta: bigint;
  gamma: bigint;
  y: bigint;
  x: bigint;
  v: bigint;
  u: bigint;
}

/** The Fiat–Shamir challenges of a proof, as prover and verifier derive them (tests and tools use them too). */
export function transcriptChallenges(vk: VerifyingKey, instance: readonly (readonly bigint[])[], proof: Proof): Challenges {
  const tr = new Transcript(TRANSCRIPT_LABEL);
  tr.absorbBytes(vk.digest);
  absorbInstance(tr, instance);
  proof.advice.forEach((p) => tr.absorbPoint(p));
  const theta = tr.challenge();
  proof.lookupM.forEach((p) => tr.absorbPoint(p));
  const beta = tr.challenge();
  const gamma = tr.challenge();
  proof.permZ.forEach((p) => tr.absorbPoint(p));
  proof.lookupPhi.forEach((p) => tr.absorbPoint(p));
  (proof.busPhi ?? []).forEach((p) => tr.absorbPoint(p));
  const y = tr.challenge();
  proof.quotient.forEach((p) => tr.absorbPoint(p));
  const x = tr.challenge();
  proof.evals.forEach((e) => tr.absorbScalar(e));
  const v = tr.challenge();
  proof.opening.forEach((p) => tr.absorbPoint(p));
  const u = tr.challenge();
  return { theta, beta, gamma, y, x, v, u };
}

function verifyUnsafe(vk: VerifyingKey, instance: readonly (readonly bigint[])[], proof: Proof): VerifyResult {
  const fail = (reason: string): VerifyResult => ({ ok: false, reason });
  const s = vk.shape;
  const domain = new Domain(s.k, s.degree);
  const n = domain.n;
  const usable = n - s.blinding - 1;
  const chunks = permutationChunks(s);
  const queries = openingQueries(s);
  if (instance.length !== s.numInstance) return fail(`expected ${s.numInstance} instance columns, got ${instance.length}`);
  for (const col of instance) {
    if (col.length > usable) return fail("instance column longer than the usable rows");
    for (const v of col) if (typeof v !== "bigint" || v < 0n || v >= R) return fail("public input is not a canonical field element");
  }
  const shapeOk =
    proof.advice.length === s.numAdvice &&
    proof.lookupM.length === s.lookups.length &&
    proof.lookupPhi.length === s.lookups.length &&
    proof.permZ.length === chunks.length &&
    (proof.busPhi ?? []).length === busGroups(s.buses ?? [], s.degree).length &&
    proof.quotient.length === domain.quotientPieces &&
    proof.evals.length === queries.length;
  if (!shapeOk) return fail("proof does not have the shape this verifying key expects");
  if (proof.evals.some((e) => typeof e !== "bigint" || e < 0n || e >= R)) return fail("evaluation out of range");
  const points = [...proof.advice, ...proof.lookupM, ...proof.permZ, ...proof.lookupPhi, ...(proof.busPhi ?? []), ...proof.quotient, ...proof.opening];
  if (!points.every((p) => p && typeof p.x === "bigint" && typeof p.y === "bigint" && G1Ops.isOnCurve(p))) return fail("a proof point is not on the curve");

  const { theta, beta, gamma, y, x, v, u } = transcriptChallenges(vk, instance, proof);

  const xn = pow(x, BigInt(n));
  if (xn === 1n) return fail("challenge x fell in the domain");

  const evalAt = new Map<string, bigint>();
  queries.forEach((q, i) => evalAt.set(`${q.column.kind}:${q.column.index}:${q.rot}`, proof.evals[i]));

  // Instance polynomials at x·ω^rot, from their values: Σ p_i·L_i(x·ω^rot).
  const instanceAt = (index: number, rot: number): bigint => {
    const col = instance[index];
    const rows = col.map((_, i) => i).filter((i) => col[i] !== 0n);
    const ls = domain.lagrangeAt(domain.rotate(x, rot), rows);
    return rows.reduce((acc, r, j) => add(acc, mul(col[r], ls[j])), 0n);
  };
  const [l0] = domain.lagrangeAt(x, [0]);
  const [lLast] = domain.lagrangeAt(x, [usable]);
  const blindRows = Array.from({ length: n - usable - 1 }, (_, i) => usable + 1 + i);
  const lBlind = domain.lagrangeAt(x, blindRows).reduce(add, 0n);
  const specials: bigint[] = [];
  specials[SPECIAL.l0] = l0;
  specials[SPECIAL.lLast] = lLast;
  specials[SPECIAL.active] = sub(sub(1n, lLast), lBlind);
  specials[SPECIAL.x] = x;

  const read = (c: Column, rot: number): bigint => {
    if (c.kind === "instance") return instanceAt(c.index, rot);
    if (c.kind === "special") {
      if (rot !== 0) throw new Error("special columns are not rotated");
      return specials[c.index];
    }
    const e = evalAt.get(`${c.kind}:${c.index}:${rot}`);
    if (e === undefined) throw new Error(`no opening for ${c.kind}[${c.index}] at rotation ${rot}`);
    return e;
  };
  const constraintValues = allConstraints(s, { theta, beta, gamma }).map((c) => c.value(read));
  const hEval = expectedQuotientEval(constraintValues, y, x, n);

  const commitmentOf = (c: Column): G1 => {
    switch (c.kind) {
      case "advice":
        return proof.advice[c.index];
      case "fixed":
        return vk.fixedCommitments[c.index];
      case "sigma":
        return vk.sigmaCommitments[c.index];
      case "perm_z":
        return proof.permZ[c.index];
      case "lookup_m":
        return proof.lookupM[c.index];
      case "lookup_phi":
        return proof.lookupPhi[c.index];
      case "bus_phi":
        return proof.busPhi![c.index];
      default:
        throw new Error(`cannot open ${c.kind}`);
    }
  };
  const vq: VerifierQuery[] = queries.map((q, i) => ({
    point: domain.rotate(x, q.rot),
    commitment: commitmentOf(q.column),
    eval: proof.evals[i],
  }));
  vq.push({ point: x, commitment: quotientCommitment(proof.quotient, x, n), eval: hEval });
  // A wrong quotient (an unsatisfied constraint) surfaces here: [h] does not open to h(x).
  if (!verifyBatch(vk, vq, proof.opening, v, u)) return fail("KZG opening check failed (or the constraints do not hold at x)");
  return { ok: true };
}

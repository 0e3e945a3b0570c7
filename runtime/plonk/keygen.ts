// Key generation: pads fixed columns and σ to the domain, commits them (the verifying key) and keeps
// their coefficient and extended-coset forms for the prover (the proving key).
import { Domain } from "../poly/domain.ts";
import { mul } from "../poly/fr.ts";
import { type Circuit, type Column, type Expression, blindingFactors, minimumK, usableRows } from "./cs.ts";
import { type G1, type ProverDevice, type Srs, commitLagrange, commitMany } from "./kzg.ts";
import { buildSigmaValues } from "./permutation/keygen.ts";
import { SPECIAL, deltaPow, openingQueries, permutationChunks } from "./constraints.ts";
import { vkDigest } from "./encoding.ts";
import { type BusShape, busGroups } from "./bus/index.ts";
import { reportPhase } from "./phases.ts";
import type { Progress } from "../../base/progress/index.ts";
import type { bn254 } from "@noble/curves/bn254.js";
import { BN254_FR, FieldVec } from "../field/index.ts";
import { nttInPlace } from "../curve/index.ts";

type G2Point = InstanceType<typeof bn254.G2.Point>;

/** What the verifier must know of the circuit: its shape, without values or source spans. */
export interface CircuitShape {
  name: string;
  k: number;
  blinding: number;
  degree: number;
  numAdvice: number;
  numFixed: number;
  numInstance: number;
  gates: Array<{ name: string; polys: Expression[] }>;
  lookups: Array<{ name: string; inputs: Expression[]; table: Expression[] }>;
  equality: Column[];
  /** Bus interactions (bus/index.ts); absent when the circuit has none. */
  buses?: BusShape[];
}

export interface VerifyingKey {
  shape: CircuitShape;
  fixedCommitments: G1[];
  sigmaCommitments: G1[];
  g2: G2Point;
  tauG2: G2Point;
  /** BLAKE2b-512 of the binary encoding; binds proofs to this circuit and SRS. */
  digest: Uint8Array;
}

export interface ProvingKey {
  vk: VerifyingKey;
  circuit: Circuit;
  srs: Srs;
  domain: Domain;
  usable: number;
  omegas: bigint[];
  fixedValues: bigint[][];
  fixedCoeffs: bigint[][];
  /** Extended-coset values, packed for the quotient's vector evaluator. */
  fixedExt: FieldVec[];
  sigmaValues: bigint[][];
  sigmaCoeffs: bigint[][];
  sigmaExt: FieldVec[];
  /** Extended-coset values of L_0, L_last, active, X (indexed by SPECIAL). */
  specialExt: FieldVec[];
}

export class KeygenError extends Error {}

export interface KeygenOptions {
  /** Domain size exponent; defaults to the smallest that fits. */
  k?: number;
  /** Reported once per phase as it completes (done = total = 1), its wall time as the detail. */
  progress?: Progress;
  /** Filled with each phase's wall time in ms (benches). */
  phaseMs?: Record<string, number>;
  /** Runs the fixed and permutation commitments' MSMs on a device where it takes them (see ProveOptions.device). */
  device?: ProverDevice;
}

export function shapeOf(circuit: Circuit, k: number): CircuitShape {
  return {
    name: circuit.name,
    k,
    blinding: blindingFactors(circuit),
    degree: circuit.degree(),
    numAdvice: circuit.numAdvice,
    numFixed: circuit.numFixed,
    numInstance: circuit.numInstance,
    gates: circuit.gates.map((g) => ({ name: g.name, polys: g.polys })),
    lookups: circuit.lookups.map((l) => ({ name: l.name, inputs: l.inputs, table: l.table })),
    equality: circuit.equality.slice(),
    ...(circuit.buses.length ? { buses: circuit.buses.map((b) => ({ bus: b.bus, values: b.values, multiplicity: b.multiplicity })) } : {}),
  };
}

export async function keygen(srs: Srs, circuit: Circuit, opts: KeygenOptions = {}): Promise<ProvingKey> {
  const k = opts.k ?? minimumK(circuit);
  if (k < minimumK(circuit)) throw new KeygenError(`k=${k} is too small: the circuit needs k >= ${minimumK(circuit)}`);
  const shape = shapeOf(circuit, k);
  const domain = new Domain(k, shape.degree);
  const n = domain.n;
  if (srs.g1.length < n) throw new KeygenError(`the SRS has ${srs.g1.length} powers of tau but the circuit needs ${n} (k=${k})`);
  const usable = usableRows(circuit, k);
  const t0 = performance.now();

  const omegas = new Array<bigint>(n);
  let w = 1n;
  for (let i = 0; i < n; i++) {
    omegas[i] = w;
    w = mul(w, domain.omega);
  }

  // Values → coefficients, and coefficients → values on the extended coset, in place on packed vectors.
  const interpolate = (values: FieldVec): FieldVec => {
    const c = values.clone();
    nttInPlace(c, { inverse: true });
    return c;
  };
  const extend = (coeffs: FieldVec): FieldVec => {
    const e = FieldVec.zeros(BN254_FR, domain.extN);
    e.data.set(coeffs.data);
    nttInPlace(e, { coset: domain.g });
    return e;
  };

  const fixedValues = circuit.fixed.map((col) => {
    const v = new Array<bigint>(n).fill(0n);
    for (let r = 0; r < Math.min(col.length, usable); r++) v[r] = col[r] ?? 0n;
    if (col.length > usable) throw new KeygenError(`fixed column has ${col.length} rows; only ${usable} are usable at k=${k}`);
    return v;
  });
  // Columns are packed once; their commitments (from values, through the SRS's Lagrange basis) start first
  // and run on the worker pool while this thread computes the interpolations and coset extensions the
  // proving key keeps. Fixed columns (selectors, constants) are mostly zero or small, which the MSM's zero
  // digits skip; without a Lagrange basis the coefficient form gives the same points.
  const fixedVecs = fixedValues.map((v) => FieldVec.fromBigints(BN254_FR, v));
  const fixedCommitting = commitLagrange(srs, k, fixedVecs.map((values) => ({ values })), { callerWorks: false, device: opts.device });
  const fixedCoeffVecs = fixedVecs.map(interpolate);
  const fixedCoeffs = fixedCoeffVecs.map((c) => c.toBigints());
  const fixedExt = fixedCoeffVecs.map(extend);
  const fixedCommitments = (await fixedCommitting) ?? (await commitMany(srs, fixedCoeffs, opts.device));
  reportPhase(opts, "fixed columns", performance.now() - t0);

  const t1 = performance.now();
  const sigmaValues = buildSigmaValues(circuit, n, usable, domain.omega);
  const sigmaVecs = sigmaValues.map((v) => FieldVec.fromBigints(BN254_FR, v));
  // σ_c = id_c + (σ_c − id_c) with id_c(X) = δ^c·X, whose commitment is δ^c·τ·G1: the difference is zero
  // outside copy cycles, so each column is a sparse MSM over the Lagrange basis plus one point.
  const omegaVec = FieldVec.fromBigints(BN254_FR, omegas);
  const sigmaCommitting = commitLagrange(
    srs,
    k,
    sigmaVecs.map((v, c) => {
      const d = deltaPow(c);
      return { values: v.sub(omegaVec.scale(d)), x: d };
    }),
    { callerWorks: false, device: opts.device },
  );
  const sigmaCoeffVecs = sigmaVecs.map(interpolate);
  const sigmaCoeffs = sigmaCoeffVecs.map((c) => c.toBigints());
  const sigmaExt = sigmaCoeffVecs.map(extend);
  const sigmaCommitments = (await sigmaCommitting) ?? (await commitMany(srs, sigmaCoeffs, opts.device));
  reportPhase(opts, "permutation", performance.now() - t1);

  const indicator = (rows: (r: number) => boolean) => {
    const v = new Array<bigint>(n);
    for (let r = 0; r < n; r++) v[r] = rows(r) ? 1n : 0n;
    return domain.coeffToExtendedVec(domain.lagrangeToCoeff(v));
  };
  const specialExt: FieldVec[] = [];
  specialExt[SPECIAL.l0] = indicator((r) => r === 0);
  specialExt[SPECIAL.lLast] = indicator((r) => r === usable);
  specialExt[SPECIAL.active] = indicator((r) => r < usable);
  specialExt[SPECIAL.x] = domain.coeffToExtendedVec([0n, 1n]);

  const vkNoDigest = { shape, fixedCommitments, sigmaCommitments, g2: srs.g2, tauG2: srs.tauG2, digest: new Uint8Array() };
  const vk: VerifyingKey = { ...vkNoDigest, digest: vkDigest(vkNoDigest) };
  return {
    vk,
    circuit,
    srs,
    domain,
    usable,
    omegas,
    fixedValues,
    fixedCoeffs,
    fixedExt,
    sigmaValues,
    sigmaCoeffs,
    sigmaExt,
    specialExt,
  };
}

/**
 * Why proofs for this shape might not be zero-knowledge (empty when they are), by the counting argument
 * of spec/plonkish.md ("Zero knowledge"): a blinded polynomial (advice, m, z, φ) with B random rows stays
 * uniform on up to B points outside the domain. Each one reveals its commitment (a value at τ) and its
 * openings at x·ω^r, so it needs 1 + |rotations| ≤ B. The quotient's commitments also reveal h(τ), which
 * reads the blinded polynomials at τ·ω^r: that value is masked when some polynomial's unrevealed value
 * enters it linearly and stays uniform (the last permutation product z(ωτ), a logUp sum φ(ωτ)); without
 * one, every rotated polynomial must stay uniform on all its points at τ·ω^r and x·ω^r.
 */
export function zeroKnowledgeGaps(shape: CircuitShape): string[] {
  const B = shape.blinding;
  const rots = new Map<string, Set<number>>();
  for (const q of openingQueries(shape)) {
    if (q.column.kind === "fixed" || q.column.kind === "sigma") continue;
    const key = `${q.column.kind}[${q.column.index}]`;
    if (!rots.has(key)) rots.set(key, new Set());
    rots.get(key)!.add(q.rot);
  }
  const gaps: string[] = [];
  for (const [key, r] of rots)
    if (1 + r.size > B) gaps.push(`${key} is revealed at ${1 + r.size} points but has only ${B} blinding rows`);
  const pointsWithTau = (r: Set<number>) => 2 * r.size + (r.has(0) ? 0 : 1);
  const chunks = permutationChunks(shape);
  const linearMasks = [
    ...(chunks.length ? [`perm_z[${chunks.length - 1}]`] : []),
    ...shape.lookups.map((_, i) => `lookup_phi[${i}]`),
    ...busGroups(shape.buses ?? [], shape.degree).map((_, g) => `bus_phi[${g}]`),
  ].filter((key) => rots.has(key) && pointsWithTau(rots.get(key)!) <= B);
  const rotated = [...rots].filter(([, r]) => [...r].some((x) => x !== 0));
  if (rotated.length && !linearMasks.length)
    for (const [key, r] of rotated)
      if (pointsWithTau(r) > B) gaps.push(`h(τ) reads ${key} at τ·ω^r: ${pointsWithTau(r)} points with only ${B} blinding rows, and no permutation or lookup masks it`);
  return gaps;
}

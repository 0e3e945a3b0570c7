// The PLONKish prover: commits advice, lookup multiplicities, permutation products and logUp sums,
// the quotient, then opens everything at x (and its rotations) with one batched KZG proof.
import { randomBytes } from "node:crypto";
import { R, fromBytesBE } from "../poly/fr.ts";
import type { Column, Witness } from "./cs.ts";
import type { ProvingKey } from "./keygen.ts";
import { type G1, type ProverDevice, type ProverQuery, commitLagrange, commitMany, evaluateAt, linearCombination, openBatch, packCoeffs } from "./kzg.ts";
import { Transcript } from "./transcript.ts";
import { allConstraints, compress, openingQueries, permutationChunks } from "./constraints.ts";
import { permutationProducts } from "./permutation/prover.ts";
import { multiplicities, runningSum } from "./lookup/prover.ts";
import { busRunningSums } from "./bus/index.ts";
import { quotientPiecesParallel } from "./vanishing/prover.ts";
import { quotientCommitment, quotientFoldScalars } from "./vanishing/verifier.ts";
import { BN254_FR, FieldVec } from "../field/index.ts";
import { nttInPlace } from "../curve/index.ts";
import type { Proof } from "./encoding.ts";
import { reportPhase } from "./phases.ts";
import type { Progress } from "../../base/progress/index.ts";

// v2: masked quotient pieces opened only through their combination h (see vanishing/prover.ts).
export const TRANSCRIPT_LABEL = "chainweave-plonk-kzg-bn254-v2";

export class ProverError extends Error {}

export interface ProveOptions {
  /** Reported once per phase as it completes (done = total = 1), its wall time as the detail. */
  progress?: Progress;
  /** Filled with each phase's wall time in ms (benches). */
  phaseMs?: Record<string, number>;
  /** Randomness for blinding rows (tests may fix it); defaults to node:crypto. */
  random?: () => bigint;
  /**
   * Testing only: skip the prover's own satisfaction checks and emit a proof even for a bad witness,
   * so tests can show that the verifier rejects it.
   */
  unchecked?: boolean;
  /** Worker threads for the quotient evaluation (default: available parallelism); 1 keeps it on this thread. */
  threads?: number;
  /**
   * Runs MSMs and NTTs on a device (runtime/gpu's GpuProverDevice) where it takes the call; the CPU runs
   * the rest. The proof is the same bytes with or without it (given the same `random`).
   */
  device?: ProverDevice;
}

export function absorbInstance(t: Transcript, instance: readonly (readonly bigint[])[]): void {
  t.absorbScalar(BigInt(instance.length));
  for (const col of instance) {
    t.absorbScalar(BigInt(col.length));
    for (const v of col) t.absorbScalar(v);
  }
}

// The proving key's fixed and sigma polynomials, packed once per key (a key proves many witnesses).
const packedKey = new WeakMap<readonly bigint[], FieldVec>();
function packedKeyPoly(p: readonly bigint[]): FieldVec {
  let v = packedKey.get(p);
  if (!v) packedKey.set(p, (v = packCoeffs(p)));
  return v;
}

export async function prove(pk: ProvingKey, witness: Witness, opts: ProveOptions = {}): Promise<Proof> {
  const { vk, domain, usable } = pk;
  const shape = vk.shape;
  const n = domain.n;
  const random = opts.random ?? (() => fromBytesBE(randomBytes(40)) % R);
  let t = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    reportPhase(opts, name, now - t);
    t = now;
  };
  if (witness.advice.length !== shape.numAdvice) throw new ProverError(`expected ${shape.numAdvice} advice columns, got ${witness.advice.length}`);
  if (witness.instance.length !== shape.numInstance) throw new ProverError(`expected ${shape.numInstance} instance columns, got ${witness.instance.length}`);
  for (const col of [...witness.advice, ...witness.instance]) {
    if (col.length > usable) throw new ProverError(`a witness column has ${col.length} rows; only ${usable} are usable`);
    for (const v of col) if (v !== undefined && (v < 0n || v >= R)) throw new ProverError(`witness value ${v} is not a canonical field element`);
  }

  const tr = new Transcript(TRANSCRIPT_LABEL);
  tr.absorbBytes(vk.digest);
  absorbInstance(tr, witness.instance);

  const pad = (col: readonly bigint[], blind: boolean) => {
    const v = new Array<bigint>(n).fill(0n);
    for (let r = 0; r < col.length; r++) v[r] = col[r] ?? 0n;
    if (blind) for (let r = usable + 1; r < n; r++) v[r] = random();
    return v;
  };
  // Polynomials stay packed (Montgomery limbs) from interpolation to the opening: each column is converted
  // from BigInt once, and commitments, extended evaluations, evaluations at x and the opening read the limbs.
  const dev = opts.device;
  const interpolate = async (values: readonly bigint[]): Promise<FieldVec> => {
    const v = FieldVec.fromBigints(BN254_FR, values);
    if (!(dev && (await dev.ntt(v, { inverse: true })))) nttInPlace(v, { inverse: true });
    return v;
  };
  // Extended columns live in shared memory: the quotient's worker threads read them without a copy.
  const extend = async (coeffs: FieldVec): Promise<FieldVec> => {
    const v = new FieldVec(BN254_FR, domain.extN, new Uint32Array(new SharedArrayBuffer(domain.extN * BN254_FR.limbs * 4)));
    v.data.set(coeffs.data);
    if (!(dev && (await dev.ntt(v, { coset: domain.g })))) nttInPlace(v, { coset: domain.g });
    return v;
  };
  const each = async <T, U>(xs: readonly T[], f: (x: T) => Promise<U>): Promise<U[]> => {
    const out: U[] = [];
    for (const x of xs) out.push(await f(x));
    return out;
  };
  // Commitments run side by side on the worker pool. Columns known by their values on the domain commit
  // through the SRS's Lagrange basis (witness values are often small, which the MSM's zero digits skip);
  // the point is the same as from the coefficients, which are used when the SRS has no Lagrange basis.
  const commitAll = (polys: readonly FieldVec[]): Promise<G1[]> => commitMany(pk.srs, polys, dev);
  // The value-form commitments start on the pool before this thread interpolates the same columns, and are
  // awaited after: the MSMs and the inverse NTTs overlap.
  const commitValues = async (values: readonly (readonly bigint[])[], interpolated: () => Promise<FieldVec[]>): Promise<[G1[], FieldVec[]]> => {
    const committing = commitLagrange(pk.srs, domain.k, values.map((v) => ({ values: v })), { callerWorks: false, device: dev });
    const coeffs = await interpolated();
    return [(await committing) ?? (await commitAll(coeffs)), coeffs];
  };
  const instanceValues = witness.instance.map((c) => pad(c, false));
  const instanceExt = await each(instanceValues, async (v) => extend(await interpolate(v)));

  // Round 1: advice.
  const adviceValues = witness.advice.map((c) => pad(c, true));
  const [adviceCommits, adviceCoeffs] = await commitValues(adviceValues, () => each(adviceValues, interpolate));
  adviceCommits.forEach((p) => tr.absorbPoint(p));
  phase("advice commitments");

  // Round 2: lookup multiplicities.
  const theta = tr.challenge();
  const rowReader = (row: number) => (c: Column, rot: number) => {
    const r = (((row + rot) % n) + n) % n;
    switch (c.kind) {
      case "advice":
        return adviceValues[c.index][r];
      case "fixed":
        return pk.fixedValues[c.index][r];
      case "instance":
        return instanceValues[c.index][r];
      default:
        throw new ProverError(`lookup reads ${c.kind}`);
    }
  };
  const lookupF: bigint[][] = [];
  const lookupT: bigint[][] = [];
  const mValues: bigint[][] = [];
  for (const l of shape.lookups) {
    const fe = compress(l.inputs, theta);
    const te = compress(l.table, theta);
    const f = new Array<bigint>(usable);
    const tv = new Array<bigint>(usable);
    for (let r = 0; r < usable; r++) {
      const read = rowReader(r);
      f[r] = fe.value(read);
      tv[r] = te.value(read);
    }
    lookupF.push(f);
    lookupT.push(tv);
    mValues.push(multiplicities(l.name, f, tv, n, usable, random, opts.unchecked));
  }
  const [mCommits, mCoeffs] = await commitValues(mValues, () => each(mValues, interpolate));
  mCommits.forEach((p) => tr.absorbPoint(p));
  phase("lookup multiplicities");

  // Round 3: permutation products and logUp running sums.
  const beta = tr.challenge();
  const gamma = tr.challenge();
  const chunks = permutationChunks(shape);
  const valuesOf = (c: Column) =>
    c.kind === "advice" ? adviceValues[c.index] : c.kind === "fixed" ? pk.fixedValues[c.index] : instanceValues[c.index];
  const firstColumn: number[] = [];
  let acc = 0;
  for (const ch of chunks) {
    firstColumn.push(acc);
    acc += ch.length;
  }
  const zValues = permutationProducts(
    chunks.map((ch) => ch.map(valuesOf)),
    chunks.map((ch, j) => ch.map((_, i) => pk.sigmaValues[firstColumn[j] + i])),
    firstColumn,
    pk.omegas,
    usable,
    beta,
    gamma,
    random,
  );
  const lastZ = zValues[zValues.length - 1];
  if (!opts.unchecked && lastZ && lastZ[usable] !== 1n) throw new ProverError("copy constraints are not satisfied (run the MockProver to find which)");
  const phiValues = shape.lookups.map((_, i) => runningSum(lookupF[i], lookupT[i], mValues[i], usable, beta, random));
  const [zPhiCommits, zPhiCoeffs] = await commitValues([...zValues, ...phiValues], () => each([...zValues, ...phiValues], interpolate));
  const zCoeffs = zPhiCoeffs.slice(0, zValues.length);
  const phiCoeffs = zPhiCoeffs.slice(zValues.length);
  const zCommits = zPhiCommits.slice(0, zValues.length);
  const phiCommits = zPhiCommits.slice(zValues.length);
  zCommits.forEach((p) => tr.absorbPoint(p));
  phiCommits.forEach((p) => tr.absorbPoint(p));
  // Bus running sums (bus/index.ts), committed after the lookups' (absent for circuits without buses).
  const busValues = shape.buses ? busRunningSums(shape.buses, shape.degree, n, usable, theta, beta, rowReader, random, opts.unchecked) : [];
  const busCoeffs = await each(busValues, interpolate);
  const busCommits = busValues.length ? ((await commitLagrange(pk.srs, domain.k, busValues.map((v) => ({ values: v })), { device: dev })) ?? (await commitAll(busCoeffs))) : [];
  busCommits.forEach((p) => tr.absorbPoint(p));
  phase("permutation and lookup products");

  // Round 4: quotient.
  const y = tr.challenge();
  const adviceExt = await each(adviceCoeffs, extend);
  const zExt = await each(zCoeffs, extend);
  const mExt = await each(mCoeffs, extend);
  const phiExt = await each(phiCoeffs, extend);
  const busExt = await each(busCoeffs, extend);
  phase("extended-domain FFTs");
  const ext = (c: Column): FieldVec => {
    const tables: Record<string, FieldVec[]> = {
      advice: adviceExt,
      fixed: pk.fixedExt,
      instance: instanceExt,
      sigma: pk.sigmaExt,
      perm_z: zExt,
      lookup_m: mExt,
      lookup_phi: phiExt,
      bus_phi: busExt,
      special: pk.specialExt,
    };
    const arr = tables[c.kind]?.[c.index];
    if (!arr) throw new ProverError(`no column ${c.kind}[${c.index}]`);
    return arr;
  };
  const constraints = allConstraints(shape, { theta, beta, gamma });
  const hPieces = await quotientPiecesParallel(domain, constraints, ext, y, random, opts.unchecked, { threads: opts.threads });
  const hCommits = await commitAll(hPieces);
  hCommits.forEach((p) => tr.absorbPoint(p));
  phase("quotient");

  // Round 5: evaluations at x and its rotations.
  const x = tr.challenge();
  const coeffsOf = (c: Column): { poly: FieldVec; commitment: G1 } => {
    switch (c.kind) {
      case "advice":
        return { poly: adviceCoeffs[c.index], commitment: adviceCommits[c.index] };
      case "fixed":
        return { poly: packedKeyPoly(pk.fixedCoeffs[c.index]), commitment: vk.fixedCommitments[c.index] };
      case "sigma":
        return { poly: packedKeyPoly(pk.sigmaCoeffs[c.index]), commitment: vk.sigmaCommitments[c.index] };
      case "perm_z":
        return { poly: zCoeffs[c.index], commitment: zCommits[c.index] };
      case "lookup_m":
        return { poly: mCoeffs[c.index], commitment: mCommits[c.index] };
      case "lookup_phi":
        return { poly: phiCoeffs[c.index], commitment: phiCommits[c.index] };
      case "bus_phi":
        return { poly: busCoeffs[c.index], commitment: busCommits[c.index] };
      default:
        throw new ProverError(`cannot open ${c.kind}`);
    }
  };
  // The polynomials opened at one point are evaluated together.
  const queries: ProverQuery[] = openingQueries(shape).map((q) => {
    const { poly, commitment } = coeffsOf(q.column);
    return { point: domain.rotate(x, q.rot), poly, commitment, eval: 0n };
  });
  const byPoint = new Map<bigint, ProverQuery[]>();
  for (const q of queries) byPoint.set(q.point, [...(byPoint.get(q.point) ?? []), q]);
  for (const [point, qs] of byPoint) evaluateAt(qs.map((q) => q.poly), point).forEach((e, i) => (qs[i].eval = e));
  const evals = queries.map((q) => q.eval);
  // The pieces are opened only through h = Σ x^{j(n−1)}·h'_j, whose value at x the verifier derives.
  const hAtX = linearCombination(hPieces, quotientFoldScalars(hPieces.length, x, n));
  const [hEval] = evaluateAt([hAtX], x);
  queries.push({ point: x, poly: hAtX, commitment: quotientCommitment(hCommits, x, n), eval: hEval });
  evals.forEach((e) => tr.absorbScalar(e));
  phase("evaluations");

  const v = tr.challenge();
  const opening = await openBatch(pk.srs, queries, v, dev);
  opening.forEach((p) => tr.absorbPoint(p));
  phase("batched opening");

  return {
    advice: adviceCommits,
    lookupM: mCommits,
    permZ: zCommits,
    lookupPhi: phiCommits,
    ...(busCommits.length ? { busPhi: busCommits } : {}),
    quotient: hCommits,
    evals,
    opening,
  };
}


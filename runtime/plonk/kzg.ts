// KZG polynomial commitments on BN254: a structured reference string either imported from a
// snarkjs / perpetual-powers-of-tau `.ptau` file or made from a known τ (InsecureDevSrs, for tests
// only), commitments as G1 MSMs (runtime/curve), and multi-point batched openings verified with one
// pairing equation (@noble/curves). Batching follows halo2's GWC variant: polynomials opened at the
// same point are combined with powers of v, one witness per point, and the per-point equations are
// combined with powers of u.
import { openSync, readSync, closeSync, fstatSync } from "node:fs";
import { bn254 } from "@noble/curves/bn254.js";
import { G1 as G1Ops, type G1Affine, type MsmOptions, type PackedG1, msmG1, msmG1Reference, ntt, packG1, unpackG1 } from "../curve/index.ts";
import { fixedBaseMul } from "../curve/fixed-base.ts";
import { BN254_FR, FieldVec, fieldInstance, montParams, readLimbs, writeLimbs, type WasmInstance } from "../field/index.ts";
import { R, mul, sub, add, pow, mod, rootOfUnity } from "../poly/fr.ts";
import { divideByLinear } from "../poly/domain.ts";

export type G1 = G1Affine;
type G2Point = InstanceType<typeof bn254.G2.Point>;

const FQ = bn254.fields.Fp.ORDER;

interface SrsBase {
  /** τ^i·G1 for i < g1.length. */
  readonly g1: readonly G1[];
  readonly g2: G2Point;
  readonly tauG2: G2Point;
  /** Where the SRS came from, shown by the CLI. */
  readonly source: string;
}

/** SRS from a powers-of-tau ceremony file. Secure as long as one contributor discarded their share. */
export interface PtauSrs extends SrsBase {
  readonly kind: "ptau";
}

/** SRS made from a τ everyone knows: proofs under it can be forged. Development and tests only. */
export interface InsecureDevSrs extends SrsBase {
  readonly kind: "INSECURE-dev";
  readonly tau: bigint;
}

export type Srs = PtauSrs | InsecureDevSrs;

export function isInsecure(srs: Srs): srs is InsecureDevSrs {
  return srs.kind === "INSECURE-dev";
}

/** insecureDevSrs's default τ (public: anything proven under it can be forged). */
export const DEV_TAU = 0x1234567890abcdefn;

/**
 * τ·G2 (compressed hex) of published SRSs whose τ is known: the project's development powers-of-tau
 * (tooling/ptau: τ drawn from a public beacon, the same for every size) and the shared
 * `pot15_dev_insecure.ptau` (snarkjs, one contribution with a known entropy string).
 */
const KNOWN_TAU_G2: ReadonlyArray<{ hex: string; what: string }> = [
  {
    hex: "03139197a3a22a984843968396bd813fc28f5cc545ad8b2700a56d4c63c3bed31129a7dabde39da8bc70a7140bcb0a1d87cf073284d4a89770de60789a24074bed",
    what: "the project's INSECURE development powers-of-tau (.cache/ptau, tau from a public beacon)",
  },
  {
    hex: "030109b6461acfe2ab76e9d56f4cc9a6414c23ea29b044a1fb5ddce15842b18f3c118c44553fdc701dd7372b4674a43712fa99069bb1883ebc3fac242a7fd81071",
    what: "the insecure development powers-of-tau file pot15_dev_insecure.ptau (known entropy)",
  },
];

/**
 * Says which insecure SRS a key's τ·G2 comes from, or undefined when it is none we know. A key records
 * its SRS through τ·G2 (the verifier's pairing uses it), so this cannot be stripped from a key.
 */
export function insecureSrsOf(tauG2: G2Point): string | undefined {
  if (tauG2.equals(bn254.G2.Point.BASE.multiply(DEV_TAU))) return "the INSECURE development SRS (--insecure-dev-srs, tau is public)";
  const hex = tauG2.toHex(true);
  return KNOWN_TAU_G2.find((k) => k.hex === hex)?.what;
}

/** Builds τ^i·G1 by batched fixed-base multiplication in WASM (runtime/curve/fixed-base.ts). */
export function insecureDevSrs(size: number, tau: bigint = DEV_TAU): InsecureDevSrs {
  const powers: bigint[] = new Array(size);
  let t = 1n;
  for (let i = 0; i < size; i++) {
    powers[i] = t;
    t = mul(t, tau);
  }
  const packed = fixedBaseMul(G1Ops.generator, powers);
  const g1: G1[] = Array.from({ length: size }, (_, i) => unpackG1(packed, i));
  const srs: InsecureDevSrs = {
    kind: "INSECURE-dev",
    tau,
    g1,
    g2: bn254.G2.Point.BASE,
    tauG2: bn254.G2.Point.BASE.multiply(mod(tau)),
    source: `INSECURE development SRS (known tau), 2^${Math.log2(size)} powers`,
  };
  packedCache.set(srs, packed);
  return srs;
}

export class PtauError extends Error {}

/**
 * Reads the first `maxG1` τ-powers in G1 and τ·G2 from a `.ptau` file (snarkjs binary format:
 * "ptau", version, sections; 1 = header (n8, q, power), 2 = tauG1, 3 = tauG2; coordinates little-endian
 * in Montgomery form). Points are checked to be on the curve.
 */
export function loadPtau(path: string, maxG1: number): PtauSrs {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const read = (pos: number, len: number): Buffer => {
      if (pos + len > size) throw new PtauError(`${path}: truncated (wanted bytes ${pos}..${pos + len} of ${size})`);
      const b = Buffer.alloc(len);
      readSync(fd, b, 0, len, pos);
      return b;
    };
    const head = read(0, 12);
    if (head.toString("latin1", 0, 4) !== "ptau") throw new PtauError(`${path}: not a .ptau file (bad magic)`);
    const nSections = head.readUInt32LE(8);
    const sections = new Map<number, { pos: number; size: number }>();
    let pos = 12;
    for (let i = 0; i < nSections; i++) {
      const h = read(pos, 12);
      const type = h.readUInt32LE(0);
      const len = Number(h.readBigUInt64LE(4));
      sections.set(type, { pos: pos + 12, size: len });
      pos += 12 + len;
    }
    const hdr = sections.get(1);
    const s2 = sections.get(2);
    const s3 = sections.get(3);
    if (!hdr || !s2 || !s3) throw new PtauError(`${path}: missing header, tauG1 or tauG2 section`);
    const hb = read(hdr.pos, hdr.size);
    const n8 = hb.readUInt32LE(0);
    const q = leToBig(hb.subarray(4, 4 + n8));
    if (n8 !== 32 || q !== FQ) throw new PtauError(`${path}: not a BN254 (bn128) ptau file`);
    const power = hb.readUInt32LE(4 + n8);
    const available = 2 ** power * 2 - 1;
    if (maxG1 > available) throw new PtauError(`${path}: has 2^${power} powers; this circuit needs ${maxG1}`, );
    const rInv = modInvP((1n << 256n) % FQ);
    const fq = (b: Buffer, off: number) => (leToBig(b.subarray(off, off + 32)) * rInv) % FQ;
    const g1Bytes = read(s2.pos, maxG1 * 64);
    const g1: G1[] = new Array(maxG1);
    for (let i = 0; i < maxG1; i++) {
      const x = fq(g1Bytes, i * 64);
      const y = fq(g1Bytes, i * 64 + 32);
      const p: G1 = x === 0n && y === 0n ? G1Ops.infinityAffine : { x, y, infinity: false };
      if (!G1Ops.isOnCurve(p)) throw new PtauError(`${path}: tauG1[${i}] is not on the curve`);
      g1[i] = p;
    }
    const g2b = read(s3.pos, 2 * 128);
    const g2At = (off: number): G2Point => {
      const Fp2 = bn254.fields.Fp2;
      const x = Fp2.create({ c0: fq(g2b, off), c1: fq(g2b, off + 32) });
      const y = Fp2.create({ c0: fq(g2b, off + 64), c1: fq(g2b, off + 96) });
      const p = bn254.G2.Point.fromAffine({ x, y });
      p.assertValidity();
      return p;
    };
    const g2 = g2At(0);
    const tauG2 = g2At(128);
    if (!g2.equals(bn254.G2.Point.BASE)) throw new PtauError(`${path}: tauG2[0] is not the standard G2 generator`);
    const srs: PtauSrs = { kind: "ptau", g1, g2, tauG2, source: `${path} (2^${power} powers of tau)` };
    const s12 = sections.get(12);
    if (s12) ptauLagrange.set(srs, { path, pos: s12.pos, size: s12.size });
    return srs;
  } finally {
    closeSync(fd);
  }
}

function leToBig(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
  return x;
}

function modInvP(a: bigint): bigint {
  return bn254.fields.Fp.inv(a);
}

/**
 * Where the prover's MSMs and NTTs may run instead of the CPU (runtime/gpu's GpuProverDevice is one):
 * each call answers with the result, or undefined/false to leave that call to the CPU. Results must equal
 * the CPU's exactly (the same point; the same field elements), so a proof does not depend on the device.
 */
export interface ProverDevice {
  /** Σ scalars[i]·points[i] (points packed as runtime/curve packs them). */
  msm(points: PackedG1, scalars: FieldVec): Promise<G1 | undefined>;
  /** In place, runtime/curve `nttInPlace`'s convention; true when done. */
  ntt(values: FieldVec, opts: { inverse?: boolean; coset?: bigint }): Promise<boolean>;
}

/** msmG1, or the device's MSM when it takes the call. */
async function deviceMsm(device: ProverDevice | undefined, points: PackedG1, scalars: FieldVec | readonly bigint[], opts: MsmOptions = {}): Promise<G1> {
  if (device) {
    const r = await device.msm(points, scalars instanceof FieldVec ? scalars : FieldVec.fromBigints(BN254_FR, scalars));
    if (r) return r;
  }
  return msmG1(points, scalars, opts);
}

/** Commitment to a polynomial in coefficient form. */
export async function commit(srs: Srs, coeffs: readonly bigint[], device?: ProverDevice): Promise<G1> {
  let len = coeffs.length;
  while (len > 0 && coeffs[len - 1] === 0n) len--;
  if (len > srs.g1.length) throw new Error(`KZG: polynomial of degree ${len - 1} exceeds the SRS (${srs.g1.length} powers)`);
  if (len === 0) return G1Ops.infinityAffine;
  const packed = packedSrs(srs);
  const prefix: PackedG1 = { n: len, data: packed.data.subarray(0, len * 16) };
  return deviceMsm(device, prefix, coeffs.length === len ? coeffs : coeffs.slice(0, len));
}

/** Commitment to a polynomial whose coefficients are packed (FieldVec over BN254 Fr). */
export async function commitVec(srs: Srs, coeffs: FieldVec, device?: ProverDevice): Promise<G1> {
  if (coeffs.field !== BN254_FR) throw new TypeError(`KZG: coefficients must be over bn254_fr, got ${coeffs.field.name}`);
  const d = coeffs.data;
  let len = coeffs.length;
  const zero = (i: number) => {
    for (let k = i * 8; k < i * 8 + 8; k++) if (d[k] !== 0) return false;
    return true;
  };
  while (len > 0 && zero(len - 1)) len--;
  if (len > srs.g1.length) throw new Error(`KZG: polynomial of degree ${len - 1} exceeds the SRS (${srs.g1.length} powers)`);
  if (len === 0) return G1Ops.infinityAffine;
  const packed = packedSrs(srs);
  return deviceMsm(device, { n: len, data: packed.data.subarray(0, len * 16) }, len === coeffs.length ? coeffs : new FieldVec(BN254_FR, len, d.subarray(0, len * 8)));
}

// The SRS is packed once (Montgomery form, shared memory) for the WASM MSM workers.
const packedCache = new WeakMap<Srs, PackedG1>();
function packedSrs(srs: Srs): PackedG1 {
  let p = packedCache.get(srs);
  if (!p) {
    p = packG1(srs.g1);
    packedCache.set(srs, p);
  }
  return p;
}

// ---- Lagrange basis: L_i(τ)·G1 for the domain of size 2^k (ω = rootOfUnity(k)), then τ·G1 -------------------
// A column given by its values v_i on the domain commits as Σ v_i·L_i(τ)·G1, with no interpolation, and
// columns of selectors, small constants or sparse differences make cheap MSMs (zero digits cost nothing).

/** Where a `.ptau` file keeps its phase-2 Lagrange section (12: τ-powers in G1, levels 0, 1, 2, … back to back). */
const ptauLagrange = new WeakMap<Srs, { path: string; pos: number; size: number }>();
const lagrangeCache = new WeakMap<Srs, Map<number, PackedG1 | null>>();

/** L_i(τ) = (τ^n − 1)/n · ω^i/(τ − ω^i) for i < n = 2^k; undefined when τ lies in the domain. */
function lagrangeScalars(tau: bigint, k: number): bigint[] | undefined {
  const n = 1 << k;
  const omega = rootOfUnity(k);
  const w: bigint[] = new Array(n);
  const d: bigint[] = new Array(n);
  for (let i = 0, wi = 1n; i < n; i++, wi = mul(wi, omega)) {
    w[i] = wi;
    d[i] = sub(tau, wi);
    if (d[i] === 0n) return undefined;
  }
  const c = mul(sub(pow(tau, BigInt(n)), 1n), BN254_FR.inv(BigInt(n)));
  const di = BN254_FR.batchInverse(d);
  return w.map((wi, i) => mul(mul(c, wi), di[i]));
}

/** Level k of a ptau file's section 12, checked against the monomial SRS; undefined when absent or wrong. */
async function ptauLagrangeLevel(srs: Srs, k: number): Promise<PackedG1 | undefined> {
  const at = ptauLagrange.get(srs);
  const n = 1 << k;
  if (!at || (2 * n - 1) * 64 > at.size || srs.g1.length < n) return undefined;
  const fd = openSync(at.path, "r");
  const b = Buffer.alloc(n * 64);
  try {
    if (readSync(fd, b, 0, b.length, at.pos + (n - 1) * 64) !== b.length) return undefined;
  } finally {
    closeSync(fd);
  }
  const rInv = modInvP((1n << 256n) % FQ);
  const pts: G1[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = (leToBig(b.subarray(i * 64, i * 64 + 32)) * rInv) % FQ;
    const y = (leToBig(b.subarray(i * 64 + 32, i * 64 + 64)) * rInv) % FQ;
    const p: G1 = x === 0n && y === 0n ? G1Ops.infinityAffine : { x, y, infinity: false };
    if (!G1Ops.isOnCurve(p)) return undefined;
    pts[i] = p;
  }
  const packed = packG1(pts);
  // The file's ω must be ours and every point right: a random combination in both bases must agree
  // (a wrong point or order survives with probability 1/r).
  const rho = Array.from({ length: n }, () => BN254_FR.random());
  const viaLagrange = await msmG1(packed, rho);
  const viaMonomial = await commit(srs, ntt(rho, { inverse: true }) as bigint[]);
  return G1Ops.eqAffine(viaLagrange, viaMonomial) ? packed : undefined;
}

/**
 * The Lagrange basis of the 2^k domain followed by τ·G1 (n + 1 points, packed), or undefined when this SRS
 * has none: an insecure SRS computes it from its τ; a ptau SRS reads its file's phase-2 section (snarkjs
 * `preparephase2`, and the project's development files, write it). Cached per SRS and k.
 */
export async function lagrangeBasis(srs: Srs, k: number): Promise<PackedG1 | undefined> {
  let byK = lagrangeCache.get(srs);
  if (!byK) lagrangeCache.set(srs, (byK = new Map()));
  const hit = byK.get(k);
  if (hit !== undefined) return hit ?? undefined;
  const n = 1 << k;
  let basis: PackedG1 | undefined;
  if (srs.g1.length >= Math.max(2, n)) {
    let lag: PackedG1 | undefined;
    if (isInsecure(srs)) {
      const sc = lagrangeScalars(srs.tau, k);
      lag = sc ? fixedBaseMul(G1Ops.generator, sc) : undefined;
    } else lag = await ptauLagrangeLevel(srs, k);
    if (lag) {
      const data = new Uint32Array(new SharedArrayBuffer((n + 1) * 64));
      data.set(lag.data);
      data.set(packedSrs(srs).data.subarray(16, 32), n * 16);
      basis = { n: n + 1, data };
    }
  }
  byK.set(k, basis ?? null);
  return basis;
}

/**
 * Commitments to polynomials given by their values on the 2^k domain (BigInt arrays or packed FieldVecs of
 * length ≤ 2^k, missing rows zero), through the Lagrange basis, the MSMs running side by side on the
 * worker pool. An entry may add `x`·τ·G1 (the commitment of x·X), e.g. the identity part of a permutation
 * column. Undefined when the SRS has no Lagrange basis for k (the caller commits coefficients instead).
 */
export async function commitLagrange(
  srs: Srs,
  k: number,
  columns: ReadonlyArray<{ values: readonly bigint[] | FieldVec; x?: bigint }>,
  opts: Pick<MsmOptions, "callerWorks"> & { device?: ProverDevice } = {},
): Promise<G1[] | undefined> {
  const basis = await lagrangeBasis(srs, k);
  if (!basis) return undefined;
  const n = 1 << k;
  return inFlight(columns, ({ values, x }) => {
      if (values.length > n) throw new RangeError(`KZG: ${values.length} values for a domain of ${n}`);
      const withX = x !== undefined && x !== 0n;
      const m = withX ? n + 1 : values.length;
      const pts: PackedG1 = { n: m, data: basis.data.subarray(0, m * 16) };
      const o = { callerWorks: opts.callerWorks };
      if (!withX) return deviceMsm(opts.device, pts, values instanceof FieldVec ? values : values.map((v) => v ?? 0n), o);
      const sc = FieldVec.zeros(BN254_FR, m);
      sc.data.set((values instanceof FieldVec ? values : FieldVec.fromBigints(BN254_FR, values.map((v) => v ?? 0n))).data);
      sc.set(n, x);
      return deviceMsm(opts.device, pts, sc, o);
  });
}

/** Coefficient-form commitments of several polynomials, side by side on the worker pool. */
export function commitMany(srs: Srs, polys: readonly Coeffs[], device?: ProverDevice): Promise<G1[]> {
  return inFlight(polys, (p) => (p instanceof FieldVec ? commitVec(srs, p, device) : commit(srs, p, device)));
}

/**
 * At most MSMS_IN_FLIGHT MSMs at once: each MSM already spreads over the pool's workers; a few at a time let one's packing
 * on this thread overlap the others' work, without holding every column's packed scalars at once.
 */
const MSMS_IN_FLIGHT = 4;
async function inFlight<T, R>(items: readonly T[], fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MSMS_IN_FLIGHT, items.length) }, lane));
  return out;
}

export function encodeG1(p: G1): Uint8Array {
  const out = new Uint8Array(64);
  if (p.infinity) return out;
  out.set(be32(p.x), 0);
  out.set(be32(p.y), 32);
  return out;
}

export function decodeG1(b: Uint8Array): G1 {
  if (b.length !== 64) throw new Error("G1 encoding must be 64 bytes");
  const x = beToBig(b.subarray(0, 32));
  const y = beToBig(b.subarray(32, 64));
  if (x === 0n && y === 0n) return G1Ops.infinityAffine;
  const p: G1 = { x, y, infinity: false };
  if (x >= FQ || y >= FQ || !G1Ops.isOnCurve(p)) throw new Error("G1 point is not on the curve");
  return p;
}

function be32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

function beToBig(b: Uint8Array): bigint {
  let x = 0n;
  for (const v of b) x = (x << 8n) | BigInt(v);
  return x;
}

/** A polynomial in coefficient form: BigInt coefficients, or packed (FieldVec over BN254 Fr, Montgomery). */
export type Coeffs = readonly bigint[] | FieldVec;

/** One polynomial opened at one point: the prover side carries coefficients. */
export interface ProverQuery {
  point: bigint;
  poly: Coeffs;
  commitment: G1;
  eval: bigint;
}

export interface VerifierQuery {
  point: bigint;
  commitment: G1;
  eval: bigint;
}

/** Distinct points in first-appearance order, with the queries at each. */
function groupByPoint<Q extends { point: bigint }>(qs: readonly Q[]): Array<{ point: bigint; qs: Q[] }> {
  const groups: Array<{ point: bigint; qs: Q[] }> = [];
  for (const q of qs) {
    let g = groups.find((x) => x.point === q.point);
    if (!g) groups.push((g = { point: q.point, qs: [] }));
    g.qs.push(q);
  }
  return groups;
}

// The opening's field arithmetic runs on one WASM instance of BN254 Fr's kernels (Montgomery limbs, 8 words
// per element): evaluations are inner products with the powers of the point, the batched polynomial is a
// chain of scale-and-add passes, so no BigInt is allocated per coefficient.
const L = 8;
const S = 32;
let wasm: WasmInstance | undefined;
function instance(): WasmInstance {
  wasm ??= fieldInstance(BN254_FR);
  wasm.reset();
  return wasm;
}
const toMontWord = (x: bigint) => (mod(x) * montParams(BN254_FR).r) % R;
const fromMontWord = (x: bigint) => (x * montParams(BN254_FR).rInv) % R;

/** Packs BigInt coefficients (a FieldVec is returned as is). */
export function packCoeffs(p: Coeffs): FieldVec {
  return p instanceof FieldVec ? p : FieldVec.fromBigints(BN254_FR, p);
}

/** p(point) for every polynomial (Σ c_i·point^i as WASM inner products against one table of powers). */
export function evaluateAt(polys: readonly Coeffs[], point: bigint): bigint[] {
  if (polys.length === 0) return [];
  const packed = polys.map(packCoeffs);
  const len = Math.max(...packed.map((p) => p.length));
  const w = instance();
  const f = w.exports;
  const pt = w.alloc(S);
  const powers = w.alloc(Math.max(1, len) * S);
  const buf = w.alloc(Math.max(1, len) * S);
  const out = w.alloc(S);
  writeLimbs(w.u32(pt, L), 0, L, toMontWord(point));
  f.f_vpowers(powers, pt, len);
  return packed.map((p) => {
    if (p.length === 0) return 0n;
    w.u32(buf, p.length * L).set(p.data);
    f.f_vinner(out, buf, powers, p.length);
    return fromMontWord(readLimbs(w.u32(out, L), 0, L));
  });
}

/** Σ scalars[j]·polys[j], packed (length: the longest polynomial). */
export function linearCombination(polys: readonly Coeffs[], scalars: readonly bigint[]): FieldVec {
  if (polys.length !== scalars.length) throw new RangeError(`linearCombination: ${polys.length} polynomials, ${scalars.length} scalars`);
  const packed = polys.map(packCoeffs);
  const len = packed.reduce((m, p) => Math.max(m, p.length), 0);
  const w = instance();
  const f = w.exports;
  const acc = w.alloc(Math.max(1, len) * S);
  const tmp = w.alloc(Math.max(1, len) * S);
  const c = w.alloc(S);
  const mem = w.u32(acc, len * L);
  mem.fill(0);
  packed.forEach((p, j) => {
    w.u32(tmp, p.length * L).set(p.data);
    writeLimbs(w.u32(c, L), 0, L, toMontWord(scalars[j]));
    f.f_vscale(tmp, tmp, c, p.length);
    f.f_vadd(acc, acc, tmp, p.length);
  });
  return new FieldVec(BN254_FR, len, w.u32(acc, len * L).slice());
}

/** (p(X) − p(z)) / (X − z) by synthetic division on packed coefficients; the remainder p(z) is dropped. */
export function divideByLinearVec(p: FieldVec, z: bigint): FieldVec {
  const n = p.length;
  if (n === 0) return new FieldVec(BN254_FR, 0);
  const w = instance();
  const f = w.exports;
  const c = w.put(p.data);
  const q = w.alloc(Math.max(1, n - 1) * S);
  const zp = w.alloc(S);
  writeLimbs(w.u32(zp, L), 0, L, toMontWord(z));
  // q_{n−2} = c_{n−1}; q_{i−1} = c_i + z·q_i.
  if (n > 1) f.f_copy(q + (n - 2) * S, c + (n - 1) * S);
  for (let i = n - 2; i >= 1; i--) {
    const qi = q + i * S;
    const dst = q + (i - 1) * S;
    f.f_mul(dst, qi, zp);
    f.f_add(dst, dst, c + i * S);
  }
  return new FieldVec(BN254_FR, n - 1, w.u32(q, (n - 1) * L).slice());
}

/** One witness commitment per distinct point for Σ v^i·f_i opened there. */
export async function openBatch(srs: Srs, queries: readonly ProverQuery[], v: bigint, device?: ProverDevice): Promise<G1[]> {
  const witnesses = groupByPoint(queries).map((g) => {
    const scalars: bigint[] = [];
    let vi = 1n;
    for (let i = 0; i < g.qs.length; i++) {
      scalars.push(vi);
      vi = mul(vi, v);
    }
    return divideByLinearVec(linearCombination(g.qs.map((q) => q.poly), scalars), g.point);
  });
  return commitMany(srs, witnesses, device);
}

/** openBatch on BigInt arithmetic: the reference the packed path is tested against. */
export async function openBatchReference(srs: Srs, queries: readonly ProverQuery[], v: bigint): Promise<G1[]> {
  const out: G1[] = [];
  for (const g of groupByPoint(queries)) {
    const polys = g.qs.map((q) => (q.poly instanceof FieldVec ? q.poly.toBigints() : q.poly));
    const len = Math.max(...polys.map((p) => p.length));
    const acc = new Array<bigint>(len).fill(0n);
    let vi = 1n;
    for (const p of polys) {
      for (let i = 0; i < p.length; i++) acc[i] = (acc[i] + vi * p[i]) % R;
      vi = mul(vi, v);
    }
    out.push(await commit(srs, divideByLinear(acc, g.point)));
  }
  return out;
}

export function numOpeningPoints(queries: readonly { point: bigint }[]): number {
  return groupByPoint(queries).length;
}

/**
 * Checks e(Σ u^j·(F_j − E_j·G + z_j·W_j), G2) = e(Σ u^j·W_j, τ·G2), where F_j = Σ v^i·C_i and
 * E_j = Σ v^i·e_i over the queries at point z_j.
 */
export function verifyBatch(
  vk: { g2: G2Point; tauG2: G2Point },
  queries: readonly VerifierQuery[],
  witnesses: readonly G1[],
  v: bigint,
  u: bigint,
): boolean {
  const groups = groupByPoint(queries);
  if (groups.length !== witnesses.length) return false;
  const lhsPts: G1[] = [];
  const lhsSc: bigint[] = [];
  let eSum = 0n;
  let uj = 1n;
  for (const [j, g] of groups.entries()) {
    let vi = 1n;
    for (const q of g.qs) {
      lhsPts.push(q.commitment);
      lhsSc.push(mul(uj, vi));
      eSum = add(eSum, mul(mul(uj, vi), q.eval));
      vi = mul(vi, v);
    }
    lhsPts.push(witnesses[j]);
    lhsSc.push(mul(uj, g.point));
    uj = mul(uj, u);
  }
  lhsPts.push(G1Ops.generator);
  lhsSc.push(sub(0n, eSum));
  // A few dozen points: the synchronous BigInt MSM keeps the verifier a plain function.
  const left = G1Ops.toAffine(msmG1Reference(lhsPts, lhsSc));
  const powers = groups.map((_, j) => pow(u, BigInt(j)));
  const right = G1Ops.toAffine(msmG1Reference(witnesses, powers));
  return pairingCheck(left, right, vk.g2, vk.tauG2);
}

/** e(a, g2) == e(b, tauG2), tolerating identity inputs (noble's pairing rejects them). */
function pairingCheck(a: G1, b: G1, g2: G2Point, tauG2: G2Point): boolean {
  if (a.infinity || b.infinity) return a.infinity && b.infinity;
  const pa = G1Ops.toNoble(a);
  const nb = G1Ops.toNoble(G1Ops.negAffine(b));
  const gt = bn254.pairingBatch([
    { g1: pa, g2 },
    { g1: nb, g2: tauG2 },
  ]);
  return bn254.fields.Fp12.eql(gt, bn254.fields.Fp12.ONE);
}

export function encodeG2(p: G2Point): bigint[] {
  const a = p.toAffine();
  return [a.x.c0, a.x.c1, a.y.c0, a.y.c1];
}

export function decodeG2(v: readonly bigint[]): G2Point {
  const Fp2 = bn254.fields.Fp2;
  const p = bn254.G2.Point.fromAffine({ x: Fp2.create({ c0: v[0], c1: v[1] }), y: Fp2.create({ c0: v[2], c1: v[3] }) });
  p.assertValidity();
  return p;
}


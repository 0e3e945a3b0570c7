// Vertical federated softmax (multi-class logistic) regression. Party 0 is the active party: it holds
// the labels and some feature columns; parties 1.. are passive and hold the other columns of the same
// samples (rows aligned by sample id beforehand); a dealer (the last party of the network) only hands
// out correlated randomness. Each mini-batch step:
//   1. every passive party p computes its partial logits z_p = X_p·W_p and sends them to party 0
//      with pairwise masks laid over them (p adds, q subtracts the stream seeded for the pair p < q),
//      so party 0 can only recover their sum Σ_p z_p;
//   2. party 0 adds its own logits X_0·W_0 + b, takes the softmax and the residuals r = softmax − y
//      and updates W_0 and b;
//   3. the passive gradient X_pᵀ·r is computed as a two-party product (runtime/fl/cross: p sent its
//      columns masked once, E = X_p − A; party 0 sends F = r − b, uniform to p) whose result is
//      additively shared; party 0 sends its share (after `localSteps` steps, summed) and p, adding
//      its own, learns the gradient of the block and updates W_p. The residuals never leave party 0.
// Baseline messages are 64-bit fixed point (FATE-like); the improved protocol sends few-bit values:
// 6-bit partial logits with stochastic rounding, residual shares in an 11-bit ring (the residuals
// themselves rounded to 4 bits, the features to integers), gradients summed over 4 steps and opened
// as their top 7 bits. Inference: each passive party sends its masked partial logits of the test rows
// once; party 0 takes the arg max of the total. What each party learns is written down in spec/fl.md.
import { randomBytes } from "node:crypto";
import type { PartyColumns } from "../data/index.ts";
import { PartyNet, type LinkSpec, type NetStats } from "../../mpc/net/index.ts";
import { Prg, toFixed, fromFixed, maskFixed, addFixed, fixedBytes, fixedFrom, quantise, dequantise, maskRing, addRing, packBits, unpackBits, pairMask, FIXED_FRAC } from "../codec.ts";
import * as ring from "../ring.ts";
import { CrossActive, CrossPassive, CrossDealer, dealSeeds, type ProductShape } from "../cross.ts";

export type LrProtocol = "baseline" | "improved";

export interface LrOptions {
  protocol: LrProtocol;
  classes: number;
  epochs: number;
  batch: number;
  learningRate: number;
  /** Shared by all parties: the batch order (public). */
  seed: Uint8Array;
  /** Improved protocol: bits per partial logit, bits per residual, and the partial logits' clip range. */
  bits?: number;
  residualBits?: number;
  /**
   * Seed of the stochastic-rounding coins (each party's own) and of the dealer's seeds: reproducible
   * runs in tests (the shares, hence the truncations' carries, depend on the dealer's randomness).
   * Default: fresh random.
   */
  coins?: Uint8Array;
  logitRange?: number;
  /** Improved protocol: the gradient ring's width, the opened gradient's bits, steps summed before an opening, the feature clip and levels. */
  ringBits?: number;
  gradBits?: number;
  localSteps?: number;
  featureRange?: number;
  featureLevels?: number;
  /**
   * Improved protocol: keep each passive party's weights secret-shared with party 0 (default true),
   * so that the passive party never learns its gradient; `sharedLogitRange` bounds |X_p·W_p|.
   */
  sharedWeights?: boolean;
  sharedLogitRange?: number;
}

/** One party's share of the rows: `d` feature columns of n training and m test rows; labels on party 0 only. */
export type LrPartyData = PartyColumns;

/** Hooks for tests and progress: what a party computed and what it received, per message. */
export interface LrHooks {
  /** Passive party: its plaintext partial logits before encoding. */
  partial?: (party: number, phase: string, step: number, z: Float64Array) => void;
  /** Passive party: the raw bytes received from party 0 (phase "train": F = r − b; "gradient": the opening). */
  passiveReceived?: (party: number, phase: string, step: number, bytes: Buffer) => void;
  /** Passive party: the gradient of a block it opened (d × classes, summed over the block's rows). */
  gradient?: (party: number, step: number, g: Float64Array) => void;
  /** Active party: the raw bytes received from a passive party. */
  received?: (from: number, phase: string, step: number, bytes: Buffer) => void;
  epoch?: (epoch: number, loss: number) => void;
  /** Active party: the opened sum of the passive parties' partial logits of a step (rows × classes). */
  opened?: (step: number, z: Float64Array) => void;
  /** Active party: a step's residuals as encoded for the gradient product, in real units. */
  residuals?: (step: number, r: Float64Array) => void;
}

export interface LrPartyResult {
  party: number;
  /** This party's part of the trained model. */
  model?: LrModelPart;
  /** Active party only: test accuracy and the last epoch's mean training loss. */
  accuracy?: number;
  loss?: number;
  stats: NetStats;
}

export const DEFAULT_BITS = 6;
export const DEFAULT_RESIDUAL_BITS = 4;
export const DEFAULT_LOGIT_RANGE = 8;

/** Logits of `rows` (n_rows × classes), W laid out d × classes. */
export function logits(x: Float64Array, d: number, w: Float64Array, classes: number, rows: ArrayLike<number>, out: Float64Array = new Float64Array(rows.length * classes)): Float64Array {
  for (let i = 0; i < rows.length; i++) {
    const xo = rows[i] * d;
    const oo = i * classes;
    for (let j = 0; j < d; j++) {
      const v = x[xo + j];
      if (v === 0) continue;
      const wo = j * classes;
      for (let k = 0; k < classes; k++) out[oo + k] += v * w[wo + k];
    }
  }
  return out;
}

/** W −= step · X_rowsᵀ·r (r: n_rows × classes). */
export function descend(x: Float64Array, d: number, w: Float64Array, classes: number, rows: ArrayLike<number>, r: Float64Array, step: number): void {
  for (let i = 0; i < rows.length; i++) {
    const xo = rows[i] * d;
    const ro = i * classes;
    for (let j = 0; j < d; j++) {
      const v = x[xo + j];
      if (v === 0) continue;
      const wo = j * classes;
      for (let k = 0; k < classes; k++) w[wo + k] -= step * v * r[ro + k];
    }
  }
}

/** In place: logits → softmax − onehot(labels); returns the summed cross-entropy loss. */
export function residuals(z: Float64Array, classes: number, labels: Uint8Array, rows: ArrayLike<number>): number {
  let loss = 0;
  for (let i = 0; i < rows.length; i++) {
    const o = i * classes;
    let m = -Infinity;
    for (let k = 0; k < classes; k++) m = Math.max(m, z[o + k]);
    let s = 0;
    for (let k = 0; k < classes; k++) s += Math.exp(z[o + k] - m);
    const y = labels[rows[i]];
    loss += m + Math.log(s) - z[o + y];
    for (let k = 0; k < classes; k++) z[o + k] = Math.exp(z[o + k] - m) / s - (k === y ? 1 : 0);
  }
  return loss;
}

export function argmaxAccuracy(z: Float64Array, classes: number, labels: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (z[i * classes + k] > z[i * classes + best]) best = k;
    right += Number(best === labels[i]);
  }
  return labels.length ? right / labels.length : 0;
}

/** The batches of one epoch: a permutation of 0..n−1 drawn from the shared seed, cut into runs of `batch`. */
export function batches(n: number, batch: number, seed: Uint8Array, epoch: number): Uint32Array[] {
  const prg = new Prg(Buffer.concat([Buffer.from(seed), Buffer.from(`order/${epoch}`)]));
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const r = prg.bytes(4 * n);
  for (let i = n - 1; i > 0; i--) {
    const j = r.readUInt32LE(4 * i) % (i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const out: Uint32Array[] = [];
  for (let s = 0; s < n; s += batch) out.push(perm.subarray(s, Math.min(n, s + batch)));
  return out;
}

/** The same model trained in the clear on all columns: the centralised reference. Returns test accuracy. */
export function trainCentral(all: LrPartyData, opts: LrOptions): { accuracy: number; loss: number; w: Float64Array; b: Float64Array } {
  const K = opts.classes;
  const d = all.d;
  const n = all.train.length / d;
  const w = new Float64Array(d * K);
  const bias = new Float64Array(K);
  let loss = 0;
  for (let e = 0; e < opts.epochs; e++) {
    loss = 0;
    for (const rows of batches(n, opts.batch, opts.seed, e)) {
      const z = logits(all.train, d, w, K, rows);
      for (let i = 0; i < rows.length; i++) for (let k = 0; k < K; k++) z[i * K + k] += bias[k];
      loss += residuals(z, K, all.trainLabels!, rows);
      const step = opts.learningRate / rows.length;
      descend(all.train, d, w, K, rows, z, step);
      for (let i = 0; i < rows.length; i++) for (let k = 0; k < K; k++) bias[k] -= step * z[i * K + k];
    }
    loss /= n;
  }
  const m = all.test.length / d;
  const z = logits(
    all.test,
    d,
    w,
    K,
    Array.from({ length: m }, (_, i) => i),
  );
  for (let i = 0; i < m; i++) for (let k = 0; k < K; k++) z[i * K + k] += bias[k];
  return { accuracy: argmaxAccuracy(z, K, all.testLabels!), loss, w, b: bias };
}

/**
 * Pairwise mask seeds of a passive party: one per other passive party, known to that pair only
 * (in a deployment from a key agreement between the two; party 0 never holds them).
 */
export type PairSeeds = ReadonlyMap<number, Uint8Array>;

/** Fresh random pairwise seeds for parties 1..parties−1, each map holding only its own pairs. */
export function dealPairSeeds(parties: number): PairSeeds[] {
  const out = Array.from({ length: parties }, () => new Map<number, Uint8Array>());
  for (let p = 1; p < parties; p++)
    for (let q = p + 1; q < parties; q++) {
      const s = randomBytes(16);
      out[p].set(q, s);
      out[q].set(p, s);
    }
  return out;
}

function seedOf(seeds: PairSeeds, q: number): Uint8Array {
  const s = seeds.get(q);
  if (!s) throw new Error(`no mask seed shared with party ${q}`);
  return s;
}

/** Encodes and masks passive party `me`'s partial logits for one message. */
function encodePartial(z: Float64Array, me: number, parties: number, opts: LrOptions, seeds: PairSeeds, tag: string, step: number, rnd: Prg): Buffer {
  const passives = parties - 1;
  if (opts.protocol === "baseline") {
    const v = toFixed(z);
    for (let q = 1; q < parties; q++) if (q !== me) maskFixed(v, pairMask(seedOf(seeds, q), me, q, tag, step), me < q ? 1 : -1);
    return fixedBytes(v);
  }
  const f = partialFormat(opts, passives, tag);
  const ring = f.ring;
  const v = quantise(z, opts.logitRange ?? DEFAULT_LOGIT_RANGE, f.levels, ring, rnd);
  for (let q = 1; q < parties; q++) if (q !== me) maskRing(v, ring, pairMask(seedOf(seeds, q), me, q, tag, step), me < q ? 1 : -1);
  return packBits(v, ring);
}

/** Party 0: the sum of the passive parties' partial logits (the masks cancel). */
function decodePartials(msgs: Buffer[], n: number, opts: LrOptions, parties: number, tag: string): Float64Array {
  if (opts.protocol === "baseline") {
    const acc = new BigUint64Array(n);
    for (let p = 1; p < parties; p++) addFixed(acc, fixedFrom(msgs[p], n));
    return fromFixed(acc);
  }
  const { ring, levels } = partialFormat(opts, parties - 1, tag);
  const acc = new Uint32Array(n);
  for (let p = 1; p < parties; p++) addRing(acc, unpackBits(msgs[p], n, ring), ring);
  return dequantise(acc, opts.logitRange ?? DEFAULT_LOGIT_RANGE, levels, ring);
}

/**
 * Improved protocol: the ring of the masked partial logits and each party's quantisation levels. In
 * training every party keeps the full `bits` levels and the ring widens so that the sum of
 * `passives` values cannot wrap; at inference (one message of every test row, where the arg max is
 * all that counts) the ring stays `bits` wide and the parties split its levels instead.
 */
export function partialFormat(opts: LrOptions, passives: number, tag: string): { ring: number; levels: number } {
  const bits = opts.bits ?? DEFAULT_BITS;
  if (tag === "predict") return { ring: bits, levels: Math.max(1, Math.floor(levels(bits) / Math.max(1, passives))) };
  return { ring: sumBits(bits, passives), levels: levels(bits) };
}

function levels(bits: number): number {
  return 2 ** (bits - 1) - 1;
}

/** Ring width that holds the sum of `passives` values of `bits` bits each without wrapping. */
function sumBits(bits: number, passives: number): number {
  return bits + Math.ceil(Math.log2(Math.max(1, passives)));
}

/** Ring arithmetic of the passive gradients X_pᵀ·r of one protocol (see `gradientFormat`). */
export interface GradientFormat {
  /** Ring width of E, F and the shares. */
  k: number;
  /** Baseline: fixed-point fractional bits of features and residuals. */
  frac?: number;
  /** Improved: features clipped to ±featureRange, quantised to ±featureLevels; residuals to ±residual levels. */
  featureRange?: number;
  featureLevels?: number;
  residualLevels?: number;
  /** Improved: bits of the opened gradient and the low bits dropped from each share before opening. */
  m?: number;
  f?: number;
  /** Steps whose gradients are summed before they are opened to the passive party (shared: before the weights' shares change). */
  localSteps: number;
  /** Shared weights: see `sharedFormat`. */
  shared?: SharedFormat;
}

/**
 * Fixed point of shared passive weights. The weights are integers W_int in Z_{2^k}, W_real =
 * wUnit·W_int, and every update subtracts the block's gradient X_intᵀ·r_int exactly (no truncation,
 * so no wrap can arise there); the partial logits X_int·W_int are shared in the same ring and their
 * real value is zUnit·(X_int·W_int). k is the least width that holds ±`sharedLogitRange` in units of
 * zUnit; the opening to party 0 keeps the top zBits of each share (`truncShare` drops zDrop).
 */
export interface SharedFormat {
  wUnit: number;
  zUnit: number;
  zBits: number;
  zDrop: number;
}

export const DEFAULT_SHARED_LOGIT_RANGE = 32;
export const DEFAULT_SHARED_FEATURE_LEVELS = 4;

export const DEFAULT_RING_BITS = 11;
export const DEFAULT_GRAD_BITS = 7;
export const DEFAULT_LOCAL_STEPS = 4;
export const DEFAULT_FEATURE_RANGE = 8;
export const DEFAULT_FEATURE_LEVELS = 8;

/**
 * Baseline: Z_{2^64}, features and residuals with 24 fractional bits (products 48), the whole share
 * opened every step. Improved: an 11-bit ring, features (standardised) stochastically rounded to
 * integers in ±8, residuals to 4 bits (±7 levels), gradients summed over 4 steps and opened as their
 * top 7 bits (the low 4 dropped: one unit is 16/7 ≈ 2.3 in the summed gradient, the range ±146; the
 * largest entry seen on MNIST and CIFAR-10 is about 40). An entry beyond the range would wrap.
 */
export function gradientFormat(opts: LrOptions): GradientFormat {
  if (opts.protocol === "baseline") return { k: 64, frac: FIXED_FRAC, localSteps: 1 };
  if (opts.sharedWeights !== false) {
    const featureRange = opts.featureRange ?? DEFAULT_FEATURE_RANGE;
    // Coarser features than the opened protocol's: each halving of their levels takes a bit off k.
    const featureLevels = opts.featureLevels ?? DEFAULT_SHARED_FEATURE_LEVELS;
    const residualLevels = levels(opts.residualBits ?? DEFAULT_RESIDUAL_BITS);
    const ux = featureRange / featureLevels;
    // Updates are scaled by the nominal batch size (a short last batch steps a little less far).
    const wUnit = (opts.learningRate / opts.batch) * (ux / residualLevels);
    const zUnit = ux * wUnit;
    const range = opts.sharedLogitRange ?? DEFAULT_SHARED_LOGIT_RANGE;
    const zBits = (opts.bits ?? DEFAULT_BITS) + 2;
    const k = Math.max(zBits, Math.ceil(Math.log2(range / zUnit)) + 1);
    if (k > 32) throw new Error(`shared weights need a ${k}-bit ring (learning rate ${opts.learningRate} too small for the logit range ${range}); at most 32`);
    return { k, featureRange, featureLevels, residualLevels, localSteps: opts.localSteps ?? DEFAULT_LOCAL_STEPS, shared: { wUnit, zUnit, zBits, zDrop: k - zBits } };
  }
  const k = opts.ringBits ?? DEFAULT_RING_BITS;
  const m = opts.gradBits ?? DEFAULT_GRAD_BITS;
  if (m > k) throw new Error(`gradient bits ${m} exceed the ring's ${k}`);
  return {
    k,
    m,
    f: k - m,
    featureRange: opts.featureRange ?? DEFAULT_FEATURE_RANGE,
    featureLevels: opts.featureLevels ?? DEFAULT_FEATURE_LEVELS,
    residualLevels: levels(opts.residualBits ?? DEFAULT_RESIDUAL_BITS),
    localSteps: opts.localSteps ?? DEFAULT_LOCAL_STEPS,
  };
}

/** A passive party's columns as ring elements (the X of its products). */
function encodeFeatures(x: Float64Array, g: GradientFormat, rnd: Prg): Uint32Array {
  if (g.frac !== undefined)
    return ring.fromInts(
      g.k,
      Array.from(x, (v) => Math.round(v * 2 ** g.frac!)),
    );
  return quantise(x, g.featureRange!, g.featureLevels!, g.k, rnd);
}

/** The active party's residuals as ring elements (the Y of the products). */
function encodeResidualsRing(r: Float64Array, g: GradientFormat, rnd: Prg): Uint32Array {
  if (g.frac !== undefined)
    return ring.fromInts(
      g.k,
      Array.from(r, (v) => Math.round(v * 2 ** g.frac!)),
    );
  return quantise(r, 1, g.residualLevels!, g.k, rnd);
}

/** What the active party sends to open a block's gradient: its whole share, or its truncated top bits. */
function openingOf(share: Uint32Array, g: GradientFormat, addOne: boolean): { bits: number; v: Uint32Array } {
  if (g.m === undefined) return { bits: g.k, v: share };
  return { bits: g.m, v: ring.truncShare(g.k, share, g.f!, g.m, addOne) };
}

/** Passive party: the block's gradient Σ X_Rᵀ·r (real units) from the active party's opening and its own share. */
function decodeGradient(opening: Uint32Array, mine: Uint32Array, g: GradientFormat): Float64Array {
  const own = openingOf(mine, g, true);
  const sum = ring.toInts(own.bits, ring.addSub(own.bits, opening, own.v, 1));
  const unit = g.m === undefined ? 2 ** (-2 * g.frac!) : 2 ** g.f! / ((g.featureLevels! / g.featureRange!) * g.residualLevels!);
  for (let i = 0; i < sum.length; i++) sum[i] *= unit;
  return sum;
}

/** Passive party, shared weights: the top bits of its share of X_p·W_p, with the pairwise masks, bit-packed. */
function sharePartial(s1: Uint32Array, me: number, parties: number, sh: SharedFormat, seeds: PairSeeds, step: number): Buffer {
  const t = ring.truncShare(sh.zBits + sh.zDrop, s1, sh.zDrop, sh.zBits, true);
  for (let q = 1; q < parties; q++) if (q !== me) maskRing(t, sh.zBits, pairMask(seedOf(seeds, q), me, q, "train", step), me < q ? 1 : -1);
  return packBits(t, sh.zBits);
}

/** Party 0, shared weights: Σ_p X_p·W_p in real units from its own shares and the passive parties' masked tops. */
function openShared(own: Uint32Array[], msgs: Buffer[], n: number, sh: SharedFormat, parties: number): Float64Array {
  const acc = new Uint32Array(n);
  for (const s0 of own) addRing(acc, ring.truncShare(sh.zBits + sh.zDrop, s0, sh.zDrop, sh.zBits, false), sh.zBits);
  for (let p = 1; p < parties; p++) addRing(acc, unpackBits(msgs[p], n, sh.zBits), sh.zBits);
  const z = ring.toInts(sh.zBits, acc);
  const unit = 2 ** sh.zDrop * sh.zUnit;
  for (let i = 0; i < n; i++) z[i] *= unit;
  return z;
}

/** The steps of training, each with its rows, and whether a gradient block closes after it. */
export function schedule(n: number, opts: LrOptions): { rows: Uint32Array; epoch: number; closes: boolean }[] {
  const T = gradientFormat(opts).localSteps;
  const out: { rows: Uint32Array; epoch: number; closes: boolean }[] = [];
  for (let e = 0; e < opts.epochs; e++) for (const rows of batches(n, opts.batch, opts.seed, e)) out.push({ rows, epoch: e, closes: false });
  out.forEach((s, i) => (s.closes = (i + 1) % T === 0 || i === out.length - 1));
  return out;
}

/** Runs one party's side of training and inference over `net` (already connected; the dealer is the last party). */
export async function runLrParty(net: PartyNet, data: LrPartyData, opts: LrOptions, seeds: PairSeeds, hooks: LrHooks = {}): Promise<Omit<LrPartyResult, "stats">> {
  const me = net.party;
  const P = net.parties - 1;
  const dealer = P;
  const K = opts.classes;
  const d = data.d;
  const n = data.train.length / d;
  const m = data.test.length / d;
  const w = new Float64Array(d * K);
  const bias = new Float64Array(K);
  // Stochastic rounding's coins are private to each party.
  const rnd = new Prg(opts.coins ? Buffer.concat([Buffer.from(opts.coins), Buffer.from(`/${me}`)]) : randomBytes(16));
  const active = me === 0;
  if (active && !data.trainLabels) throw new Error("the active party (0) needs the labels");
  const g = gradientFormat(opts);
  const passives = Array.from({ length: P - 1 }, (_, i) => i + 1);
  const steps = schedule(n, opts);
  // The dealer's seeds arrive in the phase the network is in (its setup), then training starts:
  // each passive party sends its masked columns E = X − A once.
  const cross: CrossActive[] = [];
  let mine: CrossPassive | undefined;
  // Shared weights (g.shared): party 0's shares W⁰_p with the streams β_p of their masks; the passive
  // party's share W¹, its columns X_int, V = W⁰ − Σβ (the masked updates received) and its stream γ.
  const sh = g.shared;
  const w0: Uint32Array[] = [];
  const beta: Prg[] = [];
  let w1: Uint32Array | undefined;
  let xInt: Uint32Array | undefined;
  let v: Uint32Array | undefined;
  let gamma: Prg | undefined;
  if (active) {
    const seedMsg = await net.recv(dealer);
    net.phase = "train";
    const es = await Promise.all(passives.map((p) => net.recv(p)));
    const stride = sh ? 32 : 16;
    passives.forEach((p, i) => {
      // The passive party's column count (public), then E.
      const D = es[i].readUInt32LE(0);
      hooks.received?.(p, "setup", 0, es[i].subarray(4));
      const E = ring.fromBytes(g.k, es[i].subarray(4), n * D);
      cross[p] = new CrossActive(g.k, D, E, { b: seedMsg.subarray(stride * i, stride * i + 16) });
      if (sh) {
        w0[p] = ring.zeros(g.k, D * K);
        beta[p] = new Prg(seedMsg.subarray(stride * i + 16, stride * i + 32));
      }
    });
  } else {
    const s = await net.recv(dealer);
    net.phase = "train";
    mine = new CrossPassive(g.k, n, d, { a: s.subarray(0, 16), c: s.subarray(16, 32) });
    const head = Buffer.alloc(4);
    head.writeUInt32LE(d);
    xInt = encodeFeatures(data.train, g, rnd);
    if (sh) {
      w1 = ring.zeros(g.k, d * K);
      v = ring.zeros(g.k, d * K);
      gamma = new Prg(s.subarray(32, 48));
    }
    net.send(0, Buffer.concat([head, ring.toBytes(g.k, mine.masked(xInt))]));
  }
  let loss = 0;
  let blockRows = 0;
  let blockSteps = 0;
  for (let step = 0; step < steps.length; step++) {
    const { rows, epoch, closes } = steps[step];
    if (step === 0 || steps[step - 1].epoch !== epoch) loss = 0;
    const B = rows.length;
    blockRows += B;
    blockSteps++;
    const lr = opts.learningRate / B;
    if (active) {
      // Shared weights: party 0's share of each X_p·W_p is E_p·W⁰_p plus the dealer's A_p·Σβ − γ.
      const own = sh ? await Promise.all(passives.map(async (p) => ring.addSub(g.k, ring.matMul(g.k, cross[p].E, cross[p].D, rows, w0[p], K), ring.fromBytes(g.k, await net.recv(dealer), B * K), 1))) : [];
      const msgs: Buffer[] = [];
      await Promise.all(passives.map(async (p) => (msgs[p] = await net.recv(p))));
      if (hooks.received) for (const p of passives) hooks.received(p, "train", step, msgs[p]);
      const z = sh ? openShared(own, msgs, B * K, sh, P) : decodePartials(msgs, B * K, opts, P, "train");
      hooks.opened?.(step, z.slice());
      logits(data.train, d, w, K, rows, z);
      for (let i = 0; i < B; i++) for (let k = 0; k < K; k++) z[i * K + k] += bias[k];
      loss += residuals(z, K, data.trainLabels!, rows);
      const Y = encodeResidualsRing(z, g, rnd);
      if (hooks.residuals) hooks.residuals(step, ring.toInts(g.k, Y).map((v) => (g.frac !== undefined ? v * 2 ** -g.frac : v / g.residualLevels!)));
      for (const p of passives) net.send(p, ring.toBytes(g.k, cross[p].product({ rows, K }, Y)));
      descend(data.train, d, w, K, rows, z, lr);
      for (let i = 0; i < B; i++) for (let k = 0; k < K; k++) bias[k] -= lr * z[i * K + k];
      if (closes)
        for (const p of passives) {
          const c0 = ring.fromBytes(g.k, await net.recv(dealer), cross[p].D * K);
          if (sh) {
            // W⁰ −= its share of the block's gradient; the passive party gets that change under β.
            const dW = ring.addSub(g.k, ring.zeros(g.k, cross[p].D * K), cross[p].take(c0), -1);
            w0[p] = ring.addSub(g.k, w0[p], dW, 1);
            net.send(p, ring.toBytes(g.k, ring.addSub(g.k, dW, ring.random(g.k, cross[p].D * K, beta[p]), -1)));
            continue;
          }
          const o = openingOf(cross[p].take(c0), g, false);
          net.send(p, ring.toBytes(o.bits, o.v));
        }
    } else {
      if (sh) {
        // Its share of X_p·W_p: X_int·W¹ + A·V + γ (the dealer gave party 0 A·Σβ − γ).
        let s1 = ring.addSub(g.k, ring.matMul(g.k, xInt!, d, rows, w1!, K), ring.matMul(g.k, mine!.A, d, rows, v!, K), 1);
        s1 = ring.addSub(g.k, s1, ring.random(g.k, B * K, gamma!), 1);
        net.send(0, sharePartial(s1, me, P, sh, seeds, step));
      } else {
        const z = logits(data.train, d, w, K, rows);
        hooks.partial?.(me, "train", step, z);
        net.send(0, encodePartial(z, me, P, opts, seeds, "train", step, rnd));
      }
      const fMsg = await net.recv(0);
      hooks.passiveReceived?.(me, "train", step, fMsg);
      mine!.product({ rows, K }, ring.fromBytes(g.k, fMsg, B * K));
      if (closes && sh) {
        const wMsg = await net.recv(0);
        hooks.passiveReceived?.(me, "weights", step, wMsg);
        w1 = ring.addSub(g.k, w1!, mine!.take(), -1);
        v = ring.addSub(g.k, v!, ring.fromBytes(g.k, wMsg, d * K), 1);
      } else if (closes) {
        const oMsg = await net.recv(0);
        hooks.passiveReceived?.(me, "gradient", step, oMsg);
        const bits = g.m ?? g.k;
        const grad = decodeGradient(ring.fromBytes(bits, oMsg, d * K), mine!.take(), g);
        hooks.gradient?.(me, step, grad);
        // The block's gradient, at the mean batch size of its steps.
        const s = opts.learningRate / (blockRows / blockSteps);
        for (let i = 0; i < w.length; i++) w[i] -= s * grad[i];
      }
    }
    if (closes) {
      blockRows = 0;
      blockSteps = 0;
    }
    if (active && (step === steps.length - 1 || steps[step + 1].epoch !== epoch)) hooks.epoch?.(epoch, loss / n);
  }
  loss /= n;
  // Shared weights: the trained model is opened to its owner (party 0 sends W⁰_p once), for inference.
  if (sh && active) for (const p of passives) net.send(p, ring.toBytes(g.k, w0[p]));
  if (sh && !active) {
    const m0 = await net.recv(0);
    hooks.passiveReceived?.(me, "model", steps.length, m0);
    const wi = ring.toInts(g.k, ring.addSub(g.k, w1!, ring.fromBytes(g.k, m0, d * K), 1));
    for (let i = 0; i < w.length; i++) w[i] = wi[i] * sh.wUnit;
  }
  // The dealer closes its connections once training is over (so that its closing frames are not training traffic).
  if (active) net.send(dealer, Buffer.alloc(0));
  net.phase = "predict";
  if (!active) {
    await lrPredictPassive(net, data.test, w, opts, seeds, P, hooks);
    return { party: me, model: { w: Array.from(w) } };
  }
  const z = await lrPredictActive(net, data.test, w, bias, opts, P, hooks);
  return { party: me, accuracy: argmaxAccuracy(z, K, data.testLabels!), loss, model: { w: Array.from(w), b: Array.from(bias) } };
}

/** A party's part of a trained LR model: its weights (columns × classes), the bias at party 0. */
export interface LrModelPart {
  w: number[];
  b?: number[];
}

/** Inference, passive side: its masked partial logits of the test rows, once. `parties` excludes the dealer. */
export async function lrPredictPassive(net: PartyNet, test: Float64Array, w: ArrayLike<number>, opts: LrOptions, seeds: PairSeeds, parties: number, hooks: LrHooks = {}): Promise<void> {
  const K = opts.classes;
  const d = w.length / K;
  const rnd = new Prg(opts.coins ? Buffer.concat([Buffer.from(opts.coins), Buffer.from(`/predict/${net.party}`)]) : randomBytes(16));
  const z = logits(test, d, Float64Array.from(w), K, Array.from({ length: test.length / d }, (_, i) => i));
  hooks.partial?.(net.party, "predict", 0, z);
  net.send(0, encodePartial(z, net.party, parties, opts, seeds, "predict", 0, rnd));
}

/** Inference, party 0: opens the sum of the passive parties' partial logits and returns the class scores. */
export async function lrPredictActive(net: PartyNet, test: Float64Array, w: ArrayLike<number>, bias: ArrayLike<number>, opts: LrOptions, parties: number, hooks: LrHooks = {}): Promise<Float64Array> {
  const K = opts.classes;
  const d = w.length / K;
  const m = test.length / d;
  const msgs: Buffer[] = [];
  const passives = Array.from({ length: parties - 1 }, (_, i) => i + 1);
  await Promise.all(passives.map(async (p) => (msgs[p] = await net.recv(p))));
  if (hooks.received) for (const p of passives) hooks.received(p, "predict", 0, msgs[p]);
  const z = decodePartials(msgs, m * K, opts, parties, "predict");
  logits(test, d, Float64Array.from(w), K, Array.from({ length: m }, (_, i) => i), z);
  for (let i = 0; i < m; i++) for (let k = 0; k < K; k++) z[i * K + k] += bias[k];
  return z;
}

/**
 * The dealer (the last party of the network): deals each passive party's seeds (of A and c1) and the
 * active party's (of b), then the active party's c0 of every gradient block, replaying the public
 * batch schedule. It only sends; it learns nothing of the data, the labels or the model.
 */
export async function runLrDealer(net: PartyNet, n: number, dims: readonly number[], opts: LrOptions): Promise<void> {
  const P = net.parties - 1;
  const g = gradientFormat(opts);
  const K = opts.classes;
  const dealers: CrossDealer[] = [];
  const activeSeeds: Uint8Array[] = [];
  // Shared weights: γ_p (seed to p), β_p (seed to party 0) and Σβ_p so far.
  const sh = g.shared;
  const gamma: Prg[] = [];
  const beta: Prg[] = [];
  const betaSum: Uint32Array[] = [];
  const prg = opts.coins ? new Prg(Buffer.concat([Buffer.from(opts.coins), Buffer.from("/dealer")])) : undefined;
  const fresh = () => (prg ? prg.bytes(16) : randomBytes(16));
  for (let p = 1; p < P; p++) {
    const s = prg ? { passive: { a: fresh(), c: fresh() }, active: { b: fresh() } } : dealSeeds();
    const [gs, bs] = [fresh(), fresh()];
    net.send(p, Buffer.concat(sh ? [s.passive.a, s.passive.c, gs] : [s.passive.a, s.passive.c]));
    activeSeeds.push(...(sh ? [s.active.b, bs] : [s.active.b]));
    dealers[p] = new CrossDealer(g.k, n, dims[p], s);
    if (sh) {
      gamma[p] = new Prg(gs);
      beta[p] = new Prg(bs);
      betaSum[p] = ring.zeros(g.k, dims[p] * K);
    }
  }
  net.send(0, Buffer.concat(activeSeeds));
  let block: ProductShape[] = [];
  for (const st of schedule(n, opts)) {
    // Party 0's part of A_p·W⁰_p for this step's rows: A_p·Σβ_p − γ_p.
    if (sh) for (let p = 1; p < P; p++) net.send(0, ring.toBytes(g.k, ring.addSub(g.k, ring.matMul(g.k, dealers[p].A, dims[p], st.rows, betaSum[p], K), ring.random(g.k, st.rows.length * K, gamma[p]), -1)));
    block.push({ rows: st.rows, K });
    if (!st.closes) continue;
    for (let p = 1; p < P; p++) {
      net.send(0, ring.toBytes(g.k, dealers[p].block(block)));
      if (sh) betaSum[p] = ring.addSub(g.k, betaSum[p], ring.random(g.k, dims[p] * K, beta[p]), 1);
    }
    block = [];
    // Yields to the event loop so that the link shaper drains while the dealer computes.
    await new Promise((r) => setImmediate(r));
  }
  await net.recv(0);
}

/** How long the dealer, done dealing, waits for party 0's end of training (the other parties' own timeouts bound a stuck run). */
export const DEALER_WAIT_MS = 24 * 3600 * 1000;

/** All parties in this process, each with its own PartyNet over loopback TCP (tests, benches). */
export async function runLrLocal(parties: LrPartyData[], opts: LrOptions, link?: LinkSpec, hooks: LrHooks = {}): Promise<LrPartyResult[] & { dealer?: NetStats }> {
  const P = parties.length;
  const nets = await Promise.all(Array.from({ length: P + 1 }, (_, i) => PartyNet.listen({ party: i, parties: P + 1, link, ...(i === P ? { timeoutMs: DEALER_WAIT_MS } : {}) })));
  try {
    const addrs = nets.map((n) => ({ host: "127.0.0.1", port: n.port }));
    await Promise.all(nets.map((n) => n.connect(addrs)));
    const seeds = dealPairSeeds(P);
    const n = parties[0].train.length / parties[0].d;
    const out = await Promise.all([
      ...parties.map((data, i) => runLrParty(nets[i], data, opts, seeds[i], hooks)),
      runLrDealer(
        nets[P],
        n,
        parties.map((x) => x.d),
        opts,
      ).then(() => ({ party: P })),
    ]);
    const stats = await Promise.all(nets.map((n) => n.close()));
    const res: LrPartyResult[] & { dealer?: NetStats } = out.slice(0, P).map((r, i) => ({ ...r, stats: stats[i] }));
    res.dealer = stats[P];
    return res;
  } finally {
    for (const n of nets) n.destroy();
  }
}

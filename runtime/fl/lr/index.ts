// Vertical federated softmax (multi-class logistic) regression. Party 0 is the active party: it holds
// the labels and some feature columns; parties 1.. are passive and hold the other columns of the same
// samples (rows aligned by sample id beforehand). Each mini-batch step:
//   1. every passive party p computes its partial logits z_p = X_p·W_p and sends them to party 0
//      with pairwise masks laid over them (p adds, q subtracts the stream seeded for the pair p < q),
//      so party 0 can only recover their sum Σ_p z_p;
//   2. party 0 adds its own logits X_0·W_0 + b, takes the softmax and the residuals r = softmax − y,
//      updates W_0 and b, and sends r to every passive party;
//   3. each passive party updates W_p with X_pᵀ·r / batch.
// Baseline messages are 64-bit fixed point (FATE-like); the improved protocol sends few-bit values with
// stochastic rounding (6-bit partial logits clipped to ±logitRange, 4-bit residuals in [−1, 1]: the
// residuals tolerate coarser steps, as each passive update averages them over a batch), bit-packed.
// Inference: each passive party sends its masked partial logits of the test rows once; party 0 takes
// the arg max of the total. What each party learns is written down in spec/fl.md.
import { randomBytes } from "node:crypto";
import type { PartyColumns } from "../data/index.ts";
import { PartyNet, type LinkSpec, type NetStats } from "../../mpc/net/index.ts";
import {
  Prg,
  toFixed,
  fromFixed,
  maskFixed,
  addFixed,
  fixedBytes,
  fixedFrom,
  quantise,
  dequantise,
  maskRing,
  addRing,
  packBits,
  unpackBits,
  pairMask,
} from "../codec.ts";

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
  /** Seed of the stochastic-rounding coins (each party's own; reproducible runs in tests). Default: fresh random. */
  coins?: Uint8Array;
  logitRange?: number;
}

/** One party's share of the rows: `d` feature columns of n training and m test rows; labels on party 0 only. */
export type LrPartyData = PartyColumns;

/** Hooks for tests and progress: what a party computed and what it received, per message. */
export interface LrHooks {
  /** Passive party: its plaintext partial logits before encoding. */
  partial?: (party: number, phase: string, step: number, z: Float64Array) => void;
  /** Passive party: the residuals it decoded (what it learns from party 0 each step). */
  residuals?: (party: number, step: number, rows: Uint32Array, r: Float64Array) => void;
  /** Active party: the raw bytes received from a passive party. */
  received?: (from: number, phase: string, step: number, bytes: Buffer) => void;
  epoch?: (epoch: number, loss: number) => void;
}

export interface LrPartyResult {
  party: number;
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
  const z = logits(all.test, d, w, K, Array.from({ length: m }, (_, i) => i));
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

function encodeResiduals(r: Float64Array, opts: LrOptions, rnd: Prg): Buffer {
  if (opts.protocol === "baseline") return fixedBytes(toFixed(r));
  const bits = opts.residualBits ?? DEFAULT_RESIDUAL_BITS;
  return packBits(quantise(r, 1, levels(bits), bits, rnd), bits);
}

function decodeResiduals(b: Buffer, n: number, opts: LrOptions): Float64Array {
  if (opts.protocol === "baseline") return fromFixed(fixedFrom(b, n));
  const bits = opts.residualBits ?? DEFAULT_RESIDUAL_BITS;
  return dequantise(unpackBits(b, n, bits), 1, levels(bits), bits);
}

/** Runs one party's side of training and inference over `net` (already connected). */
export async function runLrParty(net: PartyNet, data: LrPartyData, opts: LrOptions, seeds: PairSeeds, hooks: LrHooks = {}): Promise<Omit<LrPartyResult, "stats">> {
  const me = net.party;
  const P = net.parties;
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
  let step = 0;
  let loss = 0;
  net.phase = "train";
  for (let e = 0; e < opts.epochs; e++) {
    loss = 0;
    for (const rows of batches(n, opts.batch, opts.seed, e)) {
      const B = rows.length;
      const lr = opts.learningRate / B;
      if (active) {
        const msgs = await net.recvAll();
        if (hooks.received) for (let p = 1; p < P; p++) hooks.received(p, "train", step, msgs[p]);
        const z = decodePartials(msgs, B * K, opts, P, "train");
        logits(data.train, d, w, K, rows, z);
        for (let i = 0; i < B; i++) for (let k = 0; k < K; k++) z[i * K + k] += bias[k];
        loss += residuals(z, K, data.trainLabels!, rows);
        net.broadcast(encodeResiduals(z, opts, rnd));
        descend(data.train, d, w, K, rows, z, lr);
        for (let i = 0; i < B; i++) for (let k = 0; k < K; k++) bias[k] -= lr * z[i * K + k];
      } else {
        const z = logits(data.train, d, w, K, rows);
        hooks.partial?.(me, "train", step, z);
        net.send(0, encodePartial(z, me, P, opts, seeds, "train", step, rnd));
        const r = decodeResiduals(await net.recv(0), B * K, opts);
        hooks.residuals?.(me, step, rows, r);
        descend(data.train, d, w, K, rows, r, lr);
      }
      step++;
    }
    loss /= n;
    if (active) hooks.epoch?.(e, loss);
  }
  net.phase = "predict";
  const rows = Array.from({ length: m }, (_, i) => i);
  if (!active) {
    const z = logits(data.test, d, w, K, rows);
    hooks.partial?.(me, "predict", 0, z);
    net.send(0, encodePartial(z, me, P, opts, seeds, "predict", 0, rnd));
    return { party: me };
  }
  const msgs = await net.recvAll();
  if (hooks.received) for (let p = 1; p < P; p++) hooks.received(p, "predict", 0, msgs[p]);
  const z = decodePartials(msgs, m * K, opts, P, "predict");
  logits(data.test, d, w, K, rows, z);
  for (let i = 0; i < m; i++) for (let k = 0; k < K; k++) z[i * K + k] += bias[k];
  return { party: me, accuracy: argmaxAccuracy(z, K, data.testLabels!), loss };
}

/** All parties in this process, each with its own PartyNet over loopback TCP (tests, benches). */
export async function runLrLocal(parties: LrPartyData[], opts: LrOptions, link?: LinkSpec, hooks: LrHooks = {}): Promise<LrPartyResult[]> {
  const P = parties.length;
  const nets = await Promise.all(parties.map((_, i) => PartyNet.listen({ party: i, parties: P, link })));
  try {
    const addrs = nets.map((n) => ({ host: "127.0.0.1", port: n.port }));
    await Promise.all(nets.map((n) => n.connect(addrs)));
    const seeds = dealPairSeeds(P);
    const out = await Promise.all(nets.map((n, i) => runLrParty(n, parties[i], opts, seeds[i], hooks)));
    const stats = await Promise.all(nets.map((n) => n.close()));
    return out.map((r, i) => ({ ...r, stats: stats[i] }));
  } finally {
    for (const n of nets) n.destroy();
  }
}

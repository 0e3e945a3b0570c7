// Vertical XGBoost-style trees (SecureBoost-like, without homomorphic encryption). Party 0 holds the
// labels and some columns; passive parties hold other columns; a dealer (the last party of the
// network) only hands out correlated randomness, as for VFL-LR. Every party bins its own columns
// locally (quantile cuts); a passive party numbers its features in a private random order, so party 0
// only knows them by that number, and turns its bins into 0/1 indicator columns (one per bin but the
// last: bin b of feature j is "x_j falls in bin b"), which it sends once masked (E = I − A, runtime/fl/
// cross). Per tree (one per class and round) and level:
//   1. party 0 computes gradients g = p − y and hessians h = p(1 − p) of every row, and for each node
//      to expand a column pair (g, h) that is zero outside the node's rows; the passive parties'
//      per-bin sums Iᵀ·(g, h) are a two-party product (party 0 sends F = Y − b, uniform to the passive
//      party, over all rows, so it learns neither the gradients nor which rows a node holds); the
//      passive party sends its share and party 0 opens the histograms;
//   2. party 0 finds each node's best split over its own histograms and the passive parties' (gain
//      G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) − γ); for a passive split it sends the party the
//      feature number and bin, the party records them in its lookup table and answers with the side
//      of every training row (a bitmap), from which party 0 splits the node's rows.
// Siblings: only the smaller child's histograms are computed, the other's is the parent's minus it.
// Each level has a fixed number of column pairs (1 at the root, 2^(ℓ−1) below; unused pairs are 0)
// so that the dealer can deal ahead and the passive party learns nothing from the message sizes.
// Baseline: Z_{2^64}, g and h with 24 fractional bits. Improved: 4 bins, g and h stochastically rounded to
// 3 levels in a ring just wide enough for their sums over all rows. Inference: see predict below.
// spec/fl.md says what each party learns.
import { randomBytes } from "node:crypto";
import { PartyNet, type LinkSpec, type NetStats } from "../../mpc/net/index.ts";
import { Prg, quantise, packBits } from "../codec.ts";
import * as ring from "../ring.ts";
import { CrossActive, CrossDealer, CrossPassive, dealSeeds, type ProductShape } from "../cross.ts";
import { applyBins, bestSplit, histograms, makeBins, type Binning, type GbdtOptions } from "./index.ts";
import { residuals, argmaxAccuracy, DEALER_WAIT_MS } from "../lr/index.ts";
import type { PartyColumns } from "../data/index.ts";

export type GbdtProtocol = "baseline" | "improved";

export interface VGbdtOptions extends GbdtOptions {
  protocol: GbdtProtocol;
  /** Improved: levels of the gradient (±levels over [−1, 1]) and of the hessian (0..levels over [0, 1/4]). */
  gradLevels?: number;
  hessLevels?: number;
  /** Improved: bins per feature (default 4; the baseline uses `bins`). */
  improvedBins?: number;
  /** Seed of the stochastic-rounding coins and of the passive parties' feature order (tests); default fresh. */
  coins?: Uint8Array;
}

export const DEFAULT_GBDT_GRAD_LEVELS = 3;
/** Bins per feature of the improved protocol (fewer indicator columns to mask and sum). */
export const DEFAULT_GBDT_IMPROVED_BINS = 4;
export const DEFAULT_GBDT_HESS_LEVELS = 3;

/** A tree at party 0: its own splits (feature, bin) and passive parties' (party, lookup number). */
export type VTree = { leaf: number } | { party: number; feature: number; bin: number; left: VTree; right: VTree };

/** Party 0's part of the model. */
export interface ActiveModel {
  binning: Binning;
  /** rounds × classes. */
  trees: VTree[][];
}

/** A passive party's part: its binning and the lookup table (number → its real feature and bin). */
export interface PassiveModel {
  binning: Binning;
  lookup: { feature: number; bin: number }[];
}

export interface VGbdtHooks {
  /** Party 0, after each round: training loss and bytes so far. */
  round?: (round: number, loss: number) => void;
  /** Party 0: a histogram message received from a passive party (its share). */
  received?: (from: number, phase: string, bytes: Buffer) => void;
  /** Party 0: a queried node's opened histograms of a passive party (G, H per indicator column), with its rows and the tree's g, h. */
  opened?: (party: number, rows: Uint32Array, g: Float64Array, h: Float64Array, G: Float64Array, H: Float64Array) => void;
  /** Passive party: its private feature order and bins per numbered feature (tests check the histograms with it). */
  layout?: (party: number, order: readonly number[], bins: readonly number[]) => void;
  /** Passive party: a message received from party 0. */
  passiveReceived?: (party: number, phase: string, bytes: Buffer) => void;
}

/** Ring and scales of one protocol's histogram product. */
export interface HistFormat {
  k: number;
  /** Values of one unit of g and of h. */
  gUnit: number;
  hUnit: number;
  gLevels?: number;
  hLevels?: number;
}

export function histFormat(opts: VGbdtOptions, n: number): HistFormat {
  if (opts.protocol === "baseline") return { k: 64, gUnit: 2 ** -24, hUnit: 2 ** -24 };
  const gl = opts.gradLevels ?? DEFAULT_GBDT_GRAD_LEVELS;
  const hl = opts.hessLevels ?? DEFAULT_GBDT_HESS_LEVELS;
  // The sum of n values of at most max(gl, hl) in magnitude, with a sign bit.
  const k = Math.ceil(Math.log2(n * Math.max(gl, hl) + 1)) + 1;
  if (k > 32) throw new Error(`${n} rows need a ${k}-bit ring: more than 32`);
  return { k, gUnit: 1 / gl, hUnit: 0.25 / hl, gLevels: gl, hLevels: hl };
}

export function binsOf(opts: VGbdtOptions): number {
  return opts.protocol === "improved" ? (opts.improvedBins ?? DEFAULT_GBDT_IMPROVED_BINS) : opts.bins;
}

/** Column pairs per product at level ℓ: the root, then one queried child per parent. */
export function pairsAt(level: number): number {
  return level === 0 ? 1 : 2 ** (level - 1);
}

/** The products of a training run, in order (per round, class, level), for the dealer. */
function productSchedule(n: number, opts: VGbdtOptions): ProductShape[] {
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const out: ProductShape[] = [];
  for (let r = 0; r < opts.rounds; r++) for (let c = 0; c < opts.classes; c++) for (let l = 0; l < opts.depth; l++) out.push({ rows: all, K: 2 * pairsAt(l) });
  return out;
}

/** A passive party's indicator layout: features in its private order, bins per feature. */
interface Layout {
  /** order[t] = the real feature behind number t. */
  order: number[];
  /** Bins of feature number t (its indicators: bins − 1). */
  bins: number[];
  /** First indicator column of feature number t. */
  offset: number[];
  D: number;
}

function layoutOf(b: Binning, rnd: Prg): Layout {
  const order = Array.from({ length: b.d }, (_, i) => i);
  const r = rnd.bytes(4 * b.d);
  for (let i = b.d - 1; i > 0; i--) {
    const j = r.readUInt32LE(4 * i) % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const bins = order.map((f) => b.cuts[f].length + 1);
  const offset: number[] = [];
  let D = 0;
  for (const nb of bins) {
    offset.push(D);
    D += nb - 1;
  }
  return { order, bins, offset, D };
}

function layoutBytes(l: Layout): Buffer {
  const b = Buffer.alloc(4 + l.bins.length);
  b.writeUInt32LE(l.bins.length, 0);
  l.bins.forEach((nb, t) => (b[4 + t] = nb));
  return b;
}

function layoutFrom(b: Buffer): Omit<Layout, "order"> {
  const d = b.readUInt32LE(0);
  const bins = Array.from(b.subarray(4, 4 + d));
  const offset: number[] = [];
  let D = 0;
  for (const nb of bins) {
    offset.push(D);
    D += nb - 1;
  }
  return { bins, offset, D };
}

/** Histograms of one node: per party, G and H per indicator (passive) or per (feature, bin) (party 0). */
interface NodeHist {
  G: Float64Array[];
  H: Float64Array[];
}

interface OpenNode {
  rows: Uint32Array;
  g: number;
  h: number;
  hist?: NodeHist;
  /** Where to put the subtree: a setter into the parent. */
  place: (t: VTree) => void;
  parent?: NodeHist;
  sibling?: OpenNode;
  isLeft?: boolean;
}

const u32 = (xs: number[]) => {
  const b = Buffer.alloc(4 * xs.length);
  xs.forEach((x, i) => b.writeUInt32LE(x, 4 * i));
  return b;
};

/** One bit per row, little-endian bit order (packBits with 1-bit values). */
const bitmap = (bits: ArrayLike<boolean | number>): Buffer => packBits(Uint32Array.from(bits as ArrayLike<number>, Number), 1);

const bitAt = (b: Buffer, i: number) => (b[i >> 3] >> (i & 7)) & 1;

/** Passive party p's training: returns its part of the model; then answers inference (runVGbdtPredict). */
export async function runVGbdtPassive(net: PartyNet, data: PartyColumns, opts: VGbdtOptions, hooks: VGbdtHooks = {}): Promise<PassiveModel> {
  const me = net.party;
  const dealer = net.parties - 1;
  const d = data.d;
  const n = data.train.length / d;
  const rnd = new Prg(opts.coins ? Buffer.concat([Buffer.from(opts.coins), Buffer.from(`/gbdt/${me}`)]) : randomBytes(16));
  const fmt = histFormat(opts, n);
  const binning = makeBins(data.train, d, binsOf(opts));
  const binned = applyBins(data.train, binning);
  const layout = layoutOf(binning, rnd);
  hooks.layout?.(me, layout.order, layout.bins);
  // The dealer needs the indicator count (public, as party 0 learns it) to deal for A.
  net.send(dealer, u32([layout.D]));
  const seeds = await net.recv(dealer);
  net.phase = "train";
  const cross = new CrossPassive(fmt.k, n, layout.D, { a: seeds.subarray(0, 16), c: seeds.subarray(16, 32) });
  // Indicator columns (n × D) in the feature order only this party knows.
  const ind = new Uint8Array(n * layout.D);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < d; t++) {
      const b = binned[i * d + layout.order[t]];
      if (b < layout.bins[t] - 1) ind[i * layout.D + layout.offset[t] + b] = 1;
    }
  net.send(0, Buffer.concat([layoutBytes(layout), ring.toBytes(fmt.k, cross.masked(ring.fromInts(fmt.k, ind)))]));
  const lookup: { feature: number; bin: number }[] = [];
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  for (let r = 0; r < opts.rounds; r++)
    for (let c = 0; c < opts.classes; c++)
      for (let l = 0; l < opts.depth; l++) {
        const K = 2 * pairsAt(l);
        const f = await net.recv(0);
        hooks.passiveReceived?.(me, "histogram", f);
        cross.product({ rows: all, K }, ring.fromBytes(fmt.k, f, n * K));
        net.send(0, ring.toBytes(fmt.k, cross.take()));
        // Splits on this party's features: (number, bin) pairs; the answer is each row's side.
        const req = await net.recv(0);
        hooks.passiveReceived?.(me, "split", req);
        const maps: Buffer[] = [];
        for (let o = 0; o < req.length; o += 8) {
          const t = req.readUInt32LE(o);
          const bin = req.readUInt32LE(o + 4);
          const feature = layout.order[t];
          lookup.push({ feature, bin });
          maps.push(bitmap(Array.from({ length: n }, (_, i) => binned[i * d + feature] <= bin)));
        }
        net.send(0, Buffer.concat(maps));
      }
  return { binning, lookup };
}

/** Party 0's training: returns its part of the model and the last round's training loss. */
export async function runVGbdtActive(net: PartyNet, data: PartyColumns, opts: VGbdtOptions, hooks: VGbdtHooks = {}): Promise<{ model: ActiveModel; loss: number }> {
  const P = net.parties - 1;
  const dealer = P;
  const passives = Array.from({ length: P - 1 }, (_, i) => i + 1);
  const K = opts.classes;
  const d = data.d;
  const n = data.train.length / d;
  const labels = data.trainLabels;
  if (!labels) throw new Error("the active party (0) needs the labels");
  const rnd = new Prg(opts.coins ? Buffer.concat([Buffer.from(opts.coins), Buffer.from("/gbdt/0")]) : randomBytes(16));
  const fmt = histFormat(opts, n);
  const bins = binsOf(opts);
  const binning = makeBins(data.train, d, bins);
  const binned = applyBins(data.train, binning);
  const seedMsg = await net.recv(dealer);
  net.phase = "train";
  const setups = await Promise.all(passives.map((p) => net.recv(p)));
  const layouts: Omit<Layout, "order">[] = [];
  const cross: CrossActive[] = [];
  passives.forEach((p, i) => {
    const lay = layoutFrom(setups[i]);
    layouts[p] = lay;
    const E = ring.fromBytes(fmt.k, setups[i].subarray(4 + lay.bins.length), n * lay.D);
    cross[p] = new CrossActive(fmt.k, lay.D, E, { b: seedMsg.subarray(16 * i, 16 * (i + 1)) });
  });
  const score = new Float64Array(n * K);
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: VTree[][] = [];
  // Lookup numbers handed out per passive party so far (the party numbers its records in request order).
  const lookupCount = new Map<number, number>();
  let loss = 0;
  for (let r = 0; r < opts.rounds; r++) {
    const res = score.slice();
    loss = residuals(res, K, labels, all) / n;
    const round: VTree[] = [];
    for (let c = 0; c < K; c++) {
      for (let i = 0; i < n; i++) {
        g[i] = res[i * K + c];
        const pk = g[i] + (labels[i] === c ? 1 : 0);
        h[i] = Math.max(pk * (1 - pk), 1e-6);
      }
      // The encoded values party 0 uses in the products, and their real values (what the histograms sum).
      const gq = fmt.gLevels ? quantise(g, 1, fmt.gLevels, fmt.k, rnd) : ring.fromInts(64, Array.from(g, (v) => Math.round(v / fmt.gUnit)));
      const hq = fmt.hLevels ? quantise(h, 0.25, fmt.hLevels, fmt.k, rnd) : ring.fromInts(64, Array.from(h, (v) => Math.round(v / fmt.hUnit)));
      // A leaf's value, added to the scores of its training rows (party 0 knows every row's leaf).
      const leaf = (o: OpenNode): VTree => {
        const v = (-opts.eta * o.g) / (o.h + opts.lambda);
        for (const i of o.rows) score[i * K + c] += v;
        return { leaf: v };
      };
      let tree: VTree = { leaf: 0 };
      const root: OpenNode = { rows: all, g: 0, h: 0, place: (t) => (tree = t) };
      for (const i of all) {
        root.g += g[i];
        root.h += h[i];
      }
      let open: OpenNode[] = [root];
      for (let l = 0; l < opts.depth; l++) {
        const pairs = pairsAt(l);
        // Nodes that can still split; of two such siblings only the smaller is queried (ties: the left).
        const expand = open.filter((o) => o.rows.length >= 2);
        const queried: OpenNode[] = [];
        for (const o of expand) {
          const both = o.sibling !== undefined && expand.includes(o.sibling);
          if (!both || o.rows.length < o.sibling!.rows.length || (o.rows.length === o.sibling!.rows.length && o.isLeft)) queried.push(o);
        }
        if (queried.length > pairs) throw new Error(`internal: ${queried.length} nodes to query at level ${l}, room for ${pairs}`);
        const w = fmt.k === 64 ? 2 : 1;
        const Y = ring.zeros(fmt.k, n * 2 * pairs);
        queried.forEach((o, q) => {
          for (const i of o.rows) {
            Y.set(gq.subarray(i * w, i * w + w), (i * 2 * pairs + 2 * q) * w);
            Y.set(hq.subarray(i * w, i * w + w), (i * 2 * pairs + 2 * q + 1) * w);
          }
        });
        for (const p of passives) net.send(p, ring.toBytes(fmt.k, cross[p].product({ rows: all, K: 2 * pairs }, Y)));
        const shares = await Promise.all(passives.map((p) => net.recv(p)));
        const opened: Float64Array[] = [];
        for (const [i, p] of passives.entries()) {
          hooks.received?.(p, "histogram", shares[i]);
          const D = layouts[p].D;
          const c0 = ring.fromBytes(fmt.k, await net.recv(dealer), D * 2 * pairs);
          opened[p] = ring.toInts(fmt.k, ring.addSub(fmt.k, cross[p].take(c0), ring.fromBytes(fmt.k, shares[i], D * 2 * pairs), 1));
        }
        // Histograms of every expandable node: queried ones from the product, the others by subtraction.
        for (const [q, o] of queried.entries()) {
          const own = histograms(binned, d, bins, o.rows, g, h);
          const hist: NodeHist = { G: [own.G], H: [own.H] };
          for (const p of passives) {
            const D = layouts[p].D;
            const G = new Float64Array(D);
            const H = new Float64Array(D);
            for (let j = 0; j < D; j++) {
              G[j] = opened[p][j * 2 * pairs + 2 * q] * fmt.gUnit;
              H[j] = opened[p][j * 2 * pairs + 2 * q + 1] * fmt.hUnit;
            }
            hist.G[p] = G;
            hist.H[p] = H;
            hooks.opened?.(p, o.rows, g, h, G, H);
          }
          o.hist = hist;
        }
        for (const o of expand)
          if (!o.hist) {
            const s = o.sibling!.hist!;
            const par = o.parent!;
            o.hist = { G: par.G.map((x, p) => x.map((v, j) => v - s.G[p][j])), H: par.H.map((x, p) => x.map((v, j) => v - s.H[p][j])) };
          }
        // Best split of each node over every party's features.
        const requests = new Map<number, { node: OpenNode; t: number; bin: number }[]>(passives.map((p) => [p, []]));
        const next: OpenNode[] = [];
        const decided: { node: OpenNode; party: number; feature: number; bin: number; gain: number }[] = [];
        for (const o of open) {
          if (!o.hist) {
            o.place(leaf(o));
            continue;
          }
          let best: { party: number; feature: number; bin: number; gain: number } | undefined;
          const s0 = bestSplit(o.hist.G[0], o.hist.H[0], d, bins, o.g, o.h, opts);
          if (s0) best = { party: 0, ...s0 };
          for (const p of passives) {
            const lay = layouts[p];
            const maxBins = Math.max(2, ...lay.bins);
            // Per feature number t: its bins (the last = the node's total minus the others), padded with empty bins.
            const G = new Float64Array(lay.bins.length * maxBins);
            const H = new Float64Array(lay.bins.length * maxBins);
            lay.bins.forEach((nb, t) => {
              let gs = 0;
              let hs = 0;
              for (let b = 0; b < nb - 1; b++) {
                G[t * maxBins + b] = o.hist!.G[p][lay.offset[t] + b];
                H[t * maxBins + b] = o.hist!.H[p][lay.offset[t] + b];
                gs += G[t * maxBins + b];
                hs += H[t * maxBins + b];
              }
              G[t * maxBins + nb - 1] = o.g - gs;
              H[t * maxBins + nb - 1] = o.h - hs;
            });
            const s = bestSplit(G, H, lay.bins.length, maxBins, o.g, o.h, opts);
            if (s && (!best || s.gain > best.gain)) best = { party: p, ...s };
          }
          if (!best) {
            o.place(leaf(o));
            continue;
          }
          decided.push({ node: o, ...best });
          if (best.party !== 0) requests.get(best.party)!.push({ node: o, t: best.feature, bin: best.bin });
        }
        // Ask the passive parties for the sides of their splits (an empty request when there are none).
        for (const p of passives) net.send(p, u32(requests.get(p)!.flatMap((q) => [q.t, q.bin])));
        const answers = await Promise.all(passives.map((p) => net.recv(p)));
        const side = new Map<OpenNode, (i: number) => boolean>();
        const number = new Map<OpenNode, number>();
        const counters = new Map<number, number>();
        for (const [pi, p] of passives.entries()) {
          const reqs = requests.get(p)!;
          const bytes = Math.ceil(n / 8);
          if (answers[pi].length !== bytes * reqs.length) throw new Error(`party ${p} answered ${answers[pi].length} bytes for ${reqs.length} splits`);
          reqs.forEach((q, j) => {
            const m = answers[pi].subarray(j * bytes, (j + 1) * bytes);
            side.set(q.node, (i) => bitAt(m, i) === 1);
            number.set(q.node, (lookupCount.get(p) ?? 0) + (counters.get(p) ?? 0));
            counters.set(p, (counters.get(p) ?? 0) + 1);
          });
        }
        for (const [p, c] of counters) lookupCount.set(p, (lookupCount.get(p) ?? 0) + c);
        for (const dcd of decided) {
          const o = dcd.node;
          const goesLeft = dcd.party === 0 ? (i: number) => binned[i * d + dcd.feature] <= dcd.bin : side.get(o)!;
          const left = o.rows.filter((i) => goesLeft(i));
          const right = o.rows.filter((i) => !goesLeft(i));
          const node = { party: dcd.party, feature: dcd.party === 0 ? dcd.feature : number.get(o)!, bin: dcd.party === 0 ? dcd.bin : 0, left: { leaf: 0 } as VTree, right: { leaf: 0 } as VTree };
          o.place(node);
          const mk = (rows: Uint32Array, place: (t: VTree) => void): OpenNode => {
            let gs = 0;
            let hs = 0;
            for (const i of rows) {
              gs += g[i];
              hs += h[i];
            }
            return { rows, g: gs, h: hs, place, parent: o.hist };
          };
          const L = mk(left, (t) => (node.left = t));
          const R = mk(right, (t) => (node.right = t));
          L.isLeft = true;
          L.sibling = R;
          R.sibling = L;
          next.push(L, R);
        }
        open = next;
      }
      for (const o of open) o.place(leaf(o));
      round.push(tree);
    }
    trees.push(round);
    hooks.round?.(r, loss);
  }
  return { model: { binning, trees }, loss };
}

/**
 * Inference over the test rows. Baseline (SecureBoost-like queries): level by level over all trees
 * at once, party 0 sends each passive party the (row, lookup number) pairs whose path is at one of
 * its nodes (8 bytes each) and the party answers each with a byte; the passive party thus sees which
 * test rows reach which of its nodes. Improved: each passive party sends, once, the side of every
 * test row at every node of its lookup table as bits; it learns nothing of the paths, party 0 learns
 * the sides at nodes that are off a row's path too.
 */
export async function runVGbdtPredictActive(net: PartyNet, model: ActiveModel, test: Float64Array, opts: Pick<VGbdtOptions, "protocol" | "classes" | "depth">, parties = net.parties - 1): Promise<Float64Array> {
  const P = parties;
  const passives = Array.from({ length: P - 1 }, (_, i) => i + 1);
  const K = opts.classes;
  const d = model.binning.d;
  const m = test.length / d;
  const binned = applyBins(test, model.binning);
  const out = new Float64Array(m * K);
  const trees = model.trees.flatMap((round) => round.map((t, c) => ({ t, c })));
  if (opts.protocol === "improved") {
    const msgs = await Promise.all(passives.map((p) => net.recv(p)));
    const bytes = Math.ceil(m / 8);
    const side = (p: number, rec: number, i: number) => bitAt(msgs[p - 1].subarray(rec * bytes, (rec + 1) * bytes), i) === 1;
    for (const { t, c } of trees)
      for (let i = 0; i < m; i++) {
        let node = t;
        while (!("leaf" in node)) node = (node.party === 0 ? binned[i * d + node.feature] <= node.bin : side(node.party, node.feature, i)) ? node.left : node.right;
        out[i * K + c] += node.leaf;
      }
    return out;
  }
  const at: VTree[][] = trees.map(({ t }) => Array.from({ length: m }, () => t));
  for (let l = 0; l <= opts.depth; l++) {
    // Walk party 0's own nodes; collect the queries for the passive parties' nodes.
    const queries = new Map<number, { tree: number; row: number; rec: number }[]>(passives.map((p) => [p, []]));
    at.forEach((rows, ti) =>
      rows.forEach((node, i) => {
        while (!("leaf" in node) && node.party === 0) node = binned[i * d + node.feature] <= node.bin ? node.left : node.right;
        rows[i] = node;
        if (!("leaf" in node)) queries.get(node.party)!.push({ tree: ti, row: i, rec: node.feature });
      }),
    );
    if (passives.every((p) => queries.get(p)!.length === 0)) break;
    for (const p of passives) net.send(p, u32(queries.get(p)!.flatMap((q) => [q.row, q.rec])));
    const answers = await Promise.all(passives.map((p) => net.recv(p)));
    passives.forEach((p, pi) =>
      queries.get(p)!.forEach((q, j) => {
        const node = at[q.tree][q.row] as Extract<VTree, { left: VTree }>;
        at[q.tree][q.row] = answers[pi][j] ? node.left : node.right;
      }),
    );
  }
  // One byte: no more queries (a query message is a multiple of 8 bytes, possibly empty).
  for (const p of passives) net.send(p, Buffer.alloc(1));
  at.forEach((rows, ti) => rows.forEach((node, i) => (out[i * K + trees[ti].c] += (node as { leaf: number }).leaf)));
  return out;
}

export async function runVGbdtPredictPassive(net: PartyNet, model: PassiveModel, test: Float64Array, opts: Pick<VGbdtOptions, "protocol">): Promise<void> {
  const d = model.binning.d;
  const m = test.length / d;
  const binned = applyBins(test, model.binning);
  const goesLeft = (rec: number, i: number) => {
    const s = model.lookup[rec];
    if (!s) throw new Error(`party 0 asked for lookup number ${rec}, the table has ${model.lookup.length}`);
    return binned[i * d + s.feature] <= s.bin;
  };
  if (opts.protocol === "improved") {
    net.send(0, Buffer.concat(model.lookup.map((_, rec) => bitmap(Array.from({ length: m }, (_, i) => goesLeft(rec, i))))));
    return;
  }
  for (;;) {
    const q = await net.recv(0);
    if (q.length === 1) return;
    const a = Buffer.alloc(q.length / 8);
    for (let j = 0; j < a.length; j++) a[j] = Number(goesLeft(q.readUInt32LE(8 * j + 4), q.readUInt32LE(8 * j)));
    net.send(0, a);
  }
}

/** The dealer: each passive party's indicator count, seeds, then c0 of every product of the fixed schedule; waits for party 0's end of training. */
export async function runVGbdtDealer(net: PartyNet, n: number, opts: VGbdtOptions): Promise<void> {
  const P = net.parties - 1;
  const fmt = histFormat(opts, n);
  const dealers: CrossDealer[] = [];
  const activeSeeds: Uint8Array[] = [];
  const Ds = await Promise.all(Array.from({ length: P - 1 }, (_, i) => net.recv(i + 1)));
  for (let p = 1; p < P; p++) {
    const s = dealSeeds();
    net.send(p, Buffer.concat([s.passive.a, s.passive.c]));
    activeSeeds.push(s.active.b);
    dealers[p] = new CrossDealer(fmt.k, n, Ds[p - 1].readUInt32LE(0), s);
  }
  net.send(0, Buffer.concat(activeSeeds));
  for (const sh of productSchedule(n, opts)) {
    for (let p = 1; p < P; p++) net.send(0, ring.toBytes(fmt.k, dealers[p].block([sh])));
    await new Promise((r) => setImmediate(r));
  }
  await net.recv(0);
}

export interface VGbdtResult {
  party: number;
  accuracy?: number;
  loss?: number;
  model?: ActiveModel | PassiveModel;
  stats: NetStats;
}

/** One party's whole run (training, then inference on its test columns). */
export async function runVGbdtParty(net: PartyNet, data: PartyColumns, opts: VGbdtOptions, hooks: VGbdtHooks = {}): Promise<Omit<VGbdtResult, "stats">> {
  const me = net.party;
  const dealer = net.parties - 1;
  if (me === 0) {
    const { model, loss } = await runVGbdtActive(net, data, opts, hooks);
    net.send(dealer, Buffer.alloc(0));
    net.phase = "predict";
    const z = await runVGbdtPredictActive(net, model, data.test, opts);
    return { party: 0, model, loss, accuracy: argmaxAccuracy(z, opts.classes, data.testLabels!) };
  }
  const model = await runVGbdtPassive(net, data, opts, hooks);
  net.phase = "predict";
  await runVGbdtPredictPassive(net, model, data.test, opts);
  return { party: me, model };
}

/** All parties and the dealer in this process, each with its own PartyNet over loopback TCP. */
export async function runVGbdtLocal(parties: PartyColumns[], opts: VGbdtOptions, link?: LinkSpec, hooks: VGbdtHooks = {}, timeoutMs?: number): Promise<VGbdtResult[] & { dealer?: NetStats }> {
  const P = parties.length;
  // timeoutMs: how long a party waits for a message (the transport's default unless given; the
  // baseline's 64-bit products on a loaded machine can take longer than that per level).
  const nets = await Promise.all(Array.from({ length: P + 1 }, (_, i) => PartyNet.listen({ party: i, parties: P + 1, link, ...(i === P ? { timeoutMs: DEALER_WAIT_MS } : timeoutMs ? { timeoutMs } : {}) })));
  try {
    const addrs = nets.map((x) => ({ host: "127.0.0.1", port: x.port }));
    await Promise.all(nets.map((x) => x.connect(addrs)));
    const n = parties[0].train.length / parties[0].d;
    const out = await Promise.all([
      ...parties.map((data, i) => runVGbdtParty(nets[i], data, opts, hooks)),
      runVGbdtDealer(nets[P], n, opts).then(() => ({ party: P })),
    ]);
    const stats = await Promise.all(nets.map((x) => x.close()));
    const res: VGbdtResult[] & { dealer?: NetStats } = out.slice(0, P).map((r, i) => ({ ...r, stats: stats[i] }));
    res.dealer = stats[P];
    return res;
  } finally {
    for (const x of nets) x.destroy();
  }
}

/** Inference alone (a trained model's parts), all parties in this process; returns party 0's class scores and each party's counters. */
export async function runVGbdtPredictLocal(models: [ActiveModel, ...PassiveModel[]], tests: Float64Array[], opts: Pick<VGbdtOptions, "protocol" | "classes" | "depth">, link?: LinkSpec): Promise<{ scores: Float64Array; stats: NetStats[] }> {
  const P = models.length;
  const nets = await Promise.all(Array.from({ length: P }, (_, i) => PartyNet.listen({ party: i, parties: P, link })));
  try {
    const addrs = nets.map((x) => ({ host: "127.0.0.1", port: x.port }));
    await Promise.all(nets.map((x) => x.connect(addrs)));
    for (const x of nets) x.phase = "predict";
    const [scores] = await Promise.all([
      runVGbdtPredictActive(nets[0], models[0], tests[0], opts, P),
      ...models.slice(1).map((m, i) => runVGbdtPredictPassive(nets[i + 1], m as PassiveModel, tests[i + 1], opts)),
    ]);
    const stats = await Promise.all(nets.map((x) => x.close()));
    return { scores: scores as Float64Array, stats };
  } finally {
    for (const x of nets) x.destroy();
  }
}

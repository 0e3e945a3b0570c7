// Histogram gradient-boosted trees, XGBoost-style: multi-class softmax loss, one tree per class and
// round fitted to the second-order expansion (gradient g = p − y, hessian h = p(1 − p)), features
// binned once at quantile cut points, splits chosen from per-bin gradient/hessian sums
// (gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) − γ), leaves −η·G/(H+λ). The histogram step is its
// own function over one party's columns so that a vertical version can run it at each party.
import { residuals } from "../lr/index.ts";

export interface GbdtOptions {
  classes: number;
  rounds: number;
  depth: number;
  /** Bins per feature (≤ 256). */
  bins: number;
  eta: number;
  lambda: number;
  gamma: number;
  /** Smallest hessian sum a child may have. */
  minChildWeight: number;
}

export const GBDT_DEFAULTS: Omit<GbdtOptions, "classes"> = { rounds: 10, depth: 3, bins: 16, eta: 0.3, lambda: 1, gamma: 0, minChildWeight: 1 };

/** Cut points per feature: bin b holds values in (cuts[b−1], cuts[b]]; the last bin is open above. */
export interface Binning {
  d: number;
  bins: number;
  cuts: Float64Array[];
}

/** Quantile cut points of each column of the training rows (distinct values only). */
export function makeBins(x: Float64Array, d: number, bins: number): Binning {
  const n = x.length / d;
  const cuts: Float64Array[] = [];
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) col[i] = x[i * d + j];
    const s = col.slice().sort();
    const c: number[] = [];
    for (let b = 1; b < bins; b++) {
      const v = s[Math.max(0, Math.floor((b * n) / bins) - 1)];
      if ((c.length === 0 || v > c[c.length - 1]) && v < s[n - 1]) c.push(v);
    }
    cuts.push(Float64Array.from(c));
  }
  return { d, bins, cuts };
}

/** Bin index of every value (n × d bytes). */
export function applyBins(x: Float64Array, b: Binning): Uint8Array {
  const n = x.length / b.d;
  const out = new Uint8Array(n * b.d);
  for (let j = 0; j < b.d; j++) {
    const c = b.cuts[j];
    for (let i = 0; i < n; i++) {
      const v = x[i * b.d + j];
      let lo = 0;
      let hi = c.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= c[mid]) hi = mid;
        else lo = mid + 1;
      }
      out[i * b.d + j] = lo;
    }
  }
  return out;
}

/** Gradient and hessian sums per (feature, bin) over `rows`: two arrays of d × bins. */
export function histograms(binned: Uint8Array, d: number, bins: number, rows: ArrayLike<number>, g: Float64Array, h: Float64Array): { G: Float64Array; H: Float64Array } {
  const G = new Float64Array(d * bins);
  const H = new Float64Array(d * bins);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    const gi = g[i];
    const hi = h[i];
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const k = j * bins + binned[o + j];
      G[k] += gi;
      H[k] += hi;
    }
  }
  return { G, H };
}

export interface Split {
  gain: number;
  feature: number;
  /** Rows with bin ≤ bin go left. */
  bin: number;
}

/** The best split of one party's histograms (undefined: none gains or respects minChildWeight). */
export function bestSplit(G: Float64Array, H: Float64Array, d: number, bins: number, gSum: number, hSum: number, o: GbdtOptions): Split | undefined {
  let best: Split | undefined;
  const parent = (gSum * gSum) / (hSum + o.lambda);
  for (let j = 0; j < d; j++) {
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < bins - 1; b++) {
      gl += G[j * bins + b];
      hl += H[j * bins + b];
      const gr = gSum - gl;
      const hr = hSum - hl;
      if (hl < o.minChildWeight || hr < o.minChildWeight) continue;
      const gain = (gl * gl) / (hl + o.lambda) + (gr * gr) / (hr + o.lambda) - parent - o.gamma;
      if (gain > 0 && (!best || gain > best.gain)) best = { gain, feature: j, bin: b };
    }
  }
  return best;
}

/** A tree: internal nodes test binned[feature] ≤ bin, leaves hold a value. */
export type Tree = { leaf: number } | { feature: number; bin: number; left: Tree; right: Tree };

function growTree(binned: Uint8Array, b: Binning, rows: Uint32Array, g: Float64Array, h: Float64Array, depth: number, o: GbdtOptions): Tree {
  let gs = 0;
  let hs = 0;
  for (const i of rows) {
    gs += g[i];
    hs += h[i];
  }
  const leaf = { leaf: (-o.eta * gs) / (hs + o.lambda) };
  if (depth === 0 || rows.length < 2) return leaf;
  const { G, H } = histograms(binned, b.d, b.bins, rows, g, h);
  const s = bestSplit(G, H, b.d, b.bins, gs, hs, o);
  if (!s) return leaf;
  const left = rows.filter((i) => binned[i * b.d + s.feature] <= s.bin);
  const right = rows.filter((i) => binned[i * b.d + s.feature] > s.bin);
  return { feature: s.feature, bin: s.bin, left: growTree(binned, b, left, g, h, depth - 1, o), right: growTree(binned, b, right, g, h, depth - 1, o) };
}

export function treeValue(t: Tree, binned: Uint8Array, d: number, i: number): number {
  while (!("leaf" in t)) t = binned[i * d + t.feature] <= t.bin ? t.left : t.right;
  return t.leaf;
}

export interface GbdtModel {
  binning: Binning;
  /** rounds × classes trees. */
  trees: Tree[][];
}

/** Trains in the clear on all columns (the centralised reference). */
export function trainGbdt(x: Float64Array, d: number, labels: Uint8Array, opts: GbdtOptions): { model: GbdtModel; loss: number } {
  const K = opts.classes;
  const n = labels.length;
  const binning = makeBins(x, d, opts.bins);
  const binned = applyBins(x, binning);
  const score = new Float64Array(n * K);
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: Tree[][] = [];
  let loss = 0;
  for (let r = 0; r < opts.rounds; r++) {
    // softmax − onehot: the gradients of every class at once.
    const r = score.slice();
    loss = residuals(r, K, labels, all) / n;
    const round: Tree[] = [];
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < n; i++) {
        g[i] = r[i * K + k];
        const pk = g[i] + (labels[i] === k ? 1 : 0);
        h[i] = Math.max(pk * (1 - pk), 1e-6);
      }
      const t = growTree(binned, binning, all, g, h, opts.depth, opts);
      for (let i = 0; i < n; i++) score[i * K + k] += treeValue(t, binned, d, i);
      round.push(t);
    }
    trees.push(round);
  }
  return { model: { binning, trees }, loss };
}

/** Class scores of rows x (n × K). */
export function predictGbdt(m: GbdtModel, x: Float64Array, classes: number): Float64Array {
  const d = m.binning.d;
  const n = x.length / d;
  const binned = applyBins(x, m.binning);
  const out = new Float64Array(n * classes);
  for (const round of m.trees) for (let k = 0; k < classes; k++) for (let i = 0; i < n; i++) out[i * classes + k] += treeValue(round[k], binned, d, i);
  return out;
}

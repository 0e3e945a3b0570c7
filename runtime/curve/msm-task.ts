// One MSM task, run by a worker or the calling thread: for a range of points and a set of windows,
// signed-digit bucket accumulation with batch-affine additions, then the bucket reduction of each window.
// Scalars arrive GLV-split (runtime/curve/glv.ts): point i of a chunk of m carries |k1|, and its image φ(P_i),
// computed in WASM as the chunk is copied in, sits at m + i carrying |k2|; a negative half flips the digits' signs.
//
// Bucket accumulation sorts the points of a chunk by bucket, then adds them pairwise in rounds (a tree per
// bucket, the bucket itself first); every addition of a round is independent of the others, so a round is
// one g1_batch_add call sharing a single field inversion, whatever the distribution of digits (duplicate
// scalars only add rounds).
import { E29, type WasmInstance } from "../field/index.ts";

export interface MsmTask {
  /** n × 16 words: affine x ‖ y, Montgomery form, (0, 0) = identity. */
  points: Uint32Array;
  /** n × 8 words: |k1| ‖ |k2| of each scalar's GLV split (four words each, < 2^128). */
  scalars: Uint32Array;
  /** n bytes: bit 0 set when k1 < 0, bit 1 when k2 < 0. */
  signs: Uint8Array;
  start: number;
  end: number;
  /** Window width in bits; digits lie in [−2^(c−1), 2^(c−1)]. */
  c: number;
  /** Total windows of the recoding (floor(128 / c) + 1). */
  numWindows: number;
  /** The windows this task sums. */
  windows: number[];
  /** Points per chunk (bounds the task's memory). */
  chunk: number;
}

/**
 * Signed c-bit digits of the `words`-word integer at s[off…], for every window, into out[w·stride + i]
 * (negated when `negate`). numWindows must be floor(32·words / c) + 1 for the top digit to absorb the carry.
 */
export function recodeScalar(s: Uint32Array, off: number, words: number, c: number, numWindows: number, out: Int32Array, i: number, stride: number, negate = false): void {
  const mask = (1 << c) - 1;
  const half = 1 << (c - 1);
  let carry = 0;
  for (let w = 0; w < numWindows; w++) {
    const bit = w * c;
    const word = bit >>> 5;
    const sh = bit & 31;
    let v = 0;
    if (word < words) {
      v = s[off + word] >>> sh;
      if (sh + c > 32 && word + 1 < words) v |= s[off + word + 1] << (32 - sh);
      v &= mask;
    }
    let d = v + carry;
    if (d > half) {
      d -= 1 << c;
      carry = 1;
    } else carry = 0;
    out[w * stride + i] = negate ? -d : d;
  }
}

/** Bytes of an affine and of a Jacobian point in the 29-bit-limb field the buckets are summed in. */
const A = 2 * E29;
const J = 3 * E29;

/** Runs the task; returns windows.length Jacobian points (24 words each, Montgomery form). */
export function runMsmTask(w: WasmInstance, t: MsmTask, onWindow?: (done: number, total: number) => void): Uint32Array {
  const ex = w.exports;
  const nb = 1 << (t.c - 1);
  const W = t.windows.length;
  const total = t.end - t.start;
  const half = Math.max(1, Math.min(t.chunk, total));
  const chunk = 2 * half; // points and their images
  w.reset();
  const buckets = w.alloc(W * nb * A);
  w.u32(buckets, (W * nb * A) / 4).fill(0);
  const pts = w.alloc(chunk * A);
  const stage = w.alloc(half * 64);
  // A round has at most one op per entry pair, entries ≤ m + buckets; round-one slots ≤ m/2.
  const maxOps = chunk + 1;
  const slots = w.alloc(((chunk >> 1) + 1) * A);
  const opsPtr = w.alloc(maxOps * 12);
  const scratch = w.alloc(maxOps * (A + 1));
  const out = w.alloc(W * J);
  const out32 = w.alloc(W * 96);
  const digits = new Int32Array(t.numWindows * chunk);
  const counts = new Int32Array(nb + 1);
  const listStart = new Int32Array(nb);
  const listLen = new Int32Array(nb);
  const entries = new Int32Array(chunk + nb);
  const active = new Int32Array(nb);
  const ptsEnd = pts + chunk * A;
  let done = 0;
  for (let cs = t.start; cs < t.end; cs += half) {
    const h = Math.min(half, t.end - cs);
    const m = 2 * h;
    w.u32(stage, h * 16).set(t.points.subarray(cs * 16, (cs + h) * 16));
    ex.fq29_vfrom32(pts, stage, 2 * h);
    ex.h1_endo(pts + h * A, pts, h);
    for (let i = 0; i < h; i++) {
      const sg = t.signs[cs + i];
      recodeScalar(t.scalars, (cs + i) * 8, 4, t.c, t.numWindows, digits, i, chunk, (sg & 1) !== 0);
      recodeScalar(t.scalars, (cs + i) * 8 + 4, 4, t.c, t.numWindows, digits, h + i, chunk, (sg & 2) !== 0);
    }
    // Identity points (and their images) contribute nothing: zero their digits once for all windows.
    const pv = w.u32(stage, h * 16);
    for (let i = 0; i < h; i++) {
      let z = 0;
      for (let k = 0; k < 16; k++) z |= pv[i * 16 + k];
      if (z === 0) for (let win = 0; win < t.numWindows; win++) digits[win * chunk + i] = digits[win * chunk + h + i] = 0;
    }
    for (let k = 0; k < W; k++) {
      const win = t.windows[k];
      const base = buckets + k * nb * A;
      const dOff = win * chunk;
      // Counting sort by bucket; each non-empty list starts with the bucket itself.
      counts.fill(0);
      for (let i = 0; i < m; i++) {
        const d = digits[dOff + i];
        if (d !== 0) counts[(d < 0 ? -d : d) - 1]++;
      }
      let pos = 0;
      let nActive = 0;
      for (let b = 0; b < nb; b++) {
        const cnt = counts[b];
        listStart[b] = pos;
        listLen[b] = 0;
        if (cnt > 0) {
          entries[pos] = base + b * A;
          listLen[b] = 1;
          active[nActive++] = b;
          pos += cnt + 1;
        }
      }
      for (let i = 0; i < m; i++) {
        const d = digits[dOff + i];
        if (d === 0) continue;
        const b = (d < 0 ? -d : d) - 1;
        entries[listStart[b] + listLen[b]++] = (pts + i * A) | (d < 0 ? 1 : 0);
      }
      let slotTop = 0;
      while (nActive > 0) {
        const ops = w.i32(opsPtr, maxOps * 3);
        let nops = 0;
        let keep = 0;
        for (let q = 0; q < nActive; q++) {
          const b = active[q];
          const s = listStart[b];
          const L = listLen[b];
          let nl = 0;
          for (let j = 0; j + 1 < L; j += 2) {
            const a = entries[s + j];
            const pa = a & ~1;
            const dst = pa >= pts && pa < ptsEnd ? slots + A * slotTop++ : pa;
            ops[3 * nops] = dst;
            ops[3 * nops + 1] = a;
            ops[3 * nops + 2] = entries[s + j + 1];
            nops++;
            entries[s + nl++] = dst;
          }
          if (L & 1) entries[s + nl++] = entries[s + L - 1];
          listLen[b] = nl;
          if (nl > 1) active[keep++] = b;
        }
        nActive = keep;
        if (nops > 0) ex.h1_batch_add(opsPtr, nops, scratch);
      }
      done++;
      onWindow?.(done, W * Math.ceil(total / half));
    }
  }
  for (let k = 0; k < W; k++) ex.h1_bucket_reduce(out + k * J, buckets + k * nb * A, nb);
  ex.fq29_vto32(out32, out, 3 * W);
  return w.u32(out32, W * 24).slice();
}

//! std::kernels::msm — multi-scalar multiplication over BN254 G1, bucket method in GPU-friendly passes
//! (ICICLE-style). The host (runtime/gpu/msm.ts) splits scalars into c-bit windows, counting-sorts the
//! (window, digit) entries by bucket and cuts each bucket into chunks of at most CHUNK entries; then
//!   msm_bucket_acc    chunk → Σ of its affine points, by mixed additions (7M + 4S each),
//!   msm_reduce_round  segmented tree reduction of the chunk sums inside each bucket (one launch per
//!                     round, stride s; only segment heads at 2s-aligned positions write, so no races),
//!   msm_segment_sums  segment of ≤ seglen buckets of a window → its running sum and weighted sum,
//!   msm_segment_scale segment → its share of Σ_d d·B_{w,d} (weighted sum + segment offset × running sum),
//!   msm_reduce_round  again, over each window's segments → S_w = Σ_d d·B_{w,d},
//!   msm_combine       Σ_w 2^(c·w)·S_w (one invocation; c doublings per window) — or the host does it.
//! Or, in place of msm_bucket_acc and the first msm_reduce_round rounds, batch-affine accumulation (the
//! ZPrize technique): each round adds disjoint pairs of a bucket's points as affine points, λ = Δy / Δx,
//! with one field inversion per lane of up to `batch` pairs by Montgomery's trick:
//!   msm_affine_prefix  lane → running products of its pairs' denominators,
//!   msm_affine_invert  lane → the inverse of its last running product (square-and-multiply by p − 2),
//!   msm_affine_finish  lane, backwards → each denominator's inverse, each pair's sum (x3, y3, z ∈ {0, 1}),
//! about 6 multiplications a point addition (7M + 4S for a mixed Jacobian one), all cases handled in place:
//! P + P (the denominator becomes 2y and λ = 3x² / 2y), P + (−P) = identity, an identity input.
//! Points are affine (x, y) pairs and Jacobian (X, Y, Z) triples of Fq in Montgomery limbs. Zero scalars
//! and points at infinity produce no entries. Loops have static bounds (every target needs them); the
//! run-time counts guard the bodies, so one build serves every window size c ≤ MAX_WINDOW_BITS.
use std::field::Bn254Fq;
use std::kernels::curve::{Jac, add, add_affine, double, identity};

/// Most entries one msm_bucket_acc invocation adds (the host's MSM_CHUNK must not exceed it).
pub const CHUNK: u32 = 16;
/// Largest window size c, and the bucket count 2^c − 1 per window that goes with it.
pub const MAX_WINDOW_BITS: u32 = 16;
pub const MAX_BUCKETS: u32 = 65535;
/// ⌈254 / c⌉ windows for c ≥ 1.
pub const MAX_WINDOWS: u32 = 254;
/// Most buckets one msm_segment_sums invocation walks (the host's segment length must not exceed it).
pub const MAX_SEGMENT: u32 = 64;
/// Most pairs one lane of the batch-affine kernels adds (one inversion per lane).
pub const MAX_AFFINE_BATCH: u32 = 4096;

fn load(buf: &[Bn254Fq], e: u32) -> Jac {
    Jac { x: buf[3 * e], y: buf[3 * e + 1], z: buf[3 * e + 2] }
}

fn store(buf: &mut [Bn254Fq], e: u32, p: Jac) {
    buf[3 * e] = p.x;
    buf[3 * e + 1] = p.y;
    buf[3 * e + 2] = p.z;
}

/// Chunk j: acc[j] = Σ pts[idx[first[j] + t]] for t < count[j] (≤ CHUNK).
@workgroup(64)
kernel msm_bucket_acc(
    pts: &[Bn254Fq],
    idx: &[u32],
    first: &[u32],
    count: &[u32],
    acc: &mut [Bn254Fq],
) {
    let j = global_id();
    let start = first[j];
    let n = count[j];
    let mut p = identity();
    for t in 0..CHUNK {
        if t < n {
            let k = idx[start + t] * 2;
            p = add_affine(p, pts[k], pts[k + 1]);
        }
    }
    store(acc, j, p);
}

/// One tree round: chunk e at position pos[e] of its bucket (len[e] chunks) adds chunk e + s into itself.
@workgroup(64)
kernel msm_reduce_round(acc: &mut [Bn254Fq], pos: &[u32], len: &[u32], s: u32) {
    let e = global_id();
    let p = pos[e];
    if p % (s << 1) == 0 {
        if p + s < len[e] {
            store(acc, e, add(load(acc, e), load(acc, e + s)));
        }
    }
}

/// Segment t = w·segs + s of window w holds digits d = lo + 1 ..= hi with lo = s·seglen, hi = min(lo + seglen,
/// nb) (bucket d of window w is w·nb + d − 1; its sum is its first chunk first[·] when count[·] ≠ 0). The
/// running-sum trick over the segment alone gives running = Σ B_d and total = Σ (d − lo)·B_d; the window's
/// Σ_d d·B_d is then Σ over its segments of total + lo·running (msm_segment_scale), so every segment runs in
/// parallel with a chain of 2·seglen additions instead of one thread walking the 2^c − 1 buckets (the
/// segmented bucket reduction of sppark/ICICLE). running goes to seg[t], total to seg[tot + t].
/// Even steps add the next bucket into `running`, odd steps add `running` into `total`: one `add` in the
/// loop body instead of two, which halves the shader (lavapipe compile time grows with its size).
@workgroup(64)
kernel msm_segment_sums(
    acc: &[Bn254Fq],
    first: &[u32],
    count: &[u32],
    seg: &mut [Bn254Fq],
    nb: u32,
    seglen: u32,
    segs: u32,
    tot: u32,
) {
    let t = global_id();
    let w = t / segs;
    let lo = (t % segs) * seglen;
    let mut hi = lo + seglen;
    if hi > nb {
        hi = nb;
    }
    let mut running = identity();
    let mut total = identity();
    for k in 0..2 * MAX_SEGMENT {
        if k < 2 * (hi - lo) {
            let mut x = running;
            let mut y = identity();
            if (k & 1) == 0 {
                let b = w * nb + hi - 1 - (k >> 1);
                if count[b] != 0 {
                    y = load(acc, first[b]);
                }
            } else {
                x = total;
                y = running;
            }
            let r = add(x, y);
            if (k & 1) == 0 {
                running = r;
            } else {
                total = r;
            }
        }
    }
    store(seg, t, running);
    store(seg, tot + t, total);
}

/// seg[t] = total + lo·running for segment t (lo = (t mod segs)·seglen < 2^bits), by double-and-add from
/// the top bit, then one step adding `total`: one `add` in the loop body. Every segment runs in parallel;
/// msm_reduce_round then sums each window's segments in place (window w's sum lands in seg[w·segs]).
@workgroup(64)
kernel msm_segment_scale(seg: &mut [Bn254Fq], seglen: u32, segs: u32, tot: u32, bits: u32) {
    let t = global_id();
    let m = (t % segs) * seglen;
    let running = load(seg, t);
    let mut acc = identity();
    for j in 0..2 * MAX_WINDOW_BITS + 1 {
        if j <= 2 * bits {
            let mut y = acc;
            let mut go: u32 = 1;
            if j == 2 * bits {
                y = load(seg, tot + t);
            } else {
                if (j & 1) == 1 {
                    y = running;
                    go = (m >> (bits - 1 - (j >> 1))) & 1;
                }
            }
            if go == 1 {
                acc = add(acc, y);
            }
        }
    }
    store(seg, t, acc);
}

/// out = Σ_w 2^(c·w)·wsum[w·stride], Horner from the top window: per window c steps acc + acc, then
/// acc + wsum (`add` doubles equal points), again one `add` in the loop body. One invocation: the host
/// combination (runtime/gpu/msm.ts) is faster end to end on a GPU; this keeps the whole MSM on the device.
@workgroup(1)
kernel msm_combine(wsum: &[Bn254Fq], out: &mut [Bn254Fq], windows: u32, c: u32, stride: u32) {
    let mut acc = identity();
    for k in 0..MAX_WINDOWS {
        if k < windows {
            for j in 0..MAX_WINDOW_BITS + 1 {
                if j <= c {
                    let mut q = acc;
                    if j == c {
                        q = load(wsum, (windows - 1 - k) * stride);
                    }
                    acc = add(acc, q);
                }
            }
        }
    }
    store(out, global_id(), acc);
}

/// The operands of one batch-affine addition: pair e adds points a and b of a point list held as three
/// buffers (x, y, and inf = 1 for the identity; coordinates apart so that a lane reads x and y through two
/// ports at once). a = b marks a point carried to the next round alone. `kind`: 0 an addition with
/// denominator `d` and numerator `num` (Δx and Δy, or 2y and 3x² for P + P), 1 the sum is P, 2 it is Q,
/// 3 the identity.
struct AffinePair {
    x1: Bn254Fq,
    y1: Bn254Fq,
    x2: Bn254Fq,
    y2: Bn254Fq,
    d: Bn254Fq,
    num: Bn254Fq,
    kind: u32,
    inf1: u32,
}

fn affine_pair(xs: &[Bn254Fq], ys: &[Bn254Fq], inf: &[u32], a: u32, b: u32) -> AffinePair {
    let x1 = xs[a];
    let y1 = ys[a];
    let x2 = xs[b];
    let y2 = ys[b];
    let inf1 = inf[a];
    let mut d: Bn254Fq = 1;
    let mut num: Bn254Fq = 0;
    let mut kind: u32 = 0;
    if a == b {
        kind = 1;
    } else if inf[b] == 1 {
        kind = 1;
    } else if inf1 == 1 {
        kind = 2;
    } else if x1 != x2 {
        d = x2 - x1;
        num = y2 - y1;
    } else if y1 == y2 {
        // P + P: λ = 3x² / 2y (y ≠ 0: BN254 G1 has no point of order 2)
        let xx = x1 * x1;
        d = y1 + y1;
        num = xx + xx + xx;
    } else {
        kind = 3;
    }
    AffinePair { x1: x1, y1: y1, x2: x2, y2: y2, d: d, num: num, kind: kind, inf1: inf1 }
}

/// Lane j: pre[e] = Π d over the lane's pairs up to e (pairs j·batch .. j·batch + batch − 1 below npairs).
@workgroup(64)
kernel msm_affine_prefix(
    xs: &[Bn254Fq],
    ys: &[Bn254Fq],
    inf: &[u32],
    pa: &[u32],
    pb: &[u32],
    pre: &mut [Bn254Fq],
    npairs: u32,
    batch: u32,
) {
    let j = global_id();
    let mut acc: Bn254Fq = 1;
    for t in 0..MAX_AFFINE_BATCH {
        let e = j * batch + t;
        if t < batch {
            if e < npairs {
                acc = acc * affine_pair(xs, ys, inf, pa[e], pb[e]).d;
                pre[e] = acc;
            }
        }
    }
}

/// Lane j: linv[j] = pre[last]^(p − 2) = 1 / pre[last], with `exp` the eight little-endian words of p − 2
/// (square-and-multiply from the top bit: one loop whose carried value passes through two multiplies).
@workgroup(64)
kernel msm_affine_invert(
    pre: &[Bn254Fq],
    exp: &[u32],
    linv: &mut [Bn254Fq],
    npairs: u32,
    batch: u32,
) {
    let j = global_id();
    let mut last = j * batch + batch - 1;
    if last >= npairs {
        last = npairs - 1;
    }
    let a = pre[last];
    let mut r: Bn254Fq = 1;
    for k in 0..256 {
        let bit = 255 - k;
        let sq = r * r;
        if ((exp[bit >> 5] >> (bit & 31)) & 1) == 1 {
            r = sq * a;
        } else {
            r = sq;
        }
    }
    linv[j] = r;
}

/// Lane j, from its last pair back: 1/d_e = linv · pre[e − 1] (1 for the lane's first pair), then
/// linv ·= d_e; pair e's sum goes to (ox[e], oy[e], oinf[e]).
@workgroup(64)
kernel msm_affine_finish(
    xs: &[Bn254Fq],
    ys: &[Bn254Fq],
    inf: &[u32],
    pa: &[u32],
    pb: &[u32],
    pre: &[Bn254Fq],
    linv: &[Bn254Fq],
    ox: &mut [Bn254Fq],
    oy: &mut [Bn254Fq],
    oinf: &mut [u32],
    npairs: u32,
    batch: u32,
) {
    let j = global_id();
    let mut inv = linv[j];
    for t in 0..MAX_AFFINE_BATCH {
        if t < batch {
            let u = batch - 1 - t;
            let e = j * batch + u;
            if e < npairs {
                let p = affine_pair(xs, ys, inf, pa[e], pb[e]);
                let mut prev: Bn254Fq = 1;
                if u > 0 {
                    prev = pre[e - 1];
                }
                let di = inv * prev;
                inv = inv * p.d;
                let lambda = p.num * di;
                let x3 = lambda * lambda - p.x1 - p.x2;
                let mut x = x3;
                let mut y = lambda * (p.x1 - x3) - p.y1;
                let mut z: u32 = 0;
                if p.kind == 1 {
                    x = p.x1;
                    y = p.y1;
                    z = p.inf1;
                } else if p.kind == 2 {
                    x = p.x2;
                    y = p.y2;
                } else if p.kind == 3 {
                    z = 1;
                }
                ox[e] = x;
                oy[e] = y;
                oinf[e] = z;
            }
        }
    }
}

/// acc[slot[i]] = point i of the last round as a Jacobian triple (Z = 1, or 0 for the identity), where
/// msm_segment_sums reads each bucket's sum.
@workgroup(64)
kernel msm_affine_to_jac(
    xs: &[Bn254Fq],
    ys: &[Bn254Fq],
    inf: &[u32],
    slot: &[u32],
    acc: &mut [Bn254Fq],
) {
    let i = global_id();
    let mut z: Bn254Fq = 1;
    if inf[i] == 1 {
        z = 0;
    }
    store(acc, slot[i], Jac { x: xs[i], y: ys[i], z: z });
}

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

// Radix-2 NTT kernels (natural order in and out). The host (runtime/gpu/ntt.ts) launches
// ntt_bitrev once, ntt_stage log2(n) times (half = 1, 2, 4, …; stride = n / (2·half)), and
// ntt_scale with 1/n for the inverse. All three also run a batch of transforms of one size m = 2^logn
// stored back to back (a launch over the whole batch): the four-step driver (runtime/gpu/ntt-fourstep.ts)
// uses that for its column and row NTTs, and ntt_twiddle for the ω^(col·row) factors between them.
use std::field::Bn254Fr;

@workgroup(64)
kernel ntt_bitrev(src: &[Bn254Fr], dst: &mut [Bn254Fr], logn: u32) {
    let i = global_id();
    let mut r: u32 = 0;
    for bit in 0..32 {
        if bit < logn {
            r = (r << 1) | ((i >> bit) & 1);
        }
    }
    // Bits above logn select the transform of a batch and stay in place.
    let low = i & ((1 << logn) - 1);
    dst[i - low + r] = src[i];
}

@workgroup(64)
kernel ntt_stage(buf: &mut [Bn254Fr], tw: &[Bn254Fr], half: u32, stride: u32) {
    let i = global_id();
    let j = i % half;
    let lo = (i / half) * (half << 1) + j;
    let hi = lo + half;
    let u = buf[lo];
    let v = buf[hi] * tw[j * stride];
    buf[lo] = u + v;
    buf[hi] = u - v;
}

@workgroup(64)
kernel ntt_scale(buf: &mut [Bn254Fr], s: &[Bn254Fr]) {
    let i = global_id();
    buf[i] = buf[i] * s[0];
}

// Four-step twiddles on a block of columns stored one after another (2^logm rows each, the first being
// column col0): element i is row k = i mod 2^logm of column col = col0 + (i >> logm), and is multiplied
// by ω^(col·k). ω^e = lo[e mod 2^h] · hi[e >> h], two tables of ≈ √n entries instead of n.
@workgroup(64)
kernel ntt_twiddle(
    buf: &mut [Bn254Fr],
    lo: &[Bn254Fr],
    hi: &[Bn254Fr],
    logm: u32,
    col0: u32,
    h: u32,
) {
    let i = global_id();
    let col = col0 + (i >> logm);
    let k = i & ((1 << logm) - 1);
    let e = col * k;
    buf[i] = buf[i] * lo[e & ((1 << h) - 1)] * hi[e >> h];
}

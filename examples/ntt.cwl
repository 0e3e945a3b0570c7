// Example: radix-2 NTT kernels over BN254 Fr (stdlib/kernels/ntt.cwl is the library version: it adds batched
// bit reversal and the four-step twiddle kernel runtime/gpu/ntt-fourstep.ts uses for transforms up to 2^30).
// Build: cwl build examples/ntt.cwl --target wgsl|hls|wasm -o build/ntt  (each folder has a README line on running it)
// Host loop: runtime/gpu/ntt.ts launches ntt_bitrev, log2(n) × ntt_stage and (inverse) ntt_scale.
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
    dst[r] = src[i];
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

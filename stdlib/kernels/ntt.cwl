// Radix-2 NTT kernels (natural order in and out). The host (runtime/gpu/ntt.ts) launches
// ntt_bitrev once, ntt_stage log2(n) times (half = 1, 2, 4, …; stride = n / (2·half)), and
// ntt_scale with 1/n for the inverse. stdlib/kernels/ntt.ts builds the same CWIR until the
// front end compiles kernels; keep the two in step.
use std::field::Bn254Fr;

@workgroup(64) kernel ntt_bitrev(src: &[Bn254Fr], dst: &mut [Bn254Fr], logn: u32) {
  let i = global_id();
  let mut r: u32 = 0;
  for bit in 0..32 {
    if bit < logn { r = (r << 1) | ((i >> bit) & 1); }
  }
  dst[r] = src[i];
}

@workgroup(64) kernel ntt_stage(buf: &mut [Bn254Fr], tw: &[Bn254Fr], half: u32, stride: u32) {
  let i = global_id();
  let j = i % half;
  let lo = (i / half) * (half << 1) + j;
  let hi = lo + half;
  let u = buf[lo];
  let v = buf[hi] * tw[j * stride];
  buf[lo] = u + v;
  buf[hi] = u - v;
}

@workgroup(64) kernel ntt_scale(buf: &mut [Bn254Fr], s: &[Bn254Fr]) {
  let i = global_id();
  buf[i] = buf[i] * s[0];
}

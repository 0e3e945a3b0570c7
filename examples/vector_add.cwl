// Shows: a data-parallel kernel (WebGPU/FPGA/WASM): out[i] = a[i] + b[i] over BN254 Fr, one invocation per element.
use std::field::Bn254Fr;

/// Dispatches run whole workgroups of 64, so invocations past the end of the buffers do nothing.
@workgroup(64)
kernel vector_add(a: &[Bn254Fr], b: &[Bn254Fr], out: &mut [Bn254Fr]) {
    let i = global_id();
    if i < out.len() {
        out[i] = a[i] + b[i];
    }
}

// The plonk bench's workload: h_0 = x, h_{i+1} = Poseidon(h_i, h_i) (circomlib-compatible Poseidon(2)),
// the last hash public. bench/plonk.ts sets HASHES per run (8, 64, 256); circom2 compiles the same chain.
use std::field::Bn254Fr;
use std::hash::poseidon;

const HASHES: u32 = 8;

circuit PoseidonChain(priv x: Bn254Fr) -> Bn254Fr {
    let mut h = x;
    for i in 0..HASHES {
        h = poseidon::hash2(h, h);
    }
    h
}

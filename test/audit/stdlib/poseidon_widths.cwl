// std::hash::poseidon at every width the chip lays out, chained into one output.
use std::field::Bn254Fr;
use std::hash::poseidon;

circuit PoseidonWidths(priv x: [Bn254Fr; 5]) -> Bn254Fr {
    let a = poseidon::hash1(x[0]);
    let b = poseidon::hash2(a, x[1]);
    let c = poseidon::hash3(b, x[1], x[2]);
    let d = poseidon::hash4(c, x[1], x[2], x[3]);
    poseidon::hash5(d, x[1], x[2], x[3], x[4])
}

// Shows: proving knowledge of a Poseidon preimage (public hash, private inputs), circomlib-compatible Poseidon(2).
use std::field::Bn254Fr;
use std::hash::poseidon;

circuit PoseidonPreimage(pub hash: Bn254Fr, priv preimage: [Bn254Fr; 2]) {
    assert_eq(poseidon::hash2(preimage[0], preimage[1]), hash, "preimage does not hash to `hash`");
}

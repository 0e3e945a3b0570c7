//! std::field — the prime fields ChainWeave knows, each declared by its modulus. A circuit generic
//! over `F: Field` is instantiated with one of them (`cwl build --field bn254|bls12_381|goldilocks|
//! babybear|pallas|vesta`); code that needs a particular field (e.g. Poseidon's BN254 constants)
//! names it. test/stdlib/field.test.ts checks every modulus against @noble/curves and the published primes.

/// BN254 (alt_bn128) scalar field r: the circuit field of circom/snarkjs, Halo2-KZG and the Ethereum precompiles.
pub field Bn254Fr = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

/// BN254 base field q: coordinates of G1 points (non-native arithmetic, recursion).
pub field Bn254Fq = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47;

/// BLS12-381 scalar field r (Zcash Sapling, Ethereum consensus, Filecoin).
pub field Bls12_381Fr = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001;

/// Goldilocks 2^64 - 2^32 + 1 (Plonky2/3, Polygon zkEVM): 64-bit limbs, 2-adicity 32.
pub field Goldilocks = 0xffffffff00000001;

/// BabyBear 2^31 - 2^27 + 1 = 15 * 2^27 + 1 (RISC Zero, SP1, Plonky3): 31-bit, 2-adicity 27.
pub field BabyBear = 0x78000001;

/// Pallas base field p (= Vesta scalar field): Halo2-IPA, Mina, Zcash Orchard.
pub field Pallas = 0x40000000000000000000000000000000224698fc094cf91b992d30ed00000001;

/// Vesta base field q (= Pallas scalar field).
pub field Vesta = 0x40000000000000000000000000000000224698fc0994a8dd8c46eb2100000001;

// Short names matching `--field` (`use std::field::bn254;`).
pub type bn254 = Bn254Fr;
pub type bls12_381 = Bls12_381Fr;
pub type goldilocks = Goldilocks;
pub type babybear = BabyBear;
pub type pallas = Pallas;
pub type vesta = Vesta;

/// x / y with one constraint, r * y == x, for a divisor the caller has already shown to be nonzero.
/// `/` costs one more row: it also proves y != 0 (y * y^-1 == 1), so that x = y = 0 cannot prove any
/// result. Here, when x = y = 0 the prover may choose the result freely; use `/` unless another
/// constraint rules that case out. With y = 0 and x != 0 it fails like `/`.
pub fn unchecked_div<F: Field>(x: F, y: F) -> F {
    let r = quotient_hint(x, y);
    assert_eq(r * y, x, "unchecked_div: the divisor is 0 and the dividend is not");
    r
}

/// x / y, or 0 for a 0 divisor (the witness of unchecked_div).
hint fn quotient_hint<F: Field>(x: F, y: F) -> F {
    if y == 0 {
        0
    } else {
        x / y
    }
}

//! std::hash::poseidon — Poseidon over BN254 Fr with circomlib's parameters: state width t = n + 1,
//! x^5 S-box, 8 full rounds (4 before and 4 after the partial rounds), 56/57/56/60/60 partial
//! rounds for t = 2..6, round constants and MDS matrices equal to circomlib's (see constants.cwl).
//! `hashN` equals circomlib's `Poseidon(N)` template and circomlibjs' `poseidon([...])`:
//! the state starts as [0, inputs...] and the digest is state[0] after the permutation.

use std::field::Bn254Fr;

pub mod constants;

/// x^5, Poseidon's S-box for BN254 (gcd(5, r - 1) = 1, so it is a permutation).
pub fn sbox(x: Bn254Fr) -> Bn254Fr {
    let x2 = x * x;
    let x4 = x2 * x2;
    x4 * x
}

/// Multiplies the state by the MDS matrix: out[i] = sum_j m[i][j] * s[j].
pub fn mix<const T: u32>(s: [Bn254Fr; T], m: [[Bn254Fr; T]; T]) -> [Bn254Fr; T] {
    let mut out = [0; T];
    for i in 0..T {
        let mut acc = 0;
        for j in 0..T {
            acc = acc + m[i][j] * s[j];
        }
        out[i] = acc;
    }
    out
}

/// Add round constants, S-box on every element, mix.
pub fn full_round<const T: u32>(
    s: [Bn254Fr; T],
    rc: [Bn254Fr; T],
    m: [[Bn254Fr; T]; T],
) -> [Bn254Fr; T] {
    let mut x = s;
    for i in 0..T {
        x[i] = sbox(x[i] + rc[i]);
    }
    mix(x, m)
}

/// Add round constants, S-box on the first element only, mix.
pub fn partial_round<const T: u32>(
    s: [Bn254Fr; T],
    rc: [Bn254Fr; T],
    m: [[Bn254Fr; T]; T],
) -> [Bn254Fr; T] {
    let mut x = s;
    for i in 0..T {
        x[i] = x[i] + rc[i];
    }
    x[0] = sbox(x[0]);
    mix(x, m)
}

/// The Poseidon permutation with R rounds (8 full + R - 8 partial): round constants `c` (one row per
/// round) and MDS matrix `m`, e.g. `permute(state, constants::C3, constants::M3)`.
pub fn permute<const T: u32, const R: u32>(
    state: [Bn254Fr; T],
    c: [[Bn254Fr; T]; R],
    m: [[Bn254Fr; T]; T],
) -> [Bn254Fr; T] {
    let mut s = state;
    for r in 0..4 {
        s = full_round(s, c[r], m);
    }
    for r in 4..R - 4 {
        s = partial_round(s, c[r], m);
    }
    for r in R - 4..R {
        s = full_round(s, c[r], m);
    }
    s
}

/// circomlib `Poseidon(1)` (t = 2).
pub fn hash1(a: Bn254Fr) -> Bn254Fr {
    permute([0, a], constants::C2, constants::M2)[0]
}

/// circomlib `Poseidon(2)` (t = 3): the usual Merkle-tree node hash.
pub fn hash2(a: Bn254Fr, b: Bn254Fr) -> Bn254Fr {
    permute([0, a, b], constants::C3, constants::M3)[0]
}

/// circomlib `Poseidon(3)` (t = 4).
pub fn hash3(a: Bn254Fr, b: Bn254Fr, c: Bn254Fr) -> Bn254Fr {
    permute([0, a, b, c], constants::C4, constants::M4)[0]
}

/// circomlib `Poseidon(4)` (t = 5).
pub fn hash4(a: Bn254Fr, b: Bn254Fr, c: Bn254Fr, d: Bn254Fr) -> Bn254Fr {
    permute([0, a, b, c, d], constants::C5, constants::M5)[0]
}

/// circomlib `Poseidon(5)` (t = 6).
pub fn hash5(a: Bn254Fr, b: Bn254Fr, c: Bn254Fr, d: Bn254Fr, e: Bn254Fr) -> Bn254Fr {
    permute([0, a, b, c, d, e], constants::C6, constants::M6)[0]
}

//! std::zkvm — the zkVM's precompiles as functions. Each has a software body, which the interpreter
//! and every other backend run; `--target zkvm` replaces a call of it by the precompile's `ecall`
//! (backends/zkvm, spec/zkvm.md "Precompiles"), so both compute the same function.
//! test/zkvm/precompile.test.ts checks the two against each other and against node:crypto.
use std::hash::sha256;

/// One SHA-256 compression: the state after absorbing a 16-word (64-byte) block, words big-endian as
/// SHA-256 reads the message. In the zkVM: `ecall 0x101` (one call instead of about 7,400 instructions).
pub fn sha256_compress(state: [u32; 8], block: [u32; 16]) -> [u32; 8] {
    sha256::compress(state, block)
}

/// One SHA-256 compression of the 64 bytes `data[at..at + 64]` (a message block as it is stored) into
/// `state`; bytes past the end of `data` are an out-of-bounds error. In the zkVM: bounds checks and
/// `ecall 0x100`, which reads the block straight from the buffer (no words are built).
pub fn sha256_compress_bytes(state: [u32; 8], data: Bytes, at: u32) -> [u32; 8] {
    let mut words = [0u32; 16];
    for i in 0..16 {
        let p = at + 4 * i;
        words[i] = sha256::be_word(data[p], data[p + 1], data[p + 2], data[p + 3]);
    }
    sha256::compress(state, words)
}

/// Keccak-f[1600] round constants (ι), FIPS 202 §3.2.5.
pub const KECCAK_RC: [u64; 24] = [
    0x0000000000000001,
    0x0000000000008082,
    0x800000000000808a,
    0x8000000080008000,
    0x000000000000808b,
    0x0000000080000001,
    0x8000000080008081,
    0x8000000000008009,
    0x000000000000008a,
    0x0000000000000088,
    0x0000000080008009,
    0x000000008000000a,
    0x000000008000808b,
    0x800000000000008b,
    0x8000000000008089,
    0x8000000000008003,
    0x8000000000008002,
    0x8000000000000080,
    0x000000000000800a,
    0x800000008000000a,
    0x8000000080008081,
    0x8000000000008080,
    0x0000000080000001,
    0x8000000080008008,
];

/// ρ's rotation of lane x + 5y, FIPS 202 §3.2.2.
pub const KECCAK_RHO: [u64; 25] = [
    0,
    1,
    62,
    28,
    27,
    36,
    44,
    6,
    55,
    20,
    3,
    10,
    43,
    25,
    39,
    41,
    45,
    15,
    21,
    8,
    18,
    2,
    61,
    56,
    14,
];

/// (x + 1) mod 5, (x + 2) mod 5 and (x + 4) mod 5 for x < 5: lane neighbours in θ and χ (tables, as
/// integer `%` is not allowed where these functions may be constrained).
const MOD5_PLUS1: [u32; 5] = [1, 2, 3, 4, 0];
const MOD5_PLUS2: [u32; 5] = [2, 3, 4, 0, 1];
const MOD5_PLUS4: [u32; 5] = [4, 0, 1, 2, 3];
/// π: lane x + 5y moves to lane y + 5·((2x + 3y) mod 5).
const KECCAK_PI: [u32; 25] = [
    0,
    10,
    20,
    5,
    15,
    16,
    1,
    11,
    21,
    6,
    7,
    17,
    2,
    12,
    22,
    23,
    8,
    18,
    3,
    13,
    14,
    24,
    9,
    19,
    4,
];

/// Rotate a 64-bit lane left by n (0 ≤ n < 64).
pub fn rotl64(x: u64, n: u64) -> u64 {
    if n == 0 {
        x
    } else {
        (x << n) | (x >> (64 - n))
    }
}

/// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι over the 25 lanes (lane x + 5y). In the zkVM: `ecall 0x102`.
pub fn keccak_f(state: [u64; 25]) -> [u64; 25] {
    let mut a = state;
    for round in 0..24 {
        let mut c = [0u64; 5];
        for x in 0..5 {
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        }
        for x in 0..5 {
            let d = c[MOD5_PLUS4[x]] ^ rotl64(c[MOD5_PLUS1[x]], 1);
            for y in 0..5 {
                a[x + 5 * y] = a[x + 5 * y] ^ d;
            }
        }
        let mut b = [0u64; 25];
        for x in 0..5 {
            for y in 0..5 {
                b[KECCAK_PI[x + 5 * y]] = rotl64(a[x + 5 * y], KECCAK_RHO[x + 5 * y]);
            }
        }
        for y in 0..5 {
            for x in 0..5 {
                a[x + 5 * y] = b[x + 5 * y] ^
                    (~b[MOD5_PLUS1[x] + 5 * y] & b[MOD5_PLUS2[x] + 5 * y]);
            }
        }
        a[0] = a[0] ^ KECCAK_RC[round];
    }
    a
}

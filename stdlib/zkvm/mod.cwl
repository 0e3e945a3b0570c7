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

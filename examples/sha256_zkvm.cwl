// Shows: SHA-256 of the whole input in a zkVM guest through the SHA-256 precompile. Each whole 64-byte
// block is compressed straight from the input buffer (std::zkvm::sha256_compress_bytes: one ecall),
// the padded tail as words (std::zkvm::sha256_compress); the result is digest word `k` (0..7).
// `cwl build examples/sha256_zkvm.cwl --target zkvm -o sha.cwvm && cwl run sha.cwvm --input examples/sha256_zkvm.json`;
// the interpreter runs the same functions in software.
use std::hash::sha256;
use std::zkvm;

program Sha256(input: Bytes, k: u32) -> u32 {
    let n = input.len();
    let full = n / 64;
    let mut state = sha256::IV;
    let mut blk = 0u32;
    while blk < full {
        state = zkvm::sha256_compress_bytes(state, input, blk * 64);
        blk += 1;
    }
    // the tail: the n % 64 bytes left, 0x80, zeros and the bit length, in one or two blocks of words
    let rem = n % 64;
    let mut tail = [0u32; 32];
    let mut i = 0u32;
    while i < rem {
        tail[i / 4] = tail[i / 4] | ((input[full * 64 + i] as u32) << (24 - 8 * (i % 4)));
        i += 1;
    }
    tail[rem / 4] = tail[rem / 4] | (0x80u32 << (24 - 8 * (rem % 4)));
    let mut blocks = 1u32;
    if rem >= 56 {
        blocks = 2;
    }
    tail[16 * blocks - 2] = n >> 29;
    tail[16 * blocks - 1] = n << 3;
    let mut b = 0u32;
    while b < blocks {
        let mut words = [0u32; 16];
        for j in 0..16 {
            words[j] = tail[16 * b + j];
        }
        state = zkvm::sha256_compress(state, words);
        b += 1;
    }
    state[k % 8]
}

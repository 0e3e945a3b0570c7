//! std::hash::sha256 — SHA-256 (FIPS 180-4) on u32 words: message schedule, compression, and
//! padding for messages whose length is known at compile time (`hash::<N>(msg: [u8; N])`).
//! Additions are mod 2^32: they are done in u64 and truncated, so the code does not depend on how a
//! backend treats u32 overflow. test/stdlib/sha256.test.ts checks every length 0..200 against node:crypto.

/// Round constants: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
pub const K: [u32; 64] = [
    0x428a2f98,
    0x71374491,
    0xb5c0fbcf,
    0xe9b5dba5,
    0x3956c25b,
    0x59f111f1,
    0x923f82a4,
    0xab1c5ed5,
    0xd807aa98,
    0x12835b01,
    0x243185be,
    0x550c7dc3,
    0x72be5d74,
    0x80deb1fe,
    0x9bdc06a7,
    0xc19bf174,
    0xe49b69c1,
    0xefbe4786,
    0x0fc19dc6,
    0x240ca1cc,
    0x2de92c6f,
    0x4a7484aa,
    0x5cb0a9dc,
    0x76f988da,
    0x983e5152,
    0xa831c66d,
    0xb00327c8,
    0xbf597fc7,
    0xc6e00bf3,
    0xd5a79147,
    0x06ca6351,
    0x14292967,
    0x27b70a85,
    0x2e1b2138,
    0x4d2c6dfc,
    0x53380d13,
    0x650a7354,
    0x766a0abb,
    0x81c2c92e,
    0x92722c85,
    0xa2bfe8a1,
    0xa81a664b,
    0xc24b8b70,
    0xc76c51a3,
    0xd192e819,
    0xd6990624,
    0xf40e3585,
    0x106aa070,
    0x19a4c116,
    0x1e376c08,
    0x2748774c,
    0x34b0bcb5,
    0x391c0cb3,
    0x4ed8aa4a,
    0x5b9cca4f,
    0x682e6ff3,
    0x748f82ee,
    0x78a5636f,
    0x84c87814,
    0x8cc70208,
    0x90befffa,
    0xa4506ceb,
    0xbef9a3f7,
    0xc67178f2,
];

/// Initial hash value: first 32 bits of the fractional parts of the square roots of the first 8 primes.
pub const IV: [u32; 8] = [
    0x6a09e667,
    0xbb67ae85,
    0x3c6ef372,
    0xa54ff53a,
    0x510e527f,
    0x9b05688c,
    0x1f83d9ab,
    0x5be0cd19,
];

/// a + b mod 2^32.
pub fn add(a: u32, b: u32) -> u32 {
    (((a as u64) + (b as u64)) & 0xffffffff) as u32
}

/// Rotate right by n (0 < n < 32).
pub fn rotr(x: u32, n: u32) -> u32 {
    (x >> n) | (x << (32 - n))
}

/// Big-endian word from four bytes.
pub fn be_word(b0: u8, b1: u8, b2: u8, b3: u8) -> u32 {
    ((b0 as u32) << 24) | ((b1 as u32) << 16) | ((b2 as u32) << 8) | (b3 as u32)
}

/// One compression: the state after absorbing a 16-word (64-byte) block.
pub fn compress(state: [u32; 8], block: [u32; 16]) -> [u32; 8] {
    let mut w = [0u32; 64];
    for i in 0..16 {
        w[i] = block[i];
    }
    for i in 16..64 {
        let x = w[i - 15];
        let y = w[i - 2];
        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10);
        w[i] = add(add(w[i - 16], s0), add(w[i - 7], s1));
    }
    let mut a = state[0];
    let mut b = state[1];
    let mut c = state[2];
    let mut d = state[3];
    let mut e = state[4];
    let mut f = state[5];
    let mut g = state[6];
    let mut h = state[7];
    for i in 0..64 {
        let big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        let ch = (e & f) ^ (~e & g);
        let t1 = add(add(add(h, big_s1), add(ch, K[i])), w[i]);
        let big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = add(big_s0, maj);
        h = g;
        g = f;
        f = e;
        e = add(d, t1);
        d = c;
        c = b;
        b = a;
        a = add(t1, t2);
    }
    [
        add(state[0], a),
        add(state[1], b),
        add(state[2], c),
        add(state[3], d),
        add(state[4], e),
        add(state[5], f),
        add(state[6], g),
        add(state[7], h),
    ]
}

/// SHA-256 of an N-byte message, as eight big-endian words (digest bytes 4i..4i+3 = word i).
/// Padding is laid out at compile time: the N / 64 whole blocks are compressed as they are; the
/// N % 64 leftover bytes, 0x80, zeros and the 64-bit bit length fill one or two final blocks.
pub fn hash<const N: u32>(msg: [u8; N]) -> [u32; 8] {
    let mut state = IV;
    for blk in 0..N / 64 {
        let mut words = [0u32; 16];
        for i in 0..16 {
            let p = blk * 64 + 4 * i;
            words[i] = be_word(msg[p], msg[p + 1], msg[p + 2], msg[p + 3]);
        }
        state = compress(state, words);
    }
    let mut tail = [0u8; 128];
    for i in 0..N % 64 {
        tail[i] = msg[N - N % 64 + i];
    }
    tail[N % 64] = 0x80;
    let end = (N % 64 + 72) / 64 * 64;
    let bits = (N as u64) * 8;
    for k in 0..8 {
        tail[end - 1 - k] = ((bits >> ((8 * k) as u64)) & 0xff) as u8;
    }
    for blk in 0..(N % 64 + 72) / 64 {
        let mut words = [0u32; 16];
        for i in 0..16 {
            let p = blk * 64 + 4 * i;
            words[i] = be_word(tail[p], tail[p + 1], tail[p + 2], tail[p + 3]);
        }
        state = compress(state, words);
    }
    state
}

/// The digest as 32 bytes (big-endian words), the usual byte-string form.
pub fn to_bytes(digest: [u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for i in 0..8 {
        for k in 0..4 {
            out[4 * i + k] = ((digest[i] >> (24 - 8 * k)) & 0xff) as u8;
        }
    }
    out
}

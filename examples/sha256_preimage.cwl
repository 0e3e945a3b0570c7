// Shows: SHA-256 in a circuit on u32 ops: the private 11-byte preimage hashes to the public digest.
use std::hash::sha256;

circuit Sha256Preimage(pub digest: [u32; 8], priv preimage: [u8; 11]) {
    let d = sha256::hash(preimage);
    for i in 0..8 {
        assert_eq(d[i], digest[i], "preimage does not hash to `digest`");
    }
}

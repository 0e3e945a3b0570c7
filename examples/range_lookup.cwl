// Shows: a range proof with a lookup table: a hint splits balance - amount into bytes, each found in `range8`.
use std::field::Bn254Fr;

/// Every byte value; `lookup x in range8` constrains x to 0..256.
table range8: u8 = 0..256;

/// Witness computation (unconstrained): the four little-endian bytes of x. Fails if x >= 2^32.
hint fn byte_limbs(x: Bn254Fr) -> [Bn254Fr; 4] {
    let bits = x.to_bits(32);
    let mut limbs = [0; 4];
    for i in 0..4 {
        let mut byte = [false; 8];
        for k in 0..8 {
            byte[k] = bits[8 * i + k];
        }
        limbs[i] = byte.from_bits();
    }
    limbs
}

/// Proves balance >= amount without revealing balance: the difference has a 4-byte decomposition,
/// so it lies in 0..2^32 and cannot be a wrapped-around negative number. The hint's limbs are only
/// trusted after the lookups and the recomposition check below.
circuit SufficientBalance(pub amount: Bn254Fr, priv balance: Bn254Fr) {
    let diff = balance - amount;
    let limbs = byte_limbs(diff);
    let mut acc = 0;
    for i in 0..4 {
        lookup limbs[3 - i] in range8;
        acc = acc * 256 + limbs[3 - i];
    }
    assert_eq(acc, diff, "limbs do not decompose balance - amount");
}

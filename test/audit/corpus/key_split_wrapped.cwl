// A canonical-split check that misses the wrap: key = high·16 + low with low's 4 bits constrained and
// only high + (2^250 − P_HI) range-checked. A "negative" high (p − t) passes that check too, so about
// a third of all keys (high ≥ 2·P_HI − 2^250) have a second split with other low bits (key = p − 12: high = P_HI − 1, low = 5,
// or high = p − 1, low = 4). Both witnesses prove.
// expect: E0661
use std::field::Bn254Fr;
use std::kv;

hint fn split16(key: Bn254Fr) -> [Bn254Fr; 2] {
    let bits = key.to_bits(254);
    let mut low: Bn254Fr = 0;
    let mut high: Bn254Fr = 0;
    let mut pow: Bn254Fr = 1;
    for i in 0..4 {
        if bits[i] { low = low + pow; }
        pow = pow * 2;
    }
    pow = 1;
    for i in 4..254 {
        if bits[i] { high = high + pow; }
        pow = pow * 2;
    }
    [low, high]
}

circuit KeyIndex(pub key: Bn254Fr) -> Bn254Fr {
    let parts = split16(key);
    let low_bits = kv::num2bits::<4>(parts[0]);
    // p ≡ 1 (mod 16), so P_HI = p >> 4 = (p − 1)/16 = −1/16 in the field.
    let p_hi = (0 - 1) / 16;
    kv::assert_bits::<250, 32>(parts[1] + (2 ** 250) - p_hi);
    assert_eq(parts[1] * 16 + parts[0], key, "the split recomposes the key");
    low_bits[0]
}

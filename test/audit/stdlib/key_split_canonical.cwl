// The canonical key split as std::kv::index_bits checks it: high range-checked to 250 bits as
// well as high + (2^250 − P_HI), so high < P_HI and key = high·16 + low < p has one split. `cwl audit`
// proves it (interval through x + K < 2^250 with x ranged, then the recomposition is injective).
use std::field::Bn254Fr;
use std::hash::poseidon;
use std::kv;
hint fn split16(key: Bn254Fr) -> [Bn254Fr; 2] {
    let bits = key.to_bits(254);
    let mut low: Bn254Fr = 0;
    let mut high: Bn254Fr = 0;
    let mut pow: Bn254Fr = 1;
    for i in 0..4 { if bits[i] { low = low + pow; } pow = pow * 2; }
    pow = 1;
    for i in 4..254 { if bits[i] { high = high + pow; } pow = pow * 2; }
    [low, high]
}
circuit KeySplitCanonical(pub key: Bn254Fr) -> Bn254Fr {
    let parts = split16(key);
    let low_bits = kv::num2bits::<4>(parts[0]);
    let p_hi = (0 - 1) / 16;
    kv::assert_bits::<250, 32>(parts[1]);
    kv::assert_bits::<250, 32>(parts[1] + (2 ** 250) - p_hi);
    assert_eq(parts[1] * 16 + parts[0], key, "the split recomposes the key");
    poseidon::hash4(low_bits[0], low_bits[1], low_bits[2], low_bits[3])
}

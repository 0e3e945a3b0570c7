// Bits from a hint are recomposed but never constrained to 0/1: b0 = x, b1 = b2 = b3 = 0 also
// recomposes x, and the selects below then pick arbitrary mixtures.
// expect: E0660@10 E0661
hint fn bits4(x: Field) -> [Field; 4] {
    let b = x.to_bits(4);
    [if b[0] { 1 } else { 0 }, if b[1] { 1 } else { 0 }, if b[2] { 1 } else { 0 }, if b[3] { 1 } else { 0 }]
}

circuit Pick(pub a: Field, pub b: Field, priv x: Field) -> Field {
    let bits = bits4(x);
    assert_eq(bits[0] + 2 * bits[1] + 4 * bits[2] + 8 * bits[3], x, "bits recompose x");
    bits[0] * (a - b) + b
}

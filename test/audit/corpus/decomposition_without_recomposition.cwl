// Bits are each 0 or 1, but nothing says they recompose x: any 8 bits pass.
// expect: E0660@13 E0661 E0662
hint fn bits8(x: Field) -> [Field; 8] {
    let b = x.to_bits(8);
    let mut out: [Field; 8] = [0; 8];
    for i in 0..8 {
        if b[i] { out[i] = 1; }
    }
    out
}

circuit Parity(priv x: Field) -> Field {
    let bits = bits8(x);
    for i in 0..8 {
        assert_eq(bits[i] * (bits[i] - 1), 0, "bit");
    }
    bits[0]
}

// Byte limbs are range-checked, but 33 of them reach 2^264 > p: the recomposition wraps around the
// modulus, so x has a second decomposition and x = p − 1 "fits".
// expect: E0660@22 E0661
table range8: u8 = 0..256;

hint fn bytes33(x: Field) -> [Field; 33] {
    let b = x.to_bits(254);
    let mut out: [Field; 33] = [0; 33];
    for i in 0..31 {
        let mut v: Field = 0;
        let mut p: Field = 1;
        for j in 0..8 {
            if 8 * i + j < 254 { if b[8 * i + j] { v = v + p; } }
            p = p + p;
        }
        out[i] = v;
    }
    out
}

circuit Wide(priv x: Field) -> Field {
    let limbs = bytes33(x);
    let mut acc: Field = 0;
    let mut pow: Field = 1;
    for i in 0..33 {
        lookup limbs[i] in range8;
        acc = acc + limbs[i] * pow;
        pow = pow * 256;
    }
    assert_eq(acc, x, "limbs recompose x");
    limbs[32]
}

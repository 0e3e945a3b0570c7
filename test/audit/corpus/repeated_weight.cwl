// Range-checked limbs recomposed with the same weight twice (the power is not advanced): a carry can
// move between limbs 1 and 2.
// expect: E0660 E0661
table range8: u8 = 0..256;

hint fn bytes3(x: Field) -> [Field; 3] {
    [x, 0, 0]
}

circuit Limbs(priv x: Field) -> Field {
    let l = bytes3(x);
    lookup l[0] in range8;
    lookup l[1] in range8;
    lookup l[2] in range8;
    assert_eq(l[0] + 256 * l[1] + 256 * l[2], x, "limbs recompose x");
    l[1]
}

// A u8 parameter published as a field element: the backend range-checks the byte, so out ∈ 0..255 and
// x = out (the layout once had 0 rows and proved out = 1000).
circuit Byte(pub out: Field, priv x: u8) {
    assert_eq(x as Field, out, "out is a byte");
}

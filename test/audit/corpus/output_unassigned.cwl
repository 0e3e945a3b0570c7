// The output comes from a hint; the constraint checks the input, never the output.
// expect: E0661
hint fn square(x: Field) -> Field {
    x * x
}

circuit Square(priv x: Field, pub limit: Field) -> Field {
    assert_eq(x * limit, limit, "x is 1 unless limit is 0");
    square(x)
}

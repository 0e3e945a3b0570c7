// y·y = x has two roots: the output's sign is the prover's choice.
// expect: E0661
hint fn sqrt_hint(x: Field) -> Field {
    x
}

circuit Root(priv x: Field) -> Field {
    let y = sqrt_hint(x);
    assert_eq(y * y, x, "y is a square root of x");
    y
}

// A selector from a hint switches the equality check on and off: the prover sets it to 0.
// expect: E0660@8
hint fn enabled(a: Field, b: Field) -> Field {
    1
}

circuit Equal(pub a: Field, priv b: Field) {
    let s = enabled(a, b);
    assert_eq(s * (a - b), 0, "a equals b when enabled");
}

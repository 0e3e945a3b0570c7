// The is-zero gadget without x·out = 0: for x ≠ 0 any inv gives some out, so out is free.
// expect: E0661
hint fn inv_or_zero(x: Field) -> Field {
    if x == 0 { 0 } else { 1 / x }
}

circuit IsZero(priv x: Field) -> Field {
    let inv = inv_or_zero(x);
    1 - x * inv
}

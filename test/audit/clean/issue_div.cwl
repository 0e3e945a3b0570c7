// x / y as an output: r·y = x plus y·t = 1 (the divisor is nonzero), so r = x/y is unique (with
// r·y = x alone, x = y = 0 let any r through).
circuit Div(priv x: Field, priv y: Field) -> Field {
    x / y
}

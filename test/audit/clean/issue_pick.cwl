// A select on an element of a bool array: the element gets a booleanity constraint, so r is a or b
// (without it, choice = −3 picked out = 50 for a = 10, b = 20).
circuit Pick(pub a: Field, pub b: Field, pub out: Field, priv choice: [bool; 1]) {
    let r = if choice[0] { a } else { b };
    assert_eq(r, out, "out must be a or b");
}

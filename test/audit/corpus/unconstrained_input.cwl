// A private input no constraint reads: the proof says nothing about `salt`.
// expect: E0662
circuit Commit(pub c: Field, priv x: Field, priv salt: Field) {
    assert_eq(x * x, c, "c is x squared");
}

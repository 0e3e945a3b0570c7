// One element of a private array is never read: the loop bound is off by one.
// expect: E0662
circuit Sum(pub total: Field, priv xs: [Field; 4]) {
    let mut acc: Field = 0;
    for i in 0..3 {
        acc = acc + xs[i];
    }
    assert_eq(acc, total, "xs sum to total");
}

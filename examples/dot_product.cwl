// Shows: a two-party MPC protocol: each party holds a secret vector and only their dot product is revealed.
protocol DotProduct(secret(0) a: [sint; 4], secret(1) b: [sint; 4]) {
    let mut acc = a[0] * b[0];
    for i in 1..4 {
        acc = acc + a[i] * b[i];
    }
    reveal acc;
}

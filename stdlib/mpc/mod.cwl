// Activations for fixed-point MPC protocols (`std::mpc`). Generic over the value type so that they
// are checked where a protocol calls them, on `sfix` scalars: a comparison gives a secret 0/1 `sint`,
// and an `sfix` times an `sint` is a fixed-point value (not truncated).

/// max(x, 0): one comparison and one product.
pub fn relu<T>(x: T) -> T {
    x * (x > 0)
}

/// The piecewise-linear ("hard") sigmoid: 0 below −2, (z + 2)/4 between, 1 above 2. One truncation
/// (the division by 4), two comparisons and two products.
pub fn sigmoid<T>(z: T) -> T {
    let t = (z + 2) / 4;
    let low = t * (t > 0);
    low - (low - 1) * (low > 1)
}

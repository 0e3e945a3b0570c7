// Shows: one step of multi-class logistic-regression training as a two-party MPC protocol. Party 0
// holds a batch of 16 MNIST images (784 pixels scaled to [0, 1]) and the current weights, party 1 the
// batch's one-hot labels; the driver (test/mpc/logreg.test.ts, bench/mpc.ts) carries the revealed
// weights from step to step. Two gradient iterations run on the batch: the SPDZ backend masks the
// images once (a matrix triple) and reuses the mask for x @ w, x.T @ r and the second iteration.
// The sigmoid is its first-order approximation slope·z + bias (1/4 and 1/2), which keeps a step to
// matrix products and truncations: std::mpc::sigmoid (piecewise) costs two comparisons per logit.
protocol LogRegStep(
    secret(0) x: [[sfix; 784]; 16],
    secret(1) y: [[sfix; 10]; 16],
    secret(0) w: [[sfix; 10]; 784],
    public rate: fix,
    public slope: fix,
    public bias: fix,
) {
    let mut wt = w;
    for it in 0..2 {
        let z = x @ wt;
        // r = rate · (σ(z) − y): the gradient of the cross-entropy through the approximate sigmoid.
        let mut r = z;
        for i in 0..16 {
            for c in 0..10 {
                r[i][c] = (z[i][c] * slope + bias - y[i][c]) * rate;
            }
        }
        let g = x.T @ r;
        for f in 0..784 {
            for c in 0..10 {
                wt[f][c] = wt[f][c] - g[f][c];
            }
        }
    }
    reveal wt;
}

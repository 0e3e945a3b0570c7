// Shows: one step of vertical federated logistic regression with the passive party's weights kept
// secret-shared (runtime/fl/lr, "Shared passive weights" in spec/fl.md), as a two-party MPC protocol.
// Party 1 (passive) holds a batch of its feature columns and its share w1 of its weights; party 0
// (active) holds the batch's residuals r = softmax − onehot(labels) and its share w0. The step
// updates the weights by the gradient, which stays secret (x.T @ r is a shared product), and
// reveals the partial logits of the updated weights on the batch, which party 0 needs for the next
// softmax. The SPDZ backend reveals to every party (it has no private outputs), so here party 1
// sees the partial logits too; runtime/fl opens them to party 0 alone.
protocol FlLrStep(
    secret(1) x: [[sfix; 6]; 4],
    secret(0) r: [[sfix; 3]; 4],
    secret(0) w0: [[sfix; 3]; 6],
    secret(1) w1: [[sfix; 3]; 6],
    public rate: fix,
) {
    // The block's gradient, never opened: the passive party's columns times the residuals.
    let g = x.T @ r;
    let mut w = w0;
    for f in 0..6 {
        for c in 0..3 {
            w[f][c] = w0[f][c] + w1[f][c] - g[f][c] * rate;
        }
    }
    let z = x @ w;
    reveal z;
}

// std::field::unchecked_div, the documented one-row division: r·y = x without y ≠ 0, so the audit
// reports r, free when x = y = 0 (allow.json). With `/` anywhere on the same divisor (y·t = 1) it is
// unique again.
use std::field::Bn254Fr;
use std::field;

circuit UncheckedDiv(priv x: Bn254Fr, priv y: Bn254Fr) -> Bn254Fr {
    field::unchecked_div(x, y)
}

//! std::kernels::curve — BN254 G1 point arithmetic over `Bn254Fq` for kernels (y² = x³ + 3, a = 0).
//! Jacobian (X, Y, Z) with the identity at Z = 0; affine points are (x, y) pairs and never the identity
//! (hosts drop points at infinity before launching). Formulas as runtime/curve/g1.ts: dbl-2009-l,
//! add-2007-bl and, for a Jacobian plus an affine point, madd-2007-bl (7M + 4S instead of 11M + 5S).
//! The helpers are inlined into each kernel that calls them; no kernel target has a call stack.
use std::field::Bn254Fq;

pub struct Jac {
    x: Bn254Fq,
    y: Bn254Fq,
    z: Bn254Fq,
}

/// The point at infinity.
pub fn identity() -> Jac {
    Jac { x: 1, y: 1, z: 0 }
}

/// 2P (dbl-2009-l, 2M + 5S); the identity doubles to itself (Z3 = 2·Y·Z = 0).
pub fn double(p: Jac) -> Jac {
    let a = p.x * p.x;
    let b = p.y * p.y;
    let c = b * b;
    let t = p.x + b;
    let t2 = t * t - a - c;
    let d = t2 + t2;
    let e = a + a + a;
    let x3 = e * e - (d + d);
    let c8 = c + c;
    let c8 = c8 + c8;
    let c8 = c8 + c8;
    let y3 = e * (d - x3) - c8;
    let yz = p.y * p.z;
    Jac { x: x3, y: y3, z: yz + yz }
}

/// P + Q for any Jacobian points (identity, P = Q and P = −Q included); add-2007-bl, 11M + 5S.
pub fn add(p: Jac, q: Jac) -> Jac {
    if p.z == 0 {
        q
    } else if q.z == 0 {
        p
    } else {
        let z1z1 = p.z * p.z;
        let z2z2 = q.z * q.z;
        let u1 = p.x * z2z2;
        let u2 = q.x * z1z1;
        let s1 = p.y * q.z * z2z2;
        let s2 = q.y * p.z * z1z1;
        let h = u2 - u1;
        let dr = s2 - s1;
        if h == 0 {
            if dr == 0 {
                double(p)
            } else {
                identity()
            }
        } else {
            let h2 = h + h;
            let i = h2 * h2;
            let j = h * i;
            let r = dr + dr;
            let v = u1 * i;
            let x3 = r * r - j - (v + v);
            let s1j = s1 * j;
            let y3 = r * (v - x3) - (s1j + s1j);
            let z = p.z + q.z;
            Jac { x: x3, y: y3, z: (z * z - z1z1 - z2z2) * h }
        }
    }
}

/// P + (x2, y2) for a Jacobian P and an affine point (Z2 = 1); madd-2007-bl, 7M + 4S.
pub fn add_affine(p: Jac, x2: Bn254Fq, y2: Bn254Fq) -> Jac {
    if p.z == 0 {
        Jac { x: x2, y: y2, z: 1 }
    } else {
        let z1z1 = p.z * p.z;
        let u2 = x2 * z1z1;
        let s2 = y2 * p.z * z1z1;
        let h = u2 - p.x;
        let dr = s2 - p.y;
        if h == 0 {
            if dr == 0 {
                double(p)
            } else {
                identity()
            }
        } else {
            let hh = h * h;
            let i = hh + hh;
            let i = i + i;
            let j = h * i;
            let r = dr + dr;
            let v = p.x * i;
            let x3 = r * r - j - (v + v);
            let y1j = p.y * j;
            let y3 = r * (v - x3) - (y1j + y1j);
            let z = p.z + h;
            Jac { x: x3, y: y3, z: z * z - z1z1 - hh }
        }
    }
}

// One secp256k1 ECDSA verification in software (u32 limbs, Montgomery arithmetic, Jacobian points,
// Shamir's trick). Input: the 32-byte message hash, the 64-byte signature r ‖ s (big-endian), the
// 65-byte uncompressed public key 04 ‖ x ‖ y. Output: "1" when it verifies, else "0"; input of
// another length exits with code 1. A high s verifies, as in plain ECDSA.
#![cfg_attr(target_arch = "wasm32", no_std, no_main)]
use cwl_guest as g;
g::entry!(run);

type N = [u32; 8];

/// A modulus for Montgomery arithmetic: m, -m⁻¹ mod 2³², R² mod m (R = 2²⁵⁶).
struct Mod {
    m: N,
    inv: u32,
    r2: N,
}

fn be(b: &[u8]) -> N {
    let mut x = [0u32; 8];
    for i in 0..8 {
        x[7 - i] = u32::from_be_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]);
    }
    x
}

fn geq(a: &N, b: &N) -> bool {
    for i in (0..8).rev() {
        if a[i] != b[i] {
            return a[i] > b[i];
        }
    }
    true
}

fn sub_raw(a: &N, b: &N) -> (N, bool) {
    let mut r = [0u32; 8];
    let mut borrow = 0i64;
    for i in 0..8 {
        let d = a[i] as i64 - b[i] as i64 - borrow;
        r[i] = d as u32;
        borrow = (d < 0) as i64;
    }
    (r, borrow != 0)
}

fn add_raw(a: &N, b: &N) -> (N, bool) {
    let mut r = [0u32; 8];
    let mut c = 0u64;
    for i in 0..8 {
        let s = a[i] as u64 + b[i] as u64 + c;
        r[i] = s as u32;
        c = s >> 32;
    }
    (r, c != 0)
}

fn is_zero(a: &N) -> bool {
    a.iter().all(|&x| x == 0)
}

impl Mod {
    fn new(m: N) -> Mod {
        // Newton's iteration for m⁻¹ mod 2³² (each step doubles the correct bits)
        let mut inv = 1u32;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(m[0].wrapping_mul(inv)));
        }
        let mut md = Mod { m, inv: inv.wrapping_neg(), r2: [0; 8] };
        let mut r = [1u32, 0, 0, 0, 0, 0, 0, 0];
        for _ in 0..512 {
            r = md.add(&r, &r);
        }
        md.r2 = r;
        md
    }
    fn add(&self, a: &N, b: &N) -> N {
        let (s, c) = add_raw(a, b);
        if c || geq(&s, &self.m) {
            sub_raw(&s, &self.m).0
        } else {
            s
        }
    }
    fn sub(&self, a: &N, b: &N) -> N {
        let (d, borrow) = sub_raw(a, b);
        if borrow {
            add_raw(&d, &self.m).0
        } else {
            d
        }
    }
    /// a·b·R⁻¹ mod m (CIOS)
    fn mul(&self, a: &N, b: &N) -> N {
        let mut t = [0u32; 10];
        for i in 0..8 {
            let mut c = 0u64;
            for j in 0..8 {
                let s = t[j] as u64 + a[j] as u64 * b[i] as u64 + c;
                t[j] = s as u32;
                c = s >> 32;
            }
            let s = t[8] as u64 + c;
            t[8] = s as u32;
            t[9] = (s >> 32) as u32;
            let q = t[0].wrapping_mul(self.inv);
            let mut c = (t[0] as u64 + q as u64 * self.m[0] as u64) >> 32;
            for j in 1..8 {
                let s = t[j] as u64 + q as u64 * self.m[j] as u64 + c;
                t[j - 1] = s as u32;
                c = s >> 32;
            }
            let s = t[8] as u64 + c;
            t[7] = s as u32;
            t[8] = t[9] + (s >> 32) as u32;
        }
        let mut r = [0u32; 8];
        r.copy_from_slice(&t[..8]);
        if t[8] != 0 || geq(&r, &self.m) {
            sub_raw(&r, &self.m).0
        } else {
            r
        }
    }
    fn to(&self, a: &N) -> N {
        self.mul(a, &self.r2)
    }
    fn from(&self, a: &N) -> N {
        self.mul(a, &[1, 0, 0, 0, 0, 0, 0, 0])
    }
    /// a⁻¹ (Montgomery form in and out), as a^(m-2)
    fn inv(&self, a: &N) -> N {
        let e = sub_raw(&self.m, &[2, 0, 0, 0, 0, 0, 0, 0]).0;
        let mut r = self.to(&[1, 0, 0, 0, 0, 0, 0, 0]);
        for i in (0..256).rev() {
            r = self.mul(&r, &r);
            if (e[i / 32] >> (i % 32)) & 1 == 1 {
                r = self.mul(&r, a);
            }
        }
        r
    }
}

/// A point in Jacobian coordinates over Fp (Montgomery form); Z = 0 is the point at infinity.
#[derive(Clone, Copy)]
struct P {
    x: N,
    y: N,
    z: N,
}

fn dbl(f: &Mod, p: &P) -> P {
    if is_zero(&p.z) {
        return *p;
    }
    let a = f.mul(&p.x, &p.x);
    let b = f.mul(&p.y, &p.y);
    let c = f.mul(&b, &b);
    let xb = f.add(&p.x, &b);
    let mut d = f.sub(&f.sub(&f.mul(&xb, &xb), &a), &c);
    d = f.add(&d, &d);
    let e = f.add(&f.add(&a, &a), &a);
    let ff = f.mul(&e, &e);
    let x3 = f.sub(&ff, &f.add(&d, &d));
    let c2 = f.add(&c, &c);
    let c4 = f.add(&c2, &c2);
    let c8 = f.add(&c4, &c4);
    let y3 = f.sub(&f.mul(&e, &f.sub(&d, &x3)), &c8);
    let yz = f.mul(&p.y, &p.z);
    P { x: x3, y: y3, z: f.add(&yz, &yz) }
}

fn add(f: &Mod, p: &P, q: &P) -> P {
    if is_zero(&p.z) {
        return *q;
    }
    if is_zero(&q.z) {
        return *p;
    }
    let z1z1 = f.mul(&p.z, &p.z);
    let z2z2 = f.mul(&q.z, &q.z);
    let u1 = f.mul(&p.x, &z2z2);
    let u2 = f.mul(&q.x, &z1z1);
    let s1 = f.mul(&f.mul(&p.y, &q.z), &z2z2);
    let s2 = f.mul(&f.mul(&q.y, &p.z), &z1z1);
    if u1 == u2 {
        return if s1 == s2 { dbl(f, p) } else { P { x: [0; 8], y: [0; 8], z: [0; 8] } };
    }
    let h = f.sub(&u2, &u1);
    let h2 = f.add(&h, &h);
    let i = f.mul(&h2, &h2);
    let j = f.mul(&h, &i);
    let r = f.sub(&s2, &s1);
    let r = f.add(&r, &r);
    let v = f.mul(&u1, &i);
    let x3 = f.sub(&f.sub(&f.mul(&r, &r), &j), &f.add(&v, &v));
    let s1j = f.mul(&s1, &j);
    let y3 = f.sub(&f.mul(&r, &f.sub(&v, &x3)), &f.add(&s1j, &s1j));
    let zz = f.add(&p.z, &q.z);
    let z3 = f.mul(&f.sub(&f.sub(&f.mul(&zz, &zz), &z1z1), &z2z2), &h);
    P { x: x3, y: y3, z: z3 }
}

const P_HEX: N = [0xfffffc2f, 0xfffffffe, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff];
const N_HEX: N = [0xd0364141, 0xbfd25e8c, 0xaf48a03b, 0xbaaedce6, 0xfffffffe, 0xffffffff, 0xffffffff, 0xffffffff];
const GX: N = [0x16f81798, 0x59f2815b, 0x2dce28d9, 0x029bfcdb, 0xce870b07, 0x55a06295, 0xf9dcbbac, 0x79be667e];
const GY: N = [0xfb10d4b8, 0x9c47d08f, 0xa6855419, 0xfd17b448, 0x0e1108a8, 0x5da4fbfc, 0x26a3c465, 0x483ada77];

fn verify(hash: &[u8], sig: &[u8], pk: &[u8]) -> bool {
    let (f, n) = (Mod::new(P_HEX), Mod::new(N_HEX));
    let (r, s) = (be(&sig[..32]), be(&sig[32..]));
    if is_zero(&r) || is_zero(&s) || geq(&r, &n.m) || geq(&s, &n.m) || pk[0] != 4 {
        return false;
    }
    let (qx, qy) = (be(&pk[1..33]), be(&pk[33..]));
    if geq(&qx, &f.m) || geq(&qy, &f.m) {
        return false;
    }
    let one = f.to(&[1, 0, 0, 0, 0, 0, 0, 0]);
    let q = P { x: f.to(&qx), y: f.to(&qy), z: one };
    // on the curve: y² = x³ + 7
    let x3 = f.mul(&f.mul(&q.x, &q.x), &q.x);
    if f.mul(&q.y, &q.y) != f.add(&x3, &f.to(&[7, 0, 0, 0, 0, 0, 0, 0])) {
        return false;
    }
    let mut z = be(hash);
    if geq(&z, &n.m) {
        z = sub_raw(&z, &n.m).0;
    }
    let w = n.inv(&n.to(&s));
    let u1 = n.from(&n.mul(&n.to(&z), &w));
    let u2 = n.from(&n.mul(&n.to(&r), &w));
    let gp = P { x: f.to(&GX), y: f.to(&GY), z: one };
    let gq = add(&f, &gp, &q);
    let mut acc = P { x: [0; 8], y: [0; 8], z: [0; 8] };
    for i in (0..256).rev() {
        acc = dbl(&f, &acc);
        let (b1, b2) = ((u1[i / 32] >> (i % 32)) & 1, (u2[i / 32] >> (i % 32)) & 1);
        if b1 == 1 && b2 == 1 {
            acc = add(&f, &acc, &gq);
        } else if b1 == 1 {
            acc = add(&f, &acc, &gp);
        } else if b2 == 1 {
            acc = add(&f, &acc, &q);
        }
    }
    if is_zero(&acc.z) {
        return false;
    }
    let zi = f.inv(&acc.z);
    let mut x = f.from(&f.mul(&acc.x, &f.mul(&zi, &zi)));
    if geq(&x, &n.m) {
        x = sub_raw(&x, &n.m).0;
    }
    x == r
}

fn run() {
    if g::input_len() != 32 + 64 + 65 {
        g::exit(1);
    }
    let mut b = [0u8; 161];
    g::read_input(&mut b);
    g::write_output(if verify(&b[..32], &b[32..96], &b[96..]) { b"1" } else { b"0" });
}

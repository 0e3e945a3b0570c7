//! Soft-float for WebAssembly guests on the zkVM: IEEE 754 binary32/binary64 arithmetic and
//! conversions with WebAssembly's semantics, in integer operations only (the prover has no float
//! unit). Compiled to WebAssembly by scripts/build-softfloat.ts, then lifted by the WASM frontend
//! like guest code and linked into a guest that uses floats (spec/wasm.md, "Floating point").
//!
//! Values are bit patterns: an f32 in a u32, an f64 in a u64. Every function is generic over the
//! format (F = fraction bits, X = exponent bits) and works on u64 patterns.
//! - Rounding: to nearest, ties to even; overflow gives ±inf; subnormals in and out.
//! - NaN results are always the positive canonical NaN (0x7fc00000 / 0x7ff8000000000000), which
//!   the spec allows both where it demands a canonical NaN and where it demands an arithmetic one.
//! - The working form of a finite non-zero value is (sign, e, m): m has its leading one at bit 63
//!   and value = m · 2^(e − 63); bits lost when m is shifted right are ORed into bit 0 (sticky).
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

const fn bias(x: u32) -> i32 {
    (1 << (x - 1)) - 1
}
const fn emax(x: u32) -> u64 {
    (1 << x) - 1
}
#[inline(always)]
fn sign_bit<const F: u32, const X: u32>() -> u64 {
    1u64 << (F + X)
}
#[inline(always)]
fn canonical_nan<const F: u32, const X: u32>() -> u64 {
    (emax(X) << F) | (1u64 << (F - 1))
}
#[inline(always)]
fn inf<const F: u32, const X: u32>(sign: bool) -> u64 {
    (emax(X) << F) | if sign { sign_bit::<F, X>() } else { 0 }
}
#[inline(always)]
fn zero<const F: u32, const X: u32>(sign: bool) -> u64 {
    if sign { sign_bit::<F, X>() } else { 0 }
}
#[inline(always)]
fn is_nan<const F: u32, const X: u32>(a: u64) -> bool {
    (a & !sign_bit::<F, X>()) > (emax(X) << F)
}
#[inline(always)]
fn is_inf<const F: u32, const X: u32>(a: u64) -> bool {
    (a & !sign_bit::<F, X>()) == (emax(X) << F)
}
#[inline(always)]
fn is_zero<const F: u32, const X: u32>(a: u64) -> bool {
    (a & !sign_bit::<F, X>()) == 0
}
#[inline(always)]
fn sign_of<const F: u32, const X: u32>(a: u64) -> bool {
    a & sign_bit::<F, X>() != 0
}

/// A finite non-zero pattern as (e, m) with m's leading one at bit 63 (subnormals normalised).
#[inline(always)]
fn unpack<const F: u32, const X: u32>(a: u64) -> (i32, u64) {
    let ef = ((a >> F) & emax(X)) as i32;
    let frac = a & ((1u64 << F) - 1);
    if ef == 0 {
        let lz = frac.leading_zeros();
        // frac · 2^(1 − bias − F): its leading bit is bit 63 − lz
        (63 - lz as i32 + 1 - bias(X) - F as i32, frac << lz)
    } else {
        (ef - bias(X), (frac | (1u64 << F)) << (63 - F))
    }
}

/// x >> n with the bits shifted out ORed into bit 0.
#[inline(always)]
fn shr_sticky(x: u64, n: u32) -> u64 {
    if n == 0 {
        x
    } else if n >= 64 {
        (x != 0) as u64
    } else {
        (x >> n) | ((x << (64 - n)) != 0) as u64
    }
}

/// Rounds sign · m · 2^(e − 63) (m's leading one at bit 63, sticky in bit 0) to the format.
#[inline(always)]
fn round_pack<const F: u32, const X: u32>(sign: bool, e: i32, m: u64) -> u64 {
    let mut be = e + bias(X);
    let mut m = m;
    if be < 1 {
        // subnormal: the exponent field stays 0 and the significand loses 1 − be more bits
        m = shr_sticky(m, (1 - be) as u32);
        be = 0;
    }
    let drop = 63 - F; // rounding bits below the F + 1 significand bits
    let half = 1u64 << (drop - 1);
    let rest = m & ((1u64 << drop) - 1);
    let mut sig = m >> drop;
    if rest > half || (rest == half && sig & 1 == 1) {
        sig += 1;
    }
    // sig includes the leading one (for normals) which adds 1 to the exponent field: a carry out
    // of the significand moves into the exponent correctly, and a subnormal that rounds up to
    // 2^F becomes the smallest normal
    let bits = if be == 0 { sig } else { (((be - 1) as u64) << F) + sig };
    if bits >= (emax(X) << F) {
        return inf::<F, X>(sign);
    }
    bits | zero::<F, X>(sign)
}

#[inline(always)]
fn add<const F: u32, const X: u32>(a: u64, b: u64) -> u64 {
    if is_nan::<F, X>(a) || is_nan::<F, X>(b) {
        return canonical_nan::<F, X>();
    }
    let (sa, sb) = (sign_of::<F, X>(a), sign_of::<F, X>(b));
    if is_inf::<F, X>(a) {
        return if is_inf::<F, X>(b) && sa != sb { canonical_nan::<F, X>() } else { a };
    }
    if is_inf::<F, X>(b) {
        return b;
    }
    if is_zero::<F, X>(a) {
        // −0 + −0 = −0; +0 + −0 = +0
        return if is_zero::<F, X>(b) { zero::<F, X>(sa && sb) } else { b };
    }
    if is_zero::<F, X>(b) {
        return a;
    }
    let (ea, ma) = unpack::<F, X>(a);
    let (eb, mb) = unpack::<F, X>(b);
    // the larger magnitude first
    let (s, e, big, small, d) = if ea > eb || (ea == eb && ma >= mb) {
        (sa, ea, ma >> 2, mb >> 2, (ea - eb) as u32)
    } else {
        (sb, eb, mb >> 2, ma >> 2, (eb - ea) as u32)
    };
    let small = shr_sticky(small, d);
    let m = if sa == sb { big + small } else { big - small };
    if m == 0 {
        return 0; // x − x = +0 when rounding to nearest
    }
    let lz = m.leading_zeros();
    round_pack::<F, X>(s, e + 2 - lz as i32, m << lz)
}

/// The 128-bit product of two u64s as (high, low).
#[inline(always)]
fn mul_wide(a: u64, b: u64) -> (u64, u64) {
    let (a1, a0) = (a >> 32, a & 0xffff_ffff);
    let (b1, b0) = (b >> 32, b & 0xffff_ffff);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 32) + (p01 & 0xffff_ffff) + (p10 & 0xffff_ffff);
    let lo = (p00 & 0xffff_ffff) | (mid << 32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    (hi, lo)
}

#[inline(always)]
fn mul<const F: u32, const X: u32>(a: u64, b: u64) -> u64 {
    if is_nan::<F, X>(a) || is_nan::<F, X>(b) {
        return canonical_nan::<F, X>();
    }
    let s = sign_of::<F, X>(a) != sign_of::<F, X>(b);
    if is_inf::<F, X>(a) || is_inf::<F, X>(b) {
        return if is_zero::<F, X>(a) || is_zero::<F, X>(b) { canonical_nan::<F, X>() } else { inf::<F, X>(s) };
    }
    if is_zero::<F, X>(a) || is_zero::<F, X>(b) {
        return zero::<F, X>(s);
    }
    let (ea, ma) = unpack::<F, X>(a);
    let (eb, mb) = unpack::<F, X>(b);
    // (F + 1)-bit significands: a product of at most 2F + 2 bits
    let (hi, lo) = mul_wide(ma >> (63 - F), mb >> (63 - F));
    let (lz, m) = if hi == 0 {
        let lz = lo.leading_zeros();
        (64 + lz, lo << lz)
    } else {
        let lz = hi.leading_zeros();
        let m = if lz == 0 { hi | (lo != 0) as u64 } else { (hi << lz) | (lo >> (64 - lz)) | ((lo << lz) != 0) as u64 };
        (lz, m)
    };
    // the product is P · 2^(ea + eb − 2F), P's leading bit at 127 − lz
    round_pack::<F, X>(s, ea + eb - 2 * F as i32 + 127 - lz as i32, m)
}

#[inline(always)]
fn div<const F: u32, const X: u32>(a: u64, b: u64) -> u64 {
    if is_nan::<F, X>(a) || is_nan::<F, X>(b) {
        return canonical_nan::<F, X>();
    }
    let s = sign_of::<F, X>(a) != sign_of::<F, X>(b);
    if is_inf::<F, X>(a) {
        return if is_inf::<F, X>(b) { canonical_nan::<F, X>() } else { inf::<F, X>(s) };
    }
    if is_inf::<F, X>(b) {
        return zero::<F, X>(s);
    }
    if is_zero::<F, X>(b) {
        return if is_zero::<F, X>(a) { canonical_nan::<F, X>() } else { inf::<F, X>(s) };
    }
    if is_zero::<F, X>(a) {
        return zero::<F, X>(s);
    }
    let (ea, ma) = unpack::<F, X>(a);
    let (eb, mb) = unpack::<F, X>(b);
    let nb = mb >> (63 - F);
    let na = ma >> (63 - F);
    // long division in 64-bit divides, S quotient bits a step (the remainder, below nb < 2^(F+1),
    // shifted by S stays below 2^63): the integer quotient bit, then at least F + 3 more bits
    let step = 62 - F;
    if nb == 0 {
        // nb has its leading one at bit F: no divide-by-zero check (and no panic path) is needed
        unsafe { core::hint::unreachable_unchecked() }
    }
    let mut q = na / nb;
    let mut r = na % nb;
    let mut bits = 0;
    while bits < F + 3 {
        q = (q << step) | ((r << step) / nb);
        r = (r << step) % nb;
        bits += step;
    }
    q |= (r != 0) as u64;
    let lz = q.leading_zeros();
    // q = (na / nb) · 2^bits, its leading bit at 63 − lz
    round_pack::<F, X>(s, ea - eb + 63 - lz as i32 - bits as i32, q << lz)
}

/// floor(sqrt(v)) for v > 0 by Newton's iteration from a power of two above the root.
#[inline(always)]
fn isqrt(v: u64) -> u64 {
    let mut y = 1u64 << ((65 - v.leading_zeros()) / 2);
    loop {
        if y == 0 {
            // y stays at least floor(sqrt(v)) ≥ 1: no divide-by-zero check (or panic path)
            unsafe { core::hint::unreachable_unchecked() }
        }
        let z = (y + v / y) >> 1;
        if z >= y {
            return y;
        }
        y = z;
    }
}

#[inline(always)]
fn sqrt<const F: u32, const X: u32>(a: u64) -> u64 {
    if is_nan::<F, X>(a) {
        return canonical_nan::<F, X>();
    }
    if is_zero::<F, X>(a) {
        return a; // sqrt(−0) = −0
    }
    if sign_of::<F, X>(a) {
        return canonical_nan::<F, X>();
    }
    if is_inf::<F, X>(a) {
        return a;
    }
    let (e, m) = unpack::<F, X>(a);
    // x in [1, 4) with its two integer bits at bits 63..62 (n = x · 2^62), and an even exponent
    let n = if e & 1 == 0 { m >> 1 } else { m };
    let re = e >> 1;
    // q = floor(sqrt(x) · 2^(F + 2)) (F + 3 bits) and whether the root is inexact
    let (q, inexact) = if F <= 25 {
        // f32: x · 2^(2F + 4) fits 64 bits and is exact (n's low 40 bits are 0)
        let v = n >> (58 - 2 * F);
        let q = isqrt(v);
        (q, v != q * q)
    } else {
        // f64: sqrt(x · 2^108) = s · 2^23 + d with s = floor(sqrt(n)) and the remainder
        // r = n − s² ≤ 2s; d ≤ r · 2^22 / s (within one), checked by the exact remainder
        // R(d) = r · 2^46 − s · d · 2^24 − d² = 2^24 · (r · 2^22 mod s) − d² for d = floor(r · 2^22 / s)
        let s = isqrt(n);
        let r = n - s * s;
        let mut d = (r << 22) / s;
        let mut rem = (((r << 22) % s) << 24) as i64 - (d * d) as i64;
        if rem < 0 {
            // R(d − 1) = R(d) + s · 2^24 + 2d − 1 ≥ 0, since d² ≤ 2^46 < s · 2^24
            rem += ((s << 24) + 2 * d - 1) as i64;
            d -= 1;
        }
        ((s << 23) + d, rem != 0)
    };
    let q = q | inexact as u64;
    round_pack::<F, X>(false, re, q << (63 - (F + 2)))
}

/// The order of non-NaN patterns as unsigned integers (−0 just below +0).
#[inline(always)]
fn key<const F: u32, const X: u32>(a: u64) -> u64 {
    if sign_of::<F, X>(a) { !a & (sign_bit::<F, X>() * 2 - 1) } else { a | sign_bit::<F, X>() }
}

#[inline(always)]
fn min<const F: u32, const X: u32>(a: u64, b: u64) -> u64 {
    if is_nan::<F, X>(a) || is_nan::<F, X>(b) {
        return canonical_nan::<F, X>();
    }
    if key::<F, X>(a) <= key::<F, X>(b) { a } else { b }
}

#[inline(always)]
fn max<const F: u32, const X: u32>(a: u64, b: u64) -> u64 {
    if is_nan::<F, X>(a) || is_nan::<F, X>(b) {
        return canonical_nan::<F, X>();
    }
    if key::<F, X>(a) >= key::<F, X>(b) { a } else { b }
}

/// Rounding to an integral value: 0 trunc, 1 floor, 2 ceil, 3 nearest (ties to even).
#[inline(always)]
fn round_int<const F: u32, const X: u32>(a: u64, mode: u32) -> u64 {
    if is_nan::<F, X>(a) {
        return canonical_nan::<F, X>();
    }
    let ef = ((a >> F) & emax(X)) as i32;
    let s = sign_of::<F, X>(a);
    if ef >= bias(X) + F as i32 || is_zero::<F, X>(a) {
        return a; // already integral, infinite or zero
    }
    let one = ((bias(X) as u64) << F) | zero::<F, X>(s);
    if ef < bias(X) {
        // |a| < 1
        let up = match mode {
            1 => s,
            2 => !s,
            3 => ef == bias(X) - 1 && (a & ((1u64 << F) - 1)) != 0,
            _ => false,
        };
        return if up { one } else { zero::<F, X>(s) };
    }
    let fb = (F as i32 - (ef - bias(X))) as u32; // fraction bits, 1..=F
    let mask = (1u64 << fb) - 1;
    let frac = a & mask;
    if frac == 0 {
        return a;
    }
    let t = a & !mask;
    let up = match mode {
        1 => s,
        2 => !s,
        3 => {
            let half = 1u64 << (fb - 1);
            frac > half || (frac == half && (t >> fb) & 1 == 1)
        }
        _ => false,
    };
    // one unit in the last integral place; a carry into the exponent field is the next binade
    if up { t + (1u64 << fb) } else { t }
}

/// Between formats (promote exact, demote rounded).
#[inline(always)]
fn convert<const F: u32, const X: u32, const G: u32, const Y: u32>(a: u64) -> u64 {
    if is_nan::<F, X>(a) {
        return canonical_nan::<G, Y>();
    }
    let s = sign_of::<F, X>(a);
    if is_inf::<F, X>(a) {
        return inf::<G, Y>(s);
    }
    if is_zero::<F, X>(a) {
        return zero::<G, Y>(s);
    }
    let (e, m) = unpack::<F, X>(a);
    round_pack::<G, Y>(s, e, m)
}

/// An integer magnitude with a sign, rounded to the format.
#[inline(always)]
fn from_int<const F: u32, const X: u32>(s: bool, x: u64) -> u64 {
    if x == 0 {
        return 0;
    }
    let lz = x.leading_zeros();
    round_pack::<F, X>(s, 63 - lz as i32, x << lz)
}

/// trunc(a) as an integer in [lo, hi] where lo = −2^(bits − 1) or 0:
/// (status, value) with status 0 in range, 1 NaN, 2 out of range (the value then saturated).
#[inline(always)]
fn to_int<const F: u32, const X: u32>(a: u64, signed: bool, bits: u32) -> (u32, u64) {
    if is_nan::<F, X>(a) {
        return (1, 0);
    }
    let s = sign_of::<F, X>(a);
    let max_pos: u64 = if signed { (1u64 << (bits - 1)) - 1 } else if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let max_neg: u64 = if signed { 1u64 << (bits - 1) } else { 0 };
    let lim = if s { max_neg } else { max_pos };
    let sat = if s { max_neg.wrapping_neg() } else { max_pos };
    if is_inf::<F, X>(a) {
        return (2, sat);
    }
    if is_zero::<F, X>(a) {
        return (0, 0);
    }
    let (e, m) = unpack::<F, X>(a);
    if e < 0 {
        return (0, 0);
    }
    if e >= 64 {
        return (2, sat);
    }
    let v = m >> (63 - e);
    if v > lim {
        return (2, sat);
    }
    (0, if s { v.wrapping_neg() } else { v })
}

macro_rules! formats {
    ($t:ty, $f:literal, $x:literal, $add:ident, $sub:ident, $mul:ident, $div:ident, $sqrt:ident, $min:ident, $max:ident,
     $ceil:ident, $floor:ident, $trunc:ident, $nearest:ident) => {
        #[no_mangle] pub extern "C" fn $add(a: $t, b: $t) -> $t { add::<$f, $x>(a as u64, b as u64) as $t }
        #[no_mangle] pub extern "C" fn $sub(a: $t, b: $t) -> $t { add::<$f, $x>(a as u64, (b as u64) ^ sign_bit::<$f, $x>()) as $t }
        #[no_mangle] pub extern "C" fn $mul(a: $t, b: $t) -> $t { mul::<$f, $x>(a as u64, b as u64) as $t }
        #[no_mangle] pub extern "C" fn $div(a: $t, b: $t) -> $t { div::<$f, $x>(a as u64, b as u64) as $t }
        #[no_mangle] pub extern "C" fn $sqrt(a: $t) -> $t { sqrt::<$f, $x>(a as u64) as $t }
        #[no_mangle] pub extern "C" fn $min(a: $t, b: $t) -> $t { min::<$f, $x>(a as u64, b as u64) as $t }
        #[no_mangle] pub extern "C" fn $max(a: $t, b: $t) -> $t { max::<$f, $x>(a as u64, b as u64) as $t }
        #[no_mangle] pub extern "C" fn $trunc(a: $t) -> $t { round_int::<$f, $x>(a as u64, 0) as $t }
        #[no_mangle] pub extern "C" fn $floor(a: $t) -> $t { round_int::<$f, $x>(a as u64, 1) as $t }
        #[no_mangle] pub extern "C" fn $ceil(a: $t) -> $t { round_int::<$f, $x>(a as u64, 2) as $t }
        #[no_mangle] pub extern "C" fn $nearest(a: $t) -> $t { round_int::<$f, $x>(a as u64, 3) as $t }
    };
}
formats!(u32, 23, 8, f32_add, f32_sub, f32_mul, f32_div, f32_sqrt, f32_min, f32_max, f32_ceil, f32_floor, f32_trunc, f32_nearest);
formats!(u64, 52, 11, f64_add, f64_sub, f64_mul, f64_div, f64_sqrt, f64_min, f64_max, f64_ceil, f64_floor, f64_trunc, f64_nearest);

#[no_mangle] pub extern "C" fn f64_promote_f32(a: u32) -> u64 { convert::<23, 8, 52, 11>(a as u64) }
#[no_mangle] pub extern "C" fn f32_demote_f64(a: u64) -> u32 { convert::<52, 11, 23, 8>(a) as u32 }
#[no_mangle] pub extern "C" fn f32_convert_i32_s(a: u32) -> u32 { let v = a as i32 as i64; from_int::<23, 8>(v < 0, v.unsigned_abs()) as u32 }
#[no_mangle] pub extern "C" fn f32_convert_i32_u(a: u32) -> u32 { from_int::<23, 8>(false, a as u64) as u32 }
#[no_mangle] pub extern "C" fn f32_convert_i64_s(a: u64) -> u32 { let v = a as i64; from_int::<23, 8>(v < 0, v.unsigned_abs()) as u32 }
#[no_mangle] pub extern "C" fn f32_convert_i64_u(a: u64) -> u32 { from_int::<23, 8>(false, a) as u32 }
#[no_mangle] pub extern "C" fn f64_convert_i32_s(a: u32) -> u64 { let v = a as i32 as i64; from_int::<52, 11>(v < 0, v.unsigned_abs()) }
#[no_mangle] pub extern "C" fn f64_convert_i32_u(a: u32) -> u64 { from_int::<52, 11>(false, a as u64) }
#[no_mangle] pub extern "C" fn f64_convert_i64_s(a: u64) -> u64 { let v = a as i64; from_int::<52, 11>(v < 0, v.unsigned_abs()) }
#[no_mangle] pub extern "C" fn f64_convert_i64_u(a: u64) -> u64 { from_int::<52, 11>(false, a) }

// float → integer: `*_check` is the trapping instructions' status (0 in range, 1 NaN: invalid
// conversion, 2 out of range: integer overflow), `*_sat` the saturating result (NaN → 0)
macro_rules! to_ints {
    ($t:ty, $f:literal, $x:literal, $r:ty, $signed:literal, $bits:literal, $check:ident, $sat:ident) => {
        #[no_mangle] pub extern "C" fn $check(a: $t) -> u32 { to_int::<$f, $x>(a as u64, $signed, $bits).0 }
        #[no_mangle] pub extern "C" fn $sat(a: $t) -> $r { to_int::<$f, $x>(a as u64, $signed, $bits).1 as $r }
    };
}
to_ints!(u32, 23, 8, u32, true, 32, i32_trunc_f32_s_check, i32_trunc_f32_s_sat);
to_ints!(u32, 23, 8, u32, false, 32, i32_trunc_f32_u_check, i32_trunc_f32_u_sat);
to_ints!(u64, 52, 11, u32, true, 32, i32_trunc_f64_s_check, i32_trunc_f64_s_sat);
to_ints!(u64, 52, 11, u32, false, 32, i32_trunc_f64_u_check, i32_trunc_f64_u_sat);
to_ints!(u32, 23, 8, u64, true, 64, i64_trunc_f32_s_check, i64_trunc_f32_s_sat);
to_ints!(u32, 23, 8, u64, false, 64, i64_trunc_f32_u_check, i64_trunc_f32_u_sat);
to_ints!(u64, 52, 11, u64, true, 64, i64_trunc_f64_s_check, i64_trunc_f64_s_sat);
to_ints!(u64, 52, 11, u64, false, 64, i64_trunc_f64_u_check, i64_trunc_f64_u_sat);

// One secp256k1 ECDSA verification with math/big (affine points, Shamir's trick), as
// examples/guests/rust/ecdsa.rs: input the 32-byte message hash, the 64-byte signature r ‖ s, the
// 65-byte uncompressed public key 04 ‖ x ‖ y; output "1" when it verifies, else "0"; input of another
// length exits with code 1.
package main

import (
	"math/big"

	"cwlguest"
)

var (
	p, _  = new(big.Int).SetString("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16)
	n, _  = new(big.Int).SetString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)
	gx, _ = new(big.Int).SetString("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", 16)
	gy, _ = new(big.Int).SetString("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8", 16)
)

// point is an affine point; inf marks the point at infinity.
type point struct {
	x, y *big.Int
	inf  bool
}

func mod(a *big.Int) *big.Int { return a.Mod(a, p) }

func add(a, b point) point {
	if a.inf {
		return b
	}
	if b.inf {
		return a
	}
	var l *big.Int
	if a.x.Cmp(b.x) == 0 {
		if new(big.Int).Add(a.y, b.y).Cmp(p) == 0 || a.y.Sign() == 0 && b.y.Sign() == 0 {
			return point{inf: true}
		}
		// tangent: 3x² / 2y
		num := mod(new(big.Int).Mul(big.NewInt(3), new(big.Int).Mul(a.x, a.x)))
		l = mod(num.Mul(num, new(big.Int).ModInverse(new(big.Int).Lsh(a.y, 1), p)))
	} else {
		num := mod(new(big.Int).Sub(b.y, a.y))
		l = mod(num.Mul(num, new(big.Int).ModInverse(mod(new(big.Int).Sub(b.x, a.x)), p)))
	}
	x := mod(new(big.Int).Sub(new(big.Int).Mul(l, l), new(big.Int).Add(a.x, b.x)))
	y := mod(new(big.Int).Sub(new(big.Int).Mul(l, new(big.Int).Sub(a.x, x)), a.y))
	return point{x: x, y: y}
}

func verify(hash, sig, pk []byte) bool {
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if r.Sign() == 0 || s.Sign() == 0 || r.Cmp(n) >= 0 || s.Cmp(n) >= 0 || pk[0] != 4 {
		return false
	}
	q := point{x: new(big.Int).SetBytes(pk[1:33]), y: new(big.Int).SetBytes(pk[33:])}
	if q.x.Cmp(p) >= 0 || q.y.Cmp(p) >= 0 {
		return false
	}
	// on the curve: y² = x³ + 7
	rhs := mod(new(big.Int).Add(new(big.Int).Exp(q.x, big.NewInt(3), p), big.NewInt(7)))
	if mod(new(big.Int).Mul(q.y, q.y)).Cmp(rhs) != 0 {
		return false
	}
	z := new(big.Int).Mod(new(big.Int).SetBytes(hash), n)
	w := new(big.Int).ModInverse(s, n)
	u1 := new(big.Int).Mod(new(big.Int).Mul(z, w), n)
	u2 := new(big.Int).Mod(new(big.Int).Mul(r, w), n)
	g := point{x: gx, y: gy}
	gq := add(g, q)
	acc := point{inf: true}
	for i := 255; i >= 0; i-- {
		acc = add(acc, acc)
		switch b1, b2 := u1.Bit(i), u2.Bit(i); {
		case b1 == 1 && b2 == 1:
			acc = add(acc, gq)
		case b1 == 1:
			acc = add(acc, g)
		case b2 == 1:
			acc = add(acc, q)
		}
	}
	return !acc.inf && new(big.Int).Mod(acc.x, n).Cmp(r) == 0
}

func main() {
	b := cwlguest.ReadAll()
	if len(b) != 32+64+65 {
		cwlguest.Exit(1)
	}
	if verify(b[:32], b[32:96], b[96:]) {
		cwlguest.WriteOutput([]byte("1"))
	} else {
		cwlguest.WriteOutput([]byte("0"))
	}
}

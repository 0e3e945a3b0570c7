//go:build wasip1

package cwlguest

import "unsafe"

// Precompiles: accelerated host functions of the zkVM, imported from module "zkvm". The VM does not
// provide them yet (a guest importing one fails to build with E0691), so the examples use software
// versions; an unused declaration is not linked into the module.

//go:wasmimport zkvm sha256_compress
func sha256Compress(state unsafe.Pointer, block unsafe.Pointer)

//go:wasmimport zkvm keccak_f
func keccakF(state unsafe.Pointer)

//go:wasmimport zkvm secp256k1_verify
func secp256k1Verify(hash, sig, pk unsafe.Pointer, pkLen int32) int32

// Sha256Compress updates the 8-word state with one 64-byte block.
func Sha256Compress(state *[8]uint32, block *[64]byte) {
	sha256Compress(unsafe.Pointer(state), unsafe.Pointer(block))
}

// KeccakF permutes the 25 lanes of a Keccak-f[1600] state.
func KeccakF(state *[25]uint64) { keccakF(unsafe.Pointer(state)) }

// Secp256k1Verify reports whether the 64-byte signature r‖s of the 32-byte hash verifies under the
// SEC1 public key pk (33 or 65 bytes).
func Secp256k1Verify(hash *[32]byte, sig *[64]byte, pk []byte) bool {
	if len(pk) == 0 {
		return false
	}
	return secp256k1Verify(unsafe.Pointer(hash), unsafe.Pointer(sig), unsafe.Pointer(&pk[0]), int32(len(pk))) == 1
}

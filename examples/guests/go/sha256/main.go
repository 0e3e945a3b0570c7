// SHA-256 of the whole input with Go's crypto/sha256 (software on wasm); the output is the digest in hex.
package main

import (
	"crypto/sha256"
	"encoding/hex"

	"cwlguest"
)

func main() {
	h := sha256.Sum256(cwlguest.ReadAll())
	cwlguest.WriteOutput([]byte(hex.EncodeToString(h[:])))
}

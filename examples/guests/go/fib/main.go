// Fibonacci loop: the input is n as 4 little-endian bytes; the output is F(n) mod 2^64 in decimal.
package main

import (
	"encoding/binary"
	"strconv"

	"cwlguest"
)

func main() {
	var n [4]byte
	cwlguest.ReadInput(n[:])
	a, b := uint64(0), uint64(1)
	for i := uint32(0); i < binary.LittleEndian.Uint32(n[:]); i++ {
		a, b = b, a+b
	}
	cwlguest.WriteOutput([]byte(strconv.FormatUint(a, 10)))
}

// Package cwlguest is the SDK of ChainWeave zkVM guests written in Go (spec/guests.md).
//
// A guest is built with GOOS=wasip1 GOARCH=wasm; the zkVM frontend maps the WASI calls the Go
// runtime makes to zkVM syscalls (compiler/wasm/wasi.ts): standard input is the zkVM's input,
// standard output its output, and os.Exit its exit code. The same calls work natively, so `go run`
// of the same source is the reference run.
package cwlguest

import (
	"io"
	"os"
)

// ReadAll returns the whole input.
func ReadAll() []byte {
	b, err := io.ReadAll(os.Stdin)
	if err != nil {
		Exit(101)
	}
	return b
}

// ReadInput fills buf with the next input bytes; fewer left is a panic (exit code 2, as Go's).
func ReadInput(buf []byte) {
	if _, err := io.ReadFull(os.Stdin, buf); err != nil {
		panic("cwlguest.ReadInput: " + err.Error())
	}
}

// WriteOutput appends b to the output.
func WriteOutput(b []byte) {
	if _, err := os.Stdout.Write(b); err != nil {
		Exit(101)
	}
}

// Exit halts with code (0 is success).
func Exit(code int) {
	os.Exit(code)
}

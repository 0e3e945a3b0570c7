// An empty main: its zkVM run measures what the Go runtime costs before main (and its exit).
package main

func main() {}

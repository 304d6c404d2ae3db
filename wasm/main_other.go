//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// The bridge runs only in a browser; natively this package builds (so that
// `go build ./...` and the queue's tests work) and says how to build it.
func main() {
	fmt.Fprintln(os.Stderr, "wasm: build with GOOS=js GOARCH=wasm (make wasm); this is the browser bridge")
	os.Exit(2)
}

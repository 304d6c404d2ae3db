//go:build js && wasm

package main

import "syscall/js"

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	api := map[string]any{"version": version}
	addSessions(api) // live sessions (session_js.go)
	addMIME(api)     // the MIME explorer (mime_js.go)
	js.Global().Set("mailwire", js.ValueOf(api))
	if ready := js.Global().Get("mailwireReady"); ready.Type() == js.TypeFunction {
		ready.Invoke(version)
	}
	select {} // serve calls until the worker ends
}

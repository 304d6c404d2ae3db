// Command wasm is Mailwire's browser bridge, built with GOOS=js GOARCH=wasm
// and run inside a Web Worker (web/src/worker.ts).
//
// It converts data and nothing else: JavaScript values to bytes and strings,
// calls into core/, and hands events back as plain objects. Its pieces:
//
//   - wsconn_js.go: a net.Conn backed by the browser's WebSocket (binary
//     messages, arraybuffer), so core code reads and writes an ordinary
//     net.Conn through the proxy's tunnel.
//   - queue.go: the receive buffer behind that conn. It has no syscall/js in
//     it and is tested natively.
//   - main_js.go: the functions exported on globalThis.mailwire.
//
// Concurrency rule: nothing here blocks inside a JavaScript callback. A
// callback only copies bytes into the queue and returns; sessions run on
// their own goroutines. Every js.Func is released when its conn closes.
package main

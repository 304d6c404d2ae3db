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
//   - main_js.go: globalThis.mailwire, with the functions below.
//   - session_js.go: live sessions: open(id, options, onEvent, onState)
//     runs core/session over the tunnel (TLS mode, extra CA, server name),
//     op(id, req, {op, ...}, onResult) sends typed lines or composed
//     commands (login, sendmail, message, starttls, quit) one at a time,
//     cancel(id) stops waiting for an answer, close(id) ends the session.
//     Events go out as session.Event's JSON with the bytes as Uint8Array.
//   - mime_js.go: the MIME explorer (load, parse, body, close).
//
// Concurrency rule: nothing here blocks inside a JavaScript callback. A
// callback only copies bytes into the queue and returns; sessions run on
// their own goroutines. Every js.Func is released when its conn closes.
package main

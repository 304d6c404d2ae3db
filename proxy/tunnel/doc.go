// Package tunnel carries raw TCP bytes over a WebSocket, so that code in a
// browser page can speak SMTP, IMAP or POP3 (and TLS) to a mail server.
//
// # Protocol
//
// GET /tunnel?host=H&port=P upgrades to a WebSocket (RFC 6455) carrying
// binary messages; the "binary" subprotocol is accepted as websockify
// does. Bytes from the page go to the server as they arrive; what the
// server has sent goes to the page as one message: up to 32 KiB (a TLS
// record and its overhead) copied through a pooled buffer, or, on Linux
// when 32 KiB or more are waiting, up to 256 KiB spliced from socket to
// socket without entering the proxy (see splice_linux.go).
//
// # Deny by default
//
// Every tunnel passes, in order: the Origin check (a foreign Origin gets
// 403 at the handshake), a per-address rate limit, the token check in
// shared mode, the target policy (ports, host lists, named exceptions; see
// package policy), the limits on open tunnels, and the address check of
// every IP the name resolves to. All of it is decided before anything is
// dialled. A refused tunnel is still upgraded and then closed with a close
// code and a reason the page shows ("blocked: private address", "limit: 8
// tunnels per address"): a browser cannot read the HTTP status of a failed
// handshake. The codes are listed with the Close constants.
//
// In local mode (no Tokens) the page's origin must be the request's own
// and a loopback name, so a hostile site cannot reach the tunnel, even by
// rebinding its own name to 127.0.0.1; requests forwarded by a reverse
// proxy are refused unless it is trusted. In shared mode (Tokens set)
// every tunnel needs a token, given as ?token= or as a
// Sec-WebSocket-Protocol entry "token.<token>". Tokens are compared in
// constant time and logged only as a hash prefix; the token file is re-read
// when it changes, and tunnels of revoked tokens are closed.
//
// # Limits and observability
//
// Limits bound tunnels per client address, per token and in total, new
// tunnels per minute, dial and handshake time, idle time (at least 31
// minutes, for IMAP IDLE, RFC 2177), session time and bytes. One log line
// is written when a tunnel opens and one when it closes (client, token
// hash, target, dialled address, bytes each way, duration, reason), never
// any payload. Handler is a prometheus.Collector for /metrics.
//
// # Concurrency and memory
//
// Each tunnel runs a goroutine per direction, gorilla/websocket's rule of
// one reader and one writer per connection; a single sweeper goroutine per
// Handler sends pings and enforces timeouts, and stops when no tunnel is
// open. ServeHTTP returns once the tunnel runs, so net/http's per-request
// memory is freed. Copy buffers (32 KiB) come from pools and are held only
// while bytes are in flight: the server side is waited on without a
// buffer (a queue-length query or a one-byte peek from inside the
// runtime's poller), so an idle tunnel holds no copy buffer and no pipe.
// The tunnel writes its own frames (frameWriter); gorilla/websocket reads
// the page's. Handler's
// methods are safe for concurrent use; Shutdown ends it.
package tunnel

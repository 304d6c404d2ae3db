// Package tunnel carries raw TCP bytes over a WebSocket, so that code in a
// browser page can speak SMTP, IMAP or POP3 (and TLS) to a mail server.
//
// GET /tunnel?host=H&port=P upgrades to a WebSocket (RFC 6455) with binary
// messages, accepting the "binary" subprotocol as websockify does, checks
// the target against a Policy and pumps bytes both ways. A refused target is
// still upgraded and then closed with code 1008 (policy violation) and a
// reason the page can show: a browser cannot read the HTTP status of a
// failed handshake. A foreign Origin is refused at the handshake with 403.
//
// Concurrency follows gorilla/websocket's rule, one reader and one writer per
// connection: each tunnel runs a goroutine per direction, and pings go out
// through WriteControl, which may run beside the writer.
package tunnel

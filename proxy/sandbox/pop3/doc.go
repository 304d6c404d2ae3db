// Package pop3 is a small POP3 server: the protocol of RFC 1939 (USER,
// PASS, STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP, QUIT and the UPDATE
// state), with the extension mechanism of RFC 2449 (CAPA, response codes,
// PIPELINING), STLS from RFC 2595, AUTH from RFC 5034 (SASL PLAIN, RFC
// 4616) and the response codes of RFC 3206 ([AUTH], [SYS/TEMP], [IN-USE]).
//
// The server knows nothing of how mail is stored: a Backend checks
// credentials and hands out a Maildrop, a locked snapshot of one user's
// messages taken when the session enters the TRANSACTION state. Messages
// marked with DELE are removed only if the client ends the session with
// QUIT (RFC 1939 section 6); a dropped connection or an autologout removes
// nothing.
//
// Wire grammar lives in command.go (ParseCommand, fuzzed) and response.go
// (status lines, multi-line responses with byte-stuffing); what each
// command means lives in one file per command.
//
// Limits are named constants: a command line is at most 255 octets with
// its CRLF (RFC 2449 section 4), a SASL response line at most
// maxSASLLine, and an idle session is logged out after IdleTimeout (RFC
// 1939 section 3 asks for at least ten minutes).
//
// Concurrency: a Server serves each connection in its own goroutine; the
// Backend and every Maildrop it returns must be safe for that. Close may be
// called from any goroutine.
package pop3

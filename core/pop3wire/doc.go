// Package pop3wire splits the two byte streams of a POP3 session into
// protocol units, each kept with its exact raw bytes: command lines,
// status responses (+OK, -ERR), the multi-line responses that follow +OK
// for some commands, ended by a "." line, with byte-stuffing undone
// (RFC 1939 §3), and SASL exchanges (RFC 5034: "+ " challenges, base64
// responses).
//
// Whether a response is multi-line depends on the command it answers, so
// the splitter is a Conversation fed both directions in wire order; it
// pairs responses with commands first in, first out, which also covers
// PIPELINING (RFC 2449 §6.6). It knows the grammar only: what a command
// means and which state it moves a session to belong to other packages.
//
// Limits (MaxLine, MaxUnit) bound its memory whatever the peer sends; it
// never panics and lists departures from the grammar as Problems.
//
// A Conversation is not safe for concurrent use.
package pop3wire

// Package transcript reads recorded sessions and explains them with the
// same dissectors a live session uses. The recording is in the form of the
// RFCs' examples: one line of the exchange per line, prefixed "C:" for
// the client and "S:" for the server, optionally after a timestamp.
// Each line stands for its text followed by CR LF on the wire, so that a
// multi-line reply, a multi-line POP3 response and an IMAP response that
// carries a literal come out as one unit each, as they would live.
//
// The debug output of Python's smtplib, poplib and imaplib is accepted
// too (see python.go): students often have it at hand.
//
// RunCLI is "mailwire dissect": text for people, --json for programs.
//
// Everything here is safe for concurrent use by separate calls.
package transcript

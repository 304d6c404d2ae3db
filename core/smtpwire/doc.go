// Package smtpwire reads and writes the SMTP wire format of RFC 5321: command
// lines and (possibly multi-line) replies, each kept with its exact raw bytes.
//
// It knows the grammar only (RFC 5321 §4.1 commands, §4.2 replies, §2.3.8
// line ends); what a command means and which state it moves a session to
// belong to other packages.
//
// A Reader is not safe for concurrent use: one goroutine reads a direction of
// a stream.
package smtpwire

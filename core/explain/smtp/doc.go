// Package smtp explains SMTP sessions (RFC 5321 and its extensions): every
// command, reply, message body, BDAT chunk and AUTH exchange split by
// smtpwire becomes an explain.Step with its parsed form, its meaning and
// the RFC section that defines it.
//
// A client state machine follows the session (greeting, EHLO, STARTTLS
// then EHLO again, AUTH, MAIL, RCPT, DATA or BDAT, QUIT): it lists the
// commands valid now, warns about a command sent out of sequence (and
// still lets it through: the server's 503 teaches too), and records what
// the session learned (extensions, SIZE, AUTH mechanisms, queue ids).
// Pipelined commands (RFC 2920) are checked against the state they will
// meet if the commands before them succeed.
//
// One file per command; replies in reply.go, EHLO keywords in ext.go.
// A Dissector is not safe for concurrent use.
package smtp

// Package smtpwire reads and writes the SMTP wire format of RFC 5321 and
// splits a session's two byte streams into protocol units, each kept with
// its exact raw bytes.
//
// Two ways in:
//
//   - Reader pulls replies from one direction (RFC 5321 §4.2).
//   - Conversation is fed both directions in wire order and returns Units:
//     command lines (§4.1), complete multi-line replies, the message after
//     DATA with its dot-stuffing shown in Raw and undone in Body (§4.5.2),
//     BDAT chunks (RFC 3030), SASL response lines in AUTH exchanges
//     (RFC 4954). It pairs replies with commands first in, first out, as
//     PIPELINING allows (RFC 2920), and uses the replies (354, 334) to
//     know what the client sends next.
//
// It knows the grammar only (commands §4.1, replies §4.2, line ends
// §2.3.8); what a command means and which state it moves a session to
// belong to other packages. Limits (MaxLine, MaxUnit, MaxReplyLines) bound
// memory whatever the peer sends; parsing never panics and lists
// departures from the grammar as Problems.
//
// Neither a Reader nor a Conversation is safe for concurrent use.
package smtpwire

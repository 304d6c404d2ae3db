package smtp

import (
	"bytes"
	"fmt"

	"github.com/mailwire/mailwire/core/smtpwire"
)

var cmdDATA = command{
	rfc: "RFC 5321 §4.1.1.4",
	explain: func(args string) cmdInfo {
		i := cmdInfo{summary: "DATA", text: "DATA asks to send the message itself. After a 354 reply the client sends the message (headers, blank line, body) and ends it with a line holding only a dot."}
		if args != "" {
			i.problems = append(i.problems, "DATA takes no arguments (RFC 5321 §4.1.1.4)")
		}
		return i
	},
	reply: func(rep smtpwire.Reply, args string) string {
		switch rep.Code {
		case 354:
			return "354: go ahead. The server now reads the message until a line with a single \".\". Lines of the message that start with a dot get one more dot (dot-stuffing) so that they cannot end it early."
		case 554:
			return "554: no valid recipients, or the transaction is refused; no message will be read (RFC 5321 §3.3)."
		case 503:
			return "503: bad sequence. DATA needs at least one accepted RCPT (RFC 5321 §4.1.4)."
		}
		return ""
	},
}

// explainBody explains the message sent after 354.
func explainBody(u smtpwire.Unit) cmdInfo {
	lines := bytes.Count(u.Body, []byte("\n"))
	i := cmdInfo{summary: fmt.Sprintf("message: %d octets, %d lines", len(u.Body), lines)}
	i.text = "The message itself: header fields, a blank line, the body (RFC 5322). It ends with the line \".\" (CR LF . CR LF)"
	if u.Stuffed > 0 {
		i.text += fmt.Sprintf("; %d line(s) started with a dot and were sent with an extra dot, removed again by the server (dot-stuffing, RFC 5321 §4.5.2)", u.Stuffed)
	}
	if u.Cut {
		i.text = "A piece of a long message, shown in parts."
	}
	i.text += "."
	return i
}

// endOfDataReply explains the reply to the end of the message.
func endOfDataReply(rep smtpwire.Reply) string {
	switch rep.Class() {
	case 2:
		return "The message is accepted: the server has taken responsibility for delivering it (RFC 5321 §4.1.1.4). The transaction is over; MAIL may start another."
	case 4:
		return "A temporary failure: the message was not accepted, the client should try again later (RFC 5321 §4.2.1)."
	case 5:
		return "The message is refused for good (RFC 5321 §4.2.1). The transaction is over."
	}
	return ""
}

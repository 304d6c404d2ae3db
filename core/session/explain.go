package session

import (
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/smtpwire"
)

type explanation struct{ summary, explain, rfc string }

// explainCommand says what an SMTP command asks for.
func explainCommand(c smtpwire.Command) explanation {
	switch c.Verb {
	case "EHLO":
		return explanation{explain: "EHLO opens an ESMTP session and names the client (" + c.Args + "). The server answers with its name and, one per line, the service extensions it supports.", rfc: "RFC 5321 §4.1.1.1"}
	case "HELO":
		return explanation{explain: "HELO is the original greeting from RFC 821: it names the client but asks for no extensions.", rfc: "RFC 5321 §4.1.1.1"}
	case "QUIT":
		return explanation{explain: "QUIT asks the server to send 221 and close the connection.", rfc: "RFC 5321 §4.1.1.10"}
	case "NOOP":
		return explanation{explain: "NOOP does nothing but ask for a 250 reply: a way to check that the connection is alive.", rfc: "RFC 5321 §4.1.1.9"}
	case "RSET":
		return explanation{explain: "RSET aborts the current mail transaction; the envelope so far is discarded.", rfc: "RFC 5321 §4.1.1.5"}
	}
	return explanation{explain: "A command line: a verb, its arguments, and CR LF.", rfc: "RFC 5321 §4.1"}
}

var replyClass = map[int]string{
	2: "positive completion",
	3: "positive intermediate",
	4: "transient negative completion",
	5: "permanent negative completion",
}

// explainReply says what a reply means, given the command it answers
// ("" for the greeting).
func explainReply(r smtpwire.Reply, verb string) explanation {
	class := replyClass[r.Class()]
	sum := fmt.Sprintf("%d %s", r.Code, class)
	if len(r.Lines) > 1 {
		sum += fmt.Sprintf(", %d lines", len(r.Lines))
	}
	e := explanation{summary: sum, rfc: "RFC 5321 §4.2"}
	switch {
	case verb == "" && r.Code == 220:
		e.explain = "The greeting: 220 means the server is ready. The text after the code usually names the server."
		e.rfc = "RFC 5321 §3.1, §4.3.2"
	case verb == "" && r.Code == 554:
		e.explain = "554 instead of 220: the server refuses to serve this client. It will answer 503 to everything but QUIT."
		e.rfc = "RFC 5321 §3.1"
	case verb == "EHLO" && r.Code == 250:
		var ext []string
		for _, l := range r.Lines[1:] {
			if kw, _, _ := strings.Cut(l, " "); kw != "" {
				ext = append(ext, kw)
			}
		}
		e.explain = "The EHLO reply is multi-line: every line but the last has a hyphen after the code (250-), the last a space (250 ). The first line names the server; each further line announces one extension"
		if len(ext) > 0 {
			e.explain += ": " + strings.Join(ext, ", ")
		}
		e.explain += "."
		e.rfc = "RFC 5321 §4.1.1.1, §4.2"
	case r.Code == 221:
		e.explain = "221: the server is closing the transmission channel."
	default:
		e.explain = fmt.Sprintf("The first digit, %d, means %s.", r.Class(), class)
	}
	return e
}

package smtp

import (
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/smtpwire"
)

var cmdEHLO = command{
	rfc: "RFC 5321 §4.1.1.1",
	explain: func(args string) cmdInfo {
		i := cmdInfo{summary: "EHLO " + args,
			text: "EHLO opens an extended (ESMTP) session and names the client (" + orNone(args) + "). The server answers 250 with its own name on the first line and then one service extension per line. EHLO also resets any transaction in progress."}
		if args == "" {
			i.problems = append(i.problems, "EHLO needs the client's domain or address literal, e.g. EHLO [192.0.2.1] (RFC 5321 §4.1.1.1)")
		}
		return i
	},
	reply: func(rep smtpwire.Reply, args string) string {
		if rep.Code != 250 {
			if rep.Code == 500 || rep.Code == 502 {
				return "The server does not know EHLO: it speaks plain SMTP only; greet it with HELO instead (RFC 5321 §4.1.4)."
			}
			return ""
		}
		var kws []string
		for _, l := range rep.Lines[1:] {
			if kw := firstField(l); kw != "" {
				kws = append(kws, strings.ToUpper(kw))
			}
		}
		s := "The EHLO reply is multi-line: every line but the last has a hyphen after the code (250-), the last a space (250 ). The first line names the server"
		if len(kws) > 0 {
			s += fmt.Sprintf("; each further line announces one extension: %s. Each is explained below", strings.Join(kws, ", "))
		} else {
			s += "; it announces no extensions"
		}
		return s + "."
	},
}

var cmdHELO = command{
	rfc: "RFC 5321 §4.1.1.1",
	explain: func(args string) cmdInfo {
		return cmdInfo{summary: "HELO " + args,
			text: "HELO is the original greeting of RFC 821: it names the client (" + orNone(args) + ") but asks for no extensions, so no SIZE, no STARTTLS, no AUTH will be offered."}
	},
	reply: func(rep smtpwire.Reply, args string) string {
		if rep.Code == 250 {
			return "250: the server accepts the greeting. HELO's reply is a single line; no extensions are listed."
		}
		return ""
	},
}

// ehloDetails explains each extension line of an EHLO reply.
func ehloDetails(rep smtpwire.Reply) []explain.Detail {
	if len(rep.Lines) == 0 {
		return nil
	}
	d := []explain.Detail{{Name: "server", Value: rep.Lines[0], Explain: "the server's domain, and often a greeting text", RFC: "RFC 5321 §4.1.1.1"}}
	for _, l := range rep.Lines[1:] {
		kw, params, _ := strings.Cut(strings.TrimSpace(l), " ")
		e, rfc := describeKeyword(strings.ToUpper(kw), params)
		d = append(d, explain.Detail{Name: strings.ToUpper(kw), Value: params, Explain: e, RFC: rfc})
	}
	return d
}

func orNone(s string) string {
	if s == "" {
		return "no name given"
	}
	return s
}

package smtp

import (
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/explain/sasl"
	"github.com/mailwire/mailwire/core/smtpwire"
)

var cmdAUTH = command{
	rfc: "RFC 4954 §4",
	explain: func(args string) cmdInfo {
		mech, ir, _ := strings.Cut(strings.TrimSpace(args), " ")
		mech = strings.ToUpper(mech)
		e, rfc := sasl.Describe(mech)
		i := cmdInfo{summary: "AUTH " + mech,
			text:    "AUTH starts a SASL authentication with the " + orNone(mech) + " mechanism. " + e,
			details: []explain.Detail{{Name: "mechanism", Value: mech, Explain: e, RFC: rfc}}}
		if ir != "" {
			i.text += " The initial response comes with the command (no 334 round trip for it)."
		}
		if mech == "" {
			i.problems = append(i.problems, "AUTH needs a mechanism name (RFC 4954 §4)")
		}
		return i
	},
	reply: func(rep smtpwire.Reply, args string) string {
		switch rep.Code {
		case 235:
			return "235: authentication succeeded (RFC 4954 §6). The server now knows who is sending; it may accept relaying for this user."
		case 334:
			return "334: a SASL challenge, base64 after the code; the client answers with one base64 line, or \"*\" to cancel (RFC 4954 §4)."
		case 535:
			return "535: authentication credentials invalid: wrong user or password (RFC 4954 §6)."
		case 534:
			return "534: the mechanism is too weak for this server's policy (RFC 4954 §6)."
		case 538:
			return "538: this mechanism needs an encrypted connection: STARTTLS first (RFC 4954 §6)."
		case 454:
			return "454: temporary authentication failure; try again later (RFC 4954 §6)."
		case 504:
			return "504: the server does not support this mechanism (RFC 4954 §4)."
		case 501:
			return "501: the client cancelled (\"*\") or sent a malformed response (RFC 4954 §4)."
		case 503:
			return "503: bad sequence: already authenticated, or inside a transaction (RFC 4954 §4)."
		}
		return ""
	},
}

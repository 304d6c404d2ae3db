package smtp

import (
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/smtpwire"
)

var cmdRCPT = command{
	rfc: "RFC 5321 §4.1.1.3",
	explain: func(args string) cmdInfo {
		path, params := splitPath(args, "TO:")
		i := cmdInfo{summary: "RCPT TO:" + path,
			text: "RCPT names one recipient of the message: " + path + " (the forward-path). Send one RCPT per recipient; the envelope recipients need not match the To: and Cc: headers (Bcc works this way)."}
		if !strings.HasPrefix(strings.ToUpper(args), "TO:") {
			i.problems = append(i.problems, `RCPT must be followed by "TO:" and a path in angle brackets (RFC 5321 §4.1.1.3)`)
		} else if !strings.HasPrefix(path, "<") || !strings.HasSuffix(path, ">") {
			i.problems = append(i.problems, "the forward-path belongs in angle brackets: RCPT TO:<user@example.org> (RFC 5321 §4.1.2)")
		}
		for _, p := range strings.Fields(params) {
			k, v, _ := strings.Cut(p, "=")
			e, rfc := "an extension parameter", "RFC 5321 §4.1.2"
			switch strings.ToUpper(k) {
			case "NOTIFY":
				e, rfc = "DSN: when to send a delivery status notification (NEVER, or SUCCESS, FAILURE, DELAY)", "RFC 3461 §4.1"
			case "ORCPT":
				e, rfc = "DSN: the original recipient address, for notifications", "RFC 3461 §4.2"
			}
			i.details = append(i.details, explain.Detail{Name: strings.ToUpper(k), Value: v, Explain: e, RFC: rfc})
		}
		return i
	},
	reply: func(rep smtpwire.Reply, args string) string {
		switch rep.Code {
		case 250:
			return "250: this recipient is accepted. More RCPT may follow, or DATA."
		case 251:
			return "251: the user is not local; the server will forward the message (RFC 5321 §3.4)."
		case 550:
			return "550: the recipient is refused (no such mailbox, or policy). The transaction stays open for other recipients."
		case 554:
			return "554: refused. With \"Relay access denied\" (and 5.7.1, delivery not authorized) it means this server will not pass mail on to that domain for this client (RFC 5321 §3.6)."
		case 503:
			return "503: bad sequence. RCPT needs MAIL first (RFC 5321 §4.1.4)."
		case 452:
			return "452: too many recipients or no storage for now; try this recipient again later (RFC 5321 §4.5.3.1.10)."
		}
		return ""
	},
}

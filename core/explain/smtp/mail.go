package smtp

import (
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/smtpwire"
)

var cmdMAIL = command{
	rfc: "RFC 5321 §4.1.1.2",
	explain: func(args string) cmdInfo {
		path, params := splitPath(args, "FROM:")
		i := cmdInfo{summary: "MAIL FROM:" + path}
		if path == "<>" {
			i.text = "MAIL FROM:<> starts a mail transaction with the null reverse-path: this message is a bounce or notification, and no bounce may be sent back for it (RFC 5321 §4.5.5)."
		} else {
			i.text = "MAIL starts a mail transaction. " + path + " is the envelope sender (the reverse-path): where bounces go. It need not match the From: header inside the message."
		}
		if !strings.HasPrefix(strings.ToUpper(args), "FROM:") {
			i.problems = append(i.problems, `MAIL must be followed by "FROM:" and a path in angle brackets (RFC 5321 §4.1.1.2)`)
		} else if !strings.HasPrefix(path, "<") || !strings.HasSuffix(path, ">") {
			i.problems = append(i.problems, "the reverse-path belongs in angle brackets: MAIL FROM:<user@example.org> (RFC 5321 §4.1.2)")
		}
		i.details = mailParams(params)
		return i
	},
	reply: func(rep smtpwire.Reply, args string) string {
		switch {
		case rep.Code == 250:
			return "250: the sender is accepted and the transaction is open; recipients (RCPT) come next."
		case rep.Code == 552:
			return "552: the declared SIZE exceeds what the server accepts (RFC 1870 §6)."
		case rep.Code == 503:
			return "503: bad sequence. MAIL needs a greeting first and no transaction open (RFC 5321 §4.1.4)."
		case rep.Code == 530:
			return "530: the server wants authentication (AUTH) before it takes mail (RFC 4954 §6)."
		}
		return ""
	},
}

// splitPath splits "FROM:<a@b> SIZE=10" into the path and the parameters.
func splitPath(args, prefix string) (path, params string) {
	a := args
	if len(a) >= len(prefix) && strings.EqualFold(a[:len(prefix)], prefix) {
		a = a[len(prefix):]
	}
	a = strings.TrimLeft(a, " ")
	if strings.HasPrefix(a, "<") {
		if i := strings.IndexByte(a, '>'); i >= 0 {
			return a[:i+1], strings.TrimSpace(a[i+1:])
		}
	}
	path, params, _ = strings.Cut(a, " ")
	return path, strings.TrimSpace(params)
}

// mailParams explains MAIL's ESMTP parameters.
func mailParams(params string) []explain.Detail {
	var d []explain.Detail
	for _, p := range strings.Fields(params) {
		k, v, _ := strings.Cut(p, "=")
		var e, rfc string
		switch strings.ToUpper(k) {
		case "SIZE":
			e, rfc = "the client's estimate of the message size in octets, so the server can refuse a message too big before it is sent", "RFC 1870 §6"
		case "BODY":
			switch strings.ToUpper(v) {
			case "8BITMIME":
				e, rfc = "the message contains 8-bit data (octets above 127) in lines", "RFC 6152 §3"
			case "BINARYMIME":
				e, rfc = "the message contains binary MIME parts; it must be sent with BDAT", "RFC 3030 §3"
			default:
				e, rfc = "7-bit US-ASCII message", "RFC 6152 §3"
			}
		case "SMTPUTF8":
			e, rfc = "addresses or headers contain UTF-8 (internationalized email)", "RFC 6531 §3.4"
		case "RET":
			e, rfc = "DSN: return the FULL message or only the HDRS in a failure notice", "RFC 3461 §4.3"
		case "ENVID":
			e, rfc = "DSN: an envelope identifier the client will find in delivery status notifications", "RFC 3461 §4.4"
		case "AUTH":
			e, rfc = "the identity that submitted the message, passed on between authenticated relays", "RFC 4954 §5"
		case "REQUIRETLS":
			e, rfc = "every hop must relay this message over verified TLS", "RFC 8689 §4.1"
		case "MT-PRIORITY":
			e, rfc = "the message's priority", "RFC 6710 §4"
		default:
			e, rfc = "an extension parameter", "RFC 5321 §4.1.2"
		}
		d = append(d, explain.Detail{Name: strings.ToUpper(k), Value: v, Explain: e, RFC: rfc})
	}
	return d
}

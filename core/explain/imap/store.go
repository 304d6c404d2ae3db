package imap

import (
	"strings"

	"github.com/mailwire/mailwire/core/imapwire"
)

func init() {
	register("STORE", &command{rfc: "RFC 9051 §6.4.6", explain: func(a []imapwire.Value, uid bool) string {
		what := "message(s) " + str(a, 0)
		if uid {
			what = "the messages with UIDs " + str(a, 0)
		}
		op := strings.ToUpper(str(a, 1))
		verb := "sets the flags of"
		switch {
		case strings.HasPrefix(op, "+"):
			verb = "adds flags to"
		case strings.HasPrefix(op, "-"):
			verb = "removes flags from"
		}
		s := "STORE " + verb + " " + what + ": " + join(a, 2) + "."
		if strings.HasSuffix(op, ".SILENT") {
			s += " .SILENT: no untagged FETCH with the new flags comes back."
		} else {
			s += " The server answers with an untagged FETCH showing the new flags."
		}
		if strings.Contains(strings.ToUpper(join(a, 2)), `\DELETED`) {
			s += ` \Deleted only marks a message; EXPUNGE or CLOSE removes it.`
		}
		return s
	}})
}

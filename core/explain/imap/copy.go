package imap

import "github.com/mailwire/mailwire/core/imapwire"

func init() {
	register("COPY", &command{rfc: "RFC 9051 §6.4.7", explain: func(a []imapwire.Value, uid bool) string {
		return "COPY copies messages " + str(a, 0) + " to " + mailbox(a, 1) + "."
	}, no: "NO: not copied; [TRYCREATE] means the target mailbox does not exist."})
	register("MOVE", &command{rfc: "RFC 9051 §6.4.8", explain: func(a []imapwire.Value, uid bool) string {
		return "MOVE moves messages " + str(a, 0) + " to " + mailbox(a, 1) + ": copied there and expunged here, as one operation (EXPUNGE responses follow)."
	}})
}

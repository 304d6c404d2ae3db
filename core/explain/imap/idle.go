package imap

import "github.com/mailwire/mailwire/core/imapwire"

func init() {
	register("IDLE", &command{rfc: "RFC 9051 §6.3.13", explain: func(a []imapwire.Value, uid bool) string {
		return "IDLE tells the server the client is waiting: after \"+ idling\" the server pushes changes (EXISTS for new mail, EXPUNGE, FETCH flags) as they happen, until the client sends DONE."
	}, ok: "OK: IDLE is over (after DONE)."})
}

package imap

import (
	"fmt"

	"github.com/mailwire/mailwire/core/imapwire"
)

func init() {
	register("APPEND", &command{rfc: "RFC 9051 §6.3.12", explain: func(a []imapwire.Value, uid bool) string {
		s := "APPEND adds a message to " + mailbox(a, 0) + ", optionally with flags and a date; the message itself is a literal."
		for _, v := range a[min(1, len(a)):] {
			if v.Kind == imapwire.Literal {
				s += fmt.Sprintf(" The literal holds %d octets.", len(v.Text))
				if !v.NonSync {
					s += " Being a synchronizing literal {n}, the client waits for the server's \"+\" before sending it."
				}
			}
		}
		return s
	}, ok: "OK: the message is stored (with UIDPLUS, [APPENDUID validity uid] says which UID it got).",
		no: "NO: not stored; [TRYCREATE] means the mailbox does not exist."})
}

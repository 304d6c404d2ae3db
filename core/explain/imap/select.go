package imap

import "github.com/mailwire/mailwire/core/imapwire"

func init() {
	register("SELECT", &command{rfc: "RFC 9051 §6.3.2", explain: func(a []imapwire.Value, uid bool) string {
		return "SELECT opens " + mailbox(a, 0) + " read-write. The server answers with untagged data about it (FLAGS, EXISTS, UIDVALIDITY, UIDNEXT, PERMANENTFLAGS, ...) and a tagged OK [READ-WRITE]; the session enters the selected state. Selecting another mailbox closes the previous one."
	},
		ok: "OK: the mailbox is selected; the untagged responses before this line described it.",
		no: "NO: the mailbox cannot be selected; no mailbox is selected any more (authenticated state)."})
	register("EXAMINE", &command{rfc: "RFC 9051 §6.3.3", explain: func(a []imapwire.Value, uid bool) string {
		return "EXAMINE opens " + mailbox(a, 0) + " read-only: like SELECT, but nothing can be changed and \\Seen flags are not set by reading."
	},
		ok: "OK [READ-ONLY]: the mailbox is selected read-only.",
		no: "NO: the mailbox cannot be examined; no mailbox is selected any more."})
	register("CLOSE", &command{rfc: "RFC 9051 §6.4.1", explain: func(a []imapwire.Value, uid bool) string {
		return "CLOSE closes the mailbox and silently removes the messages flagged \\Deleted (no EXPUNGE responses); back to the authenticated state."
	}})
	register("UNSELECT", &command{rfc: "RFC 9051 §6.4.2", explain: func(a []imapwire.Value, uid bool) string {
		return "UNSELECT closes the mailbox without removing anything; back to the authenticated state."
	}})
	register("CHECK", &command{rfc: "RFC 3501 §6.4.1", explain: func(a []imapwire.Value, uid bool) string {
		return "CHECK asks for a checkpoint of the mailbox (IMAP4rev1; removed in IMAP4rev2, where it acts like NOOP)."
	}})
	register("EXPUNGE", &command{rfc: "RFC 9051 §6.4.3", explain: func(a []imapwire.Value, uid bool) string {
		if uid {
			return "UID EXPUNGE removes only the messages flagged \\Deleted among the UIDs " + join(a, 0) + " (RFC 4315 §2.1)."
		}
		return "EXPUNGE removes every message flagged \\Deleted. Each removal is reported by an untagged EXPUNGE with its sequence number; the numbers of later messages shift down by one each time."
	}})
}

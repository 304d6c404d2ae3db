package imap

import "github.com/mailwire/mailwire/core/imapwire"

func init() {
	register("CREATE", &command{rfc: "RFC 9051 §6.3.4", explain: func(a []imapwire.Value, uid bool) string {
		return "CREATE makes a new mailbox " + mailbox(a, 0) + "."
	}, no: "NO: the mailbox could not be created (it may exist already: [ALREADYEXISTS])."})
	register("DELETE", &command{rfc: "RFC 9051 §6.3.5", explain: func(a []imapwire.Value, uid bool) string {
		return "DELETE removes the mailbox " + mailbox(a, 0) + " and every message in it."
	}})
	register("RENAME", &command{rfc: "RFC 9051 §6.3.6", explain: func(a []imapwire.Value, uid bool) string {
		return "RENAME renames " + mailbox(a, 0) + " to " + mailbox(a, 1) + ". Renaming INBOX moves its messages to the new mailbox and leaves INBOX empty."
	}})
	register("SUBSCRIBE", &command{rfc: "RFC 9051 §6.3.7", explain: func(a []imapwire.Value, uid bool) string {
		return "SUBSCRIBE adds " + mailbox(a, 0) + " to the list of mailboxes the user wants to see."
	}})
	register("UNSUBSCRIBE", &command{rfc: "RFC 9051 §6.3.8", explain: func(a []imapwire.Value, uid bool) string {
		return "UNSUBSCRIBE removes " + mailbox(a, 0) + " from the subscribed list."
	}})
	register("LIST", &command{rfc: "RFC 9051 §6.3.9", explain: func(a []imapwire.Value, uid bool) string {
		return "LIST asks for mailbox names: reference " + quoteEmpty(str(a, 0)) + " and pattern " + quoteEmpty(str(a, 1)) + " (\"*\" matches everything, \"%\" stops at the hierarchy delimiter). One untagged LIST response per mailbox."
	}})
	register("LSUB", &command{rfc: "RFC 3501 §6.3.9", explain: func(a []imapwire.Value, uid bool) string {
		return "LSUB lists subscribed mailboxes matching the pattern (IMAP4rev1; IMAP4rev2 uses LIST (SUBSCRIBED) instead)."
	}})
	register("STATUS", &command{rfc: "RFC 9051 §6.3.11", explain: func(a []imapwire.Value, uid bool) string {
		return "STATUS asks about " + mailbox(a, 0) + " without selecting it: " + join(a, 1) + " (MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN count, SIZE, ...)."
	}})
}

func quoteEmpty(s string) string {
	if s == "" {
		return `"" (none)`
	}
	return "\"" + s + "\""
}

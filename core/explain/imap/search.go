package imap

import "github.com/mailwire/mailwire/core/imapwire"

func init() {
	register("SEARCH", &command{rfc: "RFC 9051 §6.4.4", explain: func(a []imapwire.Value, uid bool) string {
		s := "SEARCH finds the messages matching " + join(a, 0) + " (criteria are ANDed; OR and NOT combine them). "
		if uid {
			return s + "As UID SEARCH, the results are UIDs."
		}
		return s + "The results are message sequence numbers, not UIDs: they change when messages are expunged. Use UID SEARCH for UIDs."
	}})
	register("SORT", &command{rfc: "RFC 5256 §3", explain: func(a []imapwire.Value, uid bool) string {
		return "SORT searches and returns the matches sorted by " + str(a, 0) + "."
	}})
	register("THREAD", &command{rfc: "RFC 5256 §3", explain: func(a []imapwire.Value, uid bool) string {
		return "THREAD searches and groups the matches into conversations with the " + str(a, 0) + " algorithm."
	}})
}

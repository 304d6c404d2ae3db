package imap

import "github.com/mailwire/mailwire/core/imapwire"

func init() {
	register("CAPABILITY", &command{rfc: "RFC 9051 §6.1.1",
		explain: func(a []imapwire.Value, uid bool) string {
			return "CAPABILITY asks what the server supports: an untagged CAPABILITY response lists it, then the tagged OK. The list can change after STARTTLS and after login."
		}})
	register("NOOP", &command{rfc: "RFC 9051 §6.1.2",
		explain: func(a []imapwire.Value, uid bool) string {
			return "NOOP does nothing, but gives the server a chance to report changes (new messages: EXISTS; removed ones: EXPUNGE) as untagged responses. Clients use it to poll and to keep the connection alive."
		}})
	register("LOGOUT", &command{rfc: "RFC 9051 §6.1.3",
		explain: func(a []imapwire.Value, uid bool) string {
			return "LOGOUT ends the session: the server sends an untagged BYE, then the tagged OK, and closes the connection."
		}, ok: "LOGOUT completed: the server closes the connection."})
	register("ID", &command{rfc: "RFC 2971 §3.1",
		explain: func(a []imapwire.Value, uid bool) string {
			return "ID tells the server the client's name and version (field/value pairs, or NIL) and asks for the server's, for statistics and debugging."
		}})
	register("ENABLE", &command{rfc: "RFC 9051 §6.3.1",
		explain: func(a []imapwire.Value, uid bool) string {
			return "ENABLE switches on extensions that change how the server talks (" + join(a, 0) + "); the untagged ENABLED response says which were switched on."
		}})
	register("NAMESPACE", &command{rfc: "RFC 9051 §6.3.10",
		explain: func(a []imapwire.Value, uid bool) string {
			return "NAMESPACE asks for the prefixes and hierarchy delimiters of personal mailboxes, other users' mailboxes and shared mailboxes."
		}})
	register("COMPRESS", &command{rfc: "RFC 4978 §3",
		explain: func(a []imapwire.Value, uid bool) string {
			return "COMPRESS DEFLATE turns on compression: after the OK both directions are compressed (Mailwire can no longer show them)."
		}})
	register("GETQUOTAROOT", &command{rfc: "RFC 9208 §4.3.2",
		explain: func(a []imapwire.Value, uid bool) string {
			return "GETQUOTAROOT asks which quota roots apply to " + mailbox(a, 0) + " and their usage."
		}})
	register("GETQUOTA", &command{rfc: "RFC 9208 §4.3.1",
		explain: func(a []imapwire.Value, uid bool) string {
			return "GETQUOTA asks for the usage and limits of a quota root."
		}})
}

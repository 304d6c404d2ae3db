package imap

import (
	"strings"

	"github.com/mailwire/mailwire/core/explain/sasl"
	"github.com/mailwire/mailwire/core/imapwire"
)

func init() {
	register("STARTTLS", &command{rfc: "RFC 9051 §6.2.1",
		explain: func(a []imapwire.Value, uid bool) string {
			return "STARTTLS asks to turn this plain connection into a TLS one. Yes, IMAP has STARTTLS (port 143); port 993 is implicit TLS instead (RFC 8314). After the tagged OK the TLS handshake begins at once; then the client must ask for CAPABILITY again."
		},
		ok:  "OK: begin the TLS handshake now. Everything after it is encrypted, and capabilities learned before must be forgotten (RFC 9051 §6.2.1).",
		bad: "BAD: STARTTLS is not available, or TLS is already on."})
	register("LOGIN", &command{rfc: "RFC 9051 §6.2.3",
		explain: func(a []imapwire.Value, uid bool) string {
			return "LOGIN identifies the user (" + str(a, 0) + ") with a plain-text password (masked here). Each argument is an atom, a quoted string or a literal {n}. Over a connection without TLS the password can be read by anyone on the path."
		},
		ok:  "OK: logged in; the session is in the authenticated state. The OK often carries [CAPABILITY ...], since logging in can unlock more.",
		no:  "NO: wrong user name or password (often with [AUTHENTICATIONFAILED]); still not authenticated.",
		bad: "BAD: LOGIN is not allowed here (already logged in, or LOGINDISABLED)."})
	register("AUTHENTICATE", &command{rfc: "RFC 9051 §6.2.2",
		explain: func(a []imapwire.Value, uid bool) string {
			mech := strings.ToUpper(str(a, 0))
			e, _ := sasl.Describe(mech)
			s := "AUTHENTICATE starts a SASL exchange with " + mech + ": the server sends challenges as \"+ \" lines (base64), the client answers one base64 line each, or \"*\" to cancel. " + e
			if len(a) > 1 {
				s += " The initial response comes with the command (SASL-IR, RFC 4959)."
			}
			return s
		},
		ok:  "OK: authenticated; the session is in the authenticated state.",
		no:  "NO: authentication failed.",
		bad: "BAD: the exchange was cancelled, or the command was malformed."})
}

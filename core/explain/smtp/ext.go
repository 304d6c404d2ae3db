package smtp

import (
	"fmt"
	"strconv"
	"strings"
)

// describeKeyword explains one EHLO keyword and its parameters.
func describeKeyword(kw, params string) (string, string) {
	switch strings.ToUpper(kw) {
	case "SIZE":
		n, err := strconv.ParseInt(strings.TrimSpace(params), 10, 64)
		switch {
		case err == nil && n > 0:
			return fmt.Sprintf("the largest message accepted is %d octets (%s); the client may declare a message's size with MAIL FROM:<...> SIZE=n", n, human(n)), "RFC 1870 §3"
		default:
			return "message size declaration: the client may declare SIZE=n on MAIL; no fixed limit is announced", "RFC 1870 §3"
		}
	case "8BITMIME":
		return "messages may contain 8-bit octets (MAIL ... BODY=8BITMIME)", "RFC 6152 §2"
	case "BINARYMIME":
		return "binary MIME bodies, sent with BDAT (MAIL ... BODY=BINARYMIME)", "RFC 3030 §3"
	case "CHUNKING":
		return "the message may be sent in chunks with BDAT instead of DATA: no dot-stuffing", "RFC 3030 §2"
	case "PIPELINING":
		return "the client may send several commands without waiting for each reply; replies come back in order", "RFC 2920 §3"
	case "STARTTLS":
		return "the connection can be upgraded to TLS with the STARTTLS command", "RFC 3207 §4"
	case "AUTH":
		return "authentication with SASL; mechanisms offered: " + strings.Join(strings.Fields(params), ", "), "RFC 4954 §3"
	case "ENHANCEDSTATUSCODES":
		return "replies carry an enhanced status code such as 2.1.5 after the reply code", "RFC 2034 §3"
	case "DSN":
		return "delivery status notifications: NOTIFY and ORCPT on RCPT, RET and ENVID on MAIL", "RFC 3461 §4"
	case "SMTPUTF8":
		return "internationalized email: UTF-8 in addresses and headers (MAIL ... SMTPUTF8)", "RFC 6531 §3.1"
	case "VRFY":
		return "the VRFY command is available", "RFC 5321 §3.5.1"
	case "EXPN":
		return "the EXPN command is available", "RFC 5321 §3.5.2"
	case "HELP":
		return "the HELP command is available", "RFC 5321 §4.1.1.8"
	case "ETRN":
		return "remote queue starting with ETRN", "RFC 1985 §5"
	case "DELIVERBY":
		return "a deadline for delivery may be set with MAIL ... BY=", "RFC 2852 §4"
	case "MT-PRIORITY":
		return "message transfer priorities (MAIL ... MT-PRIORITY=)", "RFC 6710 §3"
	case "REQUIRETLS":
		return "the client may require TLS on every hop of this message (MAIL ... REQUIRETLS)", "RFC 8689 §4"
	case "BURL":
		return "the message may be fetched from an IMAP URL instead of being sent (BURL)", "RFC 4468 §3"
	case "FUTURERELEASE":
		return "delivery may be held until a future time", "RFC 4865 §3"
	case "NO-SOLICITING":
		return "the server asks for no solicitations", "RFC 3865 §3"
	case "LIMITS":
		return "the server announces its limits (RCPTMAX, MAILMAX, RCPTDOMAINMAX)", "RFC 9422 §3"
	case "ATRN":
		return "authenticated turn: the roles reverse to deliver queued mail", "RFC 2645 §4"
	case "XCLIENT", "XFORWARD":
		return "a Postfix extension for trusted proxies (not standard)", "Postfix documentation"
	}
	if strings.HasPrefix(strings.ToUpper(kw), "AUTH=") {
		return "an old, non-standard form of the AUTH keyword kept for old clients", "RFC 4954 §3"
	}
	if strings.HasPrefix(strings.ToUpper(kw), "X") {
		return "a private extension (its name starts with X)", "RFC 5321 §4.1.5"
	}
	return "a service extension Mailwire does not describe", "RFC 5321 §4.1.1.1"
}

func human(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

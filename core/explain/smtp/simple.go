package smtp

import "github.com/mailwire/mailwire/core/smtpwire"

// Commands with little to say: one small value each.

var cmdRSET = command{
	rfc: "RFC 5321 §4.1.1.5",
	explain: func(args string) cmdInfo {
		return cmdInfo{summary: "RSET", text: "RSET aborts the current mail transaction: sender, recipients and data so far are discarded. The session itself (greeting, TLS, authentication) stays."}
	},
}

var cmdVRFY = command{
	rfc: "RFC 5321 §4.1.1.6",
	explain: func(args string) cmdInfo {
		return cmdInfo{summary: "VRFY " + args, text: "VRFY asks whether " + orNone(args) + " names a mailbox. Most servers answer 252 (cannot verify, but will try to deliver) so as not to reveal their users (RFC 5321 §3.5.3, §7.3)."}
	},
	reply: func(rep smtpwire.Reply, args string) string {
		if rep.Code == 252 {
			return "252: the server will not say whether the user exists, but will accept mail for it (RFC 5321 §3.5.3)."
		}
		return ""
	},
}

var cmdEXPN = command{
	rfc: "RFC 5321 §4.1.1.7",
	explain: func(args string) cmdInfo {
		return cmdInfo{summary: "EXPN " + args, text: "EXPN asks the server to expand a mailing list into its members. Usually disabled, for privacy (RFC 5321 §7.3)."}
	},
}

var cmdHELP = command{
	rfc: "RFC 5321 §4.1.1.8",
	explain: func(args string) cmdInfo {
		return cmdInfo{summary: "HELP " + args, text: "HELP asks for human-readable help, answered with 214."}
	},
}

var cmdNOOP = command{
	rfc: "RFC 5321 §4.1.1.9",
	explain: func(args string) cmdInfo {
		return cmdInfo{summary: "NOOP", text: "NOOP does nothing but ask for a 250 reply: a way to check that the connection is alive."}
	},
}

var cmdQUIT = command{
	rfc: "RFC 5321 §4.1.1.10",
	explain: func(args string) cmdInfo {
		return cmdInfo{summary: "QUIT", text: "QUIT asks the server to answer 221 and close the connection. A transaction not finished is abandoned."}
	},
	reply: func(rep smtpwire.Reply, args string) string {
		if rep.Code == 221 {
			return "221: goodbye; the server closes the connection."
		}
		return ""
	},
}

var cmdETRN = command{
	rfc: "RFC 1985 §5",
	explain: func(args string) cmdInfo {
		return cmdInfo{summary: "ETRN " + args, text: "ETRN asks the server to start delivering the mail it queued for the domain " + orNone(args) + " (remote queue starting)."}
	},
}

var cmdSTARTTLS = command{
	rfc: "RFC 3207 §4",
	explain: func(args string) cmdInfo {
		return cmdInfo{summary: "STARTTLS", text: "STARTTLS asks to turn this plain connection into a TLS one. After the server's 220 the TLS handshake starts at once; then the session starts over and the client must send EHLO again."}
	},
	reply: func(rep smtpwire.Reply, args string) string {
		switch rep.Code {
		case 220:
			return "220: ready to start TLS. The next bytes on the wire are the TLS handshake; what follows is encrypted, and the client forgets what it learned before: it sends EHLO again (RFC 3207 §4.2)."
		case 454:
			return "454: TLS is not available now (RFC 3207 §4)."
		case 501:
			return "501: STARTTLS takes no parameters (RFC 3207 §4)."
		}
		return ""
	},
}

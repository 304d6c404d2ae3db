package pop3

import (
	"fmt"
	"strings"
)

// command explains one POP3 command.
type command struct {
	rfc     string
	explain func(args []string) string
	// ok and err say what +OK and -ERR mean for it ("" for the default).
	ok, err string
}

var commands = map[string]command{
	"USER": {"RFC 1939 §7", func(a []string) string {
		return "USER names the mailbox (" + arg(a, 0) + "). It is the first half of the plain-text login; PASS with the password follows."
	}, "+OK: the name is accepted (or the server does not say yet whether it exists); send PASS.", "-ERR: the server will not accept this name."},
	"PASS": {"RFC 1939 §7", func(a []string) string {
		return "PASS gives the password (masked here), in clear text: without TLS anyone on the path can read it. On success the maildrop is opened and locked, and the session enters the TRANSACTION state."
	}, "+OK: logged in; the maildrop is locked for this session (TRANSACTION state).", "-ERR: wrong password, or the maildrop cannot be locked; back to USER (RFC 1939 §7)."},
	"APOP": {"RFC 1939 §7", func(a []string) string {
		return "APOP logs in as " + arg(a, 0) + " with an MD5 digest of the greeting's timestamp and a shared secret, so the secret never crosses the wire. MD5 makes it weak today."
	}, "+OK: logged in (TRANSACTION state).", "-ERR: the digest does not match."},
	"AUTH": {"RFC 5034 §4", func(a []string) string {
		if len(a) == 0 {
			return "AUTH with no mechanism: many servers answer with the list of SASL mechanisms they accept (a multi-line response)."
		}
		s := "AUTH starts a SASL authentication with " + strings.ToUpper(a[0]) + ". Challenges come as \"+ \" lines in base64, the client answers one base64 line each, or \"*\" to cancel."
		if len(a) > 1 {
			s += " An initial response comes with the command."
		}
		return s
	}, "+OK: authenticated (TRANSACTION state).", "-ERR: authentication failed."},
	"STLS": {"RFC 2595 §4", func(a []string) string {
		return "STLS asks to start TLS on this connection. After +OK the TLS handshake begins; then the client should send CAPA again, since what it learned before may have been tampered with."
	}, "+OK: begin the TLS handshake now.", "-ERR: TLS is not available."},
	"CAPA": {"RFC 2449 §5", func(a []string) string {
		return "CAPA asks for the server's capabilities, one per line, ended by a line with a single dot."
	}, "", "-ERR: the server predates RFC 2449 and has no CAPA."},
	"QUIT": {"RFC 1939 §6", func(a []string) string {
		return "QUIT ends the session. In the TRANSACTION state it first enters UPDATE: messages marked with DELE are removed for good, then the lock is released."
	}, "+OK: goodbye; deletions (if any) were applied.", "-ERR: some messages marked as deleted could not be removed (RFC 1939 §6)."},
	"STAT": {"RFC 1939 §5", func(a []string) string {
		return "STAT asks for the maildrop's size: +OK, the number of messages and their total size in octets (messages marked deleted are not counted)."
	}, "", ""},
	"LIST": {"RFC 1939 §5", func(a []string) string {
		if len(a) > 0 {
			return "LIST " + a[0] + " asks for the size of message " + a[0] + " (a one-line answer)."
		}
		return "LIST asks for a scan listing: one line per message, its number and its size in octets, ended by a single dot."
	}, "", "-ERR: no such message."},
	"RETR": {"RFC 1939 §5", func(a []string) string {
		return "RETR " + arg(a, 0) + " retrieves the whole message: +OK, then the message line by line (lines starting with a dot get an extra one), ended by a single dot."
	}, "", "-ERR: no such message, or it is marked deleted."},
	"DELE": {"RFC 1939 §5", func(a []string) string {
		return "DELE " + arg(a, 0) + " marks the message as deleted. It is removed only when QUIT enters the UPDATE state; RSET unmarks it."
	}, "+OK: marked deleted (removed at QUIT).", "-ERR: no such message, or already marked."},
	"NOOP": {"RFC 1939 §5", func(a []string) string {
		return "NOOP does nothing; the server answers +OK. It keeps the connection alive."
	}, "", ""},
	"RSET": {"RFC 1939 §5", func(a []string) string {
		return "RSET unmarks every message marked as deleted in this session."
	}, "+OK: deletion marks removed.", ""},
	"TOP": {"RFC 1939 §7", func(a []string) string {
		return fmt.Sprintf("TOP %s %s asks for the header of message %s and the first %s lines of its body, ended by a single dot.", arg(a, 0), arg(a, 1), arg(a, 0), arg(a, 1))
	}, "", "-ERR: no such message."},
	"UIDL": {"RFC 1939 §7", func(a []string) string {
		if len(a) > 0 {
			return "UIDL " + a[0] + " asks for the unique id of message " + a[0] + ": it stays the same across sessions, unlike the message number."
		}
		return "UIDL asks for every message's unique id, one line per message (number, id), ended by a single dot. Clients use it to know which messages they already downloaded."
	}, "", ""},
	"UTF8": {"RFC 6856 §2", func(a []string) string {
		return "UTF8 turns on UTF-8 mode: user names, passwords and messages may contain UTF-8."
	}, "", ""},
}

func arg(a []string, i int) string {
	if i < len(a) {
		return a[i]
	}
	return "(missing)"
}

// describeCapability explains one CAPA line.
func describeCapability(name, args string) (string, string) {
	switch strings.ToUpper(name) {
	case "TOP":
		return "the TOP command is available", "RFC 2449 §6.1"
	case "USER":
		return "login with USER and PASS is allowed", "RFC 2449 §6.2"
	case "SASL":
		return "AUTH with these SASL mechanisms: " + strings.Join(strings.Fields(args), ", "), "RFC 2449 §6.3, RFC 5034 §5"
	case "RESP-CODES":
		return "-ERR responses may carry a code in brackets, such as [IN-USE]", "RFC 2449 §6.4"
	case "LOGIN-DELAY":
		return "the minimum delay between logins, in seconds: " + args, "RFC 2449 §6.5"
	case "PIPELINING":
		return "the client may send several commands without waiting for each response", "RFC 2449 §6.6"
	case "EXPIRE":
		return "how many days the server keeps messages (NEVER: forever): " + args, "RFC 2449 §6.7"
	case "UIDL":
		return "the UIDL command is available", "RFC 2449 §6.8"
	case "IMPLEMENTATION":
		return "the server's software: " + args, "RFC 2449 §6.9"
	case "STLS":
		return "the connection can be upgraded to TLS with STLS", "RFC 2595 §4"
	case "AUTH-RESP-CODE":
		return "-ERR responses to logins carry [AUTH] or [SYS/...] codes", "RFC 3206 §6"
	case "UTF8":
		return "UTF-8 user names, passwords and messages (the UTF8 command)", "RFC 6856 §2"
	case "LANG":
		return "responses in other languages (the LANG command)", "RFC 6856 §3"
	}
	if strings.HasPrefix(strings.ToUpper(name), "X") {
		return "a private capability (its name starts with X)", "RFC 2449 §5"
	}
	return "a capability Mailwire does not describe", "RFC 2449 §5"
}

// describeCode explains an extended response code.
func describeCode(code string) (string, string) {
	switch strings.ToUpper(code) {
	case "IN-USE":
		return "the maildrop is locked by another session", "RFC 2449 §8.1.2"
	case "LOGIN-DELAY":
		return "logging in too soon after the last login", "RFC 2449 §8.1.1"
	case "SYS/TEMP":
		return "a temporary system problem; try again later", "RFC 3206 §4"
	case "SYS/PERM":
		return "a permanent system problem", "RFC 3206 §4"
	case "AUTH":
		return "the credentials are wrong (not a system problem)", "RFC 3206 §5"
	case "UTF8":
		return "the message cannot be delivered in UTF-8 mode", "RFC 6856 §2"
	}
	return "an extended response code", "RFC 2449 §8"
}

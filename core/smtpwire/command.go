package smtpwire

import (
	"bytes"
	"strings"
)

// Command is one SMTP command line (RFC 5321 §4.1): a verb and its
// arguments, with the exact raw bytes.
type Command struct {
	Verb string // upper-cased, e.g. "EHLO", "MAIL"
	Args string // everything after the verb and its separating space
	Raw  []byte // the exact line, line end included
}

// ParseCommand splits a command line into verb and arguments. It accepts
// any line; an empty line yields an empty Verb.
func ParseCommand(line []byte) Command {
	l := string(trimEOL(line))
	verb, args, _ := strings.Cut(l, " ")
	return Command{Verb: strings.ToUpper(verb), Args: args, Raw: bytes.Clone(line)}
}

// FormatCommand returns verb and args as one line ended by CR LF.
func FormatCommand(verb, args string) []byte {
	if args == "" {
		return []byte(verb + "\r\n")
	}
	return []byte(verb + " " + args + "\r\n")
}

package imap

import (
	"strings"

	"github.com/mailwire/mailwire/core/imapwire"
)

// command explains one IMAP command.
type command struct {
	rfc string
	// explain says what the command with these arguments asks for; uid is
	// set for the UID form (RFC 9051 §6.4.9).
	explain func(a []imapwire.Value, uid bool) string
	// ok, no and bad say what the tagged responses mean ("" for default).
	ok, no, bad string
}

// commands maps command names (without UID) to their explanations; the
// files any.go, notauth.go, mailbox.go, select.go, append.go, idle.go,
// fetch.go, search.go, store.go, copy.go and expunge.go fill it.
var commands = map[string]*command{}

func register(name string, c *command) { commands[name] = c }

// Commands returns the command names this package explains.
func Commands() []string {
	v := make([]string, 0, len(commands))
	for k := range commands {
		v = append(v, k)
	}
	return v
}

// str renders an astring, nstring or atom argument as text.
func str(a []imapwire.Value, i int) string {
	if i >= len(a) {
		return "(missing)"
	}
	v := a[i]
	switch v.Kind {
	case imapwire.Quoted, imapwire.Atom, imapwire.Number:
		return v.Text
	case imapwire.Literal:
		if len(v.Text) > 60 {
			return v.String()
		}
		return v.Text
	}
	return v.String()
}

// join renders arguments from i on.
func join(a []imapwire.Value, i int) string {
	var parts []string
	for ; i < len(a); i++ {
		parts = append(parts, a[i].String())
	}
	return strings.Join(parts, " ")
}

// mailbox renders a mailbox name, noting INBOX's special case.
func mailbox(a []imapwire.Value, i int) string {
	m := str(a, i)
	if strings.EqualFold(m, "INBOX") {
		return "INBOX"
	}
	return "\"" + m + "\""
}

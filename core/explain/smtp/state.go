package smtp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
)

// State is where the client stands in the session.
type State string

const (
	StateConnect   State = "connect"   // waiting for the greeting (RFC 5321 §3.1)
	StateGreeted   State = "greeted"   // 220 received: EHLO comes next (§4.1.4)
	StateReady     State = "ready"     // EHLO answered: a mail transaction may start (§3.3)
	StateMail      State = "mail"      // MAIL accepted: RCPT next (§4.1.1.2)
	StateRcpt      State = "rcpt"      // a recipient accepted: more RCPT, DATA or BDAT (§4.1.1.3)
	StateData      State = "data"      // 354 received: the message is being sent (§4.1.1.4)
	StateBDAT      State = "bdat"      // BDAT chunks under way (RFC 3030 §2)
	StateAuth      State = "auth"      // an AUTH exchange under way (RFC 4954 §4)
	StateHandshake State = "handshake" // STARTTLS accepted: TLS negotiation (RFC 3207 §4)
	StateRefused   State = "refused"   // 554 greeting: only QUIT is accepted (RFC 5321 §3.1)
	StateClosed    State = "closed"    // QUIT answered or 421 (§4.1.1.10, §3.8)
)

// client is the state machine. conf is what replies confirmed; pred
// adds the effect of commands sent and not yet answered, assuming they
// succeed, so that pipelined commands are judged fairly.
type client struct {
	conf, pred State
	esmtp      bool
	caps       []string          // EHLO keywords in order
	params     map[string]string // keyword -> parameters
	tls        bool
	authed     bool
	user       string
	server     string // the domain in the greeting
	size       int64  // SIZE limit, 0 when none announced
	rcpts      int
	queued     []string
	messages   int
}

func newClient() *client {
	return &client{conf: StateConnect, pred: StateConnect, params: map[string]string{}}
}

func (c *client) has(kw string) bool { _, ok := c.params[kw]; return ok }

// authMechs returns the mechanisms of the AUTH keyword.
func (c *client) authMechs() []string { return strings.Fields(strings.ToUpper(c.params["AUTH"])) }

// transition is the state a successful command leads to from s.
func transition(s State, verb, args string) State {
	switch verb {
	case "EHLO", "HELO":
		return StateReady
	case "MAIL":
		return StateMail
	case "RCPT":
		if s == StateMail || s == StateRcpt {
			return StateRcpt
		}
	case "DATA":
		if s == StateRcpt {
			return StateData
		}
	case "BDAT":
		if strings.Contains(strings.ToUpper(args), "LAST") {
			return StateReady
		}
		return StateBDAT
	case "RSET":
		if s == StateGreeted || s == StateConnect {
			return s
		}
		return StateReady
	case "STARTTLS":
		return StateHandshake
	case "AUTH":
		return StateReady
	case "QUIT":
		return StateClosed
	}
	return s
}

// valid lists the commands that make sense in a state.
func (c *client) valid(s State) []string {
	switch s {
	case StateGreeted:
		return []string{"EHLO", "HELO", "NOOP", "RSET", "HELP", "QUIT"}
	case StateReady:
		v := []string{"MAIL"}
		if c.has("STARTTLS") && !c.tls {
			v = append(v, "STARTTLS")
		}
		if c.has("AUTH") && !c.authed {
			v = append(v, "AUTH")
		}
		v = append(v, "EHLO", "RSET", "NOOP", "VRFY", "HELP", "QUIT")
		if c.has("EXPN") {
			v = append(v, "EXPN")
		}
		if c.has("ETRN") {
			v = append(v, "ETRN")
		}
		return v
	case StateMail:
		return []string{"RCPT", "RSET", "NOOP", "QUIT"}
	case StateRcpt:
		v := []string{"RCPT", "DATA"}
		if c.has("CHUNKING") {
			v = append(v, "BDAT")
		}
		return append(v, "RSET", "NOOP", "QUIT")
	case StateBDAT:
		return []string{"BDAT", "RSET", "NOOP", "QUIT"}
	case StateRefused:
		return []string{"QUIT"}
	}
	return nil
}

// check says what is out of sequence about sending verb now.
func (c *client) check(verb, args string) []string {
	s := c.pred
	var w []string
	add := func(format string, a ...any) { w = append(w, fmt.Sprintf(format, a...)) }
	switch s {
	case StateConnect:
		add("sent before the server's greeting: an SMTP client waits for the 220 first (RFC 5321 §3.1, §4.3.1)")
	case StateClosed:
		add("sent after the session ended (QUIT or 421): the server will not answer (RFC 5321 §4.1.1.10)")
		return w
	case StateRefused:
		if verb != "QUIT" {
			add("the server refused service with 554: it answers 503 to everything but QUIT (RFC 5321 §3.1)")
		}
		return w
	}
	switch verb {
	case "EHLO", "HELO":
		if s == StateMail || s == StateRcpt || s == StateBDAT {
			add("%s in the middle of a transaction abandons it, as RSET would (RFC 5321 §4.1.4)", verb)
		}
	case "MAIL":
		switch s {
		case StateGreeted:
			if c.tls && c.conf == StateGreeted && c.esmtp {
				add("after STARTTLS the client must send EHLO again before anything else (RFC 3207 §4.2)")
			} else {
				add("MAIL before EHLO or HELO: the client must greet first (RFC 5321 §4.1.4); expect 503")
			}
		case StateMail, StateRcpt, StateBDAT:
			add("MAIL inside a transaction: a transaction is already open (RFC 5321 §4.1.4); expect 503, or send RSET first")
		}
	case "RCPT":
		if s != StateMail && s != StateRcpt {
			add("RCPT before MAIL: recipients belong to a transaction that MAIL opens (RFC 5321 §4.1.1.3, §4.1.4); expect 503")
		}
	case "DATA":
		if s != StateRcpt {
			add("DATA before any accepted RCPT: there is nobody to deliver to (RFC 5321 §4.1.1.4); expect 503 or 554")
		}
	case "BDAT":
		if !c.has("CHUNKING") {
			add("BDAT without CHUNKING in the EHLO reply (RFC 3030 §2)")
		}
		if s != StateRcpt && s != StateBDAT {
			add("BDAT before any accepted RCPT (RFC 3030 §2); expect 503")
		}
	case "STARTTLS":
		switch {
		case c.tls:
			add("STARTTLS on a connection already protected by TLS (RFC 3207 §4.2)")
		case !c.has("STARTTLS") && c.esmtp:
			add("STARTTLS was not in the EHLO reply (RFC 3207 §4)")
		case s == StateGreeted:
			add("STARTTLS before EHLO: the client learns from EHLO whether STARTTLS is offered (RFC 3207 §4)")
		}
		if s == StateMail || s == StateRcpt {
			add("STARTTLS inside a mail transaction (RFC 3207 §4)")
		}
	case "AUTH":
		mech := strings.ToUpper(firstField(args))
		switch {
		case c.authed:
			add("already authenticated: the server answers 503 to a second AUTH (RFC 4954 §4)")
		case s == StateMail || s == StateRcpt || s == StateBDAT:
			add("AUTH is not permitted during a mail transaction (RFC 4954 §4)")
		case s == StateGreeted:
			add("AUTH before EHLO: AUTH is an ESMTP extension announced in the EHLO reply (RFC 4954 §3)")
		case !c.has("AUTH"):
			add("AUTH was not in the EHLO reply (RFC 4954 §3)%s", map[bool]string{true: "; many servers offer it only after STARTTLS", false: ""}[!c.tls])
		case mech != "" && !slices.Contains(c.authMechs(), mech):
			add("mechanism %s is not among those offered: %s (RFC 4954 §4)", mech, strings.Join(c.authMechs(), " "))
		}
		if !c.tls && (mech == "PLAIN" || mech == "LOGIN") {
			add("%s over a connection without TLS sends the password in base64, readable by anyone on the path (RFC 4954 §14, RFC 8314)", mech)
		}
	case "VRFY", "EXPN", "NOOP", "HELP", "RSET", "QUIT":
	case "ETRN":
		if !c.has("ETRN") && c.esmtp {
			add("ETRN was not in the EHLO reply (RFC 1985 §5)")
		}
	default:
		if _, ok := commands[verb]; !ok {
			add("%q is not an SMTP command this server was seen to offer; expect 500 (RFC 5321 §4.2.4)", verb)
		}
	}
	if verb == "MAIL" && c.size > 0 {
		if n, ok := mailSize(args); ok && n > c.size {
			add("SIZE=%d exceeds the server's limit of %d (RFC 1870 §6); expect 552", n, c.size)
		}
	}
	return w
}

func firstField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// mailSize finds SIZE=n among MAIL's parameters.
func mailSize(args string) (int64, bool) {
	for _, f := range strings.Fields(args) {
		if k, v, ok := strings.Cut(f, "="); ok && strings.EqualFold(k, "SIZE") {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// learned lists what the session found out.
func (c *client) learned() []explain.Detail {
	var d []explain.Detail
	if c.server != "" {
		d = append(d, explain.Detail{Name: "server", Value: c.server})
	}
	for _, kw := range c.caps {
		e, rfc := describeKeyword(kw, c.params[kw])
		d = append(d, explain.Detail{Name: "extension", Value: strings.TrimSpace(kw + " " + c.params[kw]), Explain: e, RFC: rfc})
	}
	if c.size > 0 {
		d = append(d, explain.Detail{Name: "size limit", Value: strconv.FormatInt(c.size, 10) + " octets"})
	}
	if c.user != "" {
		d = append(d, explain.Detail{Name: "authenticated as", Value: c.user})
	}
	if c.rcpts > 0 {
		d = append(d, explain.Detail{Name: "recipients accepted", Value: strconv.Itoa(c.rcpts)})
	}
	for _, q := range c.queued {
		d = append(d, explain.Detail{Name: "queued", Value: q})
	}
	return d
}

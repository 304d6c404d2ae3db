package pop3

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
)

// State is where the client stands (RFC 1939 §3).
type State string

const (
	StateConnect       State = "connect"            // waiting for the greeting
	StateAuthorization State = "authorization"      // identify yourself (RFC 1939 §4)
	StateUserGiven     State = "authorization-user" // USER accepted: PASS next (RFC 1939 §7)
	StateAuth          State = "auth"               // an AUTH exchange under way (RFC 5034 §4)
	StateHandshake     State = "handshake"          // STLS accepted: TLS negotiation (RFC 2595 §4)
	StateTransaction   State = "transaction"        // the maildrop is open (RFC 1939 §5)
	StateUpdate        State = "update"             // QUIT in TRANSACTION: deletions applied (RFC 1939 §6)
	StateClosed        State = "closed"
)

type client struct {
	conf, pred State
	tls        bool
	caps       []string
	capArgs    map[string]string
	apop       string // the greeting's timestamp, when APOP is possible
	user       string
	count      int
	size       int64
	haveStat   bool
	listing    map[int]int64
	uids       map[int]string
	deleted    map[int]bool
}

func newClient() *client {
	return &client{conf: StateConnect, pred: StateConnect, capArgs: map[string]string{}, listing: map[int]int64{}, uids: map[int]string{}, deleted: map[int]bool{}}
}

func (c *client) has(cap string) bool { _, ok := c.capArgs[cap]; return ok }

var transactionCmds = []string{"STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL"}

func (c *client) valid(s State) []string {
	switch s {
	case StateAuthorization:
		v := []string{"USER", "APOP"}
		if c.has("SASL") || len(c.caps) == 0 {
			v = append(v, "AUTH")
		}
		if !c.tls && (c.has("STLS") || len(c.caps) == 0) {
			v = append(v, "STLS")
		}
		return append(v, "CAPA", "QUIT")
	case StateUserGiven:
		return []string{"PASS", "USER", "QUIT"}
	case StateTransaction:
		return append(append([]string(nil), transactionCmds...), "CAPA", "QUIT")
	}
	return nil
}

// transition is the state a successful command leads to from s.
func transition(s State, verb string) State {
	switch verb {
	case "USER":
		if s == StateAuthorization || s == StateUserGiven {
			return StateUserGiven
		}
	case "PASS", "APOP", "AUTH":
		if s == StateAuthorization || s == StateUserGiven || s == StateAuth {
			return StateTransaction
		}
	case "STLS":
		return StateHandshake
	case "QUIT":
		if s == StateTransaction {
			return StateUpdate
		}
		return StateClosed
	}
	return s
}

func (c *client) check(verb string, args []string) []string {
	s := c.pred
	var w []string
	add := func(f string, a ...any) { w = append(w, fmt.Sprintf(f, a...)) }
	switch s {
	case StateConnect:
		add("sent before the server's greeting (RFC 1939 §4)")
	case StateClosed, StateUpdate:
		add("sent after QUIT: the session is over (RFC 1939 §6)")
		return w
	}
	inAuthz := s == StateAuthorization || s == StateUserGiven
	switch verb {
	case "USER":
		if s == StateTransaction {
			add("USER is valid only in the AUTHORIZATION state (RFC 1939 §7)")
		} else if len(c.caps) > 0 && !c.has("USER") {
			add("the server's CAPA does not list USER (RFC 2449 §6)")
		}
		if !c.tls {
			add("USER/PASS without TLS: the password will cross the network in the clear (RFC 8314 §1)")
		}
	case "PASS":
		if s != StateUserGiven {
			add("PASS must follow a successful USER (RFC 1939 §7); expect -ERR")
		}
	case "APOP":
		if !inAuthz {
			add("APOP is valid only in the AUTHORIZATION state (RFC 1939 §7)")
		} else if c.apop == "" && c.conf != StateConnect {
			add("the greeting carries no <timestamp>, so the server does not offer APOP (RFC 1939 §7)")
		}
	case "AUTH":
		if !inAuthz {
			add("AUTH is valid only in the AUTHORIZATION state (RFC 5034 §4)")
		}
		if len(args) > 0 && len(c.caps) > 0 {
			mechs := strings.Fields(strings.ToUpper(c.capArgs["SASL"]))
			if !slices.Contains(mechs, strings.ToUpper(args[0])) {
				add("mechanism %s is not in the server's SASL capability: %s (RFC 5034 §4)", strings.ToUpper(args[0]), strings.Join(mechs, " "))
			}
		}
		if len(args) > 0 && !c.tls && (strings.EqualFold(args[0], "PLAIN") || strings.EqualFold(args[0], "LOGIN")) {
			add("%s without TLS sends the password in base64, readable by anyone on the path (RFC 8314 §1)", strings.ToUpper(args[0]))
		}
	case "STLS":
		switch {
		case c.tls:
			add("STLS on a connection already protected by TLS (RFC 2595 §4)")
		case !inAuthz:
			add("STLS is valid only in the AUTHORIZATION state (RFC 2595 §4)")
		case len(c.caps) > 0 && !c.has("STLS"):
			add("the server's CAPA does not list STLS (RFC 2595 §4)")
		}
	case "CAPA", "QUIT":
	case "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL":
		if s != StateTransaction {
			add("%s is valid only in the TRANSACTION state, after logging in (RFC 1939 §5); expect -ERR", verb)
			break
		}
		if (verb == "TOP" && len(c.caps) > 0 && !c.has("TOP")) || (verb == "UIDL" && len(c.caps) > 0 && !c.has("UIDL")) {
			add("the server's CAPA does not list %s (RFC 2449 §6)", verb)
		}
		if len(args) > 0 && (verb == "RETR" || verb == "DELE" || verb == "TOP" || verb == "LIST" || verb == "UIDL") {
			if n, err := strconv.Atoi(args[0]); err == nil {
				if c.deleted[n] {
					add("message %d is marked as deleted: it may not be referred to (RFC 1939 §5)", n)
				} else if c.haveStat && (n < 1 || n > c.count) {
					add("message %d does not exist: the maildrop holds %d (RFC 1939 §5)", n, c.count)
				}
			}
		}
		if (verb == "RETR" || verb == "DELE") && len(args) == 0 {
			add("%s needs a message number (RFC 1939 §5)", verb)
		}
		if verb == "TOP" && len(args) < 2 {
			add("TOP needs a message number and a number of lines (RFC 1939 §7)")
		}
	default:
		add("%q is not a POP3 command Mailwire knows; expect -ERR (RFC 1939 §3)", verb)
	}
	return w
}

func (c *client) learned() []explain.Detail {
	var d []explain.Detail
	for _, k := range c.caps {
		e, rfc := describeCapability(k, c.capArgs[k])
		d = append(d, explain.Detail{Name: "capability", Value: strings.TrimSpace(k + " " + c.capArgs[k]), Explain: e, RFC: rfc})
	}
	if c.apop != "" {
		d = append(d, explain.Detail{Name: "APOP timestamp", Value: c.apop, RFC: "RFC 1939 §7"})
	}
	if c.user != "" {
		d = append(d, explain.Detail{Name: "user", Value: c.user})
	}
	if c.haveStat {
		d = append(d, explain.Detail{Name: "maildrop", Value: fmt.Sprintf("%d messages, %d octets", c.count, c.size), RFC: "RFC 1939 §5"})
	}
	for _, n := range sortedKeys(c.listing) {
		v := fmt.Sprintf("%d octets", c.listing[n])
		if u := c.uids[n]; u != "" {
			v += ", uid " + u
		}
		if c.deleted[n] {
			v += ", marked deleted"
		}
		d = append(d, explain.Detail{Name: "message " + strconv.Itoa(n), Value: v})
	}
	for _, n := range sortedKeys(c.deleted) {
		if _, ok := c.listing[n]; !ok {
			d = append(d, explain.Detail{Name: "message " + strconv.Itoa(n), Value: "marked deleted"})
		}
	}
	return d
}

func sortedKeys[V any](m map[int]V) []int {
	k := make([]int, 0, len(m))
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

package imap

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
)

// State is where the client stands (RFC 9051 §3).
type State string

const (
	StateConnect          State = "connect"           // waiting for the greeting
	StateNotAuthenticated State = "not-authenticated" // RFC 9051 §3.1
	StateAuthenticated    State = "authenticated"     // RFC 9051 §3.2
	StateSelected         State = "selected"          // RFC 9051 §3.3
	StateLogout           State = "logout"            // RFC 9051 §3.4
	StateHandshake        State = "handshake"         // STARTTLS accepted: TLS negotiation (RFC 9051 §6.2.1)
	StateIdle             State = "idle"              // IDLE accepted: DONE ends it (RFC 9051 §6.3.13)
)

// maxRemembered bounds lists kept for display (search results, mailboxes).
const maxRemembered = 1000

type client struct {
	conf, pred    State
	tls           bool
	caps          []string
	capSet        map[string]bool
	enabled       []string
	user          string
	mailbox       string
	readOnly      bool
	exists        int64 // -1 when unknown
	recent        int64
	unseen        int64
	uidValidity   string
	uidNext       string
	highestModSeq string
	flags         []string
	permFlags     []string
	search        []string
	searchUID     bool
	mailboxes     []string
}

func newClient() *client {
	return &client{conf: StateConnect, pred: StateConnect, capSet: map[string]bool{}, exists: -1, recent: -1, unseen: -1}
}

func (c *client) has(cap string) bool { return c.capSet[strings.ToUpper(cap)] }

func (c *client) setCaps(caps []string) {
	c.caps, c.capSet = nil, map[string]bool{}
	for _, x := range caps {
		u := strings.ToUpper(x)
		if !c.capSet[u] {
			c.caps = append(c.caps, x)
			c.capSet[u] = true
		}
	}
}

func (c *client) resetMailbox() {
	c.mailbox, c.readOnly = "", false
	c.exists, c.recent, c.unseen = -1, -1, -1
	c.uidValidity, c.uidNext, c.highestModSeq = "", "", ""
	c.flags, c.permFlags = nil, nil
	c.search = nil
}

var anyState = []string{"CAPABILITY", "NOOP", "LOGOUT"}

var authState = []string{"SELECT", "EXAMINE", "LIST", "STATUS", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LSUB", "NAMESPACE", "APPEND", "IDLE", "ENABLE"}

var selectedState = []string{"FETCH", "SEARCH", "STORE", "COPY", "MOVE", "EXPUNGE", "CLOSE", "UNSELECT", "CHECK",
	"UID FETCH", "UID SEARCH", "UID STORE", "UID COPY", "UID MOVE", "UID EXPUNGE"}

func (c *client) valid(s State) []string {
	switch s {
	case StateNotAuthenticated:
		v := []string{}
		if !c.tls && c.has("STARTTLS") {
			v = append(v, "STARTTLS")
		}
		if !c.has("LOGINDISABLED") {
			v = append(v, "LOGIN")
		}
		v = append(v, "AUTHENTICATE")
		return append(v, anyState...)
	case StateAuthenticated:
		return append(append([]string(nil), authState...), anyState...)
	case StateSelected:
		return append(append(append([]string(nil), selectedState...), authState...), anyState...)
	case StateIdle:
		return []string{"DONE"}
	}
	return nil
}

// transition is the state a successful command leads to from s.
func transition(s State, verb string) State {
	switch verb {
	case "LOGIN", "AUTHENTICATE":
		if s == StateNotAuthenticated {
			return StateAuthenticated
		}
	case "SELECT", "EXAMINE":
		if s == StateAuthenticated || s == StateSelected {
			return StateSelected
		}
	case "CLOSE", "UNSELECT":
		if s == StateSelected {
			return StateAuthenticated
		}
	case "STARTTLS":
		return StateHandshake
	case "LOGOUT":
		return StateLogout
	}
	return s
}

// check says what is out of sequence about a command sent now.
func (c *client) check(tag, verb string, inflight bool) []string {
	s := c.pred
	var w []string
	add := func(f string, a ...any) { w = append(w, fmt.Sprintf(f, a...)) }
	if inflight {
		add("tag %s is already used by a command in progress: each command should have a unique tag (RFC 9051 §2.2.1)", tag)
	}
	switch s {
	case StateConnect:
		add("sent before the server's greeting (RFC 9051 §7.1)")
	case StateLogout:
		add("sent after LOGOUT or BYE: the server closes the connection (RFC 9051 §3.4)")
		return w
	case StateIdle:
		add("a command during IDLE: send DONE first (RFC 9051 §6.3.13)")
	}
	base := strings.TrimPrefix(verb, "UID ")
	switch {
	case slices.Contains(anyState, verb):
	case verb == "STARTTLS":
		switch {
		case c.tls:
			add("STARTTLS on a connection already protected by TLS (RFC 9051 §6.2.1)")
		case s != StateNotAuthenticated:
			add("STARTTLS is valid only in the not authenticated state (RFC 9051 §6.2.1); expect BAD")
		case len(c.caps) > 0 && !c.has("STARTTLS"):
			add("the server did not announce STARTTLS (RFC 9051 §6.2.1)")
		}
	case verb == "LOGIN" || verb == "AUTHENTICATE":
		if s != StateNotAuthenticated && s != StateConnect {
			add("%s is valid only in the not authenticated state (RFC 9051 §6.2); expect BAD", verb)
		}
		if verb == "LOGIN" {
			if c.has("LOGINDISABLED") {
				add("the server announced LOGINDISABLED: LOGIN will be refused (RFC 9051 §6.2.3)")
			}
			if !c.tls {
				add("LOGIN without TLS: the password crosses the network in the clear (RFC 9051 §6.2.3, RFC 8314)")
			}
		}
	case slices.Contains(authState, verb):
		if s != StateAuthenticated && s != StateSelected {
			add("%s needs an authenticated session: LOGIN or AUTHENTICATE first (RFC 9051 §6.3); expect BAD", verb)
		}
		if verb == "IDLE" && len(c.caps) > 0 && !c.has("IDLE") && !c.has("IMAP4rev2") {
			add("the server did not announce IDLE (RFC 2177, RFC 9051 §6.3.13)")
		}
		if verb == "ENABLE" && len(c.caps) > 0 && !c.has("ENABLE") && !c.has("IMAP4rev2") {
			add("the server did not announce ENABLE (RFC 5161)")
		}
	case slices.Contains(selectedState, verb):
		if s != StateSelected {
			add("%s works on the selected mailbox: SELECT or EXAMINE one first (RFC 9051 §6.4); expect BAD", verb)
			break
		}
		if c.readOnly && (base == "STORE" || base == "EXPUNGE" || base == "MOVE") {
			add("the mailbox was opened READ-ONLY (EXAMINE): no change is permitted, so the server refuses or ignores %s (RFC 9051 §6.3.3)", verb)
		}
		if base == "MOVE" && len(c.caps) > 0 && !c.has("MOVE") && !c.has("IMAP4rev2") {
			add("the server did not announce MOVE (RFC 6851)")
		}
		if base == "UNSELECT" && len(c.caps) > 0 && !c.has("UNSELECT") && !c.has("IMAP4rev2") {
			add("the server did not announce UNSELECT (RFC 3691)")
		}
	case verb == "ID" || verb == "GETQUOTA" || verb == "GETQUOTAROOT" || verb == "SETQUOTA" || verb == "GETMETADATA" || verb == "SETMETADATA" || verb == "SORT" || verb == "UID SORT" || verb == "THREAD" || verb == "UID THREAD" || verb == "COMPRESS" || verb == "NOTIFY" || verb == "XLIST":
		name := strings.TrimPrefix(verb, "UID ")
		need := map[string]string{"GETQUOTA": "QUOTA", "GETQUOTAROOT": "QUOTA", "SETQUOTA": "QUOTA", "GETMETADATA": "METADATA", "SETMETADATA": "METADATA", "COMPRESS": "COMPRESS=DEFLATE"}[name]
		if need == "" {
			need = name
		}
		if len(c.caps) > 0 && !c.has(need) && !strings.HasPrefix(need, "THREAD") {
			add("the server did not announce %s", need)
		}
	default:
		add("%q is not an IMAP command Mailwire knows; expect BAD (RFC 9051 §6)", verb)
	}
	return w
}

func (c *client) learned() []explain.Detail {
	var d []explain.Detail
	for _, x := range c.caps {
		e, rfc := describeCapability(x)
		d = append(d, explain.Detail{Name: "capability", Value: x, Explain: e, RFC: rfc})
	}
	if len(c.enabled) > 0 {
		d = append(d, explain.Detail{Name: "enabled", Value: strings.Join(c.enabled, " "), RFC: "RFC 9051 §6.3.1"})
	}
	if c.user != "" {
		d = append(d, explain.Detail{Name: "user", Value: c.user})
	}
	if len(c.mailboxes) > 0 {
		d = append(d, explain.Detail{Name: "mailboxes", Value: strings.Join(c.mailboxes, ", "), RFC: "RFC 9051 §7.3.1"})
	}
	if c.mailbox != "" {
		mode := "read-write"
		if c.readOnly {
			mode = "read-only"
		}
		d = append(d, explain.Detail{Name: "selected", Value: c.mailbox + " (" + mode + ")"})
	}
	if c.exists >= 0 {
		d = append(d, explain.Detail{Name: "EXISTS", Value: strconv.FormatInt(c.exists, 10), Explain: "messages in the mailbox", RFC: "RFC 9051 §7.4.1"})
	}
	if c.recent >= 0 {
		d = append(d, explain.Detail{Name: "RECENT", Value: strconv.FormatInt(c.recent, 10), Explain: "messages with the \\Recent flag", RFC: "RFC 3501 §7.3.2"})
	}
	if c.unseen >= 0 {
		d = append(d, explain.Detail{Name: "UNSEEN", Value: strconv.FormatInt(c.unseen, 10), Explain: "sequence number (not UID) of the first message without \\Seen", RFC: "RFC 3501 §7.1"})
	}
	if c.uidValidity != "" {
		d = append(d, explain.Detail{Name: "UIDVALIDITY", Value: c.uidValidity, Explain: "UIDs stay valid while this value is unchanged", RFC: "RFC 9051 §2.3.1.1"})
	}
	if c.uidNext != "" {
		d = append(d, explain.Detail{Name: "UIDNEXT", Value: c.uidNext, Explain: "the UID the next new message will (probably) get", RFC: "RFC 9051 §2.3.1.1"})
	}
	if c.highestModSeq != "" {
		d = append(d, explain.Detail{Name: "HIGHESTMODSEQ", Value: c.highestModSeq, RFC: "RFC 7162 §3.1.2.1"})
	}
	if len(c.flags) > 0 {
		d = append(d, explain.Detail{Name: "FLAGS", Value: strings.Join(c.flags, " "), Explain: "flags defined in the mailbox", RFC: "RFC 9051 §7.3.5"})
	}
	if c.permFlags != nil {
		d = append(d, explain.Detail{Name: "PERMANENTFLAGS", Value: strings.Join(c.permFlags, " "), Explain: "flags the client can change for good", RFC: "RFC 9051 §7.1"})
	}
	if c.search != nil {
		kind := "message sequence numbers"
		if c.searchUID {
			kind = "UIDs"
		}
		d = append(d, explain.Detail{Name: "last search", Value: strings.Join(c.search, " "), Explain: kind})
	}
	return d
}

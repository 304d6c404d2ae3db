package pop3

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/explain/sasl"
	"github.com/mailwire/mailwire/core/pop3wire"
)

// maxListing bounds the scan listing and unique ids remembered.
const maxListing = 10000

type pend struct {
	verb   string
	args   []string
	warned bool // sent out of sequence
}

// Dissector explains a POP3 session. It implements explain.Dissector.
type Dissector struct {
	conv    *pop3wire.Conversation
	c       *client
	secrets explain.Secrets
	queue   []pend

	authMech      string
	authN         int
	lastChallenge string
	authUser      string
	pendingUser   string
	awaiting      string
	serverSeen    bool
}

var _ explain.Dissector = (*Dissector)(nil)

// New returns a Dissector expecting the server's greeting.
func New() *Dissector {
	return &Dissector{conv: pop3wire.NewConversation(), c: newClient(), queue: []pend{{verb: pop3wire.Greeting}}}
}

// AddSecret makes the Dissector scrub secret from every Step.
func (d *Dissector) AddSecret(s string) { d.secrets.Add(s) }

// SetTLS records that TLS is in place; after STLS the client forgets the
// capabilities it learned (RFC 2595 §4).
func (d *Dissector) SetTLS() (dropped int) {
	d.c.tls = true
	if d.c.conf == StateHandshake {
		d.c.conf, d.c.pred = StateAuthorization, StateAuthorization
		d.c.caps, d.c.capArgs = nil, map[string]string{}
		dropped = d.conv.Reset()
		d.queue = nil
	}
	return dropped
}

// State reports the client state machine.
func (d *Dissector) State() explain.State {
	s := explain.State{Proto: "pop3", Name: string(d.c.pred), TLS: d.c.tls, User: d.c.user,
		Learned: d.c.learned(), Waiting: len(d.queue), Awaiting: d.awaiting}
	if d.awaiting == "" {
		s.Valid = d.c.valid(d.c.pred)
	}
	return s
}

// Client feeds bytes the client sent.
//
// A recording may start after the greeting: when the client speaks first,
// the greeting is taken as past.
func (d *Dissector) Client(p []byte) []explain.Step {
	if !d.serverSeen && d.c.conf == StateConnect && len(p) > 0 {
		d.c.conf, d.c.pred = StateAuthorization, StateAuthorization
		if len(d.queue) > 0 && d.queue[0].verb == pop3wire.Greeting {
			d.queue = d.queue[1:]
		}
	}
	return d.steps(d.conv.Client(p))
}

// Server feeds bytes the server sent.
func (d *Dissector) Server(p []byte) []explain.Step {
	d.serverSeen = d.serverSeen || len(p) > 0
	return d.steps(d.conv.Server(p))
}

// End explains what is left when the streams end.
func (d *Dissector) End() []explain.Step { return d.steps(d.conv.End()) }

func (d *Dissector) steps(us []pop3wire.Unit) []explain.Step {
	out := make([]explain.Step, 0, len(us))
	for _, u := range us {
		var st explain.Step
		if u.FromServer {
			st = d.serverStep(u)
		} else {
			st = d.clientStep(u)
		}
		st.Problems = append(st.Problems, u.Problems...)
		d.secrets.Scrub(&st)
		out = append(out, st)
	}
	return out
}

func (d *Dissector) clientStep(u pop3wire.Unit) explain.Step {
	st := explain.Step{Dir: "c", Raw: u.Raw}
	switch u.Kind {
	case pop3wire.KindCommand:
		verb, args := u.Command.Verb, u.Command.Args
		st.Kind, st.Verb = "command", verb
		st.Warnings = d.c.check(verb, args)
		st.Summary = strings.TrimSpace(verb + " " + strings.Join(args, " "))
		if cmd, ok := commands[verb]; ok {
			st.Explain, st.RFC = cmd.explain(args), cmd.rfc
		} else {
			st.Explain = "A command Mailwire does not know: POP3 commands are keywords of three or four letters followed by arguments; a server answers -ERR to one it does not know."
			st.RFC = "RFC 1939 §3"
		}
		switch verb {
		case "PASS":
			// the password is everything after "PASS " (it may hold spaces, RFC 1939 §7)
			line := strings.TrimRight(string(u.Raw), "\r\n")
			if _, pw, ok := strings.Cut(line, " "); ok && pw != "" {
				d.secrets.Add(pw)
				st.Raw = []byte(line[:len(line)-len(pw)] + explain.Mask + eol(u.Raw))
				st.Masked = true
			}
			st.Summary = "PASS " + explain.Mask
			st.Details = []explain.Detail{{Name: "password", Value: explain.Mask}}
		case "USER":
			d.pendingUser = arg(args, 0)
		case "APOP":
			d.pendingUser = arg(args, 0)
			st.Details = []explain.Detail{{Name: "name", Value: arg(args, 0)}, {Name: "digest", Value: arg(args, 1), Explain: "MD5 of the greeting's <timestamp> followed by the shared secret, in hex", RFC: "RFC 1939 §7"}}
		case "AUTH":
			d.startAuth(&st, u)
		}
		d.queue = append(d.queue, pend{verb, args, len(st.Warnings) > 0})
		d.replan()
	case pop3wire.KindSASL:
		d.authN++
		d.awaiting = ""
		m := sasl.Client(d.authMech, d.authN, strings.TrimRight(string(u.Raw), "\r\n"), d.lastChallenge)
		st.Kind, st.Verb, st.RFC = "sasl", "AUTH", "RFC 5034 §4"
		d.applySASL(&st, m, nil)
		st.Summary = m.Summary
		st.Explain = "A SASL response: one base64 line answering the server's \"+ \" challenge. " + m.Explain
	default:
		st.Kind, st.Summary, st.Explain = "rest", fmt.Sprintf("%d more bytes of a long line", len(u.Raw)), "The rest of a line too long to show as one unit."
	}
	st.State = string(d.c.conf)
	return st
}

func eol(raw []byte) string {
	switch {
	case strings.HasSuffix(string(raw), "\r\n"):
		return "\r\n"
	case strings.HasSuffix(string(raw), "\n"):
		return "\n"
	}
	return ""
}

func (d *Dissector) startAuth(st *explain.Step, u pop3wire.Unit) {
	args := u.Command.Args
	if len(args) == 0 {
		return
	}
	d.authMech, d.authN, d.lastChallenge, d.authUser = strings.ToUpper(args[0]), 0, "", ""
	e, rfc := sasl.Describe(d.authMech)
	st.Details = append(st.Details, explain.Detail{Name: "mechanism", Value: d.authMech, Explain: e, RFC: rfc})
	if len(args) < 2 {
		return
	}
	d.authN = 1
	m := sasl.Client(d.authMech, 1, args[1], "")
	d.applySASL(st, m, func(s string) []byte { return []byte("AUTH " + args[0] + " " + s + eol(u.Raw)) })
	st.Summary = "AUTH " + m.Summary
	st.Explain += " Initial response: " + m.Explain
}

func (d *Dissector) applySASL(st *explain.Step, m sasl.Message, frame func(string) []byte) {
	if m.Secret != "" {
		d.secrets.Add(m.Secret)
	}
	if m.Display != "" {
		if frame == nil {
			frame = func(s string) []byte { return []byte(s + "\r\n") }
		}
		st.Raw = frame(m.Display)
		st.Masked = true
	}
	st.Details = append(st.Details, m.Details...)
	st.Problems = append(st.Problems, m.Problems...)
	for _, dt := range m.Details {
		if dt.Name == "authcid" || dt.Name == "username" {
			d.authUser = dt.Value
		}
	}
}

var timestampRE = regexp.MustCompile(`<[^<>@\s]+@[^<>\s]+>`)

func (d *Dissector) serverStep(u pop3wire.Unit) explain.Step {
	st := explain.Step{Dir: "s", Raw: u.Raw}
	r := u.Response
	switch u.Kind {
	case pop3wire.KindRest:
		st.Kind, st.Summary, st.Explain = "rest", fmt.Sprintf("%d more bytes of a long line", len(u.Raw)), "The rest of a line too long to show as one unit."
		st.State = string(d.c.conf)
		return st
	case pop3wire.KindContinuation:
		st.Kind, st.Verb, st.Status, st.RFC = "challenge", "AUTH", "+", "RFC 5034 §4"
		m := sasl.Server(d.authMech, d.authN+1, r.Text)
		d.lastChallenge = strings.TrimPrefix(m.Summary, "challenge ")
		st.Summary = "+ " + m.Summary
		st.Explain = "A continuation: the server sends a SASL challenge (base64 after \"+ \") and waits for the client's one-line answer. " + m.Explain
		st.Problems = append(st.Problems, m.Problems...)
		d.awaiting = "sasl"
		d.c.conf = StateAuth
		st.State = string(d.c.conf)
		return st
	}
	st.Kind, st.Status, st.Lines = "response", r.Status, r.Lines
	p := pend{verb: u.InReplyTo}
	if u.InReplyTo != pop3wire.Unsolicited && len(d.queue) > 0 {
		p = d.queue[0]
		d.queue = d.queue[1:]
	}
	st.Verb = p.verb
	st.Summary = strings.TrimSpace(r.Status + " " + r.Text)
	if r.Code != "" {
		st.Summary = strings.TrimSpace(r.Status + " [" + r.Code + "] " + r.Text)
		e, rfc := describeCode(r.Code)
		st.Details = append(st.Details, explain.Detail{Name: "response code", Value: r.Code, Explain: e, RFC: rfc})
	}
	if r.Multi {
		st.Summary += fmt.Sprintf(" (+%d lines)", len(r.Lines))
	}
	ok := r.Status == "+OK"
	switch {
	case r.Status == "":
		st.Explain, st.RFC = "Not a POP3 response: every response starts with +OK or -ERR.", "RFC 1939 §3"
	case ok:
		st.Explain, st.RFC = "+OK: the command succeeded; the rest of the line is free text.", "RFC 1939 §3"
	default:
		st.Explain, st.RFC = "-ERR: the command failed; the rest of the line says why, for a human.", "RFC 1939 §3"
	}
	if cmd, found := commands[p.verb]; found {
		st.RFC = cmd.rfc
		if !ok && p.warned && r.Status == "-ERR" {
			st.Explain = "-ERR: refused, as the warning on the command foresaw: it was sent out of sequence."
		} else if ok && cmd.ok != "" {
			st.Explain = cmd.ok
		} else if !ok && cmd.err != "" && r.Status == "-ERR" {
			st.Explain = cmd.err
		}
	}
	if r.Multi {
		st.Explain += fmt.Sprintf(" A multi-line response: %d line(s) after the status line, ended by a line holding a single dot", len(r.Lines))
		if r.Stuffed > 0 {
			st.Explain += fmt.Sprintf("; %d line(s) started with a dot and carried an extra one (byte-stuffing, undone here)", r.Stuffed)
		}
		st.Explain += " (RFC 1939 §3)."
	}
	switch p.verb {
	case pop3wire.Greeting:
		st.Kind = "greeting"
		d.greeting(&st, r)
	default:
		d.afterResponse(&st, p, u)
	}
	d.replan()
	st.State = string(d.c.conf)
	return st
}

func (d *Dissector) greeting(st *explain.Step, r pop3wire.Response) {
	st.RFC = "RFC 1939 §4"
	if r.Status != "+OK" {
		st.Explain = "The server refuses the session: its greeting is not +OK."
		d.c.conf = StateClosed
		return
	}
	d.c.conf = StateAuthorization
	st.Explain = "The greeting: +OK, the server is ready. The session is in the AUTHORIZATION state: the client identifies itself with USER/PASS, APOP or AUTH."
	if ts := timestampRE.FindString(r.Text); ts != "" {
		d.c.apop = ts
		st.Explain += " The " + ts + " in it is the timestamp APOP uses: the server offers APOP (RFC 1939 §7)."
		st.Details = append(st.Details, explain.Detail{Name: "timestamp", Value: ts, Explain: "makes the APOP digest unique to this session", RFC: "RFC 1939 §7"})
	}
}

func (d *Dissector) afterResponse(st *explain.Step, p pend, u pop3wire.Unit) {
	r := u.Response
	ok := r.Status == "+OK"
	switch p.verb {
	case "USER":
		if ok {
			d.c.conf = StateUserGiven
		}
	case "PASS", "APOP":
		if ok {
			d.c.conf = StateTransaction
			d.c.user = d.pendingUser
		} else {
			d.c.conf = StateAuthorization
		}
	case "AUTH":
		d.awaiting = ""
		if len(p.args) == 0 && ok {
			st.Details = append(st.Details, explain.Detail{Name: "mechanisms", Value: strings.Join(r.Lines, " ")})
			break
		}
		if ok {
			d.c.conf = StateTransaction
			d.c.user = d.authUser
		} else {
			d.c.conf = StateAuthorization
		}
	case "STLS":
		if ok {
			d.c.conf = StateHandshake
			st.StartTLS = true
		}
	case "QUIT":
		// RFC 1939 §6: QUIT in TRANSACTION enters UPDATE, where the
		// messages marked deleted are removed; the answer reports it.
		if d.c.conf == StateTransaction {
			d.c.conf = StateUpdate
		} else if ok {
			d.c.conf = StateClosed
		}
	case "CAPA":
		if ok {
			d.c.caps, d.c.capArgs = nil, map[string]string{}
			for _, l := range r.Lines {
				name, args, _ := strings.Cut(strings.TrimSpace(l), " ")
				name = strings.ToUpper(name)
				if name == "" {
					continue
				}
				d.c.caps = append(d.c.caps, name)
				d.c.capArgs[name] = args
				e, rfc := describeCapability(name, args)
				st.Details = append(st.Details, explain.Detail{Name: name, Value: args, Explain: e, RFC: rfc})
			}
			st.Explain = fmt.Sprintf("The capabilities, one per line (%d), ended by a dot; each is explained below. They can differ before and after login and after STLS (RFC 2449 §5).", len(d.c.caps))
			st.RFC = "RFC 2449 §5"
		}
	case "STAT":
		if ok {
			f := strings.Fields(r.Text)
			if len(f) >= 2 {
				n, e1 := strconv.Atoi(f[0])
				sz, e2 := strconv.ParseInt(f[1], 10, 64)
				if e1 == nil && e2 == nil {
					d.c.count, d.c.size, d.c.haveStat = n, sz, true
					st.Explain = fmt.Sprintf("+OK, then the drop listing: %d message(s), %d octets in all (messages marked deleted are not counted).", n, sz)
					st.Details = append(st.Details, explain.Detail{Name: "messages", Value: f[0]}, explain.Detail{Name: "octets", Value: f[1]})
					break
				}
			}
			st.Problems = append(st.Problems, "a STAT answer is \"+OK nn mm\": message count and size (RFC 1939 §5)")
		}
	case "LIST", "UIDL":
		if !ok {
			break
		}
		lines := r.Lines
		if !r.Multi {
			lines = []string{r.Text}
		}
		for _, l := range lines {
			f := strings.Fields(l)
			if len(f) < 2 {
				continue
			}
			n, err := strconv.Atoi(f[0])
			if err != nil {
				continue
			}
			if p.verb == "LIST" {
				if sz, err := strconv.ParseInt(f[1], 10, 64); err == nil && len(d.c.listing) < maxListing {
					d.c.listing[n] = sz
					st.Details = append(st.Details, explain.Detail{Name: "message " + f[0], Value: f[1] + " octets"})
				}
			} else if len(d.c.uids) < maxListing {
				d.c.uids[n] = f[1]
				st.Details = append(st.Details, explain.Detail{Name: "message " + f[0], Value: "uid " + f[1]})
			}
		}
		if p.verb == "LIST" && r.Multi {
			st.Explain = fmt.Sprintf("The scan listing: one line per message, \"number size\" (%d message(s)), ended by a dot (RFC 1939 §5).", len(r.Lines))
		}
		if p.verb == "UIDL" && r.Multi {
			st.Explain = fmt.Sprintf("The unique-id listing: \"number id\" per message (%d), ended by a dot. The id stays the same across sessions (RFC 1939 §7).", len(r.Lines))
		}
	case "RETR", "TOP":
		if ok && r.Multi {
			st.Message = r.Body
			what := "The message"
			if p.verb == "TOP" {
				what = "The message's header and the first lines of its body"
			}
			st.Explain = fmt.Sprintf("%s, %d octets after byte-stuffing is undone", what, len(r.Body))
			if r.Stuffed > 0 {
				st.Explain += fmt.Sprintf(" (%d line(s) had a leading dot doubled)", r.Stuffed)
			}
			st.Explain += ", ended by a line with a single dot (RFC 1939 §3, §5)."
		}
	case "DELE":
		if ok {
			if n, err := strconv.Atoi(arg(p.args, 0)); err == nil && len(d.c.deleted) < maxListing {
				d.c.deleted[n] = true
			}
		}
	case "RSET":
		if ok {
			d.c.deleted = map[int]bool{}
		}
	}
}

// replan predicts the state from the confirmed one and the commands
// waiting for responses.
func (d *Dissector) replan() {
	s := d.c.conf
	for _, p := range d.queue {
		if p.verb == "AUTH" && len(p.args) > 0 {
			s = StateAuth
			continue
		}
		if p.verb == "AUTH" {
			continue
		}
		s = transition(s, p.verb)
	}
	d.c.pred = s
}

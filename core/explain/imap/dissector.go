package imap

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/explain/sasl"
	"github.com/mailwire/mailwire/core/imapwire"
)

type inflight struct {
	tag, verb string
	args      []imapwire.Value
}

// Dissector explains an IMAP session. It implements explain.Dissector.
type Dissector struct {
	conv    *imapwire.Conversation
	c       *client
	secrets explain.Secrets
	flight  []inflight // commands sent, oldest first, until their tagged response

	partial       bool // a command waits for "+" before a literal
	authMech      string
	authN         int
	lastChallenge string
	authUser      string
	loginUser     string
	awaiting      string
	idlePrev      State
	doneSent      bool
	logoutSent    bool
	serverSeen    bool
}

var _ explain.Dissector = (*Dissector)(nil)

// New returns a Dissector expecting the server's greeting.
func New() *Dissector {
	return &Dissector{conv: imapwire.NewConversation(), c: newClient()}
}

// AddSecret makes the Dissector scrub secret from every Step.
func (d *Dissector) AddSecret(s string) { d.secrets.Add(s) }

// SetTLS records that TLS is in place; after STARTTLS the client forgets
// the capabilities it learned (RFC 9051 §6.2.1).
func (d *Dissector) SetTLS() (dropped int) {
	d.c.tls = true
	if d.c.conf == StateHandshake {
		d.c.conf = StateNotAuthenticated
		d.c.setCaps(nil)
		dropped = d.conv.Reset()
		d.flight, d.partial, d.awaiting = nil, false, ""
		d.replan()
	}
	return dropped
}

// State reports the client state machine.
func (d *Dissector) State() explain.State {
	s := explain.State{Proto: "imap", Name: string(d.c.pred), TLS: d.c.tls, User: d.c.user,
		Learned: d.c.learned(), Waiting: len(d.flight), Awaiting: d.awaiting}
	if d.partial {
		s.Waiting++
	}
	if d.c.conf == StateConnect {
		s.Waiting++ // the greeting
	}
	if d.awaiting == "" || d.awaiting == "idle" {
		s.Valid = d.c.valid(d.c.pred)
	}
	return s
}

// Client feeds bytes the client sent.
//
// A recording may start after the greeting: when the client speaks first,
// the greeting is taken as past (not authenticated).
func (d *Dissector) Client(p []byte) []explain.Step {
	if !d.serverSeen && d.c.conf == StateConnect && len(p) > 0 {
		d.c.conf, d.c.pred = StateNotAuthenticated, StateNotAuthenticated
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

func (d *Dissector) steps(us []imapwire.Unit) []explain.Step {
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

func (d *Dissector) inFlight(tag string) bool {
	for _, f := range d.flight {
		if f.tag == tag {
			return true
		}
	}
	return false
}

func (d *Dissector) uidSearchInFlight() bool {
	for _, f := range d.flight {
		if f.verb == "SEARCH" || f.verb == "SORT" {
			return false
		}
		if f.verb == "UID SEARCH" || f.verb == "UID SORT" {
			return true
		}
	}
	return false
}

func (d *Dissector) fetchInFlight() bool {
	for _, f := range d.flight {
		if strings.HasSuffix(f.verb, "FETCH") || strings.HasSuffix(f.verb, "STORE") {
			return true
		}
	}
	return false
}

func (d *Dissector) clientStep(u imapwire.Unit) explain.Step {
	st := explain.Step{Dir: "c", Raw: u.Raw}
	switch u.Kind {
	case imapwire.KindCommand:
		d.command(&st, u)
	case imapwire.KindSASL:
		d.authN++
		d.awaiting = ""
		m := sasl.Client(d.authMech, d.authN, strings.TrimRight(string(u.Raw), "\r\n"), d.lastChallenge)
		st.Kind, st.Verb, st.RFC = "sasl", "AUTHENTICATE", "RFC 9051 §6.2.2"
		d.applySASL(&st, m, nil)
		st.Summary = m.Summary
		st.Explain = "A SASL response: one base64 line answering the server's \"+\" challenge. " + m.Explain
	case imapwire.KindDone:
		st.Kind, st.Verb, st.Summary, st.RFC = "done", "IDLE", "DONE", "RFC 9051 §6.3.13"
		st.Explain = "DONE ends IDLE; the server answers with the IDLE command's tagged OK."
		d.awaiting = ""
		d.doneSent = true
		d.replan()
	default:
		st.Kind, st.Summary, st.Explain = "rest", fmt.Sprintf("%d more bytes", len(u.Raw)), "More of a command too long to show as one unit."
	}
	st.State = string(d.c.conf)
	return st
}

func (d *Dissector) command(st *explain.Step, u imapwire.Unit) {
	cmd := u.Command
	st.Kind, st.Tag, st.Verb = "command", cmd.Tag, cmd.Verb
	base := strings.TrimPrefix(cmd.Verb, "UID ")
	uid := base != cmd.Verb
	if u.Segment == 0 {
		st.Warnings = d.c.check(cmd.Tag, cmd.Verb, d.inFlight(cmd.Tag))
	}
	if c, ok := commands[base]; ok && cmd.Verb != "" {
		st.Explain, st.RFC = c.explain(cmd.Args, uid), c.rfc
		if uid {
			st.RFC += ", §6.4.9"
			st.Explain += " The UID prefix makes the numbers UIDs instead of message sequence numbers."
		}
	} else if cmd.Verb == "" {
		st.Explain, st.RFC = "Not a command: an IMAP command is a tag, a space, a command name and its arguments.", "RFC 9051 §2.2.1"
	} else {
		st.Explain, st.RFC = "A command Mailwire does not know; the server will answer BAD if it does not know it either.", "RFC 9051 §6"
	}
	args := cmd.Args
	shown := join(args, 0)
	switch base {
	case "LOGIN":
		d.loginUser = str(args, 0)
		shown = maskedArgs(args, 1)
		d.maskLogin(st, u)
	case "AUTHENTICATE":
		d.startAuth(st, u)
	}
	st.Summary = strings.TrimSpace(cmd.Tag + " " + cmd.Verb + " " + shown)
	if u.Segment > 0 {
		st.Summary = fmt.Sprintf("%s %s (part %d, after \"+\")", cmd.Tag, cmd.Verb, u.Segment+1)
		st.Explain = "The rest of the command, sent after the server's \"+\" go-ahead: the literal's octets, then the rest of the line. " + st.Explain
	}
	if !u.Final {
		st.Explain += " The line ends with a synchronizing literal {n}: the client now waits for a \"+\" before sending the n octets (RFC 9051 §4.3)."
		d.partial = true
	}
	if hasNonSync(args) && !d.c.has("LITERAL+") && !d.c.has("LITERAL-") && len(d.c.caps) > 0 && u.Final {
		st.Warnings = append(st.Warnings, "a non-synchronizing literal {n+} without LITERAL+ in the capabilities (RFC 7888)")
	}
	if u.Final {
		d.partial = false
		d.awaiting = ""
		if cmd.Tag != "" && cmd.Verb != "" {
			d.flight = append(d.flight, inflight{cmd.Tag, cmd.Verb, args})
		}
		switch base {
		case "SELECT", "EXAMINE":
			d.c.resetMailbox()
			d.c.mailbox = str(args, 0)
			d.c.readOnly = base == "EXAMINE"
		case "IDLE":
			d.doneSent = false
		case "LOGOUT":
			d.logoutSent = true
		}
		d.replan()
	}
}

func hasNonSync(vs []imapwire.Value) bool {
	for _, v := range vs {
		if (v.Kind == imapwire.Literal && v.NonSync) || hasNonSync(v.List) {
			return true
		}
	}
	return false
}

// maskedArgs renders the arguments with the one at index secret masked.
func maskedArgs(a []imapwire.Value, secret int) string {
	parts := make([]string, len(a))
	for i, v := range a {
		parts[i] = v.String()
		if i == secret {
			parts[i] = `"` + explain.Mask + `"`
		}
	}
	return strings.Join(parts, " ")
}

// maskLogin masks LOGIN's password in this unit's bytes, whatever its
// form: atom, quoted string, or literal (whose size is masked too).
func (d *Dissector) maskLogin(st *explain.Step, u imapwire.Unit) {
	cmd := u.Command
	if len(cmd.Args) < 2 {
		return
	}
	pw := cmd.Args[1]
	segStart, segEnd := u.Offset, u.Offset+len(u.Raw)
	raw := u.Raw
	masked := false
	if pw.Kind == imapwire.Literal {
		// the octets begin in this unit
		if pw.Off >= segStart && pw.Off < segEnd {
			raw = splice(raw, pw.Off-segStart, pw.End-segStart, []byte(explain.Mask))
			masked = true
			d.secrets.Add(pw.Text)
		}
		// the header {n} ends just before the octets: hide the length too
		if hdrEnd := pw.Off; hdrEnd > segStart && hdrEnd <= segEnd {
			local := raw[:hdrEnd-segStart]
			if i := bytes.LastIndexByte(local, '{'); i >= 0 {
				if j := bytes.IndexByte(local[i:], '}'); j > 0 {
					plus := ""
					if pw.NonSync {
						plus = "+"
					}
					raw = splice(raw, i, i+j+1, []byte(fmt.Sprintf("{%d%s}", len(explain.Mask), plus)))
					masked = true
				}
			}
		}
	} else if pw.Off >= segStart && pw.End <= segEnd && pw.End > pw.Off {
		raw = splice(raw, pw.Off-segStart, pw.End-segStart, []byte(`"`+explain.Mask+`"`))
		masked = true
		d.secrets.Add(pw.Text)
	}
	if masked {
		st.Raw, st.Masked = raw, true
	}
	st.Details = append(st.Details,
		explain.Detail{Name: "user", Value: str(cmd.Args, 0)},
		explain.Detail{Name: "password", Value: explain.Mask, Explain: "masked; an astring: atom, quoted string or literal", RFC: "RFC 9051 §6.2.3"})
}

// splice returns b with b[i:j] replaced by r.
func splice(b []byte, i, j int, r []byte) []byte {
	i = max(0, min(i, len(b)))
	j = max(i, min(j, len(b)))
	out := make([]byte, 0, len(b)-(j-i)+len(r))
	out = append(out, b[:i]...)
	out = append(out, r...)
	return append(out, b[j:]...)
}

func (d *Dissector) startAuth(st *explain.Step, u imapwire.Unit) {
	cmd := u.Command
	d.authMech, d.authN, d.lastChallenge, d.authUser = strings.ToUpper(str(cmd.Args, 0)), 0, "", ""
	e, rfc := sasl.Describe(d.authMech)
	st.Details = append(st.Details, explain.Detail{Name: "mechanism", Value: d.authMech, Explain: e, RFC: rfc})
	if len(cmd.Args) < 2 {
		return
	}
	ir := cmd.Args[1]
	d.authN = 1
	m := sasl.Client(d.authMech, 1, ir.Text, "")
	d.applySASL(st, m, func(s string) []byte {
		if ir.Off >= u.Offset && ir.End <= u.Offset+len(u.Raw) {
			return splice(u.Raw, ir.Off-u.Offset, ir.End-u.Offset, []byte(s))
		}
		return u.Raw
	})
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

func (d *Dissector) serverStep(u imapwire.Unit) explain.Step {
	st := explain.Step{Dir: "s", Raw: u.Raw}
	r := u.Response
	switch u.Kind {
	case imapwire.KindRest:
		st.Kind, st.Summary, st.Explain = "rest", fmt.Sprintf("%d more bytes", len(u.Raw)), "More of a response too long to show as one unit."
	case imapwire.KindContinuation:
		d.continuation(&st, u)
	case imapwire.KindUntagged:
		st.Kind, st.Tag = "untagged", "*"
		st.Status = r.Status
		st.Summary = summarize(r)
		if d.c.conf == StateConnect && r.Status != "" {
			d.greeting(&st, r)
		} else {
			d.untagged(&st, r)
		}
	case imapwire.KindTagged:
		d.tagged(&st, u)
	}
	d.replan()
	st.State = string(d.c.conf)
	return st
}

// summarize renders a response in one line, literals as {n}.
func summarize(r *imapwire.Response) string {
	s := r.Tag
	if r.HasNum {
		s += fmt.Sprintf(" %d", r.Num)
	}
	s += " " + r.Name
	if r.Code != nil {
		s += " [" + strings.TrimSpace(r.Code.Name+" "+r.Code.Text) + "]"
	}
	if r.Text != "" {
		s += " " + r.Text
	}
	if len(r.Fields) > 0 {
		f := join(r.Fields, 0)
		if len(f) > 200 {
			f = f[:200] + "…"
		}
		s += " " + f
	}
	return s
}

func (d *Dissector) greeting(st *explain.Step, r *imapwire.Response) {
	st.Kind = "greeting"
	st.RFC = "RFC 9051 §7.1"
	switch r.Status {
	case "OK":
		d.c.conf = StateNotAuthenticated
		st.Explain = "The greeting: an untagged OK. The session starts in the not authenticated state: log in with LOGIN or AUTHENTICATE (after STARTTLS if the connection is not encrypted)."
		st.RFC = "RFC 9051 §7.1.1, §3.1"
	case "PREAUTH":
		d.c.conf = StateAuthenticated
		st.Explain = "The greeting is PREAUTH: the connection is already authenticated by other means; no login needed."
		st.RFC = "RFC 9051 §7.1.4"
	case "BYE":
		d.c.conf = StateLogout
		st.Explain = "The greeting is BYE: the server refuses the connection and closes it."
		st.RFC = "RFC 9051 §7.1.5"
	default:
		st.Problems = append(st.Problems, "a greeting is an untagged OK, PREAUTH or BYE (RFC 9051 §7.1)")
	}
	if r.Code != nil {
		det := d.codeDetail(r.Code)
		st.Details = append(st.Details, det)
		if r.Code.Name == "CAPABILITY" {
			st.Explain += " The [CAPABILITY ...] code lists the capabilities at once, saving a CAPABILITY command."
			for _, v := range r.Code.Args {
				e, rfc := describeCapability(v.Text)
				st.Details = append(st.Details, explain.Detail{Name: v.Text, Explain: e, RFC: rfc})
			}
		}
	}
}

func (d *Dissector) continuation(st *explain.Step, u imapwire.Unit) {
	st.Kind, st.Tag, st.Verb, st.RFC = "continuation", "+", u.InReplyTo, "RFC 9051 §7.6"
	text := u.Response.Text
	st.Summary = strings.TrimSpace("+ " + text)
	switch u.Continues {
	case imapwire.ContLiteral:
		st.Explain = "A continuation request: the server is ready for the literal's octets; the client sends them now."
		d.awaiting = "literal"
	case imapwire.ContSASL:
		m := sasl.Server(d.authMech, d.authN+1, text)
		d.lastChallenge = strings.TrimPrefix(m.Summary, "challenge ")
		st.Summary = "+ " + m.Summary
		st.Explain = "A SASL challenge (base64 after \"+ \"): the client answers with one base64 line. " + m.Explain
		st.Problems = append(st.Problems, m.Problems...)
		st.RFC = "RFC 9051 §6.2.2"
		d.awaiting = "sasl"
	case imapwire.ContIdle:
		st.Explain = "IDLE is on: from now on the server sends untagged updates as they happen, until the client sends DONE."
		st.RFC = "RFC 9051 §6.3.13"
		d.idlePrev = d.c.conf
		d.c.conf = StateIdle
		d.awaiting = "idle"
	default:
		st.Explain = "A continuation request, though the client is not known to wait for one."
	}
}

func (d *Dissector) tagged(st *explain.Step, u imapwire.Unit) {
	r := u.Response
	st.Kind, st.Tag, st.Status, st.Verb = "tagged", r.Tag, r.Status, u.InReplyTo
	st.Summary = summarize(r)
	var f inflight
	for i, x := range d.flight {
		if x.tag == r.Tag {
			f = x
			d.flight = append(d.flight[:i:i], d.flight[i+1:]...)
			break
		}
	}
	if f.verb == "" && u.InReplyTo != "" {
		f.verb = u.InReplyTo // refused before its literal: never entered the flight
		d.partial = false
		d.awaiting = ""
	}
	st.Verb = f.verb
	m, ok := statusMeaning[r.Status]
	if !ok {
		st.Explain, st.RFC = "A tagged response must be OK, NO or BAD.", "RFC 9051 §7.1"
		return
	}
	st.Explain, st.RFC = fmt.Sprintf("The tagged response completes command %s (%s): %s.", r.Tag, orUnknown(f.verb), taggedMeaning[r.Status]), m.rfc
	base := strings.TrimPrefix(f.verb, "UID ")
	if c, found := commands[base]; found {
		var s string
		switch r.Status {
		case "OK":
			s = c.ok
		case "NO":
			s = c.no
		case "BAD":
			s = c.bad
		}
		if s != "" {
			st.Explain = fmt.Sprintf("The tagged response completes command %s (%s). %s", r.Tag, f.verb, s)
		}
	}
	if r.Code != nil {
		det := d.codeDetail(r.Code)
		st.Details = append(st.Details, det)
		st.Explain += " [" + r.Code.Name + "]: " + det.Explain + "."
	}
	okStatus := r.Status == "OK"
	c := d.c
	switch base {
	case "LOGIN", "AUTHENTICATE":
		d.awaiting = ""
		if okStatus {
			c.conf = StateAuthenticated
			c.user = d.loginUser
			if base == "AUTHENTICATE" {
				c.user = d.authUser
			}
		}
	case "SELECT", "EXAMINE":
		if okStatus {
			c.conf = StateSelected
		} else {
			c.conf = StateAuthenticated
			c.resetMailbox()
		}
	case "CLOSE", "UNSELECT":
		if okStatus {
			c.conf = StateAuthenticated
			c.resetMailbox()
		}
	case "STARTTLS":
		if okStatus {
			c.conf = StateHandshake
			st.StartTLS = true
		}
	case "LOGOUT":
		c.conf = StateLogout
	case "IDLE":
		if c.conf == StateIdle {
			c.conf = d.idlePrev
		}
		d.awaiting = ""
	}
}

var taggedMeaning = map[string]string{
	"OK":  "OK, the command succeeded",
	"NO":  "NO, the command failed (the text says why)",
	"BAD": "BAD, the command was not understood or not allowed now",
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown command"
	}
	return s
}

// replan predicts the state from the confirmed one and the commands in
// flight, assuming they succeed.
func (d *Dissector) replan() {
	s := d.c.conf
	for _, f := range d.flight {
		v := strings.TrimPrefix(f.verb, "UID ")
		if v == "IDLE" {
			if !d.doneSent {
				if s != StateIdle {
					d.idlePrev = s
				}
				s = StateIdle
			} else if s == StateIdle {
				s = d.idlePrev
			}
			continue
		}
		s = transition(s, v)
	}
	d.c.pred = s
}

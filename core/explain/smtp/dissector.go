package smtp

import (
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/explain/sasl"
	"github.com/mailwire/mailwire/core/smtpwire"
)

// maxMessage bounds the BDAT chunks gathered into one message for the
// MIME explorer.
const maxMessage = smtpwire.MaxUnit

type pend struct{ verb, args string }

// Dissector explains an SMTP session. It implements explain.Dissector.
type Dissector struct {
	conv    *smtpwire.Conversation
	c       *client
	secrets explain.Secrets
	queue   []pend // commands waiting for a reply, mirroring the Conversation

	authMech      string
	authN         int // client messages in the current AUTH exchange
	lastChallenge string
	authUser      string
	awaiting      string
	chunks        []byte
	serverSeen    bool
}

var _ explain.Dissector = (*Dissector)(nil)

// New returns a Dissector expecting the server's greeting.
func New() *Dissector {
	return &Dissector{conv: smtpwire.NewConversation(), c: newClient(), queue: []pend{{verb: smtpwire.Greeting}}}
}

// AddSecret makes the Dissector scrub secret from every Step.
func (d *Dissector) AddSecret(secret string) { d.secrets.Add(secret) }

// SetTLS records that TLS is now in place. After STARTTLS the client
// forgets what it learned and starts over with EHLO (RFC 3207 §4.2).
func (d *Dissector) SetTLS() (dropped int) {
	d.c.tls = true
	if d.c.conf == StateHandshake || d.c.pred == StateHandshake {
		d.c.conf, d.c.pred = StateGreeted, StateGreeted
		d.c.caps, d.c.params, d.c.size = nil, map[string]string{}, 0
		dropped = d.conv.Reset()
		d.queue = nil
	}
	return dropped
}

// State reports the client state machine.
func (d *Dissector) State() explain.State {
	s := explain.State{Proto: "smtp", Name: string(d.c.pred), TLS: d.c.tls, User: d.c.user,
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
		d.c.conf, d.c.pred = StateGreeted, StateGreeted
		if len(d.queue) > 0 && d.queue[0].verb == smtpwire.Greeting {
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

func (d *Dissector) steps(us []smtpwire.Unit) []explain.Step {
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

func (d *Dissector) clientStep(u smtpwire.Unit) explain.Step {
	st := explain.Step{Dir: "c", Raw: u.Raw}
	switch u.Kind {
	case smtpwire.KindCommand:
		verb, args := u.Command.Verb, u.Command.Args
		st.Kind, st.Verb = "command", verb
		st.Warnings = d.c.check(verb, args)
		if cmd, ok := commands[verb]; ok {
			i := cmd.explain(args)
			st.Summary, st.Explain, st.RFC, st.Details, st.Problems = i.summary, i.text, cmd.rfc, i.details, i.problems
		} else {
			st.Summary = strings.TrimSpace(verb + " " + args)
			st.Explain = "A command Mailwire does not know. SMTP commands are four-letter verbs (EHLO, MAIL, RCPT, DATA, ...) followed by arguments and CR LF; a server answers 500 to a verb it does not know."
			st.RFC = "RFC 5321 §4.1"
		}
		if verb == "AUTH" {
			d.startAuth(&st, args)
		}
		d.queue = append(d.queue, pend{verb, args})
		d.c.pred = transitionAuth(d.c.pred, verb, args)
	case smtpwire.KindSASL:
		d.authN++
		d.awaiting = ""
		m := sasl.Client(d.authMech, d.authN, string(trimEOL(u.Raw)), d.lastChallenge)
		st.Kind, st.Verb, st.RFC = "sasl", "AUTH", "RFC 4954 §4"
		d.applySASL(&st, m, nil)
		if m.Cancel {
			st.Explain = m.Explain
		} else {
			st.Explain = "A SASL response: base64 on a line of its own, answering the server's 334. " + m.Explain
		}
		d.queue = append(d.queue, pend{verb: "AUTH"})
	case smtpwire.KindData:
		d.awaiting = ""
		i := explainBody(u)
		st.Kind, st.Verb, st.Summary, st.Explain, st.RFC = "data", "DATA", i.summary, i.text, "RFC 5321 §4.1.1.4"
		st.Message = u.Body
		if !u.Cut {
			d.queue = append(d.queue, pend{verb: smtpwire.EndOfData})
			d.c.pred = StateReady
		}
	case smtpwire.KindChunk:
		i := explainChunk(u)
		st.Kind, st.Verb, st.Summary, st.Explain, st.RFC = "chunk", "BDAT", i.summary, i.text, "RFC 3030 §2"
		if len(d.chunks)+len(u.Body) <= maxMessage {
			d.chunks = append(d.chunks, u.Body...)
		}
		if u.Last {
			st.Message, d.chunks = d.chunks, nil
		}
	default:
		st.Kind, st.Summary, st.Explain = "rest", fmt.Sprintf("%d more bytes of a long line", len(u.Raw)), "The rest of a line too long to show as one unit."
	}
	st.State = string(d.c.conf)
	return st
}

// transitionAuth is transition, except that AUTH waits for its outcome.
func transitionAuth(s State, verb, args string) State {
	if verb == "AUTH" {
		return StateAuth
	}
	return transition(s, verb, args)
}

// startAuth explains and masks an AUTH command's initial response.
func (d *Dissector) startAuth(st *explain.Step, args string) {
	mech, ir, _ := strings.Cut(strings.TrimSpace(args), " ")
	d.authMech, d.authN, d.lastChallenge, d.authUser = strings.ToUpper(mech), 0, "", ""
	if ir == "" {
		return
	}
	d.authN = 1
	m := sasl.Client(d.authMech, 1, ir, "")
	d.applySASL(st, m, func(display string) []byte {
		return []byte("AUTH " + mech + " " + display + "\r\n")
	})
	st.Explain += " Initial response: " + m.Explain
}

// applySASL puts a decoded SASL message into a step, masking the raw
// bytes when it carries a secret.
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
	if st.Summary == "" || st.Kind == "sasl" {
		st.Summary = m.Summary
	}
	st.Details = append(st.Details, m.Details...)
	st.Problems = append(st.Problems, m.Problems...)
	for _, dt := range m.Details {
		if dt.Name == "authcid" || dt.Name == "username" {
			d.authUser = dt.Value
		}
	}
}

func (d *Dissector) serverStep(u smtpwire.Unit) explain.Step {
	st := explain.Step{Dir: "s", Raw: u.Raw}
	if u.Kind == smtpwire.KindRest {
		st.Kind, st.Summary, st.Explain = "rest", fmt.Sprintf("%d more bytes of a long line", len(u.Raw)), "The rest of a line too long to show as one unit."
		st.State = string(d.c.conf)
		return st
	}
	rep := u.Reply
	st.Kind, st.Code, st.Lines = "reply", rep.Code, rep.Lines
	p := pend{verb: u.InReplyTo}
	if u.InReplyTo != smtpwire.Unsolicited && len(d.queue) > 0 {
		p = d.queue[0]
		d.queue = d.queue[1:]
	}
	st.Verb = p.verb
	if rep.Code == 0 {
		st.Summary = "not a reply: " + firstLine(rep.Lines)
		st.Explain, st.RFC = genericReply(0)
		st.State = string(d.c.conf)
		return st
	}
	if len(rep.Lines) > 0 {
		st.Enhanced = d.enhanced(&st, rep.Lines[0])
	}
	st.Summary = strings.TrimSpace(fmt.Sprintf("%d %s", rep.Code, firstLine(rep.Lines)))
	if len(rep.Lines) > 1 {
		st.Summary += fmt.Sprintf(" (+%d more lines)", len(rep.Lines)-1)
	}
	st.Details = append(codeDetails(rep.Code), st.Details...)
	generic, grfc := genericReply(rep.Code)
	st.Explain, st.RFC = generic, grfc

	switch p.verb {
	case smtpwire.Greeting:
		st.Kind = "greeting"
		d.greeting(&st, rep)
	case smtpwire.EndOfData:
		st.Verb = "DATA"
		if e := endOfDataReply(rep); e != "" {
			st.Explain, st.RFC = e, "RFC 5321 §4.1.1.4"
		}
		d.c.conf = StateReady
		if rep.Class() == 2 {
			d.c.messages++
			if q := queueID(rep.Text()); q != "" && len(d.c.queued) < 100 {
				d.c.queued = append(d.c.queued, q)
			}
		}
	case smtpwire.Unsolicited:
		if rep.Code == 421 {
			st.Explain = "421 out of turn: the server is shutting the connection down, for instance after a timeout (RFC 5321 §3.8)."
			st.RFC = "RFC 5321 §3.8"
		}
	default:
		if cmd, ok := commands[p.verb]; ok {
			if cmd.reply != nil {
				if e := cmd.reply(rep, p.args); e != "" {
					st.Explain, st.RFC = e, cmd.rfc
				}
			}
		}
		d.afterReply(&st, p, rep)
	}
	if rep.Code == 421 || (rep.Code == 221 && p.verb == "QUIT") {
		d.c.conf = StateClosed
	}
	d.replan()
	st.State = string(d.c.conf)
	return st
}

// enhanced adds the explanation of an enhanced status code.
func (d *Dissector) enhanced(st *explain.Step, first string) string {
	code, class, subject, detail := parseEnhanced(first)
	st.Details = append(st.Details, enhancedDetails(code, class, subject, detail)...)
	return code
}

func (d *Dissector) greeting(st *explain.Step, rep smtpwire.Reply) {
	switch rep.Code {
	case 220:
		d.c.conf = StateGreeted
		d.c.server = firstField(firstLine(rep.Lines))
		st.Explain = "The greeting: 220 means the service is ready. The first word is the server's domain (" + d.c.server + "); the rest is free text."
		if strings.Contains(strings.ToUpper(rep.Text()), "ESMTP") {
			st.Explain += " \"ESMTP\" in it is a hint that the server knows the extensions EHLO asks for."
		}
		st.Explain += " The client now sends EHLO."
		st.RFC = "RFC 5321 §4.3.1, §4.2"
	case 554:
		d.c.conf = StateRefused
		st.Explain = "554 instead of 220: the server refuses to serve this client. It will answer 503 to everything but QUIT."
		st.RFC = "RFC 5321 §3.1"
	case 421:
		d.c.conf = StateClosed
		st.Explain = "421: the service is not available; the server closes the connection (RFC 5321 §3.1)."
	default:
		st.Problems = append(st.Problems, "a greeting should be 220 (or 554, or 421) (RFC 5321 §4.3.1)")
	}
}

// afterReply moves the state machine after the reply to a command.
func (d *Dissector) afterReply(st *explain.Step, p pend, rep smtpwire.Reply) {
	ok := rep.Class() == 2
	switch p.verb {
	case "EHLO":
		if rep.Code == 250 {
			d.c.esmtp = true
			d.c.caps, d.c.params, d.c.size = nil, map[string]string{}, 0
			for _, l := range rep.Lines[1:] {
				kw, params, _ := strings.Cut(strings.TrimSpace(l), " ")
				kw = strings.ToUpper(kw)
				if kw == "" {
					continue
				}
				if _, dup := d.c.params[kw]; !dup {
					d.c.caps = append(d.c.caps, kw)
				}
				d.c.params[kw] = params
				if kw == "SIZE" {
					fmt.Sscan(params, &d.c.size)
				}
			}
			st.Details = append(st.Details, ehloDetails(rep)...)
		}
	case "HELO":
		if ok {
			d.c.esmtp = false
			d.c.caps, d.c.params = nil, map[string]string{}
		}
	case "DATA":
		if rep.Code == 354 {
			d.c.conf = StateData
			d.awaiting = "data"
			return
		}
	case "STARTTLS":
		if rep.Code == 220 {
			d.c.conf = StateHandshake
			st.StartTLS = true
			return
		}
	case "AUTH":
		switch {
		case rep.Code == 334:
			d.c.conf = StateAuth
			d.awaiting = "sasl"
			text := ""
			if len(rep.Lines) > 0 {
				text = rep.Lines[0]
			}
			m := sasl.Server(d.authMech, d.authN+1, text)
			d.lastChallenge = strings.TrimPrefix(m.Summary, "challenge ")
			st.Kind = "challenge"
			st.Explain = "334: a SASL challenge from the server, base64 after the code (RFC 4954 §4). " + m.Explain
			st.Details = append(st.Details, m.Details...)
			st.Problems = append(st.Problems, m.Problems...)
			st.Summary = "334 " + m.Summary
			return
		case rep.Code == 235:
			d.c.authed = true
			d.c.user = d.authUser
			d.c.conf = StateReady
		default:
			if d.c.conf == StateAuth {
				d.c.conf = StateReady
			}
		}
		d.awaiting = ""
		return
	case "RCPT":
		if ok {
			d.c.rcpts++
		}
	}
	if ok {
		d.c.conf = transition(d.c.conf, p.verb, p.args)
	}
}

// replan recomputes the predicted state from the confirmed one and the
// commands still waiting for replies.
func (d *Dissector) replan() {
	s := d.c.conf
	for _, p := range d.queue {
		switch p.verb {
		case smtpwire.EndOfData:
			s = StateReady
		case smtpwire.Greeting, smtpwire.Unsolicited:
		default:
			s = transitionAuth(s, p.verb, p.args)
		}
	}
	d.c.pred = s
}

func firstLine(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[0]
}

func trimEOL(b []byte) []byte {
	b = []byte(strings.TrimSuffix(string(b), "\n"))
	return []byte(strings.TrimSuffix(string(b), "\r"))
}

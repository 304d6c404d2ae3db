package imapwire

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/internal/wirebuf"
)

// Kind says what a Unit is.
type Kind int

const (
	KindCommand      Kind = iota + 1 // a client command, or one part of it when it waits for "+" before a literal
	KindSASL                         // a client response line in an AUTHENTICATE exchange (RFC 9051 §6.2.2)
	KindDone                         // DONE, ending IDLE (RFC 9051 §6.3.13)
	KindContinuation                 // a continuation request "+ ..." (RFC 9051 §7.6)
	KindUntagged                     // an untagged response "* ..." (RFC 9051 §2.2.2)
	KindTagged                       // a tagged response completing a command (RFC 9051 §2.2.2)
	KindRest                         // bytes that follow a unit cut at a size limit
)

var kindNames = [...]string{KindCommand: "command", KindSASL: "sasl", KindDone: "done", KindContinuation: "continuation", KindUntagged: "untagged", KindTagged: "tagged", KindRest: "rest"}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// What a continuation request answers, in Unit.Continues.
const (
	ContLiteral = "literal" // go ahead with the literal (RFC 9051 §7.6)
	ContSASL    = "sasl"    // a SASL challenge (RFC 9051 §6.2.2)
	ContIdle    = "idle"    // IDLE has started (RFC 9051 §6.3.13)
	ContOther   = ""        // nothing the client is known to wait for
)

// Limits of a Conversation.
const (
	// MaxLine is the longest line kept whole.
	MaxLine = 64 * 1024
	// MaxUnit is the largest command or response kept whole, literals
	// included; the rest of a larger one arrives as KindRest units.
	MaxUnit = 32 << 20
	// maxInflight bounds the tags remembered while waiting for their
	// tagged responses.
	maxInflight = 10000
)

// A Unit is one protocol unit with its exact raw bytes.
type Unit struct {
	Kind       Kind
	FromServer bool
	Raw        []byte

	// Command is the client command this unit belongs to, parsed as far
	// as it has arrived. A command that waits for "+" before a
	// synchronizing literal arrives in several units: Segment counts them
	// from 0, Offset is where this unit's bytes start in Command.Raw and
	// Final marks the last.
	Command *Command
	Segment int
	Offset  int
	Final   bool

	Response *Response
	// InReplyTo is, for a tagged response or a continuation request, the
	// verb of the command it answers.
	InReplyTo string
	// Continues says what a continuation request lets the client do.
	Continues string

	// Mechanism and Step place SASL units and challenges in their
	// AUTHENTICATE exchange.
	Mechanism string
	Step      int

	Cut      bool
	Problems []string
}

type clientMode int

const (
	cmLine    clientMode = iota // reading a line of a command
	cmLiteral                   // reading a literal's octets
)

// A Conversation splits both directions of an IMAP session into Units. It
// follows literals both ways, so that a response carrying a literal is
// one unit and a command is split only where it waits for the server's
// "+". Feed each direction's bytes in the order they crossed the wire;
// fed only the client's bytes, it assumes every literal was accepted.
//
// It never panics and its memory is bounded by MaxUnit plus what one call
// feeds it. It is not safe for concurrent use.
type Conversation struct {
	cbuf, sbuf wirebuf.Buf
	serverSeen bool

	// client side
	cmode     clientMode
	litLeft   int    // literal octets still to come
	cmd       []byte // the command so far, all segments
	seg       []byte // the current segment
	segNo     int
	ccut      bool   // the current command was cut: the rest is KindRest
	waitTag   string // tag of a command waiting for "+" before a literal
	waitVerb  string
	inflight  map[string]string // tag -> verb, until the tagged response
	authTag   string
	authMech  string
	authOwed  int
	authPred  int
	authStep  int
	idleTag   string
	idleState int // 0 none, 1 IDLE sent, 2 idling ("+" seen)

	// server side
	smode   clientMode
	sLeft   int
	resp    []byte
	scut    bool
	sIsCont bool
}

// NewConversation returns a Conversation expecting the server's greeting.
func NewConversation() *Conversation {
	return &Conversation{inflight: map[string]string{}}
}

// Client feeds bytes the client sent and returns the units they complete.
func (c *Conversation) Client(p []byte) []Unit {
	c.cbuf.Write(p)
	var out []Unit
	for {
		u, ok := c.nextClient(false)
		if !ok {
			return out
		}
		out = append(out, u)
	}
}

// Server feeds bytes the server sent and returns the units they complete.
func (c *Conversation) Server(p []byte) []Unit {
	c.serverSeen = true
	c.sbuf.Write(p)
	var out []Unit
	for {
		u, ok := c.nextServer(false)
		if !ok {
			return out
		}
		out = append(out, u)
	}
}

// End reports what is left in both directions, with problems.
func (c *Conversation) End() []Unit {
	var out []Unit
	for {
		u, ok := c.nextServer(true)
		if !ok {
			break
		}
		out = append(out, u)
	}
	for {
		u, ok := c.nextClient(true)
		if !ok {
			return out
		}
		out = append(out, u)
	}
}

// Reset forgets pending state and drops buffered bytes, as when TLS
// starts (RFC 9051 §6.2.1): bytes received before the handshake but not
// yet part of a unit must not be taken as protected. It returns the
// number of server bytes dropped.
func (c *Conversation) Reset() (dropped int) {
	dropped = c.sbuf.Len() + len(c.resp)
	c.sbuf.Take(c.sbuf.Len())
	c.cbuf.Take(c.cbuf.Len())
	c.resp, c.smode, c.sLeft, c.scut = nil, cmLine, 0, false
	c.resetClient()
	c.inflight = map[string]string{}
	c.authTag, c.idleTag, c.idleState = "", "", 0
	return dropped
}

// WaitingForLiteral returns the tag of a command that has sent a
// synchronizing literal's header and waits for "+", or "".
func (c *Conversation) WaitingForLiteral() string { return c.waitTag }

// InFlight reports whether the command with this tag still waits for its
// tagged response.
func (c *Conversation) InFlight(tag string) bool { _, ok := c.inflight[tag]; return ok }

// ---- client ----

func (c *Conversation) nextClient(eof bool) (Unit, bool) {
	for {
		if c.cmode == cmLiteral {
			if c.cbuf.Len() == 0 {
				if eof && len(c.seg) > 0 {
					u := c.clientUnit(true)
					u.Problems = append(u.Problems, fmt.Sprintf("the stream ended %d octets before the end of a literal", c.litLeft))
					c.resetClient()
					return u, true
				}
				return Unit{}, false
			}
			n := min(c.litLeft, c.cbuf.Len())
			if len(c.seg)+n > MaxUnit && !c.ccut {
				n = max(0, MaxUnit-len(c.seg))
				c.appendSeg(c.cbuf.Take(n))
				c.litLeft -= n
				u := c.clientUnit(false)
				u.Cut = true
				u.Problems = append(u.Problems, fmt.Sprintf("command longer than %d bytes: cut here, the rest follows", MaxUnit))
				c.ccut = true
				c.seg = nil
				return u, true
			}
			b := c.cbuf.Take(n)
			c.litLeft -= n
			if c.ccut {
				if c.litLeft == 0 {
					c.cmode = cmLine
				}
				return Unit{Kind: KindRest, Raw: b, Cut: true}, true
			}
			c.appendSeg(b)
			if c.litLeft > 0 {
				continue
			}
			c.cmode = cmLine
			continue
		}
		if c.cbuf.Len() == 0 {
			if eof && len(c.seg) > 0 {
				u := c.clientUnit(true)
				u.Problems = append(u.Problems, "the stream ended in the middle of a command")
				c.resetClient()
				return u, true
			}
			return Unit{}, false
		}
		i := c.cbuf.NextLF()
		var line []byte
		switch {
		case i >= 0 && i < MaxLine:
			line = c.cbuf.Take(i + 1)
		case c.cbuf.Len() > MaxLine:
			line = c.cbuf.Take(MaxLine)
		case eof:
			line = c.cbuf.Take(c.cbuf.Len())
		default:
			return Unit{}, false
		}
		if c.ccut {
			if bytes.HasSuffix(line, []byte("\n")) {
				if n, _, ok := literalAtEnd(line); ok {
					c.litLeft, c.cmode = n, cmLiteral
					return Unit{Kind: KindRest, Raw: line, Cut: true}, true
				}
				c.resetClient()
			}
			return Unit{Kind: KindRest, Raw: line}, true
		}
		// lines that are not commands
		if len(c.cmd) == 0 && len(c.seg) == 0 {
			if u, ok := c.specialLine(line); ok {
				return u, true
			}
		}
		c.appendSeg(line)
		if !bytes.HasSuffix(line, []byte("\n")) {
			if eof {
				u := c.clientUnit(true)
				u.Problems = append(u.Problems, "the stream ended in the middle of a command (no CR LF)")
				c.resetClient()
				return u, true
			}
			u := c.clientUnit(false)
			u.Cut = true
			u.Problems = append(u.Problems, fmt.Sprintf("line longer than %d bytes: cut here, the rest follows", MaxLine))
			c.ccut = true
			c.seg = nil
			return u, true
		}
		n, nonSync, ok := literalAtEnd(line)
		if !ok {
			u := c.clientUnit(true)
			c.afterCommand(&u)
			c.resetClient()
			return u, true
		}
		c.litLeft = n
		c.cmode = cmLiteral
		if nonSync {
			continue
		}
		// synchronizing literal: this part ends here, the client waits for "+"
		u := c.clientUnit(false)
		if u.Command != nil {
			c.waitTag = u.Command.Tag
			c.waitVerb = u.Command.Verb
		}
		c.seg = nil
		c.segNo++
		if n == 0 {
			// nothing to wait for beyond the "+"; the line goes on
			c.cmode = cmLine
		}
		return u, true
	}
}

// specialLine recognises SASL responses and DONE.
func (c *Conversation) specialLine(line []byte) (Unit, bool) {
	var probs []string
	if bytes.HasSuffix(line, []byte("\n")) && !bytes.HasSuffix(line, []byte("\r\n")) {
		probs = append(probs, "line ends in a bare LF, not CR LF (RFC 9051 §2.2)")
	}
	if c.authTag != "" && ((c.serverSeen && c.authOwed > 0) || (!c.serverSeen && c.authPred > 0)) {
		c.authStep++
		if c.authOwed > 0 {
			c.authOwed--
		}
		if c.authPred > 0 {
			c.authPred--
		}
		return Unit{Kind: KindSASL, Raw: line, Mechanism: c.authMech, Step: c.authStep, InReplyTo: "AUTHENTICATE", Problems: probs}, true
	}
	if c.idleState > 0 && strings.EqualFold(string(bytes.TrimRight(line, "\r\n")), "DONE") {
		if c.idleState == 1 && c.serverSeen {
			probs = append(probs, `DONE sent before the server's "+" accepted IDLE (RFC 9051 §6.3.13)`)
		}
		c.idleState = 0
		return Unit{Kind: KindDone, Raw: line, InReplyTo: "IDLE", Problems: probs}, true
	}
	return Unit{}, false
}

func (c *Conversation) appendSeg(b []byte) {
	c.seg = append(c.seg, b...)
	if len(c.cmd) < MaxUnit {
		c.cmd = append(c.cmd, b...)
	}
}

// Parts of a command that waits for "+" are parsed in full only while the
// command is small and has few parts; later ones get their tag and name
// only, so that a command of many literals costs linear time. The final
// part always gets the full parse.
const (
	fullParseParts = 8
	fullParseSize  = 16 << 10
)

// clientUnit builds the unit for the current segment.
func (c *Conversation) clientUnit(final bool) Unit {
	var cmd Command
	var probs []string
	switch {
	case final:
		cmd, probs = ParseCommand(c.cmd)
	case c.segNo < fullParseParts && len(c.cmd) <= fullParseSize:
		cmd, _ = ParseCommand(c.cmd) // not complete: judged when it is
	default:
		cmd = parseHead(c.cmd)
	}
	if final && c.idleState > 0 {
		probs = append(probs, "a command sent during IDLE, before DONE (RFC 9051 §6.3.13)")
	}
	if final && len(cmd.Raw) > 0 && bytes.HasSuffix(c.seg, []byte("\n")) && !bytes.HasSuffix(c.seg, []byte("\r\n")) {
		probs = append(probs, "line ends in a bare LF, not CR LF (RFC 9051 §2.2)")
	}
	return Unit{Kind: KindCommand, Raw: bytes.Clone(c.seg), Command: &cmd, Segment: c.segNo,
		Offset: len(c.cmd) - len(c.seg), Final: final, Problems: probs}
}

func (c *Conversation) resetClient() {
	c.cmd, c.seg, c.segNo, c.ccut = nil, nil, 0, false
	c.cmode, c.litLeft = cmLine, 0
	c.waitTag, c.waitVerb = "", ""
}

func (c *Conversation) afterCommand(u *Unit) {
	cmd := u.Command
	if cmd.Tag == "" || cmd.Verb == "" {
		return
	}
	if len(c.inflight) < maxInflight {
		c.inflight[cmd.Tag] = cmd.Verb
	}
	switch cmd.Verb {
	case "AUTHENTICATE":
		c.authTag = cmd.Tag
		c.authMech = ""
		if len(cmd.Args) > 0 {
			c.authMech = strings.ToUpper(cmd.Args[0].Text)
		}
		u.Mechanism = c.authMech
		c.authOwed, c.authStep = 0, 0
		c.authPred = 1
		if c.authMech == "LOGIN" {
			c.authPred = 2
		}
		if len(cmd.Args) > 1 { // SASL-IR (RFC 4959)
			c.authPred--
			c.authStep = 1
		}
	case "IDLE":
		c.idleTag = cmd.Tag
		c.idleState = 1
	}
}

// ---- server ----

func (c *Conversation) nextServer(eof bool) (Unit, bool) {
	for {
		if c.smode == cmLiteral {
			if c.sbuf.Len() == 0 {
				if eof && len(c.resp) > 0 {
					u := c.serverUnit()
					u.Problems = append(u.Problems, fmt.Sprintf("the stream ended %d octets before the end of a literal", c.sLeft))
					c.smode, c.sLeft = cmLine, 0
					return u, true
				}
				return Unit{}, false
			}
			n := min(c.sLeft, c.sbuf.Len())
			if !c.scut && len(c.resp)+n > MaxUnit {
				n = max(0, MaxUnit-len(c.resp))
				c.resp = append(c.resp, c.sbuf.Take(n)...)
				c.sLeft -= n
				u := c.serverUnit()
				u.Cut = true
				u.Problems = append(u.Problems, fmt.Sprintf("response longer than %d bytes: cut here, the rest follows", MaxUnit))
				c.scut = true
				return u, true
			}
			b := c.sbuf.Take(n)
			c.sLeft -= n
			if c.sLeft == 0 {
				c.smode = cmLine
			}
			if c.scut {
				return Unit{Kind: KindRest, FromServer: true, Raw: b, Cut: true}, true
			}
			c.resp = append(c.resp, b...)
			continue
		}
		if c.sbuf.Len() == 0 {
			if eof && len(c.resp) > 0 {
				u := c.serverUnit()
				u.Problems = append(u.Problems, "the stream ended in the middle of a response")
				return u, true
			}
			return Unit{}, false
		}
		i := c.sbuf.NextLF()
		var line []byte
		switch {
		case i >= 0 && i < MaxLine:
			line = c.sbuf.Take(i + 1)
		case c.sbuf.Len() > MaxLine:
			line = c.sbuf.Take(MaxLine)
		case eof:
			line = c.sbuf.Take(c.sbuf.Len())
		default:
			return Unit{}, false
		}
		complete := bytes.HasSuffix(line, []byte("\n"))
		if c.scut {
			if complete {
				if n, _, ok := literalAtEnd(line); ok {
					c.sLeft, c.smode = n, cmLiteral
				} else {
					c.scut = false
				}
			}
			return Unit{Kind: KindRest, FromServer: true, Raw: line, Cut: c.scut}, true
		}
		first := len(c.resp) == 0
		c.resp = append(c.resp, line...)
		if !complete {
			u := c.serverUnit()
			if eof {
				u.Problems = append(u.Problems, "the stream ended in the middle of a response (no CR LF)")
				return u, true
			}
			u.Cut = true
			u.Problems = append(u.Problems, fmt.Sprintf("line longer than %d bytes: cut here, the rest follows", MaxLine))
			c.scut = true
			return u, true
		}
		if first && !mayCarryLiteral(line) {
			return c.serverUnit(), true
		}
		if n, _, ok := literalAtEnd(line); ok {
			c.sLeft = n
			if n > 0 {
				c.smode = cmLiteral
			}
			continue
		}
		return c.serverUnit(), true
	}
}

// mayCarryLiteral reports whether a response's first line can hold data
// with literals: continuation requests and status responses cannot.
func mayCarryLiteral(line []byte) bool {
	tag, rest, _ := bytes.Cut(line, []byte(" "))
	if string(tag) == "+" {
		return false
	}
	if string(tag) != "*" {
		return false // tagged: always a status response
	}
	name, _, _ := bytes.Cut(rest, []byte(" "))
	return !isStatus(strings.ToUpper(string(bytes.TrimRight(name, "\r\n"))))
}

// serverUnit builds the unit for the response collected so far and
// moves the conversation on.
func (c *Conversation) serverUnit() Unit {
	raw := c.resp
	c.resp = nil
	r, probs := ParseResponse(raw)
	u := Unit{FromServer: true, Raw: raw, Response: &r, Problems: probs}
	switch r.Tag {
	case "+":
		u.Kind = KindContinuation
		switch {
		case c.waitTag != "":
			u.Continues, u.InReplyTo = ContLiteral, c.waitVerb
			c.waitTag, c.waitVerb = "", ""
		case c.authTag != "":
			c.authStep++
			c.authOwed++
			u.Continues, u.InReplyTo, u.Mechanism, u.Step = ContSASL, "AUTHENTICATE", c.authMech, c.authStep
		case c.idleState == 1:
			c.idleState = 2
			u.Continues, u.InReplyTo = ContIdle, "IDLE"
		default:
			u.Problems = append(u.Problems, "a continuation request when the client waits for none (RFC 9051 §7.6)")
		}
	case "*":
		u.Kind = KindUntagged
	default:
		u.Kind = KindTagged
		verb, ok := c.inflight[r.Tag]
		if !ok && c.waitTag != "" && c.waitTag == r.Tag {
			verb, ok = c.waitVerb, true
		}
		if ok {
			u.InReplyTo = verb
			delete(c.inflight, r.Tag)
		} else if r.Tag != "" {
			u.Problems = append(u.Problems, fmt.Sprintf("tag %q matches no command in progress (RFC 9051 §2.2.2)", r.Tag))
		}
		if c.waitTag != "" && r.Tag == c.waitTag {
			// refused before the literal was sent: the client gives up the
			// command (unless it sent the literal anyway: keep those bytes)
			if len(c.seg) == 0 {
				c.resetClient()
			} else {
				c.waitTag, c.waitVerb = "", ""
			}
		}
		if r.Tag == c.authTag {
			c.authTag, c.authOwed, c.authPred = "", 0, 0
			u.Mechanism = c.authMech
		}
		if r.Tag == c.idleTag {
			c.idleTag, c.idleState = "", 0
		}
	}
	return u
}

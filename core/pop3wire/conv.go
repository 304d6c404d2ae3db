package pop3wire

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/internal/wirebuf"
)

// Limits of a Conversation.
const (
	// MaxLine is the longest line kept whole; a longer one is cut and its
	// rest reported as KindRest.
	MaxLine = 64 * 1024
	// MaxUnit is the largest multi-line response kept as one unit; a
	// larger one arrives in several units, each with Cut set but the last.
	MaxUnit = 32 << 20
	// maxPending bounds the commands waiting for a response.
	maxPending = 10000
	// maxCommandLine is RFC 2449 §4's limit on a command (255 octets,
	// CR LF included); longer ones are kept but flagged.
	maxCommandLine = 255
	// maxStatusLine is RFC 2449 §4's limit on a response's first line.
	maxStatusLine = 512
)

// Multiline reports whether a +OK answer to the command carries a
// multi-line body: CAPA (RFC 2449 §5), LIST and UIDL without an argument,
// RETR and TOP (RFC 1939 §5, §7), and AUTH without an argument, which
// many servers answer with the list of mechanisms.
func Multiline(verb string, nargs int) bool {
	switch verb {
	case "CAPA", "RETR", "TOP":
		return true
	case "LIST", "UIDL", "AUTH":
		return nargs == 0
	}
	return false
}

type pendingCmd struct {
	verb  string
	multi bool
}

// A Conversation splits both directions of a POP3 session into Units.
// Feed each direction's bytes in the order they crossed the wire.
type Conversation struct {
	cbuf, sbuf wirebuf.Buf
	ccut, scut bool

	pending    []pendingCmd
	serverSeen bool

	// a multi-line body being read
	inBody   bool
	bodyScan int
	bodyCut  bool // an earlier piece of this body was already reported
	head     Unit // the status line of the body being read

	auth struct {
		active    bool
		mech      string
		owed      int
		predicted int
		step      int
	}
}

// NewConversation returns a Conversation expecting the server's greeting.
func NewConversation() *Conversation {
	return &Conversation{pending: []pendingCmd{{verb: Greeting}}}
}

// Client feeds bytes the client sent and returns the units they complete.
//
// A recording may start after the greeting: when the client speaks before
// any server byte was fed, the greeting is taken as already past.
func (c *Conversation) Client(p []byte) []Unit {
	if !c.serverSeen && len(c.pending) > 0 && c.pending[0].verb == Greeting && len(p) > 0 {
		c.pending = c.pending[1:]
	}
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
	return c.drainServer(false)
}

// End reports what is left when the streams end, with problems.
func (c *Conversation) End() []Unit {
	out := c.drainServer(true)
	for {
		u, ok := c.nextClient(true)
		if !ok {
			return out
		}
		out = append(out, u)
	}
}

// Reset forgets pending commands and drops buffered bytes, as when the
// TLS handshake of STLS starts (RFC 2595 §4): bytes received before it but
// not yet part of a unit must not be taken as protected. It returns the
// number of server bytes dropped.
func (c *Conversation) Reset() (dropped int) {
	dropped = c.sbuf.Len()
	c.sbuf.Take(c.sbuf.Len())
	c.cbuf.Take(c.cbuf.Len())
	c.ccut, c.scut, c.inBody = false, false, false
	c.pending = c.pending[:0]
	c.auth.active = false
	return dropped
}

func (c *Conversation) push(p pendingCmd) {
	if len(c.pending) >= maxPending {
		c.pending = c.pending[1:]
	}
	c.pending = append(c.pending, p)
}

func (c *Conversation) nextClient(eof bool) (Unit, bool) {
	if c.cbuf.Len() == 0 {
		return Unit{}, false
	}
	i := c.cbuf.NextLF()
	var line []byte
	var probs []string
	switch {
	case i >= 0 && i < MaxLine:
		line = c.cbuf.Take(i + 1)
	case c.cbuf.Len() > MaxLine:
		line = c.cbuf.Take(MaxLine)
		probs = append(probs, fmt.Sprintf("line longer than %d bytes: cut here, the rest follows", MaxLine))
	case eof:
		line = c.cbuf.Take(c.cbuf.Len())
		probs = append(probs, "the stream ended in the middle of a line (no CR LF)")
	default:
		return Unit{}, false
	}
	complete := bytes.HasSuffix(line, []byte("\n"))
	if c.ccut {
		c.ccut = !complete
		return Unit{Kind: KindRest, Raw: line}, true
	}
	cut := !complete && !eof
	c.ccut = cut
	if complete && !bytes.HasSuffix(line, []byte("\r\n")) {
		probs = append(probs, "line ends in a bare LF, not CR LF (RFC 1939 §3)")
	}
	if c.saslTurn() {
		c.auth.step++
		if c.auth.owed > 0 {
			c.auth.owed--
		}
		if c.auth.predicted > 0 {
			c.auth.predicted--
		}
		return Unit{Kind: KindSASL, Raw: line, Mechanism: c.auth.mech, Step: c.auth.step, Cut: cut, Problems: probs}, true
	}
	cmd := ParseCommand(line)
	if len(line) > maxCommandLine {
		probs = append(probs, fmt.Sprintf("command of %d octets; RFC 2449 §4 allows 255 (CR LF included)", len(line)))
	}
	if cmd.Verb == "" {
		probs = append(probs, "empty command line")
	}
	u := Unit{Kind: KindCommand, Raw: line, Command: cmd, Cut: cut, Problems: probs}
	if cmd.Verb == "AUTH" && len(cmd.Args) > 0 {
		c.auth.active = true
		c.auth.mech = strings.ToUpper(cmd.Args[0])
		c.auth.owed = 0
		c.auth.step = 0
		ir := len(cmd.Args) > 1
		c.auth.predicted = 1
		if c.auth.mech == "LOGIN" {
			c.auth.predicted = 2
		}
		if ir {
			c.auth.predicted--
			c.auth.step = 1
		}
		u.Mechanism = c.auth.mech
	}
	c.push(pendingCmd{verb: cmd.Verb, multi: Multiline(cmd.Verb, len(cmd.Args))})
	return u, true
}

func (c *Conversation) saslTurn() bool {
	if !c.auth.active {
		return false
	}
	if c.serverSeen {
		return c.auth.owed > 0
	}
	return c.auth.predicted > 0
}

func (c *Conversation) drainServer(eof bool) []Unit {
	var out []Unit
	for {
		u, ok := c.nextServer(eof)
		if !ok {
			return out
		}
		out = append(out, u)
	}
}

func (c *Conversation) nextServer(eof bool) (Unit, bool) {
	if c.inBody {
		return c.nextBody(eof)
	}
	if c.sbuf.Len() == 0 {
		return Unit{}, false
	}
	i := c.sbuf.NextLF()
	var line []byte
	var probs []string
	switch {
	case i >= 0 && i < MaxLine:
		line = c.sbuf.Take(i + 1)
	case c.sbuf.Len() > MaxLine:
		line = c.sbuf.Take(MaxLine)
		probs = append(probs, fmt.Sprintf("line longer than %d bytes: cut here, the rest follows", MaxLine))
	case eof:
		line = c.sbuf.Take(c.sbuf.Len())
		probs = append(probs, "the stream ended in the middle of a line (no CR LF)")
	default:
		return Unit{}, false
	}
	complete := bytes.HasSuffix(line, []byte("\n"))
	if c.scut {
		c.scut = !complete
		return Unit{Kind: KindRest, FromServer: true, Raw: line}, true
	}
	c.scut = !complete && !eof
	if complete && !bytes.HasSuffix(line, []byte("\r\n")) {
		probs = append(probs, "line ends in a bare LF, not CR LF (RFC 1939 §3)")
	}
	if len(line) > maxStatusLine {
		probs = append(probs, fmt.Sprintf("status line of %d octets; RFC 2449 §4 allows 512 (CR LF included)", len(line)))
	}
	r, sp := parseStatus(line)
	probs = append(probs, sp...)
	u := Unit{Kind: KindResponse, FromServer: true, Raw: line, Response: r, Cut: c.scut, Problems: probs}
	switch r.Status {
	case "+":
		u.Kind = KindContinuation
		if c.auth.active {
			c.auth.step++
			c.auth.owed++
			u.Mechanism, u.Step, u.InReplyTo = c.auth.mech, c.auth.step, "AUTH"
		} else {
			u.InReplyTo = Unsolicited
			u.Problems = append(u.Problems, `a "+ " continuation outside an AUTH exchange (RFC 5034 §4)`)
		}
		return u, true
	case "":
		u.InReplyTo = Unsolicited
		return u, true
	}
	p := pendingCmd{verb: Unsolicited}
	if len(c.pending) > 0 {
		p = c.pending[0]
		c.pending = c.pending[1:]
	}
	u.InReplyTo = p.verb
	if p.verb == "AUTH" && c.auth.active {
		u.Mechanism = c.auth.mech
		c.auth.active = false
	}
	if r.Status == "+OK" && p.multi && complete {
		// the body follows: keep the status line and read on
		c.inBody = true
		c.bodyScan = 0
		c.bodyCut = false
		c.head = u
		return c.nextBody(eof)
	}
	return u, true
}

// nextBody reads a multi-line body until the "." line and returns it with
// its status line as one unit.
func (c *Conversation) nextBody(eof bool) (Unit, bool) {
	buf := c.sbuf.Bytes()
	for {
		i := bytes.IndexByte(buf[c.bodyScan:], '\n')
		if i < 0 {
			break
		}
		end := c.bodyScan + i + 1
		if isDotLine(buf[c.bodyScan:end]) {
			u := c.bodyUnit(c.sbuf.Take(end), true)
			c.inBody = false
			return u, true
		}
		c.bodyScan = end
	}
	if !eof && c.sbuf.Len() <= MaxUnit {
		return Unit{}, false
	}
	if eof && c.sbuf.Len() == 0 && c.bodyCut {
		c.inBody = false
		return Unit{}, false
	}
	n := c.bodyScan
	if n == 0 || eof {
		n = c.sbuf.Len()
	}
	u := c.bodyUnit(c.sbuf.Take(n), false)
	c.bodyScan = 0
	if eof {
		c.inBody = false
		u.Cut = false
		u.Problems = append(u.Problems, `the stream ended before the "." line that ends a multi-line response (RFC 1939 §3)`)
	} else {
		u.Cut = true
		u.Problems = append(u.Problems, fmt.Sprintf("multi-line response longer than %d bytes: shown in pieces", MaxUnit))
	}
	return u, true
}

// bodyUnit joins the held status line (for the first piece) with body
// bytes.
func (c *Conversation) bodyUnit(body []byte, final bool) Unit {
	u := c.head
	if c.bodyCut {
		// a later piece: no status line of its own
		u = Unit{Kind: KindResponse, FromServer: true, InReplyTo: c.head.InReplyTo, Response: Response{Status: c.head.Response.Status}}
	}
	c.bodyCut = !final
	c.head.Raw = nil
	u.Raw = append(bytes.Clone(u.Raw), body...)
	u.Response.Multi = true
	var content []byte
	var stuffed int
	if final {
		content, stuffed = Unstuff(body)
	} else {
		content, stuffed = unstuffPiece(body)
	}
	u.Response.Body = content
	u.Response.Stuffed = stuffed
	u.Response.Lines = splitLines(content)
	bare := 0
	for _, l := range bytes.SplitAfter(body, []byte("\n")) {
		if bytes.HasSuffix(l, []byte("\n")) && !bytes.HasSuffix(l, []byte("\r\n")) {
			bare++
		}
	}
	if bare > 0 {
		u.Problems = append(u.Problems, fmt.Sprintf("%d body line(s) end in a bare LF, not CR LF (RFC 1939 §3)", bare))
	}
	return u
}

func unstuffPiece(b []byte) ([]byte, int) {
	out := make([]byte, 0, len(b))
	n := 0
	start := true
	for _, x := range b {
		if start && x == '.' {
			n++
			start = false
			continue
		}
		start = x == '\n'
		out = append(out, x)
	}
	return out, n
}

func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	s := strings.TrimSuffix(string(b), "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

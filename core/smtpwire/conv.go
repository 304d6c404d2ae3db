package smtpwire

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/core/internal/wirebuf"
)

// Limits of a Conversation. They bound memory whatever the peer sends.
const (
	// MaxLine is the longest command or reply line kept whole; a longer
	// line is cut and its rest reported as KindRest units.
	MaxLine = MaxReplyLine
	// MaxUnit is the largest DATA body or BDAT chunk kept as one unit; a
	// larger one arrives in several units, each with Cut set but the last.
	MaxUnit = 32 << 20
	// maxPending bounds the commands waiting for a reply: a client that
	// pipelines more than this gets the oldest ones forgotten.
	maxPending = 10000
	// maxCommandLine is the limit of RFC 5321 §4.5.3.1.4 (512 octets,
	// CR LF included); longer lines are kept but flagged.
	maxCommandLine = 512
	// maxTextLine is the limit of RFC 5321 §4.5.3.1.6 for a line of the
	// message (1000 octets, CR LF included).
	maxTextLine = 1000
)

type clientState int

const (
	csLine     clientState = iota // command lines (or SASL responses)
	csDataWait                    // DATA sent, its reply not seen yet
	csData                        // inside the message, until "."
	csChunk                       // inside a BDAT chunk
)

// A Conversation splits both directions of an SMTP session into Units. It
// pairs replies with the commands they answer (in order, as PIPELINING
// allows: RFC 2920 §3) and uses the replies to know what the client's
// next bytes are: the message after a 354, a SASL response after a 334.
//
// Feed each direction's bytes in the order they crossed the wire. A
// Conversation fed only the client's bytes falls back on what the
// commands predict. It never panics and its memory is bounded by MaxUnit
// plus what one call feeds it.
//
// A Conversation is not safe for concurrent use.
type Conversation struct {
	cbuf, sbuf wirebuf.Buf

	cs        clientState
	ccut      bool // the client is in the middle of a cut line
	scut      bool // the server is in the middle of a cut line
	dataScan  int  // offset of the next line to examine in csData
	chunkLeft int  // octets of the BDAT chunk still to come
	chunkLast bool

	pending    []string // verbs waiting for a reply, oldest first
	serverSeen bool

	// the AUTH exchange in progress, if any
	auth struct {
		active    bool
		mech      string
		owed      int // 334 challenges not answered yet
		predicted int // responses a client-only stream is expected to carry
		step      int
	}

	// replies under construction
	repScan  int // offset of the next line to examine in sbuf
	repLines int
}

// NewConversation returns a Conversation expecting the server's greeting.
func NewConversation() *Conversation {
	return &Conversation{pending: []string{Greeting}}
}

// Client feeds bytes the client sent and returns the units they complete.
//
// A recording may start after the greeting: when the client speaks before
// any server byte was fed, the greeting is taken as already past.
func (c *Conversation) Client(p []byte) []Unit {
	if !c.serverSeen && len(c.pending) > 0 && c.pending[0] == Greeting && len(p) > 0 {
		c.pending = c.pending[1:]
	}
	c.cbuf.Write(p)
	return c.drainClient(false)
}

// Server feeds bytes the server sent and returns the units they complete.
func (c *Conversation) Server(p []byte) []Unit {
	c.serverSeen = true
	c.sbuf.Write(p)
	return c.drainServer(false)
}

// End reports what is left in both directions when the streams end: an
// unfinished line, reply or message, each with a problem.
func (c *Conversation) End() []Unit {
	out := c.drainServer(true)
	return append(out, c.drainClient(true)...)
}

// Reset forgets pending commands and drops buffered bytes, as when TLS
// starts (RFC 3207 §4.2): the client will greet again, and bytes received
// before the handshake but not yet part of a unit must not be taken as
// protected (they would be an injection, CVE-2011-0411). It returns the
// number of server bytes dropped.
func (c *Conversation) Reset() (dropped int) {
	dropped = c.sbuf.Len()
	c.sbuf.Take(c.sbuf.Len())
	c.cbuf.Take(c.cbuf.Len())
	c.repScan, c.repLines, c.scut, c.ccut = 0, 0, false, false
	c.pending = c.pending[:0]
	c.auth.active = false
	c.cs = csLine
	return dropped
}

// Pending returns the verbs still waiting for a reply, oldest first.
func (c *Conversation) Pending() []string { return append([]string(nil), c.pending...) }

func (c *Conversation) push(verb string) {
	if len(c.pending) >= maxPending {
		c.pending = c.pending[1:]
	}
	c.pending = append(c.pending, verb)
}

func (c *Conversation) pop() string {
	if len(c.pending) == 0 {
		return Unsolicited
	}
	v := c.pending[0]
	c.pending = c.pending[1:]
	return v
}

// ---- client direction ----

func (c *Conversation) drainClient(eof bool) []Unit {
	var out []Unit
	for {
		u, ok := c.nextClient(eof)
		if !ok {
			return out
		}
		out = append(out, u)
	}
}

func (c *Conversation) nextClient(eof bool) (Unit, bool) {
	if c.cbuf.Len() == 0 {
		return Unit{}, false
	}
	switch c.cs {
	case csDataWait:
		// The client sends the message only after the 354 (RFC 5321
		// §4.1.1.4, RFC 2920 §3). Bytes now are the message when no server
		// bytes are known; otherwise they came too early.
		c.cs = csData
		c.dataScan = 0
		if c.serverSeen {
			u, ok := c.nextData(eof)
			if ok {
				u.Problems = append(u.Problems, "the client sent the message before the server's 354 reply (RFC 5321 §4.1.1.4, RFC 2920 §3)")
			}
			return u, ok
		}
		return c.nextData(eof)
	case csData:
		return c.nextData(eof)
	case csChunk:
		return c.nextChunk(eof)
	}
	return c.nextLine(eof)
}

func (c *Conversation) nextLine(eof bool) (Unit, bool) {
	i := c.cbuf.NextLF()
	if i < 0 || i >= MaxLine {
		switch {
		case c.cbuf.Len() > MaxLine:
			u := c.clientLineUnit(c.cbuf.Take(MaxLine))
			u.Cut = true
			u.Problems = append(u.Problems, fmt.Sprintf("line longer than %d bytes: cut here, the rest follows", MaxLine))
			return u, true
		case eof:
			u := c.clientLineUnit(c.cbuf.Take(c.cbuf.Len()))
			u.Problems = append(u.Problems, "the stream ended in the middle of a line (no CR LF)")
			return u, true
		}
		return Unit{}, false
	}
	return c.clientLineUnit(c.cbuf.Take(i + 1)), true
}

// clientLineUnit turns one client line into a command, a SASL response or
// the rest of a cut line, and moves the conversation on.
func (c *Conversation) clientLineUnit(line []byte) Unit {
	if c.ccut {
		c.ccut = bytes.HasSuffix(line, []byte("\n")) == false
		return Unit{Kind: KindRest, Raw: line}
	}
	if !bytes.HasSuffix(line, []byte("\n")) {
		c.ccut = true
	}
	var probs []string
	if bytes.HasSuffix(line, []byte("\n")) && !bytes.HasSuffix(line, []byte("\r\n")) {
		probs = append(probs, "line ends in a bare LF, not CR LF (RFC 5321 §2.3.8)")
	}
	if c.saslTurn() {
		c.auth.step++
		if c.auth.owed > 0 {
			c.auth.owed--
		}
		if c.auth.predicted > 0 {
			c.auth.predicted--
		}
		c.push("AUTH")
		return Unit{Kind: KindSASL, Raw: line, Mechanism: c.auth.mech, Step: c.auth.step, Problems: probs}
	}
	cmd := ParseCommand(line)
	if len(line) > maxCommandLine {
		probs = append(probs, fmt.Sprintf("command line of %d octets; RFC 5321 §4.5.3.1.4 allows 512 (CR LF included) unless an extension says otherwise", len(line)))
	}
	if cmd.Verb == "" {
		probs = append(probs, "empty command line")
	}
	u := Unit{Kind: KindCommand, Raw: line, Command: cmd, Problems: probs}
	c.afterCommand(&u)
	return u
}

// saslTurn reports whether the next client line answers a SASL challenge.
func (c *Conversation) saslTurn() bool {
	if !c.auth.active {
		return false
	}
	if c.serverSeen {
		return c.auth.owed > 0
	}
	return c.auth.predicted > 0
}

func (c *Conversation) afterCommand(u *Unit) {
	cmd := u.Command
	switch cmd.Verb {
	case "DATA":
		c.push("DATA")
		c.cs = csDataWait
		return
	case "BDAT":
		f := strings.Fields(cmd.Args)
		n, err := strconv.Atoi(firstOr(f, ""))
		if err != nil || n < 0 || len(f) > 2 || (len(f) == 2 && !strings.EqualFold(f[1], "LAST")) {
			u.Problems = append(u.Problems, "BDAT needs a chunk size and an optional LAST: BDAT <size> [LAST] (RFC 3030 §2)")
			c.push("BDAT")
			return
		}
		c.chunkLeft = n
		c.chunkLast = len(f) == 2
		c.push("BDAT")
		if n > 0 {
			c.cs = csChunk
		} else if c.chunkLast {
			u.Last = true
		}
		return
	case "AUTH":
		f := strings.Fields(cmd.Args)
		mech := strings.ToUpper(firstOr(f, ""))
		ir := len(f) > 1
		c.auth.active = true
		c.auth.mech = mech
		c.auth.owed = 0
		c.auth.step = 0
		c.auth.predicted = predictedResponses(mech, ir)
		if ir {
			c.auth.step = 1
		}
		u.Mechanism = mech
		c.push("AUTH")
		return
	}
	c.push(cmd.Verb)
}

// predictedResponses is how many response lines follow AUTH for a
// mechanism when no challenge can be seen.
func predictedResponses(mech string, ir bool) int {
	n := 1
	switch mech {
	case "LOGIN":
		n = 2
	case "CRAM-MD5":
		return 1
	}
	if ir {
		n--
	}
	return n
}

func firstOr(f []string, def string) string {
	if len(f) > 0 {
		return f[0]
	}
	return def
}

// nextData finds the end of the message: a line holding only ".".
func (c *Conversation) nextData(eof bool) (Unit, bool) {
	buf := c.cbuf.Bytes()
	for {
		i := bytes.IndexByte(buf[c.dataScan:], '\n')
		if i < 0 {
			break
		}
		end := c.dataScan + i + 1
		if isDotLine(buf[c.dataScan:end]) {
			raw := c.cbuf.Take(end)
			c.dataScan = 0
			c.cs = csLine
			c.push(EndOfData)
			return dataUnit(raw, false), true
		}
		c.dataScan = end
	}
	cut := eof || c.cbuf.Len() > MaxUnit
	if !cut {
		return Unit{}, false
	}
	n := c.dataScan // cut at a line boundary when there is one
	if n == 0 || eof {
		n = c.cbuf.Len()
	}
	raw := c.cbuf.Take(n)
	c.dataScan = 0
	u := dataUnit(raw, true)
	if eof {
		u.Cut = false
		u.Problems = append(u.Problems, `the stream ended before the "." line that ends the message (RFC 5321 §4.1.1.4)`)
	} else {
		u.Problems = append(u.Problems, fmt.Sprintf("message longer than %d bytes: shown in pieces", MaxUnit))
	}
	return u, true
}

// dataUnit builds a KindData unit and checks the message's lines.
func dataUnit(raw []byte, partial bool) Unit {
	body, stuffed := Unstuff(raw)
	if partial {
		body, stuffed = unstuffLines(raw)
	}
	u := Unit{Kind: KindData, Raw: raw, Body: body, Stuffed: stuffed, Cut: partial}
	var bareLF, bareCR, long int
	rest := raw
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		line := rest
		if i >= 0 {
			line = rest[:i+1]
		}
		rest = rest[len(line):]
		if i >= 0 && (len(line) < 2 || line[len(line)-2] != '\r') {
			bareLF++
		}
		content := bytes.TrimRight(line, "\r\n")
		if bytes.IndexByte(content, '\r') >= 0 {
			bareCR++
		}
		if len(line) > maxTextLine {
			long++
		}
	}
	if bareLF > 0 {
		u.Problems = append(u.Problems, fmt.Sprintf("%d line(s) end in a bare LF; SMTP lines end in CR LF (RFC 5321 §2.3.8)", bareLF))
	}
	if bareCR > 0 {
		u.Problems = append(u.Problems, fmt.Sprintf("%d line(s) contain a bare CR (RFC 5321 §2.3.8)", bareCR))
	}
	if long > 0 {
		u.Problems = append(u.Problems, fmt.Sprintf("%d line(s) longer than 1000 octets, the limit of RFC 5321 §4.5.3.1.6", long))
	}
	return u
}

// unstuffLines undoes dot-stuffing on a piece of a message that does not
// end with the "." line.
func unstuffLines(raw []byte) ([]byte, int) {
	out := make([]byte, 0, len(raw))
	n := 0
	start := true
	for _, b := range raw {
		if start && b == '.' {
			n++
			start = false
			continue
		}
		start = b == '\n'
		out = append(out, b)
	}
	return out, n
}

func (c *Conversation) nextChunk(eof bool) (Unit, bool) {
	n := c.cbuf.Len()
	switch {
	case n >= c.chunkLeft:
		raw := c.cbuf.Take(c.chunkLeft)
		c.chunkLeft = 0
		c.cs = csLine
		return Unit{Kind: KindChunk, Raw: raw, Body: raw, Last: c.chunkLast}, true
	case n >= MaxUnit:
		raw := c.cbuf.Take(MaxUnit)
		c.chunkLeft -= len(raw)
		return Unit{Kind: KindChunk, Raw: raw, Body: raw, Cut: true,
			Problems: []string{fmt.Sprintf("chunk longer than %d bytes: shown in pieces", MaxUnit)}}, true
	case eof:
		raw := c.cbuf.Take(n)
		c.cs = csLine
		return Unit{Kind: KindChunk, Raw: raw, Body: raw,
			Problems: []string{fmt.Sprintf("the stream ended %d octets before the end of the BDAT chunk (RFC 3030 §2)", c.chunkLeft-n)}}, true
	}
	return Unit{}, false
}

// ---- server direction ----

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
	if c.sbuf.Len() == 0 {
		return Unit{}, false
	}
	if c.scut {
		i := c.sbuf.NextLF()
		switch {
		case i >= 0:
			c.scut = false
			return Unit{Kind: KindRest, FromServer: true, Raw: c.sbuf.Take(i + 1)}, true
		case c.sbuf.Len() > MaxLine || eof:
			return Unit{Kind: KindRest, FromServer: true, Raw: c.sbuf.Take(c.sbuf.Len())}, true
		}
		return Unit{}, false
	}
	buf := c.sbuf.Bytes()
	for {
		i := bytes.IndexByte(buf[c.repScan:], '\n')
		if i < 0 {
			break
		}
		end := c.repScan + i + 1
		line := buf[c.repScan:end]
		code, sep, _, _ := parseReplyLine(line)
		c.repLines++
		switch {
		case code == 0 && c.repLines == 1:
			// garbage on its own: report it alone
			return c.finishReply(end), true
		case code != 0 && sep != '-':
			return c.finishReply(end), true
		case c.repLines >= MaxReplyLines:
			u := c.finishReply(end)
			u.Problems = append(u.Problems, fmt.Sprintf("reply longer than %d lines: cut here", MaxReplyLines))
			return u, true
		}
		c.repScan = end
	}
	switch {
	case c.sbuf.Len()-c.repScan > MaxLine:
		end := c.repScan + MaxLine
		u := c.finishReply(end)
		u.Cut = true
		c.scut = true
		u.Problems = append(u.Problems, fmt.Sprintf("line longer than %d bytes: cut here, the rest follows", MaxLine))
		return u, true
	case eof:
		u := c.finishReply(c.sbuf.Len())
		u.Problems = append(u.Problems, "the stream ended in the middle of a reply")
		return u, true
	}
	return Unit{}, false
}

// finishReply takes the first n buffered server bytes as one reply, pairs
// it with its command and moves the conversation on.
func (c *Conversation) finishReply(n int) Unit {
	raw := c.sbuf.Take(n)
	c.repScan, c.repLines = 0, 0
	rep := ParseReply(raw)
	u := Unit{Kind: KindReply, FromServer: true, Raw: raw, Reply: rep, Problems: rep.Problems}
	if rep.Code == 0 {
		u.InReplyTo = Unsolicited
		return u
	}
	u.InReplyTo = c.pop()
	switch u.InReplyTo {
	case "DATA":
		if rep.Code == 354 {
			if c.cs == csDataWait {
				c.cs = csData
				c.dataScan = 0
			}
		} else if c.cs == csDataWait {
			c.cs = csLine
		}
	case "AUTH":
		if c.auth.active {
			u.Mechanism = c.auth.mech
			if rep.Code == 334 {
				c.auth.step++
				u.Step = c.auth.step
				c.auth.owed++
			} else {
				c.auth.active = false
			}
		}
	}
	return u
}

// ParseReply parses the raw bytes of one complete reply: lines that share
// a three-digit code, hyphens after all but the last (RFC 5321 §4.2). It
// accepts anything and lists the problems it finds.
func ParseReply(raw []byte) Reply {
	rep := Reply{Raw: raw}
	rest := raw
	for n := 0; len(rest) > 0; n++ {
		i := bytes.IndexByte(rest, '\n')
		line := rest
		if i >= 0 {
			line = rest[:i+1]
		}
		rest = rest[len(line):]
		code, sep, text, perr := parseReplyLine(line)
		if perr != "" {
			rep.Problems = append(rep.Problems, fmt.Sprintf("line %d: %s", n+1, perr))
		}
		switch {
		case !bytes.HasSuffix(line, []byte("\n")):
			rep.Problems = append(rep.Problems, fmt.Sprintf("line %d has no line end", n+1))
		case !bytes.HasSuffix(line, []byte("\r\n")):
			rep.Problems = append(rep.Problems, fmt.Sprintf("line %d ends in a bare LF, not CR LF (RFC 5321 §2.3.8)", n+1))
		}
		if code == 0 {
			rep.Lines = append(rep.Lines, string(trimEOL(line)))
			continue
		}
		if rep.Code == 0 {
			rep.Code = code
		} else if code != rep.Code {
			rep.Problems = append(rep.Problems, fmt.Sprintf("line %d has code %d, the reply started with %d (RFC 5321 §4.2.1)", n+1, code, rep.Code))
		}
		if sep == '-' && len(rest) == 0 && bytes.HasSuffix(line, []byte("\n")) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("line %d has a hyphen after the code but no line follows (RFC 5321 §4.2.1)", n+1))
		}
		rep.Lines = append(rep.Lines, text)
	}
	return rep
}

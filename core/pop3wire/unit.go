package pop3wire

import (
	"bytes"
	"fmt"
	"strings"
)

// Kind says what a Unit is.
type Kind int

const (
	KindCommand      Kind = iota + 1 // a command line (RFC 1939 §3)
	KindResponse                     // a status response, with its multi-line body if any
	KindContinuation                 // a "+ " challenge in an AUTH exchange (RFC 5034 §4)
	KindSASL                         // a client response line in an AUTH exchange
	KindRest                         // the rest of a line cut at MaxLine
)

var kindNames = [...]string{KindCommand: "command", KindResponse: "response", KindContinuation: "continuation", KindSASL: "sasl", KindRest: "rest"}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Pseudo-verbs in Unit.InReplyTo.
const (
	Greeting    = "(greeting)"    // the server's first response (RFC 1939 §4)
	Unsolicited = "(unsolicited)" // a response with no command waiting for it
)

// Command is one command line: a keyword and its arguments (RFC 1939 §3).
type Command struct {
	Verb string   // the keyword, upper-cased
	Args []string // the arguments, split at spaces
	Raw  []byte
}

// ParseCommand splits a command line. It accepts any line.
func ParseCommand(line []byte) Command {
	f := strings.Fields(string(trimEOL(line)))
	c := Command{Raw: bytes.Clone(line)}
	if len(f) > 0 {
		c.Verb = strings.ToUpper(f[0])
		c.Args = f[1:]
	}
	return c
}

// Response is a server response: a status line and, for multi-line
// responses, the lines up to the final ".".
type Response struct {
	Status string // "+OK", "-ERR", "+" for a continuation, "" when unrecognised
	Code   string // an extended response code in brackets (RFC 2449 §8), e.g. "IN-USE", "SYS/TEMP"
	Text   string // the rest of the status line

	Multi   bool     // a multi-line response
	Lines   []string // its lines, byte-stuffing undone, line ends removed
	Body    []byte   // the same lines as bytes, with their line ends
	Stuffed int      // lines whose leading "." was removed
}

// A Unit is one protocol unit with its exact raw bytes.
type Unit struct {
	Kind       Kind
	FromServer bool
	Raw        []byte

	Command   Command  // KindCommand
	Response  Response // KindResponse, KindContinuation
	InReplyTo string   // server units: the verb answered, or a pseudo-verb

	// Mechanism and Step place KindSASL and KindContinuation units in
	// their AUTH exchange.
	Mechanism string
	Step      int

	Cut      bool // cut at a size limit: more of it follows
	Problems []string
}

// parseStatus splits a status line into status, code and text.
func parseStatus(line []byte) (r Response, probs []string) {
	l := string(trimEOL(line))
	word, rest, _ := strings.Cut(l, " ")
	switch strings.ToUpper(word) {
	case "+OK", "-ERR":
		r.Status = strings.ToUpper(word)
		if word != r.Status {
			probs = append(probs, fmt.Sprintf("status indicator %q should be upper case (RFC 1939 §3)", word))
		}
	case "+":
		r.Status = "+"
		r.Text = rest
		return r, nil
	default:
		return Response{Text: l}, []string{"line does not start with +OK or -ERR (RFC 1939 §3)"}
	}
	if strings.HasPrefix(rest, "[") {
		if i := strings.IndexByte(rest, ']'); i > 0 {
			r.Code = rest[1:i]
			rest = strings.TrimPrefix(rest[i+1:], " ")
		}
	}
	r.Text = rest
	return r, probs
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// Unstuff undoes the byte-stuffing of a multi-line response body (RFC 1939
// §3): the final "." line is dropped and one leading "." is removed from
// every other line that has one.
func Unstuff(body []byte) (out []byte, stuffed int) {
	out = make([]byte, 0, len(body))
	for len(body) > 0 {
		i := bytes.IndexByte(body, '\n')
		line := body
		if i >= 0 {
			line = body[:i+1]
		}
		body = body[len(line):]
		if len(body) == 0 && isDotLine(line) {
			break
		}
		if len(line) > 0 && line[0] == '.' {
			line = line[1:]
			stuffed++
		}
		out = append(out, line...)
	}
	return out, stuffed
}

// Stuff byte-stuffs lines for a multi-line response and appends ".\r\n".
func Stuff(lines []byte) []byte {
	var b bytes.Buffer
	start := true
	for i := 0; i < len(lines); i++ {
		c := lines[i]
		if start && c == '.' {
			b.WriteByte('.')
		}
		start = false
		switch {
		case c == '\n':
			b.WriteString("\r\n")
			start = true
		case c == '\r' && i+1 < len(lines) && lines[i+1] == '\n':
			b.WriteString("\r\n")
			i++
			start = true
		default:
			b.WriteByte(c)
		}
	}
	if !start {
		b.WriteString("\r\n")
	}
	b.WriteString(".\r\n")
	return b.Bytes()
}

func isDotLine(line []byte) bool { return string(line) == ".\r\n" || string(line) == ".\n" }

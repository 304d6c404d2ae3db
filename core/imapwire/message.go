package imapwire

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Command is a client command (RFC 9051 §2.2.1): a tag, a command name and
// its arguments.
type Command struct {
	Tag  string
	Verb string // upper-cased; "UID FETCH", "UID SEARCH", ... for UID commands (§6.4.9)
	Args []Value
	Raw  []byte // every byte of the command, literals included
}

// ParseCommand parses a complete command. It accepts anything and lists
// what departs from the grammar.
func ParseCommand(raw []byte) (Command, []string) {
	s := &scanner{b: raw}
	c := Command{Raw: bytes.Clone(raw)}
	c.Tag = s.word()
	if p := tagProblem(c.Tag); p != "" {
		s.problem("%s", p)
	}
	if !s.sp() {
		if c.Tag != "" {
			s.problem("a tag without a command (RFC 9051 §2.2.1)")
		}
		s.rest()
		return c, s.probs
	}
	c.Verb = strings.ToUpper(s.word())
	if c.Verb == "UID" && s.sp() {
		c.Verb += " " + strings.ToUpper(s.word())
	}
	if s.sp() {
		c.Args = s.values(0, 0)
	}
	if s.atEOL() {
		s.skipEOL()
	}
	if s.pos < len(raw) {
		s.problem("%d bytes after the end of the command", len(raw)-s.pos)
	}
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		s.problem("the command does not end with CR LF (RFC 9051 §2.2)")
	}
	return c, s.probs
}

// parseHead reads only the tag and the command name.
func parseHead(raw []byte) Command {
	s := &scanner{b: raw}
	c := Command{Tag: s.word()}
	if s.sp() {
		c.Verb = strings.ToUpper(s.word())
		if c.Verb == "UID" && s.sp() {
			c.Verb += " " + strings.ToUpper(s.word())
		}
	}
	return c
}

// tagProblem says what is wrong with a tag, or "".
// tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 §9).
func tagProblem(tag string) string {
	if tag == "" {
		return "the line does not start with a tag (RFC 9051 §2.2.1)"
	}
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		if c <= 0x20 || c >= 0x7f || strings.IndexByte(`(){%*"\+`, c) >= 0 {
			return fmt.Sprintf("tag %q contains %q, not allowed in a tag (RFC 9051 §9, \"tag\")", tag, c)
		}
	}
	return ""
}

// Response is a server response (RFC 9051 §2.2.2, §7).
type Response struct {
	// Tag is "*" for untagged responses, "+" for a continuation request,
	// or the tag of the command a tagged response completes.
	Tag string
	// Status is OK, NO, BAD, PREAUTH or BYE for status responses (§7.1).
	Status string
	// Num is the number before the name in "* 3 EXISTS" or "* 1 FETCH".
	Num    uint32
	HasNum bool
	// Name is the response's name, upper-cased: the status, or the data's
	// name (CAPABILITY, FLAGS, EXISTS, FETCH, LIST, SEARCH, ...).
	Name string
	// Code is the response code in brackets of a status response (§7.1).
	Code *Code
	// Text is the human-readable text of a status response, or everything
	// after "+ " in a continuation request (a SASL challenge is base64).
	Text string
	// Fields is the data after Name, for data responses.
	Fields []Value
	Raw    []byte
}

// Code is a response code, such as [UIDVALIDITY 3857529045] (§7.1).
type Code struct {
	Name string // upper-cased
	Args []Value
	Text string // everything between the brackets after the name
}

// statuses of RFC 9051 §7.1.
func isStatus(name string) bool {
	switch name {
	case "OK", "NO", "BAD", "PREAUTH", "BYE":
		return true
	}
	return false
}

// ParseResponse parses a complete response. It accepts anything.
func ParseResponse(raw []byte) (Response, []string) {
	s := &scanner{b: raw}
	r := Response{Raw: bytes.Clone(raw)}
	r.Tag = s.word()
	switch r.Tag {
	case "+":
		s.sp()
		r.Text = s.rest()
		return r, s.probs
	case "":
		s.problem("the line does not start with *, + or a tag (RFC 9051 §2.2.2)")
		r.Text = s.rest()
		return r, s.probs
	case "*":
	default:
		if p := tagProblem(r.Tag); p != "" {
			s.problem("%s", p)
		}
	}
	if !s.sp() {
		s.problem("a response with nothing after %q", r.Tag)
		s.rest()
		return r, s.probs
	}
	w := s.word()
	if r.Tag == "*" && isDigits(w) {
		n, err := strconv.ParseUint(w, 10, 32)
		if err != nil {
			s.problem("number %s does not fit in 32 bits (RFC 9051 §4.2)", w)
		}
		r.Num, r.HasNum = uint32(n), true
		if !s.sp() {
			s.problem("a number with no response name after it")
			s.rest()
			return r, s.probs
		}
		w = s.word()
	}
	r.Name = strings.ToUpper(w)
	if isStatus(r.Name) && !r.HasNum {
		r.Status = r.Name
		if r.Tag != "*" && (r.Name == "PREAUTH" || r.Name == "BYE") {
			s.problem("%s is only sent untagged (RFC 9051 §7.1)", r.Name)
		}
		s.sp()
		if s.pos < len(raw) && raw[s.pos] == '[' {
			r.Code = s.code()
			s.sp()
		}
		r.Text = s.rest()
	} else {
		if r.Tag != "*" {
			s.problem("a tagged response must be OK, NO or BAD, not %q (RFC 9051 §7.1)", w)
		}
		if s.sp() {
			r.Fields = s.values(0, 0)
		}
		s.skipEOL()
	}
	if s.pos < len(raw) {
		s.problem("%d bytes after the end of the response", len(raw)-s.pos)
	}
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		s.problem("the response does not end with CR LF (RFC 9051 §2.2)")
	}
	return r, s.probs
}

// code reads "[" name [SP args] "]".
func (s *scanner) code() *Code {
	s.pos++ // [
	start := s.pos
	for s.pos < len(s.b) && !s.atEOL() && s.b[s.pos] != ' ' && s.b[s.pos] != ']' {
		s.pos++
	}
	c := &Code{Name: strings.ToUpper(string(s.b[start:s.pos]))}
	argStart := s.pos
	if s.sp() {
		argStart = s.pos
		c.Args = s.values(']', 1)
		c.Text = strings.TrimSuffix(string(s.b[argStart:s.pos]), "]")
		return c
	}
	if s.pos < len(s.b) && s.b[s.pos] == ']' {
		s.pos++
	} else {
		s.problem("response code not closed by ] (RFC 9051 §7.1)")
	}
	return c
}

package imapwire

import (
	"fmt"
	"strconv"
	"strings"
)

// ValueKind is the grammar element a Value was read as (RFC 9051 §4).
type ValueKind int

const (
	Atom    ValueKind = iota + 1 // an atom, a flag such as \Seen, or a fetch item such as BODY[HEADER]<0.10> (§4.1)
	Number                       // an atom of digits (§4.2)
	Quoted                       // a quoted string (§4.3)
	Literal                      // a literal {n}, {n+} or ~{n} (§4.3, §4.3.1; RFC 7888)
	List                         // a parenthesized list (§4.4)
	Nil                          // NIL (§4.5)
)

var valueKindNames = [...]string{Atom: "atom", Number: "number", Quoted: "quoted", Literal: "literal", List: "list", Nil: "NIL"}

func (k ValueKind) String() string {
	if k > 0 && int(k) < len(valueKindNames) {
		return valueKindNames[k]
	}
	return fmt.Sprintf("ValueKind(%d)", int(k))
}

// A Value is one element of IMAP data.
type Value struct {
	Kind ValueKind
	// Text is the atom or number as written, the quoted string with its
	// escapes undone, or the literal's octets.
	Text string
	List []Value // the elements of a List
	// Off and End locate the value in the raw bytes it was read from; for
	// a literal they cover its octets only, not the {n} before them.
	Off, End int
	NonSync  bool // a non-synchronizing literal {n+} (RFC 7888)
	Binary   bool // a literal8 ~{n} (RFC 3516, RFC 9051 §4.3.1)
}

// Num returns the value as a number, and false when it is not one.
func (v Value) Num() (uint64, bool) {
	if v.Kind != Number {
		return 0, false
	}
	n, err := strconv.ParseUint(v.Text, 10, 64)
	return n, err == nil
}

// String renders the value as IMAP text; literals appear as {n} and a
// summary of their size, never their octets.
func (v Value) String() string {
	switch v.Kind {
	case Quoted:
		return strconv.Quote(v.Text)
	case Literal:
		return fmt.Sprintf("{%d}", len(v.Text))
	case List:
		parts := make([]string, len(v.List))
		for i, e := range v.List {
			parts[i] = e.String()
		}
		return "(" + strings.Join(parts, " ") + ")"
	case Nil:
		return "NIL"
	}
	return v.Text
}

// IsString reports whether the value is a string (quoted or literal) or
// an atom, the three forms an astring takes (RFC 9051 §9 "astring").
func (v Value) IsString() bool {
	return v.Kind == Quoted || v.Kind == Literal || v.Kind == Atom || v.Kind == Number
}

// maxDepth bounds list nesting: it prevents stack exhaustion on hostile
// input such as ((((((...
const maxDepth = 100

// scanner reads IMAP values from raw bytes in which literals are inline:
// "{5}\r\nhello" is read as one Literal.
type scanner struct {
	b     []byte
	pos   int
	probs []string
}

func (s *scanner) problem(format string, args ...any) {
	if len(s.probs) < 20 {
		s.probs = append(s.probs, fmt.Sprintf(format, args...))
	}
}

// atEOL reports whether pos is at a line end (CR LF, bare LF) or the end.
func (s *scanner) atEOL() bool {
	if s.pos >= len(s.b) {
		return true
	}
	c := s.b[s.pos]
	return c == '\n' || (c == '\r' && (s.pos+1 >= len(s.b) || s.b[s.pos+1] == '\n'))
}

// skipEOL moves past a line end.
func (s *scanner) skipEOL() {
	if s.pos < len(s.b) && s.b[s.pos] == '\r' {
		s.pos++
	}
	if s.pos < len(s.b) && s.b[s.pos] == '\n' {
		s.pos++
	}
}

// word reads up to the next space or line end, without interpretation.
func (s *scanner) word() string {
	start := s.pos
	for !s.atEOL() && s.b[s.pos] != ' ' {
		s.pos++
	}
	return string(s.b[start:s.pos])
}

// sp consumes one space and reports whether there was one.
func (s *scanner) sp() bool {
	if s.pos < len(s.b) && s.b[s.pos] == ' ' {
		s.pos++
		return true
	}
	return false
}

// rest returns the text up to the line end and moves past it.
func (s *scanner) rest() string {
	start := s.pos
	for !s.atEOL() {
		s.pos++
	}
	t := string(s.b[start:s.pos])
	s.skipEOL()
	return t
}

// values reads values separated by spaces until the line end, or until
// the closing byte (')' or ']') when close is not zero.
func (s *scanner) values(close byte, depth int) []Value {
	var out []Value
	for {
		for s.pos < len(s.b) && s.b[s.pos] == ' ' {
			s.pos++
		}
		if s.atEOL() {
			if close != 0 {
				s.problem("missing %q before the end of the line", close)
			}
			return out
		}
		c := s.b[s.pos]
		if c == close {
			s.pos++
			return out
		}
		if c == ')' || (c == ']' && close != 0) {
			s.problem("unexpected %q at offset %d", c, s.pos)
			s.pos++
			continue
		}
		v, ok := s.value(depth)
		if !ok {
			return out
		}
		out = append(out, v)
	}
}

// value reads one value at pos.
func (s *scanner) value(depth int) (Value, bool) {
	start := s.pos
	switch c := s.b[s.pos]; {
	case c == '(':
		if depth >= maxDepth {
			s.problem("lists nested deeper than %d", maxDepth)
			s.pos = len(s.b)
			return Value{}, false
		}
		s.pos++
		l := s.values(')', depth+1)
		return Value{Kind: List, List: l, Off: start, End: s.pos}, true
	case c == '"':
		return s.quoted(), true
	case c == '{' || (c == '~' && s.pos+1 < len(s.b) && s.b[s.pos+1] == '{'):
		if v, ok := s.literal(); ok {
			return v, true
		}
		s.pos = start
	}
	return s.atom(), true
}

func (s *scanner) quoted() Value {
	start := s.pos
	s.pos++ // opening quote
	var b strings.Builder
	for {
		if s.atEOL() {
			s.problem("quoted string not closed before the end of the line (RFC 9051 §4.3)")
			return Value{Kind: Quoted, Text: b.String(), Off: start, End: s.pos}
		}
		c := s.b[s.pos]
		s.pos++
		switch c {
		case '"':
			return Value{Kind: Quoted, Text: b.String(), Off: start, End: s.pos}
		case '\\':
			if s.pos < len(s.b) && (s.b[s.pos] == '"' || s.b[s.pos] == '\\') {
				b.WriteByte(s.b[s.pos])
				s.pos++
				continue
			}
			s.problem(`backslash not followed by " or \ in a quoted string (RFC 9051 §4.3)`)
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}

// literal reads {n}CRLF followed by n octets. It returns false, without
// moving, when the bytes at pos are not a literal's header.
func (s *scanner) literal() (Value, bool) {
	p := s.pos
	binary := false
	if s.b[p] == '~' {
		binary = true
		p++
	}
	p++ // {
	d := p
	for p < len(s.b) && s.b[p] >= '0' && s.b[p] <= '9' {
		p++
	}
	if p == d || p-d > 10 {
		return Value{}, false
	}
	n, _ := strconv.Atoi(string(s.b[d:p]))
	nonSync := false
	if p < len(s.b) && s.b[p] == '+' {
		nonSync = true
		p++
	}
	if p >= len(s.b) || s.b[p] != '}' {
		return Value{}, false
	}
	p++
	switch {
	case p+1 < len(s.b) && s.b[p] == '\r' && s.b[p+1] == '\n':
		p += 2
	case p < len(s.b) && s.b[p] == '\n':
		s.problem("literal header followed by a bare LF, not CR LF")
		p++
	case p >= len(s.b):
		s.pos = p
		return Value{Kind: Literal, Off: p, End: p, NonSync: nonSync, Binary: binary}, true
	default:
		return Value{}, false
	}
	end := p + n
	if end > len(s.b) {
		s.problem("literal of %d octets cut short: %d arrived", n, len(s.b)-p)
		end = len(s.b)
	}
	s.pos = end
	return Value{Kind: Literal, Text: string(s.b[p:end]), Off: p, End: end, NonSync: nonSync, Binary: binary}, true
}

// atom reads an atom. Brackets are kept inside it with what they hold,
// spaces and parentheses included, so that BODY[HEADER.FIELDS (FROM)]<0>
// is one atom, as fetch items and section specs are written.
func (s *scanner) atom() Value {
	start := s.pos
	depth := 0
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		if c == '\r' || c == '\n' {
			break
		}
		if depth == 0 && (c == ' ' || c == '(' || c == ')' || c == ']' || c == '"') {
			break
		}
		switch c {
		case '[':
			depth++
		case ']':
			depth--
		}
		s.pos++
	}
	if s.pos == start { // a lone special: take it so that the caller moves on
		s.problem("unexpected %q at offset %d", s.b[s.pos], s.pos)
		s.pos++
	}
	t := string(s.b[start:s.pos])
	v := Value{Kind: Atom, Text: t, Off: start, End: s.pos}
	switch {
	case strings.EqualFold(t, "NIL"):
		v.Kind = Nil
	case isDigits(t):
		v.Kind = Number
	}
	return v
}

func isDigits(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}

// LiteralAtEnd reports whether a line (line end included) ends with a
// literal header {n}, {n+} or ~{n} outside a quoted string, its size and
// whether it is non-synchronizing.
func LiteralAtEnd(line []byte) (n int, nonSync bool, ok bool) { return literalAtEnd(line) }

func literalAtEnd(line []byte) (n int, nonSync bool, ok bool) {
	l := line
	if len(l) > 0 && l[len(l)-1] == '\n' {
		l = l[:len(l)-1]
	}
	if len(l) > 0 && l[len(l)-1] == '\r' {
		l = l[:len(l)-1]
	}
	if len(l) < 3 || l[len(l)-1] != '}' {
		return 0, false, false
	}
	// quoted strings: is the final '}' inside one?
	inQ := false
	for i := 0; i < len(l); i++ {
		switch {
		case inQ && l[i] == '\\':
			i++
		case l[i] == '"':
			inQ = !inQ
		}
	}
	if inQ {
		return 0, false, false
	}
	j := len(l) - 2
	if l[j] == '+' {
		nonSync = true
		j--
	}
	end := j + 1
	for j >= 0 && l[j] >= '0' && l[j] <= '9' {
		j--
	}
	if j < 0 || l[j] != '{' || end-(j+1) == 0 || end-(j+1) > 10 {
		return 0, false, false
	}
	n, err := strconv.Atoi(string(l[j+1 : end]))
	if err != nil {
		return 0, false, false
	}
	return n, nonSync, true
}

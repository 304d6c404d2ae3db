package pop3

import (
	"errors"
	"fmt"
	"strings"
)

// Line limits.
const (
	// MaxLine is the longest command line, CRLF included (RFC 2449
	// section 4 raised RFC 1939's 40-octet arguments to a 255-octet line).
	MaxLine = 255
	// maxSASLLine bounds one SASL continuation line; base64 of PLAIN
	// credentials is far shorter, but RFC 5034 section 4 does not apply the
	// 255-octet command limit to it.
	maxSASLLine = 8 << 10
	// maxKeyword is longer than any POP3 keyword (they are 3 or 4
	// characters, RFC 1939 section 3) so that a mistyped long word is
	// reported as unknown rather than as a syntax error.
	maxKeyword = 16
)

// Parse errors. They are what ParseCommand reports; the server turns them
// into -ERR replies.
var (
	ErrEmptyLine   = errors.New("pop3: empty command line")
	ErrBadKeyword  = errors.New("pop3: a keyword is 3 or 4 ASCII letters")
	ErrControlChar = errors.New("pop3: control character in command")
	ErrLineTooLong = errors.New("pop3: command line longer than 255 octets")
)

// Command is one parsed command line.
type Command struct {
	// Name is the keyword in upper case ("RETR").
	Name string
	// Args are the space-separated arguments.
	Args []string
	// Rest is everything after the keyword and its single space, exactly
	// as sent. PASS uses it: RFC 1939 section 7 lets a password contain
	// spaces.
	Rest string
}

// ParseCommand parses one command line, without its line ending.
func ParseCommand(line []byte) (Command, error) {
	if len(line)+2 > MaxLine {
		return Command{}, ErrLineTooLong
	}
	if len(strings.TrimSpace(string(line))) == 0 {
		return Command{}, ErrEmptyLine
	}
	for _, b := range line {
		if (b < 0x20 && b != '\t') || b == 0x7f {
			return Command{}, ErrControlChar
		}
	}
	s := string(line)
	kw, rest, _ := strings.Cut(s, " ")
	if len(kw) == 0 || len(kw) > maxKeyword {
		return Command{}, ErrBadKeyword
	}
	for i := 0; i < len(kw); i++ {
		c := kw[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return Command{}, ErrBadKeyword
		}
	}
	return Command{Name: strings.ToUpper(kw), Args: strings.Fields(rest), Rest: rest}, nil
}

// String returns the command as it would be sent, without CRLF.
func (c Command) String() string {
	if len(c.Args) == 0 {
		return c.Name
	}
	return c.Name + " " + strings.Join(c.Args, " ")
}

// parseMsgNum reads a message number argument (RFC 1939 section 5: a
// decimal number that may not refer to a deleted message). It returns the
// zero-based index.
func parseMsgNum(s string, n int) (int, error) {
	if s == "" || len(s) > 9 {
		return 0, fmt.Errorf("invalid message number %q", s)
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("invalid message number %q", s)
		}
		v = v*10 + int(s[i]-'0')
	}
	if v < 1 || v > n {
		return 0, fmt.Errorf("no such message, only %d in maildrop", n)
	}
	return v - 1, nil
}

// parseCount reads TOP's line count: a non-negative decimal number.
func parseCount(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

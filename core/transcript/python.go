package transcript

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Python's mail libraries print their exchanges when debugging is on, and
// that output is what many students have at hand (see ../shared/seeds).
// Parse accepts it too:
//
//	smtplib:  send: 'ehlo x\r\n'     reply: b'250-mx\r\n'
//	poplib:   *welcome* b'+OK'       *put* b'USER a'      *get* b'+OK\r\n'
//	imaplib:  12:00.01 > b'A1 LOGIN a b'     12:00.02 < b'A1 OK'
//
// imaplib does not print the octets of literals ("read literal size N"):
// they are replaced by a placeholder of the same size, and a problem says
// so.
var (
	pySMTP    = regexp.MustCompile(`^\s*(send|reply): (b?(?:'.*'|".*"))\s*$`)
	pyPOP     = regexp.MustCompile(`^\s*\*(welcome|put|get)\* (b?(?:'.*'|".*"))\s*$`)
	pyIMAP    = regexp.MustCompile(`^\s*(\d+:\d+(?:\.\d+)?)\s+([<>]) (b?(?:'.*'|".*"))\s*$`)
	pyLiteral = regexp.MustCompile(`^\s*(\d+:\d+(?:\.\d+)?)\s+read literal size (\d+)\s*$`)
)

// maxPlaceholder bounds the octets invented for an unlogged literal.
const maxPlaceholder = 16 << 20

// parsePython reads one line of Python debug output.
func parsePython(line string, n int) (recs []Record, prob string, ok bool) {
	if m := pySMTP.FindStringSubmatch(line); m != nil {
		b, err := pyUnquote(m[2])
		if err != nil {
			return nil, fmt.Sprintf("line %d: %v", n, err), true
		}
		dir := byte('c')
		if m[1] == "reply" {
			dir = 's'
		}
		return []Record{{Dir: dir, Data: b, Line: n}}, "", true
	}
	if m := pyPOP.FindStringSubmatch(line); m != nil {
		b, err := pyUnquote(m[2])
		if err != nil {
			return nil, fmt.Sprintf("line %d: %v", n, err), true
		}
		switch m[1] {
		case "welcome":
			return []Record{{Dir: 's', Data: append(b, "\r\n"...), Line: n}}, "", true
		case "put":
			return []Record{{Dir: 'c', Data: append(b, "\r\n"...), Line: n}}, "", true
		}
		return []Record{{Dir: 's', Data: b, Line: n}}, "", true
	}
	if m := pyIMAP.FindStringSubmatch(line); m != nil {
		b, err := pyUnquote(m[3])
		if err != nil {
			return nil, fmt.Sprintf("line %d: %v", n, err), true
		}
		dir := byte('c')
		if m[2] == "<" {
			dir = 's'
		}
		at, hasAt := parseStamp(m[1])
		return []Record{{Dir: dir, Data: append(b, "\r\n"...), Line: n, At: at, HasAt: hasAt}}, "", true
	}
	if m := pyLiteral.FindStringSubmatch(line); m != nil {
		size, _ := strconv.Atoi(m[2])
		size = min(size, maxPlaceholder)
		return []Record{{Dir: 's', Data: placeholder(size), Line: n, literal: true}},
			fmt.Sprintf("line %d: imaplib did not log the %d octets of this literal; a placeholder stands in for them", n, size), true
	}
	return nil, "", false
}

// placeholder makes n octets that say what they are.
func placeholder(n int) []byte {
	const text = "[octets not logged by imaplib] "
	b := make([]byte, n)
	for i := range b {
		b[i] = text[i%len(text)]
	}
	if n >= 2 {
		b[n-2], b[n-1] = '\r', '\n'
	}
	return b
}

// pyUnquote decodes a Python str or bytes literal.
func pyUnquote(s string) ([]byte, error) {
	s = strings.TrimPrefix(s, "b")
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return nil, fmt.Errorf("transcript: not a Python string literal: %.40s", s)
	}
	s = s[1 : len(s)-1]
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			out = append(out, c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i:j], 8, 8)
			out = append(out, byte(v))
			i = j - 1
		case 'x':
			if i+2 < len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
					out = append(out, byte(v))
					i += 2
					continue
				}
			}
			return nil, fmt.Errorf("transcript: bad \\x escape in a Python literal")
		case 'a':
			out = append(out, 7)
		case 'b':
			out = append(out, 8)
		case 'f':
			out = append(out, 12)
		case 'v':
			out = append(out, 11)
		default: // \\ \' \" and unknown escapes keep the character
			if e != '\\' && e != '\'' && e != '"' {
				out = append(out, '\\')
			}
			out = append(out, e)
		}
	}
	return out, nil
}

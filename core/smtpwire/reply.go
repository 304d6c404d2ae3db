package smtpwire

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// MaxReplyLine is the longest reply line accepted, line end included.
// RFC 5321 §4.5.3.1.5 sets 512 octets; servers exceed it in the wild, so the
// limit is generous but bounded, to keep a hostile server from exhausting memory.
const MaxReplyLine = 64 * 1024

// MaxReplyLines bounds the lines of one multi-line reply, for the same reason.
const MaxReplyLines = 1000

// ErrLineTooLong is returned when a line exceeds MaxReplyLine.
var ErrLineTooLong = errors.New("smtpwire: line too long")

// Reply is one SMTP reply (RFC 5321 §4.2): one or more lines sharing a
// three-digit code, the last one marked by a space after the code.
type Reply struct {
	Code  int      // the reply code, 200 to 599 when well formed
	Lines []string // the text of each line, after the code and separator
	Raw   []byte   // the exact bytes on the wire, line ends included

	// Problems lists where the reply departs from the grammar of
	// RFC 5321 §4.2 (a bare LF, a code that changes between lines, ...).
	// A reply with problems is still returned: it is what the server sent.
	Problems []string
}

// Class is the first digit of the code: 2 positive completion, 3 positive
// intermediate, 4 transient negative, 5 permanent negative (RFC 5321 §4.2.1).
func (r Reply) Class() int { return r.Code / 100 }

// Text joins the reply's lines with "\n".
func (r Reply) Text() string {
	var b bytes.Buffer
	for i, l := range r.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	return b.String()
}

// A Reader reads SMTP units from a byte stream.
type Reader struct {
	br *bufio.Reader
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	if br, ok := r.(*bufio.Reader); ok {
		return &Reader{br: br}
	}
	return &Reader{br: bufio.NewReader(r)}
}

// ReadLine reads one line, line end included, up to MaxReplyLine bytes.
func (r *Reader) ReadLine() ([]byte, error) {
	var line []byte
	for {
		frag, err := r.br.ReadSlice('\n')
		line = append(line, frag...)
		if len(line) > MaxReplyLine {
			return line, ErrLineTooLong
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(line) > 0 {
			return line, io.ErrUnexpectedEOF
		}
		return line, err
	}
}

// ReadReply reads one complete reply. On a malformed line it still returns
// what it read in Raw, with the error.
func (r *Reader) ReadReply() (Reply, error) {
	var rep Reply
	for n := 0; ; n++ {
		line, err := r.ReadLine()
		rep.Raw = append(rep.Raw, line...)
		if err != nil {
			if len(rep.Raw) == 0 {
				return rep, err
			}
			return rep, fmt.Errorf("smtpwire: reading reply: %w", err)
		}
		if n >= MaxReplyLines {
			return rep, fmt.Errorf("smtpwire: reply longer than %d lines", MaxReplyLines)
		}
		code, sep, text, perr := parseReplyLine(line)
		if perr != "" {
			rep.Problems = append(rep.Problems, perr)
		}
		if !bytes.HasSuffix(line, []byte("\r\n")) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("line %d ends in a bare LF, not CR LF (RFC 5321 §2.3.8)", n+1))
		}
		if code == 0 {
			return rep, fmt.Errorf("smtpwire: malformed reply line %q", trimEOL(line))
		}
		if n == 0 {
			rep.Code = code
		} else if code != rep.Code {
			rep.Problems = append(rep.Problems, fmt.Sprintf("line %d has code %d, the reply started with %d (RFC 5321 §4.2.1)", n+1, code, rep.Code))
		}
		rep.Lines = append(rep.Lines, text)
		if sep != '-' {
			return rep, nil
		}
	}
}

// parseReplyLine splits "250-text\r\n" into its parts. code is 0 when the
// line does not start with three digits.
func parseReplyLine(line []byte) (code int, sep byte, text string, problem string) {
	l := trimEOL(line)
	if len(l) < 3 {
		return 0, 0, "", "line shorter than a reply code"
	}
	c, err := strconv.Atoi(string(l[:3]))
	if err != nil || l[0] < '2' || l[0] > '5' {
		return 0, 0, "", "line does not start with a reply code 2xx to 5xx"
	}
	if len(l) == 3 {
		return c, ' ', "", ""
	}
	sep = l[3]
	switch sep {
	case ' ', '-':
		return c, sep, string(l[4:]), ""
	default:
		return c, ' ', string(l[3:]), fmt.Sprintf("reply code followed by %q, not a space or hyphen (RFC 5321 §4.2)", sep)
	}
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

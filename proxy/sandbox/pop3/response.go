package pop3

import (
	"bufio"
	"bytes"
	"io"
)

// Response status indicators (RFC 1939 section 3).
const (
	statusOK  = "+OK"
	statusErr = "-ERR"
)

// Response codes (RFC 2449 section 8, RFC 3206), written in brackets
// right after -ERR.
const (
	codeAuth    = "AUTH"     // credentials were wrong (RFC 3206 section 5)
	codeSysTemp = "SYS/TEMP" // a passing server problem (RFC 3206 section 4)
	codeSysPerm = "SYS/PERM" // a lasting server problem
	codeInUse   = "IN-USE"   // the maildrop is locked (RFC 2449 section 8.1.2)
)

// readLine reads one line of at most max octets, line ending included, and
// returns it without the ending. A line ended by a bare LF is accepted, as
// most servers do; over-long lines are an error.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull || len(line) > max {
		return nil, ErrLineTooLong
	}
	if err != nil {
		return nil, err // io.EOF mid-line: the partial line is dropped
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// WireSize is the octet count of a message as the server sends it: every
// line ended by CRLF, a missing final line ending added, byte-stuffing not
// counted (RFC 1939 section 11). Backends report it in MessageInfo.Size.
func WireSize(msg []byte) int64 {
	// Every LF that is not part of a CRLF pair gains a CR.
	n := int64(len(msg) + bytes.Count(msg, []byte("\n")) - bytes.Count(msg, []byte("\r\n")))
	switch {
	case len(msg) == 0 || msg[len(msg)-1] == '\n':
	case msg[len(msg)-1] == '\r':
		n++ // a final bare CR gets its LF
	default:
		n += 2
	}
	return n
}

// dotWriter writes a multi-line response body: line endings normalised to
// CRLF, a line starting with "." doubled (RFC 1939 section 3), and a final
// CRLF added if missing. Close writes the terminating ".\r\n".
type dotWriter struct {
	w         *bufio.Writer
	lineStart bool
	prevCR    bool
	empty     bool
}

func newDotWriter(w *bufio.Writer) *dotWriter {
	return &dotWriter{w: w, lineStart: true, empty: true}
}

func (d *dotWriter) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		d.empty = false
		b := p[0]
		if d.lineStart && b == '.' {
			d.w.WriteByte('.')
		}
		// Copy the run of ordinary bytes up to the next line ending.
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			d.w.Write(p)
			d.prevCR = p[len(p)-1] == '\r'
			d.lineStart = false
			break
		}
		seg := p[:i]
		if len(seg) > 0 {
			d.w.Write(seg)
			d.prevCR = seg[len(seg)-1] == '\r'
		}
		if !d.prevCR {
			d.w.WriteByte('\r')
		}
		if err := d.w.WriteByte('\n'); err != nil {
			return total - len(p), err
		}
		d.prevCR = false
		d.lineStart = true
		p = p[i+1:]
	}
	return total, nil
}

// Close ends the body and writes the termination octet.
func (d *dotWriter) Close() error {
	if !d.lineStart && !d.empty {
		if !d.prevCR {
			d.w.WriteByte('\r')
		}
		d.w.WriteByte('\n')
	}
	_, err := d.w.WriteString(".\r\n")
	return err
}

var _ io.WriteCloser = (*dotWriter)(nil)

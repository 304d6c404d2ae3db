package smtpwire

import "bytes"

// Stuff prepares a message for DATA (RFC 5321 §4.5.2): every line that
// starts with "." gets one more, bare LFs become CR LF, the last line is
// ended, and the end-of-data line ".\r\n" is appended.
func Stuff(msg []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(msg) + len(msg)/40 + 5)
	start := true
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if start && c == '.' {
			b.WriteByte('.')
		}
		start = false
		switch {
		case c == '\n':
			b.WriteString("\r\n")
			start = true
		case c == '\r' && i+1 < len(msg) && msg[i+1] == '\n':
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

// Unstuff undoes Stuff on a DATA body: it removes the final "." line when
// present and one leading "." from every other line starting with one. It
// returns the message and the number of lines unstuffed.
func Unstuff(body []byte) (msg []byte, stuffed int) {
	out := make([]byte, 0, len(body))
	for len(body) > 0 {
		i := bytes.IndexByte(body, '\n')
		line := body
		if i >= 0 {
			line = body[:i+1]
		}
		body = body[len(line):]
		if isDotLine(line) && len(body) == 0 {
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

// isDotLine reports whether line is the end-of-data line "." (with CR LF
// or, leniently, a bare LF).
func isDotLine(line []byte) bool {
	return string(line) == ".\r\n" || string(line) == ".\n"
}

package pop3

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// One table for the byte-stuffing writer and WireSize: what goes on the
// wire for a message, before the terminating ".\r\n".
var stuffCases = []struct {
	name, msg, wire string
}{
	{"plain", "a\r\nb\r\n", "a\r\nb\r\n"},
	{"dot lines", ".\r\n..\r\n.x\r\nx.\r\n", "..\r\n...\r\n..x\r\nx.\r\n"},
	{"bare LF", "a\nb\n", "a\r\nb\r\n"},
	{"no final line end", "a\r\nb", "a\r\nb\r\n"},
	{"final bare CR", "a\r", "a\r\n"},
	{"CR inside a line", "a\rb\r\n", "a\rb\r\n"},
	{"empty", "", ""},
	{"only dot", ".", "..\r\n"},
}

func TestDotWriter(t *testing.T) {
	for _, c := range stuffCases {
		for _, chunk := range []int{1, 2, 3, 1 << 20} {
			var buf bytes.Buffer
			bw := bufio.NewWriter(&buf)
			dw := newDotWriter(bw)
			for m := c.msg; len(m) > 0; {
				n := min(chunk, len(m))
				dw.Write([]byte(m[:n]))
				m = m[n:]
			}
			dw.Close()
			bw.Flush()
			if got, want := buf.String(), c.wire+".\r\n"; got != want {
				t.Errorf("%s (chunks of %d): %q, want %q", c.name, chunk, got, want)
			}
		}
		// WireSize counts the line ends as sent, not the stuffing.
		unstuffed := strings.ReplaceAll("\n"+c.wire, "\n.", "\n")[1:]
		if got := WireSize([]byte(c.msg)); got != int64(len(unstuffed)) {
			t.Errorf("%s: WireSize %d, want %d", c.name, got, len(unstuffed))
		}
	}
}

func TestCopyTop(t *testing.T) {
	msg := "A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n"
	for n, want := range []string{"A: 1\r\nB: 2\r\n\r\n", "A: 1\r\nB: 2\r\n\r\nl1\r\n", "A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n"} {
		var buf bytes.Buffer
		copyTop(&buf, strings.NewReader(msg), n)
		if buf.String() != want {
			t.Errorf("TOP %d: %q, want %q", n, buf.String(), want)
		}
	}
	// A header line longer than the reader's buffer is not mistaken for
	// the end of the header.
	long := "X: " + strings.Repeat("y", 5000) + "\r\n\r\nbody\r\n"
	var buf bytes.Buffer
	copyTop(&buf, strings.NewReader(long), 0)
	if buf.String() != long[:len(long)-len("body\r\n")] {
		t.Errorf("long header: got %d bytes", buf.Len())
	}
}

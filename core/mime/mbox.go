package mime

import (
	"bytes"
	"regexp"
)

// SplitMbox returns the ranges of the messages in an mbox file (RFC 4155):
// each starts at a "From " line at the start of the input or after a blank
// line, and includes that line (Parse skips it). Input that does not start
// with "From " is one message.
func SplitMbox(b []byte) []Range {
	if !bytes.HasPrefix(b, []byte("From ")) {
		return []Range{{0, len(b)}}
	}
	var out []Range
	start := 0
	i := 0
	for {
		k := bytes.Index(b[i:], []byte("\nFrom "))
		if k < 0 {
			break
		}
		j := i + k + 1 // the "From " line
		i = j
		// RFC 4155 §2: the separator follows an empty line.
		prev := j - 1 // the '\n' ending the previous line
		blank := prev >= 1 && b[prev-1] == '\n' || prev >= 2 && b[prev-1] == '\r' && b[prev-2] == '\n'
		if !blank || !isFromLine(b[j:]) {
			continue
		}
		out = append(out, Range{start, j})
		start = j
	}
	return append(out, Range{start, len(b)})
}

// fromLine matches an RFC 4155 separator: "From ", the envelope sender,
// a timestamp with a time of day.
var fromLine = regexp.MustCompile(`^From [^ \r\n]+ +[^\r\n]*[0-9]:[0-9][0-9]`)

func isFromLine(b []byte) bool {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return fromLine.Match(b)
}

package mime

import (
	"bytes"
	"strings"
)

// uuencode is how files travelled in mail before MIME: a block
//
//	begin 644 name
//	M<61 encoded bytes...>
//	`
//	end
//
// where each line starts with a length character (32 + byte count) and
// carries groups of four characters for three bytes (32 + 6 bits; "`"
// stands for 0). There is no RFC; POSIX specifies the format (uuencode(1)).

// findUU returns the uuencoded blocks in b. Ranges are offsets in b.
func findUU(b []byte) []*Attachment {
	var out []*Attachment
	pos := 0
	for pos < len(b) {
		k := bytes.Index(b[pos:], []byte("begin "))
		if k < 0 {
			break
		}
		k += pos
		if k > 0 && b[k-1] != '\n' && b[k-1] != '\r' {
			pos = k + 6
			continue
		}
		eol, next := lineAt(b, k, len(b))
		mode, name, ok := parseBegin(string(b[k+6 : eol]))
		if !ok {
			pos = next
			continue
		}
		a := &Attachment{Filename: name, Mode: mode}
		var ds diags
		end := decodeUULines(b, next, a, &ds)
		a.Range = Range{k, end}
		a.Diagnostics = ds.done()
		out = append(out, a)
		pos = end
		if pos <= k {
			pos = next
		}
	}
	return out
}

// parseBegin reads "644 name" (the mode is three or four octal digits).
func parseBegin(s string) (mode, name string, ok bool) {
	s = strings.TrimLeft(s, " ")
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '7' {
		i++
	}
	if i < 3 || i > 4 || i >= len(s) || s[i] != ' ' {
		return "", "", false
	}
	name = strings.TrimSpace(s[i+1:])
	if name == "" {
		return "", "", false
	}
	return s[:i], name, true
}

// decodeUULines decodes lines from i until "end" and returns the offset
// after the "end" line (or where decoding stopped).
func decodeUULines(b []byte, i int, a *Attachment, ds *diags) int {
	var data []byte
	sawZero := false
	short, firstShort := 0, 0
	defer func() {
		if short > 0 {
			// Transports strip trailing spaces, and a space encodes zero
			// bits: short lines are expected and decode correctly.
			ds.add(SeverityInfo, CodeUUEncode, firstShort, 0, "",
				"%d uuencoded line(s) shorter than their length character says (trailing spaces lost in transit?); padded with zero bits", short)
		}
	}()
	for i < len(b) {
		eol, next := lineAt(b, i, len(b))
		line := b[i:eol]
		trimmed := bytes.TrimRight(line, " \t")
		if string(trimmed) == "end" {
			a.Data = data
			return next
		}
		if len(trimmed) == 0 {
			i = next
			continue
		}
		if sawZero {
			// After the zero-length line only "end" may follow.
			break
		}
		n := int((line[0] - ' ') & 63)
		if n == 0 {
			sawZero = true
			i = next
			continue
		}
		body := line[1:]
		valid := true
		for _, c := range body {
			if c < ' ' || c > '`' {
				valid = false
				break
			}
		}
		if !valid {
			break
		}
		need := (n + 2) / 3 * 4
		if len(body) < need {
			if short == 0 {
				firstShort = i
			}
			short++
		}
		for g := 0; g*4 < need && n > 0; g++ {
			var q [4]byte
			for j := 0; j < 4; j++ {
				if g*4+j < len(body) {
					q[j] = (body[g*4+j] - ' ') & 63
				}
			}
			t := [3]byte{q[0]<<2 | q[1]>>4, q[1]<<4 | q[2]>>2, q[2]<<6 | q[3]}
			for j := 0; j < 3 && n > 0; j++ {
				data = append(data, t[j])
				n--
			}
		}
		i = next
	}
	a.Data = data
	ds.add(SeverityWarning, CodeUUEncode, i, 0, "", "uuencoded block %q has no \"end\" line", a.Filename)
	return i
}

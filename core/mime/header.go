package mime

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// A Field is one header field as it appears in the input.
type Field struct {
	Name string // as written, e.g. "Content-Type"
	// Value is the unfolded field body (RFC 5322 §2.2.3): line ends of folds
	// removed, leading and trailing white space trimmed. It holds the input
	// bytes, which may not be UTF-8.
	Value string
	// Decoded is Value as UTF-8 text: RFC 2047 encoded words decoded in
	// fields that may carry them, 8-bit bytes converted.
	Decoded string
	// Range locates the field, folded lines and the final line end
	// included, in the part's source.
	Range Range

	// where the parts are in the source, until finishHeader has run
	nameStart, nameEnd, colon, segs int32
}

// Header is a header block's fields in input order.
type Header []Field

// Get returns the first field named name (case-insensitive), or nil.
func (h Header) Get(name string) *Field {
	for i := range h {
		if strings.EqualFold(h[i].Name, name) {
			return &h[i]
		}
	}
	return nil
}

// Value returns the unfolded value of the first field named name, or "".
func (h Header) Value(name string) string {
	if f := h.Get(name); f != nil {
		return f.Value
	}
	return ""
}

// Count returns how many fields are named name.
func (h Header) Count(name string) int {
	n := 0
	for i := range h {
		if strings.EqualFold(h[i].Name, name) {
			n++
		}
	}
	return n
}

// lineAt returns the end of the line starting at i (the index of its line
// end, or end) and the start of the next line. CRLF, bare LF and bare CR
// all end a line.
func lineAt(buf []byte, i, end int) (eol, next int) {
	for j := i; j < end; j++ {
		switch buf[j] {
		case '\n':
			return j, j + 1
		case '\r':
			if j+1 < end && buf[j+1] == '\n' {
				return j, j + 2
			}
			return j, j + 1
		}
	}
	return end, end
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' }

// fieldName returns the end of the field name and the index of the colon
// when buf[i:eol] starts a header field (RFC 5322 §2.2: printable ASCII
// except colon, then the colon; white space before the colon is the
// obsolete syntax of §4.5). ok is false for anything else.
func fieldName(buf []byte, i, eol int) (nameEnd, colon int, ok bool) {
	j := i
	for j < eol {
		c := buf[j]
		if c == ':' || c <= ' ' || c >= 0x7f {
			break
		}
		j++
	}
	nameEnd = j
	for j < eol && isWSP(buf[j]) {
		j++
	}
	if j < eol && buf[j] == ':' {
		return nameEnd, j, true
	}
	return nameEnd, j, false
}

// headerResult is what scanHeader found.
type headerResult struct {
	fields    Header
	header    Range // the fields
	bodyStart int   // first byte after the separator (or of the body when there is none)
	separator bool  // a blank line ended the block
}

// scanHeader splits the header block starting at start. It never fails:
// lines that are not fields end the block (the body starts there) unless
// they look like a broken fold.
func scanHeader(buf []byte, start, end, maxBytes int, ds *diags) headerResult {
	res := headerResult{header: Range{start, start}, bodyStart: end}
	i := start
	cur := -1 // index into res.fields of the field being continued
	var curSegs int
	tooBig := false
	lastEnd := start
	for i < end {
		eol, next := lineAt(buf, i, end)
		if eol == i { // blank line: the separator
			res.separator = true
			res.bodyStart = next
			res.header.End = lastEnd
			if len(res.fields) == 0 {
				res.header.End = res.header.Start
			}
			finishField(buf, &res, cur, curSegs)
			finishHeader(buf, &res)
			return res
		}
		if !tooBig && i-start > maxBytes {
			tooBig = true
			finishField(buf, &res, cur, curSegs)
			cur = -1
			ds.add(SeverityWarning, CodeHeaderTooBig, i, 0, "",
				"header block exceeds %d bytes; the remaining fields are not split out", maxBytes)
		}
		if tooBig {
			lastEnd = next
			i = next
			continue
		}
		if isWSP(buf[i]) {
			if cur >= 0 {
				curSegs++
				res.fields[cur].Range.End = next
				lastEnd = next
				i = next
				continue
			}
			// A header block starting with white space.
			k := i
			for k < eol && isWSP(buf[k]) {
				k++
			}
			if k == eol {
				ds.add(SeverityWarning, CodeLeadingWhitespace, i, next-i, "RFC 5322 §2.2",
					"white-space-only line before the first header field; ignored")
				i = next
				if len(res.fields) == 0 {
					res.header.Start = next
				}
				continue
			}
			if _, _, ok := fieldName(buf, k, eol); ok {
				ds.add(SeverityWarning, CodeLeadingWhitespace, i, k-i, "RFC 5322 §2.2",
					"first header field is indented; read as a field")
				if len(res.fields) == 0 {
					res.header.Start = i
				}
				cur = startField(buf, &res, i, k, eol, next)
				curSegs = 0
				lastEnd = next
				i = next
				continue
			}
			ds.add(SeverityWarning, CodeLeadingWhitespace, i, next-i, "RFC 5322 §2.2",
				"continuation line with no field before it; ignored")
			if len(res.fields) == 0 {
				res.header.Start = next
			}
			i = next
			continue
		}
		if nameEnd, colon, ok := fieldName(buf, i, eol); ok {
			finishField(buf, &res, cur, curSegs)
			cur = startField(buf, &res, i, i, eol, next)
			curSegs = 0
			if colon != nameEnd {
				ds.add(SeverityInfo, CodeHeaderSpaceColon, nameEnd, colon-nameEnd, "RFC 5322 §4.5",
					"white space between the field name and the colon (obsolete syntax, must not be generated)")
			}
			if res.fields[cur].nameStart == res.fields[cur].nameEnd {
				ds.add(SeverityWarning, CodeHeaderBadName, i, eol-i, "RFC 5322 §2.2", "header field with an empty name")
			}
			lastEnd = next
			i = next
			continue
		}
		// Not a field. A broken fold (a parameter continued without the
		// leading white space) when the previous field asks for more or a
		// field follows; otherwise the body starts here without the blank
		// line.
		if cur >= 0 && looksLikeBrokenFold(buf, &res.fields[cur], i, eol, next, end) {
			ds.add(SeverityWarning, CodeHeaderContinuation, i, eol-i, "RFC 5322 §2.2.3",
				"line is neither a field nor folded (no leading white space); read as a continuation of %s", string(buf[res.fields[cur].nameStart:res.fields[cur].nameEnd]))
			curSegs++
			res.fields[cur].Range.End = next
			lastEnd = next
			i = next
			continue
		}
		finishField(buf, &res, cur, curSegs)
		if len(res.fields) == 0 {
			res.header.End = i
			res.header.Start = i
		} else {
			res.header.End = lastEnd
		}
		res.bodyStart = i
		ds.add(SeverityWarning, CodeNoSeparator, i, eol-i, "RFC 5322 §2.1",
			"no blank line between header and body; the body starts at this line")
		finishHeader(buf, &res)
		return res
	}
	// End of input inside the header block.
	finishField(buf, &res, cur, curSegs)
	res.header.End = lastEnd
	if len(res.fields) == 0 {
		res.header.End = res.header.Start
	}
	res.bodyStart = end
	finishHeader(buf, &res)
	return res
}

func looksLikeBrokenFold(buf []byte, f *Field, i, eol, next, end int) bool {
	// The previous field's last non-blank byte.
	prev := f.Range.End - 1
	for prev > f.Range.Start && (buf[prev] == '\n' || buf[prev] == '\r' || isWSP(buf[prev])) {
		prev--
	}
	if buf[prev] == ';' || buf[prev] == ',' {
		return true
	}
	if next >= end {
		return false
	}
	neol, _ := lineAt(buf, next, end)
	if neol == next {
		return false // a blank line follows: this is the body's first line
	}
	if isWSP(buf[next]) {
		return true
	}
	_, _, ok := fieldName(buf, next, neol)
	return ok && bytes.IndexByte(buf[i:eol], '=') >= 0
}

func startField(buf []byte, res *headerResult, lineStart, nameStart, eol, next int) int {
	nameEnd, colon, _ := fieldName(buf, nameStart, eol)
	if res.fields == nil {
		res.fields = make(Header, 0, 4)
	}
	// Name and Value are filled in by finishHeader.
	res.fields = append(res.fields, Field{Range: Range{lineStart, next}, nameStart: int32(nameStart), nameEnd: int32(nameEnd), colon: int32(colon)})
	return len(res.fields) - 1
}

// finishField records how many continuation lines field cur has.
func finishField(buf []byte, res *headerResult, cur, segs int) {
	if cur >= 0 {
		res.fields[cur].segs = int32(segs)
	}
}

// finishHeader fills in the names and unfolded values. The header block is
// converted to one string, and names and single-line values are
// substrings of it: one allocation per header instead of two per field.
func finishHeader(buf []byte, res *headerResult) {
	fs := res.fields
	if len(fs) == 0 {
		return
	}
	lo, hi := fs[0].Range.Start, fs[len(fs)-1].Range.End
	hs := string(buf[lo:hi])
	for i := range fs {
		f := &fs[i]
		f.Name = hs[int(f.nameStart)-lo : int(f.nameEnd)-lo]
		from, to := int(f.colon)+1, f.Range.End
		if f.segs == 0 {
			for to > from && (buf[to-1] == '\n' || buf[to-1] == '\r') {
				to--
			}
			f.Value = strings.Trim(hs[from-lo:to-lo], " \t")
			continue
		}
		var b strings.Builder
		b.Grow(to - from)
		for j := from; j < to; {
			eol, next := lineAt(buf, j, to)
			b.Write(buf[j:eol])
			j = next
		}
		f.Value = strings.Trim(b.String(), " \t")
	}
}

func trimWSP(b []byte) []byte {
	for len(b) > 0 && isWSP(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isWSP(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func has8bit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// noWordDecoding lists structured fields whose bodies may hold "=?" that is
// not an encoded word (RFC 2047 §5 allows encoded words only in text,
// comments and phrases).
var noWordDecoding = map[string]bool{
	"received": true, "dkim-signature": true, "arc-seal": true, "arc-message-signature": true,
	"domainkey-signature": true, "message-id": true, "references": true, "in-reply-to": true,
	"content-id": true, "content-type": true, "content-disposition": true,
	"content-transfer-encoding": true, "date": true, "mime-version": true,
	"authentication-results": true, "arc-authentication-results": true, "return-path": true,
	"list-unsubscribe": true, "list-id": true, "resent-message-id": true,
}

// decodeFields fills Decoded for every field and reports 8-bit bytes and
// undecodable encoded words.
func decodeFields(h Header, ds *diags, utf8Allowed bool) {
	first8, n8 := -1, 0
	allUTF8 := true
	for i := range h {
		f := &h[i]
		v := f.Value
		if has8bit(v) || has8bit(f.Name) {
			if first8 < 0 {
				first8 = i
			}
			n8++
			if utf8.ValidString(v) {
				// RFC 6532 UTF-8 header.
			} else {
				allUTF8 = false
				v = latin1ToUTF8(v)
			}
		}
		if strings.Contains(v, "=?") && !noWordDecoding[strings.ToLower(f.Name)] {
			dec, err := decodeWords(v)
			if err != nil {
				ds.add(SeverityWarning, CodeEncodedWord, f.Range.Start, f.Range.Len(), "RFC 2047 §2",
					"%s: %v", f.Name, err)
			}
			v = dec
		}
		f.Decoded = v
	}
	if first8 >= 0 {
		f := h[first8]
		switch {
		case !allUTF8:
			ds.add(SeverityWarning, CodeHeader8bit, f.Range.Start, f.Range.Len(), "RFC 5322 §2.2",
				"%d header field(s) hold 8-bit bytes that are not UTF-8 (first: %s); read as Windows-1252", n8, f.Name)
		case utf8Allowed:
			// message/global: UTF-8 headers are the point (RFC 6532 §3.7).
		default:
			ds.add(SeverityInfo, CodeHeader8bit, f.Range.Start, f.Range.Len(), "RFC 6532 §3.2",
				"%d header field(s) hold raw UTF-8 (first: %s), legal only with SMTPUTF8 or in message/global", n8, f.Name)
		}
	}
}

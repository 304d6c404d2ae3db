package mime

import (
	"bytes"
	"encoding/binary"
	"io"
	stdmime "mime"
	"net/mail"
	"sort"
	"strings"
	"unicode/utf8"
)

// index8bit returns the index of the first byte >= 0x80 in b, or -1. It
// tests eight bytes at a time: bodies can be megabytes.
func index8bit(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= 0x80 {
			return i
		}
	}
	return -1
}

// lint7bit checks a 7bit or 8bit body against RFC 2045 §2.7 and §2.8.
func lint7bit(part *Part, body []byte, start int, ds *diags) {
	if part.TransferEncoding == enc7bit {
		if i := index8bit(body); i >= 0 {
			declared := "declared"
			if part.Header.Get("Content-Transfer-Encoding") == nil {
				declared = "default"
			}
			ds.add(SeverityWarning, Code8bitIn7bit, start+i, 1, "RFC 2045 §2.7",
				"8-bit byte 0x%02X in a 7bit body (%s); 7bit data is US-ASCII only", body[i], declared)
		}
	}
	if i := bytes.IndexByte(body, 0); i >= 0 {
		ds.add(SeverityWarning, CodeNUL, start+i, 1, "RFC 2045 §2.7",
			"NUL byte in a %s body (only binary may hold NUL)", part.TransferEncoding)
	}
}

// singleFields may occur at most once (RFC 5322 §3.6, the table's max 1).
var singleFields = []string{"Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc",
	"Message-ID", "In-Reply-To", "References", "Subject"}

// addressParser checks address syntax only: it accepts encoded words in
// any charset (charsets are reported elsewhere).
var addressParser = mail.AddressParser{WordDecoder: &stdmime.WordDecoder{
	CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
		if cr, err := charsetReader(cs, r); err == nil {
			return cr, nil
		}
		return r, nil
	},
}}

// lintMessage checks a message node's header (RFC 5322 §3.6, RFC 2045 §4).
func lintMessage(part *Part, kind entityKind, ds *diags) {
	h := part.Header
	at := part.Ranges.Header.Start
	if kind == entityRoot && part.Ranges.Part.Len() == 0 {
		ds.add(SeverityError, CodeMessageEmpty, 0, 0, "RFC 5322 §3.5", "the input is empty")
		return
	}
	if h.Get("From") == nil {
		ds.add(SeverityWarning, CodeNoFrom, at, 0, "RFC 5322 §3.6", "no From field (required)")
	}
	if f := h.Get("Date"); f == nil {
		ds.add(SeverityWarning, CodeNoDate, at, 0, "RFC 5322 §3.6", "no Date field (required)")
	} else if _, err := mail.ParseDate(f.Value); err != nil {
		if _, ok := parseDateLoose(f.Value); ok {
			ds.add(SeverityInfo, CodeBadDate, f.Range.Start, f.Range.Len(), "RFC 5322 §3.3",
				"Date %q is not in RFC 5322 form (read anyway)", f.Value)
		} else {
			ds.add(SeverityWarning, CodeBadDate, f.Range.Start, f.Range.Len(), "RFC 5322 §3.3",
				"Date %q cannot be read", f.Value)
		}
	}
	if f := h.Get("Message-ID"); f == nil {
		ds.add(SeverityInfo, CodeNoMessageID, at, 0, "RFC 5322 §3.6.4", "no Message-ID field (every message SHOULD have one)")
	} else if v := strings.TrimSpace(stripComments(f.Value)); !(strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">") && strings.Contains(v, "@")) {
		ds.add(SeverityInfo, CodeBadMessageID, f.Range.Start, f.Range.Len(), "RFC 5322 §3.6.4",
			"Message-ID %q is not <left@right>", f.Value)
	}
	for _, name := range singleFields {
		if n := h.Count(name); n > 1 {
			f := h.Get(name)
			sev := SeverityWarning
			ds.add(sev, CodeDuplicateField, f.Range.Start, f.Range.Len(), "RFC 5322 §3.6",
				"%d %s fields; at most one is allowed", n, name)
		}
	}
	for _, name := range []string{"From", "Sender", "Reply-To", "To", "Cc", "Bcc"} {
		f := h.Get(name)
		if f == nil || strings.TrimSpace(f.Value) == "" {
			if f != nil && name != "Bcc" {
				ds.add(SeverityWarning, CodeBadAddress, f.Range.Start, f.Range.Len(), "RFC 5322 §3.4",
					"%s is empty", name)
			}
			continue
		}
		v := f.Value
		if has8bit(v) && !utf8.ValidString(v) {
			v = latin1ToUTF8(v) // reported as header-8bit
		}
		list, err := addressParser.ParseList(v)
		if err != nil {
			ds.add(SeverityWarning, CodeBadAddress, f.Range.Start, f.Range.Len(), "RFC 5322 §3.4",
				"%s: cannot read the address list: %v", name, strings.TrimPrefix(err.Error(), "mail: "))
			continue
		}
		if name == "From" && len(list) > 1 && h.Get("Sender") == nil {
			ds.add(SeverityWarning, CodeNoSender, f.Range.Start, f.Range.Len(), "RFC 5322 §3.6.2",
				"From has %d mailboxes but there is no Sender field", len(list))
		}
	}
	hasMIME := false
	for _, f := range h {
		if len(f.Name) > 8 && strings.EqualFold(f.Name[:8], "Content-") {
			hasMIME = true
			break
		}
	}
	if f := h.Get("MIME-Version"); f == nil {
		if hasMIME {
			ds.add(SeverityWarning, CodeNoMIMEVersion, at, 0, "RFC 2045 §4",
				"Content-* fields without MIME-Version: 1.0")
		}
	} else if v := strings.Join(strings.Fields(stripComments(f.Value)), ""); v != "1.0" {
		ds.add(SeverityWarning, CodeMIMEVersion, f.Range.Start, f.Range.Len(), "RFC 2045 §4",
			"MIME-Version is %q; only 1.0 is defined", f.Value)
	}
}

// maxLine is the line length limit of RFC 5322 §2.1.1, line end excluded.
const maxLine = 998

// lintLines scans the input once for line ends and over-long lines and
// files what it finds on the parts where it is.
func lintLines(m *Message) {
	buf := m.Input
	if len(buf) == 0 {
		return
	}
	crlf, lf, bareCR := 0, 0, 0
	firstLF, firstCR := -1, -1
	type long struct{ off, n int }
	var longs []long
	i := 0
	for i < len(buf) {
		k := bytes.IndexByte(buf[i:], '\n')
		pos := len(buf)
		if k >= 0 {
			pos = i + k
			if pos > 0 && buf[pos-1] == '\r' {
				crlf++
			} else {
				lf++
				if firstLF < 0 {
					firstLF = pos
				}
			}
		}
		n := pos - i
		if n > 0 && pos < len(buf) && buf[pos-1] == '\r' {
			n--
		}
		if n > maxLine {
			longs = append(longs, long{i, n})
		}
		// Bare CRs inside the line (the CR of its CRLF excluded). Searched
		// per line rather than with bytes.Count over the input: IndexByte
		// has assembly on every port, Count has none in WebAssembly.
		for j := i; j < i+n; {
			c := bytes.IndexByte(buf[j:i+n], '\r')
			if c < 0 {
				break
			}
			if firstCR < 0 {
				firstCR = j + c
			}
			bareCR++
			j += c + 1
		}
		if k < 0 {
			break
		}
		i = pos + 1
	}
	root := m.Root
	var ds diags
	switch {
	case lf > 0 && crlf == 0:
		ds.add(SeverityInfo, CodeLFOnly, firstLF, 1, "RFC 5322 §2.3",
			"line ends are bare LF throughout (the Unix storage convention); on the wire they must be CRLF")
	case lf > 0:
		ds.add(SeverityWarning, CodeBareLF, firstLF, 1, "RFC 5322 §2.3",
			"%d bare LF line end(s) among %d CRLF", lf, crlf)
	}
	if bareCR > 0 {
		ds.add(SeverityWarning, CodeBareCR, firstCR, 1, "RFC 5322 §2.3",
			"%d bare CR byte(s) (CR not followed by LF)", bareCR)
	}
	root.Diagnostics = append(root.Diagnostics, ds.list...)
	if len(longs) == 0 || (bareCR > 0 && lf == 0 && crlf == 0) {
		return
	}
	type agg struct {
		first       long
		count, most int
	}
	per := map[*Part]*agg{}
	var order []*Part
	for _, l := range longs {
		p := partAt(root, l.off)
		a := per[p]
		if a == nil {
			a = &agg{first: l}
			per[p] = a
			order = append(order, p)
		}
		a.count++
		a.most = max(a.most, l.n)
	}
	for _, p := range order {
		a := per[p]
		var d diags
		d.add(SeverityWarning, CodeLongLine, a.first.off, a.first.n, "RFC 5322 §2.1.1",
			"%d line(s) longer than %d octets (longest: %d)", a.count, maxLine, a.most)
		p.Diagnostics = append(p.Diagnostics, d.list...)
	}
}

// partAt returns the deepest node whose bytes in the input hold off.
// Nodes inside encoded messages do not index the input and are skipped.
func partAt(p *Part, off int) *Part {
	for {
		cs := p.Children
		i := sort.Search(len(cs), func(i int) bool { return cs[i].Ranges.Part.End > off })
		if i == len(cs) || cs[i].Source != nil || cs[i].Ranges.Part.Start > off {
			return p
		}
		p = cs[i]
	}
}

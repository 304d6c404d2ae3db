package mime

import (
	"bytes"
	"strconv"
	"strings"
)

// Parse reads b as an Internet message (RFC 5322) with MIME structure
// (RFC 2045, RFC 2046) and returns its tree. It never fails and never
// panics: whatever b holds, the result is the best tree that can be read
// from it, with Diagnostics on the nodes where something is wrong.
//
// The tree shares memory with b (ranges index it; identity-encoded bodies
// are sub-slices of it): do not modify b while using the result.
func Parse(b []byte, opts ...Option) *Message {
	cfg := config{maxDepth: DefaultMaxDepth, maxParts: DefaultMaxParts, maxHeaderBytes: DefaultMaxHeaderBytes}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.maxDepth <= 0 {
		cfg.maxDepth = DefaultMaxDepth
	}
	if cfg.maxParts <= 0 {
		cfg.maxParts = DefaultMaxParts
	}
	if cfg.maxHeaderBytes <= 0 {
		cfg.maxHeaderBytes = DefaultMaxHeaderBytes
	}
	p := &parser{cfg: cfg}
	root := p.entity(source{buf: b}, 0, len(b), "", 0, "text/plain", entityRoot)
	m := &Message{Root: root, Input: b, Parts: p.parts}
	lintLines(m)
	return m
}

type parser struct {
	cfg   config
	parts int
}

// source is the buffer a part's ranges index and the part that owns it
// (nil for the input).
type source struct {
	buf   []byte
	owner *Part
}

type entityKind int

const (
	entityPart     entityKind = iota // a body part of a multipart
	entityRoot                       // the input
	entityEnclosed                   // the body of message/rfc822
	entityGlobal                     // the body of message/global (UTF-8 headers allowed)
)

func childPath(parent string, i int) string {
	if parent == "" {
		return strconv.Itoa(i)
	}
	b := make([]byte, 0, len(parent)+4)
	b = append(b, parent...)
	b = append(b, '.')
	return string(strconv.AppendInt(b, int64(i), 10))
}

// entity parses the entity in s.buf[start:end].
func (p *parser) entity(s source, start, end int, path string, depth int, defType string, kind entityKind) *Part {
	p.parts++
	buf := s.buf
	part := &Part{
		Path:    path,
		Source:  s.owner,
		Message: kind != entityPart,
		depth:   depth,
		Ranges: Ranges{
			Part:     Range{start, end},
			MboxFrom: noRange,
			Preamble: noRange,
			Epilogue: noRange,
		},
	}
	var ds diags
	pos := start
	if kind != entityPart {
		// An mbox separator: before the input, or before a forwarded
		// message that was saved from a mailbox.
		if bytes.HasPrefix(buf[pos:end], []byte("From ")) {
			_, next := lineAt(buf, pos, end)
			part.Ranges.MboxFrom = Range{pos, next}
			ds.add(SeverityInfo, CodeMboxFrom, pos, next-pos, "RFC 4155 §2",
				"mbox \"From \" separator line before the header; not part of the message")
			pos = next
		}
	}
	if kind == entityRoot {
		// Blank lines before what is plainly a header (a paste).
		k := pos
		for k < end {
			eol, next := lineAt(buf, k, end)
			if eol != k {
				break
			}
			k = next
		}
		if k > pos && k < end {
			eol, _ := lineAt(buf, k, end)
			if _, _, ok := fieldName(buf, k, eol); ok {
				ds.add(SeverityWarning, CodeLeadingBlank, pos, k-pos, "RFC 5322 §2.1",
					"blank line(s) before the header; skipped (read literally, the message would have no header)")
				pos = k
			}
		}
	}
	hr := scanHeader(buf, pos, end, p.cfg.maxHeaderBytes, &ds)
	part.Header = hr.fields
	part.Ranges.Header = hr.header
	part.Ranges.Body = Range{hr.bodyStart, end}
	decodeFields(part.Header, &ds, kind == entityGlobal)
	p.interpret(part, defType, &ds)

	bodyStart := hr.bodyStart
	body := buf[bodyStart:end]
	composite := part.IsMultipart() || isEnclosedType(part.ContentType)
	switch {
	case composite && depth >= p.cfg.maxDepth:
		ds.add(SeverityError, CodeDepthLimit, bodyStart, len(body), "",
			"nesting deeper than %d levels; this %s is not parsed further", p.cfg.maxDepth, part.ContentType)
		part.Body = body
	case part.IsMultipart():
		p.multipart(part, s, bodyStart, end, depth, &ds)
	case isEnclosedType(part.ContentType):
		p.enclosed(part, s, bodyStart, end, depth, &ds)
	default:
		p.leaf(part, s, bodyStart, end, &ds)
	}
	if part.Message {
		lintMessage(part, kind, &ds)
		part.Received = parseReceived(part.Header, &ds)
	}
	part.Diagnostics = ds.done()
	return part
}

// isEnclosedType reports whether parts of type t hold a whole message:
// message/rfc822 (RFC 2046 §5.2.1), message/global (RFC 6532 §3.5) and the
// old message/news (RFC 5537 §4.2 says to send news as message/rfc822).
func isEnclosedType(t string) bool {
	return t == "message/rfc822" || t == "message/global" || t == "message/news"
}

// interpret reads the MIME fields of a part (RFC 2045 §5, §6; RFC 2183).
func (p *parser) interpret(part *Part, defType string, ds *diags) {
	h := part.Header
	part.ContentType = defType

	if f := h.Get("Content-Type"); f != nil {
		t, params := parseParamField(f.Value, f, ds)
		part.Params = params
		if mt, ok := parseMediaType(t, f, ds); ok {
			part.ContentType = mt
		} else {
			// RFC 2045 §5.2: an invalid Content-Type means text/plain.
			part.ContentType = "text/plain"
		}
		if n := h.Count("Content-Type"); n > 1 {
			ds.add(SeverityWarning, CodeDuplicateField, f.Range.Start, f.Range.Len(), "RFC 2045 §5",
				"%d Content-Type fields; the first is used", n)
		}
	}
	part.TransferEncoding = enc7bit
	if f := h.Get("Content-Transfer-Encoding"); f != nil {
		norm, known, misspelled := normalizeEncoding(stripComments(f.Value))
		switch {
		case !known:
			ds.add(SeverityError, CodeEncodingUnknown, f.Range.Start, f.Range.Len(), "RFC 2045 §6.4",
				"unknown Content-Transfer-Encoding %q; body kept undecoded", f.Value)
		case misspelled:
			ds.add(SeverityWarning, CodeEncodingMisspelled, f.Range.Start, f.Range.Len(), "RFC 2045 §6.1",
				"Content-Transfer-Encoding %q is not a valid name; read as %s", f.Value, norm)
		}
		part.TransferEncoding = norm
		if n := h.Count("Content-Transfer-Encoding"); n > 1 {
			ds.add(SeverityWarning, CodeDuplicateField, f.Range.Start, f.Range.Len(), "RFC 2045 §6",
				"%d Content-Transfer-Encoding fields; the first is used", n)
		}
	}
	if f := h.Get("Content-Disposition"); f != nil {
		d, params := parseParamField(f.Value, f, ds)
		part.Disposition = d
		part.DispositionParams = params
		switch d {
		case "inline", "attachment", "form-data":
		case "":
			ds.add(SeverityWarning, CodeDispositionType, f.Range.Start, f.Range.Len(), "RFC 2183 §2",
				"Content-Disposition has no disposition type")
		default:
			ds.add(SeverityInfo, CodeDispositionType, f.Range.Start, f.Range.Len(), "RFC 2183 §2.8",
				"unknown disposition type %q; treat as attachment", d)
		}
		part.Filename = params.Get("filename")
	}
	if part.Filename == "" {
		part.Filename = part.Params.Get("name")
	}
	if strings.HasPrefix(part.ContentType, "text/") {
		part.Charset = normCharset(part.Params.Get("charset"))
	}
	if part.IsMultipart() || isEnclosedType(part.ContentType) {
		if !isIdentity(part.TransferEncoding) && part.ContentType != "message/global" {
			f := h.Get("Content-Transfer-Encoding")
			rfc := "RFC 2045 §6.4"
			if part.ContentType == "message/rfc822" {
				rfc = "RFC 2046 §5.2.1"
			}
			ds.add(SeverityWarning, CodeEncodingComposite, f.Range.Start, f.Range.Len(), rfc,
				"%s must not have Content-Transfer-Encoding %s (only 7bit, 8bit or binary)", part.ContentType, part.TransferEncoding)
		}
	}
}

// decodeBody applies the transfer encoding to s.buf[start:end].
func decodeBody(part *Part, buf []byte, start, end int, ds *diags) []byte {
	body := buf[start:end]
	switch part.TransferEncoding {
	case encBase64:
		return decodeBase64(body, start, ds)
	case encQP:
		return decodeQP(body, start, ds)
	case encUUEncode:
		atts := findUU(body)
		for _, a := range atts {
			a.Range.Start += start
			a.Range.End += start
		}
		part.Attachments = atts
		if len(atts) == 0 {
			ds.add(SeverityError, CodeUUEncode, start, len(body), "",
				"x-uuencode body has no \"begin\" line; body kept undecoded")
			return body
		}
		return atts[0].Data
	}
	return body
}

func (p *parser) leaf(part *Part, s source, start, end int, ds *diags) {
	body := s.buf[start:end]
	part.Body = decodeBody(part, s.buf, start, end, ds)
	if part.TransferEncoding == enc7bit || part.TransferEncoding == enc8bit {
		lint7bit(part, body, start, ds)
	}
	if !isTextual(part.ContentType) {
		return
	}
	cs := part.Charset
	if cs == "" {
		cs = "us-ascii"
		if first8 := index8bit(part.Body); first8 >= 0 && strings.HasPrefix(part.ContentType, "text/") {
			off := start
			if isIdentity(part.TransferEncoding) {
				off = start + first8
			}
			ds.add(SeverityWarning, CodeNoCharset, off, 1, "RFC 2046 §4.1.2",
				"text with 8-bit bytes but no charset parameter (the default is US-ASCII); read as UTF-8 if valid, else Windows-1252")
		}
	}
	if !knownCharset(cs) {
		if r := recoverCharset(cs); r != "" {
			ds.add(SeverityWarning, CodeCharsetUnknown, start, 0, "RFC 2046 §4.1.2",
				"charset %q is not a charset name; read as %s, the name it starts with", cs, r)
			cs = r
			part.Charset = r
		}
	}
	text, unknown, invalid := toUTF8(cs, part.Body)
	part.Text = text
	if part.Charset == "" && strings.HasPrefix(part.ContentType, "text/") {
		part.Charset = "us-ascii"
	}
	if unknown {
		ds.add(SeverityWarning, CodeCharsetUnknown, start, 0, "RFC 2046 §4.1.2",
			"unknown charset %q; text read as UTF-8 if valid, else Windows-1252", part.Charset)
	} else if invalid && part.Params.Get("charset") != "" {
		ds.add(SeverityWarning, CodeCharsetInvalid, start, 0, "RFC 2046 §4.1.2",
			"text is not valid %s; bad bytes replaced with U+FFFD", part.Charset)
	}
	if part.TransferEncoding != encUUEncode && part.ContentType == "text/plain" && bytes.Contains(part.Body, []byte("begin ")) {
		atts := findUU(part.Body)
		if isIdentity(part.TransferEncoding) {
			for _, a := range atts {
				a.Range.Start += start
				a.Range.End += start
			}
		} else {
			for _, a := range atts {
				a.InBody = true
			}
		}
		part.Attachments = atts
	}
}

// isTextual reports whether a leaf's body is text to be shown as such.
func isTextual(t string) bool {
	if strings.HasPrefix(t, "text/") {
		return true
	}
	switch t {
	case "message/delivery-status", "message/disposition-notification", "message/feedback-report",
		"message/global-headers", "message/global-delivery-status", "message/global-disposition-notification",
		"message/rfc822-headers", "message/external-body", "message/partial":
		return true
	}
	return false
}

// enclosed parses the message inside a message/rfc822 or message/global
// part (RFC 2046 §5.2.1, RFC 6532 §3.5): its only child.
func (p *parser) enclosed(part *Part, s source, start, end int, depth int, ds *diags) {
	kind := entityEnclosed
	if part.ContentType == "message/global" {
		kind = entityGlobal
	}
	path := childPath(part.Path, 1)
	var child *Part
	if isIdentity(part.TransferEncoding) {
		part.Body = s.buf[start:end]
		child = p.entity(s, start, end, path, depth+1, "text/plain", kind)
	} else {
		part.Body = decodeBody(part, s.buf, start, end, ds)
		child = p.entity(source{buf: part.Body, owner: part}, 0, len(part.Body), path, depth+1, "text/plain", kind)
	}
	if len(child.Header) == 0 && child.Ranges.Body.Len() == 0 {
		ds.add(SeverityWarning, CodeMessageEmpty, start, end-start, "RFC 2046 §5.2.1",
			"%s part encloses no message", part.ContentType)
	}
	part.Children = []*Part{child}
}

// A delim is one boundary delimiter line found in a multipart body.
type delim struct {
	crlf  int // start of the line end before the delimiter (belongs to it, RFC 2046 §5.1.1)
	start int // the "--"
	next  int // after the line end
	close bool
	junk  bool // text after the delimiter, ignored
}

// findDelims finds the delimiter lines of boundary in buf[start:end]
// (RFC 2046 §5.1.1: "--" boundary, optional "--" for the close delimiter,
// optional transport padding, line end). prefixHits counts lines that
// start with the delimiter followed by something else; firstPrefix is the
// first of them.
func findDelims(buf []byte, start, end int, boundary string) (ds []delim, prefixHits, firstPrefix int) {
	firstPrefix = -1
	if boundary == "" {
		return nil, 0, -1
	}
	pat := make([]byte, 0, len(boundary)+2)
	pat = append(pat, "--"...)
	pat = append(pat, boundary...)
	i := start
	for i < end {
		k := bytes.Index(buf[i:end], pat)
		if k < 0 {
			break
		}
		j := i + k
		i = j + len(pat)
		if j > start && buf[j-1] != '\n' && buf[j-1] != '\r' {
			continue // not at a line start: ordinary text
		}
		e := j + len(pat)
		closeDelim := false
		if e+1 < end && buf[e] == '-' && buf[e+1] == '-' {
			closeDelim = true
			e += 2
		}
		pad := e
		for e < end && isWSP(buf[e]) {
			e++
		}
		if e < end && buf[e] != '\r' && buf[e] != '\n' {
			// Text after the delimiter. RFC 2046 §5.1.1: "it is sufficient
			// that the boundary appear in its entirety following the
			// CRLF", so after white space it is ignored. Right after the
			// boundary ("--b_alt" for boundary "b") it is read as another
			// boundary that extends this one, as nested multiparts
			// generated that way require (and the same section forbids).
			if e > pad {
				_, next := lineAt(buf, e, end)
				ds = append(ds, delim{crlf: crlfBefore(buf, start, j), start: j, next: next, close: closeDelim, junk: true})
				i = next
				continue
			}
			if closeDelim {
				// "--b--junk": still the close delimiter for every reader
				// that matters.
				_, next := lineAt(buf, e, end)
				ds = append(ds, delim{crlf: crlfBefore(buf, start, j), start: j, next: next, close: true})
				i = next
				continue
			}
			if prefixHits == 0 {
				firstPrefix = j
			}
			prefixHits++
			continue
		}
		_, next := lineAt(buf, e, end)
		ds = append(ds, delim{crlf: crlfBefore(buf, start, j), start: j, next: next, close: closeDelim})
		i = next
	}
	return ds, prefixHits, firstPrefix
}

func crlfBefore(buf []byte, start, j int) int {
	if j <= start {
		return j
	}
	if buf[j-1] == '\n' && j-2 >= start && buf[j-2] == '\r' {
		return j - 2
	}
	return j - 1
}

// guessBoundary looks for the first line in buf[start:end] that could be a
// delimiter ("--" and at least one more character) and returns its
// boundary.
func guessBoundary(buf []byte, start, end int) string {
	i := start
	for i < end {
		eol, next := lineAt(buf, i, end)
		line := buf[i:eol]
		if len(line) > 2 && line[0] == '-' && line[1] == '-' {
			b := string(bytes.TrimRight(line[2:], " \t"))
			if b != "" && b != "-" {
				return b
			}
		}
		i = next
	}
	return ""
}

func (p *parser) multipart(part *Part, s source, start, end int, depth int, ds *diags) {
	buf := s.buf
	part.Body = buf[start:end]
	declared := part.Params.Get("boundary")
	ctf := part.Header.Get("Content-Type")
	ctOff, ctLen := start, 0
	if ctf != nil {
		ctOff, ctLen = ctf.Range.Start, ctf.Range.Len()
	}
	boundary := declared
	delims, prefixHits, firstPrefix := findDelims(buf, start, end, boundary)
	if declared == "" {
		ds.add(SeverityError, CodeBoundaryMissing, ctOff, ctLen, "RFC 2046 §5.1.1",
			"%s without a boundary parameter", part.ContentType)
	} else {
		if len(declared) > 70 {
			ds.add(SeverityWarning, CodeBoundaryLong, ctOff, ctLen, "RFC 2046 §5.1.1",
				"boundary is %d characters long; the limit is 70", len(declared))
		}
		if !validBoundary(declared) {
			ds.add(SeverityInfo, CodeBoundaryChars, ctOff, ctLen, "RFC 2046 §5.1.1",
				"boundary %q has characters outside bchars or ends with a space", declared)
		}
	}
	if len(delims) == 0 && declared != "" {
		// A folded or padded boundary parameter.
		for _, v := range []string{strings.TrimSpace(declared), strings.Join(strings.Fields(declared), "")} {
			if v == declared || v == "" {
				continue
			}
			if d, ph, fp := findDelims(buf, start, end, v); len(d) > 0 {
				ds.add(SeverityWarning, CodeBoundaryMismatch, ctOff, ctLen, "RFC 2046 §5.1.1",
					"declared boundary %q never occurs; the body uses %q", declared, v)
				boundary, delims, prefixHits, firstPrefix = v, d, ph, fp
				break
			}
		}
	}
	if len(delims) == 0 {
		if g := guessBoundary(buf, start, end); g != "" {
			d, ph, fp := findDelims(buf, start, end, g)
			if len(d) == 1 && strings.HasSuffix(g, "--") && d[0].close {
				if d2, ph2, fp2 := findDelims(buf, start, end, strings.TrimSuffix(g, "--")); len(d2) > 1 {
					g, d, ph, fp = strings.TrimSuffix(g, "--"), d2, ph2, fp2
				}
			}
			if len(d) > 0 {
				msg := "no boundary declared; the body's first delimiter-like line gives %q"
				args := []any{g}
				if declared != "" {
					msg = "declared boundary %q never occurs; the body's first delimiter-like line gives %q"
					args = []any{declared, g}
				}
				ds.add(SeverityError, CodeBoundaryMismatch, d[0].start, d[0].next-d[0].start, "RFC 2046 §5.1.1", msg, args...)
				boundary, delims, prefixHits, firstPrefix = g, d, ph, fp
			}
		}
	}
	if len(delims) == 0 {
		ds.add(SeverityError, CodeBoundaryNotFound, start, end-start, "RFC 2046 §5.1.1",
			"no boundary delimiter line in the body; the body is kept as one unsplit block")
		return
	}
	if prefixHits > 0 {
		ds.add(SeverityWarning, CodeBoundaryInPart, firstPrefix, len(boundary)+2, "RFC 2046 §5.1.1",
			"%d line(s) inside the parts start with the delimiter \"--%s\" (a nested boundary must not extend an outer one)", prefixHits, boundary)
	}
	for _, d := range delims {
		if d.junk {
			ds.add(SeverityInfo, CodeBoundaryJunk, d.start, d.next-d.start, "RFC 2046 §5.1.1",
				"text after the boundary delimiter; ignored")
		}
	}
	first := delims[0]
	if first.crlf > start {
		part.Ranges.Preamble = Range{start, first.crlf}
	}
	defChild := "text/plain"
	if part.ContentType == "multipart/digest" {
		defChild = "message/rfc822" // RFC 2046 §5.1.5
	}
	n := 0
	closed := false
	part.Ranges.Boundaries = make([]Range, 0, len(delims))
	part.Children = make([]*Part, 0, max(0, min(len(delims), p.cfg.maxParts-p.parts)))
	for i, d := range delims {
		part.Ranges.Boundaries = append(part.Ranges.Boundaries, Range{d.start, d.next})
		if d.close {
			closed = true
			if d.next < end {
				part.Ranges.Epilogue = Range{d.next, end}
			}
			if i+1 < len(delims) {
				nd := delims[i+1]
				ds.add(SeverityWarning, CodeAfterClose, nd.start, nd.next-nd.start, "RFC 2046 §5.1.1",
					"%d delimiter line(s) after the close delimiter; they are part of the epilogue", len(delims)-i-1)
			}
			break
		}
		cStart := d.next
		cEnd := end
		if i+1 < len(delims) {
			cEnd = max(delims[i+1].crlf, cStart)
		}
		if p.parts >= p.cfg.maxParts {
			ds.add(SeverityError, CodePartLimit, cStart, end-cStart, "",
				"more than %d parts; the rest of this multipart is not parsed", p.cfg.maxParts)
			closed = true // do not also report the missing close delimiter
			break
		}
		n++
		part.Children = append(part.Children, p.entity(s, cStart, cEnd, childPath(part.Path, n), depth+1, defChild, entityPart))
	}
	if !closed {
		ds.add(SeverityWarning, CodeCloseMissing, end, 0, "RFC 2046 §5.1.1",
			"no close delimiter \"--%s--\"; the last part runs to the end", boundary)
	}
	if n == 0 && p.parts < p.cfg.maxParts {
		ds.add(SeverityWarning, CodeMultipartEmpty, first.start, first.next-first.start, "RFC 2046 §5.1.1",
			"multipart with no body parts (at least one is required)")
	}
}

// validBoundary checks RFC 2046 §5.1.1's bchars and the no-trailing-space rule.
func validBoundary(b string) bool {
	if b == "" || b[len(b)-1] == ' ' {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("'()+_,-./:=? ", c) >= 0:
		default:
			return false
		}
	}
	return true
}

package mime

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file reads Content-Type and Content-Disposition field bodies
// (RFC 2045 §5.1, RFC 2183 §2, RFC 2231), tolerating what real senders
// write: unquoted values with spaces or tspecials, ";;", raw UTF-8, a
// missing ";" between parameters, a type without subtype.

const tspecials = "()<>@,;:\\\"/[]?= "

type rawParam struct {
	name, value string
	quoted      bool
}

// parseParamField splits v into its leading value (lower case) and its
// parameters. f locates the field for diagnostics.
func parseParamField(v string, f *Field, ds *diags) (string, Params) {
	off, n := f.Range.Start, f.Range.Len()
	head, rest := v, ""
	if i := strings.IndexByte(v, ';'); i >= 0 {
		head, rest = v[:i], v[i+1:]
	}
	head = stripComments(head)
	head = strings.TrimSpace(head)
	// "text/plain charset=us-ascii": a parameter without its ";".
	if k := strings.IndexAny(head, " \t"); k >= 0 && strings.Contains(head[k:], "=") {
		ds.add(SeverityWarning, CodeParamSyntax, off, n, "RFC 2045 §5.1",
			"%s: missing \";\" before parameter %q", f.Name, strings.TrimSpace(head[k:]))
		rest = head[k:] + ";" + rest
		head = head[:k]
	}
	var buf [8]rawParam // most fields have fewer: no allocation
	raws := splitParams(rest, f, ds, buf[:0])
	return strings.ToLower(head), assembleParams(raws, f, ds)
}

// stripComments removes RFC 5322 comments from a field value outside
// quoted strings ("text/plain (plain text)").
func stripComments(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	depth := 0
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted:
			if c == '"' {
				quoted = false
			}
		case c == '"' && depth == 0:
			quoted = true
		case c == '(':
			depth++
			continue
		case c == ')' && depth > 0:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func splitParams(s string, f *Field, ds *diags, out []rawParam) []rawParam {
	off, n := f.Range.Start, f.Range.Len()
	empties := 0
	sloppy := ""
	// Each kind of mistake is reported once per field: hostile input
	// repeats them.
	var seen uint
	once := func(bit uint) bool {
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	}
	const (
		seenJunk = 1 << iota
		seenUnterminated
		seenMissingSemi
		seenAfterQuote
		seenEmpty
		seenBadName
	)
	i := 0
	for i < len(s) {
		// Separators.
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ';') {
			if s[i] == ';' {
				empties++
			}
			i++
		}
		if i >= len(s) {
			break
		}
		// Name.
		j := i
		for j < len(s) && s[j] != '=' && s[j] != ';' {
			j++
		}
		if j >= len(s) || s[j] == ';' {
			junk := strings.TrimSpace(s[i:j])
			if junk != "" && once(seenJunk) {
				ds.add(SeverityWarning, CodeParamSyntax, off, n, "RFC 2045 §5.1",
					"%s: %q is not a parameter (no \"=\"); ignored", f.Name, junk)
			}
			i = j
			continue
		}
		name := strings.ToLower(strings.TrimSpace(s[i:j]))
		i = j + 1
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		p := rawParam{name: name}
		if i < len(s) && s[i] == '"' {
			p.quoted = true
			var k int
			if q := strings.IndexByte(s[i+1:], '"'); q >= 0 && strings.IndexByte(s[i+1:i+1+q], '\\') < 0 {
				// The common case, no quoted-pair: a substring, no copy.
				p.value = s[i+1 : i+1+q]
				k = i + 1 + q + 1
			} else {
				var closed bool
				p.value, k, closed = unquote(s, i+1)
				if !closed && once(seenUnterminated) {
					ds.add(SeverityWarning, CodeParamSyntax, off, n, "RFC 5322 §3.2.4",
						"%s: parameter %s: unterminated quoted string", f.Name, name)
				}
			}
			// Junk after the closing quote, up to the next ";".
			e := k
			for e < len(s) && s[e] != ';' {
				e++
			}
			if junk := strings.TrimSpace(s[k:e]); junk != "" {
				if looksLikeParam(junk) {
					if once(seenMissingSemi) {
						ds.add(SeverityWarning, CodeParamSyntax, off, n, "RFC 2045 §5.1",
							"%s: missing \";\" before %q", f.Name, junk)
					}
					e = k
				} else if once(seenAfterQuote) {
					ds.add(SeverityWarning, CodeParamSyntax, off, n, "RFC 2045 §5.1",
						"%s: parameter %s: %q after the quoted string ignored", f.Name, name, junk)
				}
			}
			i = e
		} else {
			k := i
			for k < len(s) && s[k] != ';' {
				// "a=b c=d": a missing ";" between parameters.
				if (s[k] == ' ' || s[k] == '\t') && looksLikeParam(s[k+1:]) {
					if once(seenMissingSemi) {
						ds.add(SeverityWarning, CodeParamSyntax, off, n, "RFC 2045 §5.1",
							"%s: missing \";\" before %q", f.Name, strings.TrimSpace(s[k:]))
					}
					break
				}
				k++
			}
			p.value = strings.TrimSpace(s[i:k])
			if p.value == "" {
				if once(seenEmpty) {
					ds.add(SeverityWarning, CodeParamSyntax, off, n, "RFC 2045 §5.1",
						"%s: parameter %s has an empty value", f.Name, name)
				}
			} else if sloppy == "" && strings.ContainsAny(p.value, tspecials+"\t") {
				sloppy = name
			}
			i = k
		}
		if !validParamName(name) {
			if once(seenBadName) {
				ds.add(SeverityWarning, CodeParamSyntax, off, n, "RFC 2045 §5.1",
					"%s: bad parameter name %q; ignored", f.Name, name)
			}
			continue
		}
		out = append(out, p)
	}
	if empties > len(out) {
		ds.add(SeverityInfo, CodeParamSyntax, off, n, "RFC 2045 §5.1",
			"%s: empty parameter (\";;\" or a trailing \";\")", f.Name)
	}
	if sloppy != "" {
		ds.add(SeverityInfo, CodeParamSyntax, off, n, "RFC 2045 §5.1",
			"%s: parameter %s has spaces or tspecials but is not quoted", f.Name, sloppy)
	}
	return out
}

// unquote reads a quoted string's content from s[i:] (after the opening
// quote) and returns it, the index after the closing quote and whether
// there was one. It is a quoted-pair (RFC 5322 §3.2.1) only before " and \:
// senders write Windows paths unescaped ("C:\TEMP\a.png"), so like
// Python's email other backslashes stay.
func unquote(s string, i int) (string, int, bool) {
	var b strings.Builder
	for i < len(s) {
		c := s[i]
		if c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
			b.WriteByte(s[i+1])
			i += 2
			continue
		}
		if c == '"' {
			return b.String(), i + 1, true
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), i, false
}

func validParamName(name string) bool {
	return name != "" && !strings.ContainsAny(name, tspecials[:len(tspecials)-2]+"\t ")
}

// looksLikeParam reports whether s starts with "token=".
func looksLikeParam(s string) bool {
	s = strings.TrimLeft(s, " \t")
	i := 0
	for i < len(s) {
		c := s[i]
		if c == '=' {
			return i > 0
		}
		if c <= ' ' || c >= 0x7f || strings.IndexByte(tspecials, c) >= 0 && c != '*' {
			return false
		}
		i++
	}
	return false
}

type section struct {
	n        int
	value    string
	extended bool
}

// assembleParams joins RFC 2231 continuations, decodes RFC 2231 charsets
// and, where senders used them against RFC 2047 §5, encoded words.
func assembleParams(raws []rawParam, f *Field, ds *diags) Params {
	if len(raws) == 0 {
		return nil
	}
	params := make(Params, 0, len(raws))
	off, n := f.Range.Start, f.Range.Len()
	var ext map[string][]section
	var extOrder []string // ext's keys in input order, for a stable result
	dups := 0
	for _, p := range raws {
		star := strings.IndexByte(p.name, '*')
		if star < 0 {
			if params.index(p.name) >= 0 {
				if dups++; dups > 1 {
					continue
				}
				ds.add(SeverityWarning, CodeParamDuplicate, off, n, "RFC 2045 §5.1",
					"%s: parameter %s given twice; the first is used", f.Name, p.name)
				continue
			}
			params = append(params, Param{p.name, plainParamValue(p, f, ds)})
			continue
		}
		base, sfx := p.name[:star], p.name[star+1:]
		s := section{extended: strings.HasSuffix(p.name, "*")}
		if num := strings.TrimSuffix(sfx, "*"); num != "" {
			v, err := strconv.Atoi(num)
			if err != nil || v < 0 || v > 1000 {
				ds.add(SeverityWarning, CodeParam2231, off, n, "RFC 2231 §3",
					"%s: bad continuation number in %q; ignored", f.Name, p.name)
				continue
			}
			s.n = v
		}
		s.value = p.value
		if ext == nil {
			ext = make(map[string][]section)
		}
		if _, ok := ext[base]; !ok {
			extOrder = append(extOrder, base)
		}
		ext[base] = append(ext[base], s)
	}
	for _, base := range extOrder {
		secs := ext[base]
		sort.SliceStable(secs, func(i, j int) bool { return secs[i].n < secs[j].n })
		var raw []byte
		cs := ""
		for i, s := range secs {
			if s.n != i {
				ds.add(SeverityWarning, CodeParam2231, off, n, "RFC 2231 §3",
					"%s: parameter %s: continuation %d missing or repeated", f.Name, base, i)
				if s.n < i {
					continue
				}
			}
			v := s.value
			if s.extended {
				if i == 0 {
					// charset'language'value
					if a := strings.IndexByte(v, '\''); a >= 0 {
						if b := strings.IndexByte(v[a+1:], '\''); b >= 0 {
							cs = v[:a]
							v = v[a+1+b+1:]
						} else {
							ds.add(SeverityWarning, CodeParam2231, off, n, "RFC 2231 §4",
								"%s: parameter %s*: missing the second \"'\" after the charset", f.Name, base)
						}
					} else {
						ds.add(SeverityWarning, CodeParam2231, off, n, "RFC 2231 §4",
							"%s: parameter %s*: no charset'language' prefix", f.Name, base)
					}
				}
				dec, bad := percentDecode(v)
				if bad {
					ds.add(SeverityWarning, CodeParam2231, off, n, "RFC 2231 §4",
						"%s: parameter %s*: bad %%-escape kept as is", f.Name, base)
				}
				raw = append(raw, dec...)
			} else {
				raw = append(raw, v...)
			}
		}
		var val string
		if cs == "" {
			if utf8.Valid(raw) {
				val = string(raw)
			} else {
				val = string(latin1BytesToUTF8(raw))
			}
		} else {
			out, unknown, _ := toUTF8(cs, raw)
			if unknown {
				ds.add(SeverityWarning, CodeCharsetUnknown, off, n, "RFC 2231 §4",
					"%s: parameter %s*: unknown charset %q", f.Name, base, cs)
			}
			val = string(out)
		}
		// RFC 2231 values take precedence over a plain parameter of the
		// same name, which senders add for older readers.
		if i := params.index(base); i >= 0 {
			params[i].Value = val
		} else {
			params = append(params, Param{base, val})
		}
	}
	return params
}

func plainParamValue(p rawParam, f *Field, ds *diags) string {
	v := p.value
	if p.name == "boundary" {
		return v // must stay byte-exact
	}
	if has8bit(v) {
		if utf8.ValidString(v) {
			ds.add(SeverityInfo, CodeHeader8bit, f.Range.Start, f.Range.Len(), "RFC 6532 §3.2",
				"%s: parameter %s holds raw UTF-8", f.Name, p.name)
		} else {
			ds.add(SeverityWarning, CodeHeader8bit, f.Range.Start, f.Range.Len(), "RFC 2045 §5.1",
				"%s: parameter %s holds 8-bit bytes that are not UTF-8; read as Windows-1252", f.Name, p.name)
			v = latin1ToUTF8(v)
		}
	}
	if strings.Contains(v, "=?") {
		dec, err := decodeWords(v)
		if dec != v {
			ds.add(SeverityInfo, CodeEncodedWord, f.Range.Start, f.Range.Len(), "RFC 2047 §5",
				"%s: parameter %s uses RFC 2047 encoded words, which RFC 2047 §5 does not allow in parameters (RFC 2231 is the standard way); decoded anyway", f.Name, p.name)
		}
		if err != nil {
			ds.add(SeverityWarning, CodeEncodedWord, f.Range.Start, f.Range.Len(), "RFC 2047 §2",
				"%s: parameter %s: %v", f.Name, p.name, err)
		}
		v = dec
	}
	return v
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func percentDecode(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	bad := false
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|l)
				i += 2
				continue
			}
		}
		if s[i] == '%' {
			bad = true
		}
		out = append(out, s[i])
	}
	return out, bad
}

// parseMediaType normalizes a media type (RFC 2045 §5.1), reporting
// and repairing what it can. ok is false when the type is unusable and
// the caller must fall back to the default.
func parseMediaType(t string, f *Field, ds *diags) (string, bool) {
	off, n := f.Range.Start, f.Range.Len()
	if t == "" {
		ds.add(SeverityWarning, CodeTypeSyntax, off, n, "RFC 2045 §5.2", "empty Content-Type; the default applies")
		return "", false
	}
	slash := strings.IndexByte(t, '/')
	if slash < 0 {
		switch t {
		case "text":
			ds.add(SeverityWarning, CodeTypeSyntax, off, n, "RFC 2045 §5.1", "Content-Type %q has no subtype; read as text/plain", t)
			return "text/plain", true
		case "multipart":
			ds.add(SeverityWarning, CodeTypeSyntax, off, n, "RFC 2045 §5.1", "Content-Type %q has no subtype; read as multipart/mixed", t)
			return "multipart/mixed", true
		}
		ds.add(SeverityWarning, CodeTypeSyntax, off, n, "RFC 2045 §5.2", "Content-Type %q has no subtype; the default applies", t)
		return "", false
	}
	typ, sub := strings.TrimSpace(t[:slash]), strings.TrimSpace(t[slash+1:])
	if typ == t[:slash] && sub == t[slash+1:] && isToken(typ) && isToken(sub) {
		return t, true // the common case, without a copy
	}
	if typ != t[:slash] || sub != t[slash+1:] {
		ds.add(SeverityInfo, CodeTypeSyntax, off, n, "RFC 2045 §5.1", "white space around \"/\" in Content-Type")
	}
	if !isToken(typ) || !isToken(sub) {
		ds.add(SeverityWarning, CodeTypeSyntax, off, n, "RFC 2045 §5.2", "Content-Type %q is not type/subtype; the default applies", t)
		return "", false
	}
	return typ + "/" + sub, true
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(tspecials, c) >= 0 {
			return false
		}
	}
	return true
}

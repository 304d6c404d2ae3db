package mime

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
	"unicode/utf8"
)

// The JSON model is what the browser and `mailwire mime --json` get:
//
//	{"size": N, "parts": N, "root": node}
//
// Each node has path, contentType, params, disposition, dispositionParams,
// filename, transferEncoding, charset, message, rangesIn, ranges, size,
// sha256 (of the decoded body), textSize (text parts), headers, received
// (message nodes), attachments, diagnostics and children. Ranges are
// [start, end) pairs of byte offsets; diagnostics carry offset and len.
// "rangesIn" says which bytes a node's offsets index: "input", or
// "decoded:<path>" for nodes inside an encoded message/rfc822 whose decoded
// body is the one at <path>. Every header field has name, raw, value,
// decoded, range and, for known fields, meaning and rfc.
//
// The encoder is written out by hand rather than through encoding/json's
// reflection: in WASM it is several times faster, and the browser gets the
// model for every message it opens.

// MarshalJSON encodes the whole tree, hashes included.
func (m *Message) MarshalJSON() ([]byte, error) {
	return m.AppendJSON(nil, true), nil
}

// AppendJSON appends the JSON model to dst. With hashes false the "sha256"
// members are left out: hashing every body is the model's largest cost in
// WASM, and the browser can hash a part with crypto.subtle when it needs to.
func (m *Message) AppendJSON(dst []byte, hashes bool) []byte {
	w := jsonWriter{b: dst, hashes: hashes, m: m}
	w.b = append(w.b, `{"size":`...)
	w.int(len(m.Input))
	w.b = append(w.b, `,"parts":`...)
	w.int(m.Parts)
	w.b = append(w.b, `,"root":`...)
	w.node(m.Root)
	w.b = append(w.b, '}')
	return w.b
}

type jsonWriter struct {
	b      []byte
	hashes bool
	m      *Message
}

func (w *jsonWriter) int(i int) { w.b = strconv.AppendInt(w.b, int64(i), 10) }

// key writes ,"k": (or "k": after an opening brace).
func (w *jsonWriter) key(k string) {
	if c := w.b[len(w.b)-1]; c != '{' && c != '[' {
		w.b = append(w.b, ',')
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

func (w *jsonWriter) str(s string) { w.b = appendJSONString(w.b, s) }

func (w *jsonWriter) strBytes(b []byte) { w.b = appendJSONString(w.b, b) }

func (w *jsonWriter) rng(r Range) {
	w.b = append(w.b, '[')
	w.int(r.Start)
	w.b = append(w.b, ',')
	w.int(r.End)
	w.b = append(w.b, ']')
}

func (w *jsonWriter) optRange(k string, r Range) {
	if r.Valid() {
		w.key(k)
		w.rng(r)
	}
}

func (w *jsonWriter) params(ps Params) {
	w.b = append(w.b, '{')
	for i, p := range ps {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.str(p.Name)
		w.b = append(w.b, ':')
		w.str(p.Value)
	}
	w.b = append(w.b, '}')
}

func (w *jsonWriter) hash(b []byte) {
	if !w.hashes {
		return
	}
	s := sha256.Sum256(b)
	w.key("sha256")
	w.b = append(w.b, '"')
	w.b = hex.AppendEncode(w.b, s[:])
	w.b = append(w.b, '"')
}

func (w *jsonWriter) diagnostics(ds []Diagnostic) {
	w.b = append(w.b, '[')
	for i, d := range ds {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, `{"severity":`...)
		w.str(d.Severity.String())
		w.key("code")
		w.str(d.Code)
		w.key("message")
		w.str(d.Message)
		w.key("offset")
		w.int(d.Offset)
		w.key("len")
		w.int(d.Len)
		if d.RFC != "" {
			w.key("rfc")
			w.str(d.RFC)
		}
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, ']')
}

func (w *jsonWriter) node(p *Part) {
	w.b = append(w.b, `{"path":`...)
	w.str(p.Path)
	w.key("contentType")
	w.str(p.ContentType)
	w.key("params")
	w.params(p.Params)
	w.key("disposition")
	w.str(p.Disposition)
	if len(p.DispositionParams) > 0 {
		w.key("dispositionParams")
		w.params(p.DispositionParams)
	}
	w.key("filename")
	w.str(p.Filename)
	w.key("transferEncoding")
	w.str(p.TransferEncoding)
	if p.Charset != "" {
		w.key("charset")
		w.str(p.Charset)
	}
	if p.Message {
		w.key("message")
		w.b = append(w.b, "true"...)
	}
	w.key("rangesIn")
	if p.Source != nil {
		w.str("decoded:" + p.Source.Path)
	} else {
		w.str("input")
	}
	r := p.Ranges
	w.key("ranges")
	w.b = append(w.b, '{')
	w.key("part")
	w.rng(r.Part)
	w.optRange("mboxFrom", r.MboxFrom)
	w.key("header")
	w.rng(r.Header)
	w.key("body")
	w.rng(r.Body)
	if len(r.Boundaries) > 0 {
		w.key("boundaries")
		w.b = append(w.b, '[')
		for i, b := range r.Boundaries {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.rng(b)
		}
		w.b = append(w.b, ']')
	}
	w.optRange("preamble", r.Preamble)
	w.optRange("epilogue", r.Epilogue)
	w.b = append(w.b, '}')
	w.key("size")
	w.int(len(p.Body))
	w.hash(p.Body)
	if p.Text != nil {
		w.key("textSize")
		w.int(len(p.Text))
	}
	src := w.m.Source(p)
	w.key("headers")
	w.b = append(w.b, '[')
	for i, f := range p.Header {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, `{"name":`...)
		w.str(f.Name)
		w.key("raw")
		w.strBytes(src[f.Range.Start:f.Range.End])
		w.key("value")
		w.str(f.Value)
		w.key("decoded")
		w.str(f.Decoded)
		w.key("range")
		w.rng(f.Range)
		if k := lookupField(f.Name); k != nil {
			w.b = append(w.b, k.json...)
		}
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, ']')
	if len(p.Received) > 0 {
		w.key("received")
		w.b = append(w.b, '[')
		for i, h := range p.Received {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = append(w.b, `{"field":`...)
			w.int(h.Field)
			for _, kv := range [...]struct{ k, v string }{{"from", h.From}, {"by", h.By}, {"via", h.Via},
				{"with", h.With}, {"id", h.ID}, {"for", h.For}} {
				if kv.v != "" {
					w.key(kv.k)
					w.str(kv.v)
				}
			}
			if !h.Date.IsZero() {
				w.key("date")
				w.str(h.Date.Format(time.RFC3339))
			}
			if h.DateText != "" {
				w.key("dateText")
				w.str(h.DateText)
			}
			w.key("delaySeconds")
			if h.HasDelay {
				w.b = strconv.AppendFloat(w.b, h.Delay.Seconds(), 'f', -1, 64)
			} else {
				w.b = append(w.b, "null"...)
			}
			w.b = append(w.b, '}')
		}
		w.b = append(w.b, ']')
	}
	if len(p.Attachments) > 0 {
		w.key("attachments")
		w.b = append(w.b, '[')
		for i, a := range p.Attachments {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = append(w.b, `{"filename":`...)
			w.str(a.Filename)
			w.key("mode")
			w.str(a.Mode)
			w.key("size")
			w.int(len(a.Data))
			w.hash(a.Data)
			w.key("range")
			w.rng(a.Range)
			w.key("rangeIn")
			if a.InBody {
				w.str("body")
			} else {
				w.str("source")
			}
			w.key("diagnostics")
			w.diagnostics(a.Diagnostics)
			w.b = append(w.b, '}')
		}
		w.b = append(w.b, ']')
	}
	w.key("diagnostics")
	w.diagnostics(p.Diagnostics)
	w.key("children")
	w.b = append(w.b, '[')
	for i, c := range p.Children {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.node(c)
	}
	w.b = append(w.b, ']', '}')
}

func hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func appendJSONString[T string | []byte](dst []byte, s T) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight plain bytes at a time: none below 0x20, none 0x80 or
		// above, no '"' or '\\'.
		for i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if needsEscape(x) {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		size := runeLen(s, i)
		if size == 0 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// runeLen returns the length of the valid UTF-8 sequence at s[i] (a byte
// >= 0x80), or 0 when it is not one.
func runeLen[T string | []byte](s T, i int) int {
	cont := func(b byte) bool { return b&0xC0 == 0x80 }
	c, n := s[i], len(s)-i
	switch {
	case c >= 0xC2 && c <= 0xDF:
		if n >= 2 && cont(s[i+1]) {
			return 2
		}
	case c >= 0xE0 && c <= 0xEF:
		if n < 3 || !cont(s[i+1]) || !cont(s[i+2]) ||
			c == 0xE0 && s[i+1] < 0xA0 || c == 0xED && s[i+1] > 0x9F {
			return 0
		}
		return 3
	case c >= 0xF0 && c <= 0xF4:
		if n < 4 || !cont(s[i+1]) || !cont(s[i+2]) || !cont(s[i+3]) ||
			c == 0xF0 && s[i+1] < 0x90 || c == 0xF4 && s[i+1] > 0x8F {
			return 0
		}
		return 4
	}
	return 0
}

// needsEscape reports whether any byte of x is below 0x20, at or above
// 0x80, '"' or '\\' (the classic "has zero byte" bit tricks).
func needsEscape(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	less := (x - lo*0x20) &^ x & hi
	quote := x ^ (lo * '"')
	quote = (quote - lo) &^ quote & hi
	bs := x ^ (lo * '\\')
	bs = (bs - lo) &^ bs & hi
	return (less | quote | bs | x&hi) != 0
}

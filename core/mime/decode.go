package mime

import (
	"bytes"
	"encoding/base64"
	"strings"
)

// Canonical transfer encodings (RFC 2045 §6.1).
const (
	enc7bit      = "7bit"
	enc8bit      = "8bit"
	encBinary    = "binary"
	encQP        = "quoted-printable"
	encBase64    = "base64"
	encUUEncode  = "x-uuencode"
	encUndeclare = ""
)

// normalizeEncoding maps a Content-Transfer-Encoding value to its canonical
// name. misspelled is set for values read by a guess ("7-bit", "8bits",
// "quoted printable", "base-64"); known is false for values Mailwire cannot
// decode, which are treated as binary (RFC 2045 §6.4).
func normalizeEncoding(v string) (norm string, known, misspelled bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case enc7bit, enc8bit, encBinary, encQP, encBase64, encUUEncode:
		return v, true, false
	case "x-uue", "uuencode", "x-uuencoded", "uue":
		return encUUEncode, true, false
	}
	c := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '-', '_', '"', '\'', ';', '.':
			return -1
		}
		return r
	}, v)
	c = strings.TrimSuffix(c, "s")
	switch c {
	case "7bit", "7":
		return enc7bit, true, true
	case "8bit", "8":
		return enc8bit, true, true
	case "binary":
		return encBinary, true, true
	case "quotedprintable", "quotedprint", "qp", "quoted", "quotedprintabl":
		return encQP, true, true
	case "base64", "b64", "base":
		return encBase64, true, true
	case "xuuencode", "uuencode", "xuue", "uue":
		return encUUEncode, true, true
	}
	return v, false, false
}

func isIdentity(enc string) bool {
	switch enc {
	case enc7bit, enc8bit, encBinary, encUndeclare:
		return true
	}
	return false
}

// decodeBase64 decodes a base64 body (RFC 2045 §6.8). The fast path is the
// standard library, which skips line ends; anything else (spaces, stray
// characters, missing or early padding, a dangling character) takes the
// tolerant path, which ignores characters outside the alphabet as §6.8
// says, decodes data after padding instead of dropping it, and reports
// where the input went wrong. off is the offset of src in the part's source.
func decodeBase64(src []byte, off int, ds *diags) []byte {
	dst := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
	n, err := base64.StdEncoding.Decode(dst, src)
	if err == nil {
		return dst[:n]
	}
	if notBase64(src) {
		ds.add(SeverityError, CodeBase64, off, len(src), "RFC 2045 §6.8",
			"declared base64 but the body is not base64 (words separated by spaces, characters outside the alphabet); kept undecoded")
		return src
	}
	return decodeBase64Slow(src, off, ds, dst[:0])
}

// notBase64 reports whether src is plainly something else, such as text
// labelled base64 by mistake: more than one byte in twenty is a space
// inside a line or outside the base64 alphabet.
func notBase64(src []byte) bool {
	odd := 0
	lineStart := true
	for _, c := range src {
		switch {
		case c == '\r' || c == '\n':
			lineStart = true
			continue
		case c == ' ' || c == '\t':
			if !lineStart {
				odd++
			}
			continue
		case !isB64(c) && c != '=':
			odd++
		}
		lineStart = false
	}
	return odd > 8 && odd > len(src)/20
}

func isB64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
}

func decodeBase64Slow(src []byte, off int, ds *diags, out []byte) []byte {
	clean := make([]byte, 0, 4096)
	firstBad, nBad := -1, 0
	firstAfterPad := -1
	firstDangling := -1
	padded := false
	flush := func(at int) {
		if len(clean)%4 == 1 {
			if firstDangling < 0 {
				firstDangling = at
			}
			clean = clean[:len(clean)-1]
		}
		if len(clean) == 0 {
			return
		}
		start := len(out)
		need := base64.RawStdEncoding.DecodedLen(len(clean))
		if cap(out)-start < need {
			grown := make([]byte, start, 2*cap(out)+need)
			copy(grown, out)
			out = grown
		}
		m, _ := base64.RawStdEncoding.Decode(out[start:start+need], clean)
		out = out[:start+m]
		clean = clean[:0]
	}
	for i, c := range src {
		switch {
		case isB64(c):
			if padded && firstAfterPad < 0 {
				firstAfterPad = i
			}
			padded = false
			clean = append(clean, c)
			if len(clean) == cap(clean) && len(clean)%4 == 0 {
				flush(i)
			}
		case c == '=':
			if !padded {
				flush(i)
				padded = true
			}
		case c == '\r' || c == '\n' || c == ' ' || c == '\t':
		default:
			if firstBad < 0 {
				firstBad = i
			}
			nBad++
		}
	}
	rem := len(clean) % 4
	flush(len(src))
	if nBad > 0 {
		ds.add(SeverityWarning, CodeBase64, off+firstBad, 1, "RFC 2045 §6.8",
			"base64 body has %d character(s) outside the base64 alphabet; ignored", nBad)
	}
	if firstAfterPad >= 0 {
		ds.add(SeverityWarning, CodeBase64, off+firstAfterPad, 1, "RFC 2045 §6.8",
			"base64 data continues after \"=\" padding (concatenated encodings?); decoded as well")
	}
	if firstDangling >= 0 {
		ds.add(SeverityError, CodeBase64, off+firstDangling-1, 1, "RFC 2045 §6.8",
			"base64 data ends with a single character that encodes no whole byte; dropped (truncated data?)")
	} else if rem != 0 && !padded {
		ds.add(SeverityInfo, CodeBase64, off+len(src), 0, "RFC 2045 §6.8",
			"base64 body is missing its final \"=\" padding")
	}
	if out == nil {
		out = []byte{}
	}
	return out
}

// decodeQP decodes a quoted-printable body (RFC 2045 §6.7). It is written
// here rather than taken from mime/quotedprintable because that reader stops
// at the first bad escape and cannot say where it was; this one keeps bad
// escapes as literal text and reports their offsets. Line ends are kept as
// they are; trailing white space is deleted (§6.7 rule 3).
func decodeQP(src []byte, off int, ds *diags) []byte {
	out := make([]byte, 0, len(src))
	firstBad, nBad := -1, 0
	i := 0
	for i < len(src) {
		e := bytes.IndexByte(src[i:], '\n')
		next := len(src)
		if e < 0 {
			e = len(src)
		} else {
			e += i
			next = e + 1
		}
		brk := e
		if brk > i && brk < len(src) && src[brk-1] == '\r' {
			brk--
		}
		t := brk
		for t > i && isWSP(src[t-1]) {
			t--
		}
		soft := t > i && src[t-1] == '='
		if soft {
			t--
		}
		// Decode src[i:t].
		run := src[i:t]
		for len(run) > 0 {
			k := bytes.IndexByte(run, '=')
			if k < 0 {
				out = append(out, run...)
				break
			}
			out = append(out, run[:k]...)
			if k+2 < len(run) {
				h, ok1 := unhex(run[k+1])
				l, ok2 := unhex(run[k+2])
				if ok1 && ok2 {
					out = append(out, h<<4|l)
					run = run[k+3:]
					continue
				}
			}
			if firstBad < 0 {
				firstBad = off + t - len(run) + k
			}
			nBad++
			out = append(out, '=')
			run = run[k+1:]
		}
		if !soft {
			out = append(out, src[brk:next]...)
		}
		i = next
	}
	if nBad > 0 {
		ds.add(SeverityWarning, CodeQuotedPrintable, firstBad, 1, "RFC 2045 §6.7",
			"%d \"=\" not followed by two hex digits or a line end; kept as literal \"=\"", nBad)
	}
	return out
}

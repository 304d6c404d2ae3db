package mime

import (
	"bytes"
	"fmt"
	"io"
	stdmime "mime"
	"regexp"
	"strings"
	"unicode/utf8"

	// This is the one place Mailwire pulls in go-message's charset tables
	// (about 1 MiB of WASM): the explorer must show legacy charsets as text.
	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
)

// normCharset lower-cases a charset label and strips the quotes, spaces and
// stray punctuation that sloppy senders leave around it.
func normCharset(cs string) string {
	cs = strings.ToLower(strings.Trim(cs, " \t\"';,"))
	return cs
}

func isUTF8Label(cs string) bool {
	switch cs {
	case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8":
		return true
	}
	return false
}

func isASCIILabel(cs string) bool {
	switch cs {
	case "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us":
		return true
	}
	return false
}

// charsetReader adapts go-message's charset registry to the io.Reader form
// the standard library's mime.WordDecoder wants.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	cs := normCharset(label)
	if isUTF8Label(cs) || isASCIILabel(cs) {
		return r, nil
	}
	return charset.Reader(cs, r)
}

// toUTF8 converts b from charset cs to UTF-8. It returns b itself when no
// conversion is needed. unknown is set when cs is not a known charset; the
// result then is b read as UTF-8 if valid, else as Windows-1252.
func toUTF8(cs string, b []byte) (out []byte, unknown, invalid bool) {
	cs = normCharset(cs)
	if cs == "" || isUTF8Label(cs) || isASCIILabel(cs) {
		if utf8.Valid(b) {
			return b, false, false
		}
		if isUTF8Label(cs) {
			return bytes.ToValidUTF8(b, []byte("\uFFFD")), false, true
		}
		return latin1BytesToUTF8(b), false, true
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		if utf8.Valid(b) {
			return b, true, false
		}
		return latin1BytesToUTF8(b), true, false
	}
	out, err = io.ReadAll(r)
	if err != nil {
		return latin1BytesToUTF8(b), false, true
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
		invalid = true
	}
	return out, false, invalid
}

// knownCharset reports whether cs names a charset the decoder knows.
func knownCharset(cs string) bool {
	cs = normCharset(cs)
	if cs == "" || isUTF8Label(cs) || isASCIILabel(cs) {
		return true
	}
	_, err := charset.Reader(cs, bytes.NewReader(nil))
	return err == nil
}

// latin1BytesToUTF8 reads 8-bit bytes of unknown charset as Windows-1252,
// the superset of ISO 8859-1 that browsers and most mail readers assume.
func latin1BytesToUTF8(b []byte) []byte {
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	return out
}

func latin1ToUTF8(s string) string { return string(latin1BytesToUTF8([]byte(s))) }

var wordDecoder = &stdmime.WordDecoder{CharsetReader: charsetReader}

// decodeWords decodes the RFC 2047 encoded words of a header value. On
// failure it returns what it could and the error; the value is never lost.
func decodeWords(v string) (string, error) {
	dec, err := wordDecoder.DecodeHeader(v)
	if err == nil {
		if !utf8.ValidString(dec) {
			dec = strings.ToValidUTF8(dec, "\uFFFD")
		}
		return dec, nil
	}
	// DecodeHeader gives up on the whole value when one word names an
	// unknown charset: decode word by word instead.
	var b strings.Builder
	var firstErr error
	rest := v
	for {
		i := strings.Index(rest, "=?")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		j := encodedWordEnd(rest, i)
		if j < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		w := rest[i:j]
		d, err := wordDecoder.Decode(w)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("encoded word %q: %w", w, err)
			}
			d = w
		}
		b.WriteString(d)
		rest = rest[j:]
	}
	out := b.String()
	if !utf8.ValidString(out) {
		out = strings.ToValidUTF8(out, "\uFFFD")
	}
	return out, firstErr
}

// encodedWordEnd returns the index after the "?=" closing the encoded word
// starting at i ("=?charset?enc?text?="), or -1.
func encodedWordEnd(s string, i int) int {
	q := 0
	for j := i + 2; j < len(s); j++ {
		if s[j] == '?' {
			q++
			if q == 3 {
				if j+1 < len(s) && s[j+1] == '=' {
					return j + 2
				}
				return -1
			}
		} else if s[j] == ' ' || s[j] == '\t' {
			return -1
		}
	}
	return -1
}

// commonCharset matches the start of the charset names senders use most.
var commonCharset = regexp.MustCompile(`^(utf-8|us-ascii|iso-8859-[0-9]+|windows-125[0-8]|koi8-[ru]|gb2312|gbk|gb18030|big5|shift_jis|euc-jp|euc-kr|iso-2022-jp)`)

// recoverCharset returns the known charset a damaged label starts with
// ("utf-8return-path: ..." from an unterminated quote), or "".
func recoverCharset(cs string) string {
	return commonCharset.FindString(normCharset(cs))
}

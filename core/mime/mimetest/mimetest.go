// Package mimetest generates messages for tests and benchmarks of
// core/mime: the same bytes natively, in WASM and for the postal-mime
// comparison, so throughput figures are comparable.
//
// The generators are deterministic: the same arguments give the same bytes.
package mimetest

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

const header = "From: Alice <alice@example.com>\r\n" +
	"To: Bob <bob@example.net>\r\n" +
	"Subject: Generated test message\r\n" +
	"Date: Mon, 2 Jan 2006 15:04:05 -0700\r\n" +
	"Message-ID: <generated@example.com>\r\n" +
	"MIME-Version: 1.0\r\n"

// Large returns a multipart/mixed message of about size bytes: a text and
// an HTML body, then attachments base64-encoded with 76-character lines
// (the "25 MB with a dozen base64 attachments" benchmark is Large(25<<20, 12)).
func Large(size, attachments int) []byte {
	r := rand.New(rand.NewPCG(1, uint64(size)))
	var b strings.Builder
	b.Grow(size + 4096)
	b.WriteString(header)
	b.WriteString("Content-Type: multipart/mixed; boundary=\"=_large_boundary\"\r\n\r\n")
	b.WriteString("--=_large_boundary\r\nContent-Type: multipart/alternative; boundary=\"=_alt\"\r\n\r\n")
	b.WriteString("--=_alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.WriteString(strings.Repeat("Hello Bob, the files you asked for are attached. Caf=C3=A9 ?\r\n", 20))
	b.WriteString("--=_alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>")
	b.WriteString(strings.Repeat("<p>Hello Bob, the files you asked for are attached.</p>\r\n", 20))
	b.WriteString("</body></html>\r\n--=_alt--\r\n")
	if attachments < 1 {
		attachments = 1
	}
	per := (size - b.Len()) / attachments * 3 / 4 * 76 / 78 // raw bytes per attachment
	if per < 1 {
		per = 1
	}
	raw := make([]byte, per)
	for i := 0; i < attachments; i++ {
		for j := range raw {
			raw[j] = byte(r.Uint32())
		}
		fmt.Fprintf(&b, "--=_large_boundary\r\nContent-Type: application/octet-stream; name=\"file%02d.bin\"\r\n"+
			"Content-Disposition: attachment; filename=\"file%02d.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", i+1, i+1)
		enc := base64.StdEncoding.EncodeToString(raw)
		for len(enc) > 76 {
			b.WriteString(enc[:76])
			b.WriteString("\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc)
		b.WriteString("\r\n")
	}
	b.WriteString("--=_large_boundary--\r\n")
	return []byte(b.String())
}

// ManyParts returns a multipart/mixed message with n small parts, every
// tenth a nested multipart/alternative of two, so the tree has about 1.1n
// nodes.
func ManyParts(n int) []byte {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("Content-Type: multipart/mixed; boundary=\"=_many\"\r\n\r\n")
	for i := 0; i < n; i++ {
		b.WriteString("--=_many\r\n")
		if i%10 == 9 {
			fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=\"=_alt%d\"\r\n\r\n", i)
			fmt.Fprintf(&b, "--=_alt%d\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nPart %d as text.\r\n", i, i)
			fmt.Fprintf(&b, "--=_alt%d\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n<p>Part %d as HTML.</p>\r\n--=_alt%d--\r\n", i, i, i)
			continue
		}
		fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"+
			"Content-Disposition: inline; filename=\"part%d.txt\"\r\n\r\nThis is part number %d. Gr=C3=BC=C3=9Fe.\r\n", i, i)
	}
	b.WriteString("--=_many--\r\n")
	return []byte(b.String())
}

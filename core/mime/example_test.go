package mime_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/mailwire/mailwire/core/mime"
)

func Example() {
	raw := strings.ReplaceAll(`From: Alice <alice@example.com>
To: Bob <bob@example.net>
Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=
Date: Mon, 2 Jan 2006 15:04:05 -0700
Message-ID: <1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Caf=E9
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename*=utf-8''%E2%82%AC.pdf
Content-Transfer-Encoding: base64

JVBERi0=
--b--
`, "\n", "\r\n")
	m := mime.Parse([]byte(raw))
	fmt.Println(m.Root.Header.Get("Subject").Decoded)
	m.Root.Walk(func(p *mime.Part) bool {
		fmt.Printf("%q %s %s %q %d bytes\n", p.Path, p.ContentType, p.TransferEncoding, p.Filename, len(p.Body))
		return true
	})
	fmt.Println(string(m.Find("1").Text))
	for _, d := range m.Diagnostics() {
		fmt.Println(d.Code)
	}
	// Output:
	// Grüße
	// "" multipart/mixed 7bit "" 261 bytes
	// "1" text/plain quoted-printable "" 4 bytes
	// "2" application/pdf base64 "€.pdf" 5 bytes
	// Café
}

func ExampleWriteTree() {
	m := mime.Parse([]byte("Subject: hi\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n--x\r\n\r\nplain\r\n--x\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"))
	mime.WriteTree(os.Stdout, m)
	// Output:
	// Subject:    hi
	// 123 bytes, 3 node(s)
	//
	// (root)  multipart/alternative  59 B
	// │   ! boundary-close-missing: no close delimiter "--x--"; the last part runs to the end  @123  [RFC 2046 §5.1.1]
	// │   ! lint-no-from: no From field (required)  @0  [RFC 5322 §3.6]
	// │   ! lint-no-date: no Date field (required)  @0  [RFC 5322 §3.6]
	// │   i lint-no-message-id: no Message-ID field (every message SHOULD have one)  @0  [RFC 5322 §3.6.4]
	// │   ! lint-no-mime-version: Content-* fields without MIME-Version: 1.0  @0  [RFC 2045 §4]
	// ├── 1  text/plain  5 B
	// └── 2  text/html  13 B
}

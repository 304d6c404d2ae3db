package mime

import (
	"os"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/core/mime/mimetest"
)

// Throughput benchmarks: MB/s is input bytes parsed per second. The same
// generated messages are used by the WASM benchmark in the browser.

func BenchmarkParseCorpus(b *testing.B) {
	files := corpusFiles(b)
	var all [][]byte
	total := 0
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, d)
		total += len(d)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range all {
			Parse(d)
		}
	}
}

func BenchmarkParseLarge25MB(b *testing.B) {
	benchParse(b, mimetest.Large(25<<20, 12))
}

func BenchmarkParse1000Parts(b *testing.B) {
	benchParse(b, mimetest.ManyParts(1000))
}

func benchParse(b *testing.B, msg []byte) {
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(msg)
	}
}

// BenchmarkJSON measures the model the browser gets (it hashes every body).
func BenchmarkJSON(b *testing.B) {
	for _, c := range []struct {
		name string
		msg  []byte
	}{{"Large25MB", mimetest.Large(25<<20, 12)}, {"1000Parts", mimetest.ManyParts(1000)}} {
		for _, hashes := range []bool{true, false} {
			name := c.name
			if !hashes {
				name += "NoHash"
			}
			b.Run(name, func(b *testing.B) {
				m := Parse(c.msg)
				b.SetBytes(int64(len(c.msg)))
				var buf []byte
				for b.Loop() {
					buf = m.AppendJSON(buf[:0], hashes)
				}
			})
		}
	}
}

// BenchmarkPathological runs inputs shaped to provoke quadratic work; their
// MB/s must stay in the range of ordinary messages.
func BenchmarkPathological(b *testing.B) {
	cases := []struct{ name, in string }{
		{"uu-begins", strings.Repeat("begin 644 a\nM"+strings.Repeat("a", 60)+"\n", 20000)},
		{"delimiters", "Content-Type: multipart/mixed; boundary=a\n\n" + strings.Repeat("--a\n", 200000)},
		{"prefix-hits", "Content-Type: multipart/mixed; boundary=a\n\n" + strings.Repeat("--ab\n", 200000)},
		{"nesting", strings.Repeat("Content-Type: multipart/mixed; boundary=a\n\n--a\n", 60) + strings.Repeat("x", 1<<20)},
		{"received", strings.Repeat("Received: from a by b with c id d; Mon, 2 Jan 2006 15:04:05 -0700\n", 20000) + "\n"},
		{"broken-folds", "A: b;\n" + strings.Repeat("x=y\n", 200000)},
		{"params", "Content-Type: text/plain; " + strings.Repeat("a=b ", 100000) + "\n\n"},
		{"encoded-words", "Subject: " + strings.Repeat("=?x-bad?q?a?= ", 100000) + "\n\n"},
		{"long-lines", "Content-Type: multipart/mixed; boundary=a\n\n" + strings.Repeat("--a\n\n"+strings.Repeat("x", 1000)+"\n", 5000)},
		{"base64-padding", "Content-Transfer-Encoding: base64\n\n" + strings.Repeat("a=b=", 500000)},
		{"qp-equals", "Content-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("=", 2000000)},
		{"continuations", "A: b\n" + strings.Repeat(" x\n", 300000) + "\n"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchParse(b, []byte(c.in)) })
	}
}

package mime

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// shape is a compact picture of a tree: "multipart/mixed(text/plain,image/png)".
func shape(p *Part) string {
	if len(p.Children) == 0 {
		return p.ContentType
	}
	var cs []string
	for _, c := range p.Children {
		cs = append(cs, shape(c))
	}
	return p.ContentType + "(" + strings.Join(cs, ",") + ")"
}

func codes(m *Message) []string {
	var out []string
	for _, d := range m.Diagnostics() {
		out = append(out, d.Code)
	}
	return out
}

// crlf turns the readable "\n" of test inputs into CRLF.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

const stdHeader = "From: a@example.com\nTo: b@example.com\nDate: Mon, 2 Jan 2006 15:04:05 -0700\nMessage-ID: <1@example.com>\nSubject: test\nMIME-Version: 1.0\n"

type parseCase struct {
	name  string
	in    string // "\n" becomes CRLF unless raw
	raw   bool
	shape string
	want  []string // diagnostic codes that must be present
	not   []string // diagnostic codes that must be absent
	check func(t *testing.T, m *Message)
}

func runCases(t *testing.T, cases []parseCase, opts ...Option) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			if !c.raw {
				in = crlf(in)
			}
			m := Parse([]byte(in), opts...)
			checkTree(t, c.name, m)
			if c.shape != "" {
				if got := shape(m.Root); got != c.shape {
					t.Errorf("shape = %s, want %s", got, c.shape)
				}
			}
			got := codes(m)
			for _, w := range c.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing diagnostic %s; got %v", w, got)
				}
			}
			for _, w := range c.not {
				if slices.Contains(got, w) {
					t.Errorf("unexpected diagnostic %s", w)
				}
			}
			if c.check != nil {
				c.check(t, m)
			}
			if t.Failed() {
				var b bytes.Buffer
				WriteTree(&b, m)
				t.Log("\n" + b.String())
			}
		})
	}
}

func body(t *testing.T, m *Message, path, want string) {
	t.Helper()
	p := m.Find(path)
	if p == nil {
		t.Fatalf("no part %q", path)
	}
	got := string(p.Body)
	if p.Text != nil {
		got = string(p.Text)
	}
	if got != want {
		t.Errorf("part %q body = %q, want %q", path, got, want)
	}
}

func field(t *testing.T, m *Message, path, name, want string) {
	t.Helper()
	p := m.Find(path)
	if p == nil {
		t.Fatalf("no part %q", path)
	}
	f := p.Header.Get(name)
	if f == nil {
		t.Fatalf("part %q: no %s field", path, name)
	}
	if f.Decoded != want {
		t.Errorf("part %q: %s = %q, want %q", path, name, f.Decoded, want)
	}
}

const alt = stdHeader + "Content-Type: multipart/alternative; boundary=\"b1\"\n\npreamble\n--b1\nContent-Type: text/plain\n\nplain\n--b1\nContent-Type: text/html\n\n<p>html</p>\n--b1--\nepilogue\n"

func TestParseStructure(t *testing.T) {
	runCases(t, []parseCase{
		{name: "simple text", in: stdHeader + "\nhello\n", shape: "text/plain",
			not: []string{CodeNoFrom, CodeNoDate, CodeNoMessageID, CodeNoMIMEVersion},
			check: func(t *testing.T, m *Message) {
				body(t, m, "", "hello\r\n")
				r := m.Root.Ranges
				if got := string(m.Input[r.Header.Start:r.Header.End]); got != crlf(stdHeader) {
					t.Errorf("header range = %q", got)
				}
			}},
		{name: "multipart ranges", in: alt, shape: "multipart/alternative(text/plain,text/html)",
			check: func(t *testing.T, m *Message) {
				r := m.Root.Ranges
				raw := func(x Range) string { return string(m.Input[x.Start:x.End]) }
				if raw(r.Preamble) != "preamble" || raw(r.Epilogue) != "epilogue\r\n" {
					t.Errorf("preamble %q epilogue %q", raw(r.Preamble), raw(r.Epilogue))
				}
				if len(r.Boundaries) != 3 || raw(r.Boundaries[0]) != "--b1\r\n" || raw(r.Boundaries[2]) != "--b1--\r\n" {
					t.Errorf("boundaries %v", r.Boundaries)
				}
				c := m.Find("1")
				if raw(c.Ranges.Part) != "Content-Type: text/plain\r\n\r\nplain" {
					t.Errorf("part 1 = %q", raw(c.Ranges.Part))
				}
				body(t, m, "2", "<p>html</p>")
			}},
		{name: "nested message", in: stdHeader + "Content-Type: multipart/mixed; boundary=x\n\n--x\n\nintro\n--x\nContent-Type: message/rfc822\n\n" + stdHeader + "Content-Type: text/plain; charset=utf-8\n\ninner\n--x--\n",
			shape: "multipart/mixed(text/plain,message/rfc822(text/plain))",
			check: func(t *testing.T, m *Message) {
				in := m.Find("2.1")
				if !in.Message || in.Source != nil {
					t.Errorf("enclosed: Message=%v Source=%v", in.Message, in.Source)
				}
				body(t, m, "2.1", "inner")
				field(t, m, "2.1", "Subject", "test")
			}},
		{name: "base64 message/rfc822", in: stdHeader + "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n" +
			base64.StdEncoding.EncodeToString([]byte(crlf("Subject: inner\nContent-Type: text/plain\n\nhi there\n"))) + "\n",
			shape: "message/rfc822(text/plain)", want: []string{CodeEncodingComposite},
			check: func(t *testing.T, m *Message) {
				in := m.Find("1")
				if in.Source != m.Root {
					t.Fatalf("enclosed Source = %v, want the root", in.Source)
				}
				if got := string(m.Raw(in, in.Header[0].Range)); got != "Subject: inner\r\n" {
					t.Errorf("field raw in decoded body = %q", got)
				}
				body(t, m, "1", "hi there\r\n")
			}},
		{name: "message/global", in: stdHeader + "Content-Type: message/global\n\nSubject: Grüße\n\nbody\n",
			shape: "message/global(text/plain)", not: []string{CodeHeader8bit},
			check: func(t *testing.T, m *Message) { field(t, m, "1", "Subject", "Grüße") }},
		{name: "digest defaults to message/rfc822", in: stdHeader + "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nfirst\n--d\nContent-Type: text/plain\n\nnot a message\n--d--\n",
			shape: "multipart/digest(message/rfc822(text/plain),text/plain)",
			check: func(t *testing.T, m *Message) { field(t, m, "1.1", "Subject", "one") }},
		{name: "empty enclosed message", in: stdHeader + "Content-Type: message/rfc822\n\n", shape: "message/rfc822(text/plain)",
			want: []string{CodeMessageEmpty}},
		{name: "empty input", in: "", shape: "text/plain", want: []string{CodeMessageEmpty}},
		{name: "header only", in: "Subject: x", shape: "text/plain", check: func(t *testing.T, m *Message) {
			field(t, m, "", "Subject", "x")
		}},
	})
}

func TestParseTolerance(t *testing.T) {
	runCases(t, []parseCase{
		{name: "mbox From line", in: "From someone@example.com Mon Jan  2 15:04:05 2006\n" + stdHeader + "\nbody\n",
			shape: "text/plain", want: []string{CodeMboxFrom}, not: []string{CodeNoSeparator},
			check: func(t *testing.T, m *Message) {
				field(t, m, "", "From", "a@example.com")
				if m.Root.Ranges.MboxFrom.Start != 0 {
					t.Errorf("mbox range %v", m.Root.Ranges.MboxFrom)
				}
			}},
		{name: "indented first field", in: " From: a@example.com\nSubject: s\n\nbody\n",
			want: []string{CodeLeadingWhitespace}, not: []string{CodeNoFrom},
			check: func(t *testing.T, m *Message) { field(t, m, "", "From", "a@example.com") }},
		{name: "white space line before header", in: "      \n" + stdHeader + "\nbody\n",
			want: []string{CodeLeadingWhitespace}, not: []string{CodeNoFrom, CodeNoSeparator},
			check: func(t *testing.T, m *Message) { body(t, m, "", "body\r\n") }},
		{name: "blank lines before header", in: "\n\n" + stdHeader + "\nbody\n",
			want: []string{CodeLeadingBlank}, not: []string{CodeNoFrom},
			check: func(t *testing.T, m *Message) { body(t, m, "", "body\r\n") }},
		{name: "no blank line after header", in: "Subject: s\nFrom: a@example.com\nThis is the body.\nMore.\n",
			want:  []string{CodeNoSeparator},
			check: func(t *testing.T, m *Message) { body(t, m, "", "This is the body.\r\nMore.\r\n") }},
		{name: "parameter on a line without fold", in: "Subject: s\nContent-Type: text/plain;\ncharset=utf-8\nFrom: a@example.com\n\nbody\n",
			want: []string{CodeHeaderContinuation},
			check: func(t *testing.T, m *Message) {
				if m.Root.Charset != "utf-8" {
					t.Errorf("charset %q", m.Root.Charset)
				}
			}},
		{name: "space before colon", in: "Subject : obsolete\n\nx\n", want: []string{CodeHeaderSpaceColon},
			check: func(t *testing.T, m *Message) { field(t, m, "", "Subject", "obsolete") }},
		{name: "latin-1 header bytes", in: "Subject: Gr\xfc\xdfe\n\nx\n", want: []string{CodeHeader8bit},
			check: func(t *testing.T, m *Message) {
				field(t, m, "", "Subject", "Grüße")
				if d := m.Root.Diagnostics[0]; d.Severity != SeverityWarning {
					t.Errorf("severity %v", d.Severity)
				}
			}},
		{name: "utf-8 header bytes", in: "Subject: Grüße\n\nx\n", want: []string{CodeHeader8bit},
			check: func(t *testing.T, m *Message) { field(t, m, "", "Subject", "Grüße") }},
		{name: "encoded words", in: "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= =?ISO-8859-1?B?5Q==?=\nFrom: =?utf-8?b?SsO8cmdlbg==?= <j@example.com>\n\nx\n",
			check: func(t *testing.T, m *Message) {
				field(t, m, "", "Subject", "Grüßeå")
				field(t, m, "", "From", "Jürgen <j@example.com>")
			}},
		{name: "encoded word in unknown charset", in: "Subject: =?x-unknown?q?abc?= and =?utf-8?q?d=C3=A9f?=\n\nx\n",
			want:  []string{CodeEncodedWord},
			check: func(t *testing.T, m *Message) { field(t, m, "", "Subject", "=?x-unknown?q?abc?= and déf") }},
		{name: "boundary parameter missing", in: stdHeader + "Content-Type: multipart/mixed\n\n--zz\n\na\n--zz\n\nb\n--zz--\n",
			shape: "multipart/mixed(text/plain,text/plain)", want: []string{CodeBoundaryMissing, CodeBoundaryMismatch}},
		{name: "boundary mismatch", in: stdHeader + "Content-Type: multipart/mixed; boundary=declared\n\n--used\n\na\n--used--\n",
			shape: "multipart/mixed(text/plain)", want: []string{CodeBoundaryMismatch}},
		{name: "folded boundary parameter", in: stdHeader + "Content-Type: multipart/mixed; boundary=\"----=_Part_1\n\t_2\"\n\n------=_Part_1_2\n\na\n------=_Part_1_2--\n",
			shape: "multipart/mixed(text/plain)", want: []string{CodeBoundaryMismatch}},
		{name: "boundary with trailing space in body", in: stdHeader + "Content-Type: multipart/mixed; boundary=b\n\n--b  \n\na\n--b--\t\n",
			shape: "multipart/mixed(text/plain)", not: []string{CodeBoundaryMismatch, CodeCloseMissing}},
		{name: "over-long boundary", in: stdHeader + "Content-Type: multipart/mixed; boundary=" + strings.Repeat("x", 100) + "\n\n--" + strings.Repeat("x", 100) + "\n\na\n--" + strings.Repeat("x", 100) + "--\n",
			shape: "multipart/mixed(text/plain)", want: []string{CodeBoundaryLong}},
		{name: "missing close delimiter", in: stdHeader + "Content-Type: multipart/mixed; boundary=b\n\n--b\n\na\n--b\n\nlast\n",
			shape: "multipart/mixed(text/plain,text/plain)", want: []string{CodeCloseMissing},
			check: func(t *testing.T, m *Message) { body(t, m, "2", "last\r\n") }},
		{name: "boundary not in body", in: stdHeader + "Content-Type: multipart/mixed; boundary=b\n\njust text\n",
			shape: "multipart/mixed", want: []string{CodeBoundaryNotFound}},
		{name: "nested boundary extends outer", in: stdHeader + "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=b2\n\n--b2\n\nx\n--b2--\n--b--\n",
			shape: "multipart/mixed(multipart/alternative(text/plain))", want: []string{CodeBoundaryInPart}},
		{name: "text after delimiter", in: stdHeader + "Content-Type: multipart/mixed; boundary=b\n\n--b ignored text\n\na\n--b-- also ignored\nepilogue\n",
			shape: "multipart/mixed(text/plain)", want: []string{CodeBoundaryJunk}, not: []string{CodeCloseMissing},
			check: func(t *testing.T, m *Message) { body(t, m, "1", "a") }},
		{name: "similar inner boundary", in: stdHeader + "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=b_alt\n\n--b_alt\n\nx\n--b_alt\n\ny\n--b_alt--\n--b\n\nz\n--b--\n",
			shape: "multipart/mixed(multipart/alternative(text/plain,text/plain),text/plain)", want: []string{CodeBoundaryInPart}},
		{name: "delimiter after close", in: stdHeader + "Content-Type: multipart/mixed; boundary=b\n\n--b\n\na\n--b--\n--b\n\nb\n",
			shape: "multipart/mixed(text/plain)", want: []string{CodeAfterClose}},
		{name: "multipart with no parts", in: stdHeader + "Content-Type: multipart/mixed; boundary=b\n\n--b--\n",
			shape: "multipart/mixed", want: []string{CodeMultipartEmpty}},
		{name: "sloppy parameters", in: stdHeader + "Content-Type: application/pdf;; name=My Report (final).pdf;\nContent-Disposition: attachment; filename=My Report (final).pdf\n\nx\n",
			want: []string{CodeParamSyntax},
			check: func(t *testing.T, m *Message) {
				if m.Root.Filename != "My Report (final).pdf" || m.Root.ContentType != "application/pdf" {
					t.Errorf("filename %q type %q", m.Root.Filename, m.Root.ContentType)
				}
			}},
		{name: "raw utf-8 filename", in: stdHeader + "Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"Grüße.txt\"\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.Root.Filename != "Grüße.txt" {
					t.Errorf("filename %q", m.Root.Filename)
				}
			}},
		{name: "missing semicolon", in: stdHeader + "Content-Type: text/plain charset=utf-8 format=flowed\n\nx\n",
			want: []string{CodeParamSyntax},
			check: func(t *testing.T, m *Message) {
				if m.Root.ContentType != "text/plain" || m.Root.Params.Get("charset") != "utf-8" || m.Root.Params.Get("format") != "flowed" {
					t.Errorf("type %q params %v", m.Root.ContentType, m.Root.Params)
				}
			}},
		{name: "no subtype", in: stdHeader + "Content-Type: text; charset=us-ascii\n\nx\n", want: []string{CodeTypeSyntax},
			check: func(t *testing.T, m *Message) {
				if m.Root.ContentType != "text/plain" {
					t.Errorf("type %q", m.Root.ContentType)
				}
			}},
		{name: "invalid type", in: stdHeader + "Content-Type: image\n\nx\n", shape: "text/plain", want: []string{CodeTypeSyntax}},
		{name: "rfc 2231 continuation and charset", in: stdHeader + "Content-Type: application/octet-stream\nContent-Disposition: attachment;\n filename*0*=utf-8''%E2%82%AC%20rates;\n filename*1=\".txt\"\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.Root.Filename != "€ rates.txt" {
					t.Errorf("filename %q", m.Root.Filename)
				}
			}},
		{name: "rfc 2231 latin-1", in: stdHeader + "Content-Type: text/plain; name*=iso-8859-1'de'Gr%FC%DFe.txt\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.Root.Filename != "Grüße.txt" {
					t.Errorf("filename %q", m.Root.Filename)
				}
			}},
		{name: "encoded word in filename", in: stdHeader + "Content-Type: application/pdf; name=\"=?UTF-8?B?R3LDvMOfZS5wZGY=?=\"\n\nx\n",
			want: []string{CodeEncodedWord},
			check: func(t *testing.T, m *Message) {
				if m.Root.Filename != "Grüße.pdf" {
					t.Errorf("filename %q", m.Root.Filename)
				}
			}},
		{name: "duplicate parameter", in: stdHeader + "Content-Type: text/plain; charset=utf-8; charset=iso-8859-1\n\nx\n",
			want: []string{CodeParamDuplicate},
			check: func(t *testing.T, m *Message) {
				if m.Root.Charset != "utf-8" {
					t.Errorf("charset %q", m.Root.Charset)
				}
			}},
		{name: "unterminated quote", in: stdHeader + "Content-Type: text/html; charset=\"UTF-8\n\nx\n", want: []string{CodeParamSyntax},
			check: func(t *testing.T, m *Message) {
				if m.Root.Charset != "utf-8" {
					t.Errorf("charset %q", m.Root.Charset)
				}
			}},
		{name: "charset swallowed the next field", in: "Content-Type: text/html; charset=\"UTF-8Return-Path: x@example.com\n\nx\n",
			want: []string{CodeCharsetUnknown},
			check: func(t *testing.T, m *Message) {
				if m.Root.Charset != "utf-8" {
					t.Errorf("charset %q", m.Root.Charset)
				}
			}},
	})
}

func TestParseEncodings(t *testing.T) {
	leaf := func(cte, body string) string {
		return stdHeader + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: " + cte + "\n\n" + body
	}
	runCases(t, []parseCase{
		{name: "7-bit", in: leaf("7-bit", "abc"), want: []string{CodeEncodingMisspelled},
			check: func(t *testing.T, m *Message) { body(t, m, "", "abc") }},
		{name: "8bits", in: leaf("8bits", "abc"), want: []string{CodeEncodingMisspelled},
			check: func(t *testing.T, m *Message) {
				if m.Root.TransferEncoding != "8bit" {
					t.Errorf("cte %q", m.Root.TransferEncoding)
				}
			}},
		{name: "quoted printable", in: leaf("quoted printable", "caf=C3=A9"), want: []string{CodeEncodingMisspelled},
			check: func(t *testing.T, m *Message) { body(t, m, "", "café") }},
		{name: "base64 with trailing space", in: leaf("base64 ", "aGVsbG8="), not: []string{CodeEncodingMisspelled},
			check: func(t *testing.T, m *Message) { body(t, m, "", "hello") }},
		{name: "upper case", in: leaf("BASE64", "aGVsbG8="), not: []string{CodeEncodingMisspelled},
			check: func(t *testing.T, m *Message) { body(t, m, "", "hello") }},
		{name: "unknown encoding", in: leaf("x-gzip64", "H4sI"), want: []string{CodeEncodingUnknown},
			check: func(t *testing.T, m *Message) { body(t, m, "", "H4sI") }},
		{name: "base64 lines", in: leaf("base64", "aGVs\nbG8g\nd29y\nbGQ=\n"), not: []string{CodeBase64},
			check: func(t *testing.T, m *Message) { body(t, m, "", "hello world") }},
		{name: "base64 junk characters", in: leaf("base64", "aGVs*bG8g\nd29y!bGQ=\n"), want: []string{CodeBase64},
			check: func(t *testing.T, m *Message) {
				body(t, m, "", "hello world")
				d := m.Root.Diagnostics[0]
				if m.Input[d.Offset] != '*' {
					t.Errorf("diagnostic at %q", m.Input[d.Offset])
				}
			}},
		{name: "text labelled base64", in: leaf("base64", "This is plain text, not base64 at all.\nIt has words and spaces.\n"), want: []string{CodeBase64},
			check: func(t *testing.T, m *Message) {
				body(t, m, "", "This is plain text, not base64 at all.\r\nIt has words and spaces.\r\n")
			}},
		{name: "base64 indented", in: leaf("base64", " aGVsbG8g\n d29ybGQ=\n"), not: []string{CodeBase64},
			check: func(t *testing.T, m *Message) { body(t, m, "", "hello world") }},
		{name: "base64 missing padding", in: leaf("base64", "aGVsbG8"), want: []string{CodeBase64},
			check: func(t *testing.T, m *Message) { body(t, m, "", "hello") }},
		{name: "base64 dangling character", in: leaf("base64", "aGVsbG8gd"), want: []string{CodeBase64},
			check: func(t *testing.T, m *Message) { body(t, m, "", "hello ") }},
		{name: "base64 after padding", in: leaf("base64", "aGk=\ndGhlcmU=\n"), want: []string{CodeBase64},
			check: func(t *testing.T, m *Message) { body(t, m, "", "hithere") }},
		{name: "quoted-printable", in: leaf("quoted-printable", "soft=\nbreak =3D end  \ntab\t\nlower=c3=a9"), not: []string{CodeQuotedPrintable},
			check: func(t *testing.T, m *Message) { body(t, m, "", "softbreak = end\r\ntab\r\nloweré") }},
		{name: "quoted-printable bad escape", in: leaf("quoted-printable", "100%=XYdone=\n=4"), want: []string{CodeQuotedPrintable},
			check: func(t *testing.T, m *Message) { body(t, m, "", "100%=XYdone=4") }},
		{name: "unknown charset", in: stdHeader + "Content-Type: text/plain; charset=fakescii\n\nabc\n", want: []string{CodeCharsetUnknown},
			check: func(t *testing.T, m *Message) { body(t, m, "", "abc\r\n") }},
		{name: "latin-1 body", in: stdHeader + "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\ncaf\xe9\n",
			check: func(t *testing.T, m *Message) { body(t, m, "", "café\r\n") }},
		{name: "shift_jis body", in: stdHeader + "Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit\n\n\x93\xfa\x96\x7b\n",
			check: func(t *testing.T, m *Message) { body(t, m, "", "日本\r\n") }},
		{name: "8-bit text without charset", in: stdHeader + "\ncaf\xc3\xa9\n", want: []string{CodeNoCharset, Code8bitIn7bit},
			check: func(t *testing.T, m *Message) { body(t, m, "", "café\r\n") }},
		{name: "invalid utf-8", in: stdHeader + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\na\xffb\n",
			want:  []string{CodeCharsetInvalid},
			check: func(t *testing.T, m *Message) { body(t, m, "", "a\uFFFDb\r\n") }},
		{name: "composite with base64", in: stdHeader + "Content-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: base64\n\n--b\n\nx\n--b--\n",
			shape: "multipart/mixed(text/plain)", want: []string{CodeEncodingComposite}},
	})
}

const uuBlock = "begin 644 hello.txt\n,:&5L;&\\@=V]R;&0*\n`\nend\n"

func TestParseUUEncode(t *testing.T) {
	runCases(t, []parseCase{
		{name: "uuencode in text", in: stdHeader + "\nSee attached.\n" + uuBlock + "Bye.\n",
			shape: "text/plain",
			check: func(t *testing.T, m *Message) {
				as := m.Root.Attachments
				if len(as) != 1 || as[0].Filename != "hello.txt" || string(as[0].Data) != "hello world\n" || as[0].Mode != "644" {
					t.Fatalf("attachments %+v", as)
				}
				if got := string(m.Input[as[0].Range.Start:as[0].Range.End]); got != crlf(uuBlock) {
					t.Errorf("range %q", got)
				}
			}},
		{name: "x-uuencode body", in: stdHeader + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\n" + uuBlock,
			check: func(t *testing.T, m *Message) {
				body(t, m, "", "hello world\n")
				if len(m.Root.Attachments) != 1 {
					t.Errorf("attachments %d", len(m.Root.Attachments))
				}
			}},
		{name: "uuencode without end", in: stdHeader + "\nbegin 644 a.bin\n,:&5L;&\\@=V]R;&0*\n", want: []string{CodeUUEncode}},
		{name: "not uuencode", in: stdHeader + "\nbegin the day\nbegin 999 x\n", check: func(t *testing.T, m *Message) {
			if len(m.Root.Attachments) != 0 {
				t.Errorf("attachments %+v", m.Root.Attachments)
			}
		}},
	})
}

func TestParseLineEnds(t *testing.T) {
	runCases(t, []parseCase{
		{name: "bare LF throughout", in: strings.ReplaceAll(alt, "\r\n", "\n"), raw: true,
			shape: "multipart/alternative(text/plain,text/html)", want: []string{CodeLFOnly}, not: []string{CodeBareLF}},
		{name: "mixed line ends", in: crlf(stdHeader) + "\nline1\nline2\r\n", raw: true, want: []string{CodeBareLF}},
		{name: "bare CR line ends", in: strings.ReplaceAll(alt, "\n", "\r"), raw: true,
			shape: "multipart/alternative(text/plain,text/html)", want: []string{CodeBareCR},
			check: func(t *testing.T, m *Message) { body(t, m, "1", "plain") }},
		{name: "long line", in: stdHeader + "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nshort\n--b\n\n" + strings.Repeat("x", 1200) + "\n--b--\n",
			check: func(t *testing.T, m *Message) {
				if ds := m.Find("2").Diagnostics; len(ds) != 1 || ds[0].Code != CodeLongLine {
					t.Errorf("part 2 diagnostics %v", ds)
				}
			}},
	})
}

func TestParseLint(t *testing.T) {
	runCases(t, []parseCase{
		{name: "missing required fields", in: "Subject: x\n\nbody\n",
			want: []string{CodeNoFrom, CodeNoDate, CodeNoMessageID}},
		{name: "several From without Sender", in: "From: a@example.com, b@example.com\nDate: Mon, 2 Jan 2006 15:04:05 -0700\n\nx\n",
			want: []string{CodeNoSender}},
		{name: "duplicate Subject", in: stdHeader + "Subject: again\n\nx\n", want: []string{CodeDuplicateField}},
		{name: "no MIME-Version", in: "From: a@example.com\nContent-Type: text/plain; charset=utf-8\n\nx\n", want: []string{CodeNoMIMEVersion}},
		{name: "bad MIME-Version", in: "From: a@example.com\nMIME-Version: 2.0\n\nx\n", want: []string{CodeMIMEVersion}},
		{name: "MIME-Version with comment", in: stdHeader[:len(stdHeader)-len("MIME-Version: 1.0\n")] + "MIME-Version: 1.0 (Generated by X)\n\nx\n", not: []string{CodeMIMEVersion}},
		{name: "bad date", in: "From: a@example.com\nDate: yesterday\n\nx\n", want: []string{CodeBadDate}},
		{name: "bad address", in: "From: a@example.com\nTo: just a name\n\nx\n", want: []string{CodeBadAddress}},
		{name: "8-bit in 7bit", in: stdHeader + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\ncafé\n", want: []string{Code8bitIn7bit}},
		{name: "NUL", in: stdHeader + "\na\x00b\n", want: []string{CodeNUL}},
		{name: "good message", in: alt, not: []string{CodeNoFrom, CodeNoDate, CodeNoMessageID, CodeNoMIMEVersion, CodeBadAddress, CodeBadDate}},
	})
}

func TestParseLimits(t *testing.T) {
	deep := func(n int) string {
		var b strings.Builder
		b.WriteString(stdHeader)
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i)
		}
		b.WriteString("\nleaf\n")
		for i := n - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "--b%d--\n", i)
		}
		return b.String()
	}
	many := func(n int) string {
		var b strings.Builder
		b.WriteString(stdHeader + "Content-Type: multipart/mixed; boundary=b\n\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "--b\n\npart %d\n", i)
		}
		b.WriteString("--b--\n")
		return b.String()
	}
	runCases(t, []parseCase{
		{name: "depth 49 is fine", in: deep(49), not: []string{CodeDepthLimit}},
		{name: "depth 80", in: deep(80), want: []string{CodeDepthLimit}, check: func(t *testing.T, m *Message) {
			depth := 0
			m.Root.Walk(func(p *Part) bool { depth = max(depth, strings.Count(p.Path, ".")+1); return true })
			if depth != DefaultMaxDepth {
				t.Errorf("depth %d", depth)
			}
		}},
		{name: "nested messages deep", in: strings.Repeat("Content-Type: message/rfc822\n\n", 100) + "x\n", want: []string{CodeDepthLimit}},
	})
	runCases(t, []parseCase{
		{name: "part limit", in: many(30), want: []string{CodePartLimit}, not: []string{CodeCloseMissing},
			check: func(t *testing.T, m *Message) {
				if m.Parts != 10 {
					t.Errorf("Parts = %d", m.Parts)
				}
			}},
	}, MaxParts(10))
	runCases(t, []parseCase{
		{name: "enclosed message past the part limit", in: stdHeader + "Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: message/rfc822\n\nContent-Type: multipart/mixed; boundary=i\n\n--i\n\na\n--i--\n--o--\n",
			want: []string{CodePartLimit}},
	}, MaxParts(2))
	runCases(t, []parseCase{
		{name: "header limit", in: "Subject: " + strings.Repeat("x", 300) + "\nX-A: 1\nX-B: 2\n\nbody\n", want: []string{CodeHeaderTooBig},
			check: func(t *testing.T, m *Message) {
				body(t, m, "", "body\r\n")
				if len(m.Root.Header) != 1 {
					t.Errorf("fields %d", len(m.Root.Header))
				}
			}},
	}, MaxHeaderBytes(200))
}

func TestReceived(t *testing.T) {
	in := crlf(`Received: from mx.example.org (mx.example.org [192.0.2.2])
	by mail.example.net (Postfix) with ESMTPS id 4AB12
	for <bob@example.net>; Tue, 1 Jan 2019 12:00:30 +0000 (UTC)
Received: from [192.0.2.9] (client.example.com [192.0.2.9])
	by mx.example.org with ESMTPSA id x7;
	Tue, 1 Jan 2019 13:00:00 +0100
Received: by local.example.com (Postfix, from userid 1000) id 99; Tue, 1 Jan 2019 11:59:58 +0000
From: a@example.com

x
`)
	m := Parse([]byte(in))
	hops := m.Root.Received
	if len(hops) != 3 {
		t.Fatalf("%d hops", len(hops))
	}
	h := hops[0]
	if h.By != "local.example.com (Postfix, from userid 1000)" || h.ID != "99" || h.HasDelay {
		t.Errorf("hop 0 %+v", h)
	}
	h = hops[1]
	if h.From != "[192.0.2.9] (client.example.com [192.0.2.9])" || h.By != "mx.example.org" || h.With != "ESMTPSA" || h.Delay.Seconds() != 2 {
		t.Errorf("hop 1 %+v", h)
	}
	h = hops[2]
	if h.For != "<bob@example.net>" || h.With != "ESMTPS" || h.ID != "4AB12" || h.Delay.Seconds() != 30 || h.Field != 0 {
		t.Errorf("hop 2 %+v", h)
	}
}

func TestSplitMbox(t *testing.T) {
	mbox := "From a@x Mon Jan  2 15:04:05 2006\nSubject: 1\n\nFrom the start\n\nFrom b@x Mon Jan  2 15:04:05 2006\nSubject: 2\n\nbody\n"
	rs := SplitMbox([]byte(mbox))
	if len(rs) != 2 {
		t.Fatalf("ranges %v", rs)
	}
	if got := mbox[rs[1].Start:rs[1].End]; !strings.HasPrefix(got, "From b@x") {
		t.Errorf("second message %q", got)
	}
	m := Parse([]byte(mbox[rs[0].Start:rs[0].End]))
	body(t, m, "", "From the start\n\n")
}

func TestLookupField(t *testing.T) {
	for _, name := range []string{"DKIM-Signature", "received", "ARC-Seal", "List-Unsubscribe", "Auto-Submitted", "Authentication-Results", "X-Whatever", "List-Foo"} {
		fi, ok := LookupField(name)
		if !ok || fi.Meaning == "" {
			t.Errorf("%s: no info", name)
		}
	}
	if _, ok := LookupField("Frobnicate"); ok {
		t.Error("unknown field has info")
	}
}

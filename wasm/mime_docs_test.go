package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

const twoMessages = "From alice@example.com Mon Jan  2 15:04:05 2006\r\n" +
	"From: alice@example.com\r\nSubject: one\r\n\r\nfirst\r\n\r\n" +
	"From bob@example.com Mon Jan  2 15:05:05 2006\r\n" +
	"From: bob@example.com\r\nSubject: two\r\n" +
	"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
	"--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9\r\n" +
	"--b\r\nContent-Type: text/plain\r\n\r\nbegin 644 a.txt\r\n#86)C\r\n`\r\nend\r\n" +
	"--b--\r\n"

func TestMIMEDocs(t *testing.T) {
	d := newMIMEDocs()
	msgs := d.load(7, []byte(twoMessages))
	second := strings.Index(twoMessages, "From bob")
	if got, want := rangesJSON(msgs), fmt.Sprintf("[[0,%d],[%d,%d]]", second, second, len(twoMessages)); got != want {
		t.Fatalf("messages %s", got)
	}
	res, err := d.parse(7, 1)
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Size int
		Root struct {
			ContentType string
			Children    []struct{ Path string }
		}
	}
	if err := json.Unmarshal(res.JSON, &model); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(res.JSON, []byte(`"sha256"`)) {
		t.Error("the browser's model has hashes (the page computes the one it shows)")
	}
	if model.Size != len(twoMessages)-second || model.Root.ContentType != "multipart/mixed" || len(model.Root.Children) != 2 {
		t.Fatalf("model %+v", model)
	}
	for _, c := range []struct{ path, kind, want string }{
		{"1", "body", "caf\xe9"},
		{"1", "text", "café"},
		{"2", "att:0", "abc"},
		{"2", "raw", "Content-Type: text/plain\r\n\r\nbegin 644 a.txt\r\n#86)C\r\n`\r\nend"},
		{"", "source", twoMessages[second:]},
	} {
		b, err := d.body(7, 1, c.path, c.kind)
		if err != nil || !bytes.Equal(b, []byte(c.want)) {
			t.Errorf("body(%q, %q) = %q, %v; want %q", c.path, c.kind, b, err, c.want)
		}
	}
	// Asking for a part of another message parses that message.
	if b, err := d.body(7, 0, "", "body"); err != nil || string(b) != "first\r\n\r\n" {
		t.Errorf("message 0 body = %q, %v", b, err)
	}
	for _, c := range []struct {
		id, index  int
		path, kind string
		err        string
	}{
		{8, 0, "", "body", "no document 8"},
		{7, 2, "", "body", "has no message 2"},
		{7, 1, "9", "body", "no part \"9\""},
		{7, 1, "", "text", "has no text"},
		{7, 1, "2", "att:1", "no attachment"},
		{7, 1, "2", "att:x", "no attachment"},
		{7, 1, "2", "zip", "unknown body kind"},
	} {
		if _, err := d.body(c.id, c.index, c.path, c.kind); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("body(%d, %d, %q, %q) error %v, want %q", c.id, c.index, c.path, c.kind, err, c.err)
		}
	}
	d.close(7)
	if _, err := d.parse(7, 0); err == nil {
		t.Error("parse after close succeeded")
	}
}

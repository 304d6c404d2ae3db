package sandbox

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
)

// TestSeeds: every demo message is valid MIME that go-message reads
// without complaint, with CRLF line ends, and together they cover the
// shapes the issue asks for.
func TestSeeds(t *testing.T) {
	seeds := seedMessages("alice", "sandbox.test", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	var types []string
	for _, s := range seeds {
		if bytes.Contains(bytes.ReplaceAll(s.body, []byte("\r\n"), nil), []byte("\n")) {
			t.Errorf("%s seed has a bare LF", s.folder)
		}
		mr, err := mail.CreateReader(bytes.NewReader(s.body))
		if err != nil {
			t.Fatalf("seed in %s: %v", s.folder, err)
		}
		subj, err := mr.Header.Subject()
		if err != nil {
			t.Errorf("subject: %v", err)
		}
		ct, _, _ := mr.Header.ContentType()
		parts := 0
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%q: part: %v", subj, err)
			}
			io.Copy(io.Discard, p.Body)
			parts++
		}
		types = append(types, s.folder+" "+ct+" "+subj)
	}
	got := strings.Join(types, "\n")
	for _, want := range []string{
		"INBOX text/plain Welcome to the Mailwire sandbox",
		"INBOX multipart/alternative Lab notes",
		"INBOX multipart/mixed Diagram attached",
		"INBOX text/plain Café at 5? ☕ お茶をどうぞ",
		"Sent text/plain Re: Lab notes",
		"Drafts text/plain Unfinished thought",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no seed %q in\n%s", want, got)
		}
	}
}

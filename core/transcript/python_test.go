package transcript

import (
	"os"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/core/session"
)

// The debug output of Python's libraries against the peers
// (../shared/peers/transcripts) reads as the same sessions as their
// C:/S: conversions in the golden files.
func TestPython(t *testing.T) {
	for _, tt := range []struct {
		file   string
		proto  session.Proto
		units  int
		probs  int
		golden string
	}{
		{"smtp.txt", session.ProtoSMTP, 26, 0, "smtp-peers-postfix"},
		{"pop3.txt", session.ProtoPOP3, 22, 0, "pop3-peers-dovecot"},
		{"imap.txt", session.ProtoIMAP, 33, 2, ""},
	} {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open("testdata/python/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, probs, err := Parse(f)
			if err != nil || len(probs) != tt.probs {
				t.Fatalf("Parse: %v, problems %q", err, probs)
			}
			if p, _ := Detect(recs); p != tt.proto {
				t.Errorf("Detect = %q, want %q", p, tt.proto)
			}
			evs, err := Dissect(tt.proto, recs)
			if err != nil || len(evs) != tt.units {
				t.Fatalf("Dissect: %v, %d units, want %d", err, len(evs), tt.units)
			}
			for _, e := range evs {
				if len(e.Problems) > 0 {
					t.Errorf("unit %d (%s %q) has problems %q", e.Seq, e.Kind, e.Raw, e.Problems)
				}
				for _, pw := range []string{"alice-pass", "bob-pass"} {
					if strings.Contains(string(e.Raw)+e.Summary+e.Explain, pw) {
						t.Errorf("password in unit %d", e.Seq)
					}
				}
			}
		})
	}
	for in, want := range map[string]string{
		`b'a\r\n'`:         "a\r\n",
		`'x\'y'`:           "x'y",
		`b"\x00\xffz"`:     "\x00\xffz",
		`b'\\\\n'`:         `\\n`,
		`b'\101\0'`:        "A\x00",
		`'unknown \q esc'`: `unknown \q esc`,
	} {
		got, err := pyUnquote(in)
		if err != nil || string(got) != want {
			t.Errorf("pyUnquote(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := pyUnquote(`b'\x4'`); err == nil {
		t.Error("bad \\x escape accepted")
	}
}

package sasl

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/core/explain"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestClient(t *testing.T) {
	tests := []struct {
		name, mech string
		n          int
		msg, chal  string
		summary    string
		display    string // decoded display, "" when none
		secret     string
	}{
		{"plain", "PLAIN", 1, b64("\x00alice\x00alice-pass"), "", `PLAIN authzid="" user="alice" password=********`, "\x00alice\x00********", "alice-pass"},
		{"plain authzid", "plain", 1, b64("admin\x00bob\x00pw!"), "", `PLAIN authzid="admin" user="bob" password=********`, "admin\x00bob\x00********", "pw!"},
		{"plain malformed", "PLAIN", 1, b64("nonuls"), "", "PLAIN message (malformed)", "********", "nonuls"},
		{"login user", "LOGIN", 1, b64("alice"), "Username:", `LOGIN user "alice"`, "", ""},
		{"login pass", "LOGIN", 2, b64("alice-pass"), "Password:", "LOGIN password ********", "********", "alice-pass"},
		{"login pass without prompt", "LOGIN", 2, b64("alice-pass"), "", "LOGIN password ********", "********", "alice-pass"},
		{"cram", "CRAM-MD5", 1, b64("tim b913a602c7eda7a495b4e6e7334d3890"), "", `CRAM-MD5 user "tim" digest b913a602c7eda7a495b4e6e7334d3890`, "", ""},
		{"xoauth2", "XOAUTH2", 1, b64("user=a@b\x01auth=Bearer ya29.tok\x01\x01"), "", `XOAUTH2 user=a@b\x01auth=Bearer ********\x01\x01`, "user=a@b\x01auth=Bearer ********\x01\x01", "ya29.tok"},
		{"unknown", "X-SECRET", 1, b64("whatever"), "", "X-SECRET client message (masked)", "", "whatever"},
		{"cancel", "PLAIN", 1, "*", "", "* (cancel)", "", ""},
		{"empty ir", "PLAIN", 1, "=", "", "PLAIN message (malformed)", "********", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Client(tt.mech, tt.n, tt.msg, tt.chal)
			if m.Summary != tt.summary {
				t.Errorf("summary = %q, want %q", m.Summary, tt.summary)
			}
			if m.Secret != tt.secret {
				t.Errorf("secret = %q, want %q", m.Secret, tt.secret)
			}
			if tt.display != "" {
				d, err := base64.StdEncoding.DecodeString(m.Display)
				if err != nil || string(d) != tt.display {
					t.Errorf("display = %q (%q), want %q", m.Display, d, tt.display)
				}
			}
			if tt.secret != "" {
				all := m.Summary + m.Explain + m.Display
				for _, d := range m.Details {
					all += d.Value + d.Explain
				}
				if strings.Contains(all, tt.secret) {
					t.Errorf("secret %q shown: %q", tt.secret, all)
				}
			}
		})
	}
}

func TestServer(t *testing.T) {
	if m := Server("LOGIN", 1, "VXNlcm5hbWU6"); m.Summary != `challenge "Username:"` {
		t.Errorf("LOGIN challenge: %q", m.Summary)
	}
	if m := Server("PLAIN", 1, ""); m.Summary != "empty challenge" {
		t.Errorf("empty: %q", m.Summary)
	}
	if m := Server("PLAIN", 1, "!!!"); len(m.Problems) == 0 {
		t.Error("bad base64 not flagged")
	}
}

// shown renders everything a Message shows.
func shown(m Message) string {
	s := m.Summary + "|" + m.Explain + "|" + m.Display + "|" + m.RFC + "|" + strings.Join(m.Problems, "|")
	for _, d := range m.Details {
		s += "|" + d.Name + "=" + d.Value + ":" + d.Explain
	}
	return s
}

func FuzzClient(f *testing.F) {
	f.Add("PLAIN", b64("\x00u\x00secret"))
	f.Add("LOGIN", b64("pw"))
	f.Add("XOAUTH2", b64("user=x\x01auth=Bearer tok\x01\x01"))
	f.Fuzz(func(t *testing.T, mech, msg string) {
		for n := 1; n <= 2; n++ {
			m := Client(mech, n, msg, "")
			if m.Display != "" && m.Display != explain.Mask {
				if _, err := base64.StdEncoding.DecodeString(m.Display); err != nil {
					t.Fatalf("display %q is not base64", m.Display)
				}
			}
		}
		Server(mech, 1, msg)
		// What is shown must not depend on the password: the same message
		// with another password shows exactly the same.
		raw, err := base64.StdEncoding.DecodeString(msg)
		if err != nil {
			return
		}
		if p := strings.SplitN(string(raw), "\x00", 3); len(p) == 3 && p[2] != "" {
			other := b64(p[0] + "\x00" + p[1] + "\x00" + "x" + p[2])
			if a, b := shown(Client("PLAIN", 1, msg, "")), shown(Client("PLAIN", 1, other, "")); a != b {
				t.Fatalf("PLAIN shows the password:\n%s\n%s", a, b)
			}
		}
		if len(raw) == 0 {
			return
		}
		if a, b := shown(Client("LOGIN", 2, msg, "Password:")), shown(Client("LOGIN", 2, b64(string(raw)+"x"), "Password:")); a != b {
			t.Fatalf("LOGIN shows the password:\n%s\n%s", a, b)
		}
	})
}

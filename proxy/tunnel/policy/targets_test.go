package policy

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestTargetsCheck(t *testing.T) {
	tg, err := NewTargets(Rules{
		AllowHosts: []string{"imap.example.org", ".example.edu", "*.school.test"},
		DenyHosts:  []string{"bad.example.edu"},
		Exceptions: []string{"127.0.0.1:1025", "[::1]:1143", "Lab.Local:2525"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host    string
		port    int
		exempt  bool
		wantErr string // prefix; "" allows
	}{
		{"imap.example.org", 993, false, ""},
		{"mx.example.edu", 587, false, ""},
		{"a.b.school.test", 465, false, ""},
		{"example.edu", 993, false, "blocked: host is not on the allow list"}, // a suffix matches names below only
		{"imap.example.com", 993, false, "blocked: host is not on the allow list"},
		{"bad.example.edu", 993, false, "blocked: host is on the deny list"},
		{"imap.example.org", 25, false, "blocked: port 25 (SMTP relay)"},
		{"imap.example.org", 8080, false, "blocked: port 8080 is not an allowed mail port"},
		{"127.0.0.1", 1025, true, ""},
		{"::1", 1143, true, ""},
		{"lab.local", 2525, true, ""},
		{"127.0.0.1", 1026, false, "blocked: port 1026"}, // an exception is one host:port, not the host
		{"localhost", 1025, false, "blocked: port 1025"}, // nor another name for it
		{"", 993, false, "bad request"},
		{"imap.example.org", 0, false, "bad request"},
	}
	for _, tc := range tests {
		exempt, err := tg.Check(tc.host, tc.port)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("Check(%s, %d) = %v, want allowed", tc.host, tc.port, err)
		case tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr)):
			t.Errorf("Check(%s, %d) = %v, want %q...", tc.host, tc.port, err, tc.wantErr)
		case exempt != tc.exempt:
			t.Errorf("Check(%s, %d) exempt = %v, want %v", tc.host, tc.port, exempt, tc.exempt)
		}
	}
}

func TestTargetsZeroValue(t *testing.T) {
	var tg Targets
	for _, p := range DefaultPorts {
		if _, err := tg.Check("imap.example.org", p); err != nil {
			t.Errorf("port %d: %v", p, err)
		}
	}
	for _, p := range []int{25, 22, 80, 443, 3306, 6379, 2525} {
		_, err := tg.Check("imap.example.org", p)
		var be *BlockedError
		if !errors.As(err, &be) || be.Key != "port" {
			t.Errorf("port %d: %v, want a port refusal", p, err)
		}
	}
	if !slices.Equal(tg.Ports(), []int{110, 143, 465, 587, 993, 995}) {
		t.Errorf("Ports() = %v", tg.Ports())
	}
	if err := tg.Allow("127.0.0.1:1025"); err != nil {
		t.Fatal(err)
	}
	if ex, err := tg.Check("127.0.0.1", 1025); !ex || err != nil {
		t.Errorf("exception added later: %v %v", ex, err)
	}
}

func TestTargetsPort25(t *testing.T) {
	if _, err := NewTargets(Rules{Ports: []int{25, 587}}); err == nil {
		t.Error("port 25 was enabled by listing it alone")
	}
	tg, err := NewTargets(Rules{AllowPort25: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []int{25, 587, 993} {
		if _, err := tg.Check("mx.example.org", p); err != nil {
			t.Errorf("port %d with AllowPort25: %v", p, err)
		}
	}
	tg, err = NewTargets(Rules{Ports: []int{2525}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tg.Check("mx.example.org", 993); err == nil {
		t.Error("Ports did not replace the default ports")
	}
	if _, err := tg.Check("mx.example.org", 2525); err != nil {
		t.Error(err)
	}
}

func TestTargetsBadRules(t *testing.T) {
	for _, r := range []Rules{
		{Ports: []int{0}},
		{Ports: []int{70000}},
		{AllowHosts: []string{"bad host"}},
		{DenyHosts: []string{"*."}},
		{Exceptions: []string{"nohost"}},
		{Exceptions: []string{"h:0"}},
		{Exceptions: []string{"h:x"}},
		{Exceptions: []string{"fe80::1%eth0:143"}},
	} {
		if _, err := NewTargets(r); err == nil {
			t.Errorf("NewTargets(%+v) accepted", r)
		}
	}
}

func TestNormalizeHost(t *testing.T) {
	for in, want := range map[string]string{
		"IMAP.Example.ORG.":  "imap.example.org",
		"[::1]":              "::1",
		"::FFFF:127.0.0.1":   "::ffff:127.0.0.1",
		"2001:DB8:0:0::1":    "2001:db8::1",
		"mail_1.example.org": "mail_1.example.org",
	} {
		if got, err := NormalizeHost(in); err != nil || got != want {
			t.Errorf("NormalizeHost(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ".", "a..b", "a b", "a/b", "user@host", "fe80::1%eth0", "[::1", strings.Repeat("a", 64) + ".org", strings.Repeat("a.", 127) + "ab"} {
		if got, err := NormalizeHost(bad); err == nil {
			t.Errorf("NormalizeHost(%q) = %q, want an error", bad, got)
		}
	}
}

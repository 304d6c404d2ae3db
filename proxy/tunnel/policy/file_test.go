package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestParseRules(t *testing.T) {
	src := `# class rules
port 993, 995  # IMAP and POP3 over TLS
ports 587,465
allow-host .example.edu imap.example.org
deny-host bad.example.edu
allow 127.0.0.1:1143 [::1]:1110
`
	r, diags := ParseRules(src)
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if !slices.Equal(r.Ports, []int{993, 995, 587, 465}) || r.AllowPort25 ||
		!slices.Equal(r.AllowHosts, []string{".example.edu", "imap.example.org"}) ||
		!slices.Equal(r.DenyHosts, []string{"bad.example.edu"}) ||
		!slices.Equal(r.Exceptions, []string{"127.0.0.1:1143", "[::1]:1110"}) {
		t.Fatalf("rules = %+v", r)
	}
	if _, err := NewTargets(r); err != nil {
		t.Fatal(err)
	}
}

func TestParseRulesDiagnostics(t *testing.T) {
	tests := []struct{ src, want string }{
		{"port 0", "line 1: bad port"},
		{"\nport x", "line 2: bad port"},
		{"allow-host bad/host", "bad host pattern"},
		{"allow nohost", "bad host:port"},
		{"allow-port-25 yes", "takes no value"},
		{"relay everything", `unknown directive "relay"`},
		{"deny-host", "needs at least one value"},
		{"port 25", "port 25 is listed but not enabled"},
	}
	for _, tc := range tests {
		_, diags := ParseRules(tc.src)
		if len(diags) == 0 || !strings.Contains(diags[0].String(), tc.want) {
			t.Errorf("ParseRules(%q) = %v, want %q", tc.src, diags, tc.want)
		}
	}
	// A bad line does not lose the good ones.
	r, diags := ParseRules("deny-host a.test\nbogus\ndeny-host b.test")
	if len(diags) != 1 || !slices.Equal(r.DenyHosts, []string{"a.test", "b.test"}) {
		t.Errorf("got %+v, %v", r, diags)
	}
	r, diags = ParseRules("port 25\nallow-port-25")
	if len(diags) != 0 || !r.AllowPort25 {
		t.Errorf("port 25 with allow-port-25: %+v %v", r, diags)
	}
}

func TestRulesMerge(t *testing.T) {
	a := Rules{Ports: []int{993}, AllowHosts: []string{"a.test"}}
	b := Rules{AllowPort25: true, AllowHosts: []string{"b.test"}, Exceptions: []string{"127.0.0.1:1"}}
	m := a.Merge(b)
	if !slices.Equal(m.Ports, []int{993}) || !m.AllowPort25 || !slices.Equal(m.AllowHosts, []string{"a.test", "b.test"}) || len(m.Exceptions) != 1 {
		t.Errorf("Merge = %+v", m)
	}
	if len(a.AllowHosts) != 1 {
		t.Error("Merge changed its receiver")
	}
}

// FuzzParseRules: any input yields rules or diagnostics, never a panic,
// and rules without diagnostics always build Targets.
func FuzzParseRules(f *testing.F) {
	f.Add("port 993\nallow-host .example.edu\n")
	f.Add("allow [::1]:143 # lab\ndeny-host *.bad.test")
	f.Add("port 25\nallow-port-25")
	f.Fuzz(func(t *testing.T, src string) {
		r, diags := ParseRules(src)
		if len(diags) == 0 {
			if _, err := NewTargets(r); err != nil {
				t.Fatalf("clean rules %+v do not build: %v", r, err)
			}
		}
	})
}

package main

import (
	"bytes"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func parseTunnelFlags(t *testing.T, args ...string) (*tunnelFlagSet, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := tunnelFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	_, err := f.config()
	return f, err
}

func TestTunnelFlags(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f := tunnelFlags(fs)
	err := fs.Parse([]string{"--port", "993,995", "--port", "587", "--allow-port-25", "--allow-host", ".example.edu",
		"--deny-host", "bad.example.edu", "--trust-proxy", "10.0.0.0/8", "--trust-proxy", "127.0.0.1",
		"--max-tunnels", "-1", "--max-session-bytes", "2GiB", "--idle-timeout", "45m", "--origin", "https://mail.example.edu"})
	if err != nil {
		t.Fatal(err)
	}
	tc, err := f.config()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tc.Rules.Ports, []int{993, 995, 587}) || !tc.Rules.AllowPort25 || tc.Rules.AllowHosts[0] != ".example.edu" ||
		tc.Rules.DenyHosts[0] != "bad.example.edu" || len(tc.TrustedProxies) != 2 || tc.TrustedProxies[1].Bits() != 32 ||
		tc.Limits.Total != -1 || tc.Limits.MaxBytes != 2<<30 || tc.Limits.IdleTimeout != 45*time.Minute || tc.Origins[0] != "https://mail.example.edu" {
		t.Errorf("config = %+v", tc)
	}
}

func TestTunnelFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--idle-timeout", "5m"}, "too short"},
		{[]string{"--port", "imap"}, "not a port number"},
		{[]string{"--port", "70000"}, "not a port number"},
		{[]string{"--trust-proxy", "somewhere"}, "not an address or CIDR"},
		{[]string{"--max-session-bytes", "lots"}, "not a size"},
	} {
		_, err := parseTunnelFlags(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, err := parseTunnelFlags(t, "--idle-timeout", "-1s"); err != nil {
		t.Errorf("no idle timeout: %v", err)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "1GiB": 1 << 30, "64KiB": 64 << 10, "1000": 1000, "-1": -1} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "0", "MiB", "1.5GiB", "-2"} {
		if _, err := parseBytes(bad); err == nil {
			t.Errorf("parseBytes(%q) accepted", bad)
		}
	}
}

// TestServeRefusesOpenListen: beyond loopback without tokens, serve does
// not start.
func TestServeRefusesOpenListen(t *testing.T) {
	var out, errb bytes.Buffer
	code := runServe([]string{"--addr", "0.0.0.0:0", "--sandbox=false"}, nil, &out, &errb)
	if code == 0 || !strings.Contains(errb.String(), "needs a token file") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

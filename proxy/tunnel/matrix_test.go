package tunnel

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/proxy/tunnel/policy"
)

const (
	goodToken  = "class-2026a.Hk2m9PzX4wQ7vB3n"
	otherToken = "alice_q8Xf3kV9cJm2Lr7TzW4b"
)

// blockedAddrs holds an address of every blocked class, in the forms an
// attacker would try, with the reason the page must show.
var blockedAddrs = []struct{ addr, reason string }{
	{"127.0.0.1", "blocked: loopback address"},
	{"127.1.2.3", "blocked: loopback address"},
	{"::1", "blocked: loopback address"},
	{"::ffff:127.0.0.1", "blocked: loopback address"},
	{"64:ff9b::7f00:1", "blocked: loopback address"},
	{"10.0.0.1", "blocked: private address"},
	{"172.16.5.4", "blocked: private address"},
	{"192.168.1.1", "blocked: private address"},
	{"::ffff:192.168.1.1", "blocked: private address"},
	{"64:ff9b::a00:1", "blocked: private address"},
	{"fd00::1", "blocked: private address (unique local)"},
	{"169.254.1.1", "blocked: link-local address"},
	{"fe80::1", "blocked: link-local address"},
	{"169.254.169.254", "blocked: cloud metadata address"},
	{"::ffff:169.254.169.254", "blocked: cloud metadata address"},
	{"fd00:ec2::254", "blocked: cloud metadata address"},
	{"100.64.0.1", "blocked: shared address (carrier-grade NAT)"},
	{"224.0.0.251", "blocked: multicast address"},
	{"ff02::1", "blocked: multicast address"},
	{"255.255.255.255", "blocked: broadcast address"},
	{"0.0.0.0", "blocked: unspecified address"},
	{"0.1.2.3", "blocked: unspecified address"},
	{"::", "blocked: unspecified address"},
	{"240.0.0.1", "blocked: reserved address"},
	{"192.0.2.1", "blocked: reserved address"},
	{"198.18.0.1", "blocked: reserved address"},
	{"2001:db8::1", "blocked: reserved address"},
}

type matrixCase struct {
	name       string
	cfg        func(*Config)
	host, port string
	query      []string // extra query parameters, name then value
	protocols  []string
	hdr        http.Header
	status     int // the handshake fails with this HTTP status
	code       int // close code; 0 and no status: the tunnel works
	reason     string
}

func shared(c *Config) {
	t, err := NewTokens(goodToken, otherToken)
	if err != nil {
		panic(err)
	}
	c.Tokens = t
}

func origin(o string, host ...string) http.Header {
	h := http.Header{"Origin": {o}}
	if len(host) > 0 {
		h.Set("Host", host[0])
	}
	return h
}

func matrixCases() []matrixCase {
	allowed := []matrixCase{
		{name: "public name", host: "mx.example.test", port: "993"},
		{name: "public IPv4", host: publicIP, port: "465"},
		{name: "public IPv6", host: "2001:4860:4860::8888", port: "587"},
		{name: "public IPv6 name", host: "v6.example.test", port: "995"},
		{name: "NAT64 of a public address", host: "64:ff9b::808:808", port: "143"},
		{name: "IPv4-mapped public address", host: "::ffff:8.8.8.8", port: "110"},
		{name: "upper case, trailing dot", host: "MX.Example.TEST.", port: "993"},
		{name: "port 25 when enabled", host: "mx.example.test", port: "25",
			cfg: func(c *Config) { c.Targets, _ = policy.NewTargets(policy.Rules{AllowPort25: true}) }},
		{name: "allow-listed host", host: "mx.example.test", port: "993",
			cfg: func(c *Config) { c.Targets, _ = policy.NewTargets(policy.Rules{AllowHosts: []string{".example.test"}}) }},
		{name: "same loopback origin", host: "mx.example.test", port: "993", hdr: origin("http://localhost:8025", "localhost:8025")},
		{name: "listed origin", host: "mx.example.test", port: "993", hdr: origin("https://mail.example.edu"),
			cfg: func(c *Config) { c.Origins = []string{"https://mail.example.edu/"} }},
		{name: "token in query", cfg: shared, host: "mx.example.test", port: "993", query: []string{"token", goodToken}},
		{name: "token as subprotocol", cfg: shared, host: "mx.example.test", port: "993", protocols: []string{"binary", TokenProtocolPrefix + otherToken}},
		{name: "shared mode, same non-loopback origin", cfg: shared, host: "mx.example.test", port: "993",
			query: []string{"token", goodToken}, hdr: origin("https://mail.example.edu", "mail.example.edu")},
		{name: "trusted proxy forwards", host: "mx.example.test", port: "993", hdr: http.Header{"X-Forwarded-For": {"203.0.113.9"}},
			query: []string{"token", goodToken},
			cfg:   func(c *Config) { shared(c); c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} }},
	}
	refused := []matrixCase{
		{name: "port 25", host: "mx.example.test", port: "25", code: ClosePolicy, reason: "blocked: port 25 (SMTP relay) is not allowed"},
		{name: "port 22", host: "mx.example.test", port: "22", code: ClosePolicy, reason: "blocked: port 22 is not an allowed mail port"},
		{name: "port 80", host: publicIP, port: "80", code: ClosePolicy, reason: "blocked: port 80 is not an allowed mail port"},
		{name: "denied host", host: "mx.example.test", port: "993", code: ClosePolicy, reason: "blocked: host is on the deny list",
			cfg: func(c *Config) { c.Targets, _ = policy.NewTargets(policy.Rules{DenyHosts: []string{"*.example.test"}}) }},
		{name: "host not allow-listed", host: "mx.example.test", port: "993", code: ClosePolicy, reason: "blocked: host is not on the allow list",
			cfg: func(c *Config) {
				c.Targets, _ = policy.NewTargets(policy.Rules{AllowHosts: []string{"imap.example.edu"}})
			}},
		{name: "mixed answer", host: "mixed.example.test", port: "993", code: ClosePolicy, reason: "blocked: private address"},
		{name: "exception is one port only", host: "127.0.0.1", port: "993", code: ClosePolicy, reason: "blocked: loopback address"},
		{name: "no host", host: "", port: "993", code: ClosePolicy, reason: "bad request"},
		{name: "port 0", host: "mx.example.test", port: "0", code: ClosePolicy, reason: "bad request"},
		{name: "port not a number", host: "mx.example.test", port: "imap", code: ClosePolicy, reason: "bad request"},
		{name: "host with a path", host: "mx.example.test/x", port: "993", code: ClosePolicy, reason: "bad request"},
		{name: "IPv6 zone", host: "fe80::1%eth0", port: "993", code: ClosePolicy, reason: "bad request"},
		{name: "foreign origin", host: "mx.example.test", port: "993", hdr: origin("https://evil.example"), status: http.StatusForbidden},
		{name: "rebound origin in local mode", host: "mx.example.test", port: "993", hdr: origin("http://evil.example:8025", "evil.example:8025"), status: http.StatusForbidden},
		{name: "unlisted origin", host: "mx.example.test", port: "993", hdr: origin("https://evil.example"), status: http.StatusForbidden,
			cfg: func(c *Config) { c.Origins = []string{"https://mail.example.edu"} }},
		{name: "foreign origin with a token", cfg: shared, host: "mx.example.test", port: "993", query: []string{"token", goodToken},
			hdr: origin("https://evil.example"), status: http.StatusForbidden},
		{name: "missing token", cfg: shared, host: "mx.example.test", port: "993", code: ClosePolicy, reason: "auth: this server needs a token"},
		{name: "wrong token", cfg: shared, host: "mx.example.test", port: "993", query: []string{"token", goodToken + "x"}, code: ClosePolicy, reason: "auth: unknown token"},
		{name: "wrong token as subprotocol", cfg: shared, host: "mx.example.test", port: "993", protocols: []string{"binary", TokenProtocolPrefix + "nope"},
			code: ClosePolicy, reason: "auth: unknown token"},
		{name: "token checked before target", cfg: shared, host: "10.0.0.1", port: "993", code: ClosePolicy, reason: "auth: this server needs a token"},
		{name: "reverse proxy without tokens", host: "mx.example.test", port: "993", hdr: http.Header{"X-Forwarded-For": {"203.0.113.9"}},
			code: ClosePolicy, reason: "blocked: request came through a proxy"},
		{name: "trusted reverse proxy without tokens", host: "mx.example.test", port: "993", hdr: http.Header{"Forwarded": {"for=203.0.113.9"}},
			cfg:  func(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} },
			code: ClosePolicy, reason: "blocked: request came through a proxy"},
	}
	for _, b := range blockedAddrs {
		refused = append(refused,
			matrixCase{name: "address " + b.addr, host: b.addr, port: "993", code: ClosePolicy, reason: b.reason},
			matrixCase{name: "name of " + b.addr, host: nameFor(b.addr), port: "993", code: ClosePolicy, reason: b.reason})
	}
	return append(allowed, refused...)
}

func nameFor(addr string) string {
	return "x" + strings.NewReplacer(":", "-", ".", "-").Replace(addr) + ".test"
}

// TestSecurityMatrix: every case is refused with its reason, before any
// connect, or works end to end.
func TestSecurityMatrix(t *testing.T) {
	resolver := fakeResolver{
		"mx.example.test":    {netip.MustParseAddr(publicIP)},
		"v6.example.test":    {netip.MustParseAddr("2001:4860:4860::8888")},
		"mixed.example.test": {netip.MustParseAddr(publicIP), netip.MustParseAddr("10.0.0.1")},
	}
	for _, b := range blockedAddrs {
		resolver[nameFor(b.addr)] = []netip.Addr{netip.MustParseAddr(b.addr)}
	}
	for _, tc := range matrixCases() {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Resolver: resolver}
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			e := newEnv(t, cfg)
			ws, resp, err := dialWS(e.url(tc.host, tc.port, tc.query...), tc.hdr, tc.protocols...)
			if tc.status != 0 {
				if err == nil {
					ws.Close()
					t.Fatalf("handshake succeeded, want HTTP %d", tc.status)
				}
				if resp == nil || resp.StatusCode != tc.status {
					t.Fatalf("handshake: %v (%v), want HTTP %d", err, resp, tc.status)
				}
				return
			}
			if err != nil {
				t.Fatalf("handshake failed: %v; a refusal must upgrade, then close with a reason", err)
			}
			defer ws.Close()
			if p := resp.Header.Get("Sec-WebSocket-Protocol"); p != "binary" {
				t.Errorf("subprotocol %q, want binary (never the token)", p)
			}
			if tc.code == 0 {
				if err := roundTrip(ws, "EHLO matrix\r\n"); err != nil {
					t.Fatalf("allowed tunnel does not carry bytes: %v", err)
				}
				return
			}
			expectClose(t, ws, tc.code, tc.reason)
			select {
			case a := <-e.connects:
				t.Errorf("connected to %s for a refused tunnel", a)
			default:
			}
		})
	}
}

// TestRefusalMetrics: refusals are counted by reason.
func TestRefusalMetrics(t *testing.T) {
	e := newEnv(t, Config{})
	for _, target := range [][2]string{{"10.0.0.1", "993"}, {"192.168.0.1", "993"}, {"mx.example.test", "25"}} {
		ws := open(t, e.url(target[0], target[1]), nil)
		closeOf(t, ws)
	}
	_, _, err := dialWS(e.url("mx.example.test", "993"), origin("https://evil.example"))
	if err == nil {
		t.Fatal("foreign origin accepted")
	}
	for reason, want := range map[string]float64{"private": 2, "port": 1, "origin": 1} {
		if got := counterValue(t, e.h, "mailwire_tunnel_refusals_total", reason); got != want {
			t.Errorf("refusals{reason=%q} = %v, want %v", reason, got, want)
		}
	}
}

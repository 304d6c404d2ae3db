package tunnel

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestLimits: each limit refuses the tunnel past it with its reason, and
// gives the place back when a tunnel closes.
func TestLimits(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		query  []string
		hdr    func(i int) http.Header
		allow  int // tunnels that open
		code   int
		reason string
	}{
		{name: "per address", cfg: Config{Limits: Limits{PerAddress: 3}}, allow: 3,
			code: CloseTryAgain, reason: "limit: 3 tunnels per address"},
		{name: "per token", cfg: Config{Limits: Limits{PerToken: 2}}, query: []string{"token", goodToken}, allow: 2,
			code: CloseTryAgain, reason: "limit: 2 tunnels per token"},
		{name: "total", cfg: Config{Limits: Limits{Total: 4}, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}},
			query: []string{"token", goodToken}, hdr: forwardedFrom, allow: 4, code: CloseTryAgain, reason: "limit: 4 tunnels on this server"},
		{name: "per forwarded address", cfg: Config{Limits: Limits{PerAddress: 2}, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}},
			query: []string{"token", goodToken}, hdr: func(int) http.Header { return forwardedFrom(7) }, allow: 2, code: CloseTryAgain, reason: "limit: 2 tunnels per address"},
		{name: "per IPv6 /64", cfg: Config{Limits: Limits{PerAddress: 2}, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}},
			query: []string{"token", goodToken},
			hdr: func(i int) http.Header {
				return http.Header{"X-Forwarded-For": {"2001:db8:1:2::" + string(rune('a'+i))}}
			}, allow: 2,
			code: CloseTryAgain, reason: "limit: 2 tunnels per address"},
		{name: "new per minute", cfg: Config{Limits: Limits{PerMinute: 5}}, allow: 5,
			code: CloseTryAgain, reason: "limit: 5 new tunnels per minute"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.query != nil {
				shared(&tc.cfg)
			}
			e := newEnv(t, tc.cfg)
			var first *websocket.Conn
			for i := range tc.allow {
				var hdr http.Header
				if tc.hdr != nil {
					hdr = tc.hdr(i)
				}
				ws := open(t, e.url("mx.example.test", "993", tc.query...), hdr)
				if err := roundTrip(ws, "x"); err != nil {
					t.Fatalf("tunnel %d: %v", i+1, err)
				}
				if first == nil {
					first = ws
				}
			}
			var hdr http.Header
			if tc.hdr != nil {
				hdr = tc.hdr(tc.allow)
			}
			ws := open(t, e.url("mx.example.test", "993", tc.query...), hdr)
			expectClose(t, ws, tc.code, tc.reason)
			if tc.name == "new per minute" {
				return // closing a tunnel gives no new tunnel back
			}
			first.Close()
			waitFor(t, "a place to free up", func() bool { return e.h.Open() < tc.allow })
			ws = open(t, e.url("mx.example.test", "993", tc.query...), hdr)
			if err := roundTrip(ws, "again"); err != nil {
				t.Errorf("after one closed: %v", err)
			}
		})
	}
}

func forwardedFrom(i int) http.Header {
	return http.Header{"X-Forwarded-For": {netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)}).String() + ", 127.0.0.1"}}
}

func TestTokenMaxOption(t *testing.T) {
	tokens, err := NewTokens(goodToken + " class max=3")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Config{Tokens: tokens, Limits: Limits{PerToken: 1, PerAddress: -1}})
	for i := range 3 {
		if err := roundTrip(open(t, e.url("mx.example.test", "993", "token", goodToken), nil), "x"); err != nil {
			t.Fatalf("tunnel %d: %v", i+1, err)
		}
	}
	expectClose(t, open(t, e.url("mx.example.test", "993", "token", goodToken), nil), CloseTryAgain, "limit: 3 tunnels per token")
}

func TestDialTimeout(t *testing.T) {
	e := newEnv(t, Config{
		Limits: Limits{DialTimeout: 200 * time.Millisecond},
		Connect: func(ctx context.Context, _, _ string) (net.Conn, error) {
			<-ctx.Done() // a server that never answers the SYN
			return nil, ctx.Err()
		},
	})
	start := time.Now()
	expectClose(t, open(t, e.url("mx.example.test", "993"), nil), CloseDial, "unreachable: timed out")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("dial gave up after %v", d)
	}
	if e.h.Open() != 0 {
		t.Error("a failed dial kept its place")
	}
}

func TestIdleTimeout(t *testing.T) {
	e := newEnv(t, Config{Limits: Limits{IdleTimeout: 300 * time.Millisecond}})
	idle := open(t, e.url("mx.example.test", "993"), nil)
	busy := open(t, e.url("mx.example.test", "993"), nil)
	stop := time.Now().Add(900 * time.Millisecond)
	for time.Now().Before(stop) {
		if err := roundTrip(busy, "NOOP\r\n"); err != nil {
			t.Fatalf("a busy tunnel was closed: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	expectClose(t, idle, CloseTimeout, "timeout: idle for 300ms")
}

func TestMaxSession(t *testing.T) {
	e := newEnv(t, Config{Limits: Limits{MaxSession: 400 * time.Millisecond}})
	ws := open(t, e.url("mx.example.test", "993"), nil)
	go func() {
		for range 100 {
			if ws.WriteMessage(websocket.BinaryMessage, []byte("NOOP\r\n")) != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	start := time.Now()
	expectClose(t, ws, CloseLimit, "limit: tunnels last at most 400ms")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("closed after %v", d)
	}
}

func TestMaxBytes(t *testing.T) {
	e := newEnv(t, Config{Limits: Limits{MaxBytes: 64 << 10}})
	ws := open(t, e.url("mx.example.test", "993"), nil)
	go func() {
		chunk := make([]byte, 8<<10)
		for range 32 {
			if ws.WriteMessage(websocket.BinaryMessage, chunk) != nil {
				return
			}
		}
	}()
	expectClose(t, ws, CloseLimit, "limit: 64 KiB per tunnel")
}

func TestLimitsDefaults(t *testing.T) {
	l := Limits{PerAddress: -1, IdleTimeout: -1}.withDefaults()
	if l.PerToken != 8 || l.Total != 256 || l.PerMinute != 20 || l.IdleTimeout < 1000*time.Hour || l.PerAddress < 1<<30 ||
		l.MaxSession != 4*time.Hour || l.MaxBytes != 512<<20 || l.DialTimeout != 10*time.Second {
		t.Errorf("withDefaults = %+v", l)
	}
	if DefaultLimits.IdleTimeout < MinIdleTimeout {
		t.Error("the default idle timeout cuts IMAP IDLE")
	}
}

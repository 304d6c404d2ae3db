package tunnel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mailwire/mailwire/proxy/tunnel/policy"
)

// echoServer accepts connections on loopback and echoes every byte.
func echoServer(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Go(func() {
				// Plain reads and writes: io.Copy between two TCP
				// connections would splice through cached pipes, which
				// the leak checks would count.
				io.CopyBuffer(struct{ io.Writer }{c}, struct{ io.Reader }{c}, make([]byte, 32<<10))
				c.Close()
				mu.Lock()
				delete(conns, c)
				mu.Unlock()
			})
		}
	})
	return ln.Addr().String()
}

// fakeResolver answers from a map; names absent from it do not exist.
type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := f[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// publicIP stands for a public mail server: the resolver hands it out and
// stand-in connects it to a loopback echo server instead. Nothing is ever
// sent to it.
const publicIP = "8.8.8.8"

// env is a tunnel Handler behind an httptest server, with an echo server
// standing in for public mail servers.
type env struct {
	h        *Handler
	srv      *httptest.Server
	echo     string
	logs     *syncBuffer
	connects chan string // addresses the stand-in connect was asked for
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newEnv starts a Handler for cfg. Unless cfg says otherwise, names
// ending in .test resolve through a fake resolver, public addresses
// connect to the echo server, and the echo server is a named exception.
func newEnv(t testing.TB, cfg Config) *env {
	t.Helper()
	e := &env{echo: echoServer(t), logs: &syncBuffer{}, connects: make(chan string, 1000)}
	if cfg.Targets == nil {
		tg, err := policy.NewTargets(policy.Rules{Exceptions: []string{e.echo}})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Targets = tg
	}
	if cfg.Resolver == nil {
		cfg.Resolver = fakeResolver{
			"mx.example.test":    {netip.MustParseAddr(publicIP)},
			"v6.example.test":    {netip.MustParseAddr("2001:4860:4860::8888")},
			"mixed.example.test": {netip.MustParseAddr(publicIP), netip.MustParseAddr("10.0.0.1")},
		}
	}
	if cfg.Connect == nil {
		cfg.Connect = func(ctx context.Context, network, addr string) (net.Conn, error) {
			select {
			case e.connects <- addr:
			default:
			}
			var d net.Dialer
			return d.DialContext(ctx, network, e.echo)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(e.logs, nil))
	}
	e.h = New(cfg)
	mux := http.NewServeMux()
	mux.Handle("/tunnel", e.h)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		e.h.Close()
		e.srv.Close()
	})
	return e
}

// url returns the tunnel URL for host:port with extra query parameters.
func (e *env) url(host, port string, extra ...string) string {
	q := url.Values{"host": {host}, "port": {port}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/tunnel?" + q.Encode()
}

// echoTarget returns the echo server's host and port.
func (e *env) echoTarget() (string, string) {
	h, p, _ := net.SplitHostPort(e.echo)
	return h, p
}

func dialWS(u string, hdr http.Header, protocols ...string) (*websocket.Conn, *http.Response, error) {
	if protocols == nil {
		protocols = []string{"binary"}
	}
	d := websocket.Dialer{Subprotocols: protocols, HandshakeTimeout: 5 * time.Second}
	return d.Dial(u, hdr)
}

// open dials u and fails the test unless the handshake succeeds.
func open(t testing.TB, u string, hdr http.Header, protocols ...string) *websocket.Conn {
	t.Helper()
	ws, resp, err := dialWS(u, hdr, protocols...)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("handshake: %v (HTTP %d)", err, status)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// roundTrip sends msg and reads it back.
func roundTrip(ws *websocket.Conn, msg string) error {
	if err := ws.WriteMessage(websocket.BinaryMessage, []byte(msg)); err != nil {
		return err
	}
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var got []byte
	for len(got) < len(msg) {
		typ, b, err := ws.ReadMessage()
		if err != nil {
			return err
		}
		if typ != websocket.BinaryMessage {
			return errors.New("not a binary message")
		}
		got = append(got, b...)
	}
	if string(got) != msg {
		return errors.New("echo differs: " + string(got))
	}
	return nil
}

// closeOf reads until the tunnel closes and returns its close frame.
func closeOf(t testing.TB, ws *websocket.Conn) *websocket.CloseError {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("tunnel ended with %v, want a close frame", err)
		}
		return ce
	}
}

// expectClose checks the close code and the start of the reason.
func expectClose(t testing.TB, ws *websocket.Conn, code int, prefix string) {
	t.Helper()
	ce := closeOf(t, ws)
	if ce.Code != code || !strings.HasPrefix(ce.Text, prefix) {
		t.Errorf("closed %d %q, want %d %q...", ce.Code, ce.Text, code, prefix)
	}
}

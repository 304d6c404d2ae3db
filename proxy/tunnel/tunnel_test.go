package tunnel

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// echoServer accepts connections on loopback and echoes every byte.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

func newServer(t *testing.T, allow ...string) *httptest.Server {
	t.Helper()
	var al AllowList
	if err := al.Allow(allow...); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&Handler{Policy: &al})
	t.Cleanup(srv.Close)
	return srv
}

func dial(t *testing.T, srv *httptest.Server, target string, hdr http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	host, port, _ := net.SplitHostPort(target)
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/tunnel?host=" + host + "&port=" + port
	d := websocket.Dialer{Subprotocols: []string{"binary"}, HandshakeTimeout: 5 * time.Second}
	return d.Dial(u, hdr)
}

func TestTunnelEcho(t *testing.T) {
	echo := echoServer(t)
	srv := newServer(t, echo)
	ws, resp, err := dial(t, srv, echo, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != "binary" {
		t.Errorf("subprotocol = %q, want binary", got)
	}
	want := make([]byte, 1<<20)
	rand.Read(want)
	go func() {
		for off := 0; off < len(want); off += 10000 {
			ws.WriteMessage(websocket.BinaryMessage, want[off:min(off+10000, len(want))])
		}
	}()
	var got bytes.Buffer
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for got.Len() < len(want) {
		typ, b, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("after %d bytes: %v", got.Len(), err)
		}
		if typ != websocket.BinaryMessage {
			t.Fatalf("message type %d, want binary", typ)
		}
		got.Write(b)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatal("echoed bytes differ")
	}
}

func TestTunnelRefusals(t *testing.T) {
	echo := echoServer(t)
	srv := newServer(t, echo)
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()
	var al AllowList
	al.Allow(closedAddr)
	dead := httptest.NewServer(&Handler{Policy: &al})
	defer dead.Close()

	tests := []struct {
		name   string
		srv    *httptest.Server
		target string
		code   int
		reason string
	}{
		{"not allowed", srv, "127.0.0.1:25", ClosePolicy, "blocked: "},
		{"no port", srv, "127.0.0.1:0", ClosePolicy, "bad request"},
		{"unreachable", dead, closedAddr, CloseDial, "unreachable: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, _, err := dial(t, tt.srv, tt.target, nil)
			if err != nil {
				t.Fatalf("handshake failed: %v; a refusal must upgrade, then close with a reason", err)
			}
			defer ws.Close()
			ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, _, err = ws.ReadMessage()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a close frame", err)
			}
			if ce.Code != tt.code || !strings.HasPrefix(ce.Text, tt.reason) {
				t.Errorf("close %d %q, want %d %q...", ce.Code, ce.Text, tt.code, tt.reason)
			}
		})
	}
}

func TestTunnelForeignOrigin(t *testing.T) {
	echo := echoServer(t)
	srv := newServer(t, echo)
	_, resp, err := dial(t, srv, echo, http.Header{"Origin": {"https://evil.example"}})
	if err == nil {
		t.Fatal("a foreign origin was let through")
	}
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("resp = %v, want 403", resp)
	}
}

func TestTunnelTargetCloses(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("220 bye\r\n"))
			c.Close()
		}
	}()
	srv := newServer(t, ln.Addr().String())
	ws, _, err := dial(t, srv, ln.Addr().String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil || string(b) != "220 bye\r\n" {
		t.Fatalf("got %q, %v", b, err)
	}
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != CloseTarget {
		t.Fatalf("err = %v, want a normal close", err)
	}
}

func TestAllowList(t *testing.T) {
	var al AllowList
	if err := al.Check("127.0.0.1", 1025); err == nil {
		t.Error("zero AllowList allowed a target")
	}
	if err := al.Allow("LocalHost:1025", "[::1]:143"); err != nil {
		t.Fatal(err)
	}
	for _, ok := range []struct {
		host string
		port int
	}{{"localhost", 1025}, {"::1", 143}, {"[::1]", 143}} {
		if err := al.Check(ok.host, ok.port); err != nil {
			t.Errorf("Check(%s, %d) = %v", ok.host, ok.port, err)
		}
	}
	if err := al.Check("localhost", 1026); err == nil {
		t.Error("other port allowed")
	}
	for _, bad := range []string{"nohost", "h:0", "h:x", "h:70000"} {
		if err := al.Allow(bad); err == nil {
			t.Errorf("Allow(%q) accepted", bad)
		}
	}
}

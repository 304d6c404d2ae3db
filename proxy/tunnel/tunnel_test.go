package tunnel

import (
	"bytes"
	"crypto/rand"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestTunnelEcho(t *testing.T) {
	e := newEnv(t, Config{})
	ws, resp, err := dialWS(e.url(e.echoTarget()), nil)
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
		if len(b) > max(bufSize, spliceMax) {
			t.Fatalf("message of %d bytes, more than %d", len(b), max(bufSize, spliceMax))
		}
		got.Write(b)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatal("echoed bytes differ")
	}
}

func TestTunnelTargetCloses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("220 bye\r\n"))
			c.Close()
		}
	}()
	e := newEnv(t, Config{})
	e.h.targets.Allow(ln.Addr().String())
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	ws := open(t, e.url(host, port), nil)
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil || string(b) != "220 bye\r\n" {
		t.Fatalf("got %q, %v", b, err)
	}
	expectClose(t, ws, CloseTarget, "the server closed the connection")
}

func TestTunnelTextMessageRefused(t *testing.T) {
	e := newEnv(t, Config{})
	ws := open(t, e.url(e.echoTarget()), nil)
	ws.WriteMessage(websocket.TextMessage, []byte("EHLO x\r\n"))
	expectClose(t, ws, CloseUnsupported, "bad request: the tunnel carries binary messages only")
}

func TestTunnelUnreachable(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	e := newEnv(t, Config{})
	e.h.targets.Allow(dead)
	host, port, _ := net.SplitHostPort(dead)
	ws := open(t, e.url(host, port), nil)
	expectClose(t, ws, CloseDial, "unreachable: connection refused")
	ws = open(t, e.url("nowhere.test", "993"), nil)
	expectClose(t, ws, CloseDial, "unreachable: no such host")
}

// TestTunnelLogs checks the open and close lines: every field, the token
// only as a hash prefix, never a byte of payload.
func TestTunnelLogs(t *testing.T) {
	const token = "s3cret-Token-0123456789"
	tokens, err := NewTokens(token)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Config{Tokens: tokens})
	ws := open(t, e.url("mx.example.test", "993", "token", token), nil)
	if err := roundTrip(ws, "A1 LOGIN alice hunter2\r\n"); err != nil {
		t.Fatal(err)
	}
	ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(time.Second))
	closeOf(t, ws)
	waitFor(t, "the close line", func() bool { return strings.Contains(e.logs.String(), "tunnel closed") })
	logs := e.logs.String()
	for _, want := range []string{
		"msg=\"tunnel open\"", "client=127.0.0.1", "token=" + tokens.lookup(token).id, "target=mx.example.test:993", "dialled=" + publicIP,
		"msg=\"tunnel closed\"", "bytes_up=24", "bytes_down=24", "duration=", "reason=\"the page closed the tunnel\"",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	for _, secret := range []string{token, "hunter2", "LOGIN"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

package tunnel

import (
	"bytes"
	"crypto/rand"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestPutHeader(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []byte
	}{
		{0, []byte{0x82, 0}},
		{125, []byte{0x82, 125}},
		{126, []byte{0x82, 126, 0, 126}},
		{65535, []byte{0x82, 126, 0xff, 0xff}},
		{65536, []byte{0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
	} {
		var b [maxHeader]byte
		start := putHeader(b[:], websocket.BinaryMessage, tc.n)
		if got := b[start:]; !bytes.Equal(got, tc.want) {
			t.Errorf("header for %d = % x, want % x", tc.n, got, tc.want)
		}
	}
}

// TestServerBurst: a server that sends a lot at once reaches the page
// intact; on Linux the big pieces are spliced (messages over 32 KiB).
func TestServerBurst(t *testing.T) {
	want := make([]byte, 4<<20)
	rand.Read(want)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write(want)
			c.Close()
		}
	}()
	e := newEnv(t, Config{})
	e.h.targets.Allow(ln.Addr().String())
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	ws := open(t, e.url(host, port), nil)
	time.Sleep(100 * time.Millisecond) // let the server's bytes pile up
	var got bytes.Buffer
	biggest := 0
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for got.Len() < len(want) {
		_, b, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("after %d bytes: %v", got.Len(), err)
		}
		biggest = max(biggest, len(b))
		got.Write(b)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatal("bytes differ")
	}
	if runtime.GOOS == "linux" && biggest <= bufSize {
		t.Errorf("largest message %d bytes: nothing was spliced", biggest)
	}
	expectClose(t, ws, CloseTarget, "the server closed the connection")
}

// TestControlFrames: the page's pings are answered, and its close frame
// is answered with its code.
func TestControlFrames(t *testing.T) {
	e := newEnv(t, Config{})
	ws := open(t, e.url("mx.example.test", "993"), nil)
	pong := make(chan string, 1)
	ws.SetPongHandler(func(s string) error { pong <- s; return nil })
	if err := ws.WriteControl(websocket.PingMessage, []byte("are you there"), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := roundTrip(ws, "x"); err != nil { // reading runs the pong handler
		t.Fatal(err)
	}
	select {
	case s := <-pong:
		if s != "are you there" {
			t.Errorf("pong %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no pong")
	}
	ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4321, "bye"), time.Now().Add(time.Second))
	ce := closeOf(t, ws)
	if ce.Code != 4321 {
		t.Errorf("close reply %d, want the page's 4321", ce.Code)
	}
}

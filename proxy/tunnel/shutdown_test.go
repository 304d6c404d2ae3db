package tunnel

import (
	"context"
	"errors"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestShutdownGraceful(t *testing.T) {
	e := newEnv(t, Config{})
	ws := open(t, e.url("mx.example.test", "993"), nil)
	if err := roundTrip(ws, "x"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.h.Shutdown(context.Background()) }()
	waitFor(t, "shutdown to begin", func() bool {
		e.h.reg.mu.Lock()
		defer e.h.reg.mu.Unlock()
		return e.h.reg.closing
	})
	// No new tunnels, but the open one still works.
	expectClose(t, open(t, e.url("mx.example.test", "993"), nil), CloseGoingAway, "shutdown: the server is stopping")
	if err := roundTrip(ws, "still here"); err != nil {
		t.Fatalf("an open tunnel stopped working during shutdown: %v", err)
	}
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v with a tunnel open", err)
	case <-time.After(100 * time.Millisecond):
	}
	ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(time.Second))
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not return after the last tunnel closed")
	}
}

func TestShutdownDeadline(t *testing.T) {
	e := newEnv(t, Config{})
	var wss []*websocket.Conn
	for range 5 {
		ws := open(t, e.url("mx.example.test", "993"), nil)
		if err := roundTrip(ws, "x"); err != nil {
			t.Fatal(err)
		}
		wss = append(wss, ws)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := e.h.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want the deadline", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 3*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	if e.h.Open() != 0 {
		t.Errorf("%d tunnels open after Shutdown", e.h.Open())
	}
	for _, ws := range wss {
		expectClose(t, ws, CloseGoingAway, "shutdown: the server is stopping")
	}
}

// TestNoLeaks opens tunnels that end every way a tunnel can end and
// checks that no goroutine and no descriptor outlives them.
func TestNoLeaks(t *testing.T) {
	g0, fd0 := runtime.NumGoroutine(), openFDs(t)
	t.Run("tunnels", func(t *testing.T) {
		e := newEnv(t, Config{Limits: Limits{PerAddress: -1, PerMinute: -1, MaxBytes: 1 << 20}})
		var wss []*websocket.Conn
		for i := range 40 {
			ws := open(t, e.url("mx.example.test", "993"), nil)
			if err := roundTrip(ws, "hello"); err != nil {
				t.Fatal(err)
			}
			switch i % 4 {
			case 0: // the page closes politely
				ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(time.Second))
				closeOf(t, ws)
			case 1: // the page vanishes
				ws.NetConn().Close()
			case 2: // too many bytes
				ws.WriteMessage(websocket.BinaryMessage, make([]byte, 2<<20))
				closeOf(t, ws)
			default: // still open at shutdown
				wss = append(wss, ws)
			}
		}
		for range 10 { // refused ones
			closeOf(t, open(t, e.url("10.0.0.1", "993"), nil))
		}
		e.h.Close()
		for _, ws := range wss {
			closeOf(t, ws)
		}
	})
	checkNoLeaks(t, g0, fd0)
}

func openFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd here")
	}
	return len(ents)
}

// checkNoLeaks waits for goroutines and descriptors to drop back to what
// they were.
func checkNoLeaks(t testing.TB, g0, fd0 int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g, fd := runtime.NumGoroutine(), openFDs(t)
		if g <= g0 && fd <= fd0 {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			var fds []string
			ents, _ := os.ReadDir("/proc/self/fd")
			for _, e := range ents {
				l, _ := os.Readlink("/proc/self/fd/" + e.Name())
				fds = append(fds, e.Name()+"="+l)
			}
			t.Fatalf("leak: %d goroutines (was %d), %d descriptors (was %d): %v\n%s", g, g0, fd, fd0, fds, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

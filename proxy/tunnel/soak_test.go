package tunnel

import (
	"bytes"
	"context"
	"crypto/sha256"
	"hash"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mailwire/mailwire/proxy/tunnel/policy"
)

// hashingEcho is an echo server that records the SHA-256 of what each
// connection sent it.
type hashingEcho struct {
	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	hashes map[[32]byte]int
}

func newHashingEcho(t testing.TB) *hashingEcho {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &hashingEcho{ln: ln, hashes: map[[32]byte]int{}}
	e.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			smallBuffers(c)
			e.wg.Go(func() {
				defer c.Close()
				h := sha256.New()
				buf := make([]byte, 32<<10)
				io.CopyBuffer(struct{ io.Writer }{c}, io.TeeReader(c, h), buf)
				var sum [32]byte
				h.Sum(sum[:0])
				e.mu.Lock()
				e.hashes[sum]++
				e.mu.Unlock()
			})
		}
	})
	return e
}

func (e *hashingEcho) close() { e.ln.Close(); e.wg.Wait() }

// TestSoak runs 1,000 tunnels at once, each pushing several MB of
// pseudo-random data through to an echo server and reading it back. Every
// byte must arrive in order both ways (SHA-256 of what the page sent,
// what the server received, and what came back), and no goroutine or
// descriptor may remain afterwards. Under the race detector each tunnel
// moves 512 KiB instead of 3 MiB; `make soak` runs the full size without
// it. SOAK_N=n changes the number of tunnels.
func TestSoak(t *testing.T) {
	tunnels, size := 1000, 3<<20
	if v := os.Getenv("SOAK_N"); v != "" {
		tunnels, _ = strconv.Atoi(v)
	}
	if raceEnabled {
		tunnels, size = 1000, 512<<10
	}
	if testing.Short() {
		tunnels, size = 50, 256<<10
	}
	g0, fd0 := runtime.NumGoroutine(), openFDs(t)
	echo := newHashingEcho(t)
	sent := make([][32]byte, tunnels)
	t.Run("traffic", func(t *testing.T) {
		tg, _ := policy.NewTargets(policy.Rules{Exceptions: []string{echo.ln.Addr().String()}})
		e := newEnv(t, Config{Targets: tg, Limits: Limits{PerAddress: -1, Total: -1, PerMinute: -1, MaxBytes: -1}})
		host, port, _ := net.SplitHostPort(echo.ln.Addr().String())
		u := e.url(host, port)
		start := time.Now()
		conns := make([]*websocket.Conn, tunnels)
		var wg sync.WaitGroup
		sem := make(chan struct{}, 64)
		for i := range conns {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				d := websocket.Dialer{Subprotocols: []string{"binary"}, HandshakeTimeout: time.Minute,
					NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
						c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
						if err == nil {
							smallBuffers(c)
						}
						return c, err
					}}
				ws, _, err := d.Dial(u, nil)
				if err != nil {
					t.Errorf("tunnel %d: %v", i, err)
					return
				}
				conns[i] = ws
			})
		}
		wg.Wait()
		if t.Failed() {
			for _, c := range conns {
				if c != nil {
					c.Close()
				}
			}
			return
		}
		if n := e.h.Open(); n != tunnels {
			t.Errorf("%d tunnels open, want %d", n, tunnels)
		}
		opened := time.Since(start)
		for i, ws := range conns {
			wg.Go(func() { sent[i] = soakOne(t, ws, uint64(i), size) })
		}
		wg.Wait()
		d := time.Since(start) - opened
		t.Logf("%d tunnels opened in %v; %d MiB each way through them in %v (%.0f MiB/s each way)",
			tunnels, opened.Round(time.Millisecond), tunnels*size>>20, d.Round(time.Millisecond), float64(tunnels*size>>20)/d.Seconds())
		waitFor(t, "every tunnel to close", func() bool { return e.h.Open() == 0 })
		if t.Failed() {
			reasons := map[string]int{}
			for _, l := range strings.Split(e.logs.String(), "\n") {
				if i := strings.Index(l, "reason="); i >= 0 {
					reasons[l[i:]]++
				}
			}
			t.Logf("close reasons: %v", reasons)
		}
	})
	echo.close()
	if !t.Failed() {
		for i, sum := range sent {
			if echo.hashes[sum] == 0 {
				t.Errorf("tunnel %d: the server received other bytes than the page sent", i)
			}
			echo.hashes[sum]--
		}
	}
	checkNoLeaks(t, g0, fd0)
}

// smallBuffers caps a test socket's kernel buffers. A thousand bulk
// connections with autotuned buffers (up to tcp_rmem's 32 MiB each) push
// the kernel into TCP memory pressure, where even loopback drops and
// retransmits with backoff, which stalls tunnels for minutes.
func smallBuffers(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetReadBuffer(soakSockBuf)
		tc.SetWriteBuffer(soakSockBuf)
	}
}

const soakSockBuf = 128 << 10

// soakOne sends size pseudo-random bytes (seeded by id) in messages of
// random sizes, reads the echo, compares the hashes, closes, and returns
// the hash of what it sent.
func soakOne(t *testing.T, ws *websocket.Conn, id uint64, size int) [32]byte {
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(5 * time.Minute))
	ws.SetWriteDeadline(time.Now().Add(5 * time.Minute))
	var sentSum [32]byte
	werr := make(chan error, 1)
	go func() {
		src := rand.NewChaCha8([32]byte{byte(id), byte(id >> 8)})
		sizes := rand.New(rand.NewPCG(id, 1))
		h := sha256.New()
		buf := make([]byte, 64<<10)
		for left := size; left > 0; {
			n := min(left, 1+sizes.IntN(len(buf)))
			src.Read(buf[:n])
			h.Write(buf[:n])
			if err := ws.WriteMessage(websocket.BinaryMessage, buf[:n]); err != nil {
				werr <- err
				return
			}
			left -= n
		}
		h.Sum(sentSum[:0])
		werr <- nil
	}()
	var got hash.Hash = sha256.New()
	for n := 0; n < size; {
		_, r, err := ws.NextReader()
		if err != nil {
			t.Errorf("tunnel %d: after %d bytes back: %v", id, n, err)
			return sentSum
		}
		m, err := io.Copy(got, r)
		if err != nil {
			t.Errorf("tunnel %d: %v", id, err)
			return sentSum
		}
		n += int(m)
	}
	if err := <-werr; err != nil {
		t.Errorf("tunnel %d: write: %v", id, err)
		return sentSum
	}
	if !bytes.Equal(got.Sum(nil), sentSum[:]) {
		t.Errorf("tunnel %d: the page got back other bytes than it sent", id)
	}
	ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(5*time.Second))
	for {
		if _, _, err := ws.NextReader(); err != nil {
			break
		}
	}
	return sentSum
}

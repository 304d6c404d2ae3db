package tunnel

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Copy buffers, pooled: readPool for page-to-server bytes, writePool for
// server-to-page bytes when they are not spliced (room for the frame
// header in front).
var (
	readPool  = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}
	writePool = sync.Pool{New: func() any { b := make([]byte, maxHeader+bufSize); return &b }}
)

// tunnel is one open tunnel: a WebSocket to the page and a TCP connection
// to the mail server, with a goroutine copying each way (gorilla's pump
// pattern: one reader and one writer per WebSocket). The sweeper sends
// pings and enforces the timeouts.
type tunnel struct {
	h       *Handler
	ws      *websocket.Conn
	tcp     net.Conn
	client  netip.Addr
	addrKey string
	token   *tokenEntry
	host    string
	port    int
	exempt  bool
	target  string
	dialled netip.Addr
	start   time.Time

	up, down  atomic.Int64
	lastData  atomic.Int64 // unix nanoseconds of the last payload either way
	lastHeard atomic.Int64 // ... of the last message or pong from the page
	lastPing  atomic.Int64
	pinging   atomic.Bool
	waiting   atomic.Bool // pageToServer waits for the page's next message
	reason    atomic.Pointer[closeReason]
	pumps     atomic.Int32
	wait      readableWaiter
	fw        *frameWriter
	splice    *splicer // nil: copy through a buffer
}

func (t *tunnel) tokenID() string {
	if t.token == nil {
		return ""
	}
	return t.token.id
}

// run starts the pumps and registers the tunnel with the sweeper.
func (t *tunnel) run() {
	now := t.start.UnixNano()
	t.lastData.Store(now)
	t.lastHeard.Store(now)
	t.lastPing.Store(now)
	t.wait.init(t.tcp)
	t.ws.SetReadLimit(maxMessage)
	t.fw = newFrameWriter(t.ws.NetConn())
	t.splice = newSplicer(t.tcp, t.ws.NetConn())
	t.ws.SetPongHandler(func(string) error { t.lastHeard.Store(time.Now().UnixNano()); return nil })
	t.ws.SetPingHandler(func(data string) error {
		t.lastHeard.Store(time.Now().UnixNano())
		t.fw.control(websocket.PongMessage, []byte(data), time.Now().Add(writeWait))
		return nil
	})
	t.ws.SetCloseHandler(func(code int, _ string) error {
		var msg []byte // answer with the page's code (RFC 6455 §5.5.1)
		if code != websocket.CloseNoStatusReceived {
			msg = websocket.FormatCloseMessage(code, "")
		}
		t.fw.control(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		return nil
	})
	t.pumps.Store(2)
	t.h.startSweeper()
	go t.pageToServer()
	go t.serverToPage()
}

// pageToServer copies each message from the page to the server.
func (t *tunnel) pageToServer() {
	defer t.pumpDone()
	defer t.drain()
	for {
		t.waiting.Store(true)
		typ, r, err := t.ws.NextReader()
		t.waiting.Store(false)
		if err != nil {
			t.stop(reasonPageClosed)
			return
		}
		now := time.Now().UnixNano()
		t.lastHeard.Store(now)
		if typ != websocket.BinaryMessage {
			t.stop(reasonText)
			return
		}
		bp := readPool.Get().(*[]byte)
		n, rerr, werr := copyMessage(t.tcp, r, *bp)
		readPool.Put(bp)
		if n > 0 {
			t.lastData.Store(now)
			t.h.m.up.Add(float64(n))
			if t.up.Add(n)+t.down.Load() > t.h.limits.MaxBytes {
				t.stop(t.bytesReason())
				return
			}
		}
		switch {
		case werr != nil:
			t.stop(reason(CloseDial, "target_error", "the server connection failed: %s", shortErr(werr)))
			return
		case rerr != nil:
			t.stop(reasonPageClosed)
			return
		}
	}
}

// copyMessage copies one message to w through buf.
func copyMessage(w io.Writer, r io.Reader, buf []byte) (n int64, rerr, werr error) {
	for {
		nr, err := r.Read(buf)
		if nr > 0 {
			nw, err := w.Write(buf[:nr])
			n += int64(nw)
			if err != nil {
				return n, nil, err
			}
		}
		if err == io.EOF {
			return n, nil, nil
		}
		if err != nil {
			return n, err, nil
		}
	}
}

// serverToPage copies what the server sends, one message per read. It
// waits for the server without holding a buffer; then the bytes are
// spliced to the page (Linux, plain TCP) or read into a pooled buffer.
// An idle tunnel therefore holds no copy buffer at all.
func (t *tunnel) serverToPage() {
	defer t.pumpDone()
	for {
		if err := t.wait.wait(); err != nil {
			t.stop(t.serverEnded(err))
			return
		}
		deadline := time.Now().Add(writeWait)
		var n int
		var rerr, werr error
		if t.splice != nil && t.wait.avail >= spliceMin {
			n, rerr, werr = t.splice.forward(t.fw, deadline)
		} else {
			n, rerr, werr = t.copyOnce(deadline)
		}
		if n > 0 {
			t.lastData.Store(time.Now().UnixNano())
			t.h.m.down.Add(float64(n))
			if t.down.Add(int64(n))+t.up.Load() > t.h.limits.MaxBytes {
				t.stop(t.bytesReason())
				return
			}
		}
		switch {
		case werr != nil:
			t.stop(reasonPageClosed)
			return
		case rerr != nil:
			t.stop(t.serverEnded(rerr))
			return
		}
	}
}

// copyOnce reads once from the server into a pooled buffer and sends
// what came as one message.
func (t *tunnel) copyOnce(deadline time.Time) (n int, rerr, werr error) {
	bp := writePool.Get().(*[]byte)
	defer writePool.Put(bp)
	buf := *bp
	n, rerr = t.tcp.Read(buf[maxHeader:])
	if n > 0 {
		werr = t.fw.data(buf[:maxHeader+n], deadline)
	}
	return n, rerr, werr
}

func (t *tunnel) serverEnded(err error) *closeReason {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return reasonTargetClosed
	}
	return reason(CloseDial, "target_error", "the server connection failed: %s", shortErr(err))
}

func (t *tunnel) bytesReason() *closeReason {
	return reason(CloseLimit, "session_bytes", "limit: %s per tunnel", formatBytes(t.h.limits.MaxBytes))
}

// stop ends the tunnel for cr (the first reason wins): it tells the page
// why, closes the server connection, and gives the page closeLinger to
// answer the close frame before the pumps give up.
func (t *tunnel) stop(cr *closeReason) {
	if !t.reason.CompareAndSwap(nil, cr) {
		return
	}
	if cr.sendClose {
		t.fw.control(websocket.CloseMessage, websocket.FormatCloseMessage(cr.code, clip(cr.text)), time.Now().Add(time.Second))
	}
	t.tcp.Close()
	nc := t.ws.NetConn()
	nc.SetWriteDeadline(time.Now()) // a write blocked on a page that does not read gives up
	nc.SetReadDeadline(time.Now().Add(closeLinger))
}

// drain reads and drops what the page still sends after the tunnel
// decided to close, until the page's close frame or closeLinger: closing
// a socket with unread data would reset it and lose our close frame.
func (t *tunnel) drain() {
	if cr := t.reason.Load(); cr == nil || !cr.sendClose {
		return
	}
	for {
		if _, _, err := t.ws.NextReader(); err != nil {
			return
		}
	}
}

// pumpDone runs as each pump ends; the last one finishes the tunnel.
func (t *tunnel) pumpDone() {
	if t.pumps.Add(-1) != 0 {
		return
	}
	t.ws.Close()
	t.tcp.Close()
	cr := t.reason.Load()
	d := time.Since(t.start)
	h := t.h
	h.reg.release(t)
	h.m.closed.WithLabelValues(cr.key).Inc()
	h.m.duration.Observe(d.Seconds())
	h.log.Info("tunnel closed", "client", t.client.String(), "token", t.tokenID(), "target", t.target,
		"dialled", t.dialled.String(), "bytes_up", t.up.Load(), "bytes_down", t.down.Load(),
		"duration", d.Round(time.Millisecond), "reason", cr.text)
}

// ping sends a ping unless one is on its way.
func (t *tunnel) ping() {
	if !t.pinging.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer t.pinging.Store(false)
		t.fw.control(websocket.PingMessage, nil, time.Now().Add(writeWait))
	}()
}

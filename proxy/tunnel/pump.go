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

// readPool holds the buffers page-to-server bytes are copied through.
var readPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

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
	t.ws.SetPongHandler(func(string) error { t.lastHeard.Store(time.Now().UnixNano()); return nil })
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
// waits for the server without holding a buffer, then reads straight
// into gorilla/websocket's pooled write buffer, so an idle tunnel holds
// no copy buffer at all.
func (t *tunnel) serverToPage() {
	defer t.pumpDone()
	for {
		if err := t.wait.wait(); err != nil {
			t.stop(t.serverEnded(err))
			return
		}
		w, err := t.ws.NextWriter(websocket.BinaryMessage)
		if err != nil {
			t.stop(reasonPageClosed)
			return
		}
		t.ws.SetWriteDeadline(time.Now().Add(writeWait))
		n, rerr := w.(io.ReaderFrom).ReadFrom(oneRead{t.tcp})
		werr := w.Close()
		if n > 0 {
			t.lastData.Store(time.Now().UnixNano())
			t.h.m.down.Add(float64(n))
			if t.down.Add(n)+t.up.Load() > t.h.limits.MaxBytes {
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

func (t *tunnel) serverEnded(err error) *closeReason {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return reasonTargetClosed
	}
	return reason(CloseDial, "target_error", "the server connection failed: %s", shortErr(err))
}

func (t *tunnel) bytesReason() *closeReason {
	return reason(CloseLimit, "session_bytes", "limit: %s per tunnel", formatBytes(t.h.limits.MaxBytes))
}

// oneRead reads once and then reports EOF, so that a message writer's
// ReadFrom sends what one read of the server returned as one message.
type oneRead struct{ c net.Conn }

func (o oneRead) Read(p []byte) (int, error) {
	n, err := o.c.Read(p)
	if err == nil {
		err = io.EOF
	} else if err == io.EOF {
		err = io.ErrUnexpectedEOF // the server closed: not the end of this message only
	}
	return n, err
}

// stop ends the tunnel for cr (the first reason wins): it tells the page
// why, closes the server connection, and gives the page closeLinger to
// answer the close frame before the pumps give up.
func (t *tunnel) stop(cr *closeReason) {
	if !t.reason.CompareAndSwap(nil, cr) {
		return
	}
	if cr.sendClose {
		t.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(cr.code, clip(cr.text)), time.Now().Add(time.Second))
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
		t.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait))
	}()
}

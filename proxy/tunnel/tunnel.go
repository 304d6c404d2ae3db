package tunnel

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	// bufSize fits a full TLS record (16 KiB plus overhead) in one read, so
	// encrypted traffic crosses the tunnel one record per message.
	bufSize = 32 << 10
	// maxMessage bounds one WebSocket message from the page.
	maxMessage = 1 << 20
	// dialTimeout bounds connecting to the target.
	dialTimeout = 10 * time.Second
	// writeWait bounds writing one message to the page.
	writeWait = 10 * time.Second
	// pongWait is how long the page may stay silent before the tunnel is
	// considered dead. Pings keep an idle but healthy tunnel open, so an
	// IMAP IDLE of 29 minutes (RFC 2177) is not cut.
	pongWait = 60 * time.Second
	// pingPeriod must be less than pongWait.
	pingPeriod = pongWait * 9 / 10
)

// Close codes used when the tunnel ends (RFC 6455 §7.4.1).
const (
	ClosePolicy = websocket.ClosePolicyViolation // 1008: target refused
	CloseDial   = 4001                           // the target could not be reached
	CloseTarget = websocket.CloseNormalClosure   // the target closed the connection
)

var bufPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

// Handler serves tunnels.
type Handler struct {
	Policy Policy
	// Dial connects to the target; nil uses a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// CheckOrigin reports whether the handshake's Origin is acceptable;
	// nil accepts only the same origin (gorilla/websocket's default).
	CheckOrigin func(r *http.Request) bool
	Logger      *slog.Logger
}

func (h *Handler) upgrader() *websocket.Upgrader {
	return &websocket.Upgrader{
		ReadBufferSize:  bufSize,
		WriteBufferSize: bufSize,
		WriteBufferPool: &sync.Pool{},
		Subprotocols:    []string{"binary"},
		CheckOrigin:     h.CheckOrigin,
	}
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return h.Logger
}

// ServeHTTP upgrades the request and runs the tunnel until either side ends.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := h.upgrader().Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has replied (403 for a foreign Origin)
	}
	defer ws.Close()
	host := r.URL.Query().Get("host")
	port, perr := strconv.Atoi(r.URL.Query().Get("port"))
	log := h.logger().With("client", r.RemoteAddr, "target", net.JoinHostPort(host, strconv.Itoa(port)))
	start := time.Now()
	switch {
	case host == "" || perr != nil || port < 1 || port > 65535:
		closeWith(ws, ClosePolicy, "bad request: host and port are required")
		log.Info("tunnel refused", "reason", "bad request")
		return
	case h.Policy == nil:
		closeWith(ws, ClosePolicy, "blocked: no target is allowed")
		log.Info("tunnel refused", "reason", "no policy")
		return
	}
	if err := h.Policy.Check(host, port); err != nil {
		closeWith(ws, ClosePolicy, err.Error())
		log.Info("tunnel refused", "reason", err.Error())
		return
	}
	dial := h.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	ctx, cancel := context.WithTimeout(r.Context(), dialTimeout)
	tcp, err := dial(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	cancel()
	if err != nil {
		closeWith(ws, CloseDial, "unreachable: "+shortErr(err))
		log.Info("tunnel dial failed", "err", err)
		return
	}
	up, down, reason := pump(ws, tcp)
	log.Info("tunnel closed", "dialled", tcp.RemoteAddr().String(), "bytes_up", up, "bytes_down", down,
		"duration", time.Since(start).Round(time.Millisecond), "reason", reason)
}

// pump copies page→target and target→page until one side ends, then closes
// both. It returns the byte counts and why it ended.
func pump(ws *websocket.Conn, tcp net.Conn) (up, down int64, reason string) {
	done := make(chan string, 2)
	// page → target
	go func() {
		ws.SetReadLimit(maxMessage)
		ws.SetReadDeadline(time.Now().Add(pongWait))
		ws.SetPongHandler(func(string) error { ws.SetReadDeadline(time.Now().Add(pongWait)); return nil })
		for {
			_, r, err := ws.NextReader()
			if err != nil {
				done <- "page closed"
				return
			}
			ws.SetReadDeadline(time.Now().Add(pongWait))
			n, err := io.Copy(tcp, r)
			up += n
			if err != nil {
				done <- "target write failed"
				return
			}
		}
	}()
	// target → page
	go func() {
		bp := bufPool.Get().(*[]byte)
		defer bufPool.Put(bp)
		buf := *bp
		for {
			n, err := tcp.Read(buf)
			if n > 0 {
				ws.SetWriteDeadline(time.Now().Add(writeWait))
				if werr := ws.WriteMessage(websocket.BinaryMessage, buf[:n]); werr != nil {
					done <- "page write failed"
					return
				}
				down += int64(n)
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					closeWith(ws, CloseTarget, "the server closed the connection")
					done <- "target closed"
				} else {
					closeWith(ws, CloseDial, "target error: "+shortErr(err))
					done <- "target error"
				}
				return
			}
		}
	}()
	ticker := time.NewTicker(pingPeriod)
	defer ticker.Stop()
	for {
		select {
		case reason = <-done:
			tcp.Close()
			ws.Close()
			<-done
			return up, down, reason
		case <-ticker.C:
			if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				tcp.Close()
				ws.Close()
				reason = <-done
				<-done
				return up, down, "ping failed"
			}
		}
	}
}

func closeWith(ws *websocket.Conn, code int, reason string) {
	if len(reason) > 120 { // a close frame's payload is at most 125 bytes
		reason = reason[:120]
	}
	ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(writeWait))
}

func shortErr(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

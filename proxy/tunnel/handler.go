package tunnel

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mailwire/mailwire/proxy/tunnel/policy"
)

const (
	// bufSize is the copy buffer size in each direction: a full TLS record
	// (16 KiB plus overhead) fits in one read, so encrypted traffic crosses
	// the tunnel about one record per message. Buffers come from pools and
	// are held only while bytes are in flight, not while a tunnel idles.
	bufSize = 32 << 10
	// maxMessage bounds one WebSocket message from the page. Messages are
	// streamed through a bufSize buffer, so this bounds a single write of
	// the page, not memory.
	maxMessage = 16 << 20
	// writeWait bounds writing one message or control frame to the page.
	writeWait = 10 * time.Second
	// closeLinger is how long a closing tunnel waits for the page's close
	// frame before dropping the connection, so the page reads our reason
	// rather than a reset.
	closeLinger = 2 * time.Second
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// Config configures a Handler.
type Config struct {
	// Targets is the name-level policy (ports, host lists, named
	// exceptions); nil allows the default mail ports on public addresses.
	Targets *policy.Targets
	// Resolver resolves target names; nil uses net.DefaultResolver.
	Resolver policy.Resolver
	// Connect, when set, replaces the final connect to an address that
	// passed every check (see policy.Dialer.Connect). For tests.
	Connect func(ctx context.Context, network, address string) (net.Conn, error)
	// Origins lists the page origins allowed to open tunnels
	// ("https://mail.example.edu"). Empty means the same origin as the
	// request, and in local mode (no Tokens) only a loopback origin.
	Origins []string
	// Tokens, when set, is shared mode: every tunnel needs a token.
	Tokens *Tokens
	// Limits bound tunnels; zero fields take DefaultLimits.
	Limits Limits
	// TrustedProxies are reverse proxies whose X-Forwarded-For names the
	// client. Requests from elsewhere are keyed by their own address.
	// Forwarded requests are refused in local mode (no Tokens) whatever
	// this says.
	TrustedProxies []netip.Prefix
	Logger         *slog.Logger
}

// Handler serves tunnels at GET /tunnel?host=H&port=P. Create it with New.
type Handler struct {
	cfg      Config
	limits   Limits
	targets  *policy.Targets
	origins  map[string]bool
	dialer   policy.Dialer
	upgrader websocket.Upgrader
	log      *slog.Logger
	m        *metrics
	reg      registry
}

// gorillaWritePool holds the buffers gorilla/websocket would write
// messages from; with a pool it holds none per connection. Tunnels write
// through frameWriter; gorilla only writes refusals' close frames.
var gorillaWritePool sync.Pool

// New returns a Handler for cfg.
func New(cfg Config) *Handler {
	h := &Handler{cfg: cfg, limits: cfg.Limits.withDefaults(), targets: cfg.Targets, log: cfg.Logger}
	if h.targets == nil {
		h.targets = &policy.Targets{}
	}
	if h.log == nil {
		h.log = discard
	}
	if len(cfg.Origins) > 0 {
		h.origins = map[string]bool{}
		for _, o := range cfg.Origins {
			h.origins[strings.ToLower(strings.TrimSuffix(o, "/"))] = true
		}
	}
	h.dialer = policy.Dialer{Resolver: cfg.Resolver, Timeout: h.limits.DialTimeout, Connect: cfg.Connect}
	h.upgrader = websocket.Upgrader{
		// ReadBufferSize 0 keeps net/http's 4 KiB reader for frame
		// headers; payloads bigger than it are read straight into the
		// pooled copy buffer.
		WriteBufferSize:  1024,
		WriteBufferPool:  &gorillaWritePool,
		Subprotocols:     []string{"binary"}, // websockify's name for raw bytes
		HandshakeTimeout: h.limits.HandshakeTimeout,
		CheckOrigin:      h.checkOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, err error) {
			http.Error(w, http.StatusText(status), status)
		},
	}
	h.reg.init(h.limits)
	h.m = newMetrics(func() float64 { return float64(h.reg.open()) })
	return h
}

// Open returns the number of open tunnels.
func (h *Handler) Open() int { return h.reg.open() }

// ServeHTTP checks the Origin (a foreign one gets 403), upgrades, and then
// either refuses the tunnel with a close code and reason or dials the
// target and starts the pumps. It returns once the tunnel runs, so that
// net/http's per-request memory is freed while the tunnel lives on.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered (403 for a foreign Origin)
	}
	now := time.Now()
	client := h.clientAddr(r)
	t := &tunnel{h: h, ws: ws, client: client, addrKey: addrKey(client), start: now}
	q := r.URL.Query()
	t.target = net.JoinHostPort(q.Get("host"), q.Get("port"))
	if cr := h.admit(t, r, q, now); cr != nil {
		h.refuse(t, cr, nil)
		return
	}
	conn, ip, err := h.dialer.Dial(h.reg.ctx, t.host, t.port, t.exempt)
	t.dialled = ip
	if err != nil {
		var be *policy.BlockedError
		if errors.As(err, &be) {
			h.reg.release(t)
			h.refuse(t, reason(ClosePolicy, be.Key, "%s", be.Error()), err)
			return
		}
		cr := reason(CloseDial, "unreachable", "unreachable: %s", shortErr(err))
		if h.reg.ctx.Err() != nil {
			cr = reasonShutdown
		}
		h.reg.release(t)
		h.m.dialFail.Inc()
		h.refuse(t, cr, err)
		return
	}
	t.tcp = conn
	if h.reg.ctx.Err() != nil { // forced shutdown began while dialling
		conn.Close()
		h.reg.release(t)
		h.refuse(t, reasonShutdown, nil)
		return
	}
	h.m.opened.Inc()
	h.log.Info("tunnel open", "client", client.String(), "token", t.tokenID(), "target", t.target, "dialled", ip.String())
	t.run()
}

// admit runs every check that needs no dialling, in order: shutdown, rate,
// forwarding, token, target syntax and policy, open-tunnel limits. On
// success the tunnel holds a place in the registry.
func (h *Handler) admit(t *tunnel, r *http.Request, q url.Values, now time.Time) *closeReason {
	h.reg.mu.Lock()
	closing := h.reg.closing
	h.reg.mu.Unlock()
	if closing {
		return reasonShutdown
	}
	if !h.reg.allowRate(t.addrKey, now) {
		return reason(CloseTryAgain, "rate", "limit: %d new tunnels per minute", h.limits.PerMinute)
	}
	if h.cfg.Tokens == nil && (r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "") {
		// A reverse proxy in front of a server without tokens would make
		// it an open proxy for whoever reaches the reverse proxy.
		return reasonForwarded
	}
	if h.cfg.Tokens != nil {
		tok, err := tokenFrom(q["token"], r.Header.Values("Sec-WebSocket-Protocol"))
		if err != nil {
			return reasonTokenMissing
		}
		if t.token = h.cfg.Tokens.lookup(tok); t.token == nil {
			return reasonTokenUnknown
		}
	}
	host, err := policy.NormalizeHost(q.Get("host"))
	port, perr := strconv.Atoi(q.Get("port"))
	if err != nil || perr != nil || port < 1 || port > 65535 {
		return reasonBadRequest
	}
	t.host, t.port = host, port
	t.target = net.JoinHostPort(host, strconv.Itoa(port))
	exempt, err := h.targets.Check(host, port)
	if err != nil {
		var be *policy.BlockedError
		if errors.As(err, &be) {
			return reason(ClosePolicy, be.Key, "%s", be.Error())
		}
		return reasonBadRequest
	}
	t.exempt = exempt
	return h.reg.reserve(t)
}

// refuse closes a tunnel that never opened, with its reason.
func (h *Handler) refuse(t *tunnel, cr *closeReason, err error) {
	h.m.refused.WithLabelValues(cr.key).Inc()
	args := []any{"client", t.client.String(), "token", t.tokenID(), "target", t.target, "reason", cr.text}
	if t.dialled.IsValid() {
		args = append(args, "dialled", t.dialled.String())
	}
	if err != nil {
		args = append(args, "err", err)
	}
	h.log.Info("tunnel refused", args...)
	closeAndLinger(t.ws, cr)
}

// closeAndLinger sends the close frame, waits briefly for the page's
// answer and drops the connection.
func closeAndLinger(ws *websocket.Conn, cr *closeReason) {
	ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(cr.code, clip(cr.text)), time.Now().Add(writeWait))
	ws.SetReadDeadline(time.Now().Add(closeLinger))
	for {
		if _, _, err := ws.NextReader(); err != nil {
			break
		}
	}
	ws.Close()
}

// clip keeps a close reason within a close frame's 123 bytes (RFC 6455
// §5.5: 125 bytes of payload, 2 of them the code).
func clip(s string) string {
	if len(s) > 123 {
		s = s[:123]
	}
	return s
}

func shortErr(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsNotFound {
			return "no such host"
		}
		return "name lookup failed"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// checkOrigin accepts a request without Origin (not a browser; in shared
// mode it still needs a token), an Origin in the configured list, or, with
// no list, the request's own origin. In local mode the origin must also be
// a loopback name, so a hostile site cannot reach the tunnel by making its
// own name resolve to 127.0.0.1 (DNS rebinding).
func (h *Handler) checkOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	ok := h.originOK(o, r.Host)
	if !ok {
		h.m.refused.WithLabelValues("origin").Inc()
		h.log.Info("tunnel refused", "client", h.clientAddr(r).String(), "reason", "foreign origin", "origin", clip(o))
	}
	return ok
}

func (h *Handler) originOK(origin, host string) bool {
	if h.origins != nil {
		return h.origins[strings.ToLower(origin)]
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, host) {
		return false
	}
	return h.cfg.Tokens != nil || isLoopbackName(u.Hostname())
}

func isLoopbackName(host string) bool {
	host = strings.ToLower(host)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true // RFC 6761 §6.3
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// clientAddr returns the client's address: the peer's, or, when the peer
// is a trusted reverse proxy, the right-most untrusted X-Forwarded-For
// entry.
func (h *Handler) clientAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	ip := ap.Addr().Unmap()
	if !h.trusted(ip) {
		return ip
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		ip = hop.Unmap()
		if !h.trusted(ip) {
			break
		}
	}
	return ip
}

func (h *Handler) trusted(ip netip.Addr) bool {
	for _, p := range h.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// addrKey is what per-address limits count: the IPv4 address, or the /64
// an IPv6 address is in (one host usually holds a whole /64).
func addrKey(ip netip.Addr) string {
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

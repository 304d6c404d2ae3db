package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/mailwire/mailwire/core/explain"
)

// TLSMode says how a session uses TLS.
type TLSMode string

const (
	TLSNone     TLSMode = "none"     // plain text; STARTTLS may still be typed
	TLSStartTLS TLSMode = "starttls" // Open upgrades with STARTTLS/STLS (RFC 3207, RFC 9051 §6.2.1, RFC 2595)
	TLSImplicit TLSMode = "implicit" // TLS from the first byte (RFC 8314: ports 465, 993, 995)
)

// ParseTLSMode reads a TLS mode; "" means none.
func ParseTLSMode(s string) (TLSMode, error) {
	switch m := TLSMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "", TLSNone:
		return TLSNone, nil
	case TLSStartTLS, TLSImplicit:
		return m, nil
	}
	return "", fmt.Errorf("session: unknown TLS mode %q (want none, starttls or implicit)", s)
}

// DefaultTimeout bounds each wait for the server: the greeting, a reply,
// a TLS handshake. RFC 5321 §4.5.3.2 allows servers minutes; a student
// waiting at a prompt should hear back sooner.
const DefaultTimeout = 30 * time.Second

// readBuf is the size of one read from the connection.
const readBuf = 32 * 1024

// Options configure a session.
type Options struct {
	Proto Proto
	TLS   TLSMode
	// ServerName is the name the server's certificate must match, also
	// sent as SNI. Default: the host of the connection's remote address.
	ServerName string
	// ExtraRootsPEM holds CA certificates (PEM) trusted in addition to the
	// built-in roots (golang.org/x/crypto/x509roots/fallback), such as
	// the sandbox's or a lab's CA.
	ExtraRootsPEM []byte
	// AllowUnverified continues over TLS whose certificate does not
	// verify. The TLS event still reports the failure. Off by default.
	AllowUnverified bool
	// ALPN lists application protocols to offer; none by default.
	ALPN []string
	// ClientName is the name sent with EHLO by Open's STARTTLS sequence
	// and by Hello. Default "mailwire.invalid".
	ClientName string
	// Timeout bounds each wait for the server. Default DefaultTimeout.
	Timeout time.Duration
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// Result is the server's final answer to what was sent.
type Result struct {
	OK     bool   `json:"ok"`               // a positive answer: 2xx or 3xx, OK, +OK, or a continuation
	Code   int    `json:"code,omitempty"`   // SMTP reply code
	Status string `json:"status,omitempty"` // IMAP or POP3 status
	Text   string `json:"text,omitempty"`   // the answer in one line
}

// Errors a session returns; test them with errors.Is.
var (
	ErrClosed   = errors.New("session: connection closed")
	ErrTimeout  = errors.New("session: no answer from the server in time")
	ErrRefused  = errors.New("session: the server refused")
	ErrTLS      = errors.New("session: TLS failed")
	ErrProtocol = errors.New("session: wrong protocol for this command")
)

// Session drives one protocol session over a net.Conn: it sends what it
// is given, reads the server continuously, and reports every unit both
// ways, explained, as Events. STARTTLS/STLS accepted by the server is
// followed by the TLS handshake at once, whether the command was typed or
// composed.
//
// Send, Command, Login, SendMail, StartTLS and Quit may be called from
// any goroutine; they run one at a time. Events are emitted in wire
// order, one at a time, from the goroutine that reads the server or the
// one sending.
type Session struct {
	opt   Options
	proto Proto
	raw   *countConn
	emit  Emitter
	done  chan struct{} // closed when the reader has finished

	sendMu sync.Mutex // one Send at a time

	mu          sync.Mutex
	d           explain.Dissector
	conn        net.Conn // raw, or the *tls.Conn over it
	rec         *recorder
	changed     chan struct{}
	closed      bool
	closeErr    error
	localClose  bool
	handshaking bool
	tlsOn       bool
	tlsIn0      int64
	tlsOut0     int64
	tlsErr      error
	final       *explain.Step // the latest final server unit
	serverSteps int
	tagN        int
	pendingLit  int            // IMAP: octets of a literal the typed input still owes
	written     []explain.Step // client units written, their events not yet emitted
	started     bool           // the reader was started (or can no longer be)
	ctx         context.Context
	cancel      context.CancelFunc
}

// Open starts a session over conn. With implicit TLS it first performs
// the handshake; it then waits for the greeting, and with TLSStartTLS it
// upgrades the connection (SMTP: EHLO, STARTTLS, EHLO again; IMAP:
// STARTTLS, CAPABILITY; POP3: STLS, CAPA). The context bounds Open only.
//
// On error the session is returned too, when there is one, so that its
// events are complete; the caller closes it.
func Open(ctx context.Context, conn net.Conn, opt Options, emit Emitter) (*Session, error) {
	s, err := newSession(conn, opt, emit)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(aLongTimeAgo) })
	defer stop()
	if s.opt.TLS == TLSImplicit {
		if err := s.handshake(ctx, true); err != nil {
			return s, err
		}
	}
	s.start()
	if _, err := s.ReadGreeting(ctx); err != nil {
		return s, err
	}
	if s.opt.TLS == TLSStartTLS {
		if err := s.upgrade(ctx); err != nil {
			return s, err
		}
	}
	return s, ctx.Err()
}

func newSession(conn net.Conn, opt Options, emit Emitter) (*Session, error) {
	if opt.Proto == "" {
		opt.Proto = ProtoSMTP
	}
	d, err := NewDissector(opt.Proto)
	if err != nil {
		return nil, err
	}
	if opt.TLS == "" {
		opt.TLS = TLSNone
	}
	if _, err := ParseTLSMode(string(opt.TLS)); err != nil {
		return nil, err
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.ClientName == "" {
		opt.ClientName = "mailwire.invalid"
	}
	if opt.ServerName == "" {
		host, _, err := net.SplitHostPort(conn.RemoteAddr().String())
		if err != nil {
			host = conn.RemoteAddr().String()
		}
		opt.ServerName = host
	}
	raw := &countConn{Conn: conn}
	s := &Session{opt: opt, proto: opt.Proto, raw: raw, emit: emit, d: d, conn: raw,
		changed: make(chan struct{}), done: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.rec = newRecorder(emit)
	if opt.Now != nil {
		s.rec.now = opt.Now
		s.rec.start = opt.Now()
	}
	s.mu.Lock()
	s.send(Event{Dir: DirLocal, Kind: KindConnect, Summary: "connected to " + conn.RemoteAddr().String(),
		Explain: connectExplain(opt), RFC: connectRFC(opt)})
	s.mu.Unlock()
	return s, nil
}

func connectExplain(opt Options) string {
	who := map[Proto]string{ProtoSMTP: "An SMTP", ProtoIMAP: "An IMAP", ProtoPOP3: "A POP3"}[opt.Proto]
	if opt.TLS == TLSImplicit {
		return "The TCP connection is open. With implicit TLS the TLS handshake comes first; then " + strings.ToLower(who[:1]) + who[1:] + " client waits for the server to speak first: the greeting."
	}
	return "The TCP connection is open. " + who + " client now waits for the server to speak first: the greeting."
}

func connectRFC(opt Options) string {
	if opt.TLS == TLSImplicit {
		return "RFC 8314 §3"
	}
	switch opt.Proto {
	case ProtoIMAP:
		return "RFC 9051 §7.1"
	case ProtoPOP3:
		return "RFC 1939 §4"
	}
	return "RFC 5321 §3.1"
}

// send numbers, stamps and emits an event, after the events of the client
// units already written; s.mu is held.
func (s *Session) send(e Event) {
	if len(s.written) > 0 {
		s.flush()
	}
	if e.Proto == "" {
		e.Proto = string(s.proto)
	}
	if s.tlsOn {
		e.WireIn = s.raw.in.Load() - s.tlsIn0
		e.WireOut = s.raw.out.Load() - s.tlsOut0
	}
	s.rec.send(e)
}

// broadcast wakes the waiters; s.mu is held.
func (s *Session) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// flush emits the events of the client units written so far; s.mu is held.
func (s *Session) flush() {
	sts := s.written
	s.written = nil
	s.steps(sts)
}

// steps emits explained units; s.mu is held.
func (s *Session) steps(sts []explain.Step) {
	if len(sts) == 0 {
		return
	}
	st := s.d.State()
	for i := range sts {
		e := FromStep(string(s.proto), sts[i])
		if e.Dir == DirServer {
			e.Valid = st.Valid
			s.serverSteps++
			if isFinal(s.proto, sts[i]) {
				cp := sts[i]
				s.final = &cp
			}
		}
		s.send(e)
	}
}

// isFinal reports whether a server unit answers a command: a reply, a
// tagged or POP3 response, or a continuation request.
func isFinal(p Proto, st explain.Step) bool {
	switch st.Kind {
	case "reply", "greeting", "challenge", "tagged", "response", "continuation":
		return true
	}
	return false
}

// State reports the client state machine.
func (s *Session) State() explain.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.d.State()
}

// Done is closed when the connection is closed and the last events are out.
func (s *Session) Done() <-chan struct{} { return s.done }

// Close closes the connection. It returns once the closing events are
// emitted.
func (s *Session) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.localClose = true
	}
	s.mu.Unlock()
	s.cancel()
	err := s.raw.Conn.Close()
	s.mu.Lock()
	started := s.started
	s.started = true // no reader may start any more
	s.mu.Unlock()
	if !started {
		// the reader never ran (Open failed before it started)
		s.finish(ErrClosed)
		close(s.done)
		return err
	}
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
	}
	return err
}

// start starts the reader once.
func (s *Session) start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		s.started = true
		go s.readLoop()
	}
}

// readLoop reads the server until the connection ends.
func (s *Session) readLoop() {
	defer close(s.done)
	buf := make([]byte, readBuf)
	for {
		s.mu.Lock()
		c := s.conn
		s.mu.Unlock()
		n, err := c.Read(buf)
		if n > 0 {
			s.mu.Lock()
			sts := s.d.Server(buf[:n])
			startTLS := false
			for i := range sts {
				if startTLS {
					sts[i].Problems = append(sts[i].Problems, "sent after the server accepted STARTTLS and before TLS began: injected plaintext, ignored (CVE-2011-0411)")
				}
				startTLS = startTLS || sts[i].StartTLS
			}
			s.steps(sts)
			if startTLS {
				s.handshaking = true
			}
			s.broadcast()
			s.mu.Unlock()
			if startTLS {
				hctx, cancel := context.WithTimeout(s.ctx, s.opt.Timeout)
				herr := s.handshake(hctx, false)
				cancel()
				if herr != nil {
					s.raw.Conn.Close()
					s.finish(herr)
					return
				}
			}
		}
		if err != nil {
			s.finish(err)
			return
		}
	}
}

// finish reports the end of the connection once.
func (s *Session) finish(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.steps(s.d.End())
	s.closed = true
	s.closeErr = err
	who := "the server closed the connection"
	if s.localClose {
		who = "connection closed"
	}
	e := Event{Dir: DirLocal, Kind: KindClose, Summary: who}
	var ne net.Error
	switch {
	case s.localClose:
	case errors.Is(err, ErrTLS):
		e.Summary = "connection closed after a TLS failure"
	case errors.As(err, &ne) && ne.Timeout():
		e.Summary = "connection closed: " + err.Error()
	case err != nil && !isEOF(err):
		e.Summary = "connection lost: " + err.Error()
	}
	st := s.d.State()
	e.State, e.Valid = st.Name, nil
	s.send(e)
	s.broadcast()
}

func isEOF(err error) bool {
	return err != nil && (err.Error() == "EOF" || errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "closed pipe"))
}

// fail emits an error event.
func (s *Session) fail(format string, a ...any) error {
	err := fmt.Errorf(format, a...)
	s.mu.Lock()
	s.send(Event{Dir: DirLocal, Kind: KindError, Summary: err.Error()})
	s.mu.Unlock()
	return err
}

// write feeds bytes to the dissector and writes them to the connection.
// Their events are emitted once the bytes are on their way (explaining and
// reporting them does not delay the command), and always before any event
// that follows, such as the reply.
func (s *Session) write(b []byte) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.written = append(s.written, s.d.Client(b)...)
	c := s.conn
	s.mu.Unlock()
	c.SetWriteDeadline(time.Now().Add(s.opt.Timeout))
	_, err := c.Write(b)
	c.SetWriteDeadline(time.Time{})
	s.mu.Lock()
	s.flush()
	s.mu.Unlock()
	if err != nil {
		return s.fail("session: sending: %v", err)
	}
	return nil
}

// wait blocks until done is true of the state (and no handshake runs),
// the connection closes, ctx ends or the timeout passes.
func (s *Session) wait(ctx context.Context, done func(explain.State) bool) error {
	timer := time.NewTimer(s.opt.Timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		st := s.d.State()
		ch, closed, hs, terr := s.changed, s.closed, s.handshaking, s.tlsErr
		s.mu.Unlock()
		if terr != nil {
			return terr
		}
		if !hs && done(st) {
			return nil
		}
		if closed {
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			s.fail("session: no answer within %v", s.opt.Timeout)
			return ErrTimeout
		}
	}
}

// answered is the usual wait condition: nothing left unanswered, or the
// server waits for the client.
func answered(st explain.State) bool { return st.Waiting == 0 || st.Awaiting != "" }

// result returns the latest final server unit as a Result.
func (s *Session) result() Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.final == nil {
		return Result{}
	}
	st := s.final
	r := Result{Code: st.Code, Status: st.Status, Text: st.Summary}
	switch s.proto {
	case ProtoSMTP:
		r.OK = st.Code >= 200 && st.Code < 400
	case ProtoIMAP:
		r.OK = st.Status == "OK" || st.Kind == "continuation"
	case ProtoPOP3:
		r.OK = st.Status == "+OK" || st.Status == "+"
	}
	return r
}

// ReadGreeting waits for the server's greeting and returns it. A greeting
// that is not positive is an error wrapping ErrRefused.
func (s *Session) ReadGreeting(ctx context.Context) (Result, error) {
	if err := s.wait(ctx, func(st explain.State) bool { return st.Waiting == 0 || s.serverUnits() > 0 }); err != nil {
		if errors.Is(err, ErrClosed) || errors.Is(err, ErrTimeout) || ctx.Err() != nil {
			return Result{}, s.fail("session: no greeting from the server: %v", err)
		}
		return Result{}, err
	}
	r := s.result()
	if !r.OK {
		return r, s.fail("session: %w: the greeting is %q", ErrRefused, r.Text)
	}
	return r, nil
}

func (s *Session) serverUnits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serverSteps
}

// handshake runs the TLS handshake over the raw connection and reports
// it. Called from Open (implicit) or from the reader (STARTTLS).
func (s *Session) handshake(ctx context.Context, implicit bool) error {
	s.mu.Lock()
	s.handshaking = true
	s.tlsIn0, s.tlsOut0 = s.raw.in.Load(), s.raw.out.Load()
	s.mu.Unlock()
	info, tc, err := clientHandshake(ctx, s.raw, s.opt)
	info.Implicit = implicit
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handshaking = false
	s.tlsOn = true
	e := Event{Dir: DirLocal, Kind: KindTLS, TLS: &info, RFC: tlsRFC(s.proto, implicit)}
	if err != nil {
		s.tlsErr = fmt.Errorf("%w: %v", ErrTLS, err)
		e.Summary = "TLS handshake failed: " + err.Error()
		e.Explain = "The TLS handshake did not complete"
		if info.VerifyError != "" {
			e.Explain += ": the server's certificate does not verify (" + info.VerifyError + "). Mailwire trusts the usual public roots and the CA certificates you add; a self-signed or lab server needs its CA added"
		}
		e.Explain += ". The connection is closed: nothing more is sent in the clear."
		e.Problems = []string{err.Error()}
		s.send(e)
		s.broadcast()
		return s.tlsErr
	}
	s.conn = tc
	dropped := s.d.SetTLS()
	e.Summary = fmt.Sprintf("%s, %s", info.Version, info.CipherSuite)
	if info.ALPN != "" {
		e.Summary += ", ALPN " + info.ALPN
	}
	e.Explain = tlsExplain(s.proto, info)
	if dropped > 0 {
		e.Problems = append(e.Problems, fmt.Sprintf("%d bytes arrived after the STARTTLS answer and before TLS: discarded (a plaintext injection attempt, CVE-2011-0411)", dropped))
	}
	st := s.d.State()
	e.State, e.Valid = st.Name, st.Valid
	s.send(e)
	s.broadcast()
	return nil
}

func tlsRFC(p Proto, implicit bool) string {
	if implicit {
		return "RFC 8314 §3"
	}
	switch p {
	case ProtoIMAP:
		return "RFC 9051 §6.2.1"
	case ProtoPOP3:
		return "RFC 2595 §4"
	}
	return "RFC 3207 §4.2"
}

func tlsExplain(p Proto, info TLSInfo) string {
	s := "TLS is on: from here every byte on the wire is encrypted; the timeline goes on with what is said inside TLS. The certificate chain "
	if info.Verified {
		s += "verifies to a trusted root and matches " + info.ServerName + "."
	} else {
		s += "does NOT verify (" + info.VerifyError + "); you chose to continue anyway."
	}
	if !info.Implicit {
		switch p {
		case ProtoSMTP:
			s += " The client forgets what it learned and sends EHLO again (RFC 3207 §4.2)."
		case ProtoIMAP:
			s += " The client forgets the capabilities and asks for them again (RFC 9051 §6.2.1)."
		case ProtoPOP3:
			s += " The client forgets the capabilities and sends CAPA again (RFC 2595 §4)."
		}
	}
	return s
}

// upgrade runs Open's STARTTLS sequence.
func (s *Session) upgrade(ctx context.Context) error {
	switch s.proto {
	case ProtoSMTP:
		if _, err := s.Command(ctx, "EHLO", s.opt.ClientName); err != nil {
			return err
		}
	}
	r, err := s.StartTLS(ctx)
	if err != nil {
		return err
	}
	if !r.OK {
		return s.fail("session: %w: STARTTLS was refused: %s", ErrRefused, r.Text)
	}
	switch s.proto {
	case ProtoSMTP:
		_, err = s.Command(ctx, "EHLO", s.opt.ClientName)
	case ProtoIMAP:
		_, err = s.Command(ctx, "CAPABILITY")
	case ProtoPOP3:
		_, err = s.Command(ctx, "CAPA")
	}
	return err
}

package pop3

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Timeouts.
const (
	// DefaultIdleTimeout is the autologout timer: RFC 1939 section 3 asks
	// for at least 10 minutes of inactivity before a server closes.
	DefaultIdleTimeout = 10 * time.Minute
	// DefaultWriteTimeout bounds one write to a client that stopped
	// reading, so a stuck RETR does not pin a goroutine.
	DefaultWriteTimeout = time.Minute
	// handshakeTimeout bounds a TLS handshake (implicit TLS or STLS).
	handshakeTimeout = 30 * time.Second
	// maxErrors closes a session after this many rejected commands, so a
	// client speaking another protocol does not linger.
	maxErrors = 10
)

// Backend errors with a meaning for the protocol.
var (
	// ErrAuthFailed: wrong user name or password (-ERR [AUTH]).
	ErrAuthFailed = errors.New("pop3: authentication failed")
	// ErrInUse: another session holds the maildrop lock (-ERR [IN-USE]).
	ErrInUse = errors.New("pop3: maildrop in use")
	// ErrServerClosed is returned by Serve after Close.
	ErrServerClosed = errors.New("pop3: server closed")
)

// Backend checks credentials and opens maildrops.
type Backend interface {
	// Login authenticates and locks the user's maildrop (RFC 1939
	// section 4: the server acquires an exclusive-access lock). It returns
	// ErrAuthFailed or ErrInUse, or another error for a server problem.
	Login(username, password string) (Maildrop, error)
}

// MessageInfo describes one message of a maildrop snapshot.
type MessageInfo struct {
	// Size is the octet count as sent (see WireSize).
	Size int64
	// UID is the unique-id listing: 1 to 70 characters from 0x21 to 0x7E,
	// the same for the same message in every session (RFC 1939 section 7).
	UID string
}

// Maildrop is a locked snapshot of one user's messages.
type Maildrop interface {
	// Messages lists the messages; message number n is index n-1. It
	// does not change during the session.
	Messages() []MessageInfo
	// Open returns the bytes of message i (zero-based).
	Open(i int) (io.Reader, error)
	// Delete removes the messages at these indexes; it is called once,
	// in the UPDATE state after QUIT.
	Delete(indexes []int) error
	// Close releases the lock. It is called once, however the session
	// ends.
	Close() error
}

// Server is a POP3 server. Set its fields before calling Serve.
type Server struct {
	Backend Backend
	// TLSConfig enables STLS on plain listeners and is used by
	// ServeTLS.
	TLSConfig *tls.Config
	// AllowInsecureAuth permits USER/PASS and AUTH without TLS. Leave it
	// false unless the listener is on loopback.
	AllowInsecureAuth bool
	// Hostname is named in the greeting.
	Hostname string
	// Implementation is announced in CAPA (RFC 2449 section 6.9).
	Implementation string
	// IdleTimeout and WriteTimeout default to DefaultIdleTimeout and
	// DefaultWriteTimeout.
	IdleTimeout  time.Duration
	WriteTimeout time.Duration
	Logger       *slog.Logger

	mu        sync.Mutex
	listeners map[net.Listener]bool
	conns     map[*conn]bool
	closed    bool
	wg        sync.WaitGroup
}

// Serve accepts plain connections on ln (STLS upgrades them when
// TLSConfig is set) until Close.
func (s *Server) Serve(ln net.Listener) error { return s.serve(ln, false) }

// ServeTLS accepts connections on ln and starts TLS on each at once
// (implicit TLS, RFC 8314 section 3.3; port 995 by convention).
func (s *Server) ServeTLS(ln net.Listener) error {
	if s.TLSConfig == nil {
		return errors.New("pop3: ServeTLS needs a TLSConfig")
	}
	return s.serve(ln, true)
}

func (s *Server) serve(ln net.Listener, implicitTLS bool) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrServerClosed
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]bool{}
		s.conns = map[*conn]bool{}
	}
	s.listeners[ln] = true
	s.mu.Unlock()

	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return fmt.Errorf("pop3: accept: %w", err)
		}
		delay = 0
		c := newConn(s, nc)
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return ErrServerClosed
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			c.serve(implicitTLS)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// Close stops the listeners, closes every connection (no UPDATE state for
// them) and waits for their goroutines.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	var err error
	for ln := range s.listeners {
		if e := ln.Close(); e != nil && err == nil {
			err = e
		}
	}
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) idleTimeout() time.Duration {
	if s.IdleTimeout > 0 {
		return s.IdleTimeout
	}
	return DefaultIdleTimeout
}

func (s *Server) writeTimeout() time.Duration {
	if s.WriteTimeout > 0 {
		return s.WriteTimeout
	}
	return DefaultWriteTimeout
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

package sandbox

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Defaults for Config.
const (
	DefaultHost     = "127.0.0.1"
	DefaultSMTPPort = 1025
	DefaultDomain   = "sandbox.test"

	// maxMessageBytes caps one message; it is announced in EHLO as SIZE.
	maxMessageBytes = 25 << 20
	// maxRecipients caps RCPT TO per transaction.
	maxRecipients = 50
	// connTimeout bounds a silent client, so idle connections do not pile up.
	connTimeout = 5 * time.Minute
)

// Config says where the sandbox listens. A zero port picks a free one.
type Config struct {
	Host     string
	SMTPPort int
	Domain   string
	Logger   *slog.Logger
}

// Target is one service the sandbox offers, as the page lists it.
type Target struct {
	Name  string `json:"name"`
	Proto string `json:"proto"` // "smtp", "imap", "pop3"
	Host  string `json:"host"`
	Port  int    `json:"port"`
	TLS   string `json:"tls"` // "none", "starttls", "implicit"
}

// Sandbox is a running set of mail services over one store.
type Sandbox struct {
	cfg   Config
	store *Store
	smtp  *smtp.Server
	ln    []net.Listener
	tgts  []Target
	wg    sync.WaitGroup
}

// New returns a sandbox for cfg with its demo users. Call Start to listen.
func New(cfg Config) *Sandbox {
	if cfg.Host == "" {
		cfg.Host = DefaultHost
	}
	if cfg.Domain == "" {
		cfg.Domain = DefaultDomain
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Sandbox{cfg: cfg, store: NewStore(cfg.Domain, DemoUsers(cfg.Domain))}
}

// Store returns the sandbox's mailbox store.
func (s *Sandbox) Store() *Store { return s.store }

// Start opens the listeners and serves in the background.
func (s *Sandbox) Start() error {
	srv := smtp.NewServer(&backend{store: s.store})
	srv.Domain = "mx." + s.cfg.Domain
	srv.MaxMessageBytes = maxMessageBytes
	srv.MaxRecipients = maxRecipients
	srv.ReadTimeout = connTimeout
	srv.WriteTimeout = connTimeout
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = slogAdapter{s.cfg.Logger}
	s.smtp = srv
	ln, err := net.Listen("tcp", net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.SMTPPort)))
	if err != nil {
		return fmt.Errorf("sandbox: smtp: %w", err)
	}
	s.ln = append(s.ln, ln)
	port := ln.Addr().(*net.TCPAddr).Port
	s.tgts = append(s.tgts, Target{Name: "Sandbox SMTP", Proto: "smtp", Host: s.cfg.Host, Port: port, TLS: "none"})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			s.cfg.Logger.Error("sandbox smtp stopped", "err", err)
		}
	}()
	return nil
}

// Targets lists the services, with their actual ports.
func (s *Sandbox) Targets() []Target { return append([]Target(nil), s.tgts...) }

// Close stops every service and waits for them.
func (s *Sandbox) Close() error {
	var err error
	if s.smtp != nil {
		err = s.smtp.Close()
	}
	s.wg.Wait()
	return err
}

// backend adapts the store to go-smtp.
type backend struct{ store *Store }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{store: b.store}, nil
}

type session struct {
	store *Store
	from  string
	rcpts []string
}

func (s *session) Reset()        { s.from, s.rcpts = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if _, ok := s.store.UserFor(to); !ok {
		if _, domain, _ := strings.Cut(to, "@"); !strings.EqualFold(domain, s.store.Domain()) {
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relay access denied: the sandbox delivers only to @" + s.store.Domain()}
		}
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	for _, to := range s.rcpts {
		u, _ := s.store.UserFor(to)
		s.store.Deliver(u, b)
	}
	return nil
}

type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Printf(format string, v ...any) { a.l.Warn(fmt.Sprintf(format, v...)) }
func (a slogAdapter) Println(v ...any)               { a.l.Warn(fmt.Sprint(v...)) }

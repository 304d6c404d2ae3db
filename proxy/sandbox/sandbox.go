package sandbox

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-smtp"

	"github.com/mailwire/mailwire/proxy/sandbox/pop3"
)

// Default listen address, ports and domain. The ports are the standard
// ones plus 1000, so that no privileges are needed.
const (
	DefaultHost            = "127.0.0.1"
	DefaultSMTPPort        = 1025 // SMTP (RFC 5321) with STARTTLS (RFC 3207)
	DefaultSubmissionPort  = 1587 // submission (RFC 6409): STARTTLS, then AUTH
	DefaultSubmissionsPort = 1465 // submission over implicit TLS (RFC 8314)
	DefaultIMAPPort        = 1143 // IMAP with STARTTLS
	DefaultIMAPSPort       = 1993 // IMAP over implicit TLS
	DefaultPOP3Port        = 1110 // POP3 with STLS (RFC 2595)
	DefaultPOP3SPort       = 1995 // POP3 over implicit TLS
	DefaultDomain          = "sandbox.test"
)

// Timeouts.
const (
	// smtpTimeout bounds a silent SMTP client (RFC 5321 section 4.5.3.2.7
	// suggests 5 minutes for the server).
	smtpTimeout = 5 * time.Minute
)

// Config says where the sandbox listens and what it holds. For every port
// 0 picks a free one and a negative value turns that listener off.
type Config struct {
	Host            string
	SMTPPort        int
	SubmissionPort  int
	SubmissionsPort int
	IMAPPort        int
	IMAPSPort       int
	POP3Port        int
	POP3SPort       int
	Domain          string
	// Users replaces the demo accounts when not nil.
	Users []User
	// Dir keeps the mailboxes (Maildir) and the TLS CA across restarts;
	// empty keeps everything in memory.
	Dir    string
	Limits Limits
	// ResetToken, when set, also lets clients beyond loopback reset the
	// sandbox over HTTP ("Authorization: Bearer TOKEN").
	ResetToken string
	Logger     *slog.Logger
}

// DefaultConfig returns a Config with the documented ports.
func DefaultConfig() Config {
	return Config{
		Host: DefaultHost, SMTPPort: DefaultSMTPPort, SubmissionPort: DefaultSubmissionPort, SubmissionsPort: DefaultSubmissionsPort,
		IMAPPort: DefaultIMAPPort, IMAPSPort: DefaultIMAPSPort, POP3Port: DefaultPOP3Port, POP3SPort: DefaultPOP3SPort,
		Domain: DefaultDomain,
	}
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
	cfg    Config
	log    *slog.Logger
	store  *Store
	tls    *sandboxTLS
	smtp   []*smtp.Server
	imap   *imapserver.Server
	pop3   *pop3.Server
	ln     []net.Listener
	tgts   []Target
	wg     sync.WaitGroup
	closed bool
}

// New returns a sandbox for cfg. Call Start to load the store and listen.
func New(cfg Config) *Sandbox {
	if cfg.Host == "" {
		cfg.Host = DefaultHost
	}
	if cfg.Domain == "" {
		cfg.Domain = DefaultDomain
	}
	if cfg.Users == nil {
		cfg.Users = DemoUsers(cfg.Domain)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Sandbox{cfg: cfg, log: cfg.Logger}
	s.store = newStore(cfg.Domain, cfg.Users, cfg.Limits)
	return s
}

// Store returns the sandbox's mailbox store.
func (s *Sandbox) Store() *Store { return s.store }

// Targets lists the services, with their actual ports.
func (s *Sandbox) Targets() []Target { return append([]Target(nil), s.tgts...) }

// CAPEM returns the sandbox CA's certificate, PEM-encoded (after Start).
func (s *Sandbox) CAPEM() []byte { return append([]byte(nil), s.tls.caPEM...) }

// Reset empties every mailbox and puts the demo messages back.
func (s *Sandbox) Reset() error {
	err := s.store.Reset()
	if err == nil {
		s.log.Info("sandbox reset")
	}
	return err
}

var userName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Start loads or seeds the store, makes or loads the TLS certificates,
// opens every listener and serves in the background. On error nothing is
// left listening.
func (s *Sandbox) Start() error {
	for _, u := range s.cfg.Users {
		if !userName.MatchString(u.Name) || u.Password == "" {
			return fmt.Errorf("sandbox: user %q: a name is lower-case letters, digits, '.', '_' or '-', and needs a password", u.Name)
		}
	}
	if err := s.loadStore(); err != nil {
		return err
	}
	t, err := loadOrCreateTLS(s.cfg.Dir, s.cfg.Domain, []string{s.cfg.Host}, time.Now())
	if err != nil {
		return err
	}
	s.tls = t
	if err := s.listen(); err != nil {
		s.Close()
		return err
	}
	return nil
}

func (s *Sandbox) loadStore() error {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if s.cfg.Dir != "" {
		st.disk = &maildir{root: filepath.Join(s.cfg.Dir, "mail")}
	}
	for _, name := range st.Users() {
		a := st.users[name]
		if st.disk != nil {
			boxes, found, err := st.disk.loadUser(name, st.nextValidityLocked)
			if err != nil {
				return err
			}
			if found {
				a.boxes = boxes
				for _, mb := range boxes {
					if mb.uidValidity > st.validity {
						st.validity = mb.uidValidity
					}
					for _, m := range mb.msgs {
						a.used += int64(len(m.body))
						st.total += int64(len(m.body))
					}
				}
				if err := st.ensureDefaultsLocked(a); err != nil {
					return err
				}
				continue
			}
		}
		if err := st.ensureDefaultsLocked(a); err != nil {
			return err
		}
		if err := st.seedLocked(a); err != nil {
			return err
		}
	}
	return nil
}

// service is one listener to open.
type service struct {
	name, proto, tls string
	port             int
	serve            func(net.Listener) error
}

func (s *Sandbox) listen() error {
	c := s.cfg
	tlsConf := s.tls.config
	insecureAuth := isLoopback(c.Host)

	newSMTP := func(mode smtpMode, allowInsecureAuth bool) *smtp.Server {
		srv := smtp.NewServer(&smtpBackend{store: s.store, mode: mode, log: s.log})
		srv.Domain = "mx." + c.Domain
		srv.MaxMessageBytes = s.store.limits.MaxMessageBytes
		srv.MaxRecipients = maxRecipients
		srv.ReadTimeout = smtpTimeout
		srv.WriteTimeout = smtpTimeout
		srv.EnableSMTPUTF8 = true
		srv.EnableBINARYMIME = true
		srv.AllowInsecureAuth = allowInsecureAuth
		srv.TLSConfig = tlsConf
		srv.ErrorLog = smtpLogger{s.log}
		s.smtp = append(s.smtp, srv)
		return srv
	}
	relay := newSMTP(smtpRelay, insecureAuth)
	submission := newSMTP(smtpSubmission, false)
	submissions := newSMTP(smtpSubmission, false)

	s.imap = imapserver.New(&imapserver.Options{
		NewSession: func(conn *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return newIMAPSession(s.store, s.log, conn), nil, nil
		},
		Caps:         imapCaps,
		Logger:       imapLogger{s.log},
		TLSConfig:    tlsConf,
		InsecureAuth: insecureAuth,
	})
	s.pop3 = &pop3.Server{
		Backend:           pop3Backend{s.store},
		TLSConfig:         tlsConf,
		AllowInsecureAuth: insecureAuth,
		Hostname:          "pop." + c.Domain,
		Implementation:    "Mailwire-sandbox",
		Logger:            s.log,
	}
	implicit := func(serve func(net.Listener) error) func(net.Listener) error {
		return func(ln net.Listener) error { return serve(tls.NewListener(ln, tlsConf)) }
	}
	services := []service{
		{"Sandbox SMTP", "smtp", "none", c.SMTPPort, relay.Serve},
		{"Sandbox SMTP (STARTTLS)", "smtp", "starttls", c.SMTPPort, nil},
		{"Sandbox submission (STARTTLS, AUTH)", "smtp", "starttls", c.SubmissionPort, submission.Serve},
		{"Sandbox submission (implicit TLS, AUTH)", "smtp", "implicit", c.SubmissionsPort, implicit(submissions.Serve)},
		{"Sandbox IMAP", "imap", "none", c.IMAPPort, s.imap.Serve},
		{"Sandbox IMAP (STARTTLS)", "imap", "starttls", c.IMAPPort, nil},
		{"Sandbox IMAP (implicit TLS)", "imap", "implicit", c.IMAPSPort, implicit(s.imap.Serve)},
		{"Sandbox POP3", "pop3", "none", c.POP3Port, s.pop3.Serve},
		{"Sandbox POP3 (STLS)", "pop3", "starttls", c.POP3Port, nil},
		{"Sandbox POP3 (implicit TLS)", "pop3", "implicit", c.POP3SPort, s.pop3.ServeTLS},
	}
	port := 0
	for _, sv := range services {
		if sv.port < 0 {
			continue
		}
		if sv.serve == nil {
			// The same listener in another TLS mode: STARTTLS upgrades it.
			s.tgts = append(s.tgts, Target{Name: sv.name, Proto: sv.proto, Host: c.Host, Port: port, TLS: sv.tls})
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(c.Host, strconv.Itoa(sv.port)))
		if err != nil {
			return fmt.Errorf("sandbox: %s: %w", sv.name, err)
		}
		s.ln = append(s.ln, ln)
		port = ln.Addr().(*net.TCPAddr).Port
		s.tgts = append(s.tgts, Target{Name: sv.name, Proto: sv.proto, Host: c.Host, Port: port, TLS: sv.tls})
		serve, name := sv.serve, sv.name
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			err := serve(ln)
			if err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, pop3.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
				s.log.Error("sandbox: service stopped", "service", name, "err", err)
			}
		}()
	}
	return nil
}

// Close stops every service and waits for them.
func (s *Sandbox) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	for _, srv := range s.smtp {
		srv.Close()
	}
	if s.imap != nil {
		s.imap.Close()
	}
	if s.pop3 != nil {
		s.pop3.Close()
	}
	for _, ln := range s.ln {
		ln.Close()
	}
	s.wg.Wait()
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type smtpLogger struct{ l *slog.Logger }

func (a smtpLogger) Printf(format string, v ...any) { a.l.Warn(fmt.Sprintf(format, v...)) }
func (a smtpLogger) Println(v ...any)               { a.l.Warn(fmt.Sprint(v...)) }

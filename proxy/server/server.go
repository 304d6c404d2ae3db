package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mailwire/mailwire/proxy/sandbox"
	"github.com/mailwire/mailwire/proxy/tunnel"
	"github.com/mailwire/mailwire/proxy/tunnel/policy"
	"github.com/mailwire/mailwire/proxy/webapp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// DefaultAddr is where the server listens unless told otherwise: loopback
// only, so that nothing beyond this machine can use the tunnel.
const DefaultAddr = "127.0.0.1:8025"

const (
	// readHeaderTimeout bounds a slow client's request headers (Slowloris).
	readHeaderTimeout = 10 * time.Second
	// DefaultShutdownGrace is how long Close lets open tunnels finish
	// before closing them with a reason.
	DefaultShutdownGrace = 10 * time.Second
)

// Config configures a Server.
type Config struct {
	Addr          string         // listen address; DefaultAddr when empty
	Sandbox       bool           // run the built-in sandbox mail server
	SandboxConfig sandbox.Config // where the sandbox listens
	Allow         []string       // extra tunnel targets, as host:port
	App           fs.FS          // the web application; webapp.FS() when nil
	Logger        *slog.Logger

	Tunnel        TunnelConfig  // the tunnel's policy, tokens and limits
	TLSCert       string        // serve https/wss with this certificate (PEM file)...
	TLSKey        string        // ...and this key
	ShutdownGrace time.Duration // how long Close waits for open tunnels; DefaultShutdownGrace when 0
}

// TunnelConfig configures the tunnel. Its zero value is the default
// policy: the mail ports on public addresses, same-origin pages, no
// tokens (which is allowed only when listening on loopback).
type TunnelConfig struct {
	Rules          policy.Rules    // ports, host allow/deny lists, exceptions
	RulesFile      string          // a rules file (see policy.ParseRules), added to Rules
	Origins        []string        // page origins allowed; empty: same origin
	TokenFile      string          // tokens (see tunnel.LoadTokens); required beyond loopback
	Limits         tunnel.Limits   // zero fields take tunnel.DefaultLimits
	TrustedProxies []netip.Prefix  // reverse proxies whose X-Forwarded-For is believed
	Resolver       policy.Resolver // nil: the system's; for tests
}

// Server is a running Mailwire server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	ln      net.Listener
	http    *http.Server
	sandbox *sandbox.Sandbox
	policy  *policy.Targets
	tunnel  *tunnel.Handler
	metrics *prometheus.Registry
	done    chan struct{}
	https   bool // serving TLS (Config.TLSCert)
}

// Start listens, starts the sandbox when asked, and serves in the background.
func Start(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.App == nil {
		cfg.App = webapp.FS()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.ShutdownGrace == 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	s := &Server{cfg: cfg, log: cfg.Logger, done: make(chan struct{})}
	if err := s.setupTunnel(); err != nil {
		return nil, err
	}
	if cfg.Sandbox {
		sc := cfg.SandboxConfig
		if sc.Logger == nil {
			sc.Logger = cfg.Logger.With("component", "sandbox")
		}
		s.sandbox = sandbox.New(sc)
		if err := s.sandbox.Start(); err != nil {
			return nil, err
		}
		for _, t := range s.sandbox.Targets() {
			s.policy.Allow(net.JoinHostPort(t.Host, strconv.Itoa(t.Port)))
		}
	}
	var tlsConfig *tls.Config
	if cfg.TLSCert != "" || cfg.TLSKey != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			if s.sandbox != nil {
				s.sandbox.Close()
			}
			return nil, fmt.Errorf("server: tls: %w", err)
		}
		// HTTP/1.1 only: WebSockets here upgrade an HTTP/1.1 request
		// (RFC 6455), not an HTTP/2 stream (RFC 8441).
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		if s.sandbox != nil {
			s.sandbox.Close()
		}
		return nil, fmt.Errorf("server: %w", err)
	}
	s.ln = ln
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: readHeaderTimeout, ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)}
	if tlsConfig != nil {
		s.https = true
		// A non-nil empty map keeps net/http from offering HTTP/2.
		s.http.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
		ln = tls.NewListener(ln, tlsConfig)
	}
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
	return s, nil
}

// setupTunnel builds the tunnel's policy and handler from cfg.Tunnel.
// Listening beyond loopback without tokens is refused: anyone who can
// reach the port could use the tunnel.
func (s *Server) setupTunnel() error {
	tc := s.cfg.Tunnel
	if tc.TokenFile == "" && !loopbackAddr(s.cfg.Addr) {
		return fmt.Errorf("server: listening on %s reaches beyond this machine; that needs a token file (--tokens) so that only your students can use the tunnel", s.cfg.Addr)
	}
	if tc.TokenFile == "" && len(tc.TrustedProxies) > 0 {
		return fmt.Errorf("server: a trusted reverse proxy makes the tunnel reachable beyond this machine; that needs a token file (--tokens) too")
	}
	rules := tc.Rules
	if tc.RulesFile != "" {
		data, err := os.ReadFile(tc.RulesFile)
		if err != nil {
			return fmt.Errorf("server: rules: %w", err)
		}
		fileRules, diags := policy.ParseRules(string(data))
		if len(diags) > 0 {
			msgs := make([]string, len(diags))
			for i, d := range diags {
				msgs[i] = d.String()
			}
			return fmt.Errorf("server: rules file %s: %s", tc.RulesFile, strings.Join(msgs, "; "))
		}
		rules = rules.Merge(fileRules)
	}
	rules.Exceptions = append(append([]string{}, rules.Exceptions...), s.cfg.Allow...)
	targets, err := policy.NewTargets(rules)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	s.policy = targets
	var tokens *tunnel.Tokens
	if tc.TokenFile != "" {
		tlog := s.log.With("component", "tokens")
		t, diags, err := tunnel.LoadTokens(tc.TokenFile, tlog)
		for _, d := range diags {
			tlog.Warn("token file: line skipped", "file", tc.TokenFile, "problem", d.String())
		}
		if err != nil {
			return fmt.Errorf("server: %w", err)
		}
		tokens = t
	}
	s.tunnel = tunnel.New(tunnel.Config{
		Targets:        targets,
		Resolver:       tc.Resolver,
		Origins:        tc.Origins,
		Tokens:         tokens,
		Limits:         tc.Limits,
		TrustedProxies: tc.TrustedProxies,
		Logger:         s.log.With("component", "tunnel"),
	})
	s.metrics = prometheus.NewRegistry()
	s.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), s.tunnel)
	return nil
}

// loopbackAddr reports whether a listen address stays on this machine.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// URL is the address the page is served at.
func (s *Server) URL() string {
	// Not s.http.TLSConfig: http.Server.Serve sets it up for HTTP/2 even
	// on a plain listener.
	if s.https {
		return "https://" + s.ln.Addr().String()
	}
	return "http://" + s.ln.Addr().String()
}

// Tunnel returns the tunnel handler.
func (s *Server) Tunnel() *tunnel.Handler { return s.tunnel }

// Sandbox returns the running sandbox, or nil.
func (s *Server) Sandbox() *sandbox.Sandbox { return s.sandbox }

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/tunnel", s.tunnel)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /api/config", s.serveConfig)
	if s.sandbox != nil {
		mux.Handle("GET "+sandbox.CAPath, s.sandbox.CAHandler())
		mux.Handle("POST "+sandbox.ResetPath, s.sandbox.ResetHandler())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.Handle("/", webapp.Handler(s.cfg.App))
	return mux
}

// ClientConfig is what the page reads from /api/config.
type ClientConfig struct {
	Targets []sandbox.Target `json:"targets"`

	// Sandbox has the sandbox's CA (the page trusts it for sandbox
	// targets) and demo accounts; absent when the sandbox is off.
	Sandbox *sandbox.ClientInfo `json:"sandbox,omitempty"`
}

func (s *Server) serveConfig(w http.ResponseWriter, r *http.Request) {
	cfg := ClientConfig{Targets: []sandbox.Target{}}
	if s.sandbox != nil {
		cfg.Targets = s.sandbox.Targets()
		ci := s.sandbox.ClientInfo()
		cfg.Sandbox = &ci
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(cfg)
}

// Close shuts the server down: it stops accepting, lets open tunnels and
// requests finish for the grace period (Config.ShutdownGrace), closes the
// tunnels still open with 1001 "shutdown: the server is stopping", then
// stops the sandbox.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	var wg sync.WaitGroup
	var terr error
	wg.Go(func() { terr = s.tunnel.Shutdown(ctx) })
	err := s.http.Shutdown(ctx)
	if err != nil {
		s.http.Close()
	}
	wg.Wait()
	<-s.done
	if terr != nil {
		s.log.Info("tunnels still open at the end of the grace period were closed", "grace", s.cfg.ShutdownGrace)
	}
	if s.sandbox != nil {
		s.sandbox.Close()
	}
	return err
}

package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/mailwire/mailwire/proxy/sandbox"
	"github.com/mailwire/mailwire/proxy/tunnel"
	"github.com/mailwire/mailwire/proxy/webapp"
)

// DefaultAddr is where the server listens unless told otherwise: loopback
// only, so that nothing beyond this machine can use the tunnel.
const DefaultAddr = "127.0.0.1:8025"

const (
	// readHeaderTimeout bounds a slow client's request headers (Slowloris).
	readHeaderTimeout = 10 * time.Second
	// shutdownGrace is how long Close lets open requests finish.
	shutdownGrace = 5 * time.Second
)

// Config configures a Server.
type Config struct {
	Addr          string         // listen address; DefaultAddr when empty
	Sandbox       bool           // run the built-in sandbox mail server
	SandboxConfig sandbox.Config // where the sandbox listens
	Allow         []string       // extra tunnel targets, as host:port
	App           fs.FS          // the web application; webapp.FS() when nil
	Logger        *slog.Logger
}

// Server is a running Mailwire server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	ln      net.Listener
	http    *http.Server
	sandbox *sandbox.Sandbox
	policy  *tunnel.AllowList
	done    chan struct{}
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
	s := &Server{cfg: cfg, log: cfg.Logger, policy: &tunnel.AllowList{}, done: make(chan struct{})}
	if err := s.policy.Allow(cfg.Allow...); err != nil {
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
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		if s.sandbox != nil {
			s.sandbox.Close()
		}
		return nil, fmt.Errorf("server: %w", err)
	}
	s.ln = ln
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: readHeaderTimeout, ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)}
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
	return s, nil
}

// URL is the address the page is served at.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Sandbox returns the running sandbox, or nil.
func (s *Server) Sandbox() *sandbox.Sandbox { return s.sandbox }

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/tunnel", &tunnel.Handler{Policy: s.policy, Logger: s.log.With("component", "tunnel")})
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

// Close shuts the server down: it stops accepting, lets open requests
// finish for a short grace period, then stops the sandbox.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if err != nil {
		s.http.Close()
	}
	<-s.done
	if s.sandbox != nil {
		s.sandbox.Close()
	}
	return err
}

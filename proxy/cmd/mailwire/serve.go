package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mailwire/mailwire/proxy/sandbox"
	"github.com/mailwire/mailwire/proxy/server"
	"github.com/mailwire/mailwire/proxy/tunnel"
)

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", server.DefaultAddr, "listen address for the web app and the tunnel")
	sb := fs.Bool("sandbox", true, "run the built-in sandbox mail server")
	sbHost := fs.String("sandbox-host", sandbox.DefaultHost, "address the sandbox listens on")
	smtpPort := fs.Int("sandbox-smtp-port", sandbox.DefaultSMTPPort, "sandbox SMTP port")
	sbf := sandboxFlags(fs)
	var allow listFlag
	fs.Var(&allow, "allow", "also let the tunnel reach `host:port`, a lab server, even on loopback or a private network (repeatable)")
	tf := tunnelFlags(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	tc, err := tf.config()
	if err != nil {
		fmt.Fprintln(stderr, "mailwire:", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := server.Start(server.Config{
		Addr:          *addr,
		Sandbox:       *sb,
		SandboxConfig: sbf.config(*sbHost, *smtpPort),
		Allow:         allow,
		Logger:        logger,
		Tunnel:        tc,
		TLSCert:       *tf.tlsCert,
		TLSKey:        *tf.tlsKey,
		ShutdownGrace: *tf.grace,
	})
	if err != nil {
		fmt.Fprintln(stderr, "mailwire:", err)
		return 1
	}
	fmt.Fprintf(stdout, "Mailwire is serving on %s\n", srv.URL())
	if s := srv.Sandbox(); s != nil {
		for _, t := range s.Targets() {
			fmt.Fprintf(stdout, "  %s on %s:%d\n", t.Name, t.Host, t.Port)
		}
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	fmt.Fprintf(stdout, "shutting down: open tunnels get up to %s to finish (interrupt again to stop now)\n", *tf.grace)
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
		return 0
	case <-stop:
		fmt.Fprintln(stdout, "stopped")
		return 1
	}
}

// tunnelFlagSet holds the flags that configure the tunnel.
type tunnelFlagSet struct {
	tokens, rules, tlsCert, tlsKey *string
	origins, ports, allowHosts     listFlag
	denyHosts, trustProxies        listFlag
	port25                         *bool
	perAddr, perToken, total, rate *int
	dial, handshake, idle, session *time.Duration
	grace                          *time.Duration
	maxBytes                       *string
}

func tunnelFlags(fs *flag.FlagSet) *tunnelFlagSet {
	d := tunnel.DefaultLimits
	f := &tunnelFlagSet{
		tokens:    fs.String("tokens", "", "token `file` (one token per line, optional label, max=N); required to listen beyond loopback; reloaded when it changes"),
		rules:     fs.String("rules", "", "tunnel rules `file` (port, allow-port-25, allow-host, deny-host, allow directives)"),
		tlsCert:   fs.String("tls-cert", "", "serve https and wss with this certificate `file` (PEM)"),
		tlsKey:    fs.String("tls-key", "", "the certificate's private key `file` (PEM)"),
		port25:    fs.Bool("allow-port-25", false, "also let the tunnel reach port 25 (SMTP relay; off because it makes the tunnel a spam relay)"),
		perAddr:   fs.Int("max-tunnels-per-addr", d.PerAddress, "open tunnels per client address (IPv6: per /64); -1 for no limit"),
		perToken:  fs.Int("max-tunnels-per-token", d.PerToken, "open tunnels per token, unless the token's line says max=N; -1 for no limit"),
		total:     fs.Int("max-tunnels", d.Total, "open tunnels on this server; -1 for no limit"),
		rate:      fs.Int("max-new-per-minute", d.PerMinute, "new tunnels per minute per client address; -1 for no limit"),
		dial:      fs.Duration("dial-timeout", d.DialTimeout, "time to resolve and connect to a mail server"),
		handshake: fs.Duration("handshake-timeout", d.HandshakeTimeout, "time to complete the WebSocket handshake"),
		idle:      fs.Duration("idle-timeout", d.IdleTimeout, "close a tunnel with no data either way for this long; at least 31m (IMAP IDLE, RFC 2177); -1s for none"),
		session:   fs.Duration("max-session", d.MaxSession, "longest life of a tunnel; -1s for no limit"),
		grace:     fs.Duration("shutdown-grace", server.DefaultShutdownGrace, "on shutdown, how long open tunnels may finish before they are closed"),
		maxBytes:  fs.String("max-session-bytes", "512MiB", "bytes a tunnel may carry, both ways together (KiB, MiB, GiB suffixes); -1 for no limit"),
	}
	fs.Var(&f.origins, "origin", "page `origin` allowed to open tunnels, e.g. https://mail.example.edu (repeatable; default: the same origin)")
	fs.Var(&f.ports, "port", "mail `port`s the tunnel may reach, replacing 465,587,993,995,143,110 (repeatable or comma-separated)")
	fs.Var(&f.allowHosts, "allow-host", "only let the tunnel reach this `host` (exact name, or .example.org for any name below it; repeatable)")
	fs.Var(&f.denyHosts, "deny-host", "never let the tunnel reach this `host` (same syntax; repeatable)")
	fs.Var(&f.trustProxies, "trust-proxy", "reverse proxy `address or CIDR` whose X-Forwarded-For names the client (repeatable; needs --tokens)")
	return f
}

func (f *tunnelFlagSet) config() (server.TunnelConfig, error) {
	tc := server.TunnelConfig{
		RulesFile: *f.rules,
		Origins:   f.origins,
		TokenFile: *f.tokens,
	}
	tc.Rules.AllowPort25 = *f.port25
	tc.Rules.AllowHosts = f.allowHosts
	tc.Rules.DenyHosts = f.denyHosts
	for _, v := range f.ports {
		for _, p := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n < 1 || n > 65535 {
				return tc, fmt.Errorf("--port %q: not a port number", p)
			}
			tc.Rules.Ports = append(tc.Rules.Ports, n)
		}
	}
	for _, v := range f.trustProxies {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return tc, fmt.Errorf("--trust-proxy %q: not an address or CIDR", v)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		tc.TrustedProxies = append(tc.TrustedProxies, p)
	}
	if *f.idle >= 0 && *f.idle < tunnel.MinIdleTimeout {
		return tc, fmt.Errorf("--idle-timeout %s is too short: IMAP clients in IDLE stay silent up to 29 minutes (RFC 2177); use at least %s, or -1s for none", *f.idle, tunnel.MinIdleTimeout)
	}
	maxBytes, err := parseBytes(*f.maxBytes)
	if err != nil {
		return tc, fmt.Errorf("--max-session-bytes: %w", err)
	}
	tc.Limits = tunnel.Limits{
		PerAddress:       *f.perAddr,
		PerToken:         *f.perToken,
		Total:            *f.total,
		PerMinute:        *f.rate,
		DialTimeout:      *f.dial,
		HandshakeTimeout: *f.handshake,
		IdleTimeout:      *f.idle,
		MaxSession:       *f.session,
		MaxBytes:         maxBytes,
	}
	return tc, nil
}

// parseBytes reads "512MiB", "2GiB", "64KiB" or a plain number of bytes.
func parseBytes(s string) (int64, error) {
	if s == "-1" {
		return -1, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = v, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a size like 512MiB", s)
	}
	return n * mult, nil
}

// sandboxFlagSet holds the sandbox's flags beyond --sandbox, --sandbox-host
// and --sandbox-smtp-port.
type sandboxFlagSet struct {
	submission, submissions, imap, imaps, pop3, pop3s *int
	dir, domain, resetToken                           *string
	quota, maxMessage, maxStore                       *int64
	users                                             listFlag
}

func sandboxFlags(fs *flag.FlagSet) *sandboxFlagSet {
	const portHelp = "; 0 picks a free port, -1 turns it off"
	f := &sandboxFlagSet{
		submission:  fs.Int("sandbox-submission-port", sandbox.DefaultSubmissionPort, "sandbox submission port (STARTTLS, then AUTH)"+portHelp),
		submissions: fs.Int("sandbox-submissions-port", sandbox.DefaultSubmissionsPort, "sandbox submission port with implicit TLS"+portHelp),
		imap:        fs.Int("sandbox-imap-port", sandbox.DefaultIMAPPort, "sandbox IMAP port (STARTTLS)"+portHelp),
		imaps:       fs.Int("sandbox-imaps-port", sandbox.DefaultIMAPSPort, "sandbox IMAP port with implicit TLS"+portHelp),
		pop3:        fs.Int("sandbox-pop3-port", sandbox.DefaultPOP3Port, "sandbox POP3 port (STLS)"+portHelp),
		pop3s:       fs.Int("sandbox-pop3s-port", sandbox.DefaultPOP3SPort, "sandbox POP3 port with implicit TLS"+portHelp),
		dir:         fs.String("sandbox-dir", "", "keep the sandbox's mailboxes (Maildir) and TLS CA in `DIR` across restarts; default: in memory"),
		domain:      fs.String("sandbox-domain", sandbox.DefaultDomain, "the sandbox's mail domain"),
		resetToken:  fs.String("sandbox-reset-token", "", "also allow POST /api/sandbox/reset from beyond loopback with this bearer `token` (default $MAILWIRE_SANDBOX_RESET_TOKEN)"),
		quota:       fs.Int64("sandbox-quota-mib", sandbox.DefaultQuotaBytes>>20, "sandbox mailbox quota per user, in MiB"),
		maxMessage:  fs.Int64("sandbox-max-message-mib", sandbox.DefaultMaxMessageBytes>>20, "largest message the sandbox accepts, in MiB"),
		maxStore:    fs.Int64("sandbox-max-store-mib", sandbox.DefaultMaxStoreBytes>>20, "total size of the sandbox's store, in MiB"),
	}
	fs.Var(&f.users, "sandbox-user", "sandbox account `name:password` (repeatable; replaces alice and bob)")
	return f
}

func (f *sandboxFlagSet) config(host string, smtpPort int) sandbox.Config {
	c := sandbox.Config{
		Host: host, SMTPPort: smtpPort, SubmissionPort: *f.submission, SubmissionsPort: *f.submissions,
		IMAPPort: *f.imap, IMAPSPort: *f.imaps, POP3Port: *f.pop3, POP3SPort: *f.pop3s,
		Domain: *f.domain, Dir: *f.dir, ResetToken: *f.resetToken,
		Limits: sandbox.Limits{MaxMessageBytes: *f.maxMessage << 20, QuotaBytes: *f.quota << 20, MaxStoreBytes: *f.maxStore << 20},
	}
	if c.ResetToken == "" {
		// From the environment, so that it shows neither in ps nor in
		// --help.
		c.ResetToken = os.Getenv("MAILWIRE_SANDBOX_RESET_TOKEN")
	}
	for _, u := range f.users {
		name, pass, _ := strings.Cut(u, ":")
		c.Users = append(c.Users, sandbox.User{Name: name, Password: pass})
	}
	return c
}

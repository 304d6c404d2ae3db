package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mailwire/mailwire/proxy/sandbox"
	"github.com/mailwire/mailwire/proxy/server"
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
	fs.Var(&allow, "allow", "also let the tunnel reach `host:port` (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := server.Start(server.Config{
		Addr:          *addr,
		Sandbox:       *sb,
		SandboxConfig: sbf.config(*sbHost, *smtpPort),
		Allow:         allow,
		Logger:        logger,
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
	fmt.Fprintln(stdout, "shutting down")
	srv.Close()
	return 0
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

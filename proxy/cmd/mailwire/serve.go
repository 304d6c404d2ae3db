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
	var allow listFlag
	fs.Var(&allow, "allow", "also let the tunnel reach `host:port` (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := server.Start(server.Config{
		Addr:          *addr,
		Sandbox:       *sb,
		SandboxConfig: sandbox.Config{Host: *sbHost, SMTPPort: *smtpPort},
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

package sandbox

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"
)

// start runs a sandbox on free loopback ports; mod adjusts its config.
func start(t testing.TB, mod ...func(*Config)) *Sandbox {
	t.Helper()
	cfg := Config{Host: "127.0.0.1"}
	for _, m := range mod {
		m(&cfg)
	}
	sb := New(cfg)
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// addr finds the listener for a protocol and TLS mode.
func addr(t testing.TB, sb *Sandbox, proto, mode string) string {
	t.Helper()
	for _, tg := range sb.Targets() {
		if tg.Proto == proto && tg.TLS == mode {
			return net.JoinHostPort(tg.Host, strconv.Itoa(tg.Port))
		}
	}
	t.Fatalf("no %s target with TLS %s", proto, mode)
	return ""
}

// submissionAddr is the STARTTLS submission port (the second SMTP
// listener in STARTTLS mode).
func submissionAddr(t testing.TB, sb *Sandbox) string {
	t.Helper()
	for _, tg := range sb.Targets() {
		if strings.HasPrefix(tg.Name, "Sandbox submission (STARTTLS") {
			return net.JoinHostPort(tg.Host, strconv.Itoa(tg.Port))
		}
	}
	t.Fatal("no submission target")
	return ""
}

// clientTLS trusts the sandbox's CA and nothing else.
func clientTLS(t testing.TB, sb *Sandbox) *tls.Config {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(sb.CAPEM()) {
		t.Fatal("CA PEM does not parse")
	}
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

// wire is a raw line-oriented client for transcript tests.
type wire struct {
	t testing.TB
	c net.Conn
	r *bufio.Reader
}

func dial(t testing.TB, address string) *wire {
	t.Helper()
	c, err := net.DialTimeout("tcp", address, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return &wire{t: t, c: c, r: bufio.NewReader(c)}
}

func (w *wire) send(s string) {
	w.t.Helper()
	if _, err := w.c.Write([]byte(s)); err != nil {
		w.t.Fatalf("write %q: %v", s, err)
	}
}

// line reads one line without its CRLF.
func (w *wire) line() string {
	w.t.Helper()
	l, err := w.r.ReadString('\n')
	if err != nil {
		w.t.Fatalf("read: %v (got %q)", err, l)
	}
	return strings.TrimRight(l, "\r\n")
}

// reply reads an SMTP reply, joining multi-line ones with "\n".
func (w *wire) reply() string {
	w.t.Helper()
	var lines []string
	for {
		l := w.line()
		lines = append(lines, l)
		if len(l) < 4 || l[3] != '-' {
			return strings.Join(lines, "\n")
		}
	}
}

// smtpCmd sends a command and checks the reply starts with want.
func (w *wire) smtpCmd(cmd, want string) string {
	w.t.Helper()
	if cmd != "" {
		w.send(cmd + "\r\n")
	}
	r := w.reply()
	if !strings.HasPrefix(r, want) {
		w.t.Fatalf("%q: got %q, want %q...", cmd, r, want)
	}
	return r
}

// closed reports whether the server closes the connection within a few
// seconds, whatever it writes before that.
func (w *wire) closed() bool {
	w.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := io.Copy(io.Discard, w.r)
	var ne net.Error
	return !errors.As(err, &ne) || !ne.Timeout()
}

func TestTargets(t *testing.T) {
	sb := start(t)
	tgs := sb.Targets()
	if len(tgs) != 10 {
		t.Fatalf("got %d targets, want 10: %+v", len(tgs), tgs)
	}
	if tgs[0].Proto != "smtp" || tgs[0].TLS != "none" {
		t.Errorf("first target = %+v, want plain SMTP", tgs[0])
	}
	for _, tg := range tgs {
		if tg.Port == 0 || tg.Host != "127.0.0.1" {
			t.Errorf("target %+v", tg)
		}
	}
}

func TestPortsOff(t *testing.T) {
	sb := start(t, func(c *Config) { c.IMAPSPort, c.POP3Port, c.POP3SPort = -1, -1, -1 })
	for _, tg := range sb.Targets() {
		if tg.Proto == "pop3" || tg.Proto == "imap" && tg.TLS == "implicit" {
			t.Errorf("target %+v should be off", tg)
		}
	}
}

func TestSMTPDelivers(t *testing.T) {
	sb := start(t)
	msg := "From: bob@sandbox.test\r\nTo: alice@sandbox.test\r\nSubject: hi\r\n\r\nHello Alice.\r\n"
	if err := sendPlain(addr(t, sb, "smtp", "none"), "bob@sandbox.test", []string{"alice@sandbox.test"}, msg); err != nil {
		t.Fatal(err)
	}
	got := sb.Store().Messages("alice")
	if last := got[len(got)-1]; string(last.Body) != msg {
		t.Fatalf("alice's last message = %q", last.Body)
	}
}

func TestSMTPRefusesRelay(t *testing.T) {
	sb := start(t)
	a := addr(t, sb, "smtp", "none")
	err := sendPlain(a, "bob@sandbox.test", []string{"victim@example.com"}, "Subject: x\r\n\r\nx\r\n")
	if !isReply(err, 554, "5.7.1") {
		t.Fatalf("relay attempt: err = %v, want 554 5.7.1", err)
	}
	err = sendPlain(a, "bob@sandbox.test", []string{"nobody@sandbox.test"}, "Subject: x\r\n\r\nx\r\n")
	if !isReply(err, 550, "5.1.1") {
		t.Fatalf("unknown user: err = %v, want 550 5.1.1", err)
	}
}

// sendPlain delivers over SMTP without STARTTLS (net/smtp.SendMail would
// upgrade and then distrust the sandbox CA).
func sendPlain(address, from string, to []string, msg string) error {
	c, err := smtp.Dial(address)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(from); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r); err != nil {
			return err
		}
	}
	wc, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := wc.Write([]byte(msg)); err != nil {
		return err
	}
	if err := wc.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func isReply(err error, code int, enhanced string) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code == code && strings.HasPrefix(te.Msg, enhanced+" ")
}

func TestSMTPExtensions(t *testing.T) {
	sb := start(t)
	w := dial(t, addr(t, sb, "smtp", "none"))
	w.smtpCmd("", "220 mx.sandbox.test ESMTP")
	ehlo := w.smtpCmd("EHLO client.example", "250-")
	for _, ext := range []string{"PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "CHUNKING", "STARTTLS", "AUTH PLAIN LOGIN", "SMTPUTF8", "SIZE 26214400"} {
		if !strings.Contains(ehlo, "250-"+ext+"\n") && !strings.HasSuffix(ehlo, "250 "+ext) {
			t.Errorf("EHLO lacks %s:\n%s", ext, ehlo)
		}
	}
	w.smtpCmd("HELO client.example", "250 2.0.0 Hello")
	w.smtpCmd("QUIT", "221 2.0.0")
}

func TestSubmissionNeedsTLSAndAuth(t *testing.T) {
	sb := start(t)
	w := dial(t, submissionAddr(t, sb))
	w.smtpCmd("", "220 ")
	ehlo := w.smtpCmd("EHLO client.example", "250-")
	if strings.Contains(ehlo, "AUTH") || !strings.Contains(ehlo, "STARTTLS") {
		t.Fatalf("before TLS the submission port must offer STARTTLS and not AUTH:\n%s", ehlo)
	}
	w.smtpCmd("MAIL FROM:<alice@sandbox.test>", "530 5.7.0")
	w.smtpCmd("AUTH PLAIN AGFsaWNlAGFsaWNlLXBhc3N3b3Jk", "523 5.7.10")

	dialTLS := func() *smtp.Client {
		c, err := smtp.Dial(submissionAddr(t, sb))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if err := c.StartTLS(clientTLS(t, sb)); err != nil {
			t.Fatal(err)
		}
		return c
	}
	// net/smtp quits after a failed AUTH, hence two connections.
	if err := dialTLS().Auth(smtp.PlainAuth("", "alice@sandbox.test", "wrong", "127.0.0.1")); !isReply(err, 535, "5.7.8") {
		t.Fatalf("wrong password: %v, want 535 5.7.8", err)
	}
	c := dialTLS()
	if err := c.Auth(smtp.PlainAuth("", "alice@sandbox.test", "alice-password", "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("alice@sandbox.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("bob@sandbox.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("someone@example.org"); !isReply(err, 554, "5.7.1") {
		t.Fatalf("authenticated relay: %v, want 554 5.7.1 (no relaying anywhere)", err)
	}
}

package session

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// act is one step of a scripted server.
type act struct {
	send   string      // write these bytes
	expect string      // read one line and check it is this (without CR LF)
	readN  int         // read this many bytes
	tls    *tls.Config // switch to TLS as the server
	hangup bool        // close the connection
	sleep  time.Duration
}

func send(s string) act   { return act{send: s} }
func expect(s string) act { return act{expect: s, readN: -1} }

// scripted runs a scripted server on the far end of a pipe and returns
// the client's end. The script's failures are reported to t.
func scripted(t *testing.T, acts ...act) net.Conn {
	t.Helper()
	client, server := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		var conn net.Conn = server
		defer func() { conn.Close() }()
		br := bufio.NewReader(conn)
		for i, a := range acts {
			switch {
			case a.send != "":
				if _, err := conn.Write([]byte(a.send)); err != nil {
					t.Errorf("script step %d: write: %v", i, err)
					return
				}
			case a.expect != "" || a.readN < 0:
				line, err := br.ReadString('\n')
				if err != nil {
					t.Errorf("script step %d: want %q, read error %v", i, a.expect, err)
					return
				}
				if got := strings.TrimSuffix(line, "\r\n"); got != a.expect {
					t.Errorf("script step %d: got %q, want %q", i, got, a.expect)
					return
				}
			case a.readN > 0:
				b := make([]byte, a.readN)
				if _, err := io.ReadFull(br, b); err != nil {
					t.Errorf("script step %d: read %d: %v", i, a.readN, err)
					return
				}
			case a.tls != nil:
				if br.Buffered() > 0 {
					t.Errorf("script step %d: %d plaintext bytes buffered before TLS", i, br.Buffered())
				}
				tc := tls.Server(conn, a.tls)
				if err := tc.Handshake(); err != nil {
					return // the client refused: its test checks why
				}
				conn = tc
				br = bufio.NewReader(conn)
			case a.hangup:
				return
			case a.sleep > 0:
				time.Sleep(a.sleep)
			}
		}
		// then drain until the client hangs up
		io.Copy(io.Discard, br)
	}()
	t.Cleanup(func() {
		client.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("scripted server did not finish")
		}
	})
	return client
}

// events collects a session's events safely.
type events struct {
	mu sync.Mutex
	l  []Event
}

func (e *events) add(ev Event) { e.mu.Lock(); e.l = append(e.l, ev); e.mu.Unlock() }
func (e *events) all() []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Event(nil), e.l...)
}

// find returns the first event of a kind.
func (e *events) find(k Kind) (Event, bool) {
	for _, ev := range e.all() {
		if ev.Kind == k {
			return ev, true
		}
	}
	return Event{}, false
}

// noSecret fails if secret shows in any event.
func (e *events) noSecret(t *testing.T, secrets ...string) {
	t.Helper()
	for _, ev := range e.all() {
		dump := fmt.Sprintf("%+v %s %s", ev, ev.Raw, ev.Message)
		for _, s := range secrets {
			if strings.Contains(dump, s) {
				t.Errorf("secret %q in event %d (%s): %s", s, ev.Seq, ev.Kind, ev.Raw)
			}
		}
	}
}

// testPKI is a CA and a server certificate for mx.test and 127.0.0.1.
type testPKI struct {
	caPEM  []byte
	server tls.Certificate
}

var pki = sync.OnceValue(func() testPKI {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Mailwire Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, _ := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "mx.test"},
		DNSNames: []string{"mx.test"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, _ := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	return testPKI{
		caPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		server: tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: key},
	}
})

func serverTLS() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{pki().server}}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSMTPStartTLSAndLogin(t *testing.T) {
	conn := scripted(t,
		send("220 mx.test ESMTP\r\n"),
		expect("EHLO c.test"),
		send("250-mx.test\r\n250-STARTTLS\r\n250 SIZE 1000\r\n"),
		expect("STARTTLS"),
		send("220 2.0.0 Ready to start TLS\r\n"),
		act{tls: serverTLS()},
		expect("EHLO c.test"),
		send("250-mx.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n"),
		expect("AUTH PLAIN AGFsaWNlAGFsaWNlLXBhc3M="),
		send("235 2.7.0 Authentication successful\r\n"),
		expect("QUIT"),
		send("221 2.0.0 Bye\r\n"),
		act{hangup: true},
	)
	var ev events
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoSMTP, TLS: TLSStartTLS, ServerName: "mx.test",
		ExtraRootsPEM: pki().caPEM, ClientName: "c.test"}, ev.add)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	tlsEv, ok := ev.find(KindTLS)
	if !ok || tlsEv.TLS == nil {
		t.Fatal("no TLS event")
	}
	if ti := tlsEv.TLS; !ti.Verified || ti.Version != "TLS 1.3" || ti.CipherSuite == "" || len(ti.Chain) != 2 || ti.Chain[0].Subject != "CN=mx.test" {
		t.Errorf("TLS info = %+v", ti)
	}
	st := s.State()
	if st.Name != "ready" || !st.TLS {
		t.Errorf("state after STARTTLS and EHLO = %+v", st)
	}
	r, err := s.Login(ctxT(t), "alice", "alice-pass")
	if err != nil || !r.OK || r.Code != 235 {
		t.Fatalf("Login = %+v, %v", r, err)
	}
	if st := s.State(); st.User != "alice" {
		t.Errorf("user = %q", st.User)
	}
	if r, err := s.Quit(ctxT(t)); err != nil || r.Code != 221 {
		t.Errorf("Quit = %+v, %v", r, err)
	}
	<-s.Done()
	ev.noSecret(t, "alice-pass", "AGFsaWNlAGFsaWNlLXBhc3M=")
	last := ev.all()[len(ev.all())-1]
	if last.Kind != KindClose || last.WireIn == 0 || last.WireOut == 0 {
		t.Errorf("last event = %+v, want a close with encrypted byte counts", last)
	}
	// every unit after the handshake carries the encrypted byte counts
	afterTLS := false
	for _, e := range ev.all() {
		if e.Kind == KindTLS {
			afterTLS = true
		} else if afterTLS && e.Dir == DirServer && e.WireIn == 0 {
			t.Errorf("event %d after TLS without byte counts", e.Seq)
		}
	}
}

func TestTLSUnverifiedIsRefused(t *testing.T) {
	conn := scripted(t, act{tls: serverTLS()})
	var ev events
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoIMAP, TLS: TLSImplicit, ServerName: "mx.test"}, ev.add)
	if !errors.Is(err, ErrTLS) {
		t.Fatalf("Open err = %v, want ErrTLS", err)
	}
	s.Close()
	tlsEv, ok := ev.find(KindTLS)
	if !ok || tlsEv.TLS.Verified || tlsEv.TLS.VerifyError == "" || len(tlsEv.TLS.Chain) != 2 {
		t.Errorf("TLS event = %+v", tlsEv.TLS)
	}
}

func TestTLSWrongName(t *testing.T) {
	conn := scripted(t, act{tls: serverTLS()})
	var ev events
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoPOP3, TLS: TLSImplicit, ServerName: "other.test", ExtraRootsPEM: pki().caPEM}, ev.add)
	if !errors.Is(err, ErrTLS) {
		t.Fatalf("Open err = %v, want ErrTLS", err)
	}
	s.Close()
	if e, _ := ev.find(KindTLS); !strings.Contains(e.TLS.VerifyError, "other.test") {
		t.Errorf("verify error = %q", e.TLS.VerifyError)
	}
}

func TestIMAPImplicitTLSLiterals(t *testing.T) {
	conn := scripted(t,
		act{tls: serverTLS()},
		send("* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] ready\r\n"),
		expect("a1 LOGIN {5}"),
		send("+ go\r\n"),
		expect("alice {10}"),
		send("+ go\r\n"),
		expect("alice-pass"),
		send("a1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n"),
		expect("A001 select INBOX"),
		send("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UNSEEN 2] u\r\nA001 OK [READ-WRITE] done\r\n"),
		expect("A002 APPEND INBOX {9999}"),
		send("A002 NO [TOOBIG] too big\r\n"),
		expect("A003 NOOP"),
		send("A003 OK done\r\n"),
	)
	var ev events
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoIMAP, TLS: TLSImplicit, ServerName: "127.0.0.1", ExtraRootsPEM: pki().caPEM}, ev.add)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if r, err := s.Send(ctxT(t), "a1 LOGIN {5}\nalice {10}\nalice-pass"); err != nil || !r.OK || r.Status != "OK" {
		t.Fatalf("LOGIN = %+v, %v", r, err)
	}
	if r, err := s.Send(ctxT(t), "select INBOX"); err != nil || !r.OK {
		t.Fatalf("SELECT = %+v, %v", r, err)
	}
	st := s.State()
	if st.Name != "selected" || !hasLearned(st, "UIDVALIDITY", "7") || !hasLearned(st, "UNSEEN", "2") || !hasLearned(st, "EXISTS", "3") {
		t.Errorf("state = %+v", st)
	}
	r, err := s.Send(ctxT(t), "APPEND INBOX {9999}\nnever sent")
	if err != nil || r.OK || r.Status != "NO" {
		t.Fatalf("refused APPEND = %+v, %v", r, err)
	}
	if r, err := s.Send(ctxT(t), "NOOP"); err != nil || !r.OK {
		t.Fatalf("NOOP = %+v, %v", r, err)
	}
	var raws []string
	for _, e := range ev.all() {
		if e.Dir == DirClient && e.Verb == "LOGIN" {
			raws = append(raws, string(e.Raw))
		}
	}
	if strings.Join(raws, "|") != "a1 LOGIN {5}\r\n|alice {8}\r\n|********\r\n" {
		t.Errorf("LOGIN as shown = %q", raws)
	}
	ev.noSecret(t, "alice-pass")
}

func TestIMAPLiteralInTwoSends(t *testing.T) {
	conn := scripted(t,
		send("* OK ready\r\n"),
		expect("A001 LOGIN alice {10}"),
		send("+ go\r\n"),
		expect("alice-pass"),
		send("A001 OK Logged in\r\n"),
		expect("A002 IDLE"),
		send("+ idling\r\n"),
		send("* 4 EXISTS\r\n"),
		expect("DONE"),
		send("A002 OK done\r\n"),
	)
	var ev events
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoIMAP}, ev.add)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r, err := s.Send(ctxT(t), "LOGIN alice {10}"); err != nil || !r.OK || s.State().Awaiting != "literal" {
		t.Fatalf("LOGIN header = %+v, %v, %+v", r, err, s.State())
	}
	if r, err := s.Send(ctxT(t), "alice-pass"); err != nil || !r.OK || s.State().Name != "authenticated" {
		t.Fatalf("literal = %+v, %v, %+v", r, err, s.State())
	}
	if r, err := s.Command(ctxT(t), "IDLE"); err != nil || !r.OK || s.State().Awaiting != "idle" {
		t.Fatalf("IDLE = %+v, %v", r, err)
	}
	if r, err := s.Send(ctxT(t), "DONE"); err != nil || r.Status != "OK" || s.State().Name != "authenticated" {
		t.Fatalf("DONE = %+v, %v, %+v", r, err, s.State())
	}
	ev.noSecret(t, "alice-pass")
}

func TestSMTPTypedTransaction(t *testing.T) {
	conn := scripted(t,
		send("220 mx ESMTP\r\n"),
		expect("HELO c"), send("250 mx\r\n"),
		expect("MAIL FROM:<a@b>"), send("250 ok\r\n"),
		expect("RCPT TO:<c@d>"), send("250 ok\r\n"),
		expect("DATA"), send("354 go\r\n"),
		expect("Subject: x"), expect(""), expect("..dot"), expect("."),
		send("250 queued as X1\r\n"),
		expect("RCPT TO:<e@f>"), send("503 need MAIL\r\n"),
	)
	var ev events
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoSMTP}, ev.add)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Send(ctxT(t), "HELO c\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\nDATA\nSubject: x\n\n..dot\n.\n")
	if err != nil || r.Code != 250 || !strings.Contains(r.Text, "queued") {
		t.Fatalf("transaction = %+v, %v", r, err)
	}
	r, err = s.Send(ctxT(t), "RCPT TO:<e@f>")
	if err != nil || r.Code != 503 || r.OK {
		t.Fatalf("RCPT out of sequence = %+v, %v", r, err)
	}
	var warned bool
	for _, e := range ev.all() {
		if e.Kind == KindCommand && e.Verb == "RCPT" && len(e.Warnings) > 0 {
			warned = true
		}
		if e.Kind == KindData && string(e.Message) != "Subject: x\r\n\r\n.dot\r\n" {
			t.Errorf("message = %q", e.Message)
		}
	}
	if !warned {
		t.Error("RCPT before MAIL not flagged")
	}
}

func TestSendMail(t *testing.T) {
	conn := scripted(t,
		send("220 mx ESMTP\r\n"),
		expect("EHLO c"), send("250-mx\r\n250 SIZE 100\r\n"),
		expect("MAIL FROM:<a@b> SIZE=12"), send("250 ok\r\n"),
		expect("RCPT TO:<x@y>"), send("550 no\r\n"),
		expect("RCPT TO:<c@d>"), send("250 ok\r\n"),
		expect("DATA"), send("354 go\r\n"),
		expect("S: 1"), expect(""), expect("..x"), expect("."),
		send("250 ok\r\n"),
	)
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoSMTP}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Command(ctxT(t), "EHLO", "c"); err != nil {
		t.Fatal(err)
	}
	if r, err := s.SendMail(ctxT(t), "a@b", []string{"x@y", "c@d"}, []byte("S: 1\n\n.x")); err != nil || r.Code != 250 {
		t.Fatalf("SendMail = %+v, %v", r, err)
	}
}

func TestSendMessage(t *testing.T) {
	conn := scripted(t,
		send("220 mx ESMTP\r\n"),
		expect("DATA"), send("503 5.5.1 MAIL first\r\n"),
		expect("MAIL FROM:<a@b>"), send("250 ok\r\n"),
		expect("RCPT TO:<c@d>"), send("250 ok\r\n"),
		expect("DATA"), send("354 go\r\n"),
		expect("Subject: s"), expect(""), expect(".."), expect("..x"), expect("y"), expect("."),
		send("250 2.0.0 queued\r\n"),
	)
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoSMTP}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SendMessage(ctxT(t), []byte("x")); err == nil {
		t.Fatal("SendMessage before 354: no error")
	}
	if r, _ := s.Send(ctxT(t), "DATA"); r.Code != 503 {
		t.Fatalf("DATA before MAIL = %+v", r)
	}
	for _, line := range []string{"MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA"} {
		if _, err := s.Send(ctxT(t), line); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := s.SendMessage(ctxT(t), []byte("Subject: s\n\n.\n.x\r\ny")); err != nil || r.Code != 250 {
		t.Fatalf("SendMessage = %+v, %v", r, err)
	}
}

func TestPOP3LoginAndRetr(t *testing.T) {
	conn := scripted(t,
		send("+OK ready <1.2@x>\r\n"),
		expect("USER alice"), send("+OK\r\n"),
		expect("PASS alice pass"), send("+OK Logged in.\r\n"),
		expect("RETR 1"), send("+OK 20 octets\r\nSubject: x\r\n\r\n..y\r\n.\r\n"),
	)
	var ev events
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoPOP3}, ev.add)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r, err := s.Login(ctxT(t), "alice", "alice pass"); err != nil || !r.OK {
		t.Fatalf("Login = %+v, %v", r, err)
	}
	if r, err := s.Send(ctxT(t), "RETR 1"); err != nil || !r.OK {
		t.Fatalf("RETR = %+v, %v", r, err)
	}
	var msg string
	for _, e := range ev.all() {
		if e.Verb == "RETR" && e.Dir == DirServer {
			msg = string(e.Message)
		}
	}
	if msg != "Subject: x\r\n\r\n.y\r\n" {
		t.Errorf("message = %q", msg)
	}
	if st := s.State(); st.Name != "transaction" || st.User != "alice" {
		t.Errorf("state = %+v", st)
	}
	ev.noSecret(t, "alice pass")
}

func TestTimeoutAndCancel(t *testing.T) {
	conn := scripted(t, send("+OK ready\r\n"), expect("NOOP"), act{sleep: time.Second})
	var ev events
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoPOP3, Timeout: 100 * time.Millisecond}, ev.add)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Send(ctxT(t), "NOOP"); !errors.Is(err, ErrTimeout) {
		t.Errorf("err = %v, want ErrTimeout", err)
	}
	if _, ok := ev.find(KindError); !ok {
		t.Error("no error event for the timeout")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Send(ctx, "NOOP"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestServerHangsUp(t *testing.T) {
	conn := scripted(t, send("* OK ready\r\n"), expect("A001 NOOP"), act{hangup: true})
	var ev events
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoIMAP}, ev.add)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Send(ctxT(t), "NOOP"); !errors.Is(err, ErrClosed) {
		t.Errorf("err = %v, want ErrClosed", err)
	}
	<-s.Done()
	if e, ok := ev.find(KindClose); !ok || !strings.Contains(e.Summary, "server closed") {
		t.Errorf("close event = %+v", e)
	}
}

func TestSTARTTLSInjection(t *testing.T) {
	conn := scripted(t,
		send("+OK ready\r\n"),
		expect("STLS"),
		send("+OK go\r\n+OK injected\r\n+OK part"),
		act{tls: serverTLS()},
		expect("CAPA"), send("+OK\r\nUSER\r\n.\r\n"),
	)
	var ev events
	s, err := Open(ctxT(t), conn, Options{Proto: ProtoPOP3, TLS: TLSStartTLS, ServerName: "mx.test", ExtraRootsPEM: pki().caPEM}, ev.add)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	e, _ := ev.find(KindTLS)
	if len(e.Problems) != 1 || !strings.Contains(e.Problems[0], "8 bytes") {
		t.Errorf("TLS event problems = %q, want the 8 bytes of the cut line dropped", e.Problems)
	}
	injected := false
	for _, e := range ev.all() {
		if string(e.Raw) == "+OK injected\r\n" {
			injected = len(e.Problems) == 1 && strings.Contains(e.Problems[0], "injected")
		}
	}
	if !injected {
		t.Error("the injected response is not flagged")
	}
}

func TestAstring(t *testing.T) {
	for in, want := range map[string]string{
		"alice":    "alice",
		"a b":      `"a b"`,
		`p"w\`:     `"p\"w\\"`,
		"":         `""`,
		"nil":      `"nil"`,
		"line\nxx": "{7}\r\nline\nxx",
		"é":        "{2}\r\né",
	} {
		if got := Astring(in); got != want {
			t.Errorf("Astring(%q) = %q, want %q", in, got, want)
		}
	}
}

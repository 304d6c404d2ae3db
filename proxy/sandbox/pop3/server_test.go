package pop3

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"flag"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", os.Getenv("UPDATE_GOLDEN") == "1", "rewrite the golden transcripts")

// fakeBackend has one user, alice/pw, with three awkward messages.
type fakeBackend struct {
	mu      sync.Mutex
	locked  bool
	msgs    [][]byte
	deleted []int
}

func newFake() *fakeBackend {
	return &fakeBackend{msgs: [][]byte{
		[]byte("Subject: one\r\n\r\nline 1\r\n.dot line\r\n.\r\nlast\r\n"),
		[]byte("Subject: two\n\nbare LF\nno final line end"),
		[]byte("Subject: three\r\n"),
	}}
}

func (b *fakeBackend) Login(user, pass string) (Maildrop, error) {
	if user != "alice" || pass != "pw with spaces" {
		return nil, ErrAuthFailed
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.locked {
		return nil, ErrInUse
	}
	b.locked = true
	return &fakeDrop{b}, nil
}

type fakeDrop struct{ b *fakeBackend }

func (d *fakeDrop) Messages() []MessageInfo {
	var out []MessageInfo
	for i, m := range d.b.msgs {
		out = append(out, MessageInfo{Size: WireSize(m), UID: "uid-" + string(rune('a'+i))})
	}
	return out
}
func (d *fakeDrop) Open(i int) (io.Reader, error) { return bytes.NewReader(d.b.msgs[i]), nil }
func (d *fakeDrop) Delete(idx []int) error {
	d.b.mu.Lock()
	d.b.deleted = append(d.b.deleted, idx...)
	d.b.mu.Unlock()
	return nil
}
func (d *fakeDrop) Close() error {
	d.b.mu.Lock()
	d.b.locked = false
	d.b.mu.Unlock()
	return nil
}

func serve(t *testing.T, s *Server, implicit bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		if implicit {
			s.ServeTLS(ln)
		} else {
			s.Serve(ln)
		}
	}()
	t.Cleanup(func() { s.Close() })
	return ln.Addr().String()
}

// TestTranscripts replays testdata/transcripts/*.in (client lines, sent
// at once: pipelining) and compares everything the server says with the
// .golden file. UPDATE_GOLDEN=1 rewrites the golden files.
func TestTranscripts(t *testing.T) {
	ins, _ := filepath.Glob("testdata/transcripts/*.in")
	if len(ins) == 0 {
		t.Fatal("no transcripts")
	}
	for _, in := range ins {
		t.Run(filepath.Base(in), func(t *testing.T) {
			b := newFake()
			a := serve(t, &Server{Backend: b, AllowInsecureAuth: true, Hostname: "pop.test", Implementation: "test"}, false)
			client, _ := os.ReadFile(in)
			c, err := net.Dial("tcp", a)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			c.Write(bytes.ReplaceAll(bytes.ReplaceAll(client, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n")))
			got, _ := io.ReadAll(c)
			golden := strings.TrimSuffix(in, ".in") + ".golden"
			if *update {
				os.WriteFile(golden, got, 0o644)
			}
			want, _ := os.ReadFile(golden)
			if !bytes.Equal(got, want) {
				t.Errorf("server said:\n%s\nwant:\n%s", got, want)
			}
			if strings.Contains(in, "update") && len(b.deleted) != 1 {
				t.Errorf("UPDATE deleted %v", b.deleted)
			}
		})
	}
}

func testCert(t *testing.T) *tls.Config {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pop.test"}, DNSNames: []string{"pop.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// line-oriented helper for the TLS tests.
type client struct {
	t *testing.T
	c net.Conn
	r []byte
}

func (c *client) cmd(line, want string) {
	c.t.Helper()
	if line != "" {
		io.WriteString(c.c, line+"\r\n")
	}
	var buf []byte
	one := make([]byte, 1)
	for !bytes.HasSuffix(buf, []byte("\r\n")) {
		if _, err := c.c.Read(one); err != nil {
			c.t.Fatalf("%q: %v after %q", line, err, buf)
		}
		buf = append(buf, one[0])
	}
	if !strings.HasPrefix(string(buf), want) {
		c.t.Fatalf("%q: got %q, want %q", line, buf, want)
	}
}

func TestSTLSAndImplicitTLS(t *testing.T) {
	conf := testCert(t)
	pool := x509.NewCertPool()
	pool.AddCert(mustParse(t, conf))
	cconf := &tls.Config{RootCAs: pool, ServerName: "pop.test"}

	// Without TLS and without AllowInsecureAuth, credentials are refused.
	a := serve(t, &Server{Backend: newFake(), TLSConfig: conf}, false)
	nc, err := net.Dial("tcp", a)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	c := &client{t: t, c: nc}
	c.cmd("", "+OK")
	c.cmd("USER alice", "-ERR [AUTH] Plaintext authentication disallowed")
	c.cmd("AUTH PLAIN AGFsaWNlAHB3IHdpdGggc3BhY2Vz", "-ERR [AUTH]")
	// STLS with a command pipelined behind it: the plaintext command must
	// not run inside TLS.
	io.WriteString(nc, "STLS\r\nUSER injected\r\n")
	c.cmd("", "+OK Begin TLS")
	tc := tls.Client(nc, cconf)
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	c.c = tc
	c.cmd("PASS pw with spaces", "-ERR PASS must follow") // USER injected was dropped
	c.cmd("USER alice", "+OK")
	c.cmd("PASS pw with spaces", "+OK Logged in, maildrop has 3 messages")
	c.cmd("STLS", "-ERR STLS is only valid")
	c.cmd("QUIT", "+OK")

	b := newFake()
	a = serve(t, &Server{Backend: b, TLSConfig: conf}, true)
	tc, err = tls.Dial("tcp", a, cconf)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	c = &client{t: t, c: tc}
	c.cmd("", "+OK")
	c.cmd("AUTH PLAIN", "+ ")
	c.cmd("AGFsaWNlAHB3IHdpdGggc3BhY2Vz", "+OK Logged in")
	c.cmd("DELE 1", "+OK")
	c.cmd("QUIT", "+OK")
	if len(b.deleted) != 1 || b.deleted[0] != 0 {
		t.Fatalf("deleted %v", b.deleted)
	}
}

func mustParse(t *testing.T, conf *tls.Config) *x509.Certificate {
	c, err := x509.ParseCertificate(conf.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIdleTimeoutClosesWithoutUpdate(t *testing.T) {
	b := newFake()
	a := serve(t, &Server{Backend: b, AllowInsecureAuth: true, IdleTimeout: 200 * time.Millisecond}, false)
	nc, err := net.Dial("tcp", a)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	c := &client{t: t, c: nc}
	c.cmd("", "+OK")
	c.cmd("USER alice", "+OK")
	c.cmd("PASS pw with spaces", "+OK")
	c.cmd("DELE 1", "+OK")
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	rest, err := io.ReadAll(nc)
	if err != nil || len(rest) != 0 {
		t.Fatalf("autologout: %q, %v; want a silent close (RFC 1939 section 3)", rest, err)
	}
	if len(b.deleted) != 0 {
		t.Fatal("autologout entered UPDATE")
	}
	// The lock was released.
	if _, err := b.Login("alice", "pw with spaces"); err != nil {
		t.Fatal(err)
	}
}

func TestServeAfterClose(t *testing.T) {
	s := &Server{Backend: newFake()}
	s.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	if err := s.Serve(ln); !errors.Is(err, ErrServerClosed) {
		t.Fatalf("Serve after Close: %v", err)
	}
}

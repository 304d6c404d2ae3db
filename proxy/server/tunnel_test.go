package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mailwire/mailwire/proxy/tunnel"
)

// echo listens on loopback and echoes.
func echo(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func tunnelURL(s *Server, target string) string {
	host, port, _ := net.SplitHostPort(target)
	u := strings.Replace(s.URL(), "http", "ws", 1)
	return u + "/tunnel?host=" + host + "&port=" + port
}

func TestBeyondLoopbackNeedsTokens(t *testing.T) {
	for _, addr := range []string{":8025", "0.0.0.0:0", "[::]:0", "192.0.2.1:8025", "mail.example.edu:8025"} {
		_, err := Start(Config{Addr: addr})
		if err == nil || !strings.Contains(err.Error(), "needs a token file") {
			t.Errorf("Start(%s) = %v, want a refusal", addr, err)
		}
	}
	for addr, want := range map[string]bool{"127.0.0.1:0": true, "[::1]:8025": true, "localhost:8025": true, "127.0.0.2:1": true, ":0": false, "10.0.0.1:80": false, "bad": false} {
		if got := loopbackAddr(addr); got != want {
			t.Errorf("loopbackAddr(%s) = %v", addr, got)
		}
	}
}

func TestBadTunnelConfig(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules")
	os.WriteFile(rules, []byte("port 993\nrelay all\n"), 0o600)
	tokens := filepath.Join(dir, "tokens")
	os.WriteFile(tokens, []byte("short\n"), 0o600)
	for name, cfg := range map[string]Config{
		"bad rules file":       {Tunnel: TunnelConfig{RulesFile: rules}},
		"missing rules file":   {Tunnel: TunnelConfig{RulesFile: filepath.Join(dir, "none")}},
		"no valid token":       {Tunnel: TunnelConfig{TokenFile: tokens}},
		"bad --allow":          {Allow: []string{"x:y"}},
		"proxy without tokens": {Tunnel: TunnelConfig{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}},
		"missing certificate":  {TLSCert: filepath.Join(dir, "cert.pem"), TLSKey: filepath.Join(dir, "key.pem")},
	} {
		cfg.Addr = "127.0.0.1:0"
		if s, err := Start(cfg); err == nil {
			s.Close()
			t.Errorf("%s: started", name)
		}
	}
}

// TestMetricsAndShutdown: /metrics shows the tunnel's series; Close lets a
// tunnel run for the grace period, then closes it with its reason.
func TestMetricsAndShutdown(t *testing.T) {
	target := echo(t)
	s := start(t, Config{Allow: []string{target}, ShutdownGrace: 300 * time.Millisecond})
	ws, _, err := websocket.DefaultDialer.Dial(tunnelURL(s, target), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteMessage(websocket.BinaryMessage, []byte("hello"))
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, b, err := ws.ReadMessage(); err != nil || string(b) != "hello" {
		t.Fatalf("echo: %q %v", b, err)
	}
	refused, _, err := websocket.DefaultDialer.Dial(tunnelURL(s, "10.0.0.1:993"), nil)
	if err != nil {
		t.Fatal(err)
	}
	refused.ReadMessage()
	refused.Close()

	resp, err := http.Get(s.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		"mailwire_tunnels_open 1", `mailwire_tunnel_bytes_total{direction="up"} 5`, `mailwire_tunnel_bytes_total{direction="down"} 5`,
		`mailwire_tunnel_refusals_total{reason="private"} 1`, "go_goroutines", "process_open_fds",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	start := time.Now()
	s.Close()
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("Close returned after %v, before the grace period", d)
	}
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != tunnel.CloseGoingAway || ce.Text != "shutdown: the server is stopping" {
		t.Errorf("tunnel ended with %v, want 1001 shutdown", err)
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key, pool := selfSigned(t, dir)
	target := echo(t)
	s := start(t, Config{Allow: []string{target}, TLSCert: cert, TLSKey: key})
	if !strings.HasPrefix(s.URL(), "https://") {
		t.Fatalf("URL = %s", s.URL())
	}
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: pool, NextProtos: []string{"h2", "http/1.1"}}, Subprotocols: []string{"binary"}}
	ws, _, err := d.Dial(tunnelURL(s, target), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteMessage(websocket.BinaryMessage, []byte("over wss"))
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, b, err := ws.ReadMessage(); err != nil || string(b) != "over wss" {
		t.Fatalf("echo: %q %v", b, err)
	}
	// HTTP/2 is not offered: the WebSocket upgrade needs HTTP/1.1.
	c, err := tls.Dial("tcp", s.ln.Addr().String(), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", NextProtos: []string{"h2", "http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if p := c.ConnectionState().NegotiatedProtocol; p == "h2" {
		t.Errorf("negotiated %q", p)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailwire test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	c, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return certFile, keyFile, pool
}

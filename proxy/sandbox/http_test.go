package sandbox

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCAHandler(t *testing.T) {
	sb := start(t)
	rec := httptest.NewRecorder()
	sb.CAHandler().ServeHTTP(rec, httptest.NewRequest("GET", CAPath, nil))
	blk, _ := pem.Decode(rec.Body.Bytes())
	if blk == nil {
		t.Fatalf("not PEM: %q", rec.Body.String())
	}
	ca, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || len(ca.PermittedDNSDomains) == 0 || len(ca.PermittedIPRanges) == 0 {
		t.Errorf("CA %v: IsCA %v, constraints %v %v", ca.Subject, ca.IsCA, ca.PermittedDNSDomains, ca.PermittedIPRanges)
	}
	// The name constraints keep the CA from vouching for other sites.
	leaf := sb.tls.config.Certificates[0].Leaf
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	for _, name := range []string{"127.0.0.1", "localhost", "imap.sandbox.test"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: name}); err != nil {
			t.Errorf("verify for %s: %v", name, err)
		}
	}
	info := sb.ClientInfo()
	if info.CAPEM != rec.Body.String() || info.CAURL != CAPath || len(info.Users) != 2 || info.Users[0].Address != "alice@sandbox.test" {
		t.Errorf("ClientInfo = %+v", info)
	}
	if strings.Contains(info.CAPEM, "PRIVATE") {
		t.Fatal("private key in ClientInfo")
	}
}

func TestResetHandler(t *testing.T) {
	sb := start(t, func(c *Config) { c.ResetToken = "s3cret" })
	if err := sendPlain(addr(t, sb, "smtp", "none"), "bob@sandbox.test", []string{"alice@sandbox.test"}, "Subject: x\r\n\r\nx\r\n"); err != nil {
		t.Fatal(err)
	}
	h := sb.ResetHandler()
	cases := []struct {
		name   string
		method string
		remote string
		host   string
		header map[string]string
		want   int
	}{
		{"GET", "GET", "127.0.0.1:5000", "127.0.0.1:8025", nil, http.StatusMethodNotAllowed},
		{"remote client", "POST", "192.0.2.7:5000", "127.0.0.1:8025", nil, http.StatusForbidden},
		{"DNS rebinding", "POST", "127.0.0.1:5000", "evil.example:8025", nil, http.StatusForbidden},
		{"foreign page", "POST", "127.0.0.1:5000", "127.0.0.1:8025", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"wrong token", "POST", "192.0.2.7:5000", "mailwire.example", map[string]string{"Authorization": "Bearer nope"}, http.StatusForbidden},
		{"token", "POST", "192.0.2.7:5000", "mailwire.example", map[string]string{"Authorization": "Bearer s3cret"}, http.StatusOK},
		{"loopback page", "POST", "127.0.0.1:5000", "localhost:8025", map[string]string{"Origin": "http://localhost:8025"}, http.StatusOK},
		{"loopback tool", "POST", "[::1]:5000", "[::1]:8025", nil, http.StatusOK},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, ResetPath, nil)
		r.RemoteAddr, r.Host = c.remote, c.host
		for k, v := range c.header {
			r.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, rec.Code, rec.Body, c.want)
		}
	}
	if n := len(sb.Store().Messages("alice")); n != 4 {
		t.Fatalf("after reset alice has %d messages, want the 4 seeds", n)
	}
}

package session

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// countConn counts the bytes that cross a connection: below TLS they are
// the encrypted bytes.
type countConn struct {
	net.Conn
	in, out atomic.Int64
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}

func (c *countConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.Add(int64(n))
	return n, err
}

// fallbackRoots is the built-in root set, parsed once. It is the same in
// the browser and natively, so that a session verifies the same way
// everywhere.
var fallbackRoots = sync.OnceValue(func() *x509.CertPool {
	p := x509.NewCertPool()
	for c := range bundle.Roots() {
		cert, err := x509.ParseCertificate(c.Certificate)
		if err != nil {
			continue
		}
		if c.Constraint == nil {
			p.AddCert(cert)
		} else {
			p.AddCertWithConstraint(cert, c.Constraint)
		}
	}
	return p
})

// RootPool returns the built-in roots plus the CA certificates in
// extraPEM. It fails when extraPEM is not empty but holds no certificate.
func RootPool(extraPEM []byte) (*x509.CertPool, error) {
	p := fallbackRoots().Clone()
	if len(extraPEM) > 0 && !p.AppendCertsFromPEM(extraPEM) {
		return nil, fmt.Errorf("session: no PEM certificate in the added CA data")
	}
	return p, nil
}

// clientHandshake runs a TLS client handshake and describes it. The
// chain is verified by hand so that its result can be shown even when it
// fails; unless AllowUnverified, a failure ends the handshake.
func clientHandshake(ctx context.Context, conn net.Conn, opt Options) (TLSInfo, *tls.Conn, error) {
	info := TLSInfo{ServerName: opt.ServerName}
	roots, err := RootPool(opt.ExtraRootsPEM)
	if err != nil {
		return info, nil, err
	}
	cfg := &tls.Config{
		ServerName:         opt.ServerName,
		InsecureSkipVerify: true, // verified in VerifyConnection, to report the result
		NextProtos:         opt.ALPN,
		MinVersion:         tls.VersionTLS12,
		VerifyConnection: func(cs tls.ConnectionState) error {
			info.Chain = chainInfo(cs.PeerCertificates)
			if err := verify(cs.PeerCertificates, roots, opt.ServerName); err != nil {
				info.VerifyError = err.Error()
				if !opt.AllowUnverified {
					return err
				}
				return nil
			}
			info.Verified = true
			return nil
		},
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		var ve *tls.CertificateVerificationError
		if errors.As(err, &ve) && info.VerifyError == "" {
			info.VerifyError = ve.Err.Error()
		}
		return info, nil, err
	}
	cs := tc.ConnectionState()
	info.Version = tls.VersionName(cs.Version)
	info.CipherSuite = tls.CipherSuiteName(cs.CipherSuite)
	info.ALPN = cs.NegotiatedProtocol
	info.Resumed = cs.DidResume
	return info, tc, nil
}

func verify(certs []*x509.Certificate, roots *x509.CertPool, name string) error {
	if len(certs) == 0 {
		return errors.New("the server sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: name})
	return err
}

func chainInfo(certs []*x509.Certificate) []CertInfo {
	out := make([]CertInfo, 0, len(certs))
	for _, c := range certs {
		sum := sha256.Sum256(c.Raw)
		ci := CertInfo{Subject: c.Subject.String(), Issuer: c.Issuer.String(), DNSNames: c.DNSNames,
			NotBefore: c.NotBefore, NotAfter: c.NotAfter, SHA256: hex.EncodeToString(sum[:]), IsCA: c.IsCA, KeyType: keyType(c)}
		for _, ip := range c.IPAddresses {
			ci.IPs = append(ci.IPs, ip.String())
		}
		out = append(out, ci)
	}
	return out
}

func keyType(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return c.PublicKeyAlgorithm.String()
}

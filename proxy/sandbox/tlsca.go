package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Certificate lifetimes.
const (
	// caValidity: the CA outlives a course; students import it once.
	caValidity = 10 * 365 * 24 * time.Hour
	// leafValidity follows the 398-day ceiling browsers apply to public
	// certificates, so the sandbox's chain looks like a real one.
	leafValidity = 398 * 24 * time.Hour
	// leafRenewBefore: a leaf this close to expiry is replaced at start.
	leafRenewBefore = 30 * 24 * time.Hour
)

// sandboxTLS is the sandbox's own certificate authority and the server
// certificate it signed.
//
// Unlike a public server's chain, which ends at a root every browser and
// operating system already trusts, this chain ends at a CA made on this
// machine at first start. No one trusts it until told to: the page fetches
// it from /api/sandbox/ca.pem and adds it to the roots its TLS stack uses.
// The CA is name-constrained (RFC 5280 section 4.2.1.10) to loopback
// addresses and the sandbox's domain, so trusting it cannot vouch for any
// other site.
type sandboxTLS struct {
	caPEM  []byte
	config *tls.Config
}

// loadOrCreateTLS loads the CA and server certificate from dir/tls, or
// makes them (and saves them there when dir is set).
func loadOrCreateTLS(dir, domain string, hosts []string, now time.Time) (*sandboxTLS, error) {
	names, ips := certNames(domain, hosts)
	var caCert *x509.Certificate
	var caKey *ecdsa.PrivateKey
	var caPEM []byte
	tlsDir := ""
	if dir != "" {
		tlsDir = filepath.Join(dir, "tls")
		if err := os.MkdirAll(tlsDir, 0o700); err != nil {
			return nil, fmt.Errorf("sandbox: tls: %w", err)
		}
		caPEM, caCert, caKey = loadPair(filepath.Join(tlsDir, "ca.pem"), filepath.Join(tlsDir, "ca-key.pem"))
		if caCert != nil && (now.After(caCert.NotAfter) || !constraintsCover(caCert, names, ips)) {
			caCert = nil
		}
	}
	if caCert == nil {
		var err error
		caPEM, caCert, caKey, err = makeCA(domain, ips, now)
		if err != nil {
			return nil, err
		}
		if tlsDir != "" {
			if err := saveFiles(tlsDir, "ca", caPEM, caKey); err != nil {
				return nil, err
			}
		}
	}
	var leafPEM []byte
	var leafKey *ecdsa.PrivateKey
	if tlsDir != "" {
		var leaf *x509.Certificate
		leafPEM, leaf, leafKey = loadPair(filepath.Join(tlsDir, "server.pem"), filepath.Join(tlsDir, "server-key.pem"))
		if leaf == nil || leaf.CheckSignatureFrom(caCert) != nil || now.Add(leafRenewBefore).After(leaf.NotAfter) || !coversAll(leaf, names, ips) {
			leafPEM = nil
		}
	}
	if leafPEM == nil {
		var err error
		leafPEM, leafKey, err = makeLeaf(caCert, caKey, names, ips, now)
		if err != nil {
			return nil, err
		}
		if tlsDir != "" {
			if err := saveFiles(tlsDir, "server", leafPEM, leafKey); err != nil {
				return nil, err
			}
		}
	}
	cert, err := tls.X509KeyPair(append(append([]byte{}, leafPEM...), caPEM...), pemKey(leafKey))
	if err != nil {
		return nil, fmt.Errorf("sandbox: tls: %w", err)
	}
	return &sandboxTLS{
		caPEM:  caPEM,
		config: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
	}, nil
}

// certNames lists the names the server certificate covers.
func certNames(domain string, hosts []string) ([]string, []net.IP) {
	names := []string{"localhost", domain, "mx." + domain, "smtp." + domain, "imap." + domain, "pop." + domain}
	ips := []net.IP{net.IPv4(127, 0, 0, 1).To4(), net.IPv6loopback}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			if ip4 := ip.To4(); ip4 != nil {
				ip = ip4
			}
			if !slices.ContainsFunc(ips, ip.Equal) && !ip.IsUnspecified() {
				ips = append(ips, ip)
			}
		} else if h != "" && !slices.Contains(names, h) {
			names = append(names, h)
		}
	}
	return names, ips
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

func makeCA(domain string, ips []net.IP, now time.Time) ([]byte, *x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("sandbox: tls: %w", err)
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("sandbox: tls: %w", err)
	}
	var ranges []*net.IPNet
	ranges = append(ranges, &net.IPNet{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)}, &net.IPNet{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)})
	for _, ip := range ips {
		if !ip.IsLoopback() {
			bits := 8 * len(ip)
			ranges = append(ranges, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
		}
	}
	tmpl := &x509.Certificate{
		SerialNumber:                sn,
		Subject:                     pkix.Name{Organization: []string{"Mailwire"}, CommonName: "Mailwire Sandbox CA " + sn.Text(16)[:8]},
		NotBefore:                   now.Add(-time.Hour),
		NotAfter:                    now.Add(caValidity),
		IsCA:                        true,
		BasicConstraintsValid:       true,
		MaxPathLenZero:              true,
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         []string{"localhost", domain},
		PermittedIPRanges:           ranges,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("sandbox: tls: %w", err)
	}
	cert, _ := x509.ParseCertificate(der)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), cert, key, nil
}

func makeLeaf(ca *x509.Certificate, caKey *ecdsa.PrivateKey, names []string, ips []net.IP, now time.Time) ([]byte, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: tls: %w", err)
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: tls: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{Organization: []string{"Mailwire"}, CommonName: names[0]},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(leafValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     names,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: tls: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key, nil
}

func pemKey(k *ecdsa.PrivateKey) []byte {
	der, _ := x509.MarshalECPrivateKey(k)
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
}

func saveFiles(dir, name string, certPEM []byte, key *ecdsa.PrivateKey) error {
	if err := writeFileAtomic(filepath.Join(dir, name+"-key.pem"), pemKey(key)); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, name+".pem"), certPEM)
}

// loadPair reads a certificate and its EC key; nils when either is
// missing or unreadable (a fresh one is made then).
func loadPair(certFile, keyFile string) ([]byte, *x509.Certificate, *ecdsa.PrivateKey) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, nil, nil
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, nil
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, nil
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, nil
	}
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	if err != nil || !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, nil
	}
	return pem.EncodeToMemory(cb), cert, key
}

// constraintsCover reports whether a CA's name constraints allow every
// name and address.
func constraintsCover(ca *x509.Certificate, names []string, ips []net.IP) bool {
	for _, n := range names {
		if !slices.ContainsFunc(ca.PermittedDNSDomains, func(d string) bool {
			return n == d || len(n) > len(d) && n[len(n)-len(d)-1:] == "."+d
		}) {
			return false
		}
	}
	for _, ip := range ips {
		if !slices.ContainsFunc(ca.PermittedIPRanges, func(r *net.IPNet) bool { return r.Contains(ip) }) {
			return false
		}
	}
	return true
}

func coversAll(leaf *x509.Certificate, names []string, ips []net.IP) bool {
	for _, n := range names {
		if !slices.Contains(leaf.DNSNames, n) {
			return false
		}
	}
	for _, ip := range ips {
		if !slices.ContainsFunc(leaf.IPAddresses, ip.Equal) {
			return false
		}
	}
	return true
}

package policy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// Resolver looks up a host's addresses. *net.Resolver satisfies it; tests
// substitute a map so that names resolving to blocked addresses are
// checked without any DNS traffic.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Control is a net.Dialer Control hook that refuses to connect to any
// address whose Class is not ClassPublic. It runs on the socket about to
// connect, after name resolution, so the address checked is the address
// dialled.
func Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &BlockedError{Key: ClassInvalid.Key(), Reason: ClassInvalid.String(), Class: ClassInvalid}
	}
	return CheckAddr(ap.Addr())
}

// CheckAddr returns a *BlockedError when ip may not be dialled.
func CheckAddr(ip netip.Addr) error {
	if c := Classify(ip); c != ClassPublic {
		return &BlockedError{Key: c.Key(), Reason: c.String(), Class: c, Addr: ip}
	}
	return nil
}

// Dialer connects to targets that passed Targets.Check.
type Dialer struct {
	// Resolver resolves names; nil uses net.DefaultResolver.
	Resolver Resolver
	// Timeout bounds resolving and connecting together; zero means only
	// the context bounds them.
	Timeout time.Duration
	// Connect opens the connection to an address that passed every check.
	// Nil uses a net.Dialer with Control as its hook, which checks the
	// address once more on the socket. Tests set it to reach a loopback
	// server standing in for a public one; exceptions never use it.
	Connect func(ctx context.Context, network, address string) (net.Conn, error)
}

// Dial resolves host and connects to port on the first address that
// answers. Unless exempt, every resolved address must be public: one
// blocked answer refuses the whole name before anything is dialled, and
// the connect itself is checked again (Control). It returns the
// connection and the address dialled; a refusal is a *BlockedError.
func (d *Dialer) Dial(ctx context.Context, host string, port int, exempt bool) (net.Conn, netip.Addr, error) {
	if d.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Timeout)
		defer cancel()
	}
	addrs, err := d.resolve(ctx, host)
	if err != nil {
		return nil, netip.Addr{}, err
	}
	connect := d.Connect
	if exempt || connect == nil {
		nd := &net.Dialer{}
		if !exempt {
			nd.Control = Control
		}
		connect = nd.DialContext
	}
	if !exempt {
		for _, a := range addrs {
			if err := CheckAddr(a); err != nil {
				return nil, a, err
			}
		}
	}
	var firstErr error
	for _, a := range addrs {
		c, err := connect(ctx, "tcp", netip.AddrPortFrom(a, uint16(port)).String())
		if err == nil {
			return c, a, nil
		}
		var be *BlockedError
		if errors.As(err, &be) {
			return nil, a, be
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, addrs[0], firstErr
}

func (d *Dialer) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	r := d.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return nil, fmt.Errorf("policy: %s: no such host: %w", host, err)
		}
		return nil, fmt.Errorf("policy: resolve %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("policy: %s: no addresses", host)
	}
	// Unmap so that the dialled address and the checked one are one form.
	seen := make(map[netip.Addr]bool, len(addrs))
	out := addrs[:0:0]
	for _, a := range addrs {
		a = a.Unmap()
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out, nil
}

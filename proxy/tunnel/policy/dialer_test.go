package policy

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// mapResolver resolves names from a map, and counts lookups.
type mapResolver struct {
	mu    sync.Mutex
	names map[string][]netip.Addr
	calls int
	next  func(host string, calls int) []netip.Addr // overrides names when set
}

func (m *mapResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.next != nil {
		return m.next(host, m.calls), nil
	}
	if a, ok := m.names[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func addrs(s ...string) []netip.Addr {
	var out []netip.Addr
	for _, a := range s {
		out = append(out, netip.MustParseAddr(a))
	}
	return out
}

// TestControl checks the hook on every class without dialling anything.
func TestControl(t *testing.T) {
	for _, tc := range classCases {
		ip := netip.MustParseAddr(tc.addr).WithZone("")
		err := Control("tcp", netip.AddrPortFrom(ip, 993).String(), nil)
		var be *BlockedError
		switch {
		case tc.want == ClassPublic && err != nil:
			t.Errorf("Control(%s) = %v, want nil", tc.addr, err)
		case tc.want != ClassPublic && (!errors.As(err, &be) || be.Class != tc.want):
			t.Errorf("Control(%s) = %v, want %v", tc.addr, err, tc.want)
		case err != nil && err.Error() != "blocked: "+tc.want.String():
			t.Errorf("Control(%s) text %q", tc.addr, err)
		}
	}
	if err := Control("tcp", "not an address", nil); err == nil {
		t.Error("Control accepted garbage")
	}
}

// TestControlOnSocket dials a real loopback listener through a net.Dialer
// with the hook: the connection must never be made.
func TestControlOnSocket(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan bool, 1)
	go func() {
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(300 * time.Millisecond))
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
		accepted <- err == nil
	}()
	d := net.Dialer{Control: Control}
	_, err = d.Dial("tcp", ln.Addr().String())
	var be *BlockedError
	if !errors.As(err, &be) || be.Class != ClassLoopback {
		t.Errorf("dial = %v, want a loopback refusal", err)
	}
	if <-accepted {
		t.Error("the listener accepted a connection the hook refused")
	}
}

func TestDialerRefusesBeforeConnecting(t *testing.T) {
	r := &mapResolver{names: map[string][]netip.Addr{}}
	for _, tc := range classCases {
		if tc.want != ClassPublic {
			r.names["x"+strings.NewReplacer(":", "-", ".", "-", "%", "-").Replace(tc.addr)+".test"] = []netip.Addr{netip.MustParseAddr(tc.addr)}
		}
	}
	r.names["mixed.test"] = addrs("8.8.8.8", "10.0.0.1") // one bad answer spoils the name
	var connects []string
	d := Dialer{Resolver: r, Connect: func(_ context.Context, _, addr string) (net.Conn, error) {
		connects = append(connects, addr)
		return nil, errors.New("connect called")
	}}
	for name := range r.names {
		_, _, err := d.Dial(context.Background(), name, 993, false)
		var be *BlockedError
		if !errors.As(err, &be) {
			t.Errorf("Dial(%s) = %v, want a refusal", name, err)
		}
	}
	for _, tc := range classCases {
		if tc.want == ClassPublic {
			continue
		}
		ip := netip.MustParseAddr(tc.addr).WithZone("")
		_, _, err := d.Dial(context.Background(), ip.String(), 993, false)
		var be *BlockedError
		if !errors.As(err, &be) || be.Class != tc.want {
			t.Errorf("Dial(%s) = %v, want %v", ip, err, tc.want)
		}
	}
	if len(connects) > 0 {
		t.Errorf("connected to %v", connects)
	}
}

// TestDialerRebinding: a name that answers a public address first and a
// loopback one afterwards is resolved once, and the address checked is the
// address dialled.
func TestDialerRebinding(t *testing.T) {
	r := &mapResolver{next: func(_ string, calls int) []netip.Addr {
		if calls == 1 {
			return addrs("8.8.8.8")
		}
		return addrs("127.0.0.1")
	}}
	var connects []string
	d := Dialer{Resolver: r, Connect: func(_ context.Context, _, addr string) (net.Conn, error) {
		connects = append(connects, addr)
		c1, c2 := net.Pipe()
		c2.Close()
		return c1, nil
	}}
	c, ip, err := d.Dial(context.Background(), "rebind.test", 993, false)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if ip != netip.MustParseAddr("8.8.8.8") || len(connects) != 1 || connects[0] != "8.8.8.8:993" || r.calls != 1 {
		t.Errorf("dialled %v (%v), %d lookups", connects, ip, r.calls)
	}
}

func TestDialerExceptionAndErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	d := Dialer{Resolver: &mapResolver{names: map[string][]netip.Addr{"lab.test": addrs("127.0.0.1")}}, Timeout: 5 * time.Second}
	for _, host := range []string{"127.0.0.1", "lab.test"} {
		c, _, err := d.Dial(context.Background(), host, port, true)
		if err != nil {
			t.Errorf("exempt %s: %v", host, err)
			continue
		}
		c.Close()
	}
	if _, _, err := d.Dial(context.Background(), "127.0.0.1", port, false); err == nil {
		t.Error("loopback dialled without an exception")
	}
	_, _, err = d.Dial(context.Background(), "nowhere.test", 993, false)
	if err == nil || !strings.Contains(err.Error(), "no such host") {
		t.Errorf("unknown name: %v", err)
	}
}

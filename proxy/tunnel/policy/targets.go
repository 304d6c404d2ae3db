package policy

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// DefaultPorts are the mail ports the tunnel reaches unless told otherwise:
// SMTP submission (465 implicit TLS, 587 STARTTLS; RFC 8314, RFC 6409),
// IMAP (993, 143; RFC 9051) and POP3 (995, 110; RFC 1939).
var DefaultPorts = []int{465, 587, 993, 995, 143, 110}

// RelayPort is SMTP's relay port (RFC 5321). Reaching it from a browser
// page is what a spam relay does, so it is refused unless Rules.AllowPort25
// says otherwise, even when listed in Rules.Ports.
const RelayPort = 25

// maxHostLen is the longest DNS name (RFC 1035 §2.3.4).
const maxHostLen = 253

// ErrBadTarget reports a host or port that is not well formed.
var ErrBadTarget = errors.New("bad request: invalid host or port")

// BlockedError is a refusal. Its Error text is what the page shows.
type BlockedError struct {
	Key    string     // short label for metrics: "port", "host_denied", a Class key...
	Reason string     // shown after "blocked: "
	Class  Class      // the address class, when the address check refused
	Addr   netip.Addr // the refused address, for the log only (never shown to the page)
}

func (e *BlockedError) Error() string { return "blocked: " + e.Reason }

// Rules configure Targets.
type Rules struct {
	Ports       []int    // destination ports; nil means DefaultPorts
	AllowPort25 bool     // also allow RelayPort; required even when 25 is in Ports
	AllowHosts  []string // when not empty, only these hosts may be reached
	DenyHosts   []string // these hosts may never be reached; wins over AllowHosts
	Exceptions  []string // host:port targets that bypass every check
}

// Host patterns in AllowHosts and DenyHosts are exact names
// ("imap.example.org", "192.0.2.7") or suffixes written ".example.org" or
// "*.example.org", which match every name below example.org (not
// example.org itself: list it too if wanted).

// Targets is the name-level policy: ports, host lists and named
// exceptions. The zero value allows DefaultPorts on any host and has no
// exceptions. Addresses are checked separately, after resolution (Dialer).
type Targets struct {
	mu         sync.RWMutex
	ports      map[int]bool // nil: DefaultPorts
	allow      []pattern
	deny       []pattern
	exceptions map[string]bool
}

type pattern struct {
	name   string // normalized host, or the suffix with its leading dot
	suffix bool
}

func (p pattern) match(host string) bool {
	if p.suffix {
		return len(host) > len(p.name) && strings.HasSuffix(host, p.name)
	}
	return host == p.name
}

func (p pattern) String() string {
	if p.suffix {
		return "*" + p.name
	}
	return p.name
}

// NewTargets returns Targets for r, or an error naming the first bad entry.
func NewTargets(r Rules) (*Targets, error) {
	t := &Targets{}
	if r.Ports != nil || r.AllowPort25 {
		ports := r.Ports
		if ports == nil {
			ports = DefaultPorts
		}
		t.ports = map[int]bool{}
		for _, p := range ports {
			if p < 1 || p > 65535 {
				return nil, fmt.Errorf("policy: port %d out of range", p)
			}
			if p == RelayPort && !r.AllowPort25 {
				return nil, fmt.Errorf("policy: port 25 is listed but not enabled: allowing it makes the tunnel an SMTP relay, so it needs allow-port-25 as well")
			}
			t.ports[p] = true
		}
		if r.AllowPort25 {
			t.ports[RelayPort] = true
		}
	}
	var err error
	if t.allow, err = patterns(r.AllowHosts); err != nil {
		return nil, err
	}
	if t.deny, err = patterns(r.DenyHosts); err != nil {
		return nil, err
	}
	if err := t.Allow(r.Exceptions...); err != nil {
		return nil, err
	}
	return t, nil
}

func patterns(list []string) ([]pattern, error) {
	var out []pattern
	for _, s := range list {
		p := pattern{}
		switch {
		case strings.HasPrefix(s, "*."):
			p.suffix, s = true, s[1:]
		case strings.HasPrefix(s, "."):
			p.suffix = true
		}
		name, err := NormalizeHost(strings.TrimPrefix(s, "."))
		if err != nil {
			return nil, fmt.Errorf("policy: host pattern %q: %w", s, err)
		}
		if p.suffix {
			name = "." + name
		}
		p.name = name
		out = append(out, p)
	}
	return out, nil
}

// Allow adds named exceptions: each host:port ("127.0.0.1:1025",
// "[::1]:1143", "lab.local:143") may be reached whatever the ports, host
// lists and address classes say. Nothing else about that host is allowed.
func (t *Targets) Allow(targets ...string) error {
	keys := make([]string, 0, len(targets))
	for _, s := range targets {
		host, port, err := net.SplitHostPort(s)
		if err != nil {
			return fmt.Errorf("policy: allow %q: %w", s, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("policy: allow %q: bad port", s)
		}
		h, err := NormalizeHost(host)
		if err != nil {
			return fmt.Errorf("policy: allow %q: %w", s, err)
		}
		keys = append(keys, net.JoinHostPort(h, strconv.Itoa(p)))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.exceptions == nil {
		t.exceptions = map[string]bool{}
	}
	for _, k := range keys {
		t.exceptions[k] = true
	}
	return nil
}

// Check reports whether host:port may be dialled. exempt is true for a
// named exception: the caller then skips the address check for it. host
// must already be normalized (NormalizeHost).
func (t *Targets) Check(host string, port int) (exempt bool, err error) {
	if host == "" || port < 1 || port > 65535 {
		return false, ErrBadTarget
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.exceptions[net.JoinHostPort(host, strconv.Itoa(port))] {
		return true, nil
	}
	if !t.portAllowed(port) {
		reason := "port " + strconv.Itoa(port) + " is not an allowed mail port"
		if port == RelayPort {
			reason = "port 25 (SMTP relay) is not allowed; use 587 or 465"
		}
		return false, &BlockedError{Key: "port", Reason: reason}
	}
	for _, p := range t.deny {
		if p.match(host) {
			return false, &BlockedError{Key: "host_denied", Reason: "host is on the deny list"}
		}
	}
	if len(t.allow) > 0 && !slices.ContainsFunc(t.allow, func(p pattern) bool { return p.match(host) }) {
		return false, &BlockedError{Key: "host_not_allowed", Reason: "host is not on the allow list"}
	}
	return false, nil
}

func (t *Targets) portAllowed(port int) bool {
	if t.ports == nil {
		return slices.Contains(DefaultPorts, port)
	}
	return t.ports[port]
}

// Ports returns the allowed destination ports, sorted.
func (t *Targets) Ports() []int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.ports == nil {
		return slices.Sorted(slices.Values(DefaultPorts))
	}
	var out []int
	for p := range t.ports {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Exceptions returns the named exceptions, sorted.
func (t *Targets) Exceptions() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []string
	for k := range t.exceptions {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// NormalizeHost returns host in the form the policy compares: lower case,
// without brackets around an IPv6 literal or a trailing dot, IP literals
// in their canonical form. It refuses what is neither a DNS name nor an IP
// address, and IPv6 zones.
func NormalizeHost(host string) (string, error) {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if host == "" || len(host) > maxHostLen {
		return "", ErrBadTarget
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" {
			return "", ErrBadTarget
		}
		return ip.String(), nil
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return "", ErrBadTarget
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return "", ErrBadTarget
			}
		}
	}
	return host, nil
}

package tunnel

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
)

// Policy decides which targets a tunnel may dial. Check returns nil to
// allow, or an error whose text is the reason shown to the user.
type Policy interface {
	Check(host string, port int) error
}

// AllowList permits exactly the listed host:port targets and nothing else.
// It is the minimal deny-by-default policy. The zero value denies all.
type AllowList struct {
	mu sync.RWMutex
	m  map[string]bool
}

// Allow adds host:port targets ("127.0.0.1:1025", "[::1]:143").
func (a *AllowList) Allow(targets ...string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = map[string]bool{}
	}
	for _, t := range targets {
		host, port, err := net.SplitHostPort(t)
		if err != nil {
			return fmt.Errorf("tunnel: allow %q: %w", t, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("tunnel: allow %q: bad port", t)
		}
		a.m[key(host, p)] = true
	}
	return nil
}

// Check implements Policy.
func (a *AllowList) Check(host string, port int) error {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.m[key(host, port)] {
		return nil
	}
	return fmt.Errorf("blocked: %s is not an allowed target", net.JoinHostPort(host, strconv.Itoa(port)))
}

func key(host string, port int) string {
	return net.JoinHostPort(strings.ToLower(strings.Trim(host, "[]")), strconv.Itoa(port))
}

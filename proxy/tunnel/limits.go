package tunnel

import (
	"context"
	"math"
	"sync"
	"time"
)

// Limits bound what tunnels may use. A zero field takes its default
// (DefaultLimits); a negative one means no limit.
type Limits struct {
	PerAddress int // open tunnels per client address (IPv6: per /64)
	PerToken   int // open tunnels per token, unless the token's line says max=N
	Total      int // open tunnels on the server
	PerMinute  int // new tunnels per minute per client address, refused ones included

	DialTimeout      time.Duration // resolving and connecting to the mail server
	HandshakeTimeout time.Duration // writing the WebSocket handshake response
	IdleTimeout      time.Duration // no data either way; see DefaultLimits
	MaxSession       time.Duration // one tunnel's whole life
	MaxBytes         int64         // one tunnel's bytes, both directions together
}

// DefaultLimits are the limits a zero Limits field takes. IdleTimeout is
// 31 minutes because an IMAP client in IDLE re-issues it at least every 29
// minutes (RFC 2177) and must not be cut off.
var DefaultLimits = Limits{
	PerAddress:       8,
	PerToken:         8,
	Total:            256,
	PerMinute:        20,
	DialTimeout:      10 * time.Second,
	HandshakeTimeout: 10 * time.Second,
	IdleTimeout:      31 * time.Minute,
	MaxSession:       4 * time.Hour,
	MaxBytes:         512 << 20,
}

// MinIdleTimeout is the shortest idle timeout that does not break IMAP
// IDLE (RFC 2177: clients re-issue IDLE at least every 29 minutes).
const MinIdleTimeout = 31 * time.Minute

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	pick := func(v *int, def int) {
		if *v == 0 {
			*v = def
		} else if *v < 0 {
			*v = math.MaxInt
		}
	}
	pickD := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		} else if *v < 0 {
			*v = math.MaxInt64
		}
	}
	pick(&l.PerAddress, d.PerAddress)
	pick(&l.PerToken, d.PerToken)
	pick(&l.Total, d.Total)
	pick(&l.PerMinute, d.PerMinute)
	pickD(&l.DialTimeout, d.DialTimeout)
	pickD(&l.HandshakeTimeout, d.HandshakeTimeout)
	pickD(&l.IdleTimeout, d.IdleTimeout)
	pickD(&l.MaxSession, d.MaxSession)
	if l.MaxBytes == 0 {
		l.MaxBytes = d.MaxBytes
	} else if l.MaxBytes < 0 {
		l.MaxBytes = math.MaxInt64
	}
	return l
}

// maxBuckets bounds the rate limiter's memory: beyond it, buckets that
// have refilled are forgotten (they hold no information).
const maxBuckets = 4096

// bucket is a token bucket for one client address: capacity PerMinute,
// refilled at PerMinute per minute.
type bucket struct {
	tokens float64
	last   time.Time
}

// registry counts open tunnels and hands out the places that limits
// allow. Its mutex is held only for map updates, never across I/O.
type registry struct {
	mu       sync.Mutex
	limits   Limits
	tunnels  map[*tunnel]struct{}
	perAddr  map[string]int
	perToken map[[32]byte]int
	buckets  map[string]*bucket
	closing  bool // Shutdown began: no new tunnels
	sweeping bool // the sweeper goroutine runs
	wg       sync.WaitGroup

	// ctx is cancelled when the remaining tunnels are forced closed;
	// dials in progress give up with it.
	ctx    context.Context
	cancel context.CancelFunc
}

func (r *registry) init(l Limits) {
	r.limits = l
	r.tunnels = map[*tunnel]struct{}{}
	r.perAddr = map[string]int{}
	r.perToken = map[[32]byte]int{}
	r.buckets = map[string]*bucket{}
	r.ctx, r.cancel = context.WithCancel(context.Background())
}

// allowRate takes one token from addr's bucket.
func (r *registry) allowRate(addr string, now time.Time) bool {
	per := r.limits.PerMinute
	if per == math.MaxInt {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.buckets[addr]
	if b == nil {
		if len(r.buckets) >= maxBuckets {
			r.pruneBuckets(now)
		}
		b = &bucket{tokens: float64(per), last: now}
		r.buckets[addr] = b
	}
	b.tokens = min(float64(per), b.tokens+now.Sub(b.last).Minutes()*float64(per))
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (r *registry) pruneBuckets(now time.Time) {
	per := float64(r.limits.PerMinute)
	for k, b := range r.buckets {
		if b.tokens+now.Sub(b.last).Minutes()*per >= per {
			delete(r.buckets, k)
		}
	}
}

// reserve claims a place for t, or says which limit refuses it. On
// success the caller must eventually call release.
func (r *registry) reserve(t *tunnel) *closeReason {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.limits
	switch {
	case r.closing:
		return reasonShutdown
	case r.perAddr[t.addrKey] >= l.PerAddress:
		return reason(CloseTryAgain, "per_address", "limit: %d tunnels per address", l.PerAddress)
	case t.token != nil && r.perToken[t.token.sum] >= t.token.limit(l.PerToken):
		return reason(CloseTryAgain, "per_token", "limit: %d tunnels per token", t.token.limit(l.PerToken))
	case len(r.tunnels) >= l.Total:
		return reason(CloseTryAgain, "total", "limit: %d tunnels on this server", l.Total)
	}
	r.tunnels[t] = struct{}{}
	r.perAddr[t.addrKey]++
	if t.token != nil {
		r.perToken[t.token.sum]++
	}
	r.wg.Add(1)
	return nil
}

// release gives back t's place.
func (r *registry) release(t *tunnel) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.tunnels[t]; !ok {
		return
	}
	delete(r.tunnels, t)
	if r.perAddr[t.addrKey]--; r.perAddr[t.addrKey] <= 0 {
		delete(r.perAddr, t.addrKey)
	}
	if t.token != nil {
		if r.perToken[t.token.sum]--; r.perToken[t.token.sum] <= 0 {
			delete(r.perToken, t.token.sum)
		}
	}
	r.wg.Done()
}

// snapshot returns the open tunnels, appended to buf.
func (r *registry) snapshot(buf []*tunnel) []*tunnel {
	r.mu.Lock()
	defer r.mu.Unlock()
	for t := range r.tunnels {
		buf = append(buf, t)
	}
	return buf
}

func (r *registry) open() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.tunnels)
}

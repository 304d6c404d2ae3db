package tunnel

import (
	"context"
	"fmt"
	"time"
)

const (
	// pingPeriod is how often a silent page is pinged. It keeps tunnels
	// through reverse proxies alive (nginx drops a silent upstream after
	// 60 s by default) and finds pages that went away.
	pingPeriod = 30 * time.Second
	// pongWait is how long a page may stay silent, pongs included, before
	// the tunnel is considered dead: two missed pings and some slack.
	pongWait = 75 * time.Second
	// maxSweep is the sweeper's longest period. Timeouts are enforced to
	// within one period; it is shortened for limits tighter than this.
	maxSweep = time.Second
)

// startSweeper starts the goroutine that enforces timeouts and sends
// pings, unless it runs. It stops by itself when no tunnel is open.
func (h *Handler) startSweeper() {
	h.reg.mu.Lock()
	defer h.reg.mu.Unlock()
	if h.reg.sweeping {
		return
	}
	h.reg.sweeping = true
	go h.sweep()
}

func (h *Handler) sweepPeriod() time.Duration {
	p := min(maxSweep, h.limits.IdleTimeout/4, h.limits.MaxSession/4)
	return max(p, 10*time.Millisecond)
}

func (h *Handler) sweep() {
	tick := time.NewTicker(h.sweepPeriod())
	defer tick.Stop()
	var buf []*tunnel
	for range tick.C {
		h.reg.mu.Lock()
		if len(h.reg.tunnels) == 0 {
			h.reg.sweeping = false
			h.reg.mu.Unlock()
			return
		}
		h.reg.mu.Unlock()
		buf = h.reg.snapshot(buf[:0])
		if h.cfg.Tokens != nil {
			h.cfg.Tokens.maybeReload()
		}
		now := time.Now()
		for _, t := range buf {
			if t.pumps.Load() == 0 {
				continue // not started or already finished
			}
			if cr := h.check(t, now); cr != nil {
				t.stop(cr)
			}
		}
		clear(buf)
	}
}

// check returns why t must end now, if it must, and pings it if due.
func (h *Handler) check(t *tunnel, now time.Time) *closeReason {
	n := now.UnixNano()
	l := h.limits
	switch {
	case t.token != nil && !h.cfg.Tokens.valid(t.token.sum):
		return reasonTokenRevoked
	case now.Sub(t.start) >= l.MaxSession:
		return reason(CloseLimit, "session_time", "limit: tunnels last at most %s", formatDuration(l.MaxSession))
	case n-t.lastData.Load() >= int64(l.IdleTimeout):
		return reason(CloseTimeout, "idle", "timeout: idle for %s", formatDuration(l.IdleTimeout))
	case n-t.lastHeard.Load() >= int64(pongWait) && t.waiting.Load():
		// Only while waiting for the page: a page→server copy blocked
		// on a slow server is not a silent page.
		return reasonPingTimeout
	}
	if n-t.lastHeard.Load() >= int64(pingPeriod) && n-t.lastPing.Load() >= int64(pingPeriod) {
		t.lastPing.Store(n)
		t.ping()
	}
	return nil
}

// Shutdown stops new tunnels (a handshake that arrives now is closed with
// 1001 and "shutdown: the server is stopping"), waits until the open
// tunnels end or ctx is done, then closes the rest with the same code and
// reason. It returns once every tunnel has ended: ctx's error if some had
// to be closed, nil otherwise.
func (h *Handler) Shutdown(ctx context.Context) error {
	h.reg.mu.Lock()
	h.reg.closing = true
	h.reg.mu.Unlock()
	done := make(chan struct{})
	go func() { h.reg.wg.Wait(); close(done) }()
	select {
	case <-done:
		h.reg.cancel()
		drainPipes()
		return nil
	case <-ctx.Done():
	}
	h.reg.cancel() // dials in progress give up
	for _, t := range h.reg.snapshot(nil) {
		if t.pumps.Load() > 0 {
			t.stop(reasonShutdown)
		}
	}
	<-done
	drainPipes()
	return ctx.Err()
}

// Close closes every tunnel now, as Shutdown with a context already done.
func (h *Handler) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.Shutdown(ctx)
	return nil
}

func formatDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

func formatBytes(n int64) string {
	switch {
	case n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

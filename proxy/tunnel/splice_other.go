//go:build !linux

package tunnel

import (
	"net"
	"time"
)

// splicer is Linux only; elsewhere bytes are copied through a buffer.
type splicer struct{}

func newSplicer(server, page net.Conn) *splicer { return nil }

func (s *splicer) forward(w *frameWriter, deadline time.Time) (int, error, error) {
	panic("unreachable")
}

func drainPipes() {}

const spliceMin = 0

func inq(fd int) (int, bool) { return 0, false }

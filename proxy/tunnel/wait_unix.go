//go:build unix

package tunnel

import (
	"io"
	"net"
	"syscall"
)

// readableWaiter waits until a TCP connection has bytes (or EOF, or an
// error) to read, without a buffer: from inside the runtime's poller it
// asks how many bytes are queued (Linux) or peeks one with MSG_PEEK. An idle tunnel therefore holds no copy
// buffer while it waits; the buffer is taken from a pool once data is
// there.
type readableWaiter struct {
	rc    syscall.RawConn
	fn    func(fd uintptr) bool
	peek  [1]byte
	err   error
	avail int // bytes known to be waiting, when wait returned nil
}

func (w *readableWaiter) init(c net.Conn) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	w.rc = rc
	w.fn = w.try
}

// try is called by the poller; returning false means "not yet: wait for
// readability and call again".
func (w *readableWaiter) try(fd uintptr) bool {
	if n, ok := inq(int(fd)); ok && n > 0 {
		w.avail, w.err = n, nil
		return true
	}
	w.avail = 0
	for {
		n, _, err := syscall.Recvfrom(int(fd), w.peek[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN || err == syscall.EWOULDBLOCK:
			return false
		case err != nil:
			w.err = err
		case n == 0:
			w.err = io.EOF
		default:
			w.err = nil
		}
		return true
	}
}

// wait returns nil when a read will not block, io.EOF when the peer has
// closed, or the error that a read would return.
func (w *readableWaiter) wait() error {
	if w.rc == nil {
		return nil // not a socket: the read itself will wait
	}
	if err := w.rc.Read(w.fn); err != nil {
		return err
	}
	return w.err
}

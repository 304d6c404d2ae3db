//go:build linux

package tunnel

import (
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/sys/unix"
)

// splicer moves bytes from the server's socket to the page's with
// splice(2) through a pipe: the kernel hands pages over instead of copying
// them into the proxy and back, which roughly halves the cost of the
// server-to-page direction. It needs plain TCP on both sides (not wss
// served directly: TLS must see the bytes).
type splicer struct {
	server syscall.RawConn
	page   syscall.RawConn
}

func newSplicer(server, page net.Conn) *splicer {
	s, ok1 := server.(*net.TCPConn)
	p, ok2 := page.(*net.TCPConn)
	if !ok1 || !ok2 {
		return nil
	}
	src, err1 := s.SyscallConn()
	dst, err2 := p.SyscallConn()
	if err1 != nil || err2 != nil {
		return nil
	}
	return &splicer{server: src, page: dst}
}

// spliceFlags: move pages rather than copy; never block inside splice
// (the runtime's poller does the waiting).
const (
	// spliceMin is the least the server must have sent for splicing to
	// pay; less is copied through a buffer (two system calls instead of
	// three).
	spliceMin = bufSize
	// spliceMax bounds one spliced message; the pipe is sized to hold it.
	// Splicing more per call is where the savings come from: measured on
	// loopback, 256 KiB per call cuts the proxy's CPU per byte by about a
	// third against 32 KiB copies, while 32 KiB splices save nothing.
	spliceMax = 256 << 10
)

const spliceFlags = unix.SPLICE_F_MOVE | unix.SPLICE_F_NONBLOCK

// inq returns how many bytes wait in a socket's receive queue.
func inq(fd int) (int, bool) {
	n, err := unix.IoctlGetInt(fd, unix.SIOCINQ)
	return n, err == nil
}

// forward moves what the server has ready, up to spliceMax bytes, to the
// page as one binary message. n == 0 with no error means nothing was
// ready after all.
func (s *splicer) forward(w *frameWriter, deadline time.Time) (n int, rerr, werr error) {
	p, err := getPipe()
	if err != nil {
		return 0, nil, err
	}
	err = s.server.Read(func(fd uintptr) bool {
		for {
			var k int64
			k, rerr = unix.Splice(int(fd), nil, p[1], nil, spliceMax, spliceFlags)
			n = int(k)
			if rerr != unix.EINTR {
				return true
			}
		}
	})
	switch {
	case err != nil:
		rerr = err
	case rerr == unix.EAGAIN:
		rerr = nil
		n = 0
	case rerr == nil && n == 0:
		rerr = io.EOF
	}
	if rerr != nil || n <= 0 {
		putPipe(p)
		return 0, rerr, nil
	}
	if werr = w.lock(deadline); werr != nil {
		closePipe(p)
		return n, nil, werr
	}
	defer w.unlock()
	if w.closeSent {
		closePipe(p)
		return n, nil, errCloseSent
	}
	var hdr [maxHeader]byte
	h := hdr[putHeader(hdr[:], websocket.BinaryMessage, n):]
	left := n
	w.conn.SetWriteDeadline(deadline)
	err = s.page.Write(func(fd uintptr) bool {
		for len(h) > 0 {
			k, e := unix.SendmsgN(int(fd), h, nil, nil, unix.MSG_MORE|unix.MSG_DONTWAIT)
			switch {
			case e == unix.EINTR:
				continue
			case e == unix.EAGAIN:
				return false
			case e != nil:
				werr = e
				return true
			}
			h = h[k:]
		}
		for left > 0 {
			k, e := unix.Splice(p[0], nil, int(fd), nil, left, spliceFlags)
			switch {
			case e == unix.EINTR:
				continue
			case e == unix.EAGAIN:
				return false
			case e != nil:
				werr = e
				return true
			}
			left -= int(k)
		}
		return true
	})
	if werr == nil {
		werr = err
	}
	if werr != nil || left > 0 {
		closePipe(p)
		if werr == nil {
			werr = io.ErrShortWrite
		}
		return n, nil, werr
	}
	putPipe(p)
	return n, nil, nil
}

// maxFreePipes bounds the pipes kept for reuse; an idle tunnel holds none.
const maxFreePipes = 32

var pipes struct {
	mu   sync.Mutex
	free [][2]int
}

func getPipe() ([2]int, error) {
	pipes.mu.Lock()
	if n := len(pipes.free); n > 0 {
		p := pipes.free[n-1]
		pipes.free = pipes.free[:n-1]
		pipes.mu.Unlock()
		return p, nil
	}
	pipes.mu.Unlock()
	var p [2]int
	err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK)
	if err == nil {
		// Best effort: past the per-user pipe quota the kernel keeps
		// pipes small, and messages are then smaller too.
		unix.FcntlInt(uintptr(p[0]), unix.F_SETPIPE_SZ, spliceMax)
	}
	return p, err
}

// putPipe keeps an empty pipe for reuse.
func putPipe(p [2]int) {
	pipes.mu.Lock()
	if len(pipes.free) < maxFreePipes {
		pipes.free = append(pipes.free, p)
		pipes.mu.Unlock()
		return
	}
	pipes.mu.Unlock()
	closePipe(p)
}

func closePipe(p [2]int) {
	unix.Close(p[0])
	unix.Close(p[1])
}

// drainPipes closes the pipes kept for reuse.
func drainPipes() {
	pipes.mu.Lock()
	free := pipes.free
	pipes.free = nil
	pipes.mu.Unlock()
	for _, p := range free {
		closePipe(p)
	}
}

package tunnel

import (
	"encoding/binary"
	"errors"
	"net"
	"time"

	"github.com/gorilla/websocket"
)

// maxHeader is the longest header of an unmasked frame (RFC 6455 §5.2).
const maxHeader = 10

// errCloseSent reports a write after the close frame.
var errCloseSent = errors.New("tunnel: close frame already sent")

// errWriteBusy reports that a control frame could not get its turn before
// its deadline, because a data frame is stuck on a page that does not read.
var errWriteBusy = errors.New("tunnel: writer busy")

// frameWriter writes the tunnel's side of the WebSocket: unmasked frames
// (RFC 6455 §5.2), one at a time. gorilla/websocket reads the page's
// frames; writing is done here so that a data frame's payload can go from
// the server's socket to the page's without passing through user space
// (splice_linux.go). Pongs and the close reply go through here too, by
// way of the handlers set in run, so frames never interleave.
type frameWriter struct {
	sem       chan struct{} // held while a frame is written
	conn      net.Conn
	closeSent bool // under sem
}

func newFrameWriter(c net.Conn) *frameWriter {
	return &frameWriter{sem: make(chan struct{}, 1), conn: c}
}

// lock waits for the writer until deadline.
func (w *frameWriter) lock(deadline time.Time) error {
	select {
	case w.sem <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case w.sem <- struct{}{}:
		return nil
	case <-t.C:
		return errWriteBusy
	}
}

func (w *frameWriter) unlock() { <-w.sem }

// putHeader writes the header of a final frame with opcode op and an
// n-byte payload so that it ends at b[maxHeader], and returns where it
// starts.
func putHeader(b []byte, op int, n int) int {
	switch {
	case n <= 125:
		b[8], b[9] = 0x80|byte(op), byte(n)
		return 8
	case n <= 0xffff:
		b[6], b[7] = 0x80|byte(op), 126
		binary.BigEndian.PutUint16(b[8:10], uint16(n))
		return 6
	default:
		b[0], b[1] = 0x80|byte(op), 127
		binary.BigEndian.PutUint64(b[2:10], uint64(n))
		return 0
	}
}

// data sends buf[maxHeader:] as one binary message; buf[:maxHeader] is
// room for the header, so header and payload leave in one write.
func (w *frameWriter) data(buf []byte, deadline time.Time) error {
	if err := w.lock(deadline); err != nil {
		return err
	}
	defer w.unlock()
	if w.closeSent {
		return errCloseSent
	}
	start := putHeader(buf, websocket.BinaryMessage, len(buf)-maxHeader)
	w.conn.SetWriteDeadline(deadline)
	_, err := w.conn.Write(buf[start:])
	return err
}

// control sends a ping, pong or close frame (payload at most 125 bytes).
func (w *frameWriter) control(op int, payload []byte, deadline time.Time) error {
	if err := w.lock(deadline); err != nil {
		return err
	}
	defer w.unlock()
	if w.closeSent {
		return errCloseSent
	}
	if op == websocket.CloseMessage {
		w.closeSent = true
	}
	var b [maxHeader + 125]byte
	n := copy(b[maxHeader:], payload)
	start := putHeader(b[:], op, n)
	w.conn.SetWriteDeadline(deadline)
	_, err := w.conn.Write(b[start : maxHeader+n])
	return err
}

//go:build !unix

package tunnel

import "net"

// readableWaiter does nothing where MSG_PEEK is not available: the read
// itself waits, holding its buffer.
type readableWaiter struct{ avail int }

func (w *readableWaiter) init(net.Conn) {}
func (w *readableWaiter) wait() error   { return nil }

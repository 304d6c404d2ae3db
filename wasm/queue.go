package main

import (
	"errors"
	"io"
	"os"
	"sync"
	"time"
)

// maxQueued bounds what a slow reader may leave unread before the
// connection is failed; a well-behaved session reads as data arrives.
const maxQueued = 64 << 20

// errQueueFull is returned once more than maxQueued bytes wait unread.
var errQueueFull = errors.New("wasm: receive buffer full")

// queue is a byte FIFO fed by non-blocking pushes (from JavaScript
// callbacks) and drained by blocking reads with a deadline.
type queue struct {
	mu       sync.Mutex
	chunks   [][]byte
	size     int
	err      error         // set once the stream has ended
	notify   chan struct{} // capacity 1: "something changed"
	deadline time.Time
}

func newQueue() *queue { return &queue{notify: make(chan struct{}, 1)} }

func (q *queue) wake() {
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// push appends b (which the queue now owns). It never blocks.
func (q *queue) push(b []byte) {
	q.mu.Lock()
	if q.err == nil {
		if q.size+len(b) > maxQueued {
			q.err = errQueueFull
		} else {
			q.chunks = append(q.chunks, b)
			q.size += len(b)
		}
	}
	q.mu.Unlock()
	q.wake()
}

// end marks the end of the stream: reads drain what is queued, then return
// err (io.EOF for a clean end). Only the first end counts.
func (q *queue) end(err error) {
	q.mu.Lock()
	if q.err == nil {
		q.err = err
	}
	q.mu.Unlock()
	q.wake()
}

// setDeadline sets the read deadline and wakes a blocked read so it sees it.
func (q *queue) setDeadline(t time.Time) {
	q.mu.Lock()
	q.deadline = t
	q.mu.Unlock()
	q.wake()
}

// read blocks until data, the end of the stream, or the deadline.
func (q *queue) read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		q.mu.Lock()
		if len(q.chunks) > 0 {
			n := 0
			for n < len(p) && len(q.chunks) > 0 {
				c := copy(p[n:], q.chunks[0])
				n += c
				if c == len(q.chunks[0]) {
					q.chunks[0] = nil
					q.chunks = q.chunks[1:]
				} else {
					q.chunks[0] = q.chunks[0][c:]
				}
			}
			q.size -= n
			q.mu.Unlock()
			return n, nil
		}
		if q.err != nil {
			err := q.err
			q.mu.Unlock()
			return 0, err
		}
		dl := q.deadline
		q.mu.Unlock()
		var timeout <-chan time.Time
		if !dl.IsZero() {
			d := time.Until(dl)
			if d <= 0 {
				return 0, os.ErrDeadlineExceeded
			}
			t := time.NewTimer(d)
			timeout = t.C
			defer t.Stop()
		}
		select {
		case <-q.notify:
		case <-timeout:
			return 0, os.ErrDeadlineExceeded
		}
	}
}

var _ io.Reader = readerFunc(nil)

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

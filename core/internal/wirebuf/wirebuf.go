// Package wirebuf is the byte buffer shared by Mailwire's push-based wire
// splitters: bytes are appended as they arrive and complete units are taken
// from the front.
//
// A Buf is not safe for concurrent use.
package wirebuf

import "bytes"

// Buf holds bytes not yet taken.
type Buf struct {
	b       []byte
	r       int // read offset into b
	scanned int // unread bytes already searched for LF without success
}

// Write appends p. It never fails.
func (b *Buf) Write(p []byte) {
	if b.r > 0 && b.r >= len(b.b)/2 {
		n := copy(b.b, b.b[b.r:])
		b.b = b.b[:n]
		b.r = 0
	}
	b.b = append(b.b, p...)
}

// Len is the number of unread bytes.
func (b *Buf) Len() int { return len(b.b) - b.r }

// Bytes returns the unread bytes. The slice is valid until the next Write
// or Take.
func (b *Buf) Bytes() []byte { return b.b[b.r:] }

// IndexLF returns the index, relative to the unread bytes, of the first LF
// at or after from, or -1.
func (b *Buf) IndexLF(from int) int {
	u := b.b[b.r:]
	if from >= len(u) {
		return -1
	}
	i := bytes.IndexByte(u[from:], '\n')
	if i < 0 {
		return -1
	}
	return from + i
}

// NextLF returns the index, relative to the unread bytes, of the first
// LF, or -1. It remembers how far it searched, so that a line arriving a
// byte at a time costs linear time, not quadratic.
func (b *Buf) NextLF() int {
	i := b.IndexLF(b.scanned)
	if i < 0 {
		b.scanned = b.Len()
	}
	return i
}

// Take returns a copy of the next n unread bytes and consumes them.
func (b *Buf) Take(n int) []byte {
	if n > b.Len() {
		n = b.Len()
	}
	out := bytes.Clone(b.b[b.r : b.r+n])
	b.r += n
	b.scanned = max(0, b.scanned-n)
	if b.r == len(b.b) {
		b.b = b.b[:0]
		b.r = 0
	}
	return out
}

package smtpwire

import (
	"bytes"
	"testing"
)

// BenchmarkConversationData splits a 1 MiB message sent after DATA, fed in
// 32 KiB reads as a session receives it.
func BenchmarkConversationData(b *testing.B) {
	line := bytes.Repeat([]byte("x"), 76)
	var msg []byte
	for len(msg) < 1<<20 {
		msg = append(append(msg, line...), "\r\n"...)
	}
	stream := append([]byte("DATA\r\n"), Stuff(msg)...)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		c := NewConversation()
		c.Server([]byte("220 x\r\n"))
		n := 0
		for i := 0; i < len(stream); i += 32 << 10 {
			for _, u := range c.Client(stream[i:min(i+32<<10, len(stream))]) {
				n += len(u.Raw)
			}
		}
		if n != len(stream) {
			b.Fatalf("split %d of %d bytes", n, len(stream))
		}
	}
}

// BenchmarkLongLineByteByByte feeds a 60 KiB command line a byte at a
// time: finding its end must cost linear time.
func BenchmarkLongLineByteByByte(b *testing.B) {
	line := append(append([]byte("NOOP "), bytes.Repeat([]byte("x"), 60<<10)...), "\r\n"...)
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		c := NewConversation()
		n := 0
		for i := range line {
			for _, u := range c.Client(line[i : i+1]) {
				n += len(u.Raw)
			}
		}
		if n != len(line) {
			b.Fatalf("%d of %d bytes", n, len(line))
		}
	}
}

package imapwire

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkFetchLiteral splits and parses a FETCH response carrying a
// 1 MiB literal, fed in 32 KiB reads.
func BenchmarkFetchLiteral(b *testing.B) {
	body := bytes.Repeat([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd\r\n"), 1<<14)
	resp := append([]byte(fmt.Sprintf("* 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {%d}\r\n", len(body))), body...)
	resp = append(resp, ")\r\n"...)
	b.SetBytes(int64(len(resp)))
	b.ReportAllocs()
	for b.Loop() {
		c := NewConversation()
		var us []Unit
		for i := 0; i < len(resp); i += 32 << 10 {
			us = append(us, c.Server(resp[i:min(i+32<<10, len(resp))])...)
		}
		if len(us) != 1 || len(us[0].Response.Fields) != 1 {
			b.Fatalf("got %d units", len(us))
		}
	}
}

// BenchmarkManyLiterals feeds a command made of 3000 synchronizing
// literals, a byte at a time: the work must stay linear in its size.
func BenchmarkManyLiterals(b *testing.B) {
	cmd := []byte("a APPEND INBOX " + string(bytes.Repeat([]byte("{1}\r\nx "), 3000)) + "\r\n")
	b.SetBytes(int64(len(cmd)))
	for b.Loop() {
		c := NewConversation()
		n := 0
		for i := range cmd {
			for _, u := range c.Client(cmd[i : i+1]) {
				n += len(u.Raw)
			}
		}
		if n != len(cmd) {
			b.Fatalf("%d of %d bytes", n, len(cmd))
		}
	}
}

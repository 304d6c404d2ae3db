package sandbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// benchMessage is a plain message of about size bytes in 78-octet lines.
func benchMessage(size int) []byte {
	var b strings.Builder
	b.WriteString("From: bench@sandbox.test\r\nTo: alice@sandbox.test\r\nSubject: ingest\r\n\r\n")
	line := strings.Repeat("0123456789", 7) + "abcdef\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return []byte(b.String())
}

// benchSandbox is a sandbox with room for the benchmark, emptied in the
// background so memory stays flat.
func benchSandbox(b *testing.B) *Sandbox {
	sb := start(b, func(c *Config) { c.Limits = Limits{QuotaBytes: 1 << 40, MaxStoreBytes: 1 << 40} })
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				sb.store.clear()
			}
		}
	}()
	b.Cleanup(func() { close(stop); <-done })
	return sb
}

// benchClient speaks just enough SMTP to deliver fast: MAIL, RCPT and DATA
// pipelined in one write (RFC 2920; the server announces PIPELINING), then
// the body, dot-stuffed once in advance, and the final reply. The cost
// measured is the server's, not a client library's.
type benchClient struct {
	c net.Conn
	r *bufio.Reader
}

func dialBench(a string) (*benchClient, error) {
	c, err := net.Dial("tcp", a)
	if err != nil {
		return nil, err
	}
	bc := &benchClient{c: c, r: bufio.NewReader(c)}
	if _, err := io.WriteString(c, "EHLO bench.example\r\n"); err != nil {
		return nil, err
	}
	for _, want := range []string{"220", "250"} {
		if err := bc.expect(want); err != nil {
			return nil, err
		}
	}
	return bc, nil
}

// expect reads one reply (all its lines) and checks its code.
func (bc *benchClient) expect(code string) error {
	for {
		l, err := bc.r.ReadString('\n')
		if err != nil {
			return err
		}
		if !strings.HasPrefix(l, code) {
			return fmt.Errorf("got %q, want %s", l, code)
		}
		if len(l) > 3 && l[3] == ' ' {
			return nil
		}
	}
}

func (bc *benchClient) deliver(size int, stuffed []byte) error {
	// SIZE as smtplib, Thunderbird and most clients send it (RFC 1870).
	env := fmt.Sprintf("MAIL FROM:<bench@sandbox.test> SIZE=%d\r\nRCPT TO:<alice@sandbox.test>\r\nDATA\r\n", size)
	if _, err := io.WriteString(bc.c, env); err != nil {
		return err
	}
	for _, want := range []string{"250", "250", "354"} {
		if err := bc.expect(want); err != nil {
			return err
		}
	}
	if _, err := bc.c.Write(stuffed); err != nil {
		return err
	}
	return bc.expect("250")
}

func (bc *benchClient) close() {
	io.WriteString(bc.c, "QUIT\r\n")
	bc.c.Close()
}

// benchIngest: parallel clients (one per GOMAXPROCS), each on its own
// connection (or a new one per message), deliver messages over loopback
// to the SMTP listener; each delivery ends with the server's 250.
func benchIngest(b *testing.B, size int, newConn bool) {
	sb := benchSandbox(b)
	a := addr(b, sb, "smtp", "none")
	msg := benchMessage(size)
	stuffed := append(bytes.ReplaceAll(msg, []byte("\r\n."), []byte("\r\n..")), ".\r\n"...)
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := dialBench(a)
		if err != nil {
			b.Error(err)
			return
		}
		defer func() { c.close() }()
		for pb.Next() {
			if newConn {
				c.close()
				if c, err = dialBench(a); err != nil {
					b.Error(err)
					return
				}
			}
			if err := c.deliver(len(msg), stuffed); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkSMTPIngest10KB(b *testing.B)        { benchIngest(b, 10<<10, false) }
func BenchmarkSMTPIngest10KBNewConn(b *testing.B) { benchIngest(b, 10<<10, true) }
func BenchmarkSMTPIngest3MB(b *testing.B)         { benchIngest(b, 3<<20, false) }

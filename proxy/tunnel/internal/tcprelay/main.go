// Command tcprelay is a plain TCP relay, the cheapest extra hop a proxy
// can be: it copies bytes both ways through 32 KiB buffers and does
// nothing else. scripts/bench-proxy.sh measures it beside the tunnel, so
// that what a hop costs on the machine (copies, and process wake-ups for
// round trips) is separated from what the WebSocket costs.
//
//	tcprelay LISTEN TARGET      e.g. tcprelay 127.0.0.1:7001 127.0.0.1:7000
package main

import (
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: tcprelay LISTEN TARGET")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "tcprelay:", err)
		os.Exit(1)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "tcprelay:", err)
			os.Exit(1)
		}
		go relay(c, os.Args[2])
	}
}

func relay(c net.Conn, target string) {
	defer c.Close()
	t, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer t.Close()
	done := make(chan struct{})
	go func() { copyPlain(t, c); t.Close(); close(done) }()
	copyPlain(c, t)
	c.Close()
	<-done
}

// copyPlain copies with read and write, as the tunnel does for the page's
// bytes (io.Copy between two TCP connections would splice instead).
func copyPlain(dst io.Writer, src io.Reader) {
	io.CopyBuffer(struct{ io.Writer }{dst}, struct{ io.Reader }{src}, make([]byte, 32<<10))
}

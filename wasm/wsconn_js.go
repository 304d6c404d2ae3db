//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall/js"
	"time"
)

// wsConn is a net.Conn over a browser WebSocket carrying binary messages.
type wsConn struct {
	ws     js.Value
	in     *queue
	funcs  []js.Func
	remote wsAddr

	mu        sync.Mutex
	closed    bool
	closeErr  error // why the socket closed, as the tunnel said
	wdeadline time.Time
}

// tunnelClosedError carries the close code and reason the tunnel sent,
// e.g. 1008 "blocked: 127.0.0.1:25 is not an allowed target".
type tunnelClosedError struct {
	Code   int
	Reason string
}

func (e *tunnelClosedError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("tunnel closed (code %d)", e.Code)
	}
	return fmt.Sprintf("tunnel closed: %s (code %d)", e.Reason, e.Code)
}

type wsAddr string

func (a wsAddr) Network() string { return "websocket" }
func (a wsAddr) String() string  { return string(a) }

// dialWebSocket opens url and waits until the socket is open or has failed.
// It must not be called from a JavaScript callback.
func dialWebSocket(url, target string, timeout time.Duration) (*wsConn, error) {
	c := &wsConn{in: newQueue(), remote: wsAddr(target)}
	opened := make(chan struct{})
	var openOnce sync.Once
	c.ws = js.Global().Get("WebSocket").New(url, js.ValueOf([]any{"binary"}))
	c.ws.Set("binaryType", "arraybuffer")
	c.on("open", func(js.Value) { openOnce.Do(func() { close(opened) }) })
	c.on("message", func(ev js.Value) {
		data := ev.Get("data")
		if data.Type() == js.TypeString { // the tunnel sends binary only
			c.in.push([]byte(data.String()))
			return
		}
		arr := js.Global().Get("Uint8Array").New(data)
		b := make([]byte, arr.Get("length").Int())
		js.CopyBytesToGo(b, arr)
		c.in.push(b)
	})
	c.on("close", func(ev js.Value) {
		code, reason := ev.Get("code").Int(), ev.Get("reason").String()
		var err error = io.EOF
		if code != 1000 {
			err = &tunnelClosedError{Code: code, Reason: reason}
		}
		c.mu.Lock()
		if c.closeErr == nil {
			c.closeErr = err
		}
		c.mu.Unlock()
		c.in.end(err)
		openOnce.Do(func() { close(opened) })
	})
	select {
	case <-opened:
	case <-time.After(timeout):
		c.Close()
		return nil, fmt.Errorf("wasm: opening the tunnel timed out after %v", timeout)
	}
	if c.ws.Get("readyState").Int() != 1 { // OPEN
		c.mu.Lock()
		err := c.closeErr
		c.mu.Unlock()
		c.Close()
		if err == nil || err == io.EOF {
			err = errors.New("wasm: the tunnel could not be opened")
		}
		return nil, err
	}
	return c, nil
}

func (c *wsConn) on(event string, f func(js.Value)) {
	fn := js.FuncOf(func(this js.Value, args []js.Value) any {
		f(args[0])
		return nil
	})
	c.funcs = append(c.funcs, fn)
	c.ws.Set("on"+event, fn)
}

func (c *wsConn) Read(p []byte) (int, error) { return c.in.read(p) }

func (c *wsConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	closed, dl, cerr := c.closed, c.wdeadline, c.closeErr
	c.mu.Unlock()
	if closed {
		return 0, net.ErrClosed
	}
	if cerr != nil {
		return 0, cerr
	}
	if !dl.IsZero() && time.Now().After(dl) {
		return 0, os.ErrDeadlineExceeded
	}
	if len(p) == 0 {
		return 0, nil
	}
	arr := js.Global().Get("Uint8Array").New(len(p))
	js.CopyBytesToJS(arr, p)
	c.ws.Call("send", arr)
	return len(p), nil
}

// Close closes the socket, detaches the handlers and releases them.
func (c *wsConn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	c.in.end(net.ErrClosed)
	for _, ev := range []string{"open", "message", "close"} {
		c.ws.Set("on"+ev, js.Null())
	}
	if s := c.ws.Get("readyState").Int(); s == 0 || s == 1 { // CONNECTING or OPEN
		c.ws.Call("close", 1000)
	}
	for _, f := range c.funcs {
		f.Release()
	}
	c.funcs = nil
	return nil
}

func (c *wsConn) LocalAddr() net.Addr  { return wsAddr("browser") }
func (c *wsConn) RemoteAddr() net.Addr { return c.remote }

func (c *wsConn) SetDeadline(t time.Time) error {
	c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

func (c *wsConn) SetReadDeadline(t time.Time) error {
	c.in.setDeadline(t)
	return nil
}

func (c *wsConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.wdeadline = t
	c.mu.Unlock()
	return nil
}

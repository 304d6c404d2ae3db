//go:build js && wasm

package main

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/mailwire/mailwire/core/session"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// dialTimeout bounds opening the tunnel and reaching the server.
const dialTimeout = 15 * time.Second

// sessions maps the page's session ids to live sessions.
var sessions = struct {
	sync.Mutex
	m map[int]*liveSession
}{m: map[int]*liveSession{}}

type liveSession struct {
	cancel context.CancelFunc
	cmds   chan string
}

func main() {
	api := map[string]any{
		"version": version,
		"open":    js.FuncOf(open),
		"send":    js.FuncOf(send),
		"close":   js.FuncOf(closeSession),
	}
	addMIME(api) // the MIME explorer (mime_js.go)
	js.Global().Set("mailwire", js.ValueOf(api))
	if ready := js.Global().Get("mailwireReady"); ready.Type() == js.TypeFunction {
		ready.Invoke(version)
	}
	select {} // serve calls until the worker ends
}

// open(id, {url, host, port, proto, client}, onEvent) starts a session on its
// own goroutine and returns at once.
func open(this js.Value, args []js.Value) any {
	if len(args) < 3 {
		return "open: want (id, options, onEvent)"
	}
	id, opts, onEvent := args[0].Int(), args[1], args[2]
	url := opts.Get("url").String()
	target := net.JoinHostPort(opts.Get("host").String(), strconv.Itoa(opts.Get("port").Int()))
	client := "mailwire.invalid"
	if c := opts.Get("client"); c.Type() == js.TypeString && c.String() != "" {
		client = c.String()
	}
	ctx, cancel := context.WithCancel(context.Background())
	ls := &liveSession{cancel: cancel, cmds: make(chan string, 16)}
	sessions.Lock()
	sessions.m[id] = ls
	sessions.Unlock()
	emit := func(e session.Event) { onEvent.Invoke(eventToJS(e)) }
	go runSMTP(ctx, ls, url, target, client, emit)
	return nil
}

func runSMTP(ctx context.Context, ls *liveSession, url, target, client string, emit session.Emitter) {
	defer ls.cancel()
	conn, err := dialWebSocket(url, target, dialTimeout)
	if err != nil {
		emit(session.Event{Seq: 0, Dir: session.DirLocal, Kind: session.KindError, Time: time.Now(), Summary: err.Error()})
		return
	}
	s, _, err := session.Hello(ctx, conn, client, emit)
	if err != nil {
		s.Close()
		return
	}
	for {
		select {
		case <-ctx.Done():
			s.Close()
			return
		case line := <-ls.cmds:
			if _, err := s.Command(line); err != nil {
				s.Close()
				return
			}
			if strings.EqualFold(strings.TrimSpace(line), "QUIT") {
				s.Close()
				return
			}
		}
	}
}

// send(id, line) queues a command line for the session.
func send(this js.Value, args []js.Value) any {
	if len(args) < 2 {
		return "send: want (id, line)"
	}
	sessions.Lock()
	ls := sessions.m[args[0].Int()]
	sessions.Unlock()
	if ls == nil {
		return "send: no such session"
	}
	select {
	case ls.cmds <- args[1].String():
		return nil
	default:
		return "send: too many commands waiting"
	}
}

// close(id) ends the session.
func closeSession(this js.Value, args []js.Value) any {
	if len(args) < 1 {
		return nil
	}
	sessions.Lock()
	ls := sessions.m[args[0].Int()]
	delete(sessions.m, args[0].Int())
	sessions.Unlock()
	if ls != nil {
		ls.cancel()
	}
	return nil
}

// eventToJS converts an event to a plain object; raw bytes become a
// Uint8Array.
func eventToJS(e session.Event) js.Value {
	o := js.Global().Get("Object").New()
	o.Set("seq", e.Seq)
	o.Set("dir", string(e.Dir))
	o.Set("time", e.Time.UnixMilli())
	o.Set("elapsed", e.Elapsed)
	o.Set("kind", string(e.Kind))
	raw := js.Global().Get("Uint8Array").New(len(e.Raw))
	js.CopyBytesToJS(raw, e.Raw)
	o.Set("raw", raw)
	o.Set("summary", e.Summary)
	o.Set("explain", e.Explain)
	o.Set("rfc", e.RFC)
	if e.Code != 0 {
		o.Set("code", e.Code)
	}
	if e.Verb != "" {
		o.Set("verb", e.Verb)
	}
	o.Set("lines", strSlice(e.Lines))
	o.Set("problems", strSlice(e.Problems))
	return o
}

func strSlice(ss []string) js.Value {
	a := js.Global().Get("Array").New(len(ss))
	for i, s := range ss {
		a.SetIndex(i, s)
	}
	return a
}

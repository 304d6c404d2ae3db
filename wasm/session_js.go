//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strconv"
	"sync"
	"syscall/js"
	"time"

	"github.com/mailwire/mailwire/core/session"
)

// Live sessions on globalThis.mailwire (see web/src/worker.ts):
//
//	open(id, options, onEvent, onState) starts a session and returns at once
//	op(id, req, {op, ...}, onResult)    queues an operation (send, login, ...)
//	cancel(id)                          abandons the operation under way
//	close(id)                           closes the connection
//
// Each event goes to onEvent as a plain object (session.Event's JSON with
// raw and message as Uint8Array); after Open and after every operation
// onState gets the client state machine's state (explain.State's JSON).
// Everything here converts data; the protocol lives in core/session.

// dialTimeout bounds opening the tunnel and reaching the server.
const dialTimeout = 15 * time.Second

var sessions = struct {
	sync.Mutex
	m map[int]*liveSession
}{m: map[int]*liveSession{}}

type liveSession struct {
	cancel context.CancelFunc
	ops    chan liveOp

	mu       sync.Mutex
	opCancel context.CancelFunc // the operation under way
}

type liveOp struct {
	req      int
	op       string
	line     string
	user     string
	pass     string
	from     string
	to       []string
	message  []byte
	onResult js.Value
}

func addSessions(api map[string]any) {
	api["open"] = js.FuncOf(open)
	api["op"] = js.FuncOf(queueOp)
	api["cancel"] = js.FuncOf(cancelOp)
	api["close"] = js.FuncOf(closeSession)
}

// open(id, {url, host, port, proto, tls, serverName, caPEM,
// allowUnverified, client, timeoutMs}, onEvent, onState).
func open(this js.Value, args []js.Value) any {
	if len(args) < 4 {
		return "open: want (id, options, onEvent, onState)"
	}
	id, o, onEvent, onState := args[0].Int(), args[1], args[2], args[3]
	proto, err := session.ParseProto(str(o, "proto"))
	if err != nil {
		return err.Error()
	}
	mode, err := session.ParseTLSMode(str(o, "tls"))
	if err != nil {
		return err.Error()
	}
	opt := session.Options{
		Proto:           proto,
		TLS:             mode,
		ServerName:      str(o, "serverName"),
		ExtraRootsPEM:   []byte(str(o, "caPEM")),
		AllowUnverified: o.Get("allowUnverified").Truthy(),
		ClientName:      str(o, "client"),
	}
	if ms := o.Get("timeoutMs"); ms.Type() == js.TypeNumber && ms.Int() > 0 {
		opt.Timeout = time.Duration(ms.Int()) * time.Millisecond
	}
	url := str(o, "url")
	target := net.JoinHostPort(str(o, "host"), strconv.Itoa(o.Get("port").Int()))
	ctx, cancel := context.WithCancel(context.Background())
	ls := &liveSession{cancel: cancel, ops: make(chan liveOp, 64)}
	sessions.Lock()
	sessions.m[id] = ls
	sessions.Unlock()
	emit := func(e session.Event) { onEvent.Invoke(eventToJS(e)) }
	go ls.run(ctx, url, target, opt, emit, onState)
	return nil
}

func (ls *liveSession) run(ctx context.Context, url, target string, opt session.Options, emit session.Emitter, onState js.Value) {
	defer ls.cancel()
	conn, err := dialWebSocket(url, target, dialTimeout)
	if err != nil {
		emit(session.Event{Dir: session.DirLocal, Kind: session.KindError, Time: time.Now(), Summary: err.Error(),
			Explain: "The connection to " + target + " could not be opened through the tunnel."})
		emit(session.Event{Dir: session.DirLocal, Kind: session.KindClose, Time: time.Now(), Summary: "not connected"})
		return
	}
	octx, ocancel := context.WithTimeout(ctx, dialTimeout+2*timeoutOf(opt))
	ls.setOpCancel(ocancel)
	s, err := session.Open(octx, conn, opt, emit)
	ocancel()
	if s == nil {
		conn.Close()
		emit(session.Event{Dir: session.DirLocal, Kind: session.KindError, Time: time.Now(), Summary: err.Error()})
		emit(session.Event{Dir: session.DirLocal, Kind: session.KindClose, Time: time.Now(), Summary: "not connected"})
		return
	}
	defer s.Close()
	onState.Invoke(stateToJS(s))
	if err != nil {
		return // the session's events say why; Close reports the end
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.Done():
			onState.Invoke(stateToJS(s))
			return
		case op := <-ls.ops:
			octx, ocancel := context.WithCancel(ctx)
			ls.setOpCancel(ocancel)
			r, err := ls.do(octx, s, op)
			ocancel()
			res := map[string]any{"ok": r.OK, "code": r.Code, "status": r.Status, "text": r.Text}
			if err != nil {
				res["ok"] = false
				res["error"] = err.Error()
				if errors.Is(err, context.Canceled) {
					res["error"] = "cancelled: the session no longer waits for that answer"
				}
			}
			// the state first: the page shows an answer with the state it leads to
			onState.Invoke(stateToJS(s))
			if op.onResult.Type() == js.TypeFunction {
				op.onResult.Invoke(op.req, js.ValueOf(res))
			}
		}
	}
}

func timeoutOf(opt session.Options) time.Duration {
	if opt.Timeout > 0 {
		return opt.Timeout
	}
	return session.DefaultTimeout
}

func (ls *liveSession) setOpCancel(c context.CancelFunc) {
	ls.mu.Lock()
	ls.opCancel = c
	ls.mu.Unlock()
}

func (ls *liveSession) do(ctx context.Context, s *session.Session, op liveOp) (session.Result, error) {
	switch op.op {
	case "send":
		return s.Send(ctx, op.line)
	case "login":
		return s.Login(ctx, op.user, op.pass)
	case "sendmail":
		return s.SendMail(ctx, op.from, op.to, op.message)
	case "message":
		return s.SendMessage(ctx, op.message)
	case "starttls":
		return s.StartTLS(ctx)
	case "quit":
		return s.Quit(ctx)
	}
	return session.Result{}, errors.New("unknown operation " + strconv.Quote(op.op))
}

// op(id, req, {op, line, user, pass, from, to, message}, onResult) queues
// an operation (send, login, sendmail, message, starttls, quit);
// onResult(req, {ok, code, status, text, error}) follows.
func queueOp(this js.Value, args []js.Value) any {
	if len(args) < 4 {
		return "op: want (id, req, operation, onResult)"
	}
	ls := lookup(args[0].Int())
	if ls == nil {
		return "op: no such session"
	}
	o := args[2]
	op := liveOp{req: args[1].Int(), op: str(o, "op"), line: str(o, "line"), user: str(o, "user"),
		pass: str(o, "pass"), from: str(o, "from"), onResult: args[3]}
	if to := o.Get("to"); to.Type() == js.TypeObject {
		for i := 0; i < to.Length(); i++ {
			op.to = append(op.to, to.Index(i).String())
		}
	}
	if m := o.Get("message"); m.Type() == js.TypeObject {
		op.message = make([]byte, m.Get("length").Int())
		js.CopyBytesToGo(op.message, m)
	} else if m.Type() == js.TypeString {
		op.message = []byte(m.String())
	}
	select {
	case ls.ops <- op:
		return nil
	default:
		return "op: too many operations waiting"
	}
}

// cancel(id) gives up waiting for the answer to the operation under way.
func cancelOp(this js.Value, args []js.Value) any {
	if len(args) < 1 {
		return nil
	}
	if ls := lookup(args[0].Int()); ls != nil {
		ls.mu.Lock()
		c := ls.opCancel
		ls.mu.Unlock()
		if c != nil {
			c()
		}
	}
	return nil
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

func lookup(id int) *liveSession {
	sessions.Lock()
	defer sessions.Unlock()
	return sessions.m[id]
}

func str(o js.Value, key string) string {
	if v := o.Get(key); v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

var jsonParse = js.Global().Get("JSON").Get("parse")

// eventToJS converts an event to a plain object: its JSON form, with raw
// and message as Uint8Array instead of base64.
func eventToJS(e session.Event) js.Value {
	raw, msg := e.Raw, e.Message
	e.Raw, e.Message = nil, nil
	b, err := json.Marshal(e)
	if err != nil {
		b = []byte(`{"kind":"error","dir":"i","summary":` + strconv.Quote(err.Error()) + `}`)
	}
	o := jsonParse.Invoke(string(b))
	o.Set("time", e.Time.UnixMilli())
	o.Set("raw", bytesToJS(raw))
	if msg != nil {
		o.Set("message", bytesToJS(msg))
	}
	return o
}

func stateToJS(s *session.Session) js.Value {
	b, _ := json.Marshal(s.State())
	return jsonParse.Invoke(string(b))
}

func bytesToJS(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/mailwire/mailwire/core/session"
	"github.com/mailwire/mailwire/proxy/internal/browsertest"
	"github.com/mailwire/mailwire/proxy/server"
)

// Round trips per command, interleaved in blocks.
const (
	rttWarmup = 20 // NOOPs per variant before measuring
	rttBlock  = 20 // NOOPs per variant per round
	rttRounds = 10 // rounds: 200 NOOPs per variant
)

// rttVariant is one way of sending NOOP to the sandbox's SMTP server; noop
// returns the round trip in milliseconds.
type rttVariant struct {
	name string // metric prefix
	what string // for the table
	noop func() (float64, error)
}

// rttPair is an overhead: a's block median minus b's, paired by round.
type rttPair struct{ a, b, what string }

// rttResults holds the samples of one measurement.
type rttResults struct {
	samples map[string][]float64 // every round trip, by variant
	blocks  map[string][]float64 // each round's median, by variant
	order   []rttVariant         // the variants, in table order
	pairs   []rttPair
	load    [2]string // load average before and after
	elapsed time.Duration
}

// rttMeasured is measured once per test binary: with -benchtime 5x the
// benchmark function runs twice (b.N = 1, then 5) and the second run
// reports the same figures.
var rttMeasured *rttResults

// BenchmarkCommandRTT measures the round trip of one SMTP NOOP to the
// sandbox (in-process, loopback), from the floor to the real page:
//
//   - raw: a Go client writes "NOOP\r\n" on a plain TCP connection (after
//     the greeting and EHLO) and reads the reply line;
//   - native: core/session natively, s.Send(ctx, "NOOP") over TCP, each
//     event JSON-encoded as the WASM bridge does;
//   - page-ws: JavaScript on the page's main thread with its own WebSocket
//     through the tunnel (no worker, no Go): the browser's WebSocket and
//     the tunnel;
//   - worker-ws: the same from a minimal Web Worker, the page posting the
//     command to it and the reply posted back: adds the two postMessage
//     hops the app has;
//   - page-js: the real page, the command line filled and Enter dispatched
//     from JavaScript; the figure is the page's own (#last-answer's
//     data-ms: performance.now() from the page posting the command to the
//     worker, through the Go/WASM core, the tunnel, the proxy and the
//     server, back to the page);
//   - page: the same typed: NOOP, then Enter, as key events through the
//     browser's input pipeline (DevTools' Input domain), as a user types.
//     Before Enter the page is left to draw a frame, so Enter comes just
//     after one; after a key press Chromium delivers the worker's messages
//     to the page only after drawing the next frame, so this variant waits
//     about one frame (16.7 ms at 60 Hz), the most a key press can wait;
//   - native-tls, page-tls-js and page-tls: the same over STARTTLS, so that
//     TLS in the WASM shows.
//
// After a warm-up of 20 NOOPs each, the variants take turns in blocks of
// 20 (the order rotating each round) for 10 rounds: 200 NOOPs each. Each
// page command is sent once the page has drawn a frame since the previous
// answer, and each round starts new page sessions (Reconnect). The
// percentiles are over all 200; an overhead is the median over rounds of
// the difference of two variants' block medians in that round.
//
// The page reports performance.now() to 0.1 ms (the page is not
// cross-origin isolated), which is also the page variants' resolution.
func BenchmarkCommandRTT(b *testing.B) {
	if rttMeasured == nil {
		rttMeasured = measureRTT(b)
		rttMeasured.print()
	}
	rttMeasured.report(b)
}

func measureRTT(b *testing.B) *rttResults {
	start := time.Now()
	env := browsertest.Start(b, browsertest.Options{Config: server.Config{}, Timeout: 5 * time.Minute, Width: 1400, Height: 1000})
	var plainPort int
	for _, tg := range env.Server.Sandbox().Targets() {
		if tg.Proto == "smtp" && tg.TLS == "none" {
			plainPort = tg.Port
		}
	}
	if plainPort == 0 {
		b.Fatal("the sandbox has no plain SMTP target")
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(plainPort))
	ctx := env.Ctx // bounded by the browser's timeout

	raw := rawSMTP(b, addr)
	native := nativeSMTP(b, ctx, addr, session.TLSNone, nil)
	nativeTLS := nativeSMTP(b, ctx, addr, session.TLSStartTLS, env.Server.Sandbox().CAPEM())

	// Three tabs, each in its own window (chromedp's default for a new
	// tab) so that all are visible: a session each, and the probes.
	pagePlain := openRTTTab(b, env, env.Ctx, fmt.Sprintf("sandbox-smtp-%d-none", plainPort), 2) // connect, EHLO
	tab2, cancel2 := chromedp.NewContext(env.Ctx)
	b.Cleanup(cancel2)
	pageTLS := openRTTTab(b, env, tab2, fmt.Sprintf("sandbox-smtp-%d-starttls", plainPort), 1) // connect (greeting, EHLO, STARTTLS, EHLO)
	tab3, cancel3 := chromedp.NewContext(env.Ctx)
	b.Cleanup(cancel3)
	probes := openRTTProbes(b, env, tab3, plainPort)

	r := &rttResults{
		samples: map[string][]float64{},
		blocks:  map[string][]float64{},
		order: []rttVariant{
			{"raw", "raw TCP, Go client", raw},
			{"native", "core/session natively", native},
			{"page-ws", "page JS WebSocket → tunnel", probes.noop("pageWS")},
			{"worker-ws", "page → JS worker → WebSocket → tunnel", probes.noop("workerWS")},
			{"core", "app's engine: page → worker → Go/WASM → tunnel, no UI", probes.noop("core")},
			{"page-js", "app: page → worker → Go/WASM → tunnel, scripted", pagePlain.scripted},
			{"page", "app, typed", pagePlain.typed},
			{"native-tls", "core/session natively, STARTTLS", nativeTLS},
			{"page-tls-js", "app, STARTTLS, scripted", pageTLS.scripted},
			{"page-tls", "app, STARTTLS, typed", pageTLS.typed},
		},
		pairs: []rttPair{
			{"page", "native", "the target: app (typed) − native"},
			{"page", "raw", "app (typed) − raw TCP"},
			{"page-js", "native", "app (scripted) − native"},
			{"native", "raw", "core/session natively"},
			{"page-ws", "raw", "browser WebSocket + tunnel"},
			{"worker-ws", "page-ws", "two postMessage hops"},
			{"core", "native", "the tunnel and the WASM: engine (no UI) − native"},
			{"core", "worker-ws", "the Go/WASM core"},
			{"page-js", "core", "the app's UI (rendering the timeline)"},
			{"page", "page-js", "typing: messages wait for the next frame"},
			{"page-tls", "native-tls", "app (typed) − native, STARTTLS"},
			{"page-tls-js", "page-js", "TLS in the WASM (scripted)"},
			{"native-tls", "native", "TLS natively"},
		},
	}
	r.load[0] = loadAvg()
	run := func(v rttVariant, n int, keep bool) {
		block := make([]float64, 0, n)
		for range n {
			ms, err := v.noop()
			if err != nil {
				b.Fatalf("%s: %v", v.name, err)
			}
			block = append(block, ms)
		}
		if keep {
			r.samples[v.name] = append(r.samples[v.name], block...)
			r.blocks[v.name] = append(r.blocks[v.name], percentile(block, 50))
		}
	}
	for _, v := range r.order {
		run(v, rttWarmup, false)
	}
	for round := range rttRounds {
		// Each round on new sessions: the page's cost per command grows
		// with the length of the session's timeline (see
		// docs/BENCHMARKS.md); a round's session holds 40 NOOPs per tab.
		for _, t := range []*rttTab{pagePlain, pageTLS} {
			if err := t.reconnect(); err != nil {
				b.Fatalf("reconnect: %v", err)
			}
		}
		for i := range r.order {
			run(r.order[(i+round)%len(r.order)], rttBlock, true)
		}
	}
	r.load[1] = loadAvg()
	r.elapsed = time.Since(start)
	return r
}

// percentile returns the p-th percentile of xs, interpolated between the
// two nearest ranks (so the 50th of an even count is the mean of the middle
// two).
func percentile(xs []float64, p float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s) == 0 {
		return 0
	}
	pos := p / 100 * float64(len(s)-1)
	i := int(pos)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (pos-float64(i))*(s[i+1]-s[i])
}

// diffs returns, round by round, a's block median minus b's.
func (r *rttResults) diffs(a, b string) []float64 {
	var d []float64
	for i := range r.blocks[a] {
		d = append(d, r.blocks[a][i]-r.blocks[b][i])
	}
	return d
}

func (r *rttResults) report(b *testing.B) {
	b.ReportMetric(0, "ns/op")
	for _, v := range r.order {
		s := r.samples[v.name]
		b.ReportMetric(percentile(s, 50), v.name+"-p50-ms")
		switch v.name {
		case "raw", "native", "page", "page-tls":
			b.ReportMetric(percentile(s, 90), v.name+"-p90-ms")
			b.ReportMetric(percentile(s, 99), v.name+"-p99-ms")
		}
	}
	b.ReportMetric(percentile(r.diffs("page", "native"), 50), "overhead-p50-ms")
	b.ReportMetric(percentile(r.diffs("page", "raw"), 50), "overhead-raw-p50-ms")
	b.ReportMetric(percentile(r.diffs("page-js", "native"), 50), "overhead-scripted-p50-ms")
	b.ReportMetric(percentile(r.diffs("page-tls", "native-tls"), 50), "overhead-tls-p50-ms")
	b.ReportMetric(percentile(r.diffs("core", "native"), 50), "overhead-engine-p50-ms")
}

func (r *rttResults) print() {
	var sb strings.Builder
	fmt.Fprintf(&sb, "NOOP round trip to the sandbox's SMTP: %d per variant in %d interleaved rounds, %.0f s in all (load average %s → %s)\n",
		rttBlock*rttRounds, rttRounds, r.elapsed.Seconds(), r.load[0], r.load[1])
	fmt.Fprintf(&sb, "%-12s %-50s %8s %8s %8s %8s\n", "variant", "ms", "p50", "p90", "p99", "max")
	for _, v := range r.order {
		s := r.samples[v.name]
		fmt.Fprintf(&sb, "%-12s %-50s %8.3f %8.3f %8.3f %8.3f\n", v.name, v.what, percentile(s, 50), percentile(s, 90), percentile(s, 99), slices.Max(s))
	}
	fmt.Fprintf(&sb, "paired differences (ms; median over rounds of the block medians' difference, range over rounds):\n")
	for _, p := range r.pairs {
		d := r.diffs(p.a, p.b)
		fmt.Fprintf(&sb, "  %-25s %+8.3f  (%+.3f to %+.3f)  %s\n", p.a+" − "+p.b, percentile(d, 50), slices.Min(d), slices.Max(d), p.what)
	}
	for _, name := range []string{"page", "page-js"} {
		fmt.Fprintf(&sb, "%s block medians by round (ms): %s\n", name, fmtList(r.blocks[name]))
	}
	// testing keeps only the first 10 lines of a benchmark's log: print the
	// table instead (this runs before the benchmark's result line).
	fmt.Print(sb.String())
}

func fmtList(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strings.Join(s, " ")
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// rawSMTP opens a plain TCP connection, reads the greeting, says EHLO and
// returns a NOOP that writes the line and reads the reply.
func rawSMTP(b *testing.B, addr string) func() (float64, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Minute))
	r := bufio.NewReader(c)
	reply := func() (string, error) {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return "", err
			}
			if len(line) < 4 || line[3] != '-' {
				return line, nil
			}
		}
	}
	if _, err := reply(); err != nil {
		b.Fatalf("raw: greeting: %v", err)
	}
	if _, err := c.Write([]byte("EHLO bench.invalid\r\n")); err != nil {
		b.Fatal(err)
	}
	if l, err := reply(); err != nil || !strings.HasPrefix(l, "250 ") {
		b.Fatalf("raw: EHLO: %q %v", l, err)
	}
	noop := []byte("NOOP\r\n")
	return func() (float64, error) {
		t0 := time.Now()
		if _, err := c.Write(noop); err != nil {
			return 0, err
		}
		l, err := reply()
		ms := float64(time.Since(t0).Nanoseconds()) / 1e6
		if err == nil && !strings.HasPrefix(l, "250 ") {
			err = fmt.Errorf("NOOP: %q", l)
		}
		return ms, err
	}
}

// nativeSMTP opens a core/session over TCP (with STARTTLS: greeting, EHLO,
// STARTTLS, handshake, EHLO; plain: greeting, then EHLO as the page does)
// and returns a NOOP through s.Send. Each event is JSON-encoded, as the
// WASM bridge does before handing it to JavaScript.
func nativeSMTP(b *testing.B, ctx context.Context, addr string, mode session.TLSMode, ca []byte) func() (float64, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	emit := func(e session.Event) {
		e.Raw, e.Message = nil, nil
		if _, err := json.Marshal(e); err != nil {
			panic(err)
		}
	}
	s, err := session.Open(ctx, c, session.Options{Proto: session.ProtoSMTP, TLS: mode, ExtraRootsPEM: ca}, emit)
	if s != nil {
		b.Cleanup(func() { s.Close() })
	}
	if err != nil {
		b.Fatalf("native %s: open: %v", mode, err)
	}
	if mode == session.TLSNone {
		if r, err := s.Send(ctx, "EHLO mailwire.invalid"); err != nil || !r.OK {
			b.Fatalf("native: EHLO: %+v %v", r, err)
		}
	}
	return func() (float64, error) {
		t0 := time.Now()
		r, err := s.Send(ctx, "NOOP")
		ms := float64(time.Since(t0).Nanoseconds()) / 1e6
		if err == nil && !r.OK {
			err = fmt.Errorf("NOOP: %+v", r)
		}
		return ms, err
	}
}

// rttTab is the live-session view of one tab, connected to one preset.
type rttTab struct {
	ctx   context.Context
	n     int // answers so far (#last-answer's data-n)
	ready int // answers once connected
}

// openRTTTab loads the page in the tab, connects to the preset and waits
// for answer number ready (the connect is 1, the page's own EHLO 2).
func openRTTTab(b testing.TB, env *browsertest.Env, tab context.Context, preset string, ready int) *rttTab {
	b.Helper()
	te := &browsertest.Env{Server: env.Server, URL: env.URL, Ctx: tab}
	te.WaitReady(b)
	do := func(what string, acts ...chromedp.Action[chromedp.Void]) {
		b.Helper()
		if err := chromedp.Do(tab, acts...); err != nil {
			b.Fatalf("%s: %s: %v\ntimeline:\n%s", preset, what, err, te.Text(b, "#timeline"))
		}
	}
	do("the presets",
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#target option").length > 1`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#proto-smtp").click()`),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`!!document.querySelector("#target option[value='%s']")`, preset)))
	do("connect",
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const el = document.querySelector("#target"); el.value = %q;
			el.dispatchEvent(new Event("input", {bubbles: true})); el.dispatchEvent(new Event("change", {bubbles: true})); })()`, preset)),
		// a separate step: the form renders the choice before Connect reads it
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#connect").click()`),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`!!document.querySelector("#last-answer[data-n='%d']")`, ready), chromedp.WithPollingTimeout(30*time.Second)))
	// nothing else is under way: #last-answer shows only when no answer is pending
	n, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector("#last-answer").dataset.n`))
	if err != nil || n != strconv.Itoa(ready) {
		b.Fatalf("%s: answers after connecting = %q (%v), want %d", preset, n, err, ready)
	}
	return &rttTab{ctx: tab, n: ready, ready: ready}
}

// reconnect presses Reconnect: a new session on the same preset, with an
// empty timeline.
func (p *rttTab) reconnect() error {
	err := chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#connect").click()`),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`!!document.querySelector("#last-answer[data-n='%d']")`, p.ready), chromedp.WithPollingTimeout(30*time.Second)))
	p.n = p.ready
	return err
}

// enterKey presses Enter the way a keyboard does: one keyDown that carries
// the text "\r", so that the page's preventDefault on it also stops the
// newline. (chromedp's SendKeys "\n" sends the text as a separate char
// event, which still types a newline into the emptied textarea after the
// page has sent the line: the next command would go out as "\nNOOP", an
// empty line and its 500 first.)
var enterKey = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter",
		WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", UnmodifiedText: "\r"}
	if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, down); err != nil {
		return err
	}
	up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: "Enter", Code: "Enter",
		WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
	_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, up)
	return err
})

// settle waits until the page has rendered a frame since the last change
// (the previous answer, the typed text): a person does not press Enter
// within a millisecond of the last answer, and a command sent while that
// frame is still to be drawn would wait for it.
var settle = chromedp.Evaluate[chromedp.Void](`new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))`, chromedp.EvalAwaitPromise)

// typed types NOOP, waits for the page to settle, presses Enter and returns
// the page's own measure of the round trip.
func (p *rttTab) typed() (float64, error) {
	if err := chromedp.Do(p.ctx, settle, chromedp.SendKeys(chromedp.CSS("#command"), "NOOP"), settle, enterKey); err != nil {
		return 0, err
	}
	return p.answer()
}

// scripted fills the command line and dispatches Enter from JavaScript:
// the same code path in the page, without the browser's input pipeline.
func (p *rttTab) scripted() (float64, error) {
	if err := chromedp.Do(p.ctx, settle, chromedp.Evaluate[chromedp.Void](`(() => { const el = document.querySelector("#command");
		el.value = "NOOP"; el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true, cancelable: true})); })()`)); err != nil {
		return 0, err
	}
	return p.answer()
}

// answer waits for the next answer and returns its data-ms.
func (p *rttTab) answer() (float64, error) {
	p.n++
	type answer struct{ OK, MS, Text string }
	a, err := chromedp.Run(p.ctx, chromedp.Poll[answer](fmt.Sprintf(`(() => { const e = document.querySelector("#last-answer[data-n='%d']");
		return e && {OK: e.dataset.ok, MS: e.dataset.ms, Text: e.textContent}; })()`, p.n),
		chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		return 0, fmt.Errorf("answer %d: %w", p.n, err)
	}
	if a.OK != "true" || !strings.HasPrefix(a.Text, "NOOP: 250 ") {
		return 0, fmt.Errorf("answer %d: %q (ok %s)", p.n, a.Text, a.OK)
	}
	return strconv.ParseFloat(a.MS, 64)
}

// rttProbeJS sets up, on the app's origin, two SMTP connections through
// the tunnel without the app: one on the page's main thread, one in a
// minimal worker. Each reads the greeting and says EHLO; then
// __rtt.pageWS() and __rtt.workerWS() send NOOP and resolve with the round
// trip in ms as the page sees it.
const rttProbeJS = `(async (port) => {
  const url = new URL("/tunnel", location.href);
  url.protocol = "ws:";
  url.searchParams.set("host", "127.0.0.1");
  url.searchParams.set("port", String(port));
  const worker = ` + "`" + `
    const done = /(^|\\n)\\d{3} [^\\n]*\\r\\n$/, dec = new TextDecoder(), enc = new TextEncoder();
    let buf = "", ws, greeted = 0;
    onmessage = (ev) => {
      if (ev.data.url) {
        ws = new WebSocket(ev.data.url, ["binary"]);
        ws.binaryType = "arraybuffer";
        ws.onmessage = (m) => {
          buf += dec.decode(m.data);
          if (!done.test(buf)) return;
          const b = buf; buf = "";
          if (greeted === 0) { greeted = 1; ws.send(enc.encode("EHLO probe.invalid\\r\\n")); return; }
          if (greeted === 1) { greeted = 2; postMessage({ready: true}); return; }
          postMessage({reply: b});
        };
        return;
      }
      ws.send(enc.encode(ev.data.line));
    };` + "`" + `;
  const w = new Worker(URL.createObjectURL(new Blob([worker], {type: "text/javascript"})));
  await new Promise((resolve) => { w.onmessage = (ev) => ev.data.ready && resolve(); w.postMessage({url: url.href}); });

  const done = /(^|\n)\d{3} [^\n]*\r\n$/, dec = new TextDecoder(), enc = new TextEncoder();
  const ws = new WebSocket(url.href, ["binary"]);
  ws.binaryType = "arraybuffer";
  let buf = "", waiting = null;
  ws.onmessage = (m) => {
    buf += dec.decode(m.data);
    if (waiting && done.test(buf)) { const b = buf; buf = ""; const r = waiting; waiting = null; r(b); }
  };
  const reply = () => new Promise((resolve) => { waiting = resolve; });
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  await reply();
  ws.send(enc.encode("EHLO probe.invalid\r\n"));
  await reply();

  const check = (b) => { if (!b.startsWith("250 ")) throw new Error("NOOP: " + b); };

  // The app's own protocol engine without its UI: the page's worker, the
  // Go/WASM session, the tunnel (web/src/main.tsx exports mailwireCore).
  const core = globalThis.mailwireCore;
  let id;
  await new Promise((resolve) => {
    id = core.openSession({proto: "smtp", host: "127.0.0.1", port, tls: "none"}, {event() {}, state: resolve});
  });
  const ehlo = await core.sessionOp(id, {op: "send", line: "EHLO probe.invalid"});
  if (!ehlo.ok) throw new Error("core EHLO: " + JSON.stringify(ehlo));

  globalThis.__rtt = {
    async core() {
      const t0 = performance.now();
      const r = await core.sessionOp(id, {op: "send", line: "NOOP"});
      const ms = performance.now() - t0;
      if (!r.ok || r.code !== 250) throw new Error("core NOOP: " + JSON.stringify(r));
      return ms;
    },
    async pageWS() {
      const t0 = performance.now();
      const r = reply();
      ws.send(enc.encode("NOOP\r\n"));
      const b = await r;
      const ms = performance.now() - t0;
      check(b);
      return ms;
    },
    workerWS() {
      return new Promise((resolve, reject) => {
        const t0 = performance.now();
        w.onmessage = (ev) => { const ms = performance.now() - t0; try { check(ev.data.reply); resolve(ms); } catch (e) { reject(e); } };
        w.postMessage({line: "NOOP\r\n"});
      });
    },
  };
  return true;
})`

// rttProbes runs the probes in a tab of their own.
type rttProbes struct{ ctx context.Context }

// openRTTProbes loads the app's origin in the tab with its Content Security
// Policy bypassed (the probe's worker comes from a blob: URL, which the
// app's worker-src does not allow) and sets up the probes.
func openRTTProbes(b testing.TB, env *browsertest.Env, tab context.Context, port int) *rttProbes {
	b.Helper()
	if err := chromedp.Do(tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true})
		return err
	})); err != nil {
		b.Fatal(err)
	}
	te := &browsertest.Env{Server: env.Server, URL: env.URL, Ctx: tab}
	te.WaitReady(b)
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](fmt.Sprintf("%s(%d)", rttProbeJS, port), chromedp.EvalAwaitPromise)); err != nil {
		b.Fatalf("probes: %v", err)
	}
	return &rttProbes{ctx: tab}
}

// noop returns the probe __rtt[fn] as a variant.
func (p *rttProbes) noop(fn string) func() (float64, error) {
	return func() (float64, error) {
		return chromedp.Run(p.ctx, chromedp.Evaluate[float64](fmt.Sprintf("__rtt.%s()", fn), chromedp.EvalAwaitPromise))
	}
}

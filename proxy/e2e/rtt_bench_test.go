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

// rttResults holds the samples of one measurement.
type rttResults struct {
	samples map[string][]float64   // every round trip, by variant
	blocks  map[string][]float64   // each round's median, by variant
	order   []rttVariant           // the variants, in table order
	load    [2]string              // load average before and after
	pairs   []struct{ a, b string } // overheads: a's block median minus b's, paired by round
}

// rttMeasured is measured once per test binary: with -benchtime 5x the
// benchmark function runs twice (b.N = 1, then 5) and the second run
// reports the same figures.
var rttMeasured *rttResults

// BenchmarkCommandRTT measures the round trip of one SMTP NOOP to the
// sandbox (in-process, loopback) five ways:
//
//   - raw: a Go client writes "NOOP\r\n" on a plain TCP connection (after
//     the greeting and EHLO) and reads the reply line: the floor;
//   - native: core/session natively, s.Send(ctx, "NOOP") over a TCP
//     connection, its events JSON-encoded as the WASM bridge does;
//   - page: the real page in headless Chromium, NOOP typed into #command,
//     the page's own figure (#last-answer's data-ms: performance.now() from
//     the page posting the command to the Web Worker, through the Go/WASM
//     core, the WebSocket tunnel, the proxy and the server, and back);
//   - native-tls and page-tls: the same over STARTTLS, so that TLS in the
//     WASM shows.
//
// After a warm-up of 20 NOOPs each, the variants take turns in blocks of
// 20 (the order rotating each round) for 10 rounds: 200 NOOPs each. The
// percentiles are over all 200; the overheads are the median over rounds
// of the difference of the two variants' block medians in that round.
func BenchmarkCommandRTT(b *testing.B) {
	if rttMeasured == nil {
		rttMeasured = measureRTT(b)
		rttMeasured.log(b)
	}
	rttMeasured.report(b)
}

func measureRTT(b *testing.B) *rttResults {
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

	// Two tabs, each in its own window (chromedp's default for a new tab),
	// so that both are visible: one session each.
	pagePlain := openRTTTab(b, env, env.Ctx, fmt.Sprintf("sandbox-smtp-%d-none", plainPort), 2) // connect, EHLO
	tab2, cancel := chromedp.NewContext(env.Ctx)
	b.Cleanup(cancel)
	pageTLS := openRTTTab(b, env, tab2, fmt.Sprintf("sandbox-smtp-%d-starttls", plainPort), 1) // connect (greeting, EHLO, STARTTLS, EHLO)

	r := &rttResults{
		samples: map[string][]float64{},
		blocks:  map[string][]float64{},
		order: []rttVariant{
			{"raw", "raw TCP (Go client, plain)", raw},
			{"native", "core/session natively (plain)", native},
			{"page", "page → worker → WASM → tunnel (plain)", pagePlain.noop},
			{"native-tls", "core/session natively (STARTTLS)", nativeTLS},
			{"page-tls", "page → worker → WASM → tunnel (STARTTLS)", pageTLS.noop},
		},
		pairs: []struct{ a, b string }{
			{"page", "native"}, {"page", "raw"}, {"native", "raw"},
			{"page-tls", "native-tls"}, {"page-tls", "page"}, {"native-tls", "native"},
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
		for i := range r.order {
			run(r.order[(i+round)%len(r.order)], rttBlock, true)
		}
	}
	r.load[1] = loadAvg()
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

// overhead is the median over rounds of a's block median minus b's.
func (r *rttResults) overhead(a, b string) float64 {
	var d []float64
	for i := range r.blocks[a] {
		d = append(d, r.blocks[a][i]-r.blocks[b][i])
	}
	return percentile(d, 50)
}

func (r *rttResults) report(b *testing.B) {
	b.ReportMetric(0, "ns/op")
	for _, v := range r.order {
		s := r.samples[v.name]
		b.ReportMetric(percentile(s, 50), v.name+"-p50-ms")
		b.ReportMetric(percentile(s, 90), v.name+"-p90-ms")
		b.ReportMetric(percentile(s, 99), v.name+"-p99-ms")
	}
	b.ReportMetric(r.overhead("page", "native"), "overhead-p50-ms")
	b.ReportMetric(r.overhead("page", "raw"), "overhead-raw-p50-ms")
	b.ReportMetric(r.overhead("page-tls", "native-tls"), "overhead-tls-p50-ms")
}

func (r *rttResults) log(b *testing.B) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "NOOP round trip to the sandbox's SMTP, %d per variant in %d interleaved blocks (load average %s → %s)\n",
		rttBlock*rttRounds, rttRounds, r.load[0], r.load[1])
	fmt.Fprintf(&sb, "%-46s %8s %8s %8s %8s\n", "variant (ms)", "p50", "p90", "p99", "max")
	for _, v := range r.order {
		s := r.samples[v.name]
		fmt.Fprintf(&sb, "%-46s %8.3f %8.3f %8.3f %8.3f\n", v.what, percentile(s, 50), percentile(s, 90), percentile(s, 99), slices.Max(s))
	}
	fmt.Fprintf(&sb, "paired overheads (median over rounds of the block medians' difference; range over rounds):\n")
	for _, p := range r.pairs {
		var d []float64
		for i := range r.blocks[p.a] {
			d = append(d, r.blocks[p.a][i]-r.blocks[p.b][i])
		}
		fmt.Fprintf(&sb, "  %-24s %+8.3f ms  (%+.3f to %+.3f)\n", p.a+" − "+p.b, percentile(d, 50), slices.Min(d), slices.Max(d))
	}
	fmt.Fprintf(&sb, "page block medians by round (ms): %s\n", fmtList(r.blocks["page"]))
	fmt.Fprintf(&sb, "page-tls block medians by round (ms): %s", fmtList(r.blocks["page-tls"]))
	b.Log(sb.String())
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
	ctx context.Context
	n   int // answers so far (#last-answer's data-n)
}

// openRTTTab loads the page in the tab, connects to the preset and waits
// for answer number ready (the connect is 1, the page's own EHLO 2).
func openRTTTab(b *testing.B, env *browsertest.Env, tab context.Context, preset string, ready int) *rttTab {
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
			el.dispatchEvent(new Event("input", {bubbles: true})); el.dispatchEvent(new Event("change", {bubbles: true}));
			document.querySelector("#connect").click(); })()`, preset)),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`!!document.querySelector("#last-answer[data-n='%d']")`, ready), chromedp.WithPollingTimeout(30*time.Second)))
	// nothing else is under way: #last-answer shows only when no answer is pending
	n, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector("#last-answer").dataset.n`))
	if err != nil || n != strconv.Itoa(ready) {
		b.Fatalf("%s: answers after connecting = %q (%v), want %d", preset, n, err, ready)
	}
	return &rttTab{ctx: tab, n: ready}
}

// noop types NOOP and Enter into the command line and returns the page's
// own measure of the round trip.
func (p *rttTab) noop() (float64, error) {
	if err := chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS("#command"), "NOOP\n")); err != nil {
		return 0, err
	}
	p.n++
	type answer struct{ OK, MS, Text string }
	a, err := chromedp.Run(p.ctx, chromedp.Poll[answer](fmt.Sprintf(`(() => { const e = document.querySelector("#last-answer[data-n='%d']");
		return e && {OK: e.dataset.ok, MS: e.dataset.ms, Text: e.textContent}; })()`, p.n),
		chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		return 0, fmt.Errorf("answer %d: %w", p.n, err)
	}
	if a.OK != "true" || !strings.HasPrefix(a.Text, "NOOP") {
		return 0, fmt.Errorf("answer %d: %q (ok %s)", p.n, a.Text, a.OK)
	}
	return strconv.ParseFloat(a.MS, 64)
}

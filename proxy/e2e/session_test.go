package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/mailwire/mailwire/proxy/internal/browsertest"
	"github.com/mailwire/mailwire/proxy/server"
)

// page drives the live-session view of one browser tab.
type page struct {
	t   *testing.T
	env *browsertest.Env
	n   int // answers seen so far (#last-answer's data-n)
}

func newPage(t *testing.T, cfg server.Config) *page {
	env := browsertest.Start(t, browsertest.Options{Config: cfg, Timeout: 3 * time.Minute, Width: 1400, Height: 1000})
	env.WaitReady(t)
	if err := chromedp.Do(env.Ctx, chromedp.Poll[chromedp.Void](`document.querySelectorAll("#target option").length > 1`)); err != nil {
		t.Fatalf("no targets: %v", err)
	}
	return &page{t: t, env: env}
}

// eval runs JavaScript in the page.
func (p *page) eval(js string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.env.Ctx, chromedp.Evaluate[any](js)); err != nil {
		p.t.Fatalf("eval %s: %v", js, err)
	}
}

// wait polls a JavaScript condition.
func (p *page) wait(what, cond string) {
	p.t.Helper()
	err := chromedp.Do(p.env.Ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		p.t.Fatalf("waiting for %s: %v\ntimeline:\n%s", what, err, p.env.Text(p.t, "#timeline"))
	}
}

// set fills an input the way typing does (Preact listens for input events).
func (p *page) set(css, value string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.value = %q;
		el.dispatchEvent(new Event("input", {bubbles: true})); el.dispatchEvent(new Event("change", {bubbles: true})); })()`, css, value))
}

// connect picks a protocol and a server (a preset id, or "custom" with
// host, port and TLS mode) and connects; it returns once the session's
// first answer (the greeting, and the upgrade with STARTTLS) is in.
func (p *page) connect(proto, preset string, custom ...string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`document.querySelector("#proto-%s").click()`, proto))
	p.wait("the "+proto+" presets", fmt.Sprintf(`!!document.querySelector("#target option[value='%s']")`, preset))
	p.set("#target", preset)
	if preset == "custom" {
		p.wait("the custom fields", `!!document.querySelector("#host")`)
		p.set("#host", custom[0])
		p.set("#port", custom[1])
		p.set("#tls", custom[2])
		if len(custom) > 3 {
			p.eval(`document.querySelector(".advanced").open = true`)
			p.set("#ca-pem", custom[3])
		}
	}
	p.eval(`document.querySelector("#connect").click()`)
	// connected once answered and nothing is under way (the page says EHLO
	// itself after a plain SMTP greeting)
	p.wait("connected", `(() => { const e = document.querySelector("#last-answer");
		return !!e && +e.dataset.n >= 1 && !document.querySelector("#console-status .waiting"); })()`)
	fmt.Sscan(p.js(`document.querySelector("#last-answer").dataset.n`), &p.n)
}

// quick clicks a quick action, fills its fields and sends it, then waits
// for the answer; it reports whether the answer was positive.
func (p *page) quick(id string, fields map[string]string) bool {
	p.t.Helper()
	p.eval(fmt.Sprintf(`document.querySelector("#qa-%s").click()`, id))
	if fields != nil {
		p.wait("the "+id+" form", fmt.Sprintf(`!!document.querySelector('#qa-form-%s')`, id))
		for name, v := range fields {
			p.set(fmt.Sprintf("#qa-form-%s [name=%s]", id, name), v)
		}
		p.eval(fmt.Sprintf(`document.querySelector("#qa-send-%s").click()`, id))
	}
	return p.answer(id)
}

// typed sends a line through the command line, as typed, and waits for the answer.
func (p *page) typed(line string) bool {
	p.t.Helper()
	if err := chromedp.Do(p.env.Ctx, chromedp.SendKeys(chromedp.CSS("#command"), line+"\n")); err != nil {
		p.t.Fatalf("typing %q: %v", line, err)
	}
	return p.answer(line)
}

// typedLines sends several lines at once (what Shift+Enter builds in the
// command line), e.g. an IMAP command with a literal.
func (p *page) typedLines(text string) bool {
	p.t.Helper()
	p.set("#command", text)
	p.eval(`document.querySelector("#send").click()`)
	return p.answer(strings.SplitN(text, "\n", 2)[0])
}

func (p *page) answer(what string) bool {
	p.t.Helper()
	p.n++
	p.wait("the answer to "+what, fmt.Sprintf(`!!document.querySelector("#last-answer[data-n='%d']")`, p.n))
	ok := p.env.Text(p.t, "#last-answer")
	return strings.Contains(p.js(`document.querySelector("#last-answer").dataset.ok`), "true") && ok != ""
}

func (p *page) js(expr string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.env.Ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		p.t.Fatalf("eval %s: %v", expr, err)
	}
	return s
}

// findPOP3 returns the number of the newest message in the maildrop whose
// header holds the text, using STAT and TOP n 0, newest first.
func (p *page) findPOP3(text string) string {
	p.t.Helper()
	p.quick("stat", nil)
	var total int
	fmt.Sscan(p.js(`(() => { const m = [...document.querySelectorAll("#timeline .kind-response")].map(e => e.textContent).reverse().join("\n").match(/S: \+OK ([0-9]+) [0-9]+/); return m ? m[1] : ""; })()`), &total)
	for i := total; i > 0 && i > total-20; i-- {
		p.quick("top", map[string]string{"n": fmt.Sprint(i), "lines": "0"})
		if strings.Contains(p.js(`[...document.querySelectorAll("#timeline .kind-response")].pop().textContent`), text) {
			return fmt.Sprint(i)
		}
	}
	p.t.Fatalf("no message with %q among the newest of %d:\n%s", text, total, p.timeline())
	return ""
}

// lastSearch returns the first number of the latest "* SEARCH" response.
func (p *page) lastSearch() string {
	p.t.Helper()
	return p.js(`(() => { const m = [...document.querySelectorAll("#timeline .kind-untagged")].map(e => e.textContent).reverse().join("\n").match(/S: \* SEARCH ([0-9]+)/); return m ? m[1] : ""; })()`)
}

func (p *page) state() string { return p.env.Text(p.t, "#state-name") }

func (p *page) timeline() string { return p.env.Text(p.t, "#timeline") }

// mustContain checks the timeline for each string.
func (p *page) mustContain(want ...string) {
	p.t.Helper()
	text := p.timeline()
	for _, w := range want {
		if !strings.Contains(text, w) {
			p.t.Errorf("timeline lacks %q", w)
		}
	}
}

// noSecret checks that a password appears nowhere on the page.
func (p *page) noSecret(secret string) {
	p.t.Helper()
	if html := p.js(`document.documentElement.outerHTML + [...document.querySelectorAll("input,textarea")].filter(e => e.type !== "password").map(e => e.value).join(" ")`); strings.Contains(html, secret) {
		p.t.Errorf("the password %q is visible on the page", secret)
	}
}

// TestLiveSandbox runs, in Chromium through the tunnel, an SMTP submission
// session with STARTTLS and AUTH that sends a message, an IMAP session
// (implicit TLS) that finds and fetches it and opens it in the MIME
// explorer, and a POP3 session (STLS) that retrieves and deletes it.
func TestLiveSandbox(t *testing.T) {
	p := newPage(t, server.Config{})
	sb := p.env.Server.Sandbox()
	var sub, imaps, pop int
	for _, tg := range sb.Targets() {
		switch {
		case tg.Proto == "smtp" && tg.TLS == "starttls" && strings.Contains(tg.Name, "submission"):
			sub = tg.Port
		case tg.Proto == "imap" && tg.TLS == "implicit":
			imaps = tg.Port
		case tg.Proto == "pop3" && tg.TLS == "starttls":
			pop = tg.Port
		}
	}
	subject := fmt.Sprintf("Mailwire browser test %d", time.Now().UnixNano())
	msg := "From: alice@sandbox.test\nTo: bob@sandbox.test\nSubject: " + subject + "\n\nHello Bob.\n.A dotted line.\n"

	t.Run("SMTP", func(t *testing.T) {
		p.t = t
		p.connect("smtp", fmt.Sprintf("sandbox-smtp-%d-starttls", sub))
		p.mustContain("S: 220 ", "C: EHLO ", "C: STARTTLS", "S: 250-", "CR LF")
		if !strings.Contains(p.env.Text(t, "#tls-card"), "verifies") {
			t.Errorf("TLS card: %q", p.env.Text(t, "#tls-card"))
		}
		if !strings.Contains(p.env.Text(t, "#trust-note"), "certificate authority") {
			t.Errorf("the sandbox's trust note is missing")
		}
		if !p.quick("login", map[string]string{"user": "alice", "pass": "alice-password"}) {
			t.Fatalf("AUTH refused:\n%s", p.timeline())
		}
		p.mustContain("C: AUTH PLAIN", "S: 235 ")
		if !p.quick("sendmail", map[string]string{"from": "alice@sandbox.test", "to": "bob@sandbox.test", "message": msg}) {
			t.Fatalf("sending refused:\n%s", p.timeline())
		}
		p.mustContain("C: MAIL FROM:<alice@sandbox.test>", "C: RCPT TO:<bob@sandbox.test>", "S: 354 ", "C: ..A dotted line.", "S: 250 ")
		p.noSecret("alice-password")
		p.noSecret("AGFsaWNlAGFsaWNlLXBhc3N3b3Jk") // base64 of \0alice\0alice-password
		if st := p.state(); st != "ready" {
			t.Errorf("state after the message = %q, want ready", st)
		}
		// a command out of sequence is sent and flagged
		p.typed("DATA")
		if !strings.Contains(p.env.Text(t, "#timeline .warned"), "⚠") {
			t.Errorf("DATA without MAIL was not flagged")
		}
		p.mustContain("S: 50") // 503 bad sequence (go-smtp says 502)
		// the state machine drawn with the current state, and the sequence diagram
		if st := p.js(`document.querySelector("#state-diagram").dataset.state + "/" + (document.querySelector("#state-diagram .current") ? "on" : "off")`); st != "ready/on" {
			t.Errorf("state diagram: %q, want ready highlighted", st)
		}
		p.eval(`document.querySelector("#tab-sequence").click()`)
		p.wait("the sequence diagram", `document.querySelectorAll("#sequence .seq-arrow").length >= 10`)
		t.Logf("screenshot: %s", p.env.ViewScreenshot(t, "live-sandbox-smtp-sequence"))
		p.eval(`document.querySelector("#sequence .seq-arrow.dir-s").dispatchEvent(new MouseEvent("click", {bubbles: true}))`)
		p.wait("the picked step in the timeline", `!!document.querySelector("#timeline .step.selected.dir-s")`)
		t.Logf("screenshot: %s", p.env.Screenshot(t, "live-sandbox-smtp"))
		p.quick("quit", nil)
	})

	t.Run("IMAP", func(t *testing.T) {
		p.t = t
		p.connect("imap", fmt.Sprintf("sandbox-imap-%d-implicit", imaps))
		p.mustContain("S: * OK")
		if !p.quick("login", map[string]string{"user": "bob", "pass": "bob-password"}) {
			t.Fatalf("LOGIN refused:\n%s", p.timeline())
		}
		p.noSecret("bob-password")
		// typed with a literal: the core sends "{5}", waits for "+", then the octets
		if !p.typedLines("a1 EXAMINE {5}\nINBOX") {
			t.Fatalf("EXAMINE with a literal refused:\n%s", p.timeline())
		}
		p.mustContain("C: a1 EXAMINE {5}", "S: + ", "S: a1 OK [READ-ONLY]")
		if !p.quick("select", map[string]string{"mailbox": "INBOX"}) {
			t.Fatalf("SELECT refused:\n%s", p.timeline())
		}
		if st := p.state(); st != "selected" {
			t.Errorf("state = %q, want selected", st)
		}
		if !p.quick("search", map[string]string{"criteria": fmt.Sprintf("SUBJECT %q", subject)}) {
			t.Fatalf("SEARCH refused:\n%s", p.timeline())
		}
		seq := p.lastSearch()
		if seq == "" {
			t.Fatalf("SEARCH found nothing:\n%s", p.timeline())
		}
		if !p.quick("fetchbody", map[string]string{"set": seq}) {
			t.Fatalf("FETCH refused:\n%s", p.timeline())
		}
		p.mustContain("BODY[] {", subject)
		// IDLE: the server pushes new mail; DONE ends it (RFC 9051 §6.3.13)
		if !p.quick("idle", nil) {
			t.Fatalf("IDLE refused:\n%s", p.timeline())
		}
		if st := p.state(); st != "idle" {
			t.Errorf("state after IDLE = %q, want idle", st)
		}
		sb.Store().Deliver([]string{"bob"}, []byte("Subject: pushed during IDLE\r\n\r\nhi\r\n"))
		p.wait("EXISTS pushed during IDLE", `[...document.querySelectorAll("#timeline .kind-untagged")].some(e => /S: \* [0-9]+ EXISTS/.test(e.textContent) && +e.dataset.seq > +document.querySelector("#timeline .step:last-child").dataset.seq - 3)`)
		if !p.quick("done", nil) {
			t.Fatalf("DONE refused:\n%s", p.timeline())
		}
		if st := p.state(); st != "selected" {
			t.Errorf("state after DONE = %q, want selected", st)
		}
		t.Logf("screenshot: %s", p.env.Screenshot(t, "live-sandbox-imap"))
		// the fetched message opens in the MIME explorer
		p.eval(`[...document.querySelectorAll("#timeline .open-mime")].pop().click()`)
		p.wait("the MIME explorer", `location.hash === "#/message" && document.body.textContent.includes('`+subject+`')`)
		p.eval(`location.hash = "#/session"`)
		p.wait("the session view", `!!document.querySelector("#timeline")`)
		p.quick("logout", nil)
		p.mustContain("S: * BYE")
	})

	t.Run("POP3", func(t *testing.T) {
		p.t = t
		p.connect("pop3", fmt.Sprintf("sandbox-pop3-%d-starttls", pop))
		p.mustContain("S: +OK", "C: STLS")
		if !p.quick("login", map[string]string{"user": "bob", "pass": "bob-password"}) {
			t.Fatalf("USER/PASS refused:\n%s", p.timeline())
		}
		p.mustContain("C: USER bob", "C: PASS ********")
		p.noSecret("bob-password")
		if st := p.state(); st != "transaction" {
			t.Errorf("state = %q, want transaction", st)
		}
		n := p.findPOP3(subject)
		if !p.quick("retr", map[string]string{"n": n}) {
			t.Fatalf("RETR refused:\n%s", p.timeline())
		}
		p.mustContain(subject, "S: ..A dotted line.")
		if !p.quick("dele", map[string]string{"n": n}) {
			t.Fatalf("DELE refused:\n%s", p.timeline())
		}
		p.quick("quit", nil)
		if st := p.js(`[...document.querySelectorAll("#timeline .kind-response")].pop().dataset.state`); st != "update" {
			t.Errorf("state after QUIT's +OK = %q, want update", st)
		}
		t.Logf("screenshot: %s", p.env.Screenshot(t, "live-sandbox-pop3"))
	})

	// the message is gone from bob's mailbox
	for _, m := range sb.Store().Messages("bob") {
		if strings.Contains(string(m.Body), subject) {
			t.Errorf("the message is still in bob's INBOX after DELE and QUIT")
		}
	}

	t.Run("Reset", func(t *testing.T) {
		p.t = t
		sb.Store().Deliver([]string{"alice"}, []byte("Subject: extra\r\n\r\nx\r\n"))
		before := len(sb.Store().Messages("alice"))
		p.eval(`window.confirm = () => true; document.querySelector("#sandbox-reset").click()`)
		p.wait("the reset", `(document.querySelector(".sandbox-reset-status") || {textContent: ""}).textContent.includes("Sandbox reset")`)
		if after := len(sb.Store().Messages("alice")); after >= before {
			t.Errorf("alice has %d messages after the reset, %d before", after, before)
		}
	})
}

// TestLivePeers runs the same sessions against real servers on loopback:
// Postfix (SMTP, STARTTLS, AUTH) and Dovecot (IMAP, POP3), trusting their
// CA pasted into the page. It needs the peers (make test starts them).
func TestLivePeers(t *testing.T) {
	dir := os.Getenv("MAILWIRE_PEERS")
	if dir == "" {
		t.Skip("MAILWIRE_PEERS is not set: start ../shared/peers/start-peers.sh DIR and set MAILWIRE_PEERS=DIR (make test does)")
	}
	ca, err := os.ReadFile(filepath.Join(dir, "tls", "ca.pem"))
	if err != nil {
		t.Fatalf("MAILWIRE_PEERS=%s: %v", dir, err)
	}
	p := newPage(t, server.Config{Allow: []string{"127.0.0.1:10025", "127.0.0.1:10143", "127.0.0.1:10993", "127.0.0.1:10110", "127.0.0.1:10995"}})
	subject := fmt.Sprintf("Mailwire peers browser test %d", time.Now().UnixNano())
	msg := "From: alice@example.test\nTo: bob@example.test\nSubject: " + subject + "\n\nHello Bob, from Chromium through Postfix.\n"

	t.Run("Postfix", func(t *testing.T) {
		p.t = t
		p.connect("smtp", "custom", "127.0.0.1", "10025", "starttls", string(ca))
		p.mustContain("S: 220 ", "C: STARTTLS", "S: 250-AUTH")
		if !strings.Contains(p.env.Text(t, "#tls-card"), "verifies") {
			t.Errorf("TLS card: %q", p.env.Text(t, "#tls-card"))
		}
		if !p.quick("login", map[string]string{"user": "alice", "pass": "alice-pass"}) {
			t.Fatalf("AUTH refused:\n%s", p.timeline())
		}
		if !p.quick("sendmail", map[string]string{"from": "alice@example.test", "to": "bob@example.test", "message": msg}) {
			t.Fatalf("sending refused:\n%s", p.timeline())
		}
		p.noSecret("alice-pass")
		p.quick("quit", nil)
		t.Logf("screenshot: %s", p.env.Screenshot(t, "live-postfix"))
	})

	t.Run("Dovecot IMAP", func(t *testing.T) {
		p.t = t
		p.connect("imap", "custom", "127.0.0.1", "10143", "starttls", string(ca))
		if !p.quick("login", map[string]string{"user": "bob", "pass": "bob-pass"}) {
			t.Fatalf("LOGIN refused:\n%s", p.timeline())
		}
		p.quick("select", map[string]string{"mailbox": "INBOX"})
		// Postfix hands the message to Dovecot through LMTP: allow it a moment
		var seq string
		for i := 0; i < 50 && seq == ""; i++ {
			p.quick("search", map[string]string{"criteria": fmt.Sprintf("SUBJECT %q", subject)})
			seq = p.lastSearch()
			if seq == "" {
				time.Sleep(200 * time.Millisecond)
				p.typed("NOOP")
			}
		}
		if seq == "" {
			t.Fatalf("the message did not arrive:\n%s", p.timeline())
		}
		if !p.quick("fetchbody", map[string]string{"set": seq}) {
			t.Fatalf("FETCH refused:\n%s", p.timeline())
		}
		p.mustContain(subject)
		p.noSecret("bob-pass")
		p.quick("logout", nil)
		t.Logf("screenshot: %s", p.env.Screenshot(t, "live-dovecot-imap"))
	})

	t.Run("Dovecot POP3", func(t *testing.T) {
		p.t = t
		p.connect("pop3", "custom", "127.0.0.1", "10995", "implicit", string(ca))
		if !p.quick("login", map[string]string{"user": "bob", "pass": "bob-pass"}) {
			t.Fatalf("USER/PASS refused:\n%s", p.timeline())
		}
		p.quick("uidl", nil)
		n := p.findPOP3(subject)
		if !p.quick("retr", map[string]string{"n": n}) {
			t.Fatalf("RETR refused:\n%s", p.timeline())
		}
		p.mustContain(subject)
		p.quick("dele", map[string]string{"n": n})
		p.quick("quit", nil)
		if st := p.js(`[...document.querySelectorAll("#timeline .kind-response")].pop().dataset.state`); st != "update" {
			t.Errorf("state after QUIT's +OK = %q, want update", st)
		}
		p.noSecret("bob-pass")
	})
}

// TestConsoleHistoryAndCompletion: Tab completes the commands valid now,
// Up brings back earlier lines, and a line with a password is not kept.
func TestConsoleHistoryAndCompletion(t *testing.T) {
	p := newPage(t, server.Config{})
	var port int
	for _, tg := range p.env.Server.Sandbox().Targets() {
		if tg.Proto == "smtp" && tg.TLS == "none" {
			port = tg.Port
		}
	}
	p.connect("smtp", fmt.Sprintf("sandbox-smtp-%d-none", port))
	value := func() string { return p.js(`document.querySelector("#command").value`) }
	if err := chromedp.Do(p.env.Ctx, chromedp.SendKeys(chromedp.CSS("#command"), "NO"), chromedp.SendKeys(chromedp.CSS("#command"), kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if v := value(); v != "NOOP " {
		t.Fatalf("Tab after NO gave %q, want %q", v, "NOOP ")
	}
	p.set("#command", "")
	p.typed("NOOP")
	p.typed("RSET")
	p.typedLines("AUTH PLAIN AGFsaWNlAGFsaWNlLXBhc3N3b3Jk")
	if v := value(); v != "" {
		t.Errorf("the command line holds %q after sending", v)
	}
	if err := chromedp.Do(p.env.Ctx, chromedp.SendKeys(chromedp.CSS("#command"), kb.ArrowUp)); err != nil {
		t.Fatal(err)
	}
	if v := value(); v != "RSET" {
		t.Errorf("Up gave %q, want RSET (the AUTH line with a password is not kept)", v)
	}
	if err := chromedp.Do(p.env.Ctx, chromedp.SendKeys(chromedp.CSS("#command"), kb.ArrowUp)); err != nil {
		t.Fatal(err)
	}
	if v := value(); v != "NOOP" {
		t.Errorf("Up twice gave %q, want NOOP", v)
	}
	p.noSecret("AGFsaWNlAGFsaWNlLXBhc3N3b3Jk")
}

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/mailwire/mailwire/proxy/internal/browsertest"
)

// TestConnectSandboxSMTP presses Connect with the sandbox preselected and
// expects the greeting, EHLO and the multi-line EHLO reply in the timeline.
func TestConnectSandboxSMTP(t *testing.T) {
	env := browsertest.Start(t, browsertest.Options{})
	env.WaitReady(t)
	if err := chromedp.Do(env.Ctx,
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#target option").length > 1`),
		chromedp.Click(chromedp.CSS("#connect")),
		chromedp.WaitVisible(chromedp.CSS(`#timeline .kind-reply`)),
	); err != nil {
		t.Fatalf("connect: %v\npage: %s", err, env.Text(t, "body"))
	}
	text := env.Text(t, "#timeline")
	for _, want := range []string{"S: 220 ", "C: EHLO ", "S: 250-", "S: 250 ", "CR LF", "RFC 5321"} {
		if !strings.Contains(text, want) {
			t.Errorf("timeline lacks %q:\n%s", want, text)
		}
	}
	// The 250- lines are separate lines in the DOM, one per extension.
	n, err := chromedp.Run(env.Ctx, chromedp.Evaluate[int](
		`[...document.querySelectorAll("#timeline .kind-reply .line")].filter(l => /^S: 250-/.test(l.textContent)).length`))
	if err != nil || n < 2 {
		t.Errorf("%d lines starting S: 250- (err %v), want at least 2", n, err)
	}
	t.Logf("screenshot: %s", env.Screenshot(t, "connect-sandbox-smtp"))
	// docs/screenshot.png: the window scrolled to the greeting, as a person sees it
	chromedp.Run(env.Ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#timeline .kind-greeting").scrollIntoView({block: "start"})`))
	t.Logf("screenshot: %s", env.ViewScreenshot(t, "connect-sandbox-smtp-view"))

	// A typed command goes to the server and its reply comes back.
	if err := chromedp.Do(env.Ctx,
		chromedp.SendKeys(chromedp.CSS("#command"), "NOOP\n"),
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll("#timeline .kind-command")].some(e => e.textContent.includes("NOOP"))`),
	); err != nil {
		t.Fatalf("NOOP: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(env.Text(t, "#timeline"), "S: 250 2.0.0") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(env.Text(t, "#timeline"), "S: 250 2.0.0") {
		t.Errorf("no reply to NOOP:\n%s", env.Text(t, "#timeline"))
	}
}

// TestTunnelRefusalShown connects to a target the tunnel does not allow and
// expects the proxy's reason on the page.
func TestTunnelRefusalShown(t *testing.T) {
	env := browsertest.Start(t, browsertest.Options{})
	env.WaitReady(t)
	if err := chromedp.Do(env.Ctx,
		chromedp.SetValue(chromedp.CSS("#target"), "custom"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#target").dispatchEvent(new Event("change", {bubbles: true}))`),
		chromedp.WaitVisible(chromedp.CSS("#host")),
		chromedp.SendKeys(chromedp.CSS("#host"), "127.0.0.1"),
		chromedp.SendKeys(chromedp.CSS("#port"), "9"),
		chromedp.Click(chromedp.CSS("#connect")),
		chromedp.WaitVisible(chromedp.CSS(`#timeline .kind-error`)),
	); err != nil {
		t.Fatalf("%v\npage: %s", err, env.Text(t, "body"))
	}
	if text := env.Text(t, "#timeline"); !strings.Contains(text, "blocked") {
		t.Errorf("the refusal's reason is not shown: %q", text)
	}
}

package browsertest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/mailwire/mailwire/proxy/server"
	"github.com/mailwire/mailwire/proxy/webapp"
)

// InstallHint is the command that installs the browser the tests use.
const InstallHint = "apt-get install -y --no-install-recommends chromium fonts-liberation"

// Env is a running server and a browser tab.
type Env struct {
	Server *server.Server
	URL    string          // the page, e.g. http://127.0.0.1:41234/
	Ctx    context.Context // a chromedp context for one tab
}

// Options adjust Start.
type Options struct {
	Config  server.Config // Addr and the sandbox's ports default to free ones
	Timeout time.Duration // for the whole test; 90 s when zero
	Width   int           // window size; 1280x900 when zero
	Height  int
}

// Chromium finds the browser or returns an error naming the install command.
func Chromium() (string, error) {
	for _, name := range []string{os.Getenv("MAILWIRE_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium found: install it with `%s` (make test does this on Debian as root), or set MAILWIRE_CHROMIUM", InstallHint)
}

// Start runs the server with the sandbox on free loopback ports and opens a
// headless Chromium tab. Everything stops when the test ends.
func Start(t testing.TB, opt Options) *Env {
	t.Helper()
	exe, err := Chromium()
	if err != nil {
		t.Fatal(err)
	}
	if !webapp.Built(webapp.FS()) {
		t.Fatal("the web app is not built into this test binary: run `make build` first (make test does)")
	}
	cfg := opt.Config
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	cfg.Sandbox = true
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv, err := server.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if opt.Timeout == 0 {
		opt.Timeout = 90 * time.Second
	}
	if opt.Width == 0 {
		opt.Width, opt.Height = 1280, 900
	}
	ctx, cancel := context.WithTimeout(context.Background(), opt.Timeout)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // Chromium's sandbox cannot run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(opt.Width, opt.Height),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Pages are plain http on loopback: no automatic upgrade attempts to https.
		chromedp.Flag("disable-features", "HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,HttpsFirstModeV2ForEngagedSites"),
	)
	t.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(tcancel)
	return &Env{Server: srv, URL: srv.URL() + "/", Ctx: tctx}
}

// WaitReady navigates to the page and waits until the WASM core reports ready.
func (e *Env) WaitReady(t testing.TB) {
	t.Helper()
	if err := chromedp.Do(e.Ctx, chromedp.Navigate(e.URL), chromedp.WaitVisible(chromedp.CSS("#status.ready"))); err != nil {
		t.Fatalf("page did not become ready: %v (page text: %s)", err, e.Text(t, "body"))
	}
}

// Text returns the text content of the first node matching the CSS selector,
// or "" if there is none.
func (e *Env) Text(t testing.TB, css string) string {
	t.Helper()
	s, err := chromedp.Run(e.Ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(document.querySelector(%q) || {textContent: ""}).textContent`, css)))
	if err != nil {
		return ""
	}
	return s
}

// Screenshot saves a PNG of the page to test-output/NAME.png at the
// repository root and returns its path.
func (e *Env) Screenshot(t testing.TB, name string) string {
	t.Helper()
	return e.save(t, name, chromedp.FullScreenshot(100)) // 100 means PNG; less is JPEG
}

// ViewScreenshot saves what the window shows (not the whole page) to
// test-output/NAME.png and returns its path: how a person sees the page,
// sticky parts where they stay.
func (e *Env) ViewScreenshot(t testing.TB, name string) string {
	t.Helper()
	return e.save(t, name, chromedp.CaptureScreenshot())
}

func (e *Env) save(t testing.TB, name string, shot chromedp.Action[[]byte]) string {
	t.Helper()
	png, err := chromedp.Run(e.Ctx, shot)
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return ""
	}
	dir := filepath.Join(RepoRoot(), "test-output")
	os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Errorf("screenshot: %v", err)
	}
	return p
}

// RepoRoot is the folder holding go.mod, found from the working directory.
func RepoRoot() string {
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

package e2e

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/mailwire/mailwire/proxy/internal/browsertest"
	"github.com/mailwire/mailwire/proxy/webapp"
)

// BenchmarkWASMLoad reports the WASM's transfer sizes (raw, gzip, brotli, as
// the server actually sends them) and the time from navigation start to
// "WASM ready" in headless Chromium, with the browser cache disabled so every
// iteration downloads, compiles and starts the core afresh.
func BenchmarkWASMLoad(b *testing.B) {
	env := browsertest.Start(b, browsertest.Options{})
	raw, _ := fs.ReadFile(webapp.FS(), "build.json")
	var m struct{ Wasm string }
	if err := json.Unmarshal(raw, &m); err != nil {
		b.Fatal(err)
	}
	sizes := map[string]float64{}
	for _, enc := range []struct{ name, accept string }{{"raw", "identity"}, {"gzip", "gzip"}, {"brotli", "br"}} {
		req, _ := http.NewRequest("GET", env.URL+m.Wasm, nil)
		req.Header.Set("Accept-Encoding", enc.accept)
		resp, err := http.DefaultTransport.RoundTrip(req) // the transport does not decompress when we set the header
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		sizes["KiB-"+enc.name] = float64(n) / 1024
	}
	noCache := chromedp.Action[chromedp.Void](func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, t, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
		return chromedp.Void{}, err
	})
	if err := chromedp.Do(env.Ctx, noCache); err != nil {
		b.Fatal(err)
	}
	var total float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		env.WaitReady(b)
		ms, err := chromedp.Run(env.Ctx, chromedp.Evaluate[float64](`performance.getEntriesByName("mailwire-wasm-ready")[0].startTime`))
		if err != nil {
			b.Fatal(err)
		}
		total += ms
	}
	b.ReportMetric(total/float64(b.N), "ms-to-ready")
	b.ReportMetric(0, "ns/op")
	for unit, v := range sizes { // after the loop: ResetTimer clears reported metrics
		b.ReportMetric(v, unit)
	}
}

package e2e

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/mailwire/mailwire/core/mime/mimetest"
	"github.com/mailwire/mailwire/proxy/internal/browsertest"
	"github.com/mailwire/mailwire/proxy/webapp"
)

// BenchmarkMIMEInBrowser parses the same bytes in the same page with
// Mailwire's WASM core and with postal-mime (npm), side by side, and
// reports each one's MB/s and the ratio.
//
// Mailwire's time covers what the explorer needs: copying the bytes into
// WebAssembly memory, mime.Parse (the whole tree, containers included,
// byte ranges, diagnostics, decoded bodies), the JSON model, and
// JSON.parse of it in the page. postal-mime's is PostalMime.parse of the
// bytes. Both run on the page's main thread, one after the other, after a
// warm-up round, so the JIT and the Go heap are warm for both.
//
// In a browser postal-mime turns every part's content into a Blob and reads
// it back (Blob.arrayBuffer, a round trip through the browser's blob
// store), which node does in-process; so for reference the same bytes are
// also given to postal-mime in node when node is installed.
func BenchmarkMIMEInBrowser(b *testing.B) {
	srv := benchServer(b)
	env := browsertest.Start(b, browsertest.Options{Timeout: 20 * 60e9})
	if err := chromedp.Do(env.Ctx,
		chromedp.Navigate(srv.URL+"/bench.html"),
		chromedp.Poll[chromedp.Void](`globalThis.benchReady === true`),
	); err != nil {
		b.Fatalf("bench page: %v", err)
	}
	sets := []struct {
		name  string
		files []string
	}{
		{"corpus", corpusNames(b)},
		{"large25MB", []string{"/gen/large"}},
		{"parts1000", []string{"/gen/many"}},
	}
	for _, set := range sets {
		b.Run(set.name, func(b *testing.B) {
			urls, _ := json.Marshal(set.files)
			size, err := chromedp.Run(env.Ctx, chromedp.Evaluate[float64](fmt.Sprintf(`benchLoad(%q, %s)`, set.name, urls), awaitPromise))
			if err != nil {
				b.Fatal(err)
			}
			var mw, pm, goParse, model float64
			type result struct{ Ms, ParseMs, ModelMs float64 }
			run := func(fn string) result {
				r, err := chromedp.Run(env.Ctx, chromedp.Evaluate[result](fmt.Sprintf(`%s(%q)`, fn, set.name), awaitPromise))
				if err != nil {
					b.Fatal(err)
				}
				return r
			}
			run("benchMailwire") // warm-up
			run("benchPostal")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r := run("benchMailwire")
				mw += r.Ms
				goParse += r.ParseMs
				model += r.ModelMs
				pm += run("benchPostal").Ms
			}
			mb := size / 1e6 * float64(b.N)
			if ms, ok := postalInNode(b, srv.URL, set.files, b.N); ok {
				b.ReportMetric(size/1e6/(ms/1e3), "MB/s-postal-mime-node")
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(mb/(mw/1e3), "MB/s-mailwire")
			b.ReportMetric(mb/(pm/1e3), "MB/s-postal-mime")
			b.ReportMetric(pm/mw, "x-postal-mime")
			b.ReportMetric(mb/(goParse/1e3), "MB/s-go-parse")
			b.ReportMetric(model/float64(b.N), "ms-model")
			b.ReportMetric(size/1e6, "MB")
		})
	}
}

// benchServer serves the bench page: Go's wasm_exec.js, the WASM core the
// app embeds, postal-mime bundled by esbuild, and the messages.
func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	root := browsertest.RepoRoot()
	dir := b.TempDir()
	res := api.Build(api.BuildOptions{
		Stdin:             &api.StdinOptions{Contents: benchJS, ResolveDir: root, Sourcefile: "bench.js", Loader: api.LoaderJS},
		Bundle:            true,
		Outfile:           filepath.Join(dir, "bench.js"),
		Write:             true,
		Format:            api.FormatIIFE,
		Target:            api.ES2020,
		Platform:          api.PlatformBrowser,
		MinifyWhitespace:  true,
		MinifySyntax:      true,
		MinifyIdentifiers: true,
		LogLevel:          api.LogLevelWarning,
	})
	if len(res.Errors) > 0 {
		b.Fatalf("esbuild: %s (run npm ci for postal-mime)", res.Errors[0].Text)
	}
	wasmExec, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		b.Fatal(err)
	}
	app := webapp.FS()
	raw, _ := fs.ReadFile(app, "build.json")
	var m struct{ Wasm string }
	if err := json.Unmarshal(raw, &m); err != nil || m.Wasm == "" {
		b.Fatalf("build.json: %v (run make build)", err)
	}
	wasm, err := fs.ReadFile(app, m.Wasm)
	if err != nil {
		b.Fatal(err)
	}
	gen := map[string][]byte{"large": mimetest.Large(25<<20, 12), "many": mimetest.ManyParts(1000)}
	mux := http.NewServeMux()
	mux.HandleFunc("/bench.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(benchHTML))
	})
	mux.HandleFunc("/wasm_exec.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(wasmExec)
	})
	mux.HandleFunc("/mailwire.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		w.Write(wasm)
	})
	mux.HandleFunc("/bench.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(dir, "bench.js"))
	})
	mux.HandleFunc("/gen/", func(w http.ResponseWriter, r *http.Request) {
		w.Write(gen[strings.TrimPrefix(r.URL.Path, "/gen/")])
	})
	mux.Handle("/corpus/", http.StripPrefix("/corpus/", http.FileServer(http.Dir(corpusDir()))))
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	return srv
}

// corpusDir is the shared corpus of real-world messages (../shared/corpus).
func corpusDir() string {
	return filepath.Join(browsertest.RepoRoot(), "..", "shared", "corpus", "messages")
}

func corpusNames(b *testing.B) []string {
	var out []string
	filepath.WalkDir(corpusDir(), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(corpusDir(), p)
			out = append(out, "/corpus/"+filepath.ToSlash(rel))
		}
		return nil
	})
	if len(out) == 0 {
		b.Skipf("no corpus at %s", corpusDir())
	}
	return out
}

const benchHTML = `<!doctype html><meta charset="utf-8"><title>MIME parse benchmark</title>
<script src="/wasm_exec.js"></script>
<script src="/bench.js"></script>
<script>
globalThis.mailwireReady = () => { globalThis.benchReady = true; };
const go = new Go();
WebAssembly.instantiateStreaming(fetch("/mailwire.wasm"), go.importObject).then((r) => go.run(r.instance));
</script>`

// benchJS runs in the page. Mailwire parses every message mimeLoad finds
// (a corpus file starting with an mbox "From " line may hold several), so
// both parsers read every byte.
const benchJS = `
import PostalMime from "postal-mime";
const sets = {};
globalThis.benchLoad = async (name, urls) => {
  sets[name] = await Promise.all(urls.map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())));
  return sets[name].reduce((s, b) => s + b.length, 0);
};
globalThis.benchMailwire = (name) => {
  const mw = globalThis.mailwire;
  let parseMs = 0, modelMs = 0;
  const t = performance.now();
  for (const b of sets[name]) {
    const msgs = JSON.parse(mw.mimeLoad(1, b));
    for (let i = 0; i < msgs.length; i++) {
      const r = mw.mimeParse(1, i);
      if (r instanceof Error) throw r;
      JSON.parse(r.json);
      parseMs += r.parseMs;
      modelMs += r.modelMs;
    }
    mw.mimeClose(1);
  }
  return { Ms: performance.now() - t, ParseMs: parseMs, ModelMs: modelMs };
};
globalThis.benchPostal = async (name) => {
  const t = performance.now();
  for (const b of sets[name]) await PostalMime.parse(b);
  return { Ms: performance.now() - t };
};
`

// BenchmarkMIMEExplorer50MB opens a 50 MB message (a dozen base64
// attachments) in the explorer through the file input, as a user would,
// and reports the time until its tree is on screen and the longest task
// the page's main thread ran meanwhile (the file is read and parsed in the
// worker; a task over 50 ms is what browsers call a long task, one the
// user can feel). Two files alternate so each round is a fresh open.
func BenchmarkMIMEExplorer50MB(b *testing.B) {
	dir := b.TempDir()
	data := mimetest.Large(50<<20, 12)
	files := []string{filepath.Join(dir, "large-a.eml"), filepath.Join(dir, "large-b.eml")}
	for _, f := range files {
		if err := os.WriteFile(f, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	env := browsertest.Start(b, browsertest.Options{Timeout: 10 * 60e9})
	env.WaitReady(b)
	if err := chromedp.Do(env.Ctx, chromedp.Click(chromedp.ID("nav-message"))); err != nil {
		b.Fatal(err)
	}
	var open, selectMs []float64
	var longest []float64
	for i := 0; i < b.N; i++ {
		file := files[i%2]
		if err := chromedp.Do(env.Ctx,
			chromedp.Evaluate[chromedp.Void](`(() => {
				window.benchLong = [];
				window.benchObs?.disconnect();
				window.benchObs = new PerformanceObserver((l) => { for (const e of l.getEntries()) benchLong.push(e.duration); });
				benchObs.observe({type: "longtask"});
				window.benchT0 = performance.now();
			})()`),
			chromedp.SetUploadFiles(chromedp.ID("mime-file"), []string{file}, chromedp.NodeReady),
			chromedp.Poll[chromedp.Void](fmt.Sprintf(`!!document.querySelector("#mime-summary")?.textContent.includes(%q) && !!document.querySelector('#mime-tree .tree-row[data-path="13"]') && !!document.querySelector("#mime-raw .raw-row")`, filepath.Base(file))),
		); err != nil {
			b.Fatalf("open: %v\n%s", err, env.Text(b, "body"))
		}
		ms, err := chromedp.Run(env.Ctx, chromedp.Evaluate[float64](`performance.now() - benchT0`))
		if err != nil {
			b.Fatal(err)
		}
		open = append(open, ms)
		// Select the last attachment: its 3 MB body comes from the worker for
		// the download link, its bytes are highlighted in the raw view.
		if err := chromedp.Do(env.Ctx,
			chromedp.Evaluate[chromedp.Void](`window.benchT0 = performance.now()`),
			chromedp.Click(chromedp.CSS(`#mime-tree .tree-row[data-path="13"]`)),
			chromedp.Poll[chromedp.Void](`!!document.querySelector('#mime-download[href^="blob:"]') && !!document.querySelector("#mime-raw .hl-header")`),
		); err != nil {
			b.Fatalf("select: %v", err)
		}
		if ms, err = chromedp.Run(env.Ctx, chromedp.Evaluate[float64](`performance.now() - benchT0`)); err != nil {
			b.Fatal(err)
		}
		selectMs = append(selectMs, ms)
		lt, err := chromedp.Run(env.Ctx, chromedp.Evaluate[float64](`Math.max(0, ...benchLong)`))
		if err != nil {
			b.Fatal(err)
		}
		longest = append(longest, lt)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(median(open), "ms-to-tree")
	b.ReportMetric(median(selectMs), "ms-select-attachment")
	b.ReportMetric(median(longest), "ms-longest-task-median")
	b.ReportMetric(slices.Max(longest), "ms-longest-task-max")
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// postalInNode runs postal-mime in node on the same bytes (fetched from the
// bench server) and returns the mean milliseconds per round over n rounds
// after a warm-up; ok is false without node.
func postalInNode(b *testing.B, base string, files []string, n int) (ms float64, ok bool) {
	nodeExe, err := exec.LookPath("node")
	if err != nil {
		return 0, false
	}
	dir := b.TempDir()
	script := filepath.Join(dir, "postal.mjs")
	mod := filepath.Join(browsertest.RepoRoot(), "node_modules", "postal-mime", "dist", "esm", "postal-mime.js")
	if err := os.WriteFile(script, []byte(fmt.Sprintf(postalNodeJS, mod)), 0o644); err != nil {
		b.Fatal(err)
	}
	urls, _ := json.Marshal(files)
	out, err := exec.Command(nodeExe, script, base, string(urls), strconv.Itoa(n)).Output()
	if err != nil {
		b.Logf("postal-mime in node: %v", err)
		return 0, false
	}
	ms, err = strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	return ms, err == nil
}

const postalNodeJS = `
import PostalMime from %q;
const [base, list, n] = [process.argv[2], JSON.parse(process.argv[3]), +process.argv[4]];
const msgs = await Promise.all(list.map(async (u) => new Uint8Array(await (await fetch(base + u)).arrayBuffer())));
const round = async () => { for (const b of msgs) await PostalMime.parse(b); };
await round();
const t = performance.now();
for (let i = 0; i < n; i++) await round();
console.log((performance.now() - t) / n);
`

// Command build bundles Mailwire's front end with esbuild's Go API and
// writes the embeddable application into proxy/webapp/dist:
//
//	index.html                     names the hashed assets on <body>
//	assets/main-HASH.js, .css      the page (Preact), bundled and minified
//	assets/worker-HASH.js          the Web Worker that runs the WASM
//	assets/wasm_exec-HASH.js       Go's JavaScript support for the WASM
//	assets/mailwire-HASH.wasm      the core, with .br and .gz beside it
//	build.json                     the asset names and sizes, for benchmarks
//
// Usage: go run ./web/build -wasm bin/mailwire.wasm [-out proxy/webapp/dist]
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/evanw/esbuild/pkg/api"
)

// Manifest is build.json: what was built, for the server and benchmarks.
type Manifest struct {
	App, CSS, Worker, WasmExec, Wasm string
	WasmSize, WasmGzip, WasmBrotli   int
}

func main() {
	wasmPath := flag.String("wasm", "bin/mailwire.wasm", "the compiled WASM core")
	out := flag.String("out", "proxy/webapp/dist", "output folder (emptied first)")
	src := flag.String("src", "web", "the front end's folder")
	minify := flag.Bool("minify", true, "minify the bundles")
	flag.Parse()
	if err := build(*src, *wasmPath, *out, *minify); err != nil {
		fmt.Fprintln(os.Stderr, "web/build:", err)
		os.Exit(1)
	}
}

func build(src, wasmPath, out string, minify bool) error {
	assets := filepath.Join(out, "assets")
	// Empty the output but keep the committed placeholder.
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if e.Name() != "README.txt" {
			if err := os.RemoveAll(filepath.Join(out, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(assets, 0o755); err != nil {
		return err
	}
	res := api.Build(api.BuildOptions{
		EntryPoints:       []string{filepath.Join(src, "src/main.tsx"), filepath.Join(src, "src/worker.ts")},
		Bundle:            true,
		Outdir:            assets,
		EntryNames:        "[name]-[hash]",
		AssetNames:        "[name]-[hash]",
		Write:             true,
		Metafile:          true,
		Format:            api.FormatIIFE,
		Target:            api.ES2020,
		JSX:               api.JSXAutomatic,
		JSXImportSource:   "preact",
		MinifyWhitespace:  minify,
		MinifyIdentifiers: minify,
		MinifySyntax:      minify,
		Sourcemap:         api.SourceMapLinked,
		LogLevel:          api.LogLevelWarning,
		Loader:            map[string]api.Loader{".css": api.LoaderCSS},
	})
	if len(res.Errors) > 0 {
		var b strings.Builder
		for _, m := range res.Errors {
			loc := ""
			if m.Location != nil {
				loc = fmt.Sprintf("%s:%d: ", m.Location.File, m.Location.Line)
			}
			fmt.Fprintf(&b, "\n  %s%s", loc, m.Text)
		}
		return fmt.Errorf("esbuild:%s", b.String())
	}
	var m Manifest
	for _, f := range res.OutputFiles {
		rel := "assets/" + filepath.Base(f.Path)
		switch name := filepath.Base(f.Path); {
		case strings.HasPrefix(name, "main-") && strings.HasSuffix(name, ".js"):
			m.App = rel
		case strings.HasPrefix(name, "main-") && strings.HasSuffix(name, ".css"):
			m.CSS = rel
		case strings.HasPrefix(name, "worker-") && strings.HasSuffix(name, ".js"):
			m.Worker = rel
		}
	}
	if m.App == "" || m.Worker == "" {
		return fmt.Errorf("esbuild wrote no app or worker bundle")
	}
	execJS, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return fmt.Errorf("wasm_exec.js: %w", err)
	}
	if m.WasmExec, err = writeHashed(assets, "wasm_exec", ".js", execJS); err != nil {
		return err
	}
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		return fmt.Errorf("the WASM core (build it first): %w", err)
	}
	if m.Wasm, err = writeHashed(assets, "mailwire", ".wasm", wasm); err != nil {
		return err
	}
	m.WasmSize = len(wasm)
	gz, br, err := compress(wasm)
	if err != nil {
		return err
	}
	m.WasmGzip, m.WasmBrotli = len(gz), len(br)
	wasmFile := filepath.Join(out, m.Wasm)
	if err := os.WriteFile(wasmFile+".gz", gz, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(wasmFile+".br", br, 0o644); err != nil {
		return err
	}
	tmpl, err := os.ReadFile(filepath.Join(src, "index.html"))
	if err != nil {
		return err
	}
	css := m.CSS
	html := strings.NewReplacer("{{APP}}", "/"+m.App, "{{CSS}}", "/"+css, "{{WORKER}}", "/"+m.Worker,
		"{{WASM}}", "/"+m.Wasm, "{{WASM_EXEC}}", "/"+m.WasmExec).Replace(string(tmpl))
	if css == "" {
		html = strings.Replace(html, `<link rel="stylesheet" href="/">`+"\n", "", 1)
	}
	if err := os.WriteFile(filepath.Join(out, "index.html"), []byte(html), 0o644); err != nil {
		return err
	}
	mj, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(out, "build.json"), append(mj, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("web/build: %s  wasm %d bytes (gzip %d, brotli %d)\n", out, m.WasmSize, m.WasmGzip, m.WasmBrotli)
	return nil
}

// writeHashed writes data as dir/name-HASH.ext and returns "assets/name-HASH.ext".
func writeHashed(dir, name, ext string, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	file := name + "-" + strings.ToUpper(hex.EncodeToString(sum[:4])) + ext
	if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
		return "", err
	}
	return "assets/" + file, nil
}

// compress returns data gzip-compressed (best) and brotli-compressed.
func compress(data []byte) (gz, br []byte, err error) {
	var g bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&g, gzip.BestCompression)
	if _, err := zw.Write(data); err != nil {
		return nil, nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	// Quality 9 with a 4 MiB window is within a few percent of quality 11
	// at a fraction of the build time.
	bw := brotli.NewWriterOptions(&b, brotli.WriterOptions{Quality: 9, LGWin: 22})
	if _, err := bw.Write(data); err != nil {
		return nil, nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, nil, err
	}
	return g.Bytes(), b.Bytes(), nil
}

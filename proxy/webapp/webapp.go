package webapp

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// FS returns the built application's files.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// Built reports whether the application has been built into dist/.
func Built(fsys fs.FS) bool {
	_, err := fs.Stat(fsys, "index.html")
	return err == nil
}

// Handler serves the files of fsys.
func Handler(fsys fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		if strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") || strings.HasPrefix(name, ".") {
			http.NotFound(w, r)
			return
		}
		if name == "index.html" && !Built(fsys) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.Write([]byte(notBuilt))
			return
		}
		h := w.Header()
		if strings.HasPrefix(name, "assets/") {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		ctype := mime.TypeByExtension(path.Ext(name))
		if strings.HasSuffix(name, ".wasm") {
			ctype = "application/wasm"
		}
		if ctype != "" {
			h.Set("Content-Type", ctype)
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Add("Vary", "Accept-Encoding")
		served := name
		for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
			if !accepts(r.Header.Get("Accept-Encoding"), enc.token) {
				continue
			}
			if _, err := fs.Stat(fsys, name+enc.ext); err == nil {
				served = name + enc.ext
				h.Set("Content-Encoding", enc.token)
				break
			}
		}
		f, err := fsys.Open(served)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		if name == "index.html" {
			h.Set("Content-Security-Policy", csp)
		}
		http.ServeContent(w, r, "", st.ModTime(), f.(readSeeker))
	})
}

// csp keeps the page to its own origin. 'wasm-unsafe-eval' lets the worker
// compile WebAssembly; blob: and data: serve previews the page makes itself.
//
// img-src also allows http: and https: for one reason: the MIME explorer
// shows an HTML part in a sandboxed srcdoc frame (no scripts, opaque
// origin), and a srcdoc frame inherits this policy, so it can only narrow
// it. The frame's own policy blocks remote images until the user presses
// "Load remote images"; without http:/https: here that button could never
// work. Scripts, connections, frames and styles stay same-origin.
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
	"connect-src 'self'; img-src 'self' data: blob: http: https:; style-src 'self' 'unsafe-inline'; " +
	"frame-src 'self' blob:; object-src 'none'; base-uri 'none'"

type readSeeker interface {
	Read([]byte) (int, error)
	Seek(int64, int) (int64, error)
}

// accepts reports whether an Accept-Encoding header allows token, honouring q=0.
func accepts(header, token string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), token) {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return !(params == "q=0" || params == "q=0.0" || params == "q=0.00" || params == "q=0.000")
	}
	return false
}

const notBuilt = `<!doctype html><meta charset="utf-8"><title>Mailwire</title>
<p>The web application has not been built into this binary. Run <code>make run</code>
(or <code>make build</code>) from the repository root.</p>`

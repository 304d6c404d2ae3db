package webapp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestHandler(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html":             {Data: []byte("<html>")},
		"assets/app-abc.wasm":    {Data: []byte("raw")},
		"assets/app-abc.wasm.br": {Data: []byte("brotli")},
		"assets/app-abc.wasm.gz": {Data: []byte("gzip")},
		"assets/app-abc.js":      {Data: []byte("js")},
	}
	h := Handler(fsys)
	tests := []struct {
		path, accept          string
		code                  int
		body, ctype, encoding string
		immutable             bool
	}{
		{"/", "", 200, "<html>", "text/html; charset=utf-8", "", false},
		{"/assets/app-abc.wasm", "gzip, deflate, br", 200, "brotli", "application/wasm", "br", true},
		{"/assets/app-abc.wasm", "gzip", 200, "gzip", "application/wasm", "gzip", true},
		{"/assets/app-abc.wasm", "br;q=0, gzip", 200, "gzip", "application/wasm", "gzip", true},
		{"/assets/app-abc.wasm", "", 200, "raw", "application/wasm", "", true},
		{"/assets/app-abc.js", "br", 200, "js", "text/javascript; charset=utf-8", "", true},
		{"/assets/app-abc.wasm.br", "", 404, "", "", "", false},
		{"/missing", "", 404, "", "", "", false},
		{"/../../etc/passwd", "", 404, "", "", "", false},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", tt.path, nil)
		if tt.accept != "" {
			req.Header.Set("Accept-Encoding", tt.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.code {
			t.Errorf("%s: code %d, want %d", tt.path, rec.Code, tt.code)
			continue
		}
		if tt.code != 200 {
			continue
		}
		if got := rec.Body.String(); got != tt.body {
			t.Errorf("%s (%s): body %q, want %q", tt.path, tt.accept, got, tt.body)
		}
		if got := rec.Header().Get("Content-Type"); got != tt.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tt.path, got, tt.ctype)
		}
		if got := rec.Header().Get("Content-Encoding"); got != tt.encoding {
			t.Errorf("%s: Content-Encoding %q, want %q", tt.path, got, tt.encoding)
		}
		cc := rec.Header().Get("Cache-Control")
		if tt.immutable != (cc == "public, max-age=31536000, immutable") {
			t.Errorf("%s: Cache-Control %q", tt.path, cc)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
}

func TestNotBuilt(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler(fstest.MapFS{}).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "make run") {
		t.Errorf("unbuilt app: %d %q", rec.Code, rec.Body.String())
	}
}

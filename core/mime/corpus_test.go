package mime

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// corpusDir is the shared corpus of real-world messages (see its SOURCES.md).
const corpusDir = "../../../shared/corpus/messages"

// corpusFiles lists the corpus, skipping the test when it is not there
// (a fresh clone without ../shared, or js/wasm without file access).
func corpusFiles(tb testing.TB) []string {
	tb.Helper()
	var files []string
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil || len(files) == 0 {
		if runtime.GOOS == "js" {
			tb.Skipf("corpus not readable under js/wasm: %v", err)
		}
		tb.Skipf("corpus not found at %s: %v", corpusDir, err)
	}
	return files
}

// TestCorpus parses every corpus message: each must give a tree whose
// ranges are consistent, and a JSON model.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	if len(files) < 399 {
		t.Errorf("corpus has %d files, want 399", len(files))
	}
	total, nodes, diagnostics := 0, 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := Parse(b)
		total += len(b)
		nodes += m.Parts
		diagnostics += len(m.Diagnostics())
		checkTree(t, f, m)
		if _, err := json.Marshal(m); err != nil {
			t.Errorf("%s: json: %v", f, err)
		}
	}
	t.Logf("%d messages, %d bytes, %d nodes, %d diagnostics", len(files), total, nodes, diagnostics)
}

package mime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// pyNode is one node as testdata/pyemail.py reports Python's email tree.
type pyNode struct {
	Path     string `json:"path"`
	Type     string `json:"type"`
	Filename string `json:"filename"`
	Charset  string `json:"charset"`
	Children int    `json:"children"`
	Size     *int   `json:"size"`
	SHA256   string `json:"sha256"`
	Error    string `json:"error"`
}

// TestPythonComparison parses the corpus with Python's email package and
// with Parse and lists where the trees differ: nodes only one side has,
// media types, filenames, decoded leaf bodies. The list must match
// testdata/pycompare.golden (UPDATE_GOLDEN=1 rewrites it);
// docs/MIME-COMPARISON.md explains each kind of difference and who is right.
func TestPythonComparison(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("no subprocesses under js/wasm")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	files := corpusFiles(t)
	cmd := exec.Command(py, "testdata/pyemail.py")
	cmd.Args = append(cmd.Args, files...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pyemail.py: %v\n%s", err, stderr.String())
	}
	var trees map[string][]pyNode
	if err := json.Unmarshal(out, &trees); err != nil {
		t.Fatal(err)
	}
	var diffs []string
	for _, f := range files {
		rel, _ := filepath.Rel(corpusDir, f)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		diffs = append(diffs, compareTrees(rel, Parse(b), trees[f])...)
	}
	sort.Strings(diffs)
	got := strings.Join(diffs, "\n") + "\n"
	const golden = "testdata/pycompare.golden"
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1)", err)
	}
	if got != string(want) {
		wl, gl := lineSet(string(want)), lineSet(got)
		for l := range gl {
			if !wl[l] {
				t.Errorf("new difference: %s", l)
			}
		}
		for l := range wl {
			if !gl[l] {
				t.Errorf("difference gone: %s", l)
			}
		}
		t.Log("update with UPDATE_GOLDEN=1 and docs/MIME-COMPARISON.md")
	}
	t.Logf("%d files, %d differences", len(files), len(diffs))
}

func lineSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l != "" {
			m[l] = true
		}
	}
	return m
}

// compareTrees lists the differences between our tree and Python's, one
// line each: "file path kind: ours | python".
func compareTrees(file string, m *Message, py []pyNode) []string {
	var diffs []string
	add := func(path, kind, format string, args ...any) {
		p := path
		if p == "" {
			p = "(root)"
		}
		diffs = append(diffs, fmt.Sprintf("%s %s %s: %s", file, p, kind, fmt.Sprintf(format, args...)))
	}
	if len(py) == 1 && py[0].Error != "" {
		add("", "python-error", "%s", py[0].Error)
		return diffs
	}
	theirs := map[string]pyNode{}
	for _, n := range py {
		theirs[n.Path] = n
	}
	ours := map[string]*Part{}
	m.Root.Walk(func(p *Part) bool { ours[p.Path] = p; return true })
	for _, n := range py {
		if _, ok := ours[n.Path]; !ok {
			// Report only the top of a missing subtree.
			if parent := parentPath(n.Path); parent == "" || ours[parent] != nil {
				add(n.Path, "python-only", "%s", n.Type)
			}
		}
	}
	m.Root.Walk(func(p *Part) bool {
		n, ok := theirs[p.Path]
		if !ok {
			add(p.Path, "mailwire-only", "%s", p.ContentType)
			return false
		}
		if p.ContentType != n.Type {
			add(p.Path, "type", "%s | %s", p.ContentType, n.Type)
		}
		if p.Filename != n.Filename && n.Filename != "?" {
			add(p.Path, "filename", "%q | %q", p.Filename, n.Filename)
		}
		if len(p.Children) == 0 && n.Children == 0 && n.SHA256 != "" && hash(p.Body) != n.SHA256 {
			add(p.Path, "body", "%d bytes | %d bytes", len(p.Body), *n.Size)
		}
		return true
	})
	return diffs
}

func parentPath(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

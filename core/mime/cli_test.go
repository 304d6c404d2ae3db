package mime

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = RunCLI(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	msg := crlf(alt)
	f := filepath.Join(t.TempDir(), "m.eml")
	if err := os.WriteFile(f, []byte(msg), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "", f)
	if code != 0 || !strings.Contains(out, "├── 1  text/plain") || !strings.Contains(out, "Subject:    test") {
		t.Errorf("tree: code %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, msg, "--json", "-")
	var model struct {
		Root struct {
			Children []struct{ Path, SHA256 string }
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &model) != nil || len(model.Root.Children) != 2 || model.Root.Children[1].Path != "2" || model.Root.Children[1].SHA256 == "" {
		t.Errorf("json: code %d\n%s", code, out)
	}
	mbox := "From a@x Mon Jan  2 15:04:05 2006\nSubject: one\n\n1\n\nFrom b@x Mon Jan  2 15:04:05 2006\nSubject: two\n\n2\n"
	code, out, errs := runCLI(t, mbox, "-n", "2", "-")
	if code != 0 || !strings.Contains(out, "Subject:    two") || !strings.Contains(errs, "mbox with 2 messages") {
		t.Errorf("mbox: code %d\n%s\n%s", code, out, errs)
	}
	if code, _, _ := runCLI(t, mbox, "-n", "3", "-"); code != 2 {
		t.Errorf("-n 3: code %d", code)
	}
	if code, _, errs := runCLI(t, "", filepath.Join(t.TempDir(), "missing.eml")); code != 1 || !strings.Contains(errs, "mailwire mime:") {
		t.Errorf("missing file: code %d %s", code, errs)
	}
	if code, _, _ := runCLI(t, ""); code != 2 {
		t.Errorf("no args: code %d", code)
	}
}
